"""The only writes of the reports app: meeting snapshots and export jobs."""
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from indicators.models import Indicator
from plans.models import Plan
from reports import naming
from reports.models import ExportJob, ExportKind, ExportStatus, MeetingSnapshot
from reports.selectors.balance import balance_brief
from reports.selectors.indicator import indicator_payload
from reports.selectors.meeting import meeting_extras
from reports.selectors.overview import overview_payload

log = logging.getLogger(__name__)


def snapshot_payload(*, plan: Plan, year: int, indicators: list[Indicator]) -> dict:
    """What the slides draw: the overview plus each chosen indicator (no school lists), the programme of each
    target, the bureau's name and the action plan (reports.selectors.meeting), and the year's 优质均衡 readiness
    (reports.selectors.balance.balance_brief), frozen with the rest."""
    overview = overview_payload(plan=plan, year=year)
    chosen = [indicator_payload(plan=plan, indicator=i, year=year, with_schools=False) for i in indicators]
    stamps = [s for s in [overview["data_as_of"], *(c["data_as_of"] for c in chosen)] if s]
    return {"overview": overview, "indicators": chosen, "data_as_of": max(stamps) if stamps else None,
            "balance": balance_brief(year=year), **meeting_extras(plan=plan, today=timezone.localdate())}


def snapshot_freeze(*, plan: Plan, year: int, title: str, indicator_codes: list[str], by) -> MeetingSnapshot:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写会议名称")})
    if year not in plan.years:
        raise ValidationError({"year": _("%(year)s 不在方案年度内") % {"year": year}})
    found = {i.code: i for i in Indicator.objects.filter(code__in=indicator_codes)}
    unknown = [c for c in indicator_codes if c not in found]
    if unknown:
        raise ValidationError({"indicators": f"未知指标: {', '.join(unknown)}"})
    payload = snapshot_payload(plan=plan, year=year, indicators=[found[c] for c in indicator_codes])
    as_of = parse_datetime(payload["data_as_of"]) if payload["data_as_of"] else None
    return MeetingSnapshot.objects.create(plan=plan, year=year, title=title[:200], indicator_codes=indicator_codes,
                                          payload=payload, data_as_of=as_of, frozen_by=by)


def export_job_start(*, kind: str, plan: Plan, year: int, by, snapshot: MeetingSnapshot | None = None) -> ExportJob:
    if kind == ExportKind.DECK and snapshot is None:
        raise ValidationError({"snapshot": _("PowerPoint 导出需要会议快照")})
    job = ExportJob.objects.create(kind=kind, plan=plan, year=year, snapshot=snapshot, created_by=by)
    from reports.tasks import run_export

    transaction.on_commit(lambda: run_export.delay(job.id))
    return job


def export_job_run(*, job: ExportJob) -> ExportJob:
    """Builds the file. Idempotent: a job already done is left alone; a failed one records its error."""
    if job.status == ExportStatus.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    try:
        content, name = _build(job)
    except Exception as exc:  # the page must show why, not spin for ever
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        return job
    job.file.save(name, ContentFile(content), save=False)
    job.status, job.error, job.finished_at = ExportStatus.DONE, "", timezone.now()
    job.save(update_fields=["file", "status", "error", "finished_at"])
    return job


def export_download_name(job: ExportJob) -> str:
    """The name a clerk files it under (the stored file keeps an ASCII name): 「2022年度教育现代化推进会.pptx」 from
    the meeting's title, 「东胜区教育现代化实施方案_2022年指标.xlsx」 and 「东胜区教育现代化实施方案2022年度推进情况
    报告.pdf」 from the plan's title (reports.naming)."""
    if job.kind == ExportKind.DECK and job.snapshot is not None:
        return naming.deck_file_name(meeting=job.snapshot.title)
    if job.kind == ExportKind.REPORT:
        return naming.report_file_name(plan_title=job.plan.title, year=job.year)
    return naming.workbook_file_name(plan_title=job.plan.title, year=job.year)


def _build(job: ExportJob) -> tuple[bytes, str]:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if job.kind == ExportKind.DECK:
        from reports.exports.deck import build_deck

        return build_deck(job.snapshot), f"meeting-{job.snapshot_id}-{stamp}.pptx"
    if job.kind == ExportKind.REPORT:
        from reports.exports.report_pdf import build_report_pdf

        return build_report_pdf(plan=job.plan, year=job.year), f"{job.plan.key}-{job.year}-{stamp}.pdf"
    from reports.exports.workbook import build_workbook

    return build_workbook(plan=job.plan, year=job.year), f"{job.plan.key}-{job.year}-{stamp}.xlsx"
