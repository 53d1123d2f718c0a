from decimal import Decimal

import pytest

from indicators.models import DataElement, ValidationRule, ValueType
from indicators.validation import ERROR, NEEDS_EXPLANATION, check_bounds, check_plausibility, check_rules, parse_value


def element(**kw):
    defaults = {"code": "kids", "name_zh": "在园幼儿数", "name_en": "Children", "value_type": ValueType.INTEGER}
    return DataElement(**{**defaults, **kw})


@pytest.mark.parametrize("raw, expected", [("12", Decimal(12)), (" 1,234 ", Decimal(1234)), ("", None), (None, None)])
def test_parse_value_accepts_numbers(raw, expected):
    assert parse_value(element(), raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1.5", "NaN", "inf"])
def test_parse_value_refuses_non_integers(raw):
    with pytest.raises(ValueError):
        parse_value(element(), raw)


def test_parse_boolean_words():
    flag = element(value_type=ValueType.BOOLEAN)
    assert parse_value(flag, "是") == 1 and parse_value(flag, "否") == 0


def test_negative_count_is_refused_without_a_minimum():
    [problem] = check_bounds(element(), Decimal(-1))
    assert problem.kind == ERROR and "不能小于0" in problem.message


def test_rule_broken_names_its_fields():
    rule = ValidationRule(
        code="puhui_le_total",
        left="puhui",
        operator="<=",
        right="kids",
        message_zh="普惠性在园幼儿数不能超过在园幼儿数",
    )
    [problem] = check_rules([rule], {"puhui": Decimal(120), "kids": Decimal(100)})
    assert problem.elements == ("kids", "puhui") and problem.rule == "puhui_le_total"
    assert check_rules([rule], {"puhui": Decimal(90), "kids": Decimal(100)}) == []


def test_jump_needs_explanation_until_one_is_written():
    jumpy = element(jump_share=Decimal("0.3"))
    [problem] = check_plausibility(jumpy, Decimal(200), Decimal(100), "")
    assert problem.kind == NEEDS_EXPLANATION
    assert check_plausibility(jumpy, Decimal(200), Decimal(100), "新园区开园") == []
    assert check_plausibility(jumpy, Decimal(120), Decimal(100), "") == []
