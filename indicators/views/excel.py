"""Excel pages: template download, upload → preview, confirm → save. Thin: access, one service, render."""
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.roles import role_of
from indicators.services.imports import (
    IMPORT_ROLES,
    ImportRefused,
    excel_parse,
    excel_period_for,
    excel_periods_for,
    excel_template_build,
    excel_template_filename,
    excel_upload_dir,
    submissions_import,
)

_SESSION_KEY = "excel_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    # No period field: the file says which period it is for (its signed properties), so a select that
    # defaults to the wrong period cannot send figures there.
    file = forms.FileField(label=gettext_lazy("Excel 文件(.xlsx)"))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = list(periods)  # the open periods this account may import into

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not self.periods:
            raise forms.ValidationError(_("目前没有可以导入的填报周期"))
        if upload.size > settings.EXCEL_MAX_BYTES:
            raise forms.ValidationError(_("文件过大,最大允许 %(size)d KB") % {"size": settings.EXCEL_MAX_BYTES // 1024})
        if not upload.name.lower().endswith(".xlsx") or not zipfile.is_zipfile(upload):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件"))
        return upload


def _import_dir() -> Path:
    return excel_upload_dir()


def _require_importer(user):
    if role_of(user) not in IMPORT_ROLES:
        raise PermissionDenied


@login_required
@require_GET
def excel_template(request, period_id):
    period = excel_period_for(request.user, period_id)
    data = excel_template_build(period=period, by=request.user)
    response = HttpResponse(data, content_type=XLSX)
    name = excel_template_filename(period=period, by=request.user)
    # RFC 6266/5987: the Chinese name for every current browser, an ASCII one for anything older.
    fallback = f"{period.dataset.code}-{period.year}.xlsx"
    response["Content-Disposition"] = (f'attachment; filename="{fallback}"; '
                                       f"filename*=UTF-8''{quote(name, safe='')}")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def excel_upload(request):
    _require_importer(request.user)
    periods = excel_periods_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, periods=periods)
    if request.method == "GET" or not form.is_valid():
        return _upload_page(request, form, periods, status=400 if request.method == "POST" else 200)
    token = uuid.uuid4().hex
    stored = _import_dir() / f"{token}.xlsx"
    with stored.open("wb") as out:
        for chunk in form.cleaned_data["file"].chunks():
            out.write(chunk)
    _forget(request)
    preview = excel_parse(stored, by=request.user)
    if preview.period is None:  # refused as a whole (a bomb, not our template, a period this account may not fill)
        stored.unlink(missing_ok=True)
        return _upload_page(request, form, periods, problems=preview.problems)
    request.session[_SESSION_KEY] = {"token": token, "period": preview.period.id,
                                     "name": form.cleaned_data["file"].name}
    return _preview(request, preview.period, preview, form.cleaned_data["file"].name)


def _upload_page(request, form, periods, *, problems=(), status=200):
    return render(request, "indicators/excel_upload.html",
                  {"form": form, "periods": periods, "problems": problems}, status=status)


def _preview(request, period, preview, name, status=200):
    return render(request, "indicators/excel_preview.html",
                  {"period": period, "preview": preview, "name": name, "rows": preview.rows[:500]}, status=status)


def _forget(request):
    """Drop the previous upload of this session, so abandoned files do not pile up."""
    pending = request.session.pop(_SESSION_KEY, None)
    if pending:
        (_import_dir() / f"{pending['token']}.xlsx").unlink(missing_ok=True)


@login_required
@require_POST
def excel_confirm(request):
    _require_importer(request.user)
    pending = request.session.get(_SESSION_KEY)
    stored = _import_dir() / f"{pending['token']}.xlsx" if pending else None
    if not stored or not stored.exists():
        messages.error(request, _("没有待确认的导入,请重新上传文件"))
        return redirect("indicators:excel_upload")
    period = excel_period_for(request.user, pending["period"])
    # Parsed again: the figures or statuses may have changed since the preview.
    preview = excel_parse(stored, period=period, by=request.user)
    if not preview.ok:
        return _preview(request, period, preview, pending["name"], status=409)
    try:
        result = submissions_import(period=period, rows=preview.rows, by=request.user)
    except ImportRefused as exc:
        messages.error(request, _("导入未保存:%(reason)s") % {"reason": "; ".join(exc.problems)})
        return redirect("indicators:excel_upload")
    _forget(request)
    counts = {"rows": len(preview.rows), "values": result.values_created + result.values_updated,
              "new": result.values_created, "changed": result.values_updated}
    messages.success(request, _("已导入 %(rows)d 所学校的 %(values)d 个数值(新增 %(new)d,修改 %(changed)d),"
                                "均保存为草稿,请核对后上报") % counts)
    if len(result.submission_ids) == 1:  # one school: straight to its form, to check and submit
        return redirect("indicators:submission_form", pk=result.submission_ids[0])
    return redirect("indicators:review_period", period_id=period.id)
