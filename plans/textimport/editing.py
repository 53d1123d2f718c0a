"""Corrections a reviewer makes to one row of a proposal, read from the row's form fields.

Numbers that do not parse are kept as written, so the loader names them with their position
(「targets[3].value: 应为数字」) instead of the page guessing.
"""
import re

FIELDS = {
    "plan": ("key", "title", "doc_number", "issuers", "issued_on", "start_year", "end_year"),
    "programmes": ("number", "name"),
    "action_items": ("year", "programme", "order", "text", "departments"),
    "targets": ("measure", "name", "year", "kind", "comparator", "value", "low", "high", "baseline", "unit",
                "approximate", "source_text"),
}
_INTEGERS = {"start_year", "end_year", "number", "year", "programme", "order"}
_NUMBERS = {"value", "low", "high", "baseline"}
_LISTS = {"issuers", "departments"}
_OPTIONAL = {"doc_number", "issued_on", "unit"}
# a target's kind is posted as target_kind: the form's own "kind" says which list the row belongs to
POSTED_AS = {"kind": "target_kind"}
_SPLIT = re.compile(r"[、,,;;\n]+")


def apply_row(row: dict, kind: str, posted) -> dict:
    """``row`` updated from ``posted`` (a QueryDict or dict of strings); fields not posted stay as they were."""
    updated = dict(row)
    for name in FIELDS[kind]:
        field = POSTED_AS.get(name, name)
        if name == "approximate":
            updated[name] = posted.get(field) in ("1", "on", "true")
        elif field in posted:
            updated[name] = _value(name, posted.get(field, ""))
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
