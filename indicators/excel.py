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

import openpyxl
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

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


def signature(dataset_code: str, period_id: int, codes: list[str]) -> str:
    return signing.Signer(salt=_SALT).signature(f"{dataset_code}|{period_id}|{','.join(codes)}")


def template_write(*, dataset_code: str, period_id: int, title: str, columns: list[TemplateColumn],
                   rows: list[list]) -> bytes:
    """A workbook: one sheet named by the data set code, codes in row 1, labels in row 2, then ``rows``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = dataset_code
    codes = [*FIXED_COLUMNS, *(c.code for c in columns)]
    ws.append(text_safe(ws, codes))
    ws.append(text_safe(ws, ["学校代码", "学校名称", *(c.label for c in columns)]))
    for row in rows:
        ws.append(text_safe(ws, row))
    _style(ws, len(codes))
    values = (dataset_code, str(period_id), signature(dataset_code, period_id, codes))
    for name, value in zip(_PROPS, values, strict=True):
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _style(ws, width: int):
    grey = PatternFill("solid", fgColor="DDDDDD")
    for cell in ws[1]:
        cell.font, cell.fill = Font(color="888888", size=9), grey
    for cell in ws[2]:
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C3"
    ws.column_dimensions["B"].width = 28
    for index in range(3, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = 16


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
    if len(wb.worksheets) != 1:
        names = "、".join(ws.title for ws in wb.worksheets)
        raise _refuse(f"文件应只有一个工作表,实际有 {len(wb.worksheets)} 个({names})")


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
