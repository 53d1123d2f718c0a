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
    "type": "类型不对",
    "required": "缺少必填字段",
    "additionalProperties": "未知字段",
    "enum": "不是允许的取值",
    "const": "不是允许的取值",
    "pattern": "格式不对",
    "maxLength": "太长",
    "minLength": "不能为空",
    "minimum": "太小",
    "maximum": "太大",
    "minItems": "至少一项",
    "oneOf": "应为文本,或带别名的写法 {\"name\": …, \"aliases\": […]}",
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
