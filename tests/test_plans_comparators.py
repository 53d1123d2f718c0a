"""What a plan sentence says about its number: one row per pattern of the Dongsheng plan and its tricky twins."""
import pytest

from plans.services.comparators import NumberNotInText, comparator_from_text, number_text_in


@pytest.mark.parametrize(
    "sentence, number, comparator, approximate",
    [
        # 以上 / 及以上 / 以下 include the number
        ("2020年,学前三年教育毛入园率达到95%以上", "95", "gte", False),
        ("合格率达到90%及以上", "90", "gte", False),
        ("75%以上的教师能够熟练运用信息技术开展教育教学", "75", "gte", False),
        ("2022年前新增义务教育阶段学校8所以上", "8", "gte", False),
        ("近视新增发病率控制在5%以下", "5", "lte", False),
        ("班额控制在45人以内", "45", "lte", False),
        # 不低于 vs 低于, 不超过 vs 超过: the longer word next to the number wins
        ("确保各校教师培训专项经费预算不低于当年公用经费的5%", "5", "gte", False),
        ("学生体质健康不合格率低于5%", "5", "lt", False),
        ("每班学生不超过45人", "45", "lte", False),
        ("符合条件的适龄常住儿童义务教育入学率超过99.9%", "99.9", "gt", False),
        ("优良率高于50%", "50", "gt", False),
        ("辍学率不足1%", "1", "lt", False),
        ("专任教师少于10人的学校", "10", "lt", False),
        ("各中小学至少配备1名专兼职的家庭教育指导师", "1", "gte", False),
        ("班主任津贴不高于300元", "300", "lte", False),
        # 达到 / 增加到 / 新建 / 新增 / 建成 / 提高到 / 保持 N: at least N, never = N
        ("2021年,学前三年教育毛入园率达到97%", "97", "gte", False),
        ("我区中小学专任教师研究生以上学历比例达10%", "10", "gte", False),  # 以上 before the number is a degree
        ("2022年市级示范园及以上等级水平幼儿园增加到32所", "32", "gte", False),
        ("1.新建幼儿园2所。", "2", "gte", False),
        ("2020年新增3所公办幼儿园", "3", "gte", False),
        ("建成智慧校园20所", "20", "gte", False),
        ("生均公用经费提高到800元", "800", "gte", False),
        ("义务教育巩固率保持100%", "100", "gte", False),
        ("残疾儿童少年入学率保持在95%以上", "95", "gte", False),
        ("新建小学2所、初中1所", "1", "gte", False),  # the verb reaches over 、
        ("更新20间学生用计算机教室", "20", "gte", False),  # a bare number in a plan is a floor
        ("70%的幼儿园达到二级一类及以上等级水平", "70", "gte", False),  # 及以上 qualifies the grade
        ("2020年、2022年普惠性幼儿园覆盖率分别达到80%和86%", "86", "gte", False),
        ("2020年、2022年普惠性幼儿园覆盖率分别达到80%和86%", "80", "gte", False),
        # 左右 / 近 / 接近: approximate
        ("公办园占比达到50%左右", "50", "gte", True),
        ("公办园在园幼儿占比接近50%", "50", "gte", True),
        ("提高自主评价分值在督导评估中所占的比例(10%左右)", "10", "gte", True),
        ("培养名教师近百名", "百", "gte", True),
        ("近视新增发病率控制在5%以下", "5", "lte", False),  # the 近 of 近视 is not 「近5」
        # ranges
        ("在区内选拔3—5所课改试点学校", "3—5", "range", False),
        ("2022年利用PPP等新模式创办学校5-7所", "5-7", "range", False),
        ("每年确定2—3所左右公办中小学", "2—3", "range", True),
        # words instead of figures
        ("保教人员全员持证上岗", "全员", "gte", False),
    ],
)
def test_comparator_from_the_words(sentence, number, comparator, approximate):
    assert comparator_from_text(sentence, number) == (comparator, approximate)


def test_a_number_inside_a_year_or_a_longer_number_is_not_the_number():
    with pytest.raises(NumberNotInText):
        comparator_from_text("2020年组建教育集团", "20")
    with pytest.raises(NumberNotInText):
        comparator_from_text("名教师100名", "10")
    with pytest.raises(NumberNotInText):
        comparator_from_text("创办学校5-7所", "5")  # the start of a range is not a value


@pytest.mark.parametrize(
    "sentence, numbers, expected",
    [
        ("适龄幼儿学前三年入园率达到98.5%以上", {"value": 98.5}, "98.5"),
        ("义务教育巩固率保持100%", {"value": 100.0}, "100"),
        ("在区内选拔3—5所课改试点学校", {"low": 3, "high": 5}, "3—5"),
        ("2022年,学前三年教育毛入园率达到98%以上", {"value": 98.5}, None),
        ("2020年新增3所公办幼儿园", {"value": 20}, None),
    ],
)
def test_number_text_is_found_as_written(sentence, numbers, expected):
    assert number_text_in(sentence, **numbers) == expected
