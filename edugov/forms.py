"""Form widgets shared by every app."""
from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """A browser date picker: ``<input type="date">`` only accepts an ISO date (2026-11-26) as its value,
    whatever the page's language; a localised 2026/11/26 shows an empty field and fails the first save."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)
