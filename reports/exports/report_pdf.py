"""The A4 report as a PDF, made on the server so a clerk gets the file without a print dialog.

Tool: headless Chromium printing the very page leaders print (reports/print.html) — the charts are Plotly, drawn
by JavaScript, which WeasyPrint does not run; Chromium (≥ 131) also honours the CSS page-margin boxes that carry
the header and the 「— 1 —」 page numbers, and takes its Chinese glyphs from fontconfig (fonts-noto-cjk). The page
is rendered to a temporary file with its static files referenced as file:// paths, so no web server, session or
network is involved and the worker needs no log-in. Without Chromium the job fails with a message saying so."""
import re
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Plan
from reports.selectors.report import report_page_context

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_SECONDS = 120
# time for Plotly to draw every chart before printing (virtual time: it passes as fast as the page allows)
VIRTUAL_TIME_MS = 20_000


class PdfUnavailable(RuntimeError):
    """The server cannot print: the message is shown to the user on the export page."""


def build_report_pdf(*, plan: Plan, year: int) -> bytes:
    if not Path(CHROMIUM).exists():
        raise PdfUnavailable(_("服务器未安装 Chromium 浏览器,无法生成 PDF。请管理员安装 chromium 和 fonts-noto-cjk "
                               "后重试;也可以在「打印版报告」页面用浏览器打印为 PDF。"))
    context = report_page_context(plan=plan, year=year, today=timezone.localdate())
    html = _local_static(render_to_string("reports/print.html", {**context, "for_pdf": True}))
    with tempfile.TemporaryDirectory(prefix="edugov-pdf-") as work:
        page, out = Path(work) / "report.html", Path(work) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        _print(page, out, Path(work) / "profile")
        if not out.exists() or out.stat().st_size == 0:
            raise PdfUnavailable(_("Chromium 没有生成 PDF 文件,请稍后重试或联系管理员。"))
        return out.read_bytes()


def _print(page: Path, out: Path, profile: Path) -> None:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               f"--virtual-time-budget={VIRTUAL_TIME_MS}", f"--print-to-pdf={out}", page.as_uri()]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)  # noqa: S603
    except subprocess.TimeoutExpired:
        raise PdfUnavailable(_("生成 PDF 超时(%(s)s 秒),请稍后重试。") % {"s": TIMEOUT_SECONDS}) from None
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if exc.stderr else []
        raise PdfUnavailable(_("Chromium 生成 PDF 失败:%(detail)s") % {"detail": "".join(detail)[:300]}) from None


STATIC_REF = re.compile(r'(src|href)="' + re.escape(settings.STATIC_URL) + r'([^"?#]+)"')


def _local_static(html: str) -> str:
    """/static/css/print.css → file:///…/static/css/print.css, from STATIC_ROOT or the app's static folders."""
    def local(match):
        path = _static_path(match.group(2))
        return f'{match.group(1)}="{path.as_uri()}"' if path else match.group(0)
    return STATIC_REF.sub(local, html)


def _static_path(name: str) -> Path | None:
    collected = Path(settings.STATIC_ROOT) / name
    if collected.is_file():
        return collected.resolve()
    found = finders.find(name)
    return Path(found).resolve() if found else None
