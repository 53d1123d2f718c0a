"""Checks on a school's figures, shared by the web form, the API and the Excel import.

Hard problems (wrong type, beyond bounds, a rule broken) refuse the figures. Soft ones (a jump
from last year, outside the expected range) only require a written explanation (说明).
"""
import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.formula import FormulaError, parse
from indicators.models import DataElement, SubmissionValue, ValidationRule, ValueType

ERROR = "error"
NEEDS_EXPLANATION = "needs_explanation"

_COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}
_TRUE_WORDS = {"1", "是", "有", "yes", "y", "true"}
_FALSE_WORDS = {"0", "否", "无", "no", "n", "false"}
# No stored figure reaches this (SubmissionValue.value: 20 digits, 4 after the point). Checked before any
# arithmetic: 1E+27 would otherwise raise decimal.InvalidOperation, or fail in the database.
_FIELD = SubmissionValue._meta.get_field("value")
_STORABLE = Decimal(10) ** (_FIELD.max_digits - _FIELD.decimal_places)


@dataclass(frozen=True)
class Problem:
    kind: str  # ERROR or NEEDS_EXPLANATION
    message: str
    elements: tuple[str, ...] = ()  # element codes the problem concerns (for placing it next to fields)
    rule: str = ""


def parse_value(element: DataElement, raw) -> Decimal | None:
    """Text or number from a person or a file → Decimal; ValueError with a Chinese message when it is not one."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if element.value_type == ValueType.BOOLEAN:
        return _parse_boolean(raw)
    number = _number(raw)
    if not number.is_finite():
        raise ValueError(f"「{raw}」不是有效数字")
    if number.copy_abs() >= _STORABLE:  # copy_abs: abs() itself overflows on 1e999999999
        raise ValueError(f"「{raw}」超出可填报的数值范围(绝对值应小于 {_STORABLE:,})")
    if element.value_type == ValueType.INTEGER and number != number.to_integral_value():
        raise ValueError(f"「{raw}」应为整数")
    if element.value_type == ValueType.MONEY and number != number.quantize(Decimal("0.01")):
        raise ValueError(f"「{raw}」金额最多两位小数")
    return number


# People type full-width digits and punctuation with a Chinese input method on: read them as what they mean.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．－＋", "0123456789,.-+")
# Digits with an optional sign, point and exponent; thousands separators only every three digits (1,234,567.5).
# [0-9], not \d: \d also matches other scripts' digits, which Decimal would quietly accept.
_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _number(raw) -> Decimal:
    """A number from a cell (already one) or from text, strictly: 「1,2,3」, 「12,34」 and 「1_000」 are
    refused rather than guessed at (Decimal alone would read the last as 1000)."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return Decimal(str(raw))
    text = str(raw).translate(_FULL_WIDTH).strip()
    if not _NUMBER.fullmatch(text):
        if re.fullmatch(r"[+-]?[0-9][0-9,]*(?:\.[0-9]*)?", text):
            raise ValueError(_("「%(raw)s」不是数字:千位分隔符「,」应每三位一个,例如 1,234,567") % {"raw": raw})
        raise ValueError(_("「%(raw)s」不是数字") % {"raw": raw})
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # an exponent beyond Decimal's range
        raise ValueError(_("「%(raw)s」不是有效数字") % {"raw": raw}) from None


def _parse_boolean(raw) -> Decimal:
    word = str(raw).strip().lower()
    if word in _TRUE_WORDS:
        return Decimal(1)
    if word in _FALSE_WORDS:
        return Decimal(0)
    raise ValueError(f"「{raw}」应为 是/否")


def check_bounds(element: DataElement, value: Decimal | None) -> list[Problem]:
    if value is None:
        return []
    low = element.min_value if element.min_value is not None else _default_min(element)
    if low is not None and value < low:
        return [Problem(ERROR, f"{element.name_zh}不能小于{_fmt(low)}", (element.code,))]
    if element.max_value is not None and value > element.max_value:
        return [Problem(ERROR, f"{element.name_zh}不能大于{_fmt(element.max_value)}", (element.code,))]
    return []


def _default_min(element: DataElement) -> Decimal | None:
    # Counts and money are never negative, even when the bureau forgot to set a minimum.
    return Decimal(0) if element.value_type in {ValueType.INTEGER, ValueType.MONEY, ValueType.BOOLEAN} else None


def check_rules(rules: Iterable[ValidationRule], values: Mapping[str, Decimal | None]) -> list[Problem]:
    problems = []
    for rule in rules:
        try:
            left, right = parse(rule.left), parse(rule.right)
        except FormulaError as exc:
            problems.append(Problem(ERROR, f"校验规则{rule.code}有误:{exc}", (), rule.code))
            continue
        codes = tuple(sorted(left.codes | right.codes))
        present = {code: values[code] for code in codes if values.get(code) is not None}
        lhs, rhs = left.evaluate(present), right.evaluate(present)
        if lhs is None or rhs is None:
            continue  # a rule over an empty field is the required-field check's business
        if not _COMPARE[rule.operator](lhs, rhs):
            problems.append(Problem(ERROR, rule.message_zh, codes, rule.code))
    return problems


def check_plausibility(
    element: DataElement, value: Decimal | None, previous: Decimal | None, explanation: str
) -> list[Problem]:
    """A jump beyond the element's share from last year, or a value outside its expected range,
    needs a written explanation."""
    if explanation.strip():
        return []
    reasons = soft_check_reasons(element, value, previous)
    if not reasons:
        return []
    return [Problem(NEEDS_EXPLANATION, f"{element.name_zh}{'、'.join(reasons)},请填写说明", (element.code,))]


def soft_check_reasons(element: DataElement, value: Decimal | None, previous: Decimal | None) -> list[str]:
    """Which soft checks the value trips, explained or not: the form asks for a 说明 while one is missing,
    and the reviewer sees every one of them next to the school's 说明."""
    if value is None:
        return []
    reasons = []
    if element.expected_min is not None and value < element.expected_min:
        reasons.append(f"低于合理范围下限{_grouped(element.expected_min)}")
    if element.expected_max is not None and value > element.expected_max:
        reasons.append(f"高于合理范围上限{_grouped(element.expected_max)}")
    if element.jump_share is not None and previous:
        change = abs(value - previous) / abs(previous)
        if change > element.jump_share:
            limit = element.jump_share * 100
            reasons.append(f"与上年({_grouped(previous)})相比变动{change * 100:.0f}%,超过{limit:.0f}%")
    return reasons


def _fmt(number: Decimal) -> str:
    return f"{Decimal(number).normalize():f}"


def _grouped(number: Decimal) -> str:
    # 1,234,567.5: a reviewer reads amounts of money, not digit strings
    return f"{Decimal(number).normalize():,f}"
