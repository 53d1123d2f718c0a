"""Requests refused before any view runs."""
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

NUL = "\x00"


class RejectNulMiddleware:
    """A NUL character anywhere in the path, the query string or a submitted field is refused with 400.

    PostgreSQL cannot store or even compare a string holding NUL (psycopg raises ValueError), so a
    ``?plan=%00`` or a school code ``%00`` in a URL would otherwise end as a 500 in whichever view first
    queries with it. No legitimate input holds one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("请求中含有不允许的空字符(NUL),请检查链接或填写的内容。")
            if request.path_info.startswith("/api/"):  # the API's errors are {"detail": …}, as its schema says
                return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request) -> bool:
    if NUL in request.path_info or _in_fields(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type == "application/json":
        body = request.body
        return b"\\u0000" in body or b"\x00" in body
    try:
        return _in_fields(request.POST) or any(NUL in (f.name or "") for f in request.FILES.values())
    except MultiPartParserError:
        return False  # a broken upload is the view's to refuse


def _in_fields(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())
