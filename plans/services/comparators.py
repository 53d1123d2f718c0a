"""What a plan sentence says about a number: 「达到95%以上」 is ≥ 95, 「控制在5%以下」 is ≤ 5.

The rules follow ordinary Chinese legal and planning usage (and GB/T 1.1's reading of 以上/以下):

* after the number: 「以上/及以上」 → ≥ and 「以下/及以下/以内」 → ≤ (the number itself is included);
  「左右/上下」 make it approximate;
* before the number, the nearest comparator word of its clause:
  「不低于/不少于/不小于/至少」 → ≥, 「不高于/不超过/不多于/不大于/至多/控制在」 → ≤,
  「超过/高于/多于/大于」 → >, 「低于/不足/少于/小于/不到」 → <;
  「近/接近/约」 right before the number make it approximate;
* a goal stated with a verb of reaching or building — 「达到/增加到/提高到/新建/新增/建成/保持」 — or with no
  comparator word at all is a floor (≥): a plan that asks for 2 new kindergartens is not missed by 3;
* 「3-5所」 is a range;
* a ratio 「1:2000」 is measured by its second term (students per teacher), so its comparator is the reverse of
  the words: 「不低于1:2000」 is ≤ 2000 (RATIO_READING turns one into the other).

A pure function of the text, so the loader can check the comparator written in a plan file against
the sentence it quotes.
"""
import re

from plans.models import Comparator

# Longer words first where one contains another (不低于 ⊃ 低于), so the nearest *and longest* wins.
_BEFORE = {
    "不低于": Comparator.GTE, "不少于": Comparator.GTE, "不小于": Comparator.GTE, "至少": Comparator.GTE,
    "不高于": Comparator.LTE, "不超过": Comparator.LTE, "不多于": Comparator.LTE, "不大于": Comparator.LTE,
    "至多": Comparator.LTE, "控制在": Comparator.LTE,
    "超过": Comparator.GT, "高于": Comparator.GT, "多于": Comparator.GT, "大于": Comparator.GT,
    "低于": Comparator.LT, "不足": Comparator.LT, "少于": Comparator.LT, "小于": Comparator.LT, "不到": Comparator.LT,
}
# Verbs of reaching or building mean ≥, as a number with no comparator word does; they are listed so that
# a comparator word further back in the clause does not override the verb next to the number.
FLOOR_WORDS = ("达到", "增加到", "增加", "增至", "提高到", "提高至", "提高", "新建", "新增", "建成", "保持")
_WORDS = {**_BEFORE, **dict.fromkeys(FLOOR_WORDS, Comparator.GTE)}
_AFTER = {"及以上": Comparator.GTE, "以上": Comparator.GTE, "及以下": Comparator.LTE, "以下": Comparator.LTE,
          "以内": Comparator.LTE}
_APPROX_AFTER = ("左右", "上下")
_APPROX_BEFORE = ("接近", "近", "约", "大约")
_UNIT = re.compile(r"^(?:个百分点|百分点|%|％|万元|元|所|个|名|场|间|项|人|支|次|岁|倍)?")
_CLAUSE_END = re.compile(r"[,,;;。!!??]|(?<!\d)[::]")  # the colon of 「1:2000」 ends no clause
_RANGE = re.compile(r"^\s*([\d.]+)\s*[-—–~～至到]\s*([\d.]+)\s*$")


# a ratio's comparator on its second term ↔ what its words say about the ratio (either way round)
RATIO_READING = {"gte": "lte", "lte": "gte", "gt": "lt", "lt": "gt", "eq": "eq", "range": "range"}


class NumberNotInText(ValueError):
    """The number the data file gives does not appear in its source sentence."""


def comparator_from_text(sentence: str, number_text: str) -> tuple[str, bool]:
    """(comparator, approximate) that ``sentence`` states for the number written ``number_text``."""
    start, end = _locate(sentence, number_text)
    before = _CLAUSE_END.split(sentence[:start])[-1]
    after = sentence[end:][_UNIT.match(sentence[end:]).end():]
    approximate = after.startswith(_APPROX_AFTER) or before.endswith(_APPROX_BEFORE)
    if _RANGE.match(number_text):
        return Comparator.RANGE.value, approximate
    for word, comparator in _AFTER.items():
        if after.startswith(word):
            return comparator.value, approximate
    return _nearest_before(before).value, approximate


def _locate(sentence: str, number_text: str) -> tuple[int, int]:
    pattern = re.escape(number_text)
    if number_text[:1].isdigit():  # "20" must not match inside "2020" or "20.5"
        pattern = rf"(?<![\d.]){pattern}(?![\d.]|[-—–~～]\d)"
    found = re.search(pattern, sentence)
    if not found:
        raise NumberNotInText(f"「{number_text}」不在原文中")
    return found.span()


def _nearest_before(before: str) -> Comparator:
    best, best_key = Comparator.GTE, (-1, 0)
    for word, comparator in _WORDS.items():
        at = before.rfind(word)
        key = (at + len(word), len(word))
        if at >= 0 and key > best_key:
            best, best_key = comparator, key
    return best


def number_text_in(sentence: str, *, value=None, low=None, high=None) -> str | None:
    """The words of ``sentence`` that state a value (98.5 → 「98.5」) or a range (3, 5 → 「3—5」), if any."""
    if value is not None:
        pattern = rf"(?<![\d.]){re.escape(_plain(value))}(?![\d.])"
    elif low is not None and high is not None:
        pattern = rf"(?<![\d.]){re.escape(_plain(low))}\s*[-—–~～至到]\s*{re.escape(_plain(high))}(?![\d.])"
    else:
        return None
    found = re.search(pattern, sentence)
    return found.group(0) if found else None


def _plain(number) -> str:
    return f"{float(number):f}".rstrip("0").rstrip(".") or "0"
