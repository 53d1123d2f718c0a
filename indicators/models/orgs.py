from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    code = models.SlugField(_("代码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=100)

    class Meta:
        verbose_name = _("旗区 district")
        verbose_name_plural = _("旗区 districts")

    def __str__(self):
        return self.name


class Town(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="towns")
    code = models.SlugField(_("代码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=100)
    is_street = models.BooleanField(_("街道 street"), default=False)

    class Meta:
        verbose_name = _("镇/街道 town")
        verbose_name_plural = _("镇/街道 towns")
        ordering = ["code"]

    def __str__(self):
        return self.name


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    COMPLETE_SECONDARY = "complete_secondary", _("完全中学")
    SENIOR = "senior", _("普通高中")
    SPECIAL = "special", _("特殊教育")
    VOCATIONAL = "vocational", _("职业学校")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class KindergartenGrade(models.TextChoices):
    NONE = "", _("未定级")
    MODEL = "model", _("示范园")
    FIRST = "first", _("一级")
    SECOND_A = "second_a", _("二级一类")
    SECOND_B = "second_b", _("二级二类")
    THIRD = "third", _("三级")


class EducationGroup(models.Model):
    name = models.CharField(_("名称 name"), max_length=100, unique=True)
    is_quality = models.BooleanField(_("优质教育集团 quality group"), default=False)

    class Meta:
        verbose_name = _("教育集团 education group")
        verbose_name_plural = _("教育集团 education groups")

    def __str__(self):
        return self.name


class School(models.Model):
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="schools", verbose_name=_("镇/街道 town"))
    code = models.CharField(_("学校代码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=100)
    school_type = models.CharField(_("类型 type"), max_length=32, choices=SchoolType.choices, db_index=True)
    ownership = models.CharField(_("办学性质 ownership"), max_length=16, choices=Ownership.choices)
    is_puhui = models.BooleanField(_("普惠性 public-benefit"), default=False)
    kg_grade = models.CharField(
        _("幼儿园等级 kindergarten grade"), max_length=16, choices=KindergartenGrade.choices, blank=True, default=""
    )
    is_minority_language = models.BooleanField(_("蒙语授课 minority-language"), default=False)
    is_urban = models.BooleanField(_("城区 urban"), default=True)
    education_group = models.ForeignKey(
        EducationGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools",
        verbose_name=_("教育集团 education group"),
    )
    email = models.EmailField(_("联系邮箱 e-mail"), blank=True)
    opened_year = models.PositiveSmallIntegerField(_("建校年份 opened"), null=True, blank=True)
    active = models.BooleanField(_("在办 active"), default=True)

    class Meta:
        verbose_name = _("学校 school")
        verbose_name_plural = _("学校 schools")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}({self.code})"
