"""站内通知 pages: the list, opening one (marks it read), marking all read. Thin: one selector or service."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edugov.notices import notice_mark_read, notices_for


@login_required
@require_GET
def notice_list(request):
    only_unread = request.GET.get("unread") == "1"
    notices = notices_for(request.user)
    if only_unread:
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "edugov/notices.html", {"page": page, "only_unread": only_unread})


@login_required
@require_GET
def notice_open(request, pk: int):
    notice = notices_for(request.user).filter(pk=pk).first()  # someone else's notice: 404, as if none
    if notice is None:
        raise Http404
    notice_mark_read(user=request.user, notice_ids=[notice.pk])
    safe = notice.url.startswith("/") and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None)
    return redirect(notice.url if safe else "notices")


@login_required
@require_POST
def notice_read_all(request):
    done = notice_mark_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读") % {"n": done})
    return redirect("notices")
