"""Checks on rendered HTML shared by the crawl and the form tests."""
import re

INPUT = re.compile(r"<input\b[^>]*>", re.I)
ATTR = re.compile(r"""\b(type|value)\s*=\s*["']([^"']*)["']""", re.I)
ACCEPTED = {"date": re.compile(r"\d{4}-\d{2}-\d{2}"), "number": re.compile(r"-?\d+(\.\d+)?")}


def input_problems(page: str) -> list[str]:
    """``<input type="date">`` and ``type="number"`` values the browser would refuse (and show empty)."""
    problems = []
    for tag in INPUT.findall(page):
        attrs = {k.lower(): v for k, v in ATTR.findall(tag)}
        pattern = ACCEPTED.get(attrs.get("type", "").lower())
        if pattern and attrs.get("value") and not pattern.fullmatch(attrs["value"]):
            problems.append(f"input {tag}")
    return problems
