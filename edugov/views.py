from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from edugov.accounts import must_change_password
from edugov.models import Role
from edugov.roles import role_of
from edugov.tokens import token_for

# Each role lands where its work is.
_LANDING = {
    Role.LEADER: "reports:overview",
    Role.SCHOOL_REPORTER: "indicators:home",
    Role.TOWN_REVIEWER: "indicators:home",
    Role.BUREAU_REVIEWER: "indicators:home",
    Role.DEPARTMENT_STAFF: "plans:mine",
}


class ObtainTokenView(ObtainAuthToken):
    """Username and password for a token. Failures count towards the log-in lock-out (django-axes)."""

    authentication_classes = ()  # a script still sending its expired token must be able to get a new one
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": serializers.CharField(),
                                                   "password": serializers.CharField()}),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
                   400: OpenApiResponse(description="用户名或密码错误"),
                   403: OpenApiResponse(description="须先在网页上修改初始密码"),
                   429: OpenApiResponse(description="尝试过于频繁或账号已被锁定")},
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if must_change_password(user):
            # a one-time password is for the first log-in on the site, not for a script
            raise PermissionDenied(_("请先登录网页修改初始密码,再获取 API 令牌。"))
        return Response({"token": token_for(user).key})


obtain_token = ObtainTokenView.as_view()


@login_required
def home(request):
    return redirect(_LANDING.get(role_of(request.user), "plans:overview"))


def not_found(request, exception):
    """handler404. Under /api/ a path no route matches (/api/plans/1.5/) is answered as the API answers an
    object it does not have, {"detail": …} in JSON, which the schema declares; elsewhere the usual page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)
