"""The 推进会 slides, as data: meeting mode draws them in the browser and the PowerPoint deck writes the same
slides, in the same order, under the same headlines.

Order: cover, agenda, 「总体情况」 (the briefing's own paragraph, reports.briefing), the target slides by programme
(工程) — each target, then its towns where the target applies to towns — the action plan (department × year heatmap,
overdue items by department), then 「需要研究解决的问题」 (the targets, then the 优质均衡 blockers frozen in the
snapshot). Every verdict word comes from the card (indicators.verdicts.judge); this module only
puts it into sentences (reports.formatting)."""
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from reports.balance_text import blockers
from reports.briefing import overall
from reports.formatting import STATUS_ORDER, coverage_text, fmt_value, margin_text, status_text, summary_line

PROBLEM_STATUSES = ("not_met", "close", "incomplete")
PROBLEMS_PER_SLIDE = 3
ITEMS_PER_SLIDE = 6
ITEM_SLIDES = 3
DEPARTMENTS_PER_SLIDE = 13
NOTE_CHARS = 90
BALANCE_NAMED = 3  # failing schools named on a problem slide before 「等」
ITEM_CHARS = 34
OTHER = 999  # targets of no programme come after the programmes, in the plan's order


def target_headline(card: dict) -> str:
    """「2022年普惠性幼儿园覆盖率87.9%,目标≥86%,✔ 达标(高出1.9个百分点)」"""
    value = "" if card["actual"] is None else fmt_value(card["actual"], card["unit"], card["decimals"],
                                                        card.get("kind", "number"))
    details = [margin_text(card.get("margin"), card["unit"], card["decimals"])]
    if card.get("provisional"):
        details.append(coverage_text(card["schools_reported"], card["schools_expected"]))
    if card.get("approximate"):
        details.append(_("近似口径"))
    details = [d for d in details if d]
    line = _("%(year)s年%(name)s%(value)s,目标%(goal)s,%(status)s") % {
        "year": card["year"], "name": card["name"], "value": value, "goal": card["goal"]["display"],
        "status": status_text(card["status"])}
    return line + (_("(%(details)s)") % {"details": ",".join(details)} if details else "")


def programme_label(programme: dict | None) -> str:
    return f"({programme['number']}) {programme['name']}" if programme else _("其他年度目标")


def ordered_cards(cards: list[dict], programmes: dict) -> list[dict]:
    """By programme, then in the plan's own order of targets (never by indicator code)."""
    def key(indexed):
        index, card = indexed
        number = card.get("programme") or (programmes.get(card["measure"]) or {}).get("number")
        return (number or OTHER, index)
    return [card for _, card in sorted(enumerate(cards), key=key)]


def _programme_of(card: dict, programmes: dict) -> dict | None:
    return programmes.get(card["measure"])


def _town_headline(card: dict, rows: list[dict]) -> str:
    rows = [r for r in rows if r["value"] is not None]
    judged = [r for r in rows if r.get("status")]
    head = _("%(year)s年%(name)s 分镇/街道") % {"year": card["year"], "name": card["name"]}
    if not judged:
        return head + _(":%(n)s个镇/街道有数据") % {"n": len(rows)}
    met = sum(r["status"] == "met" for r in judged)
    return head + _(":%(n)s个镇/街道中%(met)s个达标") % {"n": len(judged), "met": met}


def _chunks(rows: list, size: int) -> list[list]:
    """Pages of at most ``size``, evenly filled (13 rows of 12 a page: 7 and 6, not 12 and 1)."""
    pages = max(1, -(-len(rows) // size))
    per = max(1, -(-len(rows) // pages))
    return [rows[i:i + per] for i in range(0, len(rows), per)] or [[]]


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def target_slides(payload: dict) -> list[dict]:
    overview = payload["overview"]
    programmes = payload.get("programmes") or {}
    trends = {t["indicator"]: t for t in overview["trends"]}
    towns = {c["indicator"]["code"]: c for c in payload.get("indicators", [])}
    slides = []
    for card in ordered_cards(overview["cards"], programmes):
        kicker = programme_label(_programme_of(card, programmes))
        slides.append({"kind": "target", "kicker": kicker, "title": target_headline(card), "card": card,
                       "trend": trends.get(card["indicator"])})
        chosen = towns.get(card["indicator"])
        rows = [r for r in (chosen or {}).get("breakdowns", {}).get("town", []) if r["value"] is not None]
        if len(rows) > 1:  # one bar is not a comparison
            goal = chosen["goal"] if chosen.get("scope") in ("town", "school") else None
            slides.append({"kind": "towns", "kicker": kicker, "title": _town_headline(card, rows), "card": card,
                           "rows": rows, "goal": goal})
    return slides


def action_slides(actions: dict | None) -> list[dict]:
    if not actions:
        return []
    heat_title = _("行动计划:共%(total)s项,已完成%(done)s项,逾期未完成%(overdue)s项") % {
        "total": actions["total"], "done": actions["done"], "overdue": actions["overdue_total"]}
    slides = [{"kind": "heatmap", "kicker": _("行动计划推进情况"), "title": heat_title,
               "heatmap": actions["heatmap"]}]
    if not actions["overdue_total"]:
        return slides
    for part in _chunks(actions["departments"], DEPARTMENTS_PER_SLIDE):
        slides.append({"kind": "departments", "kicker": _("行动计划推进情况"),
                       "title": _("逾期未完成%(n)s项,按责任部门") % {"n": actions["overdue_total"]},
                       "departments": part})
    items = _items_by_department(actions)
    shown = items[:ITEMS_PER_SLIDE * ITEM_SLIDES]
    pages = _chunks(shown, ITEMS_PER_SLIDE)
    for number, part in enumerate(pages, 1):
        slides.append({"kind": "items", "kicker": _("行动计划推进情况"),
                       "title": _("逾期未完成事项(%(page)s/%(pages)s)") % {"page": number, "pages": len(pages)},
                       "items": part, "more": actions["overdue_total"] - len(shown) if number == len(pages) else 0})
    return slides


def _items_by_department(actions: dict) -> list[dict]:
    """Overdue items grouped by their lead (first-named) department, departments most overdue first."""
    rank = {d["department"]: i for i, d in enumerate(actions["departments"])}
    rows = []
    for item in actions["overdue"]:
        lead = item["departments"][0] if item["departments"] else ""
        rows.append({**item, "lead": lead, "departments_text": "、".join(item["departments"]),
                     "text_short": _clip(item["text"], ITEM_CHARS)})
    rows.sort(key=lambda r: (rank.get(r["lead"], len(rank)), r["year"], r["programme"], r["order"]))
    return rows


def summary_slide(payload: dict) -> dict:
    """「总体情况」: the briefing's 总体情况 paragraph word for word, and its counts as tiles, each status with its
    symbol and word."""
    overview = payload["overview"]
    counts = {**dict.fromkeys(STATUS_ORDER, 0), **overview["summary"]}
    tiles = [{"value": f"{counts['total']:,}", "label": _("监测指标"), "status": ""}]
    tiles += [{"value": f"{counts[s]:,}", "label": status_text(s), "status": s} for s in STATUS_ORDER
              if counts[s] or s in ("met", "close", "not_met")]
    programmes = overview.get("progress", {}).get("programmes", [])
    total, done = sum(p["total"] for p in programmes), sum(p["done"] for p in programmes)
    if total:
        tiles.append({"value": f"{done:,}/{total:,}", "label": _("行动计划条目已完成"), "status": "", "wide": True})
    return {"kind": "summary", "kicker": _("汇报材料"), "title": _("总体情况"),
            "text": overall(overview).paragraphs[0], "tiles": tiles}


def problem_slides(payload: dict) -> list[dict]:
    overview = payload["overview"]
    cards = [c for c in ordered_cards(overview["cards"], payload.get("programmes") or {})
             if c["status"] in PROBLEM_STATUSES]
    problems = [{"headline": target_headline(c), "status": c["status"], "note": _clip(c.get("gap_note"), NOTE_CHARS)}
                for c in cards]
    balance = [{**b, "note": _clip(b["note"], NOTE_CHARS)}
               for b in blockers(payload.get("balance"), named=BALANCE_NAMED)]
    kicker = _("%(n)s项目标未达标、接近或数据未齐") % {"n": len(problems)}
    if balance:
        kicker += _(",义务教育优质均衡%(n)s个学段未达要求") % {"n": len(balance)}
    pages = _chunks(problems + balance, PROBLEMS_PER_SLIDE)
    title = _("需要研究解决的问题")
    return [{"kind": "problems", "kicker": kicker,
             "title": title if len(pages) == 1 else f"{title}({n}/{len(pages)})", "problems": part}
            for n, part in enumerate(pages, 1)]


def meeting_slides(payload: dict, *, title: str, date_text: str, as_of_text: str, live: bool) -> list[dict]:
    """Every slide of the meeting, numbered; the agenda names the pages of each part."""
    targets, actions, problems = target_slides(payload), action_slides(payload.get("actions")), problem_slides(payload)
    summary = summary_slide(payload)
    overview = payload["overview"]
    cover = {"kind": "cover", "title": title, "bureau": payload.get("bureau", ""), "date": date_text,
             "as_of": as_of_text, "plan": overview["plan"]["title"], "live": live}
    start = 3
    parts = []
    for heading, slides, line in [
            (_("一、总体情况"), [summary], _("摘自汇报材料")),
            (_("二、年度目标完成情况"), targets, summary_line(overview)),
            (_("三、行动计划推进情况"), actions, actions[0]["title"] if actions else _("无行动计划数据")),
            (_("四、需要研究解决的问题"), problems, problems[0]["kicker"])]:
        pages = ""
        if len(slides) == 1:
            pages = _("第%(first)s页") % {"first": start}
        elif slides:
            pages = _("第%(first)s–%(last)s页") % {"first": start, "last": start + len(slides) - 1}
        parts.append({"heading": heading, "summary": line, "pages": pages})
        start += len(slides)
    agenda = {"kind": "agenda", "title": _("会议议程"), "parts": parts}
    slides = [cover, agenda, summary, *targets, *actions, *problems]
    for number, slide in enumerate(slides, 1):
        slide["number"] = number
    return slides


def as_of_text(data_as_of: str | None) -> str:
    """「数据截至 2022-03-01 09:30」 in Beijing time, from the payload's ISO stamp."""
    stamp = parse_datetime(data_as_of) if data_as_of else None
    when = timezone.localtime(stamp).strftime("%Y-%m-%d %H:%M") if stamp else _("无数据")
    return _("数据截至 %(when)s") % {"when": when}


def date_text(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")
