"""The plan-file format as a JSON Schema (plans/data/plan.schema.json), checked with ``jsonschema``.

Errors are positioned as the loader's own (``targets[3].value: …``), so a bad file reads the same whichever
check finds the fault.
"""
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "plan.schema.json"

_WORDS = {
    "type": "类型不对 (wrong type)",
    "required": "缺少必填字段 (required field missing)",
    "additionalProperties": "未知字段 (unknown field)",
    "enum": "不是允许的取值 (not an allowed value)",
    "const": "不是允许的取值 (not an allowed value)",
    "pattern": "格式不对 (wrong format)",
    "maxLength": "太长 (too long)",
    "minLength": "不能为空 (must not be empty)",
    "minimum": "太小 (too small)",
    "maximum": "太大 (too large)",
    "minItems": "至少一项 (at least one)",
    "oneOf": "应为文本或 {\"name\": …, \"aliases\": […]} (a string or a name with aliases)",
}


@cache
def plan_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(plan_schema())
    return Draft202012Validator(plan_schema())


def schema_problems(data) -> list[str]:
    """Every place where ``data`` breaks the schema, as 「where: 说明 (explanation) — jsonschema's words」."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{position(error.absolute_path) or '(顶层 top level)'}: {_WORDS.get(error.validator, '不符合格式')} "
            f"— {error.message}" for error in errors]


def position(path) -> str:
    """deque(['targets', 3, 'value']) → 'targets[3].value' (the loader's way of naming a place)."""
    where = ""
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where
