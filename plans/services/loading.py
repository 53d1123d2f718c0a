"""Load a plan file (format "edugov-plan/1") into the database.

The whole file is checked before anything is written (the format is documented as a JSON Schema,
plans/data/plan.schema.json, which is checked too); a bad file is refused with the field and
its position named, and the load runs in one transaction, so the database is either fully
updated or left as it was. Loading twice changes nothing, and never touches the status,
progress or history that people recorded.

The file's numbers are checked against its own words: each target statement's comparator and 左右 must be
what its source sentence says (plans.services.comparators), and its number must appear in that sentence
(or in ``number_text``, for words such as 「全员」 or 「近百」). A department may list the other names the
document uses for it (``{"name": "编委办", "aliases": ["编办"]}``); items naming an alias belong to the one
department, and a department row an earlier load created under an alias is merged into it.
"""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from plans.models import (
    ActionItem,
    AnnualTarget,
    Comparator,
    Department,
    DepartmentAlias,
    Plan,
    Programme,
    TargetKind,
    TargetSource,
)
from plans.services.comparators import RATIO_READING, NumberNotInText, comparator_from_text, number_text_in
from plans.services.conflicts import default_choice, differences
from plans.services.departments import department_merge
from plans.services.plan_schema import schema_problems

FORMAT = "edugov-plan/1"
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "dongsheng_2019_2022.json"


class PlanFileError(ValueError):
    """A plan file that cannot be loaded; ``problems`` lists every place that is wrong."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("计划文件有误:\n" + "\n".join(problems[:50]))


@dataclass
class LoadResult:
    plan: Plan
    created: dict
    unchanged: bool


def read_plan_file(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError([f"文件不存在: {path}"]) from None
    except UnicodeDecodeError as exc:
        raise PlanFileError([f"文件不是 UTF-8 编码(第{exc.start}字节)"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError([f"JSON 语法错误 第{exc.lineno}行第{exc.colno}列: {exc.msg}"]) from None


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
                self.fail(f"{where}.{key}", "必填")
            return None
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", "应为文本")
            return None
        if max_length and len(value) > max_length:
            self.fail(f"{where}.{key}", f"超过{max_length}个字符")
        return value

    def integer(self, obj: dict, key: str, where: str, *, low: int, high: int):
        value = obj.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(f"{where}.{key}", f"应为整数, 实际为 {value!r}")
            return None
        if not low <= value <= high:
            self.fail(f"{where}.{key}", f"应在 {low}–{high} 之间, 实际为 {value}")
            return None
        return value

    def number(self, obj: dict, key: str, where: str):
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}.{key}", f"应为数字, 实际为 {value!r}")
            return None
        return value

    def items(self, data: dict, key: str, where: str = "") -> list:
        value = data.get(key)
        if not isinstance(value, list):
            self.fail(f"{where}{key}", "应为列表")
            return []
        return value


def validate_plan_data(data) -> None:
    check = _Checker()
    if not isinstance(data, dict):
        raise PlanFileError(["文件顶层应为对象"])
    if data.get("format") != FORMAT:
        check.fail("format", f"应为 {FORMAT!r}, 实际为 {data.get('format')!r}")
    years = _check_plan(check, data.get("plan"))
    departments = _check_departments(check, data)
    numbers = _check_programmes(check, data)
    _check_items(check, data, years, departments, numbers)
    _check_targets(check, data, years)
    if check.problems:
        raise PlanFileError(check.problems)
    # The checks above name the faults people make; the schema (plans/data/plan.schema.json) catches the rest.
    problems = schema_problems(data)
    if problems:
        raise PlanFileError(problems)


def _check_plan(check: _Checker, plan) -> range:
    if not isinstance(plan, dict):
        check.fail("plan", "必填,应为对象")
        return range(0)
    check.text(plan, "key", "plan", max_length=64)
    check.text(plan, "title", "plan", max_length=200)
    check.text(plan, "doc_number", "plan", required=False, max_length=64)
    if not isinstance(plan.get("issuers", []), list):
        check.fail("plan.issuers", "应为列表")
    issued = plan.get("issued_on")
    if issued is not None:
        try:
            date.fromisoformat(issued)
        except (TypeError, ValueError):
            check.fail("plan.issued_on", f"日期格式应为 YYYY-MM-DD, 实际为 {issued!r}")
    start = check.integer(plan, "start_year", "plan", low=1990, high=2100)
    end = check.integer(plan, "end_year", "plan", low=1990, high=2100)
    if start and end and end < start:
        check.fail("plan.end_year", "结束年早于起始年")
        return range(0)
    return range(start, end + 1) if start and end else range(0)


def _check_departments(check: _Checker, data: dict) -> dict[str, str]:
    """Every name an item may use (a department's own or an alias) → the department's name."""
    names: dict[str, str] = {}
    for i, spec in enumerate(check.items(data, "departments")):
        name, aliases = _department_spec(spec)
        if not isinstance(name, str) or not name.strip():
            check.fail(f"departments[{i}]", "部门名称应为非空文本,或 {\"name\": …, \"aliases\": […]} (non-empty name)")
            continue
        if not isinstance(aliases, list):
            check.fail(f"departments[{i}].aliases", "应为列表")
            aliases = []
        for where, word in [(f"departments[{i}]", name)] + [
                (f"departments[{i}].aliases[{j}]", a) for j, a in enumerate(aliases)]:
            if not isinstance(word, str) or not word.strip():
                check.fail(where, "应为非空文本")
            elif word in names:
                check.fail(where, f"部门名称或别名重复: {word}(已属于「{names[word]}」)")
            else:
                names[word] = name
    return names


def _department_spec(spec) -> tuple:
    if isinstance(spec, dict):
        return spec.get("name"), spec.get("aliases", [])
    return spec, []


def _check_programmes(check: _Checker, data: dict) -> set[int]:
    numbers = set()
    for i, prog in enumerate(check.items(data, "programmes")):
        where = f"programmes[{i}]"
        if not isinstance(prog, dict):
            check.fail(where, "应为对象")
            continue
        number = check.integer(prog, "number", where, low=1, high=99)
        check.text(prog, "name", where, max_length=200)
        check.text(prog, "goal", where, required=False)
        check.text(prog, "strategy", where, required=False)
        if number in numbers:
            check.fail(f"{where}.number", f"工程序号重复: {number}")
        numbers.add(number)
    return numbers


def _check_items(check: _Checker, data: dict, years: range, departments: dict[str, str], numbers: set[int]) -> None:
    seen = set()
    for i, item in enumerate(check.items(data, "action_items")):
        where = f"action_items[{i}]"
        if not isinstance(item, dict):
            check.fail(where, "应为对象")
            continue
        year = item.get("year")
        if year not in years:
            check.fail(f"{where}.year", f"年度 {year!r} 不在方案年限内")
        programme = item.get("programme")
        if programme not in numbers:
            check.fail(f"{where}.programme", f"未知工程序号: {programme!r}")
        check.integer(item, "order", where, low=1, high=999)
        check.text(item, "text", where)
        key = (year, programme, item.get("order"))
        if key in seen:
            check.fail(where, f"条目重复: {key}")
        seen.add(key)
        depts = item.get("departments")
        if not isinstance(depts, list) or not depts:
            check.fail(f"{where}.departments", "至少一个责任部门")
            continue
        for j, name in enumerate(depts):
            if name not in departments:
                check.fail(f"{where}.departments[{j}]", f"未知部门「{name}」")


def _check_targets(check: _Checker, data: dict, years: range) -> None:
    comparators = set(Comparator.values)
    for i, target in enumerate(check.items(data, "targets")):
        where = f"targets[{i}]"
        if not isinstance(target, dict):
            check.fail(where, "应为对象")
            continue
        problems_before = len(check.problems)
        measure = check.text(target, "measure", where, max_length=64)
        if measure and not measure.replace("_", "").isalnum():
            check.fail(f"{where}.measure", f"代码只能含字母、数字和下划线 (snake_case): {measure!r}")
        check.text(target, "name", where, max_length=200)
        check.text(target, "section", where, max_length=100)
        check.text(target, "source_text", where)
        check.text(target, "number_text", where, required=False, max_length=20)
        if target.get("year") not in years:
            check.fail(f"{where}.year", f"年度 {target.get('year')!r} 不在方案年限内")
        comparator = target.get("comparator")
        if comparator not in comparators:
            check.fail(f"{where}.comparator", f"应为 {'/'.join(sorted(comparators))} 之一, 实际为 {comparator!r}")
        value, low, high = (check.number(target, k, where) for k in ("value", "low", "high"))
        kind = target.get("kind", TargetKind.NUMBER)
        if kind not in TargetKind.values:
            check.fail(f"{where}.kind", f"应为 {'/'.join(TargetKind.values)} 之一, 实际为 {kind!r}")
        check.number(target, "baseline", where)
        if kind == TargetKind.MILESTONE:
            if comparator != Comparator.GTE or value != 1:
                check.fail(where, "是否完成类目标 (milestone) 应写作 comparator \"gte\", value 1(完成为1)")
        elif comparator == Comparator.RANGE:
            if low is None or high is None:
                check.fail(where, "区间目标需要下限 low 和上限 high")
            elif low > high:
                check.fail(f"{where}.low", f"下限 {low} 大于上限 {high}")
        elif comparator in comparators and value is None:
            check.fail(f"{where}.value", "必填")
        if not isinstance(target.get("approximate", False), bool):
            check.fail(f"{where}.approximate", "应为 true/false")
        if len(check.problems) == problems_before:  # the words are compared only with well-formed numbers
            _check_words(check, target, where)


def _check_words(check: _Checker, target: dict, where: str) -> None:
    """The comparator, 左右 and number written in the file must be what the source sentence says. A milestone
    (「出台…办法」) states no number; a ratio's comparator is on its second term, the reverse of its words
    (「不低于1:2000」 is ≤ 2000 students per teacher); a baseline must be in the sentence too."""
    kind = target.get("kind", TargetKind.NUMBER)
    if kind == TargetKind.MILESTONE:
        return
    text, comparator = target["source_text"], target["comparator"]
    if kind == TargetKind.RATIO:
        comparator = RATIO_READING.get(comparator, comparator)
    if target.get("baseline") is not None and not number_text_in(text, value=target["baseline"]):
        check.fail(f"{where}.baseline", f"基线值 {target['baseline']} 未出现在原文「{text}」中")
    about = f"({target.get('measure')} {target.get('year')}, 出处「{target.get('section')}」)"
    words = target.get("number_text") or number_text_in(
        text, value=target.get("value"), low=target.get("low"), high=target.get("high"))
    if not words:
        check.fail(f"{where}.value", f"数值未出现在原文「{text}」中 (number not in source_text) {about}")
        return
    try:
        said, approximate = comparator_from_text(text, words)
    except NumberNotInText:
        check.fail(f"{where}.number_text", f"「{words}」未出现在原文「{text}」中 {about}")
        return
    if said != comparator:
        check.fail(f"{where}.comparator", f"原文「{text}」表示 {Comparator(said).label},"
                                          f"文件写的是 {Comparator(comparator).label} {about}")
    if approximate != target.get("approximate", False):
        check.fail(f"{where}.approximate", f"原文「{text}」{'是' if approximate else '不是'}约数,"
                                           f"文件写的是 approximate={target.get('approximate', False)} {about}")


# --- storing ------------------------------------------------------------------------------------


def _store(data: dict) -> LoadResult:
    created = {"programmes": 0, "departments": 0, "aliases": 0, "action_items": 0, "targets": 0, "sources": 0}
    plan, plan_changed = _store_plan(data["plan"])
    departments = {}
    for spec in data["departments"]:
        name, aliases = _department_spec(spec)
        department, new = Department.objects.get_or_create(name=name)
        created["departments"] += new
        created["aliases"] += _store_aliases(department, aliases)
        departments.update(dict.fromkeys([name, *aliases], department))
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


def _store_aliases(department: Department, aliases: list[str]) -> int:
    """Register the aliases; a department an earlier load made under an alias becomes this one."""
    changed = 0
    for alias in aliases:
        twin = Department.objects.filter(name=alias).first()
        if twin is not None:
            department_merge(source=twin, into=department)
            changed += 1
        _, new = _upsert(DepartmentAlias, {"name": alias}, {"department": department})
        changed += new
    return changed


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


def plan_file_counts(data: dict) -> dict:
    """What a plan file holds, counted as the loader reads it (the README states these)."""
    targets = _group_targets(data["targets"])
    return {
        "programmes": len(data["programmes"]),
        "action_items": len(data["action_items"]),
        "departments": len(data["departments"]),
        "aliases": sum(len(_department_spec(spec)[1]) for spec in data["departments"]),
        "targets": len(targets),
        "sources": len(data["targets"]),
        "conflicts": [key for key, statements in targets.items() if differences(_source_rows(statements))],
    }


def _source_rows(statements: list[dict]) -> list[dict]:
    return [{"section": st["section"], "text": st["source_text"], "approximate": st.get("approximate", False),
             **_numbers(st)} for st in statements]


def _store_target(plan: Plan, measure: str, year: int, statements: list[dict]) -> tuple[bool, int]:
    rows = _source_rows(statements)
    target = AnnualTarget.objects.filter(plan=plan, measure=measure, year=year).first()
    new = target is None
    if new:
        target = AnnualTarget.objects.create(plan=plan, measure=measure, year=year, **_target_fields(statements, rows))
    new_sources = 0
    for position, row in enumerate(rows, start=1):
        _, created = _upsert(TargetSource, {"target": target, "position": position}, row)
        new_sources += created
    TargetSource.objects.filter(target=target, position__gt=len(rows)).delete()
    _choose_source(target, statements, rows)
    return new, new_sources


def _target_fields(statements: list[dict], rows: list[dict], chosen: int | None = None) -> dict:
    """The target's words from its first statement; its numbers from the chosen (by default the most specific)."""
    if chosen is None:
        chosen = default_choice([row["section"] for row in rows])
    numbers = {k: rows[chosen][k] for k in ("comparator", "value", "low", "high", "approximate")}
    return {"name": statements[0]["name"], "unit": statements[0].get("unit") or "",
            "kind": statements[0].get("kind") or TargetKind.NUMBER, "baseline": _decimal(statements[0].get("baseline")),
            "conflict": bool(differences(rows)), **numbers}


def _choose_source(target: AnnualTarget, statements: list[dict], rows: list[dict]) -> None:
    """Mark the chosen source and take its numbers. The bureau's choice stands across reloads (the numbers
    follow its sentence, in case the file corrected how that sentence was read); otherwise the most
    specific statement counts."""
    bureau = target.sources.filter(chosen=True).values_list("position", flat=True).first()
    if target.conflict_resolved and bureau is None:
        target.conflict_resolved = False  # the chosen sentence left the file: back to the default rule
        target.save(update_fields=["conflict_resolved"])
    chosen = bureau - 1 if target.conflict_resolved else default_choice([row["section"] for row in rows])
    target.sources.filter(chosen=True).exclude(position=chosen + 1).update(chosen=False)
    target.sources.filter(position=chosen + 1, chosen=False).update(chosen=True)
    fields = _target_fields(statements, rows, chosen)
    if target.revisions.exists():  # revised mid-plan (TargetRevision): the revision, not the original text, counts
        for key in ("comparator", "value", "low", "high"):
            fields.pop(key)
    changed = [k for k, v in fields.items() if getattr(target, k) != v]
    if changed:
        for k in changed:
            setattr(target, k, fields[k])
        target.save(update_fields=changed)
