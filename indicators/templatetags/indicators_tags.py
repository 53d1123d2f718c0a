"""Figures as people read them on the collection pages: 1,234,567.00 元, 1,131 人, 是/否."""
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from edugov.roles import display_name
from indicators.models import ValueType

register = template.Library()


@register.filter
def element_value(value, element) -> str:
    """``{{ row.value|element_value:row.element }}``: a stored figure in the form its element is read in;
    an empty figure is a dash."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    if element.value_type == ValueType.BOOLEAN:
        return _("是") if number else _("否")
    if element.value_type == ValueType.MONEY:
        return f"{number:,.2f}"
    return f"{number.normalize():,f}"


@register.filter
def person(user) -> str:
    """``{{ change.by|person }}``: a person by name or by what the account stands for, never a bare login."""
    return display_name(user)
