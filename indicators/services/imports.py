"""Excel template and import: who may use them, reading a file into a preview, and saving it all-or-nothing.

``excel_parse`` reads and checks the whole file and returns every problem (sheet, row, column);
``submissions_import`` writes the rows in bulk inside one transaction. Blank cells leave stored
values as they are, so a half-filled template never wipes figures.
"""
import csv
import datetime
import io
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from edugov.models import Role
from edugov.roles import profile_of, role_of
from indicators import excel
from indicators.excel import ExcelProblem, TemplateColumn, WorkbookRefused
from indicators.formula import parse
from indicators.models import (
    DataElement,
    District,
    ReportingPeriod,
    School,
    Submission,
    SubmissionStatus,
    SubmissionValue,
    ValueChange,
    ValueType,
)
from indicators.validation import check_bounds, check_rules, parse_value

IMPORT_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.SCHOOL_REPORTER}
EDITABLE = {SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}


# ---------------------------------------------------------------- access


def excel_periods_for(user) -> list[ReportingPeriod]:
    """Open periods of school-level data sets the user may fill in through Excel."""
    if role_of(user) not in IMPORT_ROLES:
        return []
    periods = ReportingPeriod.objects.filter(closed=False, dataset__is_district_level=False).select_related("dataset")
    if role_of(user) == Role.SCHOOL_REPORTER:
        # Filtered in Python: SQLite cannot look inside a JSON list.
        school_type = profile_of(user).school.school_type
        return [p for p in periods if not p.dataset.school_types or school_type in p.dataset.school_types]
    return list(periods)


def excel_period_for(user, period_id) -> ReportingPeriod:
    """The period if the user may import into it; 404 otherwise (no hint that it exists)."""
    if role_of(user) not in IMPORT_ROLES:
        raise PermissionDenied
    period = next((p for p in _periods_matching(user, period_id)), None)
    if period is None:
        raise Http404
    return period


def _periods_matching(user, period_id):
    # JSONField "contains" on a list is not supported by SQLite, so the school type is checked in Python.
    try:
        period = ReportingPeriod.objects.select_related("dataset").get(pk=int(period_id), closed=False,
                                                                       dataset__is_district_level=False)
    except (ReportingPeriod.DoesNotExist, ValueError, TypeError):
        return []
    return [period] if excel_schools_for(user, period).exists() else []


def excel_schools_for(user, period: ReportingPeriod) -> QuerySet[School]:
    """The schools whose rows the user may fill in for ``period``."""
    role = role_of(user)
    schools = School.objects.filter(active=True).select_related("town").order_by("code")
    types = period.dataset.school_types
    if types:
        schools = schools.filter(school_type__in=types)
    if role in {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}:
        return schools
    if role == Role.SCHOOL_REPORTER:
        return schools.filter(pk=profile_of(user).school_id)
    return schools.none()


def _elements(period: ReportingPeriod) -> list[DataElement]:
    return [item.element for item in period.dataset.items.select_related("element").order_by("order")]


# ---------------------------------------------------------------- uploads kept between preview and confirm


def excel_upload_dir() -> Path:
    """Where an upload waits between its preview and its confirmation (never under a public URL)."""
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def excel_uploads_clean(*, max_age_hours: float | None = None, now: float | None = None) -> int:
    """Delete uploads older than ``max_age_hours`` (EXCEL_UPLOAD_MAX_AGE_HOURS): a confirmed import deletes
    its file at once, so whatever is that old was previewed and abandoned. Returns how many were deleted."""
    hours = settings.EXCEL_UPLOAD_MAX_AGE_HOURS if max_age_hours is None else max_age_hours
    cutoff = (time.time() if now is None else now) - hours * 3600
    deleted = 0
    for path in excel_upload_dir().glob("*.xlsx"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # a confirm (or another sweep) removed it meanwhile
            continue
    return deleted


# ---------------------------------------------------------------- template


def excel_template_build(*, period: ReportingPeriod, by) -> bytes:
    """The template for ``period`` with the schools ``by`` may fill in, their stored figures, and beside
    them (read-only) their approved figures of the year before."""
    elements = _elements(period)
    schools = list(excel_schools_for(by, period))
    stored = _stored_values(period, [s.id for s in schools])
    before = _previous_values(period, [s.id for s in schools])
    rows = [[s.code, s.name, *(_cell(stored.get((s.id, e.id)), e) for e in elements)] for s in schools]
    previous = [[_cell(before.get((s.id, e.id)), e) for e in elements] for s in schools]
    previous_label = f"{period.year - 1}年已审核数(对照)"
    return excel.template_write(
        dataset_code=period.dataset.code, period_id=period.id, title=str(period),
        columns=[_column(e) for e in elements], rows=rows, previous=previous, previous_label=previous_label,
        notes=_notes(period), guide_previous=previous[0] if len(schools) == 1 else None,
    )


def excel_template_filename(*, period: ReportingPeriod, by) -> str:
    """「2022年幼儿园基本情况年报_东胜区第十幼儿园.xlsx」: what a clerk would call the file. A school's
    own template is named after the school; the bureau's after the district."""
    schools = excel_schools_for(by, period)
    school = schools.first() if role_of(by) == Role.SCHOOL_REPORTER else None
    district = District.objects.order_by("id").first()
    who = school.name if school else (district.name if district else "全区")
    term = f"第{period.semester}学期" if period.semester else ""
    name = f"{period.year}年{term}{period.dataset.name_zh}_{who}.xlsx"
    return re.sub(r'[\\/:*?"<>|\r\n\t]', "_", name)


def _column(element: DataElement) -> TemplateColumn:
    return TemplateColumn(element.code, _label(element), kind=element.value_type, minimum=element.min_value,
                          maximum=element.max_value, name=element.name_zh, unit=element.unit,
                          help=element.help_text)


def _notes(period: ReportingPeriod) -> list[str]:
    return [
        f"本文件用于「{period}」,截止日期 {_chinese_day(period.deadline)}。上传时系统从文件中识别报表和填报周期。",
        "只填写白色单元格;灰色单元格(学校代码、名称、上年已审核数)不能修改。",
        "「是/否」项从下拉列表选择;数值项只填数字,不要填单位、公式或文字。",
        "空白单元格表示不修改系统中已保存的数值。",
        "请不要修改工作表名称,不要增删列。填好后在系统「Excel 批量导入」上传,导入后数据保存为草稿,"
        "请在填报页面核对并上报。",
    ]


def _chinese_day(day) -> str:
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else day  # a period not yet reloaded
    return f"{day.year}年{day.month}月{day.day}日"


def _previous_values(period: ReportingPeriod, school_ids) -> dict[tuple[int, int], Decimal | None]:
    """Approved figures of the same data set a year earlier (the latest period of that year)."""
    rows = SubmissionValue.objects.filter(
        submission__period__dataset=period.dataset, submission__period__year=period.year - 1,
        submission__status=SubmissionStatus.APPROVED, submission__school_id__in=school_ids,
    ).order_by("submission__period__semester")
    return {(s, e): v for s, e, v in rows.values_list("submission__school_id", "element_id", "value")}


def _label(element: DataElement) -> str:
    if element.value_type == ValueType.BOOLEAN:
        return f"{element.name_zh}(是/否)"
    return f"{element.name_zh}({element.unit})" if element.unit else element.name_zh


def _cell(value: Decimal | None, element: DataElement):
    if value is None:
        return None
    if element.value_type == ValueType.BOOLEAN:
        return "是" if value else "否"
    return int(value) if value == value.to_integral_value() else float(value)


def _stored_values(period: ReportingPeriod, school_ids) -> dict[tuple[int, int], Decimal | None]:
    rows = SubmissionValue.objects.filter(submission__period=period, submission__school_id__in=school_ids)
    return {(s, e): v for s, e, v in rows.values_list("submission__school_id", "element_id", "value")}


# ---------------------------------------------------------------- parse


@dataclass
class ImportRow:
    row: int
    school: School
    values: dict[int, Decimal]  # element id → new value (only cells that change something)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ExcelProblem] = field(default_factory=list)
    unchanged: int = 0  # rows whose figures are already stored
    period: ReportingPeriod | None = None  # the period the file was read for

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def value_count(self) -> int:
        return sum(len(r.values) for r in self.rows)


def excel_parse(file, *, period: ReportingPeriod | None = None, by) -> ImportPreview:
    """Read an uploaded template and check every cell; nothing is written. Without ``period`` the file
    says which period it is for (its signed properties), and ``by`` must be allowed to import into it."""
    try:
        sheet = excel.workbook_open(_read(file), max_bytes=settings.EXCEL_MAX_BYTES)
        if period is None:
            period = _period_of_file(sheet, by)
        preview = _Parser(sheet, period, by).run()
    except WorkbookRefused as exc:
        return ImportPreview(problems=exc.problems, period=period)
    preview.period = period
    return preview


def _period_of_file(sheet: excel.UploadedSheet, by) -> ReportingPeriod:
    try:
        return excel_period_for(by, sheet.period_id)
    except (Http404, PermissionDenied):
        found = ReportingPeriod.objects.filter(pk=sheet.period_id).select_related("dataset").first()
        name = f"「{found}」" if found else "这个"
        raise WorkbookRefused([ExcelProblem("", None, "", "", f"{name}填报周期已关闭,或您无权导入该报表,"
                                                               "请下载当前开放周期的模板")]) from None


def _read(file) -> bytes:
    limit = settings.EXCEL_MAX_BYTES
    if getattr(file, "size", None) and file.size > limit:
        raise WorkbookRefused([ExcelProblem("", None, "", "", f"文件过大,最大允许 {limit // 1024} KB")])
    if not hasattr(file, "read"):  # a path: the view keeps uploads on disk between preview and confirm
        with open(file, "rb") as handle:
            return handle.read(limit + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(limit + 1)


class _Parser:
    def __init__(self, sheet: excel.UploadedSheet, period: ReportingPeriod, by):
        self.sheet, self.period, self.by = sheet, period, by
        self.preview = ImportPreview()
        self.elements = _elements(period)
        self.rules = list(period.dataset.rules.filter(active=True))
        self.labels = ["学校代码", "学校名称", *(e.name_zh for e in self.elements)]

    def problem(self, row, index, message):
        header = self.labels[index] if index is not None and index < len(self.labels) else ""
        column = excel.column_letter(index) if index is not None else ""
        self.preview.problems.append(ExcelProblem(self.sheet.title, row, column, header, message))

    def run(self) -> ImportPreview:
        if not self._template_matches():
            return self.preview
        allowed = {s.code: s for s in excel_schools_for(self.by, self.period)}
        known = dict(School.objects.values_list("code", "school_type"))
        self.submissions = {s.school_id: s for s in Submission.objects.filter(period=self.period)}
        self.stored = _stored_values(self.period, [s.id for s in allowed.values()])
        seen: dict[str, int] = {}
        for number, cells in self.sheet.rows:
            self._row(number, cells, allowed, known, seen)
        return self.preview

    def _template_matches(self) -> bool:
        expected = [*excel.FIXED_COLUMNS, *(e.code for e in self.elements)]
        previous = [excel.PREVIOUS_PREFIX + e.code for e in self.elements]  # read-only, never imported
        if self.sheet.dataset_code != self.period.dataset.code or self.sheet.period_id != self.period.id:
            self.problem(None, None, f"此文件是另一个报表或填报周期的模板,请下载「{self.period}」的模板")
        elif self.sheet.header not in (expected, expected + previous):
            self.problem(1, None, "表头与当前报表的数据项不一致(报表已调整),请重新下载模板")
        if self.period.closed:
            self.problem(None, None, "该填报周期已关闭,不能导入")
        return not self.preview.problems

    def _row(self, number, cells, allowed, known, seen):
        code = excel._text(cells[0].value if cells else None)
        if not code:
            if any(excel._text(c.value) for c in cells[2:]):
                self.problem(number, 0, "缺少学校代码")
            return
        if code in seen:
            return self.problem(number, 0, f"学校代码「{code}」重复(第{seen[code]}行已出现)")
        seen[code] = number
        if code not in known:
            return self.problem(number, 0, f"未知的学校代码「{code}」")
        if code not in allowed:
            return self.problem(number, 0, f"无权导入学校「{code}」的数据(不是您负责的学校,或不属于本报表)")
        self._values(number, cells, allowed[code])

    def _values(self, number, cells, school):
        new, before = {}, len(self.preview.problems)
        for index, element in enumerate(self.elements, start=len(excel.FIXED_COLUMNS)):
            cell = cells[index] if index < len(cells) else None
            value = self._value(number, index, cell, element, school)
            if value is not None and value != self.stored.get((school.id, element.id)):
                new[element.id] = value
        if len(self.preview.problems) > before:
            return
        self._check_row(number, school, new)

    def _value(self, number, index, cell, element, school):
        if cell is None or cell.value is None or excel._text(cell.value) == "":
            return None
        if excel.cell_is_formula(cell):
            return self.problem(number, index, "不能使用公式,请填写数值(可复制后“选择性粘贴-数值”)")
        if element.school_types and school.school_type not in element.school_types:
            return self.problem(number, index, f"{element.name_zh}不适用于{school.get_school_type_display()},请留空")
        try:
            value = parse_value(element, cell.value)
        except ValueError as exc:
            return self.problem(number, index, str(exc))
        for found in check_bounds(element, value):
            self.problem(number, index, found.message)
        return value

    def _check_row(self, number, school, new):
        if not new:
            self.preview.unchanged += 1
            return
        submission = self.submissions.get(school.id)
        if submission is not None and submission.status not in EDITABLE:
            return self.problem(number, 0, f"{school.name}的填报状态为「{submission.get_status_display()}」,不能再修改")
        before = len(self.preview.problems)
        merged = {e.code: self.stored.get((school.id, e.id)) for e in self.elements}
        merged.update({e.code: new[e.id] for e in self.elements if e.id in new})
        for found in check_rules(self.rules, merged):
            self.problem(number, self._rule_column(found), found.message)
        if len(self.preview.problems) == before:
            self.preview.rows.append(ImportRow(number, school, new))


    def _rule_column(self, found) -> int | None:
        """The column of the figure the rule's left side names first (the one that is too big, or the one
        that must be 0 or the total in ``x * (total - x) == 0``), for pointing at the cell."""
        rule = next((r for r in self.rules if r.code == found.rule), None)
        named = list(found.elements)
        if rule is not None:
            named = sorted(parse(rule.left).codes, key=lambda code: re.search(rf"\b{code}\b", rule.left).start())
        columns = {e.code: index for index, e in enumerate(self.elements, start=len(excel.FIXED_COLUMNS))}
        return next((columns[code] for code in named if code in columns), None)


# ---------------------------------------------------------------- commit


@dataclass
class ImportResult:
    submissions_created: int
    values_created: int
    values_updated: int
    submission_ids: list[int] = field(default_factory=list)  # of the imported rows, in row order


class ImportRefused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def submissions_import(*, period: ReportingPeriod, rows: list[ImportRow], by) -> ImportResult:
    """Save every row or none. Values go into drafts (or returned submissions) of the schools;
    each change is written to the audit trail with source "excel"."""
    with transaction.atomic():
        submissions, created = _lock_submissions(period, rows)
        existing = {(sid, eid): (pk, value, note) for pk, sid, eid, value, note in SubmissionValue.objects.filter(
            submission__in=submissions.values()).values_list("id", "submission_id", "element_id", "value",
                                                             "explanation")}
        fresh, changed, audit, now = [], [], [], _db_now()
        for row in rows:
            submission_id = submissions[row.school.id].id
            for element_id, value in row.values.items():
                pk, old, note = existing.get((submission_id, element_id), (None, None, ""))
                if pk is not None and old == value:
                    continue
                # The template carries no explanations: the stored one stays, on both sides of the audit row.
                audit.append((submission_id, element_id, old, value, note, note, by.id, now, "excel"))
                if pk is None:
                    fresh.append((submission_id, element_id, value, ""))
                else:
                    changed.append((value, pk))
        _insert(SubmissionValue, ["submission_id", "element_id", "value", "explanation"], fresh)
        _update_values(changed)
        _insert(ValueChange, ["submission_id", "element_id", "old_value", "new_value", "old_explanation",
                              "new_explanation", "by_id", "at", "source"], audit)
        # Bumping the version makes any form opened before the import refuse to overwrite it.
        touched = {change[0] for change in audit}
        Submission.objects.filter(pk__in=touched).update(version=F("version") + 1, updated_at=timezone.now())
    return ImportResult(created, len(fresh), len(changed), [submissions[row.school.id].id for row in rows])


# The two big writes bypass model instances: building 200,000 of them took most of a 100,000-value import
# (see bench/import.py). The SQL is fixed text; every value goes in as a parameter.


def _db_now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _insert(model, columns: list[str], rows: list[tuple]):
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows)
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, min(1000, (connection.features.max_query_params or 30000) // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}",
                           [value for row in chunk for value in row])


def _copy(model, columns: list[str], rows: list[tuple]):
    """PostgreSQL's COPY: several times faster than INSERT for 100,000 rows. Text columns are never NULL here."""
    quote = connection.ops.quote_name
    texts = [quote(c) for c in columns if model._meta.get_field(c.removesuffix("_id")).get_internal_type()
             in {"TextField", "CharField"}]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    buffer.seek(0)
    force = f", FORCE_NOT_NULL ({', '.join(texts)})" if texts else ""
    sql = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"FROM STDIN WITH (FORMAT csv{force})")
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, buffer)


def _update_values(changed: list[tuple]):
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(SubmissionValue._meta.db_table)} SET {quote('value')} = %s WHERE {quote('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, changed)


def _lock_submissions(period, rows) -> tuple[dict[int, Submission], int]:
    if period.closed:
        raise ImportRefused(["该填报周期已关闭,不能导入"])
    school_ids = [row.school.id for row in rows]
    existing = {s.school_id: s for s in Submission.objects.select_for_update().filter(
        period=period, school_id__in=school_ids)}
    locked = [f"第{row.row}行 {row.school.name}:填报状态为「{existing[row.school.id].get_status_display()}」"
              for row in rows if row.school.id in existing and existing[row.school.id].status not in EDITABLE]
    if locked:
        raise ImportRefused(locked)
    missing = [Submission(period=period, school_id=sid) for sid in school_ids if sid not in existing]
    Submission.objects.bulk_create(missing, batch_size=2000)
    submissions = {s.school_id: s for s in Submission.objects.filter(period=period, school_id__in=school_ids)}
    return submissions, len(missing)
