"""Log-in lock-out (django-axes) where Django's middleware cannot see it: the client's address behind a
proxy, and the API's token endpoint, whose DRF request object the axes middleware never looks at."""
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request


def client_ip(request) -> str | None:
    """The address axes counts failures for, picked like DRF's throttles pick theirs (NUM_PROXIES).

    Behind TRUSTED_PROXY_COUNT proxies, the client is that many entries from the right of
    X-Forwarded-For; anything further left was written by the client and proves nothing."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(count, len(addresses))]
    return request.META.get("REMOTE_ADDR")


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("登录失败次数过多,该账号已在此地址被暂时锁定,请稍后再试。")
    default_code = "locked_out"


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The page the log-in page and /admin/login/ show instead of the form (AXES_LOCKOUT_CALLABLE)."""
    context = {"minutes": cooloff_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=status.HTTP_429_TOO_MANY_REQUESTS)


@receiver(user_locked_out)
def refuse_locked_api_login(sender, request, **kwargs):
    """On /api/token/ the lock-out is a 429 with a Chinese message, like the log-in page's."""
    if isinstance(request, Request):
        raise LockedOut(_("登录失败次数过多,该账号已在此地址被锁定 %(minutes)d 分钟,请稍后再试。")
                        % {"minutes": cooloff_minutes()})
