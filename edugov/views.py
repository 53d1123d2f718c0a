from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from rest_framework.authtoken.views import obtain_auth_token

from edugov.models import Role
from edugov.roles import role_of

# Each role lands where its work is.
_LANDING = {
    Role.LEADER: "reports:overview",
    Role.SCHOOL_REPORTER: "indicators:home",
    Role.TOWN_REVIEWER: "indicators:home",
    Role.BUREAU_REVIEWER: "indicators:home",
}

obtain_token = obtain_auth_token


@login_required
def home(request):
    return redirect(_LANDING.get(role_of(request.user), "plans:overview"))
