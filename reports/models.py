from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingSnapshot(models.Model):
    """The figures frozen for one meeting: what leaders see does not move when later figures
    are approved. The payload is exactly what the slides draw."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+", verbose_name=_("方案 plan"))
    year = models.PositiveSmallIntegerField(_("年度 year"))
    title = models.CharField(_("会议名称 title"), max_length=200)
    indicator_codes = models.JSONField(_("所选指标 indicators"), default=list)
    payload = models.JSONField(_("冻结数据 frozen data"))
    data_as_of = models.DateTimeField(_("数据截至 data as of"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("冻结时间 frozen at"), auto_now_add=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("冻结人 frozen by"))

    class Meta:
        verbose_name = _("会议快照 meeting snapshot")
        verbose_name_plural = _("会议快照 meeting snapshots")
        ordering = ["-frozen_at", "-id"]

    def __str__(self):
        return f"{self.title} ({self.year})"


class ExportKind(models.TextChoices):
    WORKBOOK = "xlsx", _("Excel 工作簿")
    DECK = "pptx", _("PowerPoint 演示文稿")
    REPORT = "pdf", _("PDF 报告(A4)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """A long export runs as a Celery job; the page polls this row for its status."""

    kind = models.CharField(_("类型 kind"), max_length=8, choices=ExportKind.choices)
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+", verbose_name=_("方案 plan"))
    year = models.PositiveSmallIntegerField(_("年度 year"))
    snapshot = models.ForeignKey(MeetingSnapshot, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="exports", verbose_name=_("会议快照 snapshot"))
    status = models.CharField(_("状态 status"), max_length=8, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    file = models.FileField(_("文件 file"), upload_to="exports/", blank=True)
    error = models.TextField(_("错误 error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("创建 created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成 finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务 export job")
        verbose_name_plural = _("导出任务 export jobs")
        ordering = ["-created_at", "-id"]
