"""Importing a plan from its text: the proposal is corrected in the reviewer's session, and confirming
stores it through plan_load — all or nothing, and re-importing the same document changes nothing."""
import re

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from edugov.roles import is_bureau_admin
from plans.models import DepartmentAlias
from plans.services.loading import LoadResult, plan_load
from plans.textimport.proposal import to_plan_file

ROW_KINDS = ("programmes", "action_items", "targets")
_PLACE = re.compile(r"^(programmes|action_items|targets)\[(\d+)\]")


def plan_import_confirm(*, proposal: dict, by) -> LoadResult:
    """Store a reviewed proposal as a plan (raises PlanFileError, with each fault's position, and stores nothing)."""
    if not is_bureau_admin(by):
        raise PermissionDenied(_("只有教育局管理员可以导入实施方案"))
    known = dict(DepartmentAlias.objects.values_list("name", "department__name"))
    return plan_load(data=to_plan_file(proposal, known_aliases=known))


def problem_rows(proposal: dict, problems: list[str]) -> dict:
    """{kind: {row index in the proposal: [problems]}} and the rest under "plan": the loader counts rows
    of the file, from which dropped rows are left out."""
    kept = {kind: [i for i, row in enumerate(proposal.get(kind, [])) if not row.get("dropped")] for kind in ROW_KINDS}
    placed: dict = {kind: {} for kind in ROW_KINDS}
    placed["plan"] = []
    for problem in problems:
        m = _PLACE.match(problem)
        if m and int(m.group(2)) < len(kept[m.group(1)]):
            placed[m.group(1)].setdefault(kept[m.group(1)][int(m.group(2))], []).append(problem)
        else:
            placed["plan"].append(problem)
    return placed
