"""优质均衡 blockers in words: the briefing's 风险与问题 and the meeting's 「需要研究解决的问题」 say the same
thing, from the snapshot's ``balance`` part (reports.selectors.balance.balance_brief). Every number is a figure
stored there, so a frozen meeting reads the same after more figures are approved; the reasons reuse the 优质均衡
page's own sentences (indicators.balance), so a word means one thing everywhere."""
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.formatting import STATUS_LABELS, coverage_text, status_text


def blockers(balance: dict | None, *, named: int, symbol: bool = True) -> list[dict]:
    """One entry per section with schools that miss the rule or a 差异系数 above its maximum:
    {"status", "headline", "note"}; ``named``: how many failing schools are named before 「等」."""
    if not balance:
        return []
    return [{"status": s["status"], "headline": headline(balance, s, symbol=symbol),
             "note": note(balance, s, named=named)}
            for s in balance.get("sections", []) if s["failing"] or s["cv_over"]]


def _name(item: dict) -> str:
    return item["name_en"] if (get_language() or "").startswith("en") else item["name_zh"]


def headline(balance: dict, section: dict, *, symbol: bool = True) -> str:
    """「2022年义务教育优质均衡小学学段,✘ 未达标(已报 29/48 所)」"""
    status = status_text(section["status"]) if symbol else str(STATUS_LABELS[section["status"]])
    line = _("%(year)s年义务教育优质均衡%(section)s学段,%(status)s") % {
        "year": balance["year"], "section": _name(section), "status": status}
    if section["reported"] < section["expected"]:
        line += _("(%(details)s)") % {"details": coverage_text(section["reported"], section["expected"])}
    return line


def note(balance: dict, section: dict, *, named: int) -> str:
    """「9所学校未达到“至少6项达标、其余不低于85%”:东胜区第十二小学、…等;生均体育运动场馆面积差异系数0.472,高于0.45」"""
    parts = []
    if section["failing"]:
        names = section["failing_schools"][:named]
        listed = "、".join(names) + (_("等") if len(section["failing_schools"]) > len(names) else "")
        rule = _("%(n)d所学校未达到“至少%(met)d项达标、其余不低于%(floor)s”") % {
            "n": section["failing"], "met": balance["min_met"], "floor": f"{balance['floor_percent']}%"}
        parts.append(f"{rule}:{listed}" if listed else rule)
    for item in section["cv_over"]:
        parts.append(_("%(name)s差异系数%(cv).3f,高于%(max)s") % {
            "name": _name(item), "cv": item["cv"], "max": f"{item['cv_max']:.2f}"})
    return ";".join(parts)
