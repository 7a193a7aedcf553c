"""Check the templates an admin edited: Jinja syntax, unknown variables and filters,
each reported with the template file and where in it (Word: 表格2 第3行第1列 / 第N段;
Excel: sheet!cell). Used by ``reportgen templates check`` and, when a build fails on a
template, to say which tag is wrong.

Every template kind has its own scanner (``scan_docx``, ``scan_xlsx``); both feed the
template text to one checker that walks the Jinja syntax tree and resolves every name
against the variable table of ``reportgen.variables`` (loop variables such as ``row``
resolve to the items of the list they loop over: ``row.score`` -> ``rows[].score``).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from reportgen.file_cache import FileKey, by_file_version
from reportgen.findings import Finding, error
from reportgen.formats import FILTERS
from reportgen.tag_lint import near_misses, paragraph_near_misses
from reportgen.variables import GUIDE_NAME, KNOWN

TEMPLATE_SUFFIXES = (".docx", ".xlsx")
ANY = "*"  # a value whose shape is not checked ({% set %} variables, loop, results of calls)
_BUILTIN_NAMES = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false",
                  "none", "True", "False", "None", "caller", "varargs", "kwargs", "super", "self"}
_SKIP_TESTS = {"defined", "undefined"}

Report = Callable[[int, str], None]  # (line number in the checked source, Chinese message)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    return env


# ---------------------------------------------------------------- messages

_SYNTAX_MESSAGES = [
    (r"No filter named '([^']+)'.*",
     lambda m: f"没有名为「{m[1]}」的过滤器（可用的过滤器：{'、'.join(FILTERS)}）"),
    (r"No test named '([^']+)'.*", lambda m: f"没有名为「{m[1]}」的判断"),
    (r"Unexpected end of template\. Jinja was looking for the following tags: (.*?)\. "
     r"The innermost block that needs to be closed is '([^']+)'\.?",
     lambda m: f"「{{% {m[2]} … %}}」没有结束，缺少 {_tags(m[1])}"),
    (r"Encountered unknown tag '([^']+)'\. Jinja was looking for the following tags: (.*?)\. "
     r"The innermost block that needs to be closed is '([^']+)'\.?",
     lambda m: f"不认识或位置不对的标签「{{% {m[1]} %}}」（此处应先用 {_tags(m[2])} 结束「{{% {m[3]} … %}}」）"),
    (r"Encountered unknown tag '([^']+)'\.?",
     lambda m: f"不认识或位置不对的标签「{{% {m[1]} %}}」（例如 endfor 前面没有对应的 for）"),
    (r"Unexpected end of template.*", lambda m: "模板在标签中间结束了，缺少结尾的 }} 或 %}"),
    (r"unexpected '([^']+)'", lambda m: f"标签中有多余或位置不对的「{m[1]}」"),
    (r"unexpected char '([^']+)'.*", lambda m: f"标签中有不能使用的字符「{m[1]}」"),
    (r"expected token '([^']+)', got '([^']+)'",
     lambda m: f"标签写法不对：在「{m[2]}」处应为「{_token(m[1])}」（标签中的名称之间不能有空格）"),
    (r"Expected an expression, got '([^']+)'", lambda m: "标签是空的或缺少变量名"),
    (r"unexpected end of template.*", lambda m: "模板在标签中间结束了，缺少结尾的 }} 或 %}"),
]


def _tags(listing: str) -> str:
    names = re.findall(r"'([^']+)'", listing)
    return " 或 ".join(f"{{% {n} %}}" for n in names) or listing


def _token(token: str) -> str:
    return {"end of print statement": "}}", "end of statement block": "%}"}.get(token, token)


def syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    text = (exc.message or str(exc)).strip()
    for pattern, build in _SYNTAX_MESSAGES:
        match = re.fullmatch(pattern, text, flags=re.S)
        if match:
            return f"标签语法错误：{build(match)}。"
    return f"标签语法错误（{text}）。请检查 {{{{ }}}} 和 {{% %}} 是否成对、拼写是否正确。"


# ---------------------------------------------------------------- the checker


def written(node: nodes.Node) -> str | None:
    """An expression as the admin wrote it: row.scroe, goals[0].target."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = written(node.node)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = written(node.node)
        key = node.arg.value
        if base is None:
            return None
        return f"{base}.{key}" if isinstance(key, str) else f"{base}[{key}]"
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Checker:
    """Walks a Jinja syntax tree; reports unknown variables and filters."""

    def __init__(self, known: frozenset[str], report: Report):
        self.known = known
        self.report = report

    # -- paths
    def is_list(self, path: str) -> bool:
        return f"{path}[]" in self.known

    def is_leaf(self, path: str) -> bool:
        return path in self.known and not any(
            p.startswith((f"{path}.", f"{path}[]")) for p in self.known)

    def children(self, path: str) -> list[str]:
        prefix = f"{path}." if path else ""
        return sorted({p[len(prefix):].split(".")[0].split("[]")[0]
                       for p in self.known if p.startswith(prefix) and p != path} - {""})

    def unknown(self, node: nodes.Node, parent: str, key: str) -> str:
        """Report node (an unknown name or attribute); returns ANY so it is told once."""
        text = written(node) or key
        hint = ""
        close = difflib.get_close_matches(key, self.children(parent), n=1, cutoff=0.6)
        if close:
            suggestion = text[: len(text) - len(key)] + close[0]
            hint = f"，是不是「{suggestion}」？"
        self.report(node.lineno, f"标签中的「{text}」不是可用的变量{hint}"
                                 f"（可用的变量见 {GUIDE_NAME} 的变量表）。")
        return ANY

    # -- expressions
    def resolve(self, node: nodes.Node, scope: dict[str, str]) -> str | None:
        """The variable path an expression names ('rows[].score'), ANY, or None when it
        names no variable (a constant, a filter's result…). Unknown names are reported."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in _BUILTIN_NAMES:
                return ANY
            if node.name in self.known:
                return node.name
            return self.unknown(node, "", node.name)
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base = self.resolve(node.node, scope)
            if isinstance(node, nodes.Getitem):
                self.visit(node.arg, scope)
            if base is None or base == ANY:
                return base if base == ANY else None
            if isinstance(node, nodes.Getattr):
                key = node.attr
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                key = node.arg.value
            elif self.is_list(base):
                return f"{base}[]"
            else:
                return ANY
            if self.is_list(base) or self.is_leaf(base):
                return ANY  # a method of a list or a text (goal.completion.append, name.strip)
            path = _join(base, key)
            if path in self.known:
                return path
            return self.unknown(node, base, key)
        self.visit(node, scope)
        return None

    # -- statements and everything else
    def bind(self, target: nodes.Node, path: str | None, scope: dict[str, str]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = path if path and path != ANY else ANY
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY, scope)

    def visit_body(self, body: Iterable[nodes.Node], scope: dict[str, str]) -> None:
        for child in body:
            self.visit(child, scope)

    def visit(self, node: nodes.Node, scope: dict[str, str]) -> None:
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.resolve(node, scope)
        elif isinstance(node, nodes.For):
            iterated = self.resolve(node.iter, scope)
            inner = dict(scope, loop=ANY)
            item = f"{iterated}[]" if iterated and iterated != ANY and self.is_list(iterated) else ANY
            self.bind(node.target, item, inner)
            if node.test is not None:
                self.visit(node.test, inner)
            self.visit_body(node.body, inner)
            self.visit_body(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            value = self.resolve(node.node, scope)
            self.bind(node.target, value, scope)
        elif isinstance(node, nodes.AssignBlock):
            self.visit_body(node.body, dict(scope))
            self.bind(node.target, ANY, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.resolve(value, scope), inner)
            self.visit_body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope, caller=ANY)
            for arg in node.args:
                self.bind(arg, ANY, inner)
            if isinstance(node, nodes.Macro):
                scope[node.name] = ANY
            else:
                self.visit(node.call, scope)
            self.visit_body(node.body, inner)
        elif isinstance(node, nodes.Test) and node.name in _SKIP_TESTS:
            return  # {% if x is defined %} may name what does not exist
        else:
            if isinstance(node, nodes.Filter | nodes.FilterBlock) and node.name not in FILTERS \
                    and node.name not in jinja2.defaults.DEFAULT_FILTERS:
                self.report(node.lineno, f"没有名为「{node.name}」的过滤器"
                                         f"（可用的过滤器：{'、'.join(FILTERS)}）。")
            for child in node.iter_child_nodes():
                self.visit(child, scope)


def check_source(source: str, known: frozenset[str], report: Report,
                 scope: dict[str, str] | None = None) -> None:
    """Parse a template text and report what is wrong with it."""
    env = environment()
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        report(exc.lineno or 1, syntax_message(exc))
        return
    problems = []

    def collect(line: int, message: str) -> None:
        problems.append((line, message))
        report(line, message)

    Checker(known, collect).visit(tree, dict(scope or {}))
    if problems:
        return
    try:
        env.compile(source)
    except jinja2.TemplateSyntaxError as exc:  # what only the compiler sees
        report(exc.lineno or 1, syntax_message(exc))


# ---------------------------------------------------------------- Word templates

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


_DELIMITERS = re.compile(r"{{|}}|{%|%}|{#|#}")
_CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}


def unbalanced(text: str) -> str | None:
    """What is wrong with the tag delimiters of one paragraph's text, or None. Word keeps
    a tag inside one paragraph; docxtpl would silently swallow the text after an
    unclosed one."""
    opened: str | None = None
    for match in _DELIMITERS.finditer(text):
        token = match.group(0)
        if token in _CLOSING:
            if opened:
                return f"「{opened}」没有对应的「{_CLOSING[opened]}」"
            opened = token
        elif opened is None or _CLOSING[opened] != token:
            expected = f"（应为「{_CLOSING[opened]}」）" if opened else ""
            return f"「{token}」前面没有对应的开头{expected}"
        else:
            opened = None
    return f"「{opened}」没有对应的「{_CLOSING[opened]}」" if opened else None


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


def scan_docx(path: Path, known: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(where, message) for every problem of a Word template."""
    known = known if known is not None else KNOWN
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

# The row loops of reportgen.render_xlsx: a cell holding only {%tr for NAME in EXPR %}
# starts a loop over the rows below it, one holding only {%tr endfor %} ends it.
_XLSX_LOOP_START = re.compile(r"\s*{%-?\s*tr\s+for\s+(\w+)\s+in\s+(.+?)\s*-?%}\s*")
_XLSX_LOOP_END = re.compile(r"\s*{%-?\s*tr\s+endfor\s*-?%}\s*")


def scan_xlsx(path: Path, known: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(where, message) for every problem of an Excel template: each cell's text is a
    template of its own; the row loops (first sheet only) bind their variable for the rows
    they repeat; the page header/footer texts of every sheet are templates too. What is
    checked is what reportgen.render_xlsx renders (formulas of the other sheets are kept)."""
    from openpyxl import load_workbook

    from reportgen.render_xlsx import has_tags, header_footer_texts

    known = known if known is not None else KNOWN
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
                path = _expression_path(expression, known)
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


def _expression_path(expression: str, known: frozenset[str]) -> str | None:
    try:
        tree = environment().parse("{{ " + expression + " }}")
    except jinja2.TemplateSyntaxError:
        return None
    output = tree.body[0]
    node = output.nodes[0] if isinstance(output, nodes.Output) and output.nodes else None
    if node is None:
        return None
    path = Checker(known, lambda line, message: None).resolve(node, {})
    return None if path == ANY else path


# ---------------------------------------------------------------- whole folders

SCANNERS = {".docx": scan_docx, ".xlsx": scan_xlsx}


def display(path: Path) -> str:
    """A path as the user typed it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def check_template(path: Path) -> list[Finding]:
    """Every problem of one template file, as findings located in it."""
    scanner = SCANNERS.get(path.suffix.lower())
    if scanner is None:
        return []
    try:
        problems = scanner(path)
    except Exception as exc:  # a damaged file is a finding, not a crash
        return [error(display(path), f"无法打开模板文件（{type(exc).__name__}：{exc}）。"
                                     f"请用 Word/Excel 打开并重新保存，或从备份恢复。")]
    seen, findings = set(), []
    for where, message in problems:
        if (where, message) not in seen:
            seen.add((where, message))
            findings.append(error(f"{display(path)} {where}".strip(), message))
    return findings


def template_files(templates_dir: Path, year: int | None = None) -> list[Path]:
    """templates/*.docx|xlsx and templates/<year>/*.docx|xlsx (every year without --year)."""
    def files(folder: Path) -> list[Path]:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir()
                      if p.is_file() and p.suffix.lower() in TEMPLATE_SUFFIXES
                      and not p.name.startswith((".", "~$")))

    found = files(templates_dir)
    if year is not None:
        found += files(templates_dir / str(year))
    else:
        for folder in sorted(p for p in templates_dir.iterdir() if p.is_dir() and p.name.isdigit()) \
                if templates_dir.is_dir() else []:
            found += files(folder)
    return found


# ---------------------------------------------------------------- a build that failed on a template


def _template_errors() -> tuple[type[BaseException], ...]:
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError

    errors: list[type[BaseException]] = [jinja2.TemplateError, zipfile.BadZipFile, PackageNotFoundError]
    try:
        from reportgen.render_xlsx import TemplateError as XlsxTemplateError
    except ImportError:  # pragma: no cover - the .xlsx renderer is optional here
        pass
    else:
        errors.append(XlsxTemplateError)
    return tuple(errors)


def _fallback(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    if match := re.search(r"'([^']+)' is undefined", text):
        return f"标签中的「{match[1]}」不是可用的变量（可用的变量见 {GUIDE_NAME} 的变量表）。"
    if match := re.search(r"has no attribute '([^']+)'", text):
        return f"标签中的「….{match[1]}」不是可用的变量（可用的变量见 {GUIDE_NAME} 的变量表）。"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return syntax_message(exc)
    if isinstance(exc, jinja2.TemplateError):
        return f"模板无法生成（{text}）。"
    if re.search(r"[\u4e00-\u9fff]", text):
        return text  # already Chinese (reportgen.render_xlsx)
    return f"无法打开模板文件（{type(exc).__name__}）。请用 Word/Excel 打开并重新保存，或从备份恢复。"


def render_failure(exc: BaseException, templates_dir: Path, year: int, name: str) -> list[Finding] | None:
    """Findings for a build that failed on its template (file `name`, templates/<year>/
    before templates/), or None when exc is not about the template."""
    candidates = [templates_dir / str(year) / name, templates_dir / name]
    template = next((p for p in candidates if p.is_file()), None)
    if template is None:
        if isinstance(exc, FileNotFoundError):
            return [error(display(templates_dir / name),
                          f"找不到模板文件 {name}（也没有 {display(candidates[0])}）。请把模板放进 "
                          f"{display(templates_dir)}，或用 --templates 指定模板文件夹；"
                          f"reportgen init 可以建立带模板的工作文件夹。")]
        return None
    if not isinstance(exc, _template_errors()):
        return None
    findings = check_template(template)
    advice = f"请改正模板 {display(template)} 后重试（可运行 reportgen templates check 检查全部模板）。"
    if findings:
        return [*findings, error(display(template), advice)]
    return [error(display(template), f"{_fallback(exc)}{advice}")]


_CHECKED: dict[FileKey, list[Finding]] = {}


def preflight(template: Path) -> list[Finding]:
    """Before rendering with a Word template: its problems (checked once per file
    version in a process). docxtpl would render a tag with a missing }} silently,
    swallowing the text after it, so this is checked before, not after a failure."""
    if template.suffix.lower() != ".docx":
        return []  # the .xlsx renderer fails on every broken tag; render_failure explains it
    findings = list(by_file_version(_CHECKED, template, check_template, limit=32))
    if findings:
        findings.append(error(display(template), f"请改正模板 {display(template)} 后重试"
                                                 f"（可运行 reportgen templates check 检查全部模板）。"))
    return findings
