"""When a plan states one target in several places, which statement counts and whether they disagree.

Two statements disagree when their numbers differ (comparator, value, range, 左右) or when the words that
qualify the number differ: 「70%的幼儿园达到二级一类」 and 「70%的幼儿园达到二级乙类」 have the same 70% and
are still two different targets. Until the bureau decides, the most specific dated statement counts: the
yearly action table over the programme text over the overall goals (总体目标); among equals, the first.

Pure functions of the statements' words, used by the loader and by the targets page.
"""
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

# Closed families of words that change what a number counts; each match is read as (family, term).
# Alternatives are ordered longest first so that 「专兼职」 is not read as 「兼职」.
_FAMILIES = {
    "等级": (r"[一二三]级[一二三甲乙丙]类", r"示范园", r"示范校"),
    "级别": (r"自治区级", r"自治区", r"国家级", r"全国", r"全市", r"市级", r"区级"),
    "专兼职": (r"专兼职", r"专职", r"兼职"),
    "学历": (r"研究生", r"硕士", r"博士", r"本科", r"专科"),
}
# Different words for the same level: 「全市」 and 「市级」 both say the city's level.
_SAME = {"自治区": "自治区级", "全国": "国家级", "全市": "市级"}
_PATTERNS = {family: re.compile("|".join(terms)) for family, terms in _FAMILIES.items()}

OVERALL, PROGRAMME, YEARLY = "overall", "programme", "yearly"
_RANK = {YEARLY: 0, PROGRAMME: 1, OVERALL: 2}


def qualifiers(sentence: str) -> frozenset[tuple[str, str]]:
    """The qualifying words of a sentence, as (family, term): 「二级乙类」 → ("等级", "二级乙类")."""
    return frozenset((family, _SAME.get(word, word)) for family, word in _words(sentence))


def _words(sentence: str) -> list[tuple[str, str]]:
    return [(family, match.group(0)) for family, pattern in _PATTERNS.items() for match in pattern.finditer(sentence)]


def section_kind(section: str) -> str:
    """Where a statement sits: the overall goals, a programme's text, or a yearly action table."""
    if section.strip() == "总体目标":
        return OVERALL
    if "行动计划" in section or "年度" in section:
        return YEARLY
    return PROGRAMME


def default_choice(sections: Sequence[str]) -> int:
    """Index of the statement that counts until the bureau decides: the most specific, then the first."""
    return min(range(len(sections)), key=lambda i: (_RANK[section_kind(sections[i])], i))


def differences(statements: Sequence[dict]) -> list[str]:
    """Why statements of one target disagree; empty when they agree.

    Each statement is a dict with "text" and the number fields "comparator", "value", "low", "high",
    "approximate" (the loader's and the TargetSource's shape alike).
    """
    reasons = []
    numbers = {tuple(s.get(k) for k in ("comparator", "value", "low", "high", "approximate")) for s in statements}
    if len(numbers) > 1:
        reasons.append(_("数值不同"))
    if len({qualifiers(s["text"]) for s in statements}) > 1:
        shown = ["、".join(dict.fromkeys(word for _family, word in _words(s["text"]))) or _("无") for s in statements]
        reasons.append(_("限定词不同:%(words)s") % {"words": " / ".join(dict.fromkeys(shown))})
    return reasons
