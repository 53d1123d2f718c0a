"""Corrections a reviewer makes to one row of a proposal, read from the row's form fields.

Numbers that do not parse are kept as written, so the loader names them with their position
(「targets[3].value: 应为数字」) instead of the page guessing.
"""
import re

FIELDS = {
    "plan": ("key", "title", "doc_number", "issuers", "issued_on", "start_year", "end_year"),
    "programmes": ("number", "name"),
    "action_items": ("year", "programme", "order", "text", "departments"),
    "targets": ("measure", "name", "year", "comparator", "value", "low", "high", "unit", "approximate",
                "source_text"),
}
_INTEGERS = {"start_year", "end_year", "number", "year", "programme", "order"}
_NUMBERS = {"value", "low", "high"}
_LISTS = {"issuers", "departments"}
_OPTIONAL = {"doc_number", "issued_on", "unit"}
_SPLIT = re.compile(r"[、,,;;\n]+")


def apply_row(row: dict, kind: str, posted) -> dict:
    """``row`` updated from ``posted`` (a QueryDict or dict of strings); fields not posted stay as they were."""
    updated = dict(row)
    for name in FIELDS[kind]:
        if name == "approximate":
            updated[name] = posted.get(name) in ("1", "on", "true")
        elif name in posted:
            updated[name] = _value(name, posted.get(name, ""))
    return updated


def _value(name: str, raw: str):
    text = raw.strip()
    if name in _LISTS:
        return [part.strip() for part in _SPLIT.split(text) if part.strip()]
    if name in _INTEGERS:
        return int(text) if re.fullmatch(r"-?\d+", text) else (text or None)
    if name in _NUMBERS:
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    if name in _OPTIONAL and not text:
        return None
    return text
