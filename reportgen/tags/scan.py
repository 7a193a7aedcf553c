"""Where the tags of a template file are: the Word scanner (body, headers, footers,
document properties: 表格2 第3行第1列 / 第N段) and the Excel scanner (sheet!cell, page
headers/footers). Both hand each piece of text to the checker (reportgen.tags.syntax)
and to the near-miss lint (reportgen.tags.lint)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.tags.lint import near_misses, unbalanced
from reportgen.tags.syntax import ANY, check_source, expression_path

_MARK = re.compile("\x02(\\d+)\x03")


@dataclass
class _Located:
    source: str
    labels: list[str]  # label of each line of source (index = line number - 1)

    def at(self, line: int) -> str:
        return self.labels[min(max(line, 1), len(self.labels)) - 1] if self.labels else ""


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _element_labels(root, prefix: str = "") -> list[str]:
    """A label for every w:p and w:tr under root, in document order: 第N段 for a
    paragraph outside tables, 表格T 第R行第C列 for one in a cell, 表格T 第R行 for a row."""
    # lxml hands out the same proxy for a node while one is referenced: keep them alive.
    table_list = list(root.iterchildren(_w("tbl")))
    tables = {t: n for n, t in enumerate(table_list, start=1)}
    labels, paragraphs = [], 0
    for element in root.iter(_w("p"), _w("tr")):
        ancestors = [element, *element.iterancestors()]
        table_index = next((i for i, a in enumerate(ancestors) if a in tables), None)
        if table_index is None:
            paragraphs += 1
            labels.append(f"{prefix}第{paragraphs}段")
            continue
        table = ancestors[table_index]
        row = ancestors[table_index - 1] if table_index >= 1 else None
        label = f"{prefix}表格{tables[table]}"
        if row is not None and row.tag == _w("tr"):
            label += f" 第{list(table.iterchildren(_w('tr'))).index(row) + 1}行"
            cell = ancestors[table_index - 2] if table_index >= 2 else None
            if cell is not None and cell.tag == _w("tc"):
                label += f"第{list(row.iterchildren(_w('tc'))).index(cell) + 1}列"
        labels.append(label)
    return labels


def _locate(template, root, xml: str, prefix: str = "") -> _Located:
    """docxtpl's patched template text with a line per paragraph/row, each labelled."""
    labels = _element_labels(root, prefix)
    pattern = re.compile(r"<w:(?:p|tr)[ >/]")
    if len(pattern.findall(xml)) != len(labels):  # unexpected XML: no places, still checked
        patched = template.patch_xml(xml)
        return _Located(patched, [prefix.strip() or "正文"] * (patched.count("\n") + 1))
    counter = iter(range(len(labels)))
    marked = pattern.sub(lambda m: f"\x02{next(counter)}\x03{m.group(0)}", xml)
    pieces = _MARK.split(template.patch_xml(marked))
    lines_labels = [prefix.strip() or "正文"] * (pieces[0].count("\n") + 1)
    source = [pieces[0]]
    for number, text in zip(pieces[1::2], pieces[2::2], strict=True):
        source.append(text)
        lines_labels.extend([labels[int(number)]] * (text.count("\n") + 1))
    return _Located("\n".join(source), lines_labels)


def delimiter_problems(root, prefix: str = "") -> list[tuple[str, str]]:
    labels = _element_labels(root, prefix)
    problems = []
    for element, label in zip(root.iter(_w("p"), _w("tr")), labels, strict=True):
        if element.tag != _w("p"):
            continue
        text = "".join(t.text or "" for t in element.iter(_w("t")))
        problem = unbalanced(text)
        if problem:
            shown = text if len(text) <= 40 else text[:40] + "……"
            problems.append((label, f"标签不完整：{problem}。这一段的文字是「{shown}」；"
                                    f"每个标签必须写在同一段里，以 {{{{ 与 }}}}（或 {{% 与 %}}）成对括起。"))
    return problems


def docx_parts(path: Path):
    """(label prefix, located source) for the body, headers and footers of a template."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    document = template.get_docx()
    body = document.element.body
    yield body, "", _locate(template, body, template.get_xml())
    for reltype, name in ((RT.HEADER, "页眉"), (RT.FOOTER, "页脚")):
        parts = [rel.target_part for rel in document.part.rels.values()
                 if rel.reltype == reltype and rel.target_part.blob]
        for number, part in enumerate(parts, start=1):
            root = parse_xml(part.blob)
            prefix = f"{name}{number if len(parts) > 1 else ''} "
            yield root, prefix, _locate(template, root, template.xml_to_string(root), prefix)
    properties = document.core_properties
    for attribute, name in (("title", "标题"), ("subject", "主题"), ("author", "作者"),
                            ("comments", "备注"), ("identifier", "标识"), ("language", "语言")):
        text = getattr(properties, attribute) or ""
        if "{" in text:
            yield None, "", _Located(text, [f"文档属性「{name}」"] * (text.count("\n") + 1))


def scan_docx(path: Path, known: frozenset[str]) -> list[tuple[str, str]]:
    """(where, message) for every problem of a Word template."""
    problems: list[tuple[str, str]] = []
    for root, prefix, located in docx_parts(path):
        if root is not None:
            problems.extend(paragraph_near_misses(root, prefix))  # {{ typed as ｛｛, { {…
            broken = delimiter_problems(root, prefix)
            if broken:  # the Jinja text docxtpl makes of it would only mislead
                problems.extend(broken)
                continue
        check_source(located.source, known,
                     lambda line, message, located=located: problems.append((located.at(line), message)))
    return problems


# ---------------------------------------------------------------- Excel templates

# The row loops of reportgen.render.xlsx: a cell holding only {%tr for NAME in EXPR %}
# starts a loop over the rows below it, one holding only {%tr endfor %} ends it.
_XLSX_LOOP_START = re.compile(r"\s*{%-?\s*tr\s+for\s+(\w+)\s+in\s+(.+?)\s*-?%}\s*")
_XLSX_LOOP_END = re.compile(r"\s*{%-?\s*tr\s+endfor\s*-?%}\s*")


def scan_xlsx(path: Path, known: frozenset[str]) -> list[tuple[str, str]]:
    """(where, message) for every problem of an Excel template: each cell's text is a
    template of its own; the row loops (first sheet only) bind their variable for the rows
    they repeat; the page header/footer texts of every sheet are templates too. What is
    checked is what reportgen.render.xlsx renders (formulas of the other sheets are kept)."""
    from openpyxl import load_workbook

    from reportgen.render.xlsx import has_tags, header_footer_texts

    problems: list[tuple[str, str]] = []
    workbook = load_workbook(path)
    header_footers = header_footer_texts(path)
    for number, sheet in enumerate(workbook.worksheets):
        scope: dict[str, str] = {}
        loop_open: str | None = None
        for row in sheet.iter_rows():
            starts = []
            for cell in row:
                text = cell.value
                where = f"{sheet.title}!{cell.coordinate}"
                if isinstance(text, str) and cell.data_type != "f":
                    problems.extend((where, message) for message in near_misses(text))
                if not has_tags(text) or (number and cell.data_type == "f"):
                    continue

                def report(line: int, message: str, where: str = where) -> None:
                    problems.append((where, message))

                if number and (_XLSX_LOOP_START.fullmatch(text) or _XLSX_LOOP_END.fullmatch(text)):
                    report(1, f"行循环 {{%tr … %}} 只能用在第一个工作表（「{workbook.worksheets[0].title}」）中；"
                              f"其他工作表中只能用普通标签，不能重复行。")
                    continue
                if match := _XLSX_LOOP_START.fullmatch(text):
                    if loop_open:
                        report(1, f"上一个循环（{loop_open}）还没有用 {{%tr endfor %}} 结束，不能嵌套循环。")
                    starts.append((match.group(1), match.group(2), where, report))
                    continue
                if _XLSX_LOOP_END.fullmatch(text):
                    if not loop_open:
                        report(1, "{%tr endfor %} 前面没有对应的 {%tr for … %}。")
                    scope, loop_open = {}, None
                    continue
                check_source(text, known, report, scope)
            for name, expression, where, report in starts:
                check_source("{{ " + expression + " }}", known, report)
                path = expression_path(expression, known)
                scope = {name: f"{path}[]" if path and f"{path}[]" in known else ANY}
                loop_open = where
        if loop_open:
            problems.append((loop_open, "这个循环没有用 {%tr endfor %} 结束。"))
        for label, text in header_footers.get(sheet.title, ()):
            problems.extend((f"{sheet.title} {label}", message) for message in near_misses(text))
            if has_tags(text):
                check_source(text, known, lambda line, message, where=f"{sheet.title} {label}":
                             problems.append((where, message)))
    return problems


def paragraph_near_misses(root, prefix: str = "") -> list[tuple[str, str]]:
    """(where, message) for every Word paragraph under root holding a near-miss tag."""
    problems = []
    for element, label in zip(root.iter(_w("p"), _w("tr")), _element_labels(root, prefix), strict=True):
        if element.tag == _w("p"):
            text = "".join(t.text or "" for t in element.iter(_w("t")))
            problems += [(label, message) for message in near_misses(text)]
    return problems
