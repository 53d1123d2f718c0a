"""Storing rollup results: PostgreSQL takes them by COPY, SQLite by bulk_create; both store the same rows,
including awkward labels and missing values."""
import math
from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorValue
from indicators.rollup import store

LABELS = ["tab\there", "new\nline", "back\\slash", "\\N", "长" * 150, "", "汉字\r", "quote\"'"]


@pytest.fixture
def results(db):
    Indicator.objects.create(code="ratio", name_zh="比例", name_en="Ratio", numerator="a*100", denominator="b")
    return pd.DataFrame({
        "indicator": ["ratio"] * len(LABELS), "level": ["school"] * len(LABELS),
        "unit_key": [f"k{i}" for i in range(len(LABELS))], "unit_label": LABELS,
        "numerator": [0.1953125, 1e11, -0.0, math.nan, 1e-7, 5, 1234567.123456, 2.5],
        "denominator": [1.0, 3.0, math.nan, math.nan, 2.0, 4.0, 1.0, 1.0],
        "value": [1 / 3, 0.0000004, 99.9999994, math.nan, -1e-9, 125.0, 7.0, 250.0],
        "schools_expected": [1] * len(LABELS), "schools_reported": [1, 1, 0, 0, 1, 1, 1, 1],
    })


def test_stored_rows_match_the_results_to_six_decimals(results):
    written = store.store_year(year=2021, results=results, run=None)
    rows = {v.unit_key: v for v in IndicatorValue.objects.filter(year=2021)}
    assert written == len(LABELS) and len(rows) == len(LABELS)
    assert [rows[f"k{i}"].unit_label for i in range(len(LABELS))] == [label[:100] for label in LABELS]
    assert rows["k0"].value == Decimal("0.333333") and rows["k0"].numerator == Decimal("0.195312")
    assert rows["k3"].value is None and rows["k3"].denominator is None  # missing stays missing, not 0
    assert rows["k4"].value == 0 and rows["k6"].numerator == Decimal("1234567.123456")
    assert rows["k2"].schools_reported == 0


def test_storing_twice_replaces_rather_than_adds(results):
    store.store_year(year=2021, results=results, run=None)
    first = list(IndicatorValue.objects.order_by("unit_key").values_list("unit_key", "value", "unit_label"))
    store.store_year(year=2021, results=results, run=None)
    assert list(IndicatorValue.objects.order_by("unit_key").values_list("unit_key", "value", "unit_label")) == first



def test_storing_works_with_debug_cursors_as_make_setup_runs_it(results):
    # `make setup` runs with DEBUG on, which wraps every cursor in CursorDebugWrapper; on PostgreSQL the COPY
    # goes through that wrapper too, and it once refused psycopg2's keyword arguments (HTTP 500 / crash).
    with CaptureQueriesContext(connection) as queries:
        written = store.store_year(year=2021, results=results, run=None)
    assert written == len(LABELS) and IndicatorValue.objects.filter(year=2021).count() == len(LABELS)
    if connection.vendor == "postgresql":
        assert any(q["sql"].startswith("COPY ") for q in queries.captured_queries)
