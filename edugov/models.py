from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("教体局管理员")
    BUREAU_REVIEWER = "bureau_reviewer", _("教体局审核员")
    TOWN_REVIEWER = "town_reviewer", _("镇街教育办审核员")
    DEPARTMENT_STAFF = "department_staff", _("责任部门工作人员")
    LEADER = "leader", _("领导(只读)")
    SCHOOL_REPORTER = "school_reporter", _("学校填报员")


class Profile(models.Model):
    """What a user may do: one role, bound to a department, a town or a school where the role says."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("角色 role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        "plans.Department", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("部门 department")
    )
    town = models.ForeignKey(
        "indicators.Town", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("镇街 town")
    )
    school = models.ForeignKey(
        "indicators.School", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("学校 school")
    )
    # Set for accounts given a one-time password (create_school_accounts); cleared when they choose their own.
    must_change_password = models.BooleanField(_("须修改初始密码 must change password"), default=False)

    class Meta:
        verbose_name = _("用户角色 profile")
        verbose_name_plural = _("用户角色 profiles")
        constraints = [
            models.CheckConstraint(
                name="department_staff_has_department",
                condition=~models.Q(role="department_staff") | models.Q(department__isnull=False),
            ),
            models.CheckConstraint(
                name="school_reporter_has_school",
                condition=~models.Q(role="school_reporter") | models.Q(school__isnull=False),
            ),
            models.CheckConstraint(
                name="town_reviewer_has_town",
                condition=~models.Q(role="town_reviewer") | models.Q(town__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"
