"""Collection pages: a school's form, the bureau's review of a period, one submission's detail."""
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from edugov.models import Role
from edugov.roles import profile_of, role_of
from indicators.access import (
    REVIEWERS,
    can_edit,
    can_review,
    get_period_for_user,
    get_submission_for_user,
    get_submission_rw,
    require_collection_role,
    submissions_visible_to,
)
from indicators.models import ReportingPeriod, SubmissionStatus
from indicators.selectors.collection import (
    dataset_elements,
    period_completeness,
    previous_values,
    submission_review_rows,
    submission_values,
)
from indicators.selectors.queues import bulk_approvable, next_in_queue, review_queue, school_work_queue
from indicators.services import reminders
from indicators.services import submissions as service
from indicators.validation import ERROR, NEEDS_EXPLANATION
from indicators.views.excel import XLSX


@login_required
def home(request):
    role = require_collection_role(request.user)
    context = {"role": role}
    if role == Role.SCHOOL_REPORTER:
        school = profile_of(request.user).school
        context["school"] = school
        context["queue"] = school_work_queue(school=school, today=timezone.localdate())
        context["history"] = submissions_visible_to(request.user).order_by("-period__year")
    else:
        # a town reviewer counts its own town's schools, not the district's
        town_id = profile_of(request.user).town_id if role == Role.TOWN_REVIEWER else None
        periods = list(ReportingPeriod.objects.select_related("dataset").order_by("closed", "-year", "dataset__code"))
        for p in periods:  # the review page's own 已提交 m / 应报 n, not a count of every row, drafts included
            p.progress = None if p.dataset.is_district_level else period_completeness(period=p, town_id=town_id)
        context["periods"] = periods
        context["can_fill_district"] = role in REVIEWERS
        if role in REVIEWERS or role == Role.TOWN_REVIEWER:
            context["review_queue"] = list(review_queue(request.user))
    return render(request, "indicators/home.html", context)


@login_required
@require_POST
def start(request, period_id: int):
    period = get_period_for_user(request.user, period_id)
    school = None if period.dataset.is_district_level else profile_of(request.user).school
    try:
        submission = service.submission_open(period=period, school=school, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("indicators:home")
    return redirect("indicators:submission_form", pk=submission.pk)


@login_required
def submission_form(request, pk: int):
    submission = get_submission_for_user(request.user, pk)
    errors: dict[str, list[str]] = {}
    posted = None
    if request.method == "POST":
        submission = get_submission_rw(request.user, pk)
        posted, errors = _save_and_maybe_submit(request, submission)
        if not errors:
            return redirect("indicators:submission_form", pk=submission.pk)
        submission.refresh_from_db()
    editable = submission.is_editable and can_edit(request.user, submission)
    rows = _rows(submission, posted, errors)
    context = {"submission": submission, "rows": rows, "editable": editable,
               "form_errors": errors.get("__all__", []), "error_rows": [r for r in rows if r["errors"]],
               "can_withdraw": submission.is_withdrawable and can_edit(request.user, submission),
               "transitions": submission.transitions.select_related("by")}
    return render(request, "indicators/submission_form.html", context, status=400 if errors else 200)


def _save_and_maybe_submit(request, submission):
    codes = [e.code for e in dataset_elements(submission.period.dataset)]
    values = {code: request.POST.get(f"v_{code}", "") for code in codes}
    explanations = {code: request.POST.get(f"x_{code}", "") for code in codes}
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        service.submission_save_values(submission=submission, by=request.user, values=values,
                                       explanations=explanations, expected_version=version)
        if request.POST.get("action") == "submit":
            service.submission_submit(submission=submission, by=request.user)
            messages.success(request, _("已上报,等待审核"))
        else:
            messages.success(request, _("草稿已保存"))
    except ValidationError as exc:
        return {"values": values, "explanations": explanations}, exc.message_dict
    return None, {}


def _rows(submission, posted, errors):
    stored = submission_values(submission)
    previous = previous_values(submission)
    flagged = set()
    if submission.is_editable:
        flagged = {code for p in service.submission_problems(submission) if p.kind == NEEDS_EXPLANATION
                   for code in p.elements}
    rows = []
    for element, required in dataset_elements(submission.period.dataset, with_required=True):
        row = stored.get(element.code)
        value = posted["values"][element.code] if posted else (_plain(row.value) if row else "")
        explanation = posted["explanations"][element.code] if posted else (row.explanation if row else "")
        rows.append({"element": element, "required": required, "value": value, "explanation": explanation,
                     "previous": previous.get(element.code), "errors": errors.get(element.code, []),
                     "flagged": element.code in flagged or bool(explanation)})
    return rows


def _plain(value):
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _period_progress(request, period_id: int):
    """The period and its progress as this account may see it: a town reviewer's counts are its town's."""
    period = get_period_for_user(request.user, period_id)
    role = role_of(request.user)
    if role == Role.SCHOOL_REPORTER:
        raise PermissionDenied
    town_id = profile_of(request.user).town_id if role == Role.TOWN_REVIEWER else None
    return period, period_completeness(period=period, town_id=town_id), role


@login_required
def review_period(request, period_id: int):
    period, progress, role = _period_progress(request, period_id)
    submissions = submissions_visible_to(request.user).filter(period=period).order_by("school__town__code",
                                                                                       "school__code")
    status = request.GET.get("status")
    if status in SubmissionStatus.values:
        submissions = submissions.filter(status=status)
    can_remind = (role in REVIEWERS or role == Role.TOWN_REVIEWER) and not period.closed \
        and not period.dataset.is_district_level
    context = {"period": period, "progress": progress, "submissions": submissions,
               "status": status, "statuses": SubmissionStatus.choices, "can_remind": can_remind,
               "email_on": reminders.email_configured(), "town_only": role == Role.TOWN_REVIEWER}
    return render(request, "indicators/review_period.html", context)


@login_required
@require_POST
def remind(request, period_id: int):
    """「催报」: remind every school in this account's scope that has not started the form."""
    period = get_period_for_user(request.user, period_id)
    result = reminders.reminders_send_now(period=period, by=request.user)
    if result.reminded:
        message = ngettext("已向 %(n)d 所未开始填报的学校发送催报(站内通知)",
                           "已向 %(n)d 所未开始填报的学校发送催报(站内通知)", result.reminded) % {"n": result.reminded}
        if result.emailed:
            message += _(",其中 %(n)d 所同时发送了邮件") % {"n": result.emailed}
        messages.success(request, message)
    if result.already_today:
        messages.info(request, _("%(n)d 所学校今天已催报过,未重复发送") % {"n": result.already_today})
    if not result.reminded and not result.already_today:
        messages.info(request, _("没有需要催报的学校"))
    return redirect("indicators:review_period", period_id=period.pk)


@login_required
def late_export(request, period_id: int):
    """The schools not started and the late ones as an .xlsx, named for filing."""
    period, progress, _role = _period_progress(request, period_id)
    if period.dataset.is_district_level:
        raise Http404  # the bureau's own form: no school is expected to report it
    seen, rows = set(), []
    for row in [*progress["not_started"], *progress["late"]]:
        if row["school_id"] not in seen:
            seen.add(row["school_id"])
            rows.append(row)
    data = reminders.late_schools_workbook(period=period, rows=rows, today=timezone.localdate())
    response = HttpResponse(data, content_type=XLSX)
    name = f"{period.year}年{period.dataset.name_zh}_未按时上报学校.xlsx"
    response["Content-Disposition"] = (f'attachment; filename="late-{period.pk}.xlsx"; '
                                       f"filename*=UTF-8''{quote(name, safe='')}")
    return response


# who changed a submission, named by their school, town or department (edugov.roles.display_name)
_PEOPLE = ("by__profile__school", "by__profile__town", "by__profile__department")


@login_required
def submission_detail(request, pk: int):
    submission = get_submission_for_user(request.user, pk)
    if request.method == "POST":
        return _review_action(request, submission)
    rows = submission_review_rows(submission)
    # rules added after a school submitted still apply: the reviewer sees what the figures now break
    broken = [p for p in service.submission_problems(submission) if p.kind == ERROR] if submission.is_locked else []
    context = {"submission": submission, "rows": rows, "can_review": can_review(request.user, submission),
               "soft_hits": [r for r in rows if r["soft_checks"]], "broken": broken,
               "is_admin": role_of(request.user) == Role.BUREAU_ADMIN,
               # a school's reporter cannot open the period's review page (_period_progress): no dead link
               "can_open_period": role_of(request.user) != Role.SCHOOL_REPORTER,
               "transitions": submission.transitions.select_related(*_PEOPLE),
               "changes": submission.changes.select_related("element", *_PEOPLE)[:200]}
    context.update(_queue_position(request.user, submission))
    return render(request, "indicators/submission_detail.html", context)


def _queue_position(user, submission) -> dict:
    """「下一份」: where this reviewer goes after this one, and how many are left for it."""
    queue = review_queue(user)
    return {"next_submission": next_in_queue(user, after=submission), "queue_left": queue.count(),
            "in_my_queue": queue.filter(pk=submission.pk).exists()}


def _review_action(request, submission):
    action, reason = request.POST.get("action"), request.POST.get("reason", "")
    try:
        if action == "reopen":
            service.submission_reopen(submission=submission, by=request.user, reason=reason)
        elif action in {"approve", "return"}:
            service.submission_review(submission=submission, by=request.user, approve=action == "approve",
                                      reason=reason)
        else:
            raise ValidationError(_("未知操作"))
        messages.success(request, _("审核结果已保存"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("indicators:submission_detail", pk=submission.pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    submission = get_submission_rw(request.user, pk)
    try:
        service.submission_withdraw(submission=submission, by=request.user)
        messages.success(request, _("已撤回,可以修改后重新上报"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("indicators:submission_form", pk=submission.pk)


@login_required
def bulk_approve(request):
    """A confirmation listing every submission in the reviewer's queue without a warning; on POST each of
    the confirmed ones that is still in the queue and still without a warning goes through the review
    service, one audited transition each."""
    role = require_collection_role(request.user)
    if role not in REVIEWERS and role != Role.TOWN_REVIEWER:
        raise PermissionDenied
    candidates = bulk_approvable(request.user)
    if request.method != "POST":
        return render(request, "indicators/bulk_approve.html", {"candidates": candidates,
                                                                "queue_left": review_queue(request.user).count()})
    chosen = set(request.POST.getlist("submission"))
    done = service.submission_approve_many(submissions=[s for s in candidates if str(s.pk) in chosen],
                                           by=request.user)
    approved = ngettext("已批量审核通过 %(n)d 份填报", "已批量审核通过 %(n)d 份填报", done) % {"n": done}
    messages.success(request, approved)
    if len(chosen) > done:
        messages.warning(request, _("部分填报已由他人处理或出现需核实的数值,未予通过,请逐份审核"))
    return redirect("indicators:home")
