from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdugovConfig(AppConfig):
    name = "edugov"
    verbose_name = _("系统与角色 Roles")
