"""What the A4 report reads: the overview and the meeting's extras (programmes, bureau, action plan) of one
plan and year — the page and the server-side PDF read the same."""
from reports.formatting import summary_line
from reports.print_report import css_string, report_context
from reports.selectors.meeting import meeting_extras
from reports.selectors.overview import overview_payload
from reports.slides import as_of_text, date_text


def report_page_context(*, plan, year: int, today) -> dict:
    overview = overview_payload(plan=plan, year=year)
    payload = {"overview": overview, "data_as_of": overview["data_as_of"],
               **meeting_extras(plan=plan, today=today)}
    context = report_context(payload, date_text=date_text(today))
    context["as_of"] = as_of_text(payload["data_as_of"])
    context["summary"] = summary_line(overview)
    context["header_css"] = {key: css_string(context[key]) for key in ("bureau", "title", "date")}
    return context
