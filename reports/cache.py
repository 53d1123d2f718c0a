"""Rendered dashboard bodies are cached per data version: at 5,000 schools a page costs ~20 ms of
CPU to build, and twenty leaders in one meeting room ask for the same one.

The version changes whenever what a dashboard reads changes through the application: a rollup
finishes (every indicator value and target status is written by a recorded run), an action item's
progress is recorded, a gap note is written. Edits made around the services (admin changes to a
target or a link) show within DASHBOARD_CACHE_SECONDS. 0 turns the cache off (the tests' default)."""
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language

from edugov.roles import profile_of, role_of
from indicators.models import RollupRun, RunStatus, TargetGapNote
from plans.context import resolved_plan_id
from plans.models import ActionItem


def data_version() -> str:
    runs = RollupRun.objects.filter(status=RunStatus.SUCCEEDED).aggregate(at=Max("finished_at"), n=Count("id"))
    items = ActionItem.objects.aggregate(at=Max("updated_at"))
    notes = TargetGapNote.objects.aggregate(at=Max("at"), n=Count("id"))
    return f"{runs['at']}|{runs['n']}|{items['at']}|{notes['at']}|{notes['n']}"


def _viewer(user) -> str:
    """What about the viewer changes a page: their role and the school or town they are bound to."""
    profile = profile_of(user)
    return f"{role_of(user)}|{getattr(profile, 'school_id', None)}|{getattr(profile, 'town_id', None)}"


def cached_body(request, name: str, build) -> str:
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 0)
    if seconds <= 0:
        return build()
    # the same URL shows different plans to users who chose different ones (plans.context)
    raw = "|".join([name, request.get_full_path(), str(resolved_plan_id(request)), get_language() or "",
                    _viewer(request.user), data_version()])
    key = "dash:" + hashlib.sha256(raw.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, seconds)
    return body
