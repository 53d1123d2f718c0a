"""Load a plan file (format "edugov-plan/1") into the database.

The whole file is checked before anything is written; a bad file is refused with the field and
its position named, and the load runs in one transaction, so the database is either fully
updated or left as it was. Loading twice changes nothing, and never touches the status,
progress or history that people recorded.
"""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from plans.models import ActionItem, AnnualTarget, Comparator, Department, Plan, Programme, TargetSource

FORMAT = "edugov-plan/1"
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "dongsheng_2019_2022.json"


class PlanFileError(ValueError):
    """A plan file that cannot be loaded; ``problems`` lists every place that is wrong."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("计划文件有误 (invalid plan file):\n" + "\n".join(problems[:50]))


@dataclass
class LoadResult:
    plan: Plan
    created: dict
    unchanged: bool


def read_plan_file(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError([f"文件不存在 (file not found): {path}"]) from None
    except UnicodeDecodeError as exc:
        raise PlanFileError([f"文件不是 UTF-8 编码 (not UTF-8) at byte {exc.start}"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError([f"JSON 语法错误 (syntax error) 第{exc.lineno}行第{exc.colno}列: {exc.msg}"]) from None


def plan_load(*, data: dict) -> LoadResult:
    validate_plan_data(data)
    with transaction.atomic():
        return _store(data)


# --- validation -------------------------------------------------------------------------------


class _Checker:
    def __init__(self):
        self.problems: list[str] = []

    def fail(self, where: str, message: str):
        self.problems.append(f"{where}: {message}")

    def text(self, obj: dict, key: str, where: str, *, required: bool = True, max_length: int | None = None):
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(f"{where}.{key}", "必填 (required)")
            return None
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", "应为文本 (must be a string)")
            return None
        if max_length and len(value) > max_length:
            self.fail(f"{where}.{key}", f"超过{max_length}个字符 (too long)")
        return value

    def integer(self, obj: dict, key: str, where: str, *, low: int, high: int):
        value = obj.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(f"{where}.{key}", f"应为整数 (must be an integer), 实际为 {value!r}")
            return None
        if not low <= value <= high:
            self.fail(f"{where}.{key}", f"应在 {low}–{high} 之间 (out of range), 实际为 {value}")
            return None
        return value

    def number(self, obj: dict, key: str, where: str):
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}.{key}", f"应为数字 (must be a number), 实际为 {value!r}")
            return None
        return value

    def items(self, data: dict, key: str, where: str = "") -> list:
        value = data.get(key)
        if not isinstance(value, list):
            self.fail(f"{where}{key}", "应为列表 (must be a list)")
            return []
        return value


def validate_plan_data(data) -> None:
    check = _Checker()
    if not isinstance(data, dict):
        raise PlanFileError(["文件顶层应为对象 (top level must be an object)"])
    if data.get("format") != FORMAT:
        check.fail("format", f"应为 {FORMAT!r}, 实际为 {data.get('format')!r}")
    years = _check_plan(check, data.get("plan"))
    departments = _check_departments(check, data)
    numbers = _check_programmes(check, data)
    _check_items(check, data, years, departments, numbers)
    _check_targets(check, data, years)
    if check.problems:
        raise PlanFileError(check.problems)


def _check_plan(check: _Checker, plan) -> range:
    if not isinstance(plan, dict):
        check.fail("plan", "必填,应为对象 (required object)")
        return range(0)
    check.text(plan, "key", "plan", max_length=64)
    check.text(plan, "title", "plan", max_length=200)
    check.text(plan, "doc_number", "plan", required=False, max_length=64)
    if not isinstance(plan.get("issuers", []), list):
        check.fail("plan.issuers", "应为列表 (must be a list)")
    issued = plan.get("issued_on")
    if issued is not None:
        try:
            date.fromisoformat(issued)
        except (TypeError, ValueError):
            check.fail("plan.issued_on", f"日期格式应为 YYYY-MM-DD, 实际为 {issued!r}")
    start = check.integer(plan, "start_year", "plan", low=1990, high=2100)
    end = check.integer(plan, "end_year", "plan", low=1990, high=2100)
    if start and end and end < start:
        check.fail("plan.end_year", "结束年早于起始年 (ends before it starts)")
        return range(0)
    return range(start, end + 1) if start and end else range(0)


def _check_departments(check: _Checker, data: dict) -> set[str]:
    names = set()
    for i, name in enumerate(check.items(data, "departments")):
        if not isinstance(name, str) or not name.strip():
            check.fail(f"departments[{i}]", "部门名称应为非空文本 (non-empty string)")
        elif name in names:
            check.fail(f"departments[{i}]", f"部门重复 (duplicate): {name}")
        else:
            names.add(name)
    return names


def _check_programmes(check: _Checker, data: dict) -> set[int]:
    numbers = set()
    for i, prog in enumerate(check.items(data, "programmes")):
        where = f"programmes[{i}]"
        if not isinstance(prog, dict):
            check.fail(where, "应为对象 (must be an object)")
            continue
        number = check.integer(prog, "number", where, low=1, high=99)
        check.text(prog, "name", where, max_length=200)
        check.text(prog, "goal", where, required=False)
        check.text(prog, "strategy", where, required=False)
        if number in numbers:
            check.fail(f"{where}.number", f"工程序号重复 (duplicate): {number}")
        numbers.add(number)
    return numbers


def _check_items(check: _Checker, data: dict, years: range, departments: set[str], numbers: set[int]) -> None:
    seen = set()
    for i, item in enumerate(check.items(data, "action_items")):
        where = f"action_items[{i}]"
        if not isinstance(item, dict):
            check.fail(where, "应为对象 (must be an object)")
            continue
        year = item.get("year")
        if year not in years:
            check.fail(f"{where}.year", f"年度 {year!r} 不在方案年限内 (outside the plan's years)")
        programme = item.get("programme")
        if programme not in numbers:
            check.fail(f"{where}.programme", f"未知工程序号 (unknown programme): {programme!r}")
        check.integer(item, "order", where, low=1, high=999)
        check.text(item, "text", where)
        key = (year, programme, item.get("order"))
        if key in seen:
            check.fail(where, f"条目重复 (duplicate year/programme/order): {key}")
        seen.add(key)
        depts = item.get("departments")
        if not isinstance(depts, list) or not depts:
            check.fail(f"{where}.departments", "至少一个责任部门 (at least one department)")
            continue
        for j, name in enumerate(depts):
            if name not in departments:
                check.fail(f"{where}.departments[{j}]", f"未知部门「{name}」(not in departments)")


def _check_targets(check: _Checker, data: dict, years: range) -> None:
    comparators = set(Comparator.values)
    for i, target in enumerate(check.items(data, "targets")):
        where = f"targets[{i}]"
        if not isinstance(target, dict):
            check.fail(where, "应为对象 (must be an object)")
            continue
        measure = check.text(target, "measure", where, max_length=64)
        if measure and not measure.replace("_", "").isalnum():
            check.fail(f"{where}.measure", f"代码只能含字母、数字和下划线 (snake_case): {measure!r}")
        check.text(target, "name", where, max_length=200)
        check.text(target, "section", where, max_length=100)
        check.text(target, "source_text", where)
        if target.get("year") not in years:
            check.fail(f"{where}.year", f"年度 {target.get('year')!r} 不在方案年限内 (outside the plan's years)")
        comparator = target.get("comparator")
        if comparator not in comparators:
            check.fail(f"{where}.comparator", f"应为 {'/'.join(sorted(comparators))} 之一, 实际为 {comparator!r}")
        value, low, high = (check.number(target, k, where) for k in ("value", "low", "high"))
        if comparator == Comparator.RANGE:
            if low is None or high is None:
                check.fail(where, "区间目标需要 low 和 high (a range needs low and high)")
            elif low > high:
                check.fail(f"{where}.low", f"下限 {low} 大于上限 {high} (low above high)")
        elif comparator in comparators and value is None:
            check.fail(f"{where}.value", "必填 (required for this comparator)")
        if not isinstance(target.get("approximate", False), bool):
            check.fail(f"{where}.approximate", "应为 true/false")


# --- storing ------------------------------------------------------------------------------------


def _store(data: dict) -> LoadResult:
    created = {"programmes": 0, "departments": 0, "action_items": 0, "targets": 0, "sources": 0}
    plan, plan_changed = _store_plan(data["plan"])
    departments = {}
    for name in data["departments"]:
        departments[name], new = Department.objects.get_or_create(name=name)
        created["departments"] += new
    programmes = {}
    for prog in data["programmes"]:
        programmes[prog["number"]], new = _upsert(
            Programme, {"plan": plan, "number": prog["number"]},
            {"name": prog["name"], "goal": prog.get("goal") or "", "strategy": prog.get("strategy") or ""},
        )
        created["programmes"] += new
    for item in data["action_items"]:
        created["action_items"] += _store_item(item, programmes, departments)
    for (measure, year), statements in _group_targets(data["targets"]).items():
        new_target, new_sources = _store_target(plan, measure, year, statements)
        created["targets"] += new_target
        created["sources"] += new_sources
    unchanged = not plan_changed and not any(created.values())
    return LoadResult(plan=plan, created=created, unchanged=unchanged)


def _upsert(model, keys: dict, fields: dict):
    """update_or_create that only writes when something differs (so a reload is a no-op)."""
    obj = model.objects.filter(**keys).first()
    if obj is None:
        return model.objects.create(**keys, **fields), True
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save(update_fields=changed)
    return obj, False


def _store_plan(spec: dict) -> tuple[Plan, bool]:
    fields = {
        "title": spec["title"], "doc_number": spec.get("doc_number") or "", "issuers": spec.get("issuers") or [],
        "issued_on": date.fromisoformat(spec["issued_on"]) if spec.get("issued_on") else None,
        "start_year": spec["start_year"], "end_year": spec["end_year"], "overall_goal": spec.get("overall_goal") or "",
    }
    plan = Plan.objects.filter(key=spec["key"]).first()
    before = None if plan is None else {k: getattr(plan, k) for k in fields}
    plan, _ = _upsert(Plan, {"key": spec["key"]}, fields)
    return plan, before != fields


def _store_item(spec: dict, programmes: dict, departments: dict) -> bool:
    item, new = _upsert(
        ActionItem, {"programme": programmes[spec["programme"]], "year": spec["year"], "order": spec["order"]},
        {"text": spec["text"]},
    )
    wanted = {departments[name].pk for name in spec["departments"]}
    if set(item.departments.values_list("pk", flat=True)) != wanted:
        item.departments.set(wanted)
    return new


def _group_targets(statements: list[dict]) -> dict:
    grouped: dict = {}
    for statement in statements:
        grouped.setdefault((statement["measure"], statement["year"]), []).append(statement)
    return grouped


def _numbers(statement: dict) -> dict:
    return {
        "comparator": statement["comparator"],
        "value": _decimal(statement.get("value")),
        "low": _decimal(statement.get("low")),
        "high": _decimal(statement.get("high")),
    }


def _decimal(number) -> Decimal | None:
    if number is None:
        return None
    try:
        return Decimal(str(number)).quantize(Decimal("0.0001"))
    except InvalidOperation:  # validated already; kept for safety
        return None


def _store_target(plan: Plan, measure: str, year: int, statements: list[dict]) -> tuple[bool, int]:
    first = statements[0]
    conflict = len({tuple(_numbers(s).values()) for s in statements}) > 1
    target = AnnualTarget.objects.filter(plan=plan, measure=measure, year=year).first()
    new = target is None
    if new:
        target = AnnualTarget.objects.create(
            plan=plan, measure=measure, year=year, name=first["name"], unit=first.get("unit") or "",
            approximate=first.get("approximate", False), conflict=conflict, **_numbers(first),
        )
    new_sources = 0
    for position, statement in enumerate(statements, start=1):
        _, created = _upsert(
            TargetSource, {"target": target, "position": position},
            {"section": statement["section"], "text": statement["source_text"],
             "approximate": statement.get("approximate", False), **_numbers(statement)},
        )
        new_sources += created
    TargetSource.objects.filter(target=target, position__gt=len(statements)).delete()
    if new:
        TargetSource.objects.filter(target=target, position=1).update(chosen=True)
    elif not target.conflict_resolved:
        _refresh_unresolved_target(target, first, conflict)
    return new, new_sources


def _refresh_unresolved_target(target: AnnualTarget, first: dict, conflict: bool) -> None:
    """A reload may correct a target's numbers, unless the bureau already chose a source."""
    fields = {"name": first["name"], "unit": first.get("unit") or "", "approximate": first.get("approximate", False),
              "conflict": conflict, **_numbers(first)}
    changed = [k for k, v in fields.items() if getattr(target, k) != v]
    if changed:
        for k in changed:
            setattr(target, k, fields[k])
        target.save(update_fields=changed)
