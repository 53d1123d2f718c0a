"""Data elements, data sets, rules, indicators and target links, loaded from a JSON file.

The whole file is checked before anything is written, and every problem names its place
(``datasets[1](school_yearly).rules[0].left``), so the bureau fixes the file in one go.
Loading is idempotent: rows are matched by code and updated in place.
"""
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from indicators.formula import FormulaError, parse
from indicators.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Direction,
    Indicator,
    LinkMatch,
    PeriodType,
    SchoolType,
    TargetLink,
    TargetScope,
    ValidationRule,
    ValueType,
)

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "dongsheng_definitions.json"
UNTRACKED_NOTE = "由行动计划条目跟踪"
_SCHOOL_TYPES = set(SchoolType.values)
_OPERATORS = set(ValidationRule.Operator.values)


class DefinitionsError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def definitions_read(path: Path | str) -> dict:
    """The file as a dict; a JSON syntax error names its line and column."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionsError([f"无法读取文件 {path}: {exc}"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionsError([f"JSON格式错误:第{exc.lineno}行第{exc.colno}列:{exc.msg}"]) from None
    if not isinstance(data, dict):
        raise DefinitionsError(["文件顶层必须是一个对象 {…}"])
    return data


# ---------------------------------------------------------------- checking


class _Checker:
    def __init__(self):
        self.problems: list[str] = []

    def add(self, where: str, message: str):
        self.problems.append(f"{where}: {message}")

    def text(self, item: dict, key: str, where: str, *, required=True, max_length=200) -> str:
        value = item.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(f"{where}.{key}", "必须是文本")
            return ""
        if required and not value.strip():
            self.add(f"{where}.{key}", "不能为空")
        elif len(value) > max_length:
            self.add(f"{where}.{key}", f"不能超过{max_length}个字符")
        return value

    def number(self, item: dict, key: str, where: str) -> Decimal | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.add(f"{where}.{key}", "必须是数字或 null")
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.add(f"{where}.{key}", f"「{value}」不是数字")
            return None

    def school_types(self, item: dict, where: str) -> list[str]:
        types = item.get("school_types", [])
        if not isinstance(types, list) or any(t not in _SCHOOL_TYPES for t in types):
            self.add(f"{where}.school_types", f"必须是学校类型列表,可选:{', '.join(sorted(_SCHOOL_TYPES))}")
            return []
        return types

    def formula(self, text: str, where: str, known: set[str], *, required=True):
        if not text and not required:
            return
        try:
            parse(text, known_codes=known)
        except FormulaError as exc:
            self.add(where, str(exc))

    def items(self, data: dict, key: str) -> list[tuple[str, dict]]:
        entries = data.get(key, [])
        if not isinstance(entries, list):
            self.add(key, "必须是列表 […]")
            return []
        out = []
        for index, entry in enumerate(entries):
            code = entry.get("code", "") if isinstance(entry, dict) else ""
            where = f"{key}[{index}]" + (f"({code})" if code else "")
            if not isinstance(entry, dict):
                self.add(where, "必须是对象 {…}")
                continue
            out.append((where, entry))
        return out

    def unique_code(self, where: str, entry: dict, seen: set[str]) -> str:
        code = self.text(entry, "code", where, max_length=64)
        if code and code in seen:
            self.add(f"{where}.code", f"代码「{code}」重复")
        seen.add(code)
        return code


def definitions_check(data: dict) -> list[str]:
    """Every problem in the file, each with its position; empty when the file can be loaded."""
    check = _Checker()
    codes = _check_elements(check, data)
    _check_datasets(check, data, codes)
    indicator_codes = _check_indicators(check, data, codes)
    _check_links(check, data, indicator_codes)
    return check.problems


def _check_elements(check: _Checker, data: dict) -> set[str]:
    seen: set[str] = set()
    for where, entry in check.items(data, "elements"):
        check.unique_code(where, entry, seen)
        check.text(entry, "name_zh", where, max_length=100)
        check.text(entry, "name_en", where, max_length=150)
        check.text(entry, "unit", where, required=False, max_length=16)
        check.text(entry, "help_text", where, required=False, max_length=2000)
        # which rules the help text implies, and why the rest imply none: read by people and by tests, not loaded
        check.text(entry, "rules_audit", where, required=False, max_length=1000)
        if entry.get("value_type") not in ValueType.values:
            check.add(f"{where}.value_type", f"必须是 {'|'.join(ValueType.values)} 之一")
        low, high = check.number(entry, "min", where), check.number(entry, "max", where)
        if low is not None and high is not None and low > high:
            check.add(f"{where}.min", "最小值大于最大值")
        check.number(entry, "expected_min", where)
        check.number(entry, "expected_max", where)
        check.number(entry, "jump_share", where)
        check.school_types(entry, where)
    return seen - {""}


def _check_datasets(check: _Checker, data: dict, element_codes: set[str]):
    seen: set[str] = set()
    for where, entry in check.items(data, "datasets"):
        check.unique_code(where, entry, seen)
        check.text(entry, "name_zh", where, max_length=100)
        check.text(entry, "name_en", where, max_length=150)
        check.school_types(entry, where)
        if entry.get("period_type") not in PeriodType.values:
            check.add(f"{where}.period_type", f"必须是 {'|'.join(PeriodType.values)} 之一")
        if entry.get("review_steps", 1) not in (1, 2):
            check.add(f"{where}.review_steps", "必须是 1 或 2")
        members = entry.get("elements", [])
        if not isinstance(members, list) or not members:
            check.add(f"{where}.elements", "必须是非空的数据项代码列表")
            members = []
        for index, code in enumerate(members):
            if code not in element_codes:
                check.add(f"{where}.elements[{index}]", f"未知的数据项代码「{code}」")
        for index, code in enumerate(entry.get("optional", [])):
            if code not in members:
                check.add(f"{where}.optional[{index}]", f"「{code}」不在本报表的数据项中")
        _check_rules(check, entry, where, set(members))


def _check_rules(check: _Checker, dataset: dict, where: str, members: set[str]):
    seen: set[str] = set()
    for rule_where, rule in check.items(dataset, "rules"):
        rule_where = f"{where}.{rule_where}"
        check.unique_code(rule_where, rule, seen)
        if rule.get("operator") not in _OPERATORS:
            check.add(f"{rule_where}.operator", f"必须是 {' '.join(sorted(_OPERATORS))} 之一")
        for side in ("left", "right"):
            check.formula(check.text(rule, side, rule_where, max_length=255), f"{rule_where}.{side}", members)
        check.text(rule, "message_zh", rule_where, max_length=200)
        check.text(rule, "message_en", rule_where, required=False, max_length=200)


def _check_indicators(check: _Checker, data: dict, element_codes: set[str]) -> set[str]:
    seen: set[str] = set()
    for where, entry in check.items(data, "indicators"):
        check.unique_code(where, entry, seen)
        check.text(entry, "name_zh", where, max_length=100)
        check.text(entry, "name_en", where, max_length=150)
        check.formula(check.text(entry, "numerator", where, max_length=500), f"{where}.numerator", element_codes)
        denominator = check.text(entry, "denominator", where, required=False, max_length=500)
        check.formula(denominator, f"{where}.denominator", element_codes, required=False)
        check.text(entry, "unit", where, required=False, max_length=16)
        if entry.get("direction", Direction.HIGHER) not in Direction.values:
            check.add(f"{where}.direction", f"必须是 {'|'.join(Direction.values)} 之一")
        decimals = entry.get("decimals", 1)
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
            check.add(f"{where}.decimals", "必须是 0–6 的整数")
        check.school_types(entry, where)
    return seen - {""}


def _check_links(check: _Checker, data: dict, indicator_codes: set[str]):
    seen: set[tuple[str, str]] = set()
    for where, entry in check.items(data, "target_links"):
        where = f"{where}({entry.get('measure', '')})"
        plan = check.text(entry, "plan", where, max_length=64)
        measure = check.text(entry, "measure", where, max_length=64)
        if (plan, measure) in seen:
            check.add(f"{where}.measure", f"「{measure}」重复")
        seen.add((plan, measure))
        indicator = entry.get("indicator")
        if indicator is not None and indicator not in indicator_codes:
            check.add(f"{where}.indicator", f"未知的指标代码「{indicator}」")
        if indicator is None and not str(entry.get("note") or "").strip():
            check.add(f"{where}.note", "没有对应指标的目标必须说明如何跟踪")
        tolerance = check.number(entry, "tolerance", where)
        if tolerance is not None and tolerance < 0:
            check.add(f"{where}.tolerance", "不能为负数")
        _check_link_semantics(check, entry, where)


def _check_link_semantics(check: _Checker, entry: dict, where: str):
    """scope: the levels where the target means something; match: whether the measure says what the target
    says (an approximate link must say why, and the reason is shown beside the verdict)."""
    scope = entry.get("scope", TargetScope.DISTRICT)
    if scope not in TargetScope.values:
        check.add(f"{where}.scope", f"应为 {'/'.join(TargetScope.values)} 之一")
    match = entry.get("match", LinkMatch.EXACT)
    if match not in LinkMatch.values:
        check.add(f"{where}.match", f"应为 {'/'.join(LinkMatch.values)} 之一")
    if match == LinkMatch.APPROXIMATE and not str(entry.get("match_note") or "").strip():
        check.add(f"{where}.match_note", "近似口径必须说明与目标表述的差异")
    years = entry.get("match_years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        check.add(f"{where}.match_years", "应为年度列表,如 [2022];留空表示各年度")
    elif years and match != LinkMatch.APPROXIMATE:
        check.add(f"{where}.match_years", "只有近似口径才需填写适用年度")


# ---------------------------------------------------------------- loading


def definitions_load(*, data: dict) -> LoadResult:
    """Check the whole file, then write it in one transaction (nothing is saved if anything fails)."""
    problems = definitions_check(data)
    if problems:
        raise DefinitionsError(problems)
    result = LoadResult()
    with transaction.atomic():
        elements = _load_elements(data["elements"])
        result.counts["elements"] = len(elements)
        result.counts["datasets"], result.counts["rules"] = _load_datasets(data.get("datasets", []), elements)
        district_codes = {code for dataset in data.get("datasets", []) if dataset.get("is_district_level")
                          for code in dataset.get("elements", [])}
        indicators = _load_indicators(data.get("indicators", []), district_codes)
        result.counts["indicators"] = len(indicators)
        result.counts["target_links"] = _load_links(data.get("target_links", []), indicators, result.warnings)
    return result


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _load_elements(entries: list[dict]) -> dict[str, DataElement]:
    elements = {}
    for entry in entries:
        elements[entry["code"]], _ = DataElement.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name_zh": entry["name_zh"], "name_en": entry["name_en"], "unit": entry.get("unit") or "",
                "value_type": entry["value_type"], "help_text": entry.get("help_text") or "",
                "min_value": _decimal(entry.get("min")), "max_value": _decimal(entry.get("max")),
                "expected_min": _decimal(entry.get("expected_min")),
                "expected_max": _decimal(entry.get("expected_max")),
                "jump_share": _decimal(entry.get("jump_share")), "school_types": entry.get("school_types", []),
            },
        )
    return elements


def _load_datasets(entries: list[dict], elements: dict[str, DataElement]) -> tuple[int, int]:
    rules = 0
    for entry in entries:
        dataset, _ = DataSet.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name_zh": entry["name_zh"], "name_en": entry["name_en"], "school_types": entry.get("school_types", []),
                "period_type": entry["period_type"], "review_steps": entry.get("review_steps", 1),
                "is_district_level": bool(entry.get("is_district_level")),
            },
        )
        _load_members(dataset, entry, elements)
        rules += _load_rules(dataset, entry.get("rules", []))
    return len(entries), rules


def _load_members(dataset: DataSet, entry: dict, elements: dict[str, DataElement]):
    optional = set(entry.get("optional", []))
    wanted = [elements[code] for code in entry["elements"]]
    # Elements dropped from a form leave it; their past values stay (the element itself is PROTECTed).
    DataSetElement.objects.filter(dataset=dataset).exclude(element__in=wanted).delete()
    for order, element in enumerate(wanted, start=1):
        DataSetElement.objects.update_or_create(
            dataset=dataset, element=element, defaults={"order": order, "required": element.code not in optional}
        )


def _load_rules(dataset: DataSet, entries: list[dict]) -> int:
    for entry in entries:
        ValidationRule.objects.update_or_create(
            dataset=dataset, code=entry["code"],
            defaults={
                "left": entry["left"], "operator": entry["operator"], "right": entry["right"],
                "message_zh": entry["message_zh"], "message_en": entry.get("message_en") or "", "active": True,
            },
        )
    # A rule removed from the file is switched off rather than deleted, so its history stays readable.
    dataset.rules.exclude(code__in=[e["code"] for e in entries]).update(active=False)
    return len(entries)


def _load_indicators(entries: list[dict], district_codes: set[str]) -> dict[str, Indicator]:
    indicators = {}
    for entry in entries:
        denominator = parse(entry["denominator"]).codes if entry.get("denominator") else frozenset()
        indicators[entry["code"]], _ = Indicator.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name_zh": entry["name_zh"], "name_en": entry["name_en"], "numerator": entry["numerator"],
                "denominator": entry.get("denominator") or "", "unit": entry.get("unit") or "",
                "decimals": entry.get("decimals", 1), "direction": entry.get("direction", Direction.HIGHER),
                "school_types": entry.get("school_types", []), "description": entry.get("description") or "",
                "grows_with_reports": not denominator or denominator <= district_codes,
            },
        )
    return indicators


def _load_links(entries: list[dict], indicators: dict[str, Indicator], warnings: list[str]) -> int:
    from plans.models import Plan

    plans = {plan.key: plan for plan in Plan.objects.filter(key__in={e["plan"] for e in entries})}
    missing = sorted({e["plan"] for e in entries} - set(plans))
    for key in missing:
        warnings.append(f"方案「{key}」尚未导入,已跳过其目标-指标对应;"
                        "请先运行 manage.py load_plan 再重新运行 load_definitions")
    loaded = 0
    for entry in entries:
        if entry["plan"] not in plans:
            continue
        TargetLink.objects.update_or_create(
            plan=plans[entry["plan"]], measure=entry["measure"],
            defaults={
                "indicator": indicators.get(entry["indicator"]) if entry.get("indicator") else None,
                "tolerance": _decimal(entry.get("tolerance")) or Decimal(0), "note": entry.get("note") or "",
                "scope": entry.get("scope", TargetScope.DISTRICT), "match": entry.get("match", LinkMatch.EXACT),
                "match_note": entry.get("match_note") or "", "match_years": entry.get("match_years") or [],
            },
        )
        loaded += 1
    for plan in plans.values():
        _warn_unlinked(plan, {e["measure"] for e in entries if e["plan"] == plan.key}, warnings)
    return loaded


def _warn_unlinked(plan, linked: set[str], warnings: list[str]):
    """Measures of the loaded plan that no link covers, and links to measures the plan does not have."""
    measures = set(plan.targets.values_list("measure", flat=True))
    for measure in sorted(measures - linked):
        warnings.append(f"方案「{plan.key}」的目标「{measure}」没有对应(请在 target_links 中补充,无法计算的填 null)")
    for measure in sorted(linked - measures):
        warnings.append(f"target_links 中的「{measure}」不是方案「{plan.key}」的目标代码")
