"""The briefing (汇报材料) a bureau office writes for a 推进会, from a frozen meeting snapshot.

Deterministic templates, no language model: every number in the text is a figure of the snapshot's payload,
formatted by ``reports.formatting`` exactly as the pages show it (a test checks each number against the
payload). Sections follow the usual order of such a report: 总体情况, 主要指标完成情况, 行动计划推进情况,
风险与问题, 数据说明. The 总体情况 paragraph is also the meeting's 「总体情况」 slide (reports.slides), word for word;
风险与问题 ends with the 优质均衡 blockers frozen in the snapshot (reports.balance_text).
"""
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reports.balance_text import blockers
from reports.formatting import (
    OUTLOOK_LABELS,
    STATUS_LABELS,
    coverage_text,
    fmt_value,
    margin_text,
    pace_text,
)

CN_NUMBERS = "一二三四五六七八九十"
SCHOOLS_NAMED = 5  # failing schools named in 风险与问题 before 「等」


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Briefing:
    title: str
    sections: list[Section]
    as_of: str


def _card_sentence(card: dict) -> str:
    actual = fmt_value(card["actual"], card["unit"], card["decimals"], card.get("kind", "number"))
    status = str(STATUS_LABELS[card["status"]])
    parts = [f"{card['name']}{actual},目标{card['goal']['display']},{status}"]
    margin = margin_text(card.get("margin"), card["unit"], card["decimals"])
    if margin and card["status"] != "incomplete":
        parts[-1] += f"({margin})"
    if card.get("provisional"):
        parts.append(coverage_text(card["schools_reported"], card["schools_expected"]))
    if card.get("approximate"):
        parts.append("近似口径:" + card.get("approximation_note", "").rstrip("。"))
    outlook = card.get("outlook") or {}
    if outlook.get("status"):
        line = "趋势判断:" + str(OUTLOOK_LABELS[outlook["status"]])
        pace = pace_text(outlook, card["unit"], card["decimals"])
        parts.append(line + (f"({pace})" if pace else ""))
    return ";".join(parts) + "。"


def overall(overview: dict) -> Section:
    s = {"incomplete": 0, **overview["summary"]}
    text = (f"{overview['year']}年纳入监测的{s['total']}项指标中,达标{s['met']}项,接近{s['close']}项,"
            f"未达标{s['not_met']}项")
    if s["incomplete"]:
        text += f",数据未齐{s['incomplete']}项"
    if s["no_data"]:
        text += f",无数据{s['no_data']}项"
    text += "。"
    if overview.get("untracked"):
        text += f"另有{len(overview['untracked'])}项目标由行动计划条目跟踪。"
    if overview.get("unlinked"):
        text += f"另有{len(overview['unlinked'])}项目标尚未对应监测指标。"
    programmes = overview.get("progress", {}).get("programmes", [])
    total, done = sum(p["total"] for p in programmes), sum(p["done"] for p in programmes)
    if total:
        text += f"截至{overview['year']}年,行动计划条目共{total}项,已完成{done}项。"
    return Section("总体情况", [text])


def _targets(overview: dict) -> Section:
    cards = overview["cards"]
    return Section("主要指标完成情况", [_card_sentence(c) for c in cards] or ["本年度没有可计算的目标。"])


def _actions(overview: dict) -> Section:
    departments = overview.get("progress", {}).get("departments", [])
    if not departments:
        return Section("行动计划推进情况", ["暂无行动计划条目。"])
    lines = [f"{d['label']}:{d['done']}/{d['total']}项已完成" for d in departments]
    behind = [d for d in departments if d["total"] and d["done"] < d["total"]]
    text = "各责任部门完成情况:" + ";".join(lines) + "。"
    if behind:
        text += "尚有未完成条目的部门:" + "、".join(d["label"] for d in behind) + "。"
    return Section("行动计划推进情况", [text])


def _balance_sentences(balance: dict | None) -> list[str]:
    return [f"{b['headline']};{b['note']}。" for b in blockers(balance, named=SCHOOLS_NAMED, symbol=False)]


def _risks(overview: dict, balance: dict | None = None) -> Section:
    risks = overview.get("risks")
    if risks is None:
        risks = [c for c in overview["cards"] if c["status"] in ("not_met", "close")]
    if not risks:
        return Section("风险与问题", ["本年度监测指标暂无未达标或进度滞后的风险。", *_balance_sentences(balance)])
    paragraphs = []
    for card in risks:
        text = _card_sentence(card)
        if card.get("gap_note"):
            text += "差距说明:" + card["gap_note"]
        paragraphs.append(text)
    return Section("风险与问题", paragraphs + _balance_sentences(balance))


def _as_of(payload: dict) -> str:
    stamp = parse_datetime(payload["data_as_of"]) if payload.get("data_as_of") else None
    return timezone.localtime(stamp).strftime("%Y年%m月%d日 %H:%M").replace("年0", "年").replace("月0", "月") \
        if stamp else "无数据"


def _notes(payload: dict, as_of: str) -> Section:
    overview = payload["overview"]
    text = f"本材料数据截至{as_of},来自各校已审核的填报数据和区级基础数据,按“分子之和÷分母之和”汇总。"
    partial = [c for c in overview["cards"] if c.get("provisional")]
    if partial:
        text += "以下指标所依据的学校尚未全部报齐:" + "、".join(
            f"{c['name']}({coverage_text(c['schools_reported'], c['schools_expected'])})" for c in partial) + "。"
    text += "“数据未齐”表示数量类指标仍可能随补报变化,暂不作达标判断。"
    return Section("数据说明", [text])


def build_briefing(*, payload: dict, title: str) -> Briefing:
    overview = payload["overview"]
    as_of = _as_of(payload)
    sections = [overall(overview), _targets(overview), _actions(overview), _risks(overview, payload.get("balance")),
                _notes(payload, as_of)]
    return Briefing(title=title, sections=sections, as_of=as_of)


def heading(index: int, text: str) -> str:
    return f"{CN_NUMBERS[index]}、{text}"


def as_text(briefing: Briefing) -> str:
    lines = [briefing.title, ""]
    for i, section in enumerate(briefing.sections):
        lines.append(heading(i, section.heading))
        lines.extend(section.paragraphs)
    return "\n".join(lines)
