from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Plan(models.Model):
    key = models.SlugField(_("标识 key"), max_length=64, unique=True)
    title = models.CharField(_("标题 title"), max_length=200)
    doc_number = models.CharField(_("文号 document number"), max_length=64, blank=True)
    issuers = models.JSONField(_("发文机关 issuing bodies"), default=list)
    issued_on = models.DateField(_("成文日期 issued on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年 start year"))
    end_year = models.PositiveSmallIntegerField(_("结束年 end year"))
    overall_goal = models.TextField(_("总体目标 overall goal"), blank=True)
    # an archived plan stays readable everywhere but takes no more progress or revisions
    archived = models.BooleanField(_("已归档 archived"), default=False)

    class Meta:
        verbose_name = _("实施方案 plan")
        verbose_name_plural = _("实施方案 plans")
        constraints = [
            models.CheckConstraint(name="plan_years_ordered", condition=models.Q(end_year__gte=models.F("start_year")))
        ]

    def __str__(self):
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class PlanPreference(models.Model):
    """The plan a user last chose (?plan= or the header switcher); pages open on it next time."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_preference",
                                verbose_name=_("用户 user"))
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("方案 plan"))
    updated_at = models.DateTimeField(_("时间 updated"), auto_now=True)

    class Meta:
        verbose_name = _("当前方案 plan preference")
        verbose_name_plural = _("当前方案 plan preferences")


class Programme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programmes", verbose_name=_("方案 plan"))
    number = models.PositiveSmallIntegerField(_("序号 number"))
    name = models.CharField(_("名称 name"), max_length=200)
    goal = models.TextField(_("目标 goal"), blank=True)
    strategy = models.TextField(_("主要举措 strategy"), blank=True)

    class Meta:
        verbose_name = _("工程 programme")
        verbose_name_plural = _("工程 programmes")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="programme_number_unique")]

    def __str__(self):
        return f"({self.number}) {self.name}"


class Department(models.Model):
    """One body, under one name; the other names documents use for it are its aliases."""

    name = models.CharField(_("名称 name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("责任部门 department")
        verbose_name_plural = _("责任部门 departments")
        ordering = ["id"]

    def __str__(self):
        return self.name


class DepartmentAlias(models.Model):
    """Another name a document uses for a department (「编办」 and 「区委编办」 for 「编委办」)."""

    name = models.CharField(_("别名 alias"), max_length=100, unique=True)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("责任部门 department")
    )

    class Meta:
        verbose_name = _("部门别名 department alias")
        verbose_name_plural = _("部门别名 department aliases")
        ordering = ["department", "name"]

    def __str__(self):
        return f"{self.name} → {self.department.name}"


class ItemStatus(models.TextChoices):
    """The status a department reports for its item. 「滞后」 is only ever this self-reported status; an item
    of a finished year that is not done is 「逾期未完成」 (ActionItem.is_overdue), whatever its status says.
    Pages show both definitions from one template, plans/_item_terms.html."""

    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    DELAYED = "delayed", _("滞后")


class ActionItem(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="items", verbose_name=_("工程 programme")
    )
    year = models.PositiveSmallIntegerField(_("年度 year"), db_index=True)
    order = models.PositiveSmallIntegerField(_("序号 order"))
    text = models.TextField(_("工作内容与目标 text"))
    departments = models.ManyToManyField(Department, related_name="items", verbose_name=_("责任部门 departments"))
    status = models.CharField(
        _("状态 status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("完成进度(%) progress"), default=0)
    updated_at = models.DateTimeField(_("最近更新 updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("行动计划条目 action item")
        verbose_name_plural = _("行动计划条目 action items")
        ordering = ["year", "programme__number", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "order"], name="action_item_unique"),
            models.CheckConstraint(name="action_item_progress_0_100", condition=models.Q(progress__lte=100)),
        ]

    def __str__(self):
        return f"{self.year} {self.programme.number}.{self.order} {self.text[:30]}"

    def is_overdue(self, today) -> bool:
        """An item of a finished year that is not done is overdue (逾期未完成)."""
        return self.status != ItemStatus.DONE and today.year > self.year

    @staticmethod
    def overdue_q(today) -> models.Q:
        """is_overdue as a query, so counts and lists use the same rule."""
        return ~models.Q(status=ItemStatus.DONE) & models.Q(year__lt=today.year)


class ActionItemUpdate(models.Model):
    """One progress report on an item; the item keeps every one of them."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates", verbose_name=_("条目 item"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("填写人 by"))
    at = models.DateTimeField(_("时间 at"), auto_now_add=True)
    on_date = models.DateField(_("日期 date"))
    old_status = models.CharField(_("原状态 old status"), max_length=16, choices=ItemStatus.choices)
    status = models.CharField(_("状态 status"), max_length=16, choices=ItemStatus.choices)
    old_progress = models.PositiveSmallIntegerField(_("原进度 old progress"))
    progress = models.PositiveSmallIntegerField(_("进度 progress"))
    note = models.TextField(_("进展说明 note"))

    class Meta:
        verbose_name = _("进展记录 progress update")
        verbose_name_plural = _("进展记录 progress updates")
        ordering = ["-at", "-id"]


def evidence_path(instance, filename):
    return f"evidence/{instance.update.item_id}/{filename}"


class Evidence(models.Model):
    update = models.ForeignKey(
        ActionItemUpdate, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("进展记录 update")
    )
    file = models.FileField(_("佐证材料 file"), upload_to=evidence_path)
    original_name = models.CharField(_("文件名 name"), max_length=255)
    size = models.PositiveIntegerField(_("大小 size"))
    content_type = models.CharField(_("类型 type"), max_length=100)

    class Meta:
        verbose_name = _("佐证材料 evidence")
        verbose_name_plural = _("佐证材料 evidence")

    def download_type(self) -> str:
        """The content type to serve the file with, from its (checked) extension, never from what the
        uploader's browser claimed: an .html or .svg called image/png must not render on our origin."""
        extension = self.original_name.rsplit(".", 1)[-1].lower() if "." in self.original_name else ""
        return _DOWNLOAD_TYPES.get(extension, "application/octet-stream")


_DOWNLOAD_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "txt": "text/plain; charset=utf-8", "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
}


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    RANGE = "range", _("区间")


class TargetKind(models.TextChoices):
    """What a target's number counts. A ratio 「1:2000」 is stored and measured as its second term (students per
    teacher, 2000) with the comparator on that term: 「不低于1:2000」 is ≤ 2000 students per teacher."""

    NUMBER = "number", _("数值")
    RATIO = "ratio", _("比例")
    COUNT = "count", _("数量")
    MONEY = "money", _("金额")
    MILESTONE = "milestone", _("是否完成")


# how a ratio's comparator on its second term reads in words (≤ 2000 students per teacher is 「不低于1:2000」)
_RATIO_WORDS = {"lte": _("不低于"), "lt": _("高于"), "gte": _("不高于"), "gt": _("低于"), "eq": ""}


# a goal with a baseline, by comparator: the words the plan uses (gettext_noop: translated when shown)
_BASELINE_WORDS = {
    Comparator.GTE: gettext_noop("由%(baseline)s提高到%(goal)s以上"),
    Comparator.GT: gettext_noop("由%(baseline)s提高到超过%(goal)s"),
    Comparator.EQ: gettext_noop("由%(baseline)s提高到%(goal)s"),
    Comparator.LTE: gettext_noop("由%(baseline)s降低到%(goal)s以下"),
    Comparator.LT: gettext_noop("由%(baseline)s降低到低于%(goal)s"),
}


class AnnualTarget(models.Model):
    """What the plan wants measured in one year. Its numbers come from its chosen source: by default the most
    specific dated statement (yearly action table over programme text over overall goals), or the one the
    bureau chose when the document contradicts itself (plans.services.conflicts)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("方案 plan"))
    measure = models.SlugField(_("指标代码 measure"), max_length=64)
    name = models.CharField(_("名称 name"), max_length=200)
    unit = models.CharField(_("单位 unit"), max_length=16, blank=True)
    year = models.PositiveSmallIntegerField(_("年度 year"), db_index=True)
    comparator = models.CharField(_("比较 comparator"), max_length=8, choices=Comparator.choices)
    value = models.DecimalField(_("目标值 value"), max_digits=14, decimal_places=4, null=True, blank=True)
    low = models.DecimalField(_("下限 low"), max_digits=14, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(_("上限 high"), max_digits=14, decimal_places=4, null=True, blank=True)
    approximate = models.BooleanField(_("约数 approximate"), default=False)
    conflict = models.BooleanField(_("原文表述冲突 conflict"), default=False, db_index=True)
    conflict_resolved = models.BooleanField(_("冲突已处理 resolved"), default=False)
    kind = models.CharField(_("类型 kind"), max_length=12, choices=TargetKind.choices, default=TargetKind.NUMBER)
    # 「由91.3%提高到94%」: the figure the plan starts from, in the target's unit (shown, never judged)
    baseline = models.DecimalField(_("基线值 baseline"), max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("年度目标 annual target")
        verbose_name_plural = _("年度目标 annual targets")
        ordering = ["year", "measure"]
        constraints = [models.UniqueConstraint(fields=["plan", "measure", "year"], name="target_unique")]

    def __str__(self):
        return f"{self.year} {self.name} {self.display_goal()}"

    def display_goal(self) -> str:
        goal = goal_text(self.comparator, self.value, self.low, self.high, self.unit, self.approximate, self.kind)
        if self.baseline is None or self.comparator == Comparator.RANGE or self.kind == TargetKind.MILESTONE:
            return goal
        # 「由95%提高到98%以上」: the verb gives the direction and 以上/以下 keep the comparator, so a floor never
        # reads as an exact figure (an approximate goal, 「98%左右」, takes no 以上)
        plain = goal_text(Comparator.EQ, self.value, None, None, self.unit, self.approximate, self.kind).lstrip("=")
        words = _BASELINE_WORDS[Comparator.EQ if self.approximate else self.comparator]
        return _(words) % {"baseline": display_number(self.baseline, self), "goal": plain}

    def display_actual(self, actual) -> str:
        """A measured figure as the target writes it: 「1:1,850」, 「是」, 「1200万元」."""
        return "" if actual is None else display_number(actual, self)

    def is_met_by(self, actual: Decimal) -> bool:
        """Whether an actual figure satisfies the goal, honouring direction and ranges."""
        actual = Decimal(actual)
        checks = {
            Comparator.GTE: lambda: actual >= self.value,
            Comparator.GT: lambda: actual > self.value,
            Comparator.LTE: lambda: actual <= self.value,
            Comparator.LT: lambda: actual < self.value,
            Comparator.EQ: lambda: actual == self.value,
            Comparator.RANGE: lambda: self.low <= actual <= self.high,
        }
        return checks[self.comparator]()

    def distance_from(self, actual: Decimal) -> Decimal:
        """How far an actual figure misses the goal (0 when met)."""
        actual = Decimal(actual)
        if self.is_met_by(actual):
            return Decimal(0)
        if self.comparator == Comparator.RANGE:
            return min(abs(actual - self.low), abs(actual - self.high))
        return abs(actual - self.value)


def _fmt(number) -> str:
    return "" if number is None else f"{Decimal(number).normalize():f}"


def ratio_text(number) -> str:
    """「1:1,850」: a ratio target's measured figure (students per teacher) as the plan writes a ratio — whole and
    with thousands separators from 100 on, one decimal below (1:13.5). Every page writes a ratio through here
    (``display_number`` and ``reports.formatting.fmt_value``)."""
    number = Decimal(str(number))
    if number >= 100:
        return f"1:{number.quantize(Decimal(1)):,}"
    return f"1:{_fmt(number.quantize(Decimal('0.1')))}"


def display_number(number, target) -> str:
    kind = getattr(target, "kind", TargetKind.NUMBER)
    if kind == TargetKind.RATIO:
        return ratio_text(number)
    if kind == TargetKind.MILESTONE:
        return str(_("是") if Decimal(number) >= 1 else _("否"))
    return f"{_fmt(number)}{target.unit}"


def goal_text(comparator, value, low, high, unit: str, approximate: bool, kind: str = TargetKind.NUMBER) -> str:
    """「≥98.5%」, 「3–5所」, 「≥50%左右」, 「不低于1:2000」, 「完成」: a goal as the pages write it."""
    if kind == TargetKind.MILESTONE:
        return str(_("完成"))
    if kind == TargetKind.RATIO:
        if comparator == Comparator.RANGE:
            goal = f"1:{_fmt(low)}–1:{_fmt(high)}"
        else:
            goal = f"{_RATIO_WORDS[comparator]}1:{_fmt(value)}"
        return f"{goal}{'左右' if approximate else ''}"
    if comparator == Comparator.RANGE:
        goal = f"{_fmt(low)}–{_fmt(high)}{unit}"
    else:
        goal = f"{Comparator(comparator).label}{_fmt(value)}{unit}"
    return f"{goal}{'左右' if approximate else ''}"


class TargetSource(models.Model):
    """A sentence of the document that states a target; a target with two differing sources is a conflict."""

    target = models.ForeignKey(AnnualTarget, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(_("顺序 position"))
    section = models.CharField(_("出处 section"), max_length=100)
    text = models.TextField(_("原文 source text"))
    comparator = models.CharField(_("比较 comparator"), max_length=8, choices=Comparator.choices)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    approximate = models.BooleanField(default=False)
    chosen = models.BooleanField(_("采用 chosen"), default=False)

    class Meta:
        verbose_name = _("目标出处 target source")
        verbose_name_plural = _("目标出处 target sources")
        ordering = ["target", "position"]
        constraints = [models.UniqueConstraint(fields=["target", "position"], name="target_source_unique")]

    def display_goal(self) -> str:
        return goal_text(self.comparator, self.value, self.low, self.high, self.target.unit, self.approximate,
                         self.target.kind)


class TargetRevision(models.Model):
    """A mid-plan change to a target's goal: the old numbers are kept here, with why and by which document."""

    target = models.ForeignKey(AnnualTarget, on_delete=models.CASCADE, related_name="revisions",
                               verbose_name=_("年度目标 target"))
    at = models.DateTimeField(_("时间 at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("修订人 by"))
    old_comparator = models.CharField(_("原比较 old comparator"), max_length=8, choices=Comparator.choices)
    old_value = models.DecimalField(_("原目标值 old value"), max_digits=14, decimal_places=4, null=True, blank=True)
    old_low = models.DecimalField(_("原下限 old low"), max_digits=14, decimal_places=4, null=True, blank=True)
    old_high = models.DecimalField(_("原上限 old high"), max_digits=14, decimal_places=4, null=True, blank=True)
    comparator = models.CharField(_("新比较 comparator"), max_length=8, choices=Comparator.choices)
    value = models.DecimalField(_("新目标值 value"), max_digits=14, decimal_places=4, null=True, blank=True)
    low = models.DecimalField(_("新下限 low"), max_digits=14, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(_("新上限 high"), max_digits=14, decimal_places=4, null=True, blank=True)
    reason = models.TextField(_("修订理由 reason"))
    document = models.CharField(_("修订依据文件 revising document"), max_length=200)

    class Meta:
        verbose_name = _("目标修订 target revision")
        verbose_name_plural = _("目标修订 target revisions")
        ordering = ["target", "-at", "-id"]

    def old_goal(self) -> str:
        t = self.target
        return goal_text(self.old_comparator, self.old_value, self.old_low, self.old_high, t.unit, False, t.kind)

    def new_goal(self) -> str:
        t = self.target
        return goal_text(self.comparator, self.value, self.low, self.high, t.unit, False, t.kind)
