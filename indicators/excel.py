"""The Excel template: writing it and reading an uploaded copy back, with no database access.

A template carries its data set, period and column codes in the workbook's custom document
properties, signed with the site's secret key. A file that was not made from our template, or
whose header row or period was altered, fails the signature check; hidden sheets are refused
outright (a hidden "_meta" sheet could carry anything past a reviewer's eyes).

An .xlsx is a zip, so a 1 MB upload can unpack to gigabytes. Before openpyxl sees the file, every member's
declared size, the total and the compression ratio are checked against settings, and every member is
inflated once, 64 KB at a time, counting the bytes it really holds: a member holding more than its header
declares is refused. openpyxl then reads at most the declared sizes (zipfile stops there), so memory stays
bounded whatever the file says about itself.
"""
import copy
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from edugov.xlsx import text_safe

FIXED_COLUMNS = ("school_code", "school_name")
HEADER_ROWS = 2
MAX_SCHOOL_ROWS = 5000
_SALT = "indicators.excel.template"
_PROPS = ("edugov_dataset", "edugov_period", "edugov_signature")


@dataclass(frozen=True)
class ExcelProblem:
    sheet: str
    row: int | None
    column: str  # letter, "" for the whole file or row
    header: str
    message: str

    def __str__(self):
        where = f"工作表「{self.sheet}」" if self.sheet else "文件"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"{self.column}列"
        if self.header:
            where += f"({self.header})"
        return f"{where}:{self.message}"


class WorkbookRefused(Exception):
    """The file as a whole cannot be read; ``problems`` says why."""

    def __init__(self, problems: list[ExcelProblem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


@dataclass
class TemplateColumn:
    code: str
    label: str  # Chinese name with unit, shown in row 2
    # What the cell accepts, for Excel's own data validation and the 「填报说明」 sheet; empty: anything.
    kind: str = ""  # "boolean", "integer", "decimal" or "money" (ValueType values)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    name: str = ""  # the item's name without its unit
    unit: str = ""
    help: str = ""  # the item's 口径


GUIDE_SHEET = "填报说明"
PREVIOUS_PREFIX = "prev."  # row-1 code of a read-only column of last year's approved figure (codes are slugs)
_WHITE = PatternFill("solid", fgColor="FFFFFF")
_GREY = PatternFill("solid", fgColor="DDDDDD")
_PALE = PatternFill("solid", fgColor="F2F2F2")


def signature(dataset_code: str, period_id: int, codes: list[str]) -> str:
    return signing.Signer(salt=_SALT).signature(f"{dataset_code}|{period_id}|{','.join(codes)}")


def template_write(*, dataset_code: str, period_id: int, title: str, columns: list[TemplateColumn],
                   rows: list[list], previous: list[list] | None = None, previous_label: str = "",
                   notes: list[str] = (), guide_previous: list | None = None) -> bytes:
    """A workbook for people to fill in.

    Sheet 1 (named by the data set code): codes in row 1 (hidden: people need not see them, the reader
    does), labels in row 2, then one row per school (``rows``: code, name, this year's figures). With
    ``previous`` (one list of last year's approved figures per row), a grey read-only block of the same
    items follows the input columns, headed ``previous_label``. The sheet is protected (no password: it
    guards against slips, the signature guards against tampering) except the input cells, which carry
    Excel's data validation (是/否 list, whole or decimal numbers within the item's bounds).
    Sheet 2, 「填报说明」: ``notes``, then each item's unit, how to fill it and its 口径 (with last year's
    figure when the file is for one school: ``guide_previous``)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = dataset_code
    codes = [*FIXED_COLUMNS, *(c.code for c in columns)]
    labels = ["学校代码", "学校名称", *(c.label for c in columns)]
    if previous is not None:
        codes += [PREVIOUS_PREFIX + c.code for c in columns]
        labels += [f"{previous_label}\n{c.label}" for c in columns]
    ws.append(text_safe(ws, codes))
    ws.append(text_safe(ws, labels))
    for index, row in enumerate(rows):
        ws.append(text_safe(ws, [*row, *(previous[index] if previous is not None else [])]))
    _style(ws, len(codes), len(columns), len(rows))
    _validate(ws, columns, len(rows))
    _guide(wb, title, columns, notes, guide_previous, previous_label)
    values = (dataset_code, str(period_id), signature(dataset_code, period_id, codes))
    for name, value in zip(_PROPS, values, strict=True):
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _style(ws, width: int, inputs: int, count: int):
    for cell in ws[1]:
        cell.font, cell.fill = Font(color="888888", size=9), _GREY
    ws.row_dimensions[1].hidden = True
    for cell in ws[2]:
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        cell.fill = _GREY
    ws.row_dimensions[2].height = 48
    first, last = len(FIXED_COLUMNS) + 1, len(FIXED_COLUMNS) + inputs
    for row in ws.iter_rows(min_row=HEADER_ROWS + 1, max_row=HEADER_ROWS + count):
        for cell in row[:len(FIXED_COLUMNS)]:
            cell.fill = _PALE
        for cell in row[first - 1:last]:
            cell.fill, cell.protection = _WHITE, Protection(locked=False)
        for cell in row[last:width]:
            cell.fill, cell.font = _PALE, Font(color="555555", italic=True)
    ws.freeze_panes = "C3"
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 28
    for index in range(first, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = 16 if index <= last else 14
    _protect(ws)


def _protect(ws):
    ws.protection.sheet = True
    # Still allowed under protection: widening columns and rows (long names wrap), nothing else.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


_KIND_HINT = {"boolean": "从下拉列表选择「是」或「否」", "integer": "填整数", "decimal": "填数字,可带小数",
              "money": "填金额(元),最多两位小数"}
_BIG = Decimal("999999999999")


def _validate(ws, columns: list[TemplateColumn], count: int):
    """One validation per distinct rule, covering every column it applies to: 33 columns of 是/否 and
    bounded counts need a handful of rules, not 33 (the sheet stays small)."""
    if not count:
        return
    ranges: dict[tuple, list[str]] = {}
    for index, column in enumerate(columns, start=len(FIXED_COLUMNS) + 1):
        if column.kind in _KIND_HINT:
            letter = get_column_letter(index)
            key = (column.kind, column.minimum, column.maximum, column.unit)
            ranges.setdefault(key, []).append(f"{letter}{HEADER_ROWS + 1}:{letter}{HEADER_ROWS + count}")
    for (kind, low, high, unit), cells in ranges.items():
        rule = _validation_for(TemplateColumn("", "", kind=kind, minimum=low, maximum=high, unit=unit))
        for cell_range in cells:
            rule.add(cell_range)
        ws.add_data_validation(rule)


def _validation_for(column: TemplateColumn) -> DataValidation:
    if column.kind == "boolean":
        rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        rule.error = "请从下拉列表选择「是」或「否」"
    else:
        low = column.minimum if column.minimum is not None else -_BIG
        high = column.maximum if column.maximum is not None else _BIG
        rule = DataValidation(type="whole" if column.kind == "integer" else "decimal", operator="between",
                              formula1=_number_text(low), formula2=_number_text(high), allow_blank=True)
        rule.error = _range_text(column)
    rule.errorTitle, rule.errorStyle, rule.showErrorMessage = "填写有误", "stop", True
    return rule


def _number_text(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _range_text(column: TemplateColumn) -> str:
    what = "应为整数" if column.kind == "integer" else "应为数字"
    unit = column.unit or ""
    if column.minimum is not None and column.maximum is not None:
        return f"{what},范围 {_number_text(column.minimum)}–{_number_text(column.maximum)}{unit}"
    if column.minimum is not None:
        return f"{what},不小于 {_number_text(column.minimum)}{unit}"
    if column.maximum is not None:
        return f"{what},不大于 {_number_text(column.maximum)}{unit}"
    return what


def _guide(wb, title: str, columns: list[TemplateColumn], notes, guide_previous, previous_label: str):
    ws = wb.create_sheet(GUIDE_SHEET)
    ws.append(text_safe(ws, [f"{title} · 填报说明"]))
    ws["A1"].font = Font(bold=True, size=14)
    for number, note in enumerate(notes, start=1):
        ws.append(text_safe(ws, [f"{number}. {note}"]))
    ws.append([])
    header = ["序号", "数据项", "单位", "填写方式", "口径(填报说明)"]
    if guide_previous is not None:
        header.append(previous_label)
    ws.append(header)
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font, cell.fill = Font(bold=True), _GREY
    for number, column in enumerate(columns, start=1):
        how = _KIND_HINT.get(column.kind, "")
        if column.kind in {"integer", "decimal", "money"}:
            how = _range_text(column)
        row = [number, column.name or column.label, column.unit, how, column.help or "—"]
        if guide_previous is not None:
            row.append(guide_previous[number - 1])
        ws.append(text_safe(ws, row))
    for row in ws.iter_rows(min_row=head_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (6, 26, 8, 24, 60, 16), strict=True):
        ws.column_dimensions[letter].width = width
    _protect(ws)


@dataclass
class UploadedSheet:
    title: str
    dataset_code: str
    period_id: int
    header: list[str]
    rows: Iterator[tuple[int, tuple]]  # (row number, cells) from row 3 on


def workbook_open(data: bytes, *, max_bytes: int) -> UploadedSheet:
    """Checks that need no database: size, format, signature, sheets, row count, header row."""
    if len(data) > max_bytes:
        raise _refuse(f"文件过大({len(data) // 1024} KB),最大允许 {max_bytes // 1024} KB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse("文件不是有效的 Excel (.xlsx) 文件,请使用系统下载的模板")
    check_archive(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _refuse(f"无法读取 Excel 文件({type(exc).__name__}),请使用系统下载的模板") from None
    props = {p.name: str(p.value) for p in wb.custom_doc_props.props}
    _check_sheets(wb)
    ws = wb.worksheets[0]
    _check_size(ws)
    # read_only mode believes the sheet's <dimension> tag: a stale "A1:C3" would hide every row and column
    # beyond it. Forget it and read the rows that are really there (the row cap still holds, in _data_rows).
    ws.reset_dimensions()
    header = [_text(c) for c in next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())]
    while header and not header[-1]:
        header.pop()
    dataset_code, period_id = _check_props(props, header, ws.title)
    return UploadedSheet(ws.title, dataset_code, period_id, header, _data_rows(ws))


# Below this size a member cannot hurt however well it compresses (1 MB of one repeated byte: ratio ~1,000).
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024


def check_archive(data: bytes) -> None:
    """Refuse a zip bomb before anything inflates it: declared sizes, total and ratio first, then the
    bytes each member really holds, counted while inflating with a hard cap and thrown away."""
    limit, ratio = settings.EXCEL_MAX_UNCOMPRESSED_BYTES, settings.EXCEL_MAX_COMPRESSION_RATIO
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_declared(members, limit, ratio)
            for member in members:
                _check_actual(archive, member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
            ValueError) as exc:  # RuntimeError: an encrypted member
        message = _("Excel 文件已损坏,无法读取(%(error)s),请使用系统下载的模板")
        raise _refuse(message % {"error": type(exc).__name__}) from None


def _check_declared(members: list[zipfile.ZipInfo], limit: int, ratio: int) -> None:
    total = sum(m.file_size for m in members)
    if total > limit:
        raise _refuse(_("解压后过大(%(size)s),最多允许 %(limit)s,请只上传系统下载的模板") % {
            "size": _mb(total), "limit": _mb(limit)})
    for member in members:
        if member.file_size > _RATIO_FLOOR and member.file_size > ratio * max(member.compress_size, 1):
            message = _("压缩比异常(「%(member)s」压缩了 %(found)d 倍,最多允许 %(ratio)d 倍),疑似恶意文件,已拒绝")
            found = member.file_size // max(member.compress_size, 1)
            raise _refuse(message % {"member": member.filename, "found": found, "ratio": ratio})


def _check_actual(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    # zipfile stops at the declared size and then reports only a bad CRC. Reading through a copy whose cap is
    # one byte higher (and whose CRC we check ourselves) shows a member that holds more than it declares,
    # after at most the declared size plus one chunk has been inflated.
    probe = copy.copy(member)
    probe.file_size, probe.CRC = member.file_size + 1, None
    seen, crc = 0, 0
    with archive.open(probe) as stream:
        while chunk := stream.read(_CHUNK):
            seen += len(chunk)
            if seen > member.file_size:
                message = _("内容与声明的大小不符(「%(member)s」实际比声明的 %(size)d 字节更大),疑似恶意文件,已拒绝")
                raise _refuse(message % {"member": member.filename, "size": member.file_size})
            crc = zlib.crc32(chunk, crc)
    if seen != member.file_size or crc != member.CRC:
        raise _refuse(_("内容与声明的大小不符(「%(member)s」),文件可能已损坏") % {"member": member.filename})


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _refuse(message: str, sheet: str = "", row: int | None = None) -> WorkbookRefused:
    return WorkbookRefused([ExcelProblem(sheet, row, "", "", message)])


def _check_sheets(wb):
    hidden = [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"]
    if hidden:
        raise _refuse(f"文件含有隐藏的工作表「{'、'.join(hidden)}」,请删除后再上传")
    # The data sheet comes first; the 「填报说明」 sheet we write after it is never read.
    data_sheets = [ws for ws in wb.worksheets if ws.title != GUIDE_SHEET]
    if len(data_sheets) != 1 or wb.worksheets[0] is not data_sheets[0]:
        names = "、".join(ws.title for ws in wb.worksheets)
        raise _refuse(f"文件除「{GUIDE_SHEET}」外应只有一个工作表,实际有 {len(wb.worksheets)} 个({names})")


def _check_props(props: dict, header: list[str], title: str) -> tuple[str, int]:
    if any(name not in props for name in _PROPS):
        raise _refuse("文件不是由本系统生成的模板(缺少模板标识),请先下载模板再填写", title)
    dataset_code, period = props["edugov_dataset"], props["edugov_period"]
    if not period.isdigit() or not signing.constant_time_compare(
        props["edugov_signature"], signature(dataset_code, int(period), header)
    ):
        raise _refuse("模板标识或第1行代码已被修改,请重新下载模板,不要改动第1行和第1、2列", title, 1)
    if title != dataset_code:
        raise _refuse(f"工作表名称应为「{dataset_code}」,请不要修改工作表名称", title)
    return dataset_code, int(period)


def _check_size(ws):
    # max_row comes from the sheet's <dimension> tag, so a huge file is refused before its cells are read.
    if ws.max_row and ws.max_row > MAX_SCHOOL_ROWS + HEADER_ROWS:
        raise _refuse(f"数据行过多({ws.max_row - HEADER_ROWS} 行),每次最多导入 {MAX_SCHOOL_ROWS} 行", ws.title)


def _data_rows(ws) -> Iterator[tuple[int, tuple]]:
    for number, cells in enumerate(ws.iter_rows(min_row=HEADER_ROWS + 1), start=HEADER_ROWS + 1):
        if number > MAX_SCHOOL_ROWS + HEADER_ROWS:
            raise _refuse(f"数据行过多,每次最多导入 {MAX_SCHOOL_ROWS} 行", ws.title, number)
        yield number, cells


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def cell_is_formula(cell) -> bool:
    return cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))


def column_letter(index: int) -> str:
    """Letter of a 0-based column index."""
    return get_column_letter(index + 1)
