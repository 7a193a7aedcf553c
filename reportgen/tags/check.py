"""Check the templates an admin edited: Jinja syntax, unknown variables and filters,
each reported with the template file and where in it (Word: 表格2 第3行第1列 / 第N段;
Excel: sheet!cell). Used by ``reportgen templates check`` and, when a build fails on a
template, to say which tag is wrong.

Every template kind has its own scanner (``scan_docx``, ``scan_xlsx``); both feed the
template text to one checker that walks the Jinja syntax tree and resolves every name
against the variable table of ``reportgen.tags.variables`` (loop variables such as ``row``
resolve to the items of the list they loop over: ``row.score`` -> ``rows[].score``).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import jinja2

from reportgen.errors import NotFound
from reportgen.file_cache import FileKey, by_file_version
from reportgen.findings import Finding, error
from reportgen.tags.scan import scan_docx, scan_xlsx
from reportgen.tags.syntax import syntax_message
from reportgen.tags.variables import GUIDE_NAME

TEMPLATE_SUFFIXES = (".docx", ".xlsx")

# ---------------------------------------------------------------- whole folders

SCANNERS = {".docx": scan_docx, ".xlsx": scan_xlsx}


def display(path: Path) -> str:
    """A path as the user typed it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def check_template(path: Path, known: frozenset[str]) -> list[Finding]:
    """Every problem of one template file (whose variables are `known`: the kind's
    VariableTable.known), as findings located in it."""
    scanner = SCANNERS.get(path.suffix.lower())
    if scanner is None:
        return []
    try:
        problems = scanner(path, known)
    except Exception as exc:  # a damaged file is a finding, not a crash
        return [error(display(path), f"无法打开模板文件（{type(exc).__name__}：{exc}）。"
                                     f"请用 Word/Excel 打开并重新保存，或从备份恢复。")]
    seen, findings = set(), []
    for where, message in problems:
        if (where, message) not in seen:
            seen.add((where, message))
            findings.append(error(f"{display(path)} {where}".strip(), message))
    return findings


# ---------------------------------------------------------------- a build that failed on a template


def _template_errors() -> tuple[type[BaseException], ...]:
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError

    errors: list[type[BaseException]] = [jinja2.TemplateError, zipfile.BadZipFile, PackageNotFoundError]
    try:
        from reportgen.render.xlsx import TemplateError as XlsxTemplateError
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
        return text  # already Chinese (reportgen.render.xlsx)
    return f"无法打开模板文件（{type(exc).__name__}）。请用 Word/Excel 打开并重新保存，或从备份恢复。"


def render_failure(exc: BaseException, candidates: list[Path], known: frozenset[str]) -> list[Finding] | None:
    """Findings for a build that failed on its template (the first of `candidates` that
    exists: the year's before the kind's), or None when exc is not about the template."""
    template = next((p for p in candidates if p.is_file()), None)
    name = candidates[-1].name
    templates_dir = candidates[-1].parent
    if template is None:
        if isinstance(exc, (FileNotFoundError, NotFound)):
            return [error(display(templates_dir / name),
                          f"找不到模板文件 {name}（也没有 {display(candidates[0])}）。请把模板放进 "
                          f"{display(templates_dir)}，或用 --templates 指定模板文件夹；"
                          f"reportgen init 可以建立带模板的工作文件夹。")]
        return None
    if not isinstance(exc, _template_errors()):
        return None
    findings = check_template(template, known)
    advice = f"请改正模板 {display(template)} 后重试（可运行 reportgen templates check 检查全部模板）。"
    if findings:
        return [*findings, error(display(template), advice)]
    return [error(display(template), f"{_fallback(exc)}{advice}")]


_CHECKED: dict[tuple[FileKey, frozenset[str]], list[Finding]] = {}


def _checked(path: Path, known: frozenset[str]) -> list[Finding]:
    """check_template's findings, kept on disk between runs (reportgen.disk_cache) for the
    file's content, the variables known and the path as shown in the findings."""
    from reportgen.disk_cache import cached

    extra = "\n".join([display(path), *sorted(known)]).encode()
    return cached("template-check", path, lambda: check_template(path, known), extra=extra)


def preflight(template: Path, known: frozenset[str]) -> list[Finding]:
    """Before rendering with a Word template: its problems (checked once per file
    version in a process). docxtpl would render a tag with a missing }} silently,
    swallowing the text after it, so this is checked before, not after a failure."""
    if template.suffix.lower() != ".docx":
        return []  # the .xlsx renderer fails on every broken tag; render_failure explains it
    findings = list(by_file_version(_CHECKED, template, lambda path: _checked(path, known), limit=32, extra=known))
    if findings:
        findings.append(error(display(template), f"请改正模板 {display(template)} 后重试"
                                                 f"（可运行 reportgen templates check 检查全部模板）。"))
    return findings

