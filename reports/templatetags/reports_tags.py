from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reports.formatting import (
    STATUS_LABELS,
    STATUS_SYMBOLS,
    coverage_text,
    fmt_signed,
    fmt_value,
    margin_text,
    outlook_text,
    pace_text,
    unit_value_text,
)

register = template.Library()


@register.simple_tag
def fmt(value, unit="", decimals=1, kind="number"):
    return fmt_value(value, unit, decimals, kind)


@register.simple_tag
def unit_value(row, unit="", decimals=1, kind="number"):
    return unit_value_text(row, unit, decimals, kind)


@register.simple_tag
def signed(value, unit="", decimals=1):
    return fmt_signed(value, unit, decimals)


@register.simple_tag
def margin(value, unit="", decimals=1):
    return margin_text(value, unit, decimals)


@register.simple_tag
def outlook(value, unit="", decimals=1):
    return outlook_text(value, unit, decimals)


@register.simple_tag
def pace(value, unit="", decimals=1):
    return pace_text(value, unit, decimals)


@register.simple_tag
def coverage(reported, expected):
    return coverage_text(reported, expected)


@register.filter
def status_symbol(status):
    return STATUS_SYMBOLS.get(status, "")


@register.filter
def status_label(status):
    return STATUS_LABELS.get(status, status)


@register.filter
def stamp(value):
    """An ISO timestamp from a payload, as local 2026-11-24 10:30."""
    if not value:
        return "—"
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


@register.filter
def percent_of(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "—"


@register.filter(name="get")
def get_item(mapping, key):
    return mapping.get(key, key)
