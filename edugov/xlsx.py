"""Writing text into workbooks we hand out, without handing out formulas.

openpyxl stores any str that starts with "=" as a live formula, so a school renamed
「=HYPERLINK("http://x","y")」 or a target text 「=2所」 would become a link or a broken formula in
every file we export. Text starting with "+", "-", "@", a tab or a carriage return is stored as text
by openpyxl, but Excel turns it into a formula as soon as someone edits the cell.

The fix: such a value goes in as a cell whose type is forced to text ("s", a shared string) and whose
style carries Excel's quotePrefix flag, the flag Excel itself sets when a person types a leading
apostrophe. The value stays exactly what we meant (no apostrophe added to it, so a reader or a
re-import sees the same text), Excel shows it as text, and keeps it text if the cell is edited.
Every openpyxl writer in the project appends its rows through ``text_safe``.
"""
from collections.abc import Iterable

from openpyxl.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(sheet, value: str) -> Cell:
    cell = Cell(sheet, value=value)
    cell.data_type = "s"  # after the value: assigning a str starting with "=" sets "f"
    cell.quotePrefix = True
    return cell


def text_safe(sheet, values: Iterable) -> list:
    """``values`` ready for ``sheet.append``: risky strings wrapped as text cells, the rest unchanged."""
    return [text_cell(sheet, value) if is_risky(value) else value for value in values]
