"""Every form of the project renders its date and number inputs in the format the browser widget
accepts, in both languages: ISO dates in ``type="date"``, plain numbers in ``type="number"``.
(The crawl test checks the same on every page it opens.)"""
import datetime
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from tests.html_checks import input_problems

APPS = ("edugov.", "plans.", "indicators.", "reports.")
SAMPLES = {  # the largest-looking values: a thousands separator or a localised date would show
    forms.DateTimeField: datetime.datetime(2026, 11, 26, 9, 30),
    forms.DateField: datetime.date(2026, 11, 26),
    forms.DecimalField: Decimal("1234567.25"),
    forms.FloatField: 1234567.25,
    forms.IntegerField: 1234567,
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type]:
    import indicators.views.excel  # noqa: F401 - forms defined next to their views
    import plans.forms  # noqa: F401

    found = {c for c in _subclasses(forms.BaseForm) if c.__module__.startswith(APPS)}
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _initial(form_class) -> dict:
    form = _build(form_class, {})
    initial = {}
    for name, field in form.fields.items():
        sample = next((v for t, v in SAMPLES.items() if isinstance(field, t)), None)
        if sample is not None:
            initial[name] = sample
    return initial


def _build(form_class, initial):
    extra = {"periods": []} if form_class.__name__ == "UploadForm" else {}
    return form_class(initial=initial, **extra)


def test_the_project_has_forms_to_check():
    assert {"ProgressForm", "ItemFilterForm", "UploadForm"} <= {c.__name__ for c in project_forms()}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("form_class", project_forms(), ids=lambda c: c.__name__)
def test_date_and_number_inputs_render_as_their_widget_accepts(form_class, language):
    with translation.override(language):
        html = str(_build(form_class, _initial(form_class)))
    assert input_problems(html) == []


def test_progress_form_date_is_iso_in_chinese():
    from plans.forms import ProgressForm

    with translation.override("zh-hans"):
        html = str(ProgressForm(initial={"on_date": datetime.date(2026, 11, 26)})["on_date"])
    assert 'type="date"' in html and 'value="2026-11-26"' in html
