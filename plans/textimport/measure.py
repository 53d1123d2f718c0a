"""How close a proposed plan is to a hand-checked plan file: the share of its programmes, action items and
target statements that the proposal has right, with nothing corrected.

Matching, one to one, in the reference's order (each proposal row counts for one reference row at most):

* programme: same number and normalised names with similarity ≥ 0.9;
* action item: same year and programme, normalised texts with similarity ≥ 0.9 (difflib ratio; spaces, a
  leading 「1.」 and closing punctuation ignored), and the same set of responsible departments once each
  name is read through the reference's aliases (「编办」 = 「编委办」);
* target statement: same year, same numbers (value, or low and high), same comparator and 左右, and source
  sentences of which one contains the other once normalised (the reference quotes a clause or a sentence).

Recall (share of the reference matched) is the figure the goal is set on; precision (share of proposals that
match) says how much the reviewer must drop.
"""
from dataclasses import dataclass
from difflib import SequenceMatcher

from plans.textimport.structure import normalise

ITEM_SIMILARITY = 0.9


@dataclass
class Score:
    matched: int
    reference: int
    proposed: int

    @property
    def recall(self) -> float:
        return self.matched / self.reference if self.reference else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    def as_dict(self) -> dict:
        return {"matched": self.matched, "reference": self.reference, "proposed": self.proposed,
                "recall": round(self.recall, 4), "precision": round(self.precision, 4)}


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, normalise(a), normalise(b), autojunk=False).ratio()


def compare(proposal: dict, reference: dict) -> dict[str, Score]:
    aliases = alias_map(reference)
    return {
        "programmes": _match(reference["programmes"], proposal["programmes"], _same_programme),
        "action_items": _match(reference["action_items"], proposal["action_items"],
                               lambda ref, got: _same_item(ref, got, aliases)),
        "targets": _match(reference["targets"], proposal["targets"], _same_target),
    }


def misses(proposal: dict, reference: dict, kind: str) -> list[dict]:
    """The reference rows of one kind that nothing in the proposal matches (for looking into a regression)."""
    aliases = alias_map(reference)
    same = {"programmes": _same_programme, "targets": _same_target,
            "action_items": lambda ref, got: _same_item(ref, got, aliases)}[kind]
    used: set[int] = set()
    left = []
    for ref in reference[kind]:
        hit = next((i for i, got in enumerate(proposal[kind]) if i not in used and same(ref, got)), None)
        if hit is None:
            left.append(ref)
        else:
            used.add(hit)
    return left


def alias_map(plan_file: dict) -> dict[str, str]:
    names = {}
    for spec in plan_file.get("departments", []):
        name, aliases = (spec["name"], spec.get("aliases", [])) if isinstance(spec, dict) else (spec, [])
        names.update(dict.fromkeys([name, *aliases], name))
    return names


def _match(reference: list[dict], proposed: list[dict], same) -> Score:
    used: set[int] = set()
    matched = 0
    for ref in reference:
        hit = next((i for i, got in enumerate(proposed) if i not in used and same(ref, got)), None)
        if hit is not None:
            used.add(hit)
            matched += 1
    return Score(matched=matched, reference=len(reference), proposed=len(proposed))


def _same_programme(ref: dict, got: dict) -> bool:
    return ref["number"] == got["number"] and similar(ref["name"], got["name"]) >= 0.9


def _same_item(ref: dict, got: dict, aliases: dict[str, str]) -> bool:
    if (ref["year"], ref["programme"]) != (got["year"], got["programme"]):
        return False
    departments = {aliases.get(n, n) for n in ref["departments"]} == {aliases.get(n, n) for n in got["departments"]}
    return departments and similar(ref["text"], got["text"]) >= ITEM_SIMILARITY


def _same_target(ref: dict, got: dict) -> bool:
    numbers = ("year", "comparator", "value", "low", "high")
    if any(_number(ref.get(k)) != _number(got.get(k)) for k in numbers):
        return False
    if bool(ref.get("approximate")) != bool(got.get("approximate")):
        return False
    a, b = normalise(ref["source_text"]), normalise(got["source_text"])
    return a in b or b in a


def _number(value):
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
