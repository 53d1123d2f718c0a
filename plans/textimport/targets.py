"""Numeric targets in a sentence: 「普惠性幼儿园覆盖率达到80%」 → 80 %, ≥; 「3-5所」 → a range; 「近百名」 → ≈100;
「师生比不低于1:2000」 → a ratio, 2000 students per teacher at most (its comparator is on the second term);
「由91.3%提高到94%」 → 94 % with the baseline 91.3 (the baseline is not a target of its own). The unit gives the
kind: 万元/亿元/元 money, 所/个/名… a count of units, %/个百分点/倍 a number.

Pure functions of the text. The comparator and 左右 are read by the loader's own rule
(plans.services.comparators.comparator_from_text, at the first place the number stands in its source
clause), so a proposal always passes the loader's check of its words.
"""
import re
from dataclasses import dataclass

from plans.services.comparators import comparator_from_text, number_text_in

_NUMBER = r"\d+(?:\.\d+)?"
UNITS = ("个百分点", "百分点", "%", "％", "万元", "亿元", "元", "所", "个", "名", "场", "间", "项", "人次", "人", "支",
         "次", "倍", "家", "座", "套", "台", "门", "节", "班", "学时")
_UNIT = "|".join(re.escape(u) for u in UNITS)
QUANTITY = re.compile(
    rf"(?<![\d.:：])(?P<low>{_NUMBER})(?:\s*[-—–~～至到]\s*(?P<high>{_NUMBER}))?\s*(?P<unit>{_UNIT})")
# 「近百名」「约千人」: a round number written as a word, always approximate.
WORD_QUANTITY = re.compile(rf"(?<=[近约])(?P<word>[百千])(?P<unit>{_UNIT})")
WORD_VALUES = {"百": 100, "千": 1000}
YEAR = re.compile(r"(?<![\d—–-])((?:19|20)\d{2})\s*年(?![\d]*[—–-])")
_QUOTED = re.compile(r"《[^》]*》|“[^”]*”|\"[^\"]*\"")
_CLAUSE = re.compile(r"[,,;;。!!??]|(?<!\d)[::]")  # the colon of 「1:2000」 ends no clause
_BARE_YEAR = re.compile(r"^(?:到|至|截至|在)?(?:19|20)\d{2}\s*年(?:底|前|末|内)?$")
_LEADING_YEAR = re.compile(r"^(?:(?:到|至|截至|在)?(?:19|20)\d{2}\s*年(?:底|前|末|内)?[,,、和]?)+")
# Words between a measure's name and its number; stripped from the end of the name, longest first.
_VERBS = ("分别达到", "均达到", "要达到", "力争达到", "达到", "保持在", "保持", "提高到", "提高至", "增加到", "增至",
          "控制在", "不低于", "不少于", "不超过", "不高于", "超过", "低于", "接近", "达", "为", "约", "近", "在")
_LEADING_WORDS = ("以上的", "及以上的", "的", "以上", "以下")
SPECIAL_UNITS = {"％": "%", "百分点": "个百分点"}
# 「1:2000」「1∶1850」: a ratio, read as its second term
RATIO = re.compile(rf"(?<![\d.])1\s*[:：∶]\s*(?P<second>{_NUMBER})(?![\d.])")
# 「由91.3%提高到94%」: the first number is where the plan starts, the second its target
_CHANGE = "(?:提高|提升|增加|增长|上升|下降|降低|减少)(?:到|至)"
BASELINE = re.compile(rf"由\s*(?P<base>{_NUMBER})\s*(?:{_UNIT})?\s*{_CHANGE}")
MONEY_UNITS = ("万元", "亿元", "元")
NUMBER_UNITS = ("%", "个百分点", "倍")


def kind_of(unit: str) -> str:
    if unit in MONEY_UNITS:
        return "money"
    return "number" if unit in NUMBER_UNITS or not unit else "count"


@dataclass
class Quantity:
    start: int
    end: int  # after the unit
    number_text: str
    unit: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    kind: str = "number"
    baseline: float | None = None


def quantities(sentence: str) -> list[Quantity]:
    """Every number with a unit, outside 《》 and quotation marks and not an ordinal (第3所)."""
    masked = _QUOTED.sub(lambda m: "□" * len(m.group(0)), sentence)
    found = []
    for m in QUANTITY.finditer(masked):
        if m.start() and masked[m.start() - 1] == "第":
            continue
        low, high = _num(m.group("low")), _num(m.group("high")) if m.group("high") else None
        number_text = sentence[m.start():m.start("unit")].strip()
        unit = SPECIAL_UNITS.get(m.group("unit"), m.group("unit"))
        if high is None:
            found.append(Quantity(m.start(), m.end(), number_text, unit, value=low))
        elif low < high:
            found.append(Quantity(m.start(), m.end(), number_text, unit, low=low, high=high))
    for m in WORD_QUANTITY.finditer(masked):
        found.append(Quantity(m.start(), m.end(), m.group("word"), m.group("unit"), value=WORD_VALUES[m.group("word")]))
    for m in RATIO.finditer(masked):
        found.append(Quantity(m.start("second"), m.end(), m.group("second"), "", value=_num(m.group("second")),
                              kind="ratio"))
    for q in found:
        if q.kind == "number":
            q.kind = kind_of(q.unit)
    return _with_baselines(masked, sorted(found, key=lambda q: q.start))


def _with_baselines(masked: str, found: list[Quantity]) -> list[Quantity]:
    """The number after 「由」 in 「由X提高到Y」 becomes Y's baseline and is no target itself."""
    for m in BASELINE.finditer(masked):
        base = next((q for q in found if q.start == m.start("base")), None)
        goal = next((q for q in found if q.start >= m.end()), None)
        if base is not None and goal is not None and goal.value is not None:
            goal.baseline = base.value
            found.remove(base)
    return found


def _num(text: str):
    number = float(text)
    return int(number) if number.is_integer() else number


def years_in(text: str) -> list[tuple[int, int]]:
    """(position, year) of each 「2020年」 outside 《》; spans such as 「2019—2022年」 are not a year."""
    masked = _QUOTED.sub(lambda m: "□" * len(m.group(0)), text)
    return [(m.start(), int(m.group(1))) for m in YEAR.finditer(masked)]


def clause_of(sentence: str, quantity: Quantity) -> str:
    """The comma clause holding the number, with a bare year clause before it kept (「2020年,…达到95%」)."""
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(sentence)] + [len(sentence) + 1]
    for i in range(len(bounds) - 1):
        if bounds[i] <= quantity.start < bounds[i + 1]:
            start, end = bounds[i], min(bounds[i + 1] - 1, len(sentence))
            previous = sentence[bounds[i - 1]:bounds[i] - 1].strip() if i else ""
            if _BARE_YEAR.match(previous):
                start = bounds[i - 1]
            return sentence[start:end].strip()
    return sentence.strip()


def reading(clause: str, quantity: Quantity) -> tuple[str, bool, str] | None:
    """(comparator, approximate, number_text) as the loader will read them from ``clause``, or None if the
    loader would not find the number there."""
    if quantity.number_text in WORD_VALUES:
        words = quantity.number_text if quantity.number_text in clause else None
    else:
        words = number_text_in(clause, value=quantity.value, low=quantity.low, high=quantity.high)
    if not words:
        return None
    comparator, approximate = comparator_from_text(clause, words)
    return comparator, approximate, words


def measure_name(clause: str, quantity_text: str) -> str:
    """What the number counts: the words before it less the verb (「普惠性幼儿园覆盖率」), or, when the number
    comes first, the verb and the words after it (「新增公办幼儿园」, 「幼儿园达到二级一类…」)."""
    body = _LEADING_YEAR.sub("", re.sub(r"^\d{1,2}[.．、]", "", clause.strip()))
    at = body.find(quantity_text)
    if at < 0:
        return body[:60]
    before, after = body[:at].strip(), body[at + len(quantity_text):]
    if "分别" in before:  # 「覆盖率分别达到80%和86%」: both numbers count the same thing
        before = before[:before.index("分别")]
    elif "、" in before and len(before.rsplit("、", 1)[1]) >= 2:  # 「新建小学2所、初中1所」
        before = before.rsplit("、", 1)[1]
    after = re.sub(rf"^\s*(?:{_UNIT})?(?:及以上|以上|以下|以内|左右)?", "", after)
    before = re.sub(r"1\s*[:：∶]\s*$", "", before)  # 「师生比不低于1:」2000
    verb = ""
    stripped = True
    while stripped:
        stripped = False
        for word in _VERBS:
            if before.endswith(word):
                before, verb, stripped = before[: -len(word)], word + verb, True
                break
    before = re.sub(rf"由\s*{_NUMBER}\s*(?:{_UNIT})?$", "", before)  # 「巩固率由91.3%」提高到94%
    rest = _strip_leading(after).strip()
    if len(before) >= 2 and (len(before + verb) > 6 or not rest):
        name = before
    else:  # the number comes first, or after a short verb: 「新增3所公办幼儿园」, 「组建2-3个教育集团」
        name = before + verb + rest
    name = re.sub(r"^[ ,,、的]+|[ ,,、的]+$", "", re.sub(r"[((][^))]*[))]$", "", name))
    return (name or body)[:60]


def _strip_leading(text: str) -> str:
    for word in _LEADING_WORDS:
        if text.startswith(word):
            return text[len(word):]
    return text
