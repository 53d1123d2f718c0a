"""A plan document as lines of text: a .txt (UTF-8 or GB18030, the two encodings bureau files come in) or a
.docx read with python-docx, paragraphs and tables in the order they stand in the document.

A table row is read cell by cell and a cell paragraph by paragraph, so the yearly action tables come out as
the lines a web copy of the same document has (「(一)」, the programme, 「1.…」, 「教体局、财政局」); merged cells,
which python-docx repeats in every row and column they span, are read once.
"""
import io
import zipfile

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024


class UnreadableDocument(ValueError):
    """The upload is not a text or Word file that can be read."""


def document_lines(*, name: str, content: bytes) -> list[str]:
    """The document's non-empty lines, stripped, whatever its kind."""
    if len(content) > MAX_BYTES:
        raise UnreadableDocument(_("文件超过 10 MB"))
    if name.lower().endswith(".docx"):
        return clean_lines(_docx_lines(content))
    if name.lower().endswith(".txt"):
        return clean_lines(_decode(content).splitlines())
    raise UnreadableDocument(_("只能导入 .docx 或 .txt 文件"))


def clean_lines(lines) -> list[str]:
    """Strip each line (full-width and no-break spaces too); drop empty lines and NUL bytes."""
    cleaned = (line.replace("\x00", "").replace("\u3000", " ").replace("\xa0", " ").strip() for line in lines)
    return [line for line in cleaned if line]


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(_("文本文件应为 UTF-8 或 GB18030 编码"))


def _docx_lines(content: bytes) -> list[str]:
    import docx  # python-docx; imported here so that the parser of plain text does not need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(_("无法读取 Word 文件(.docx)")) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.extend(block.text.splitlines())
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return lines


def _table_lines(table) -> list[str]:
    lines, seen = [], set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is repeated in each row/column it spans (kept alive: same proxy)
                continue
            seen.add(cell._tc)
            for paragraph in cell.paragraphs:
                lines.extend(paragraph.text.splitlines())
            for inner in cell.tables:
                lines.extend(_table_lines(inner))
    return lines
