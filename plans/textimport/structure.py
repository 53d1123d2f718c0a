"""Headings, programmes, the overall goal and the yearly action tables of a plan document's lines.

Pure functions of the lines; see plans.textimport for the patterns.
"""
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

_CN = "一二三四五六七八九十"
TOP = re.compile(rf"^([{_CN}]{{1,3}})\s*[、.．]\s*(.+)$")
SUB = re.compile(rf"^[((]\s*([{_CN}]{{1,3}})\s*[))]\s*(.*)$")
ORDINAL = re.compile(rf"^([{_CN}]{{1,3}})是\s*[,,、]?\s*(.+)$")
NUMBERED = re.compile(r"^(\d{1,2})\s*[.．、]\s*(.+)$")
PART_GOAL = re.compile(r"^\d{1,2}\s*[.．、]\s*(目标任务|主要目标|工作目标|发展目标|目标)[。::]?$")
PART_STRATEGY = re.compile(
    r"^\d{1,2}\s*[.．、]\s*(实施策略|主要举措|实施路径|工作措施|主要措施|具体措施|推进措施|实施举措)[。::]?$")
TABLE = re.compile(
    r"((?:19|20)\d{2})\s*年度?[^,。,;;]{0,16}?(行动计划|工作计划|推进计划|实施计划|任务分解|工作任务|重点任务)表?")
TASKS = re.compile(r"重点任务|主要任务|重点工程|工作任务|主要工作|重点工作|主要举措|任务措施")
OVERALL = re.compile(r"^(总体目标|发展目标|工作目标|主要目标|目标任务)$")
BOILERPLATE = re.compile(r"指导思想|基本原则|实施原则|总体要求|基本要求|工作要求|总体目标|发展目标|工作目标|主要目标|"
                         r"保障措施|保障机制|组织保障|组织领导|组织实施|发展背景|背景|实施步骤|进度安排|工作进程")
TABLE_HEADER = {"工作项目", "重点工作内容与目标", "重点工作内容", "工作内容", "责任", "部门", "责任部门", "责任单位",
                "牵头单位", "配合单位", "序号", "完成时限", "时间", "工作任务", "任务", "项目"}
_DEPARTMENT = re.compile(
    r"^[\u4e00-\u9fa5]{1,14}(局|委|办|联|委员会|政府|部|院|中心|分局|队|会|馆|社|厅|处|站|团|街道|镇|办公室)$")
_DEPARTMENT_SPLIT = re.compile(r"[、,,;;/\s]+")
HEADING_MAX = 60


@dataclass
class Node:
    kind: str  # "h1", "h2", "ordinal", "part", "p"
    text: str  # the heading's title, the part's kind, or the paragraph
    line: str  # the line as written


@dataclass
class Group:
    """One programme's rows in one yearly table."""
    name: str | None
    items: list = field(default_factory=list)  # [order, text, source line]
    departments: list = field(default_factory=list)


def split_heading(text: str) -> tuple[str, str]:
    """「加强领导。加强党对…」 → (「加强领导」, 「加强党对…」); a heading that runs on into 一是… too."""
    cuts = [i for i in (text.find("。"), text.find("一是")) if i > 0]
    cut = min(cuts) if cuts else -1
    if 0 < cut <= HEADING_MAX:
        return text[:cut].strip(), text[cut:].lstrip("。").strip()
    if len(text) <= HEADING_MAX and not cuts:
        return text.strip(), ""
    clause = re.split(r"[,,;;]", text, maxsplit=1)[0]
    return clause[:HEADING_MAX].strip(), text


def body_nodes(lines: list[str]) -> list[Node]:
    nodes = []
    for line in lines:
        for pattern, kind in ((TOP, "h1"), (SUB, "h2")):
            m = pattern.match(line)
            if m and m.group(2):
                title, rest = split_heading(m.group(2))
                nodes.append(Node(kind, title, line))
                if rest:
                    nodes.append(Node("p", rest, line))
                break
        else:
            nodes.append(_plain_node(line))
    return nodes


def _plain_node(line: str) -> Node:
    if PART_GOAL.match(line):
        return Node("part", "goal", line)
    if PART_STRATEGY.match(line):
        return Node("part", "strategy", line)
    m = ORDINAL.match(line)
    if m:
        return Node("ordinal", split_heading(m.group(2))[0], line)
    return Node("p", line, line)


def programme_heads(nodes: list[Node]) -> list[int]:
    """Indexes of the nodes that open a programme, by the first rule that finds any:
    the (一) headings under a 「重点任务」 heading; headings naming a 工程; the 一、 headings that are not
    boilerplate (指导思想, 保障措施 …); the 「一是…」 paragraphs."""
    for i, node in enumerate(nodes):
        if node.kind == "h1" and TASKS.search(node.text):
            end = next((j for j in range(i + 1, len(nodes)) if nodes[j].kind == "h1"), len(nodes))
            heads = [j for j in range(i + 1, end) if nodes[j].kind == "h2"]
            if heads:
                return heads
    rules = (
        lambda n: n.kind in ("h1", "h2") and "工程" in n.text,
        lambda n: n.kind == "h1" and not BOILERPLATE.search(n.text),
        lambda n: n.kind == "ordinal",
    )
    for rule in rules:
        heads = [i for i, node in enumerate(nodes) if rule(node)]
        if heads:
            return heads
    return []


def programme_end(nodes: list[Node], head: int) -> int:
    """A programme runs to the next heading of its level or above."""
    levels = {"h1": ("h1",), "h2": ("h1", "h2"), "ordinal": ("h1", "h2", "ordinal")}[nodes[head].kind]
    return next((j for j in range(head + 1, len(nodes)) if nodes[j].kind in levels), len(nodes))


def overall_goal_span(nodes: list[Node]) -> range:
    for i, node in enumerate(nodes):
        if node.kind in ("h1", "h2") and OVERALL.match(node.text.strip()):
            end = next((j for j in range(i + 1, len(nodes)) if nodes[j].kind in ("h1", "h2")), len(nodes))
            return range(i + 1, end)
    return range(0)


# --- yearly tables --------------------------------------------------------------------------------------


def table_year(line: str) -> int | None:
    """The year of a yearly action table's heading (「一、东胜区推进教育现代化2019年行动计划表」)."""
    if len(line) > 60:
        return None
    m = TABLE.search(line)
    return int(m.group(1)) if m else None


def split_regions(lines: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(body lines, [(year, table lines)]): a table runs to the next table or to the next 一、 heading."""
    body, tables, current = [], [], None
    for line in lines:
        year = table_year(line)
        if year is not None:
            current = (year, [])
            tables.append(current)
        elif current is not None and TOP.match(line) and not SUB.match(line):
            current = None
            body.append(line)
        elif current is not None:
            current[1].append(line)
        else:
            body.append(line)
    return body, tables


def department_names(line: str) -> list[str] | None:
    """「教体局、财政局」 → the names; None when the line is not a list of departments."""
    if len(line) > 80 or NUMBERED.match(line):
        return None
    names = [n for n in _DEPARTMENT_SPLIT.split(line) if n]
    if names and all(_DEPARTMENT.match(n) for n in names):
        return names
    return None


def table_groups(lines: list[str]) -> list[Group]:
    groups: list[Group] = []
    for line in lines:
        compact = re.sub(r"\s+", "", line)
        if compact in TABLE_HEADER:
            continue
        m = SUB.match(line)
        if m:
            groups.append(Group(name=re.sub(r"\s+", "", m.group(2)) or None))
            continue
        if groups and groups[-1].name is None and not NUMBERED.match(line):
            groups[-1].name = compact
            continue
        _table_row(groups, line)
    return [g for g in groups if g.items]


def _table_row(groups: list[Group], line: str) -> None:
    m = NUMBERED.match(line)
    if m:
        if not groups:
            groups.append(Group(name=None))
        groups[-1].items.append([int(m.group(1)), m.group(2).strip(), line])
        return
    names = department_names(line)
    if names and groups:
        groups[-1].departments = names
    elif groups and groups[-1].items:  # a paragraph that goes on from the row above
        groups[-1].items[-1][1] += line
        groups[-1].items[-1][2] += "\n" + line


def best_programme(name: str | None, programmes: list[dict]) -> int | None:
    """The number of the body programme whose name is nearest to a table group's (similarity ≥ 0.6)."""
    if not name:
        return None
    scored = [(SequenceMatcher(None, normalise(name), normalise(p["name"])).ratio(), p["number"]) for p in programmes]
    best = max(scored, default=(0, None))
    return best[1] if best[0] >= 0.6 else None


def normalise(text: str) -> str:
    """For comparing words: no spaces, no leading 「1.」, no closing punctuation, full-width ( ) as ( )."""
    text = re.sub(r"\s+", "", text or "")
    text = re.sub(r"^\d{1,2}[.．、]", "", text)
    return re.sub(r"[。;;,,.]+$", "", text.replace("(", "(").replace(")", ")"))
