"""Formulas over data element codes, e.g. ``(puhui_children + public_children) * 100``.

Parsed with Python's own grammar into a tree of which only numbers, element codes, + - * /,
unary minus and parentheses are accepted; the tree is then walked by hand. Nothing is ever
passed to ``eval``. Evaluation works on plain numbers and on pandas Series alike.
"""
import ast
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

_BINARY: dict[type, Callable] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
MAX_LENGTH = 500


class FormulaError(ValueError):
    """A formula that cannot be used; the message says what and where (column, 1-based)."""

    def __init__(self, message: str, column: int | None = None):
        self.column = column
        super().__init__(message if column is None else f"{message}(第{column}个字符)")


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    codes: frozenset[str]

    @property
    def scale(self) -> float:
        """The constant a formula multiplies by to make a percentage (``x * 100`` → 100), else 1: what was
        summed is the numerator divided by it (在园幼儿 1,131, not 113,100)."""
        node = self.tree
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for side in (node.right, node.left):
                if isinstance(side, ast.Constant) and type(side.value) in (int, float) and side.value:
                    return float(side.value)
        return 1.0

    def evaluate(self, values: Mapping):
        """Value of the formula; a code missing from ``values`` gives None (no value)."""
        exact = isinstance(values, dict) and any(isinstance(v, Decimal) for v in values.values())
        return _walk(self.tree, values, exact)

    def evaluate_exact(self, values: Mapping):
        """Value of the formula with its constants as Decimals: for Decimals, or arrays of them."""
        return _walk(self.tree, values, True)


def parse(text: str, known_codes: Iterable[str] | None = None) -> Formula:
    text = (text or "").strip()
    if not text:
        raise FormulaError("公式为空")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式过长,最多{MAX_LENGTH}个字符")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"公式语法错误: {text}", exc.offset) from None
    codes = frozenset(_check(tree))
    if known_codes is not None:
        unknown = sorted(codes - set(known_codes))
        if unknown:
            raise FormulaError(f"未知的数据项代码: {', '.join(unknown)}")
    return Formula(text=text, tree=tree, codes=codes)


def _check(node: ast.AST) -> Iterable[str]:
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        yield from _check(node.left)
        yield from _check(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        yield from _check(node.operand)
    elif isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    else:
        raise FormulaError(
            "公式只能包含数据项代码、数字、+ - * / 和括号 (only codes, numbers, + - * / and brackets)",
            getattr(node, "col_offset", -1) + 1,
        )


def _walk(node: ast.AST, values: Mapping, exact: bool):
    if isinstance(node, ast.BinOp):
        left, right = _walk(node.left, values, exact), _walk(node.right, values, exact)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div) and _is_scalar_zero(right):
            return None
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        operand = _walk(node.operand, values, exact)
        return None if operand is None else (-operand if isinstance(node.op, ast.USub) else operand)
    if isinstance(node, ast.Name):
        return values.get(node.id)
    # Keep Decimal arithmetic exact when the inputs are Decimals.
    return Decimal(str(node.value)) if exact else node.value


def _is_scalar_zero(value) -> bool:
    return isinstance(value, int | float | Decimal) and value == 0


_TOKEN = re.compile(r"(?<![\w.])(?P<code>[A-Za-z_]\w*)|(?P<op>[*/+-])")
_SYMBOLS = {"*": " × ", "/": " ÷ ", "+": " + ", "-": " − "}


def formula_in_words(text: str, names: Mapping[str, str]) -> str:
    """「在园幼儿数 × 100」 for ``children_enrolled * 100``: each element code by its Chinese name (a code with
    no name stays as written), the operators as a reader writes them. For showing a formula, never for
    evaluating one."""

    def word(match: re.Match) -> str:
        if match.group("op"):
            return _SYMBOLS[match.group("op")]
        return names.get(match.group("code")) or match.group("code")

    return re.sub(r"\s+", " ", _TOKEN.sub(word, text or "")).strip()
