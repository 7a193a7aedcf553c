"""Open XML validity of .docx/.xlsx files, with the openxml-audit validator.

Word and Excel offer to "repair" a file whose XML breaks the schema (misordered table
properties, a stylesWithEffects part that disagrees with styles.xml, …); LibreOffice
forgives such files, so reading them back is not enough. ``problems`` runs the validator
(modelled on Microsoft's Open XML SDK) and drops only the findings listed in
FALSE_POSITIVES, each with its evidence. Used by ``reportgen templates check`` (named in
Chinese there) and by the tests for every generated file (tests/ooxml.py).

openxml-audit is a test dependency (the ``test`` extra): a finance office that only
builds forms does not need it. It is imported lazily; ``available()`` tells whether it
is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Findings that are validator false positives, by (part, path pattern, message pattern).
#
# CT_Font (the <font> of xl/styles.xml): ECMA-376 Part 1, sml.xsd defines
#   <xsd:complexType name="CT_Font"><xsd:choice maxOccurs="unbounded">
#     b i strike condense extend outline shadow u vertAlign sz color name family charset
#     scheme </xsd:choice></xsd:complexType>
# i.e. its children may come in any order; the validator checks them as a sequence.
# openpyxl writes <name/><family/><color/><sz/>…, and a plain openpyxl Workbook(), which
# Excel opens without a repair prompt, draws the same finding
# (tests/test_ooxml_valid.py::test_plain_openpyxl_workbook_draws_the_font_order_finding).
_FONT_CHILDREN = "b|i|strike|condense|extend|outline|shadow|u|vertAlign|sz|color|name|family|charset|scheme"
#
# w:val of the table-row properties w:cantSplit, w:tblHeader, w:hidden: CT_OnOff, whose val
# is ST_OnOff = the union of xsd:boolean (true false 1 0) and on/off (shared-commonSimple-
# Types.xsd; ECMA-376 1st edition: the enumeration true false on off 0 1). Word writes
# w:val="0"/"1", LibreOffice w:val="true". The validator accepts all six values on w:b
# (the same CT_OnOff) and only on/off on these three
# (tests/test_print.py::test_on_off_values_are_accepted_on_w_b_but_not_on_table_rows).
_ROW_ON_OFF = re.compile(r"/trPr\[\d+\]/(cantSplit|tblHeader|hidden)\[\d+\]$")
FALSE_POSITIVES: tuple[tuple[str, re.Pattern, re.Pattern], ...] = (
    ("/xl/styles.xml", re.compile(r"^/styleSheet\[1\]/(fonts\[1\]|dxfs\[1\]/dxf\[\d+\])/font\[\d+\]$"),
     re.compile(rf"^Unexpected element '({_FONT_CHILDREN})' found$")),
    ("/word/document.xml", _ROW_ON_OFF,
     re.compile(r"^Invalid value for attribute 'val': Value '(true|false|1|0)' is not in allowed values: "
                r"\['off', 'on'\]$")),
)

# Warnings accepted (they are not errors: the file opens without a prompt), with why.
# Excel_InlineStrCells: text written as inline strings (<c t="inlineStr">) without a
# shared-strings part. Valid SpreadsheetML (CT_Cell, ST_CellType "inlineStr"); Excel moves
# them into a shared-strings table when the user saves the file. Writing shared strings
# would not make a form more correct, and a plain openpyxl workbook draws the same warning.
ACCEPTED_WARNINGS = {"Excel_InlineStrCells"}


@dataclass(frozen=True)
class Problem:
    """One validator finding that counts: an error, or a warning not accepted above."""

    severity: str  # "error" or "warning"
    part: str  # e.g. /word/document.xml
    path: str  # XPath-like location inside the part
    node: str | None
    description: str  # the validator's (English) text

    def __str__(self) -> str:
        return f"{self.severity}: {self.part} {self.path} {self.description}"


def available() -> bool:
    try:
        import openxml_audit  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _validator():
    from openxml_audit import OpenXmlValidator

    return OpenXmlValidator(max_errors=0)


def is_false_positive(part: str, path: str, description: str) -> bool:
    return any(part == p and where.search(path) and text.match(description)
               for p, where, text in FALSE_POSITIVES)


def problems(path: Path) -> list[Problem]:
    """The validator's findings for one file, less the proven false positives and the
    accepted warnings. Raises ImportError when openxml-audit is not installed."""
    from openxml_audit import ValidationSeverity

    result = _validator().validate(Path(path))
    found = []
    for e in result.errors:
        if e.severity == ValidationSeverity.INFO:
            continue
        if e.severity == ValidationSeverity.WARNING and e.id in ACCEPTED_WARNINGS:
            continue
        if is_false_positive(e.part_uri, e.path, e.description):
            continue
        severity = "error" if e.severity == ValidationSeverity.ERROR else "warning"
        found.append(Problem(severity, e.part_uri, e.path, e.node, e.description))
    return found


_PARTS = {
    "/word/document.xml": "正文", "/word/styles.xml": "样式", "/word/stylesWithEffects.xml": "样式（效果）",
    "/word/settings.xml": "文档设置", "/word/numbering.xml": "编号", "/xl/styles.xml": "样式",
    "/xl/workbook.xml": "工作簿", "/[Content_Types].xml": "内容类型表",
}
_UNEXPECTED = re.compile(r"Unexpected element '([\w:]+)' found")


def chinese(problem: Problem) -> str:
    """A finding explained in Chinese, with the validator's own text for the developer."""
    part = problem.part or "文件结构"
    name = _PARTS.get(part)
    if name is None and part.startswith("/xl/worksheets/"):
        name = "工作表"
    where = f"部件 {part}{'（' + name + '）' if name else ''}"
    if problem.path:
        where += f" 位置 {problem.path}"
    match = _UNEXPECTED.search(problem.description)
    if match:
        what = f"元素 {match.group(1)} 出现的位置或顺序不符合 Office Open XML 规范"
    elif "stylesWithEffects" in problem.description:
        what = "stylesWithEffects.xml 与 styles.xml 不一致"
    else:
        what = "不符合 Office Open XML 规范"
    level = "" if problem.severity == "error" else "（提示）"
    return (f"{level}{where}：{what}，程序无法自动修复，Word/WPS/Excel 打开生成的文件时可能提示“修复”。"
            f"请用 Word 或 Excel 打开模板后直接“另存为”同名 .docx/.xlsx 文件，再运行本检查；"
            f"仍有此提示请把本条发给技术人员。（验证器原文：{problem.description}）")


MISSING_NOTICE = ("提示：未安装验证工具 openxml-audit，本次只检查了标签，没有检查文件是否符合 Office 规范"
                  "（Word/WPS/Excel 是否会提示“修复”）。需要时运行 pip install openxml-audit 后再检查。")


def template_repairs(path: Path) -> list[str]:
    """What preparing the template repairs (reportgen.ooxml_repair), in Chinese, for
    ``templates check``; the template file itself is not changed."""
    from reportgen.ooxml_repair import repair_package

    if path.suffix.lower() not in (".docx", ".xlsx"):
        return []
    try:
        _, repairs = repair_package(path.read_bytes())
    except Exception:  # not a package: check_template and the validator name that
        return []
    return [f"{r.part}：{r.message}（模板文件本身不改动）" for r in repairs]


def template_findings(path: Path) -> list:
    """The validity problems of a template file as findings (``templates check``): those
    of the package as a build uses it, i.e. after the repairs of reportgen.ooxml_repair,
    so each is one the program cannot repair. None when openxml-audit is not installed
    (the command then says so, MISSING_NOTICE)."""
    import tempfile

    from reportgen.findings import error, warning
    from reportgen.ooxml_repair import repair_package

    if path.suffix.lower() not in (".docx", ".xlsx") or not available():
        return []
    try:
        data = path.read_bytes()
        repaired = repair_package(data)[0]
    except Exception:  # not a package: the validator says what it can
        data = repaired = b""
    try:
        if repaired == data:
            found = problems(path)
        else:
            with tempfile.TemporaryDirectory(prefix="reportgen-check-") as folder:
                copy = Path(folder) / path.name
                copy.write_bytes(repaired)
                found = problems(copy)
    except Exception as exc:  # a file the validator cannot read is reported, not a crash
        return [error(path.name, f"无法检查文件规范（{type(exc).__name__}：{exc}）。"
                                 f"请用 Word/Excel 打开并重新保存。")]
    return [(error if p.severity == "error" else warning)(path.name, chinese(p)) for p in found]
