"""「导入实施方案」: upload a plan's text, review and correct the proposal, confirm (bureau admins only).

The proposal lives in the reviewer's session until it is confirmed; nothing is written before that.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from plans.access import require_plan_importer
from plans.models import Comparator, TargetKind
from plans.services.loading import PlanFileError
from plans.services.plan_import import ROW_KINDS, plan_import_confirm, problem_rows
from plans.textimport import UnreadableDocument, clean_lines, document_lines, propose
from plans.textimport.editing import apply_row

SESSION_KEY = "plan_import"


class UploadForm(forms.Form):
    document = forms.FileField(label=gettext_lazy("方案文件(.docx 或 .txt)"), required=False)
    text = forms.CharField(label=gettext_lazy("或粘贴方案全文"), required=False,
                           widget=forms.Textarea(attrs={"rows": 6}))

    def lines(self) -> list[str]:
        upload, text = self.cleaned_data.get("document"), self.cleaned_data.get("text")
        if upload:
            return document_lines(name=upload.name, content=upload.read())
        if text and text.strip():
            return clean_lines(text.splitlines())
        raise UnreadableDocument(_("请上传文件或粘贴方案全文"))


@login_required
def upload(request):
    require_plan_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = propose(form.lines())
        except UnreadableDocument as exc:
            form.add_error(None, str(exc))
        else:
            request.session[SESSION_KEY] = proposal
            return redirect("plans:import_review")
    return render(request, "plans/import_upload.html", {"form": form})


@login_required
def review(request):
    require_plan_importer(request.user)
    proposal = _session_proposal(request)
    if proposal is None:
        messages.info(request, _("请先上传方案文件"))
        return redirect("plans:import")
    if request.method == "POST":
        _correct(proposal, request.POST)
        request.session[SESSION_KEY] = proposal
        kind = request.POST.get("kind")
        anchor = f"#{kind}-{request.POST.get('index')}" if kind != "plan" else ""
        return redirect(reverse("plans:import_review") + anchor)
    return _render_review(request, proposal, problems=None)


def _session_proposal(request) -> dict | None:
    proposal = request.session.get(SESSION_KEY)
    if not isinstance(proposal, dict) or not all(isinstance(proposal.get(k), list) for k in ROW_KINDS):
        return None  # none yet, or left by an older version of this page
    return proposal


def _correct(proposal: dict, posted) -> None:
    kind, index = posted.get("kind"), posted.get("index", "")
    if kind == "plan":
        proposal["plan"] = apply_row(proposal["plan"], "plan", posted)
    elif kind in ROW_KINDS and index.isdecimal() and int(index) < len(proposal[kind]):
        row = proposal[kind][int(index)]
        if "drop" in posted or "restore" in posted:
            row["dropped"] = "drop" in posted
        else:
            proposal[kind][int(index)] = apply_row(row, kind, posted)


@login_required
@require_POST
def confirm(request):
    require_plan_importer(request.user)
    proposal = _session_proposal(request)
    if proposal is None:
        return redirect("plans:import")
    try:
        result = plan_import_confirm(proposal=proposal, by=request.user)
    except PlanFileError as exc:
        return _render_review(request, proposal, problems=exc.problems, status=400)
    del request.session[SESSION_KEY]
    if result.unchanged:
        messages.info(request, _("「%(title)s」已导入过,没有变化") % {"title": result.plan.title})
    else:
        messages.success(request, _("已导入「%(title)s」") % {"title": result.plan.title})
    return redirect(f"{reverse('plans:overview')}?plan={result.plan.key}")  # the imported plan, not the remembered


def _render_review(request, proposal: dict, *, problems, status: int = 200):
    placed = problem_rows(proposal, problems or [])
    rows = {kind: [(i, row, placed[kind].get(i, [])) for i, row in enumerate(proposal[kind])] for kind in ROW_KINDS}
    context = {
        "proposal": proposal, "plan": proposal["plan"], "rows": rows, "plan_problems": placed["plan"],
        "problem_total": len(problems or []), "comparators": Comparator.choices,
        "kinds": TargetKind.choices,
        "programme_numbers": [p["number"] for p in proposal["programmes"] if not p.get("dropped")],
    }
    return render(request, "plans/import_review.html", context, status=status)
