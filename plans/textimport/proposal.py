"""The proposed plan: the structure and targets of a document's lines, in the plan-file format."""
import hashlib
import re

from plans.services.comparators import RATIO_READING
from plans.services.loading import FORMAT
from plans.textimport import structure as st
from plans.textimport import targets as tg

DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,8}[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,4}\s*号")
TITLE_IN_NOTICE = re.compile(r"印发\s*《(.+?)》")
TITLE_WORDS = re.compile(r"(实施方案|行动方案|工作方案|规划|行动计划|实施意见|方案)")
PLAN_YEARS = re.compile(r"((?:19|20)\d{2})\s*[—–\-~～至到]\s*((?:19|20)\d{2})\s*年")
ISSUED = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
ISSUED_META = re.compile(r"成文日期\s*[::]?\s*((?:19|20)\d{2})-(\d{2})-(\d{2})")
ISSUER = re.compile(r"^[\u4e00-\u9fa5]{4,40}(办公室|委员会|人民政府|教育局|教育体育局|领导小组|教育厅|教育委员会)$")


def propose(lines: list[str]) -> dict:
    """The proposal: a plan file (``format``, ``plan``, ``departments``, ``programmes``, ``action_items``,
    ``targets``) whose rows also carry ``source``, the line they were read from."""
    body, tables = st.split_regions(lines)
    nodes = st.body_nodes(body)
    plan = plan_header(lines)
    programmes = _programmes(nodes)
    items = _items(tables, programmes)
    years = range(plan["start_year"], plan["end_year"] + 1) if plan["start_year"] else None
    targets = _body_targets(nodes, programmes, years) + _table_targets(tables)
    plan["overall_goal"] = "\n".join(nodes[i].text for i in st.overall_goal_span(nodes) if nodes[i].kind == "p")
    if not plan["start_year"]:
        plan["start_year"], plan["end_year"] = _years_of(items, targets)
    _name_measures(targets)
    return {"format": FORMAT, "plan": plan, "departments": _departments(items), "programmes": programmes,
            "action_items": items, "targets": targets}


# --- the plan's header -------------------------------------------------------------------------------------


def plan_header(lines: list[str]) -> dict:
    text = "\n".join(lines)
    title = _title(lines)
    years = PLAN_YEARS.search(title) or PLAN_YEARS.search(text[:3000])
    number = DOC_NUMBER.search(text[:3000])
    return {
        "key": plan_key(title, lines),
        "title": title,
        "doc_number": re.sub(r"\s+", "", number.group(0)) if number else "",
        "issuers": _issuers(lines),
        "issued_on": _issued_on(lines),
        "start_year": int(years.group(1)) if years else None,
        "end_year": int(years.group(2)) if years else None,
    }


def plan_key(title: str, lines: list[str]) -> str:
    """A slug that is the same each time the same document is imported (so re-importing changes nothing)."""
    digest = hashlib.sha1((title + "\n" + "\n".join(lines[:200])).encode()).hexdigest()[:10]
    years = PLAN_YEARS.search(title)
    return f"import-{years.group(1)}-{years.group(2)}-{digest}" if years else f"import-{digest}"


def _title(lines: list[str]) -> str:
    for line in lines[:60]:
        m = TITLE_IN_NOTICE.search(line)
        if m:
            return re.sub(r"\s+", "", m.group(1))[:200]
    for i, line in enumerate(lines[:60]):
        if TITLE_WORDS.search(line) and len(line) <= 80 and "。" not in line:
            before = lines[i - 1] if i and len(lines[i - 1]) <= 40 and not TITLE_WORDS.search(lines[i - 1]) \
                and "。" not in lines[i - 1] and not st.TOP.match(lines[i - 1]) else ""
            joined = before + line if line.startswith(("实施方案", "方案", "规划", "行动计划")) else line
            return re.sub(r"\s+", "", joined)[:200]
    return (lines[0] if lines else "")[:200]


def _issuers(lines: list[str]) -> list[str]:
    found = []
    for line in lines[:80]:
        for part in line.split():
            part = part.split("关于")[0]  # 「…人民政府办公室关于印发《…》的通知」
            if ISSUER.match(part) and part not in found:
                found.append(part)
    return found[:5]


def _issued_on(lines: list[str]) -> str | None:
    for line in lines[:80]:
        m = ISSUED_META.search(line) or ISSUED.match(line)
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def _years_of(items: list[dict], targets: list[dict]) -> tuple[int | None, int | None]:
    years = [row["year"] for row in items + targets if row.get("year")]
    return (min(years), max(years)) if years else (None, None)


# --- programmes and action items -------------------------------------------------------------------------


def _programmes(nodes: list[st.Node]) -> list[dict]:
    programmes = []
    for number, head in enumerate(st.programme_heads(nodes), start=1):
        parts = {"goal": [], "strategy": []}
        part = "goal"
        if nodes[head].kind == "ordinal":
            parts["goal"].append(nodes[head].line)
        for node in nodes[head + 1:st.programme_end(nodes, head)]:
            if node.kind == "part":
                part = node.text
            elif node.kind in ("p", "ordinal", "h2"):
                parts[part].append(node.line if node.kind != "p" else node.text)
        programmes.append({"number": number, "name": nodes[head].text[:200], "goal": "\n".join(parts["goal"]),
                           "strategy": "\n".join(parts["strategy"]), "source": nodes[head].line,
                           "_span": (head, st.programme_end(nodes, head))})
    return programmes


def _items(tables, programmes: list[dict]) -> list[dict]:
    items = []
    for year, lines in tables:
        for group in st.table_groups(lines):
            number = st.best_programme(group.name, programmes)
            if number is None:
                number = _new_programme(programmes, group.name)
            for order, text, source in group.items:
                items.append({"year": year, "programme": number, "order": order, "text": text,
                              "departments": list(group.departments), "source": source})
    return items


def _new_programme(programmes: list[dict], name: str | None) -> int:
    """A table names a programme the text has no heading for: it becomes one."""
    number = max((p["number"] for p in programmes), default=0) + 1
    programmes.append({"number": number, "name": (name or f"工程{number}")[:200], "goal": "", "strategy": "",
                       "source": name or "", "_span": None})
    return number


def _departments(items: list[dict]) -> list[str]:
    return list(dict.fromkeys(name for item in items for name in item["departments"]))


# --- targets -----------------------------------------------------------------------------------------------


def _body_targets(nodes: list[st.Node], programmes: list[dict], years: range | None) -> list[dict]:
    """Targets in the overall goal and in each programme's text, dated by the year their sentence (or an
    earlier sentence of the paragraph) names; undated ones by the plan's first year, if it has years."""
    default_year = years.start if years else None
    found = []
    spans = [("总体目标", st.overall_goal_span(nodes))]
    spans += [(p["name"][:100], range(*p["_span"])) for p in programmes if p["_span"]]
    for section, span in spans:
        for i in span:
            if nodes[i].kind in ("p", "ordinal"):
                found += paragraph_targets(nodes[i].text, section=section, default_year=default_year)
    for p in programmes:
        p.pop("_span", None)
    return found


def _table_targets(tables) -> list[dict]:
    found = []
    for year, lines in tables:
        for group in st.table_groups(lines):
            for _order, text, _source in group.items:
                found += paragraph_targets(text, section=f"{year}年行动计划表", default_year=year, fixed_year=True)
    return found


_SENTENCE = re.compile(r"(?<=[。;;!!??])")


def paragraph_targets(text: str, *, section: str, default_year: int | None, fixed_year: bool = False) -> list[dict]:
    """The targets of one paragraph; a sentence without a year takes the last year an earlier one named."""
    found, context = [], None
    for sentence in (s.strip() for s in _SENTENCE.split(text)):
        if not sentence:
            continue
        years = tg.years_in(sentence)
        quantities = tg.quantities(sentence)
        paired = _respectively(sentence, years, quantities)
        for index, quantity in enumerate(quantities):
            if fixed_year:
                year = default_year
            elif paired:
                year = paired[index]
            else:
                before = [y for at, y in years if at < quantity.start]
                year = before[-1] if before else context or default_year
            row = _target_row(sentence, quantity, year, section)
            if row:
                found.append(row)
        if years:
            context = years[-1][1]
    return found


def _respectively(sentence: str, years, quantities) -> list[int] | None:
    """「2020年、2022年…分别达到80%和86%」: the n-th number belongs to the n-th year."""
    if "分别" in sentence and len(years) >= 2 and len(years) == len(quantities):
        return [y for _at, y in years]
    return None


def _target_row(sentence: str, quantity: tg.Quantity, year: int | None, section: str) -> dict | None:
    """One target statement; ``year`` is None when neither the text nor the plan dates it (the reviewer must)."""
    clause = tg.clause_of(sentence, quantity)
    read = tg.reading(clause, quantity)
    if read is None:
        clause = sentence
        read = tg.reading(clause, quantity)
        if read is None:
            return None
    comparator, approximate, words = read
    if quantity.kind == "ratio":  # 「不低于1:2000」 reads ≥ on the ratio: ≤ 2000 students per teacher
        comparator = RATIO_READING[comparator]
    row = {"measure": "", "name": tg.measure_name(clause, quantity.number_text), "unit": quantity.unit,
           "year": year, "comparator": comparator, "value": quantity.value, "low": quantity.low,
           "high": quantity.high, "approximate": approximate, "section": section[:100], "source_text": clause,
           "kind": quantity.kind}
    if quantity.baseline is not None:
        row["baseline"] = quantity.baseline
    if quantity.number_text in tg.WORD_VALUES:
        row["number_text"] = words
    return row


def _name_measures(targets: list[dict]) -> None:
    """One code per distinct measure name, in order of first appearance (the bureau may rename them)."""
    codes: dict[str, str] = {}
    for row in targets:
        key = st.normalise(row["name"])
        row["measure"] = codes.setdefault(key, f"measure_{len(codes) + 1:03d}")


# --- from a (corrected) proposal to the file the loader takes ----------------------------------------------

_ROW_KEYS = {
    "programmes": ("number", "name", "goal", "strategy"),
    "action_items": ("year", "programme", "order", "text", "departments"),
    "targets": ("measure", "name", "unit", "year", "kind", "comparator", "value", "low", "high", "baseline",
                "approximate", "section", "source_text", "number_text"),
}
_PLAN_KEYS = ("key", "title", "doc_number", "issuers", "issued_on", "start_year", "end_year", "overall_goal")


def to_plan_file(proposal: dict, *, known_aliases: dict[str, str] | None = None) -> dict:
    """The plan file of a proposal: rows without their ``source`` (and without dropped rows), and each
    department named as the registry names it (an alias the bureau already knows becomes its department)."""
    aliases = known_aliases or {}
    data = {"format": FORMAT, "plan": {k: proposal["plan"].get(k) for k in _PLAN_KEYS if k in proposal["plan"]}}
    for kind, keys in _ROW_KEYS.items():
        data[kind] = [{k: row[k] for k in keys if k in row} for row in proposal.get(kind, []) if not row.get("dropped")]
    for item in data["action_items"]:
        item["departments"] = list(dict.fromkeys(aliases.get(n, n) for n in item.get("departments") or []))
    data["departments"] = _departments(data["action_items"])
    return data
