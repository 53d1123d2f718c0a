from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdugovConfig(AppConfig):
    name = "edugov"
    verbose_name = _("系统与角色 Roles")

    def ready(self):
        from edugov import lockout  # noqa: F401 (connects the API's lock-out response to django-axes)
