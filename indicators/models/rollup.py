from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Indicator(models.Model):
    """A measured figure: numerator / denominator, each a formula over data element codes,
    evaluated on sums (a ratio of sums). An empty denominator means a plain total or count."""

    code = models.SlugField(_("代码 code"), max_length=64, unique=True)
    name_zh = models.CharField(_("中文名称 Chinese name"), max_length=100)
    name_en = models.CharField(_("英文名称 English name"), max_length=150)
    numerator = models.CharField(_("分子公式 numerator"), max_length=500)
    denominator = models.CharField(_("分母公式 denominator"), max_length=500, blank=True)
    unit = models.CharField(_("单位 unit"), max_length=16, blank=True)
    decimals = models.PositiveSmallIntegerField(_("小数位 decimals"), default=1)
    direction = models.CharField(_("方向 direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    school_types = models.JSONField(_("覆盖学校类型 school types"), default=list, blank=True)
    description = models.TextField(_("口径说明 description"), blank=True)
    # Set by the definitions loader: a count or sum, or a school figure over a district-only denominator
    # (毛入园率: 在园幼儿 ÷ 常住人口). Such a value only grows as more schools report, so a partial one is
    # 数据未齐 rather than a verdict; a ratio of two school sums is judged over the schools that reported.
    grows_with_reports = models.BooleanField(_("随上报增长 grows with reports"), default=False)

    class Meta:
        verbose_name = _("指标 indicator")
        verbose_name_plural = _("指标 indicators")
        ordering = ["code"]

    def __str__(self):
        return self.name_zh

    @property
    def is_partial_sum(self) -> bool:
        return not self.denominator or self.grows_with_reports


class Level(models.TextChoices):
    DISTRICT = "district", _("全区")
    TOWN = "town", _("镇/街道")
    SCHOOL = "school", _("学校")
    SCHOOL_TYPE = "school_type", _("学校类型")
    OWNERSHIP = "ownership", _("公办/民办")
    AREA = "area", _("城区/农村")
    LANGUAGE = "language", _("蒙语授课/其他")
    TOWN_TYPE = "town_type", _("镇街×学校类型")
    OWNERSHIP_TYPE = "ownership_type", _("公办民办×学校类型")


class RunStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排队")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class RollupRun(models.Model):
    """One rollup, visible to bureau staff: a crashed run stays 'running' or 'failed' with its error."""

    year = models.PositiveSmallIntegerField(_("年度 year"), null=True, blank=True)  # empty: every year
    trigger = models.CharField(_("触发 trigger"), max_length=16, default="manual")  # approval, nightly, manual
    status = models.CharField(_("状态 status"), max_length=16, choices=RunStatus.choices, default=RunStatus.SCHEDULED)
    scheduled_at = models.DateTimeField(_("排队时间 scheduled"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始 started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束 finished"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时(毫秒) duration"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("写入行数 rows"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数 attempts"), default=0)
    error = models.TextField(_("错误 error"), blank=True)
    # An incremental run applies the pending approvals' changes (RollupDelta) to the stored sums; a full run
    # recomputes everything and counts the rows it found different from a state with nothing pending (drift).
    incremental = models.BooleanField(_("增量 incremental"), default=False)
    drift_rows = models.PositiveIntegerField(_("偏差行数 drift"), null=True, blank=True)

    class Meta:
        verbose_name = _("汇总运行 rollup run")
        verbose_name_plural = _("汇总运行 rollup runs")
        ordering = ["-scheduled_at", "-id"]


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("年度 year"))
    level = models.CharField(_("层级 level"), max_length=16, choices=Level.choices)
    unit_key = models.CharField(_("单位代码 unit"), max_length=64)  # school code, town code, type code, "district"…
    unit_label = models.CharField(_("单位名称 label"), max_length=100)
    numerator = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    value = models.DecimalField(_("值 value"), max_digits=24, decimal_places=6, null=True, blank=True)
    schools_expected = models.PositiveIntegerField(_("应报学校数 expected"))
    schools_reported = models.PositiveIntegerField(_("已审核学校数 reported"))
    run = models.ForeignKey(RollupRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(_("计算时间 computed"))
    # The exact sums behind numerator and denominator, per school element code, in integers of 1/10,000:
    # what an approval's change is added to (indicators.rollup.incremental).
    sums = models.JSONField(_("分项合计 sums"), default=dict, blank=True)

    class Meta:
        verbose_name = _("指标值 indicator value")
        verbose_name_plural = _("指标值 indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "level", "unit_key"], name="indicator_value_unique")
        ]
        indexes = [models.Index(fields=["year", "level", "indicator"])]


class RollupDelta(models.Model):
    """The change one approval or reopening made to a school's approved figures of a year (new − old, per
    element code, integers of 1/10,000), written in the same transaction. Pending deltas are what the stored
    sums do not yet contain: the incremental run derives the school's counted figures as current − pending,
    applies the difference and deletes them; a full run deletes those it has seen."""

    year = models.PositiveSmallIntegerField()
    school = models.ForeignKey("indicators.School", on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待汇总变更 pending rollup change")
        verbose_name_plural = _("待汇总变更 pending rollup changes")
        indexes = [models.Index(fields=["year", "school"])]


class TargetScope(models.TextChoices):
    """The levels at which a target means something: a district total (市级示范园32所) is not a goal for one
    school, and a kindergarten is 0% or 100% 普惠 by definition."""

    DISTRICT = "district", _("仅全区")
    TOWN = "town", _("全区及镇街")
    SCHOOL = "school", _("全区、镇街及每所学校")


class LinkMatch(models.TextChoices):
    EXACT = "exact", _("口径一致")
    APPROXIMATE = "approximate", _("近似口径")


class TargetLink(models.Model):
    """Which indicator measures a plan measure (plans.AnnualTarget.measure); none: tracked by action items."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    measure = models.SlugField(_("目标代码 measure"), max_length=64)
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="links")
    tolerance = models.DecimalField(
        _("接近容差 tolerance"), max_digits=10, decimal_places=4, default=0,
        help_text=_("与目标差距在此范围内为“接近”"),
    )
    note = models.TextField(_("说明 note"), blank=True)
    scope = models.CharField(_("适用层级 scope"), max_length=16, choices=TargetScope.choices,
                             default=TargetScope.DISTRICT)
    match = models.CharField(_("口径对应 match"), max_length=16, choices=LinkMatch.choices, default=LinkMatch.EXACT)
    match_note = models.TextField(_("口径差异说明 match note"), blank=True)
    # the years whose target wording the measure only approximates (「2022年目标要求“专职”」): empty, every year
    match_years = models.JSONField(_("近似口径适用年度 match years"), default=list, blank=True)

    class Meta:
        verbose_name = _("目标-指标对应 target link")
        verbose_name_plural = _("目标-指标对应 target links")
        constraints = [models.UniqueConstraint(fields=["plan", "measure"], name="target_link_unique")]

    def approximates(self, year: int) -> bool:
        """Whether the measure only approximates the wording of this year's target: the 2022 「专职」 target, not
        the 2021 「专兼职」 one the same figure measures exactly."""
        return self.match == LinkMatch.APPROXIMATE and (not self.match_years or year in self.match_years)


class TargetStatusValue(models.TextChoices):
    MET = "met", _("达标")
    CLOSE = "close", _("接近")
    NOT_MET = "not_met", _("未达标")
    INCOMPLETE = "incomplete", _("数据未齐")
    NO_DATA = "no_data", _("无数据")


class TargetStatus(models.Model):
    """The district-level verdict on one annual target, written by the rollup."""

    target = models.OneToOneField("plans.AnnualTarget", on_delete=models.CASCADE, related_name="rollup_status")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    actual = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    status = models.CharField(max_length=16, choices=TargetStatusValue.choices)
    schools_expected = models.PositiveIntegerField(default=0)
    schools_reported = models.PositiveIntegerField(default=0)
    margin = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    run = models.ForeignKey(RollupRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("目标达成情况 target status")
        verbose_name_plural = _("目标达成情况 target statuses")


class TargetGapNote(models.Model):
    """The bureau's explanation of why a target is off; shown on dashboards."""

    target = models.OneToOneField("plans.AnnualTarget", on_delete=models.CASCADE, related_name="gap_note")
    text = models.TextField(_("差距说明 explanation"))
    by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("差距说明 gap note")
        verbose_name_plural = _("差距说明 gap notes")
