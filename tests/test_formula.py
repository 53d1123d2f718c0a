from decimal import Decimal

import pandas as pd
import pytest

from indicators.formula import FormulaError, parse


def test_evaluates_arithmetic_over_codes():
    formula = parse("(a + b) * 100 / c")
    assert formula.codes == {"a", "b", "c"}
    assert formula.evaluate({"a": Decimal(1), "b": Decimal(2), "c": Decimal(4)}) == Decimal(75)


def test_missing_code_gives_no_value():
    assert parse("a / b").evaluate({"a": 1}) is None


def test_division_by_zero_gives_no_value():
    assert parse("a / b").evaluate({"a": 1, "b": 0}) is None


def test_evaluates_on_pandas_series():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [4.0, 8.0]})
    result = parse("a * 100 / b").evaluate(frame)
    assert list(result) == [25.0, 25.0]


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('x')", "a.b", "a ** 2", "a if b else c", "[a]", "'x'", "f(a)", "a < b"],
)
def test_refuses_anything_but_arithmetic(text):
    with pytest.raises(FormulaError):
        parse(text)


def test_unknown_code_is_named():
    with pytest.raises(FormulaError, match="zzz"):
        parse("a + zzz", known_codes={"a"})


def test_syntax_error_names_the_column():
    with pytest.raises(FormulaError) as exc:
        parse("a + * b")
    assert exc.value.column is not None
