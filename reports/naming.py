"""Names a clerk files exports under, made from the plan's own title and the year — never typed in code.

「加快推进东胜区教育现代化高质量发展实施方案(2019—2022年)」 is filed as 「东胜区教育现代化实施方案」: the
period in brackets, the opening verb (加快推进, 关于…) and the qualifier 「高质量发展」 are dropped, the place,
the subject and the kind of document are kept. A title with none of these is used as it is."""
import re

from django.utils.translation import gettext as _

PERIOD = re.compile(r"[((][^()()]*\d{4}[^()()]*[))]\s*$")
OPENERS = ("关于", "加快推进", "全面推进", "深入推进", "加快", "推进", "进一步")
QUALIFIERS = ("高质量发展", "的")
DOCUMENT_KINDS = ("实施方案", "行动计划", "规划", "方案")
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def plan_short_title(title: str) -> str:
    short = PERIOD.sub("", (title or "").strip().strip("《》"))
    for opener in OPENERS:
        if short.startswith(opener) and len(short) > len(opener) + 4:
            short = short[len(opener):]
            break
    kind = next((k for k in DOCUMENT_KINDS if short.endswith(k)), "")
    body = short[:len(short) - len(kind)] if kind else short
    for qualifier in QUALIFIERS:
        if body.endswith(qualifier) and len(body) > len(qualifier) + 2:
            body = body[:-len(qualifier)]
    return (body + kind) or title


def plan_subject(title: str, place: str = "") -> str:
    """「教育现代化」: the short title without its place and kind of document (for 「2022年度教育现代化推进会」)."""
    short = plan_short_title(title)
    if place and short.startswith(place):
        short = short[len(place):]
    kind = next((k for k in DOCUMENT_KINDS if short.endswith(k) and len(short) > len(k)), "")
    return short[:len(short) - len(kind)] if kind else short


def meeting_title(*, plan_title: str, place: str, year: int) -> str:
    return _("%(year)s年度%(subject)s推进会") % {"year": year, "subject": plan_subject(plan_title, place)}


def report_title(*, plan_title: str, year: int) -> str:
    return _("%(plan)s%(year)s年度推进情况报告") % {"plan": plan_short_title(plan_title), "year": year}


def safe_file_name(name: str) -> str:
    """No path separators or characters Windows refuses in a file name."""
    return UNSAFE.sub("-", name).strip() or "export"


def workbook_file_name(*, plan_title: str, year: int) -> str:
    return safe_file_name(_("%(plan)s_%(year)s年指标") % {"plan": plan_short_title(plan_title), "year": year}) + ".xlsx"


def deck_file_name(*, meeting: str) -> str:
    return safe_file_name(meeting) + ".pptx"


def report_file_name(*, plan_title: str, year: int) -> str:
    return safe_file_name(report_title(plan_title=plan_title, year=year)) + ".pdf"
