"""A plan document (「实施方案」 as .txt or .docx) read into a *proposed* plan file ("edugov-plan/1").

Rule-based and deterministic: the same document always gives the same proposal, which a bureau admin
corrects on the review page before plans.services.loading.plan_load stores it. The patterns it knows:

Header (plans.textimport.proposal)
  * title: 《…》 after 「印发」 in the notice; else the first short line naming a 方案/规划/行动计划 (joined
    with the line before when the title is broken as 「加快推进…发展」 / 「实施方案(2019—2022年)」);
  * 文号 「东党办发〔2019〕43号」 ([〔【(] year [〕】)] number 号); issuers: short lines ending in
    办公室/委员会/人民政府/教育局/领导小组; issued on: 「成文日期 2019-12-24」 or a line 「2019年12月24日」;
  * years: 「2019—2022年」 in the title (else the first and last year the items and targets name).
Structure (plans.textimport.structure)
  * headings 「一、…」 (level 1), 「(一)…」 (level 2), 「一是…」 (ordinal paragraphs); a heading that runs
    on into its paragraph (「(一)加强领导。加强党对…」) is cut at 「。」 or 「一是」;
  * programmes (工程) are, by the first rule that finds any: the (一) headings under a 「重点任务/主要任务/
    重点工程…」 heading; headings naming a 「工程」; the 一、 headings that are not boilerplate (指导思想,
    基本原则, 保障措施 …); the 「一是…」 paragraphs of a document with no headings. Numbered 1, 2, … in order;
    a programme's text under 「1.目标任务」 is its goal, under 「2.实施策略」 its strategy;
  * the overall goal: the paragraphs under a 「总体目标」 heading.
Yearly action tables
  * a table starts at a short line naming a year and 「行动计划/工作计划/推进计划…(表)」 and runs to the next
    table or the next 一、 heading; header cells (工作项目, 责任部门, 牵头单位 …) are skipped;
  * 「(一)」 (alone or followed by the name) opens a programme's rows; its name is matched to the body's
    programme with the most similar name (similarity ≥ 0.6), or becomes a new programme;
  * 「1.…」 is an action item (order, text); a line that is only department names (「教体局、财政局」, each
    ending in 局/委/办/联/委员会/政府/中心 …) gives the responsible departments of all the programme's rows;
    any other line continues the row above.
Targets (plans.textimport.targets)
  * in the overall goal, the programmes' text and every action item: each number with a unit (%, 所, 个,
    名, 万元 …) or a range 「3-5所」/「3—5所」, outside 《》 and quotation marks and not an ordinal (第3所);
    「近百名」 is ≈100; a ratio 「1:2000」/「1∶2000」 is a ratio target on its second term, its comparator
    reversed (「不低于1:2000」: ≤ 2000 students per teacher), and its colon ends no clause;
  * kind from the unit: 万元/亿元/元 money, %/个百分点/倍 a number, any other unit a count of units (所, 个, 名 …);
  * baseline: in 「由91.3%提高到94%」 (提高/提升/增加/增长/上升/下降/降低/减少 + 到/至) the first number is the
    second's baseline, not a target of its own;
  * source sentence: the comma clause holding the number (with a bare 「2020年,」 clause before it kept);
    comparator and 左右 by plans.services.comparators.comparator_from_text, the loader's own rule;
  * year: the table's year in a yearly table; else the last 「2020年」 before the number in its sentence or
    an earlier sentence of the paragraph; 「2020年、2022年…分别达到80%和86%」 pairs years and numbers;
    else the plan's first year; else none (the reviewer gives it);
  * measure name: the words before the number less the verb (达到, 保持在, 控制在 …), or the verb and the
    words after it when the number comes first (「新增3所公办幼儿园」 → 新增公办幼儿园); one code per name.
Not read: yes/no milestones 「出台…办法」 (no number: the reviewer adds them, kind 「是否完成」), words for numbers
other than 近百/近千 (「全员」「各校」), tables laid out by year in columns.
"""
from plans.textimport.proposal import propose
from plans.textimport.reading import UnreadableDocument, clean_lines, document_lines

__all__ = ["UnreadableDocument", "clean_lines", "document_lines", "propose", "propose_from_text"]


def propose_from_text(text: str) -> dict:
    return propose(clean_lines(text.splitlines()))
