"""How figures read to a Chinese reader: 98.5%, 1,234所, and a status word with a symbol."""
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plans.models import ratio_text

# Colour is never the only signal: each status has a word and a symbol too.
STATUS_SYMBOLS = {"met": "✔", "close": "≈", "not_met": "✘", "incomplete": "…", "no_data": "?"}
STATUS_LABELS = {"met": _("达标"), "close": _("接近"), "not_met": _("未达标"), "incomplete": _("数据未齐"),
                 "no_data": _("无数据")}
STATUS_COLOURS = {"met": "#1b7f3b", "close": "#b26a00", "not_met": "#b3261e", "incomplete": "#6b7280",
                  "no_data": "#6b7280"}
STATUS_ORDER = ["met", "close", "not_met", "incomplete", "no_data"]


def _missing(value) -> bool:
    # A template variable that does not resolve (a school with no value of its own) arrives as "".
    return value is None or value == ""


def fmt_value(value, unit: str = "", decimals: int = 1, kind: str = "number") -> str:
    """98.5%, 1,234所, a ratio target's 1:1,850, a milestone's 是/否; no value is a dash, never 0."""
    if _missing(value):
        return "—"
    if kind == "ratio":  # measured as students per teacher, written as the plan writes the ratio
        return ratio_text(value)
    if kind == "milestone":
        return gettext("是") if value >= 1 else gettext("否")
    number = f"{float(value):,.{decimals}f}"
    return f"{number}%" if unit == "%" else f"{number}{unit}"


def fmt_signed(value, unit: str = "", decimals: int = 1) -> str:
    if _missing(value):
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    while value and decimals < 4 and round(abs(value), decimals) == 0:
        decimals += 1  # a real miss never reads as 「−0.0」
    if unit == "%":
        return sign + gettext("%(n)s个百分点") % {"n": fmt_value(abs(value), "", decimals)}
    return sign + fmt_value(abs(value), unit, decimals)


def status_text(status: str) -> str:
    return f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}"


def unit_value_text(row: dict, unit: str = "", decimals: int = 1, kind: str = "number") -> str:
    """A town's (or group's) figure as its bar or table row writes it: with the row's own ``decimals`` where it
    is judged (reports.selectors.overview.display_decimals: 49.97% against ≥50% is 49.97%, not 50.0%) and
    「(暂)」 when some of its schools have not reported."""
    if not row:
        return fmt_value(None)
    text = fmt_value(row["value"], unit, row.get("decimals", decimals), kind)
    return text + gettext("(暂)") if row.get("provisional") and not _missing(row["value"]) else text


def coverage_text(reported, expected) -> str:
    """「已报 55/80 所」; empty for the bureau's own figures, which no school reports (never 「0/0」)."""
    if not expected:
        return ""
    return gettext("已报 %(r)s/%(e)s 所") % {"r": f"{reported:,}", "e": f"{expected:,}"}


def margin_text(margin, unit: str = "", decimals: int = 1) -> str:
    """「高出1.9个百分点」 / 「低于目标0.5个百分点」: the distance to the goal's edge in words."""
    if margin is None:
        return ""
    if margin == 0:
        return gettext("与目标持平")
    while decimals < 4 and round(abs(margin), decimals) == 0:
        decimals += 1  # 98.504% against ≥98.5%: 「高出0.004个百分点」, never 「高出0.0」
    amount = fmt_value(abs(margin), "", decimals) + (gettext("个百分点") if unit == "%" else unit)
    return (gettext("高出%(n)s") if margin > 0 else gettext("低于目标%(n)s")) % {"n": amount}

def summary_line(overview: dict) -> str:
    """「2021年 29项指标 达标21项 接近3项 未达标4项 无数据1项」"""
    s = overview["summary"]
    counts = {"year": overview["year"], **dict.fromkeys(STATUS_ORDER, 0), **s}
    if counts["incomplete"]:
        template = gettext("%(year)s年 %(total)s项指标 达标%(met)s项 接近%(close)s项 未达标%(not_met)s项 "
                           "数据未齐%(incomplete)s项 无数据%(no_data)s项")
    else:
        template = gettext(
            "%(year)s年 %(total)s项指标 达标%(met)s项 接近%(close)s项 未达标%(not_met)s项 无数据%(no_data)s项")
    line = template % counts
    unit = overview.get("unit") or {}
    if unit.get("level") not in (None, "district") and unit.get("label"):
        line = f"{unit['label']} · {line}"
    return line


OUTLOOK_SYMBOLS = {"achieved": "✔", "on_track": "↗", "accelerate": "→", "off_track": "↘", "insufficient": "?"}
OUTLOOK_LABELS = {"achieved": _("已达标"), "on_track": _("按当前进度可达标"), "accelerate": _("需加快进度"),
                  "off_track": _("进展缓慢或倒退"), "insufficient": _("数据不足")}


def outlook_text(outlook: dict | None, unit: str = "", decimals: int = 1) -> str:
    """「↗ 按当前进度可达标」; empty where the target is judged on its own figure."""
    if not outlook or not outlook.get("status"):
        return ""
    return f"{OUTLOOK_SYMBOLS[outlook['status']]} {OUTLOOK_LABELS[outlook['status']]}"


def pace_text(outlook: dict | None, unit: str = "", decimals: int = 1) -> str:
    """「需年均提高0.8个百分点,近两年年均提高0.5个百分点」: the yearly change needed against the one seen."""
    if not outlook or outlook.get("required") is None:
        return ""

    def change(amount):
        size = fmt_value(abs(amount), "", decimals) + (gettext("个百分点") if unit == "%" else unit)
        return (gettext("提高%(n)s") if amount >= 0 else gettext("降低%(n)s")) % {"n": size}

    return gettext("需年均%(need)s,近两年年均%(seen)s") % {"need": change(outlook["required"]),
                                                       "seen": change(outlook["observed"])}
