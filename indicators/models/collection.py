from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models.orgs import School


class ValueType(models.TextChoices):
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    MONEY = "money", _("金额(元)")
    BOOLEAN = "boolean", _("是/否")


class DataElement(models.Model):
    """One figure a school (or the district) reports, e.g. 在园幼儿数."""

    code = models.SlugField(_("代码 code"), max_length=64, unique=True)
    name_zh = models.CharField(_("中文名称 Chinese name"), max_length=100)
    name_en = models.CharField(_("英文名称 English name"), max_length=150)
    unit = models.CharField(_("单位 unit"), max_length=16, blank=True)
    value_type = models.CharField(_("类型 type"), max_length=16, choices=ValueType.choices)
    help_text = models.TextField(_("填报说明 help"), blank=True)
    # Hard bounds refuse a value; the expected range and the jump share only ask for an explanation.
    min_value = models.DecimalField(_("最小值 minimum"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("最大值 maximum"), max_digits=20, decimal_places=4, null=True, blank=True)
    expected_min = models.DecimalField(
        _("合理下限 expected minimum"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    expected_max = models.DecimalField(
        _("合理上限 expected maximum"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    jump_share = models.DecimalField(
        _("与上年变动阈值 jump share"), max_digits=6, decimal_places=3, null=True, blank=True,
        help_text=_("例如 0.3 表示与上年相比变动超过30%需填写说明"),
    )
    school_types = models.JSONField(_("适用学校类型 school types"), default=list, blank=True)

    class Meta:
        verbose_name = _("数据项 data element")
        verbose_name_plural = _("数据项 data elements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name_zh}({self.code})"


class PeriodType(models.TextChoices):
    YEARLY = "yearly", _("按年")
    SEMESTER = "semester", _("按学期")


class DataSet(models.Model):
    """A form: which elements, for which kinds of school, how often, with how many review steps."""

    code = models.SlugField(_("代码 code"), max_length=64, unique=True)
    name_zh = models.CharField(_("中文名称 Chinese name"), max_length=100)
    name_en = models.CharField(_("英文名称 English name"), max_length=150)
    elements = models.ManyToManyField(DataElement, through="DataSetElement", related_name="datasets")
    school_types = models.JSONField(_("适用学校类型 school types"), default=list, blank=True)
    period_type = models.CharField(_("周期 period type"), max_length=16, choices=PeriodType.choices)
    review_steps = models.PositiveSmallIntegerField(
        _("审核步数 review steps"), default=1, choices=[(1, _("一级审核(教体局)")), (2, _("两级审核(镇街→教体局)"))]
    )
    is_district_level = models.BooleanField(_("区级填报 district-level"), default=False)

    class Meta:
        verbose_name = _("报表 data set")
        verbose_name_plural = _("报表 data sets")
        ordering = ["code"]

    def __str__(self):
        return self.name_zh


class DataSetElement(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="items")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("顺序 order"), default=0)
    required = models.BooleanField(_("必填 required"), default=True)

    class Meta:
        ordering = ["dataset", "order"]
        constraints = [models.UniqueConstraint(fields=["dataset", "element"], name="dataset_element_unique")]


class ReportingPeriod(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("年度 year"), db_index=True)
    semester = models.PositiveSmallIntegerField(
        _("学期 semester"), null=True, blank=True, choices=[(1, _("第一学期")), (2, _("第二学期"))]
    )
    opens_on = models.DateField(_("开始日期 opens"))
    deadline = models.DateField(_("截止日期 deadline"))
    closed = models.BooleanField(_("已关闭 closed"), default=False)

    class Meta:
        verbose_name = _("填报周期 reporting period")
        verbose_name_plural = _("填报周期 reporting periods")
        ordering = ["-year", "dataset", "semester"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "year", "semester"], name="period_unique"),
            models.UniqueConstraint(
                fields=["dataset", "year"], condition=models.Q(semester__isnull=True), name="period_unique_yearly"
            ),
            models.CheckConstraint(
                name="period_deadline_after_open", condition=models.Q(deadline__gte=models.F("opens_on"))
            ),
        ]

    def __str__(self):
        term = f" 第{self.semester}学期" if self.semester else ""
        return f"{self.year}年{term} {self.dataset}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")  # sent, waiting for a reviewer now; not 「已上报」, which reads as ever sent
    CHECKED = "checked", _("镇街已审核")
    APPROVED = "approved", _("已审核通过")
    RETURNED = "returned", _("已退回")


class Submission(models.Model):
    """One school's (or, when school is empty, the district's) figures for one period."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="submissions")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        _("状态 status"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT, db_index=True
    )
    # Optimistic lock: a save must name the version it started from.
    version = models.PositiveIntegerField(_("版本 version"), default=0)
    submitted_at = models.DateTimeField(_("上报时间 submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("通过时间 approved"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因 return reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("填报 submission")
        verbose_name_plural = _("填报 submissions")
        constraints = [
            models.UniqueConstraint(fields=["period", "school"], name="submission_unique"),
            models.UniqueConstraint(
                fields=["period"], condition=models.Q(school__isnull=True), name="submission_unique_district"
            ),
        ]

    def __str__(self):
        return f"{self.period} · {self.school or _('区级')}"

    @property
    def is_locked(self) -> bool:
        return self.status in {SubmissionStatus.APPROVED, SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED}

    @property
    def is_editable(self) -> bool:
        return not self.period.closed and self.status in {SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}

    @property
    def is_withdrawable(self) -> bool:
        """The school may take it back (撤回) until the first reviewer has acted on it."""
        return not self.period.closed and self.status == SubmissionStatus.SUBMITTED

    def is_late(self) -> bool:
        if self.submitted_at is None:
            return False
        from django.utils import timezone

        return timezone.localtime(self.submitted_at).date() > self.period.deadline


class SubmissionValue(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("数值 value"), max_digits=20, decimal_places=4, null=True, blank=True)
    explanation = models.TextField(_("说明 explanation"), blank=True)

    class Meta:
        verbose_name = _("填报数值 value")
        verbose_name_plural = _("填报数值 values")
        constraints = [models.UniqueConstraint(fields=["submission", "element"], name="value_unique")]


class ValueChange(models.Model):
    """Audit trail: every change of every value or its explanation, who and when. Append-only: the services
    only insert, the admin and the API offer no way to change or delete a row (and on PostgreSQL a trigger
    refuses UPDATE and DELETE, see migration 0005)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="changes")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    old_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    # Both sides are written on every row, also when only the value changed: the row reads on its own.
    old_explanation = models.TextField(_("原说明 old explanation"), blank=True, default="")
    new_explanation = models.TextField(_("新说明 new explanation"), blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(_("来源 source"), max_length=16, default="form")  # form, excel, api

    class Meta:
        verbose_name = _("数值修改记录 value change")
        verbose_name_plural = _("数值修改记录 value changes")
        ordering = ["-at", "-id"]


class SubmissionTransition(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=SubmissionStatus.choices)
    to_status = models.CharField(max_length=16, choices=SubmissionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("流转记录 transition")
        verbose_name_plural = _("流转记录 transitions")
        ordering = ["at", "id"]


class ValidationRule(models.Model):
    """A rule across fields, e.g. puhui_children <= kg_children; both sides are formulas over element codes."""

    class Operator(models.TextChoices):
        LTE = "<=", "≤"
        LT = "<", "<"
        GTE = ">=", "≥"
        GT = ">", ">"
        EQ = "==", "="

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(_("代码 code"), max_length=64)
    left = models.CharField(_("左边 left side"), max_length=255)
    operator = models.CharField(_("运算符 operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("右边 right side"), max_length=255)
    message_zh = models.CharField(_("中文提示 message"), max_length=200)
    message_en = models.CharField(_("英文提示 English message"), max_length=200, blank=True)
    active = models.BooleanField(_("启用 active"), default=True)

    class Meta:
        verbose_name = _("校验规则 validation rule")
        verbose_name_plural = _("校验规则 validation rules")
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="rule_unique")]

    def __str__(self):
        return f"{self.left} {self.operator} {self.right}"


class ReminderLog(models.Model):
    """One reminder e-mail to one school for one period on one day: re-running the task sends nothing twice."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    recipients = models.TextField(blank=True)

    class Meta:
        verbose_name = _("催报记录 reminder")
        verbose_name_plural = _("催报记录 reminders")
        constraints = [models.UniqueConstraint(fields=["period", "school", "sent_on"], name="reminder_once_a_day")]
