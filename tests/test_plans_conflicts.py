"""Which statement of a target counts, and when statements of one target disagree."""
from decimal import Decimal

import pytest

from plans.services.conflicts import default_choice, differences, qualifiers, section_kind


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("70%的幼儿园达到二级一类及以上等级水平", {("等级", "二级一类")}),
        ("70%的幼儿园达到二级乙类及以上水平", {("等级", "二级乙类")}),
        ("30%中小学校至少配备1名专职家庭教育指导师", {("专兼职", "专职")}),
        ("各中小学至少配备1名专兼职的家庭教育指导师", {("专兼职", "专兼职")}),
        ("市级示范园及以上水平幼儿园增加到32所", {("级别", "市级"), ("等级", "示范园")}),
        ("培养在自治区乃至全国有影响力的名教师100名", {("级别", "自治区级"), ("级别", "国家级")}),
        ("培养3-5名在全市乃至自治区知名校长与教师", {("级别", "市级"), ("级别", "自治区级")}),
        ("专任教师本科及以上学历达到90%", {("学历", "本科")}),
        ("学前教育三年毛入园率达到98.5%", set()),
    ],
)
def test_qualifiers(sentence, expected):
    assert qualifiers(sentence) == expected


@pytest.mark.parametrize(
    "section, kind",
    [("总体目标", "overall"), ("实施学前教育普及普惠优质发展工程", "programme"), ("深入推进“放管服”改革", "programme"),
     ("2022年行动计划表", "yearly"), ("年度行动", "yearly")],
)
def test_section_kind(section, kind):
    assert section_kind(section) == kind


@pytest.mark.parametrize(
    "sections, chosen",
    [
        (["总体目标", "实施学前教育普及普惠优质发展工程", "2022年行动计划表"], 2),  # 毛入园率 2022 → 98.5
        (["实施义务教育优质均衡提升发展工程", "2022年行动计划表"], 1),  # 入学率 2022 → 100
        (["总体目标", "实施学前教育普及普惠优质发展工程"], 1),
        (["总体目标", "总体目标"], 0),  # among equals, the first
        (["2020年行动计划表"], 0),
    ],
)
def test_the_most_specific_dated_statement_is_chosen(sections, chosen):
    assert default_choice(sections) == chosen


def _row(text, comparator="gte", value="70", low=None, high=None, approximate=False):
    number = None if value is None else Decimal(value)
    return {"text": text, "comparator": comparator, "value": number, "low": low, "high": high,
            "approximate": approximate}


@pytest.mark.parametrize(
    "rows, reasons",
    [
        ([_row("二级一类及以上等级水平幼儿园占比达到70%以上"), _row("70%的幼儿园达到二级一类及以上等级水平")], []),
        ([_row("二级一类及以上等级水平幼儿园占比达到70%以上"), _row("70%的幼儿园达到二级乙类及以上水平")],
         ["限定词不同:二级一类 / 二级乙类"]),
        ([_row("毛入园率达到98%以上", value="98"), _row("毛入园率达到98.5%", value="98.5")], ["数值不同"]),
        ([_row("入学率超过99.9%", "gt", "99.9"), _row("入学率达到100%", "gte", "100")], ["数值不同"]),
        ([_row("名教师100名", value="100"), _row("名教师近百名", value="100", approximate=True)], ["数值不同"]),
        ([_row("培养在自治区乃至全国有影响力的名教师100名", value="100"),
          _row("培养名教师近百名", value="100", approximate=True)],
         ["数值不同", "限定词不同:自治区、全国 / 无"]),
    ],
)
def test_differences(rows, reasons):
    assert differences(rows) == reasons
