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


class NoticeKind(models.TextChoices):
    RETURNED = "returned", _("填报被退回")
    REMINDER = "reminder", _("催报")
    APPROVED = "approved", _("审核通过")
    OVERDUE = "overdue", _("逾期未完成")


class Notice(models.Model):
    """A site notice (站内通知) to one user: always delivered, whatever e-mail or SMS is configured."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices",
                                  verbose_name=_("收件人 recipient"))
    kind = models.CharField(_("类别 kind"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("标题 title"), max_length=200)
    body = models.TextField(_("内容 body"), blank=True)
    url = models.CharField(_("链接 link"), max_length=300, blank=True)  # a path on this site
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("发送人 sender"))
    # Set for notices that must go out once only (an overdue item), empty otherwise.
    key = models.CharField(_("去重键 key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间 created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间 read"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知 notice")
        verbose_name_plural = _("站内通知 notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~models.Q(key=""),
                                               name="notice_once_per_key")]

    def __str__(self):
        return f"{self.recipient} · {self.title}"
