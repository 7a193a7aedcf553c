"""The text of a 自评报告 .docx as a reader sees it: one string per paragraph, its runs
joined (Word and WPS split a paragraph's text over many runs as it is edited, even inside
one word or number), with the paragraph's style and whether it sits in a table."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P, _T, _TAB, _BR, _TC, _PSTYLE, _VAL, _DEL, _INSTR = (
    f"{{{_W}}}{tag}" for tag in ("p", "t", "tab", "br", "tc", "pStyle", "val", "del", "instrText"))
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)

TODO = "待填写"
# What a finished report must no longer hold: placeholders (also typed with [ ]), the
# 草稿 banner, and template tags left unrendered ({{ }}, {% %}, and full-width ｛｛).
LEFT_OVER = re.compile(r"[【\[]待填写[^】\]]*[】\]]?|【草稿[^】]*】?|\{\{.*?\}\}|\{%.*?%\}|｛｛.*?｝｝")
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str  # the style id ("" for the default)
    in_table: bool


def paragraphs(docx: Path | bytes) -> list[Paragraph]:
    """Every paragraph of the document body in order (table cells included), deleted
    tracked changes left out."""
    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    with zipfile.ZipFile(source) as archive:
        root = etree.fromstring(archive.read("word/document.xml"), _PARSER)
    out = []
    for p in root.iter(_P):
        parts = []
        for node in p.iter(_T, _TAB, _BR):
            if any(a.tag == _DEL for a in node.iterancestors()):
                continue
            parts.append(node.text or "" if node.tag == _T else "\t" if node.tag == _TAB else "\n")
        style = p.find(f"{{{_W}}}pPr/{_PSTYLE}")
        in_table = any(a.tag == _TC for a in p.iterancestors())
        out.append(Paragraph("".join(parts), style.get(_VAL, "") if style is not None else "", in_table))
    return out


_TBL, _TR = f"{{{_W}}}tbl", f"{{{_W}}}tr"


def blocks(items_source: Path | bytes) -> list[str]:
    """The body as a reader scans it for facts: each paragraph outside tables, and each
    table row as one line (its cells joined by ｜), in document order."""
    source = io.BytesIO(items_source) if isinstance(items_source, bytes) else items_source
    with zipfile.ZipFile(source) as archive:
        root = etree.fromstring(archive.read("word/document.xml"), _PARSER)
    body = root.find(f"{{{_W}}}body")
    out: list[str] = []

    def text_of(p) -> str:
        return "".join(node.text or "" for node in p.iter(_T)
                       if not any(a.tag == _DEL for a in node.iterancestors()))

    for child in body.iter(_P, _TR):
        if child.tag == _TR:
            cells = [" ".join(text_of(p) for p in tc.iter(_P)) for tc in child.iterchildren(_TC)]
            out.append("｜".join(cells))
        elif not any(a.tag == _TBL for a in child.iterancestors()):
            out.append(text_of(child))
    return out


def count_placeholders(docx: Path | bytes) -> int:
    """How many 【待填写：…】 are left."""
    return sum(len(re.findall(r"[【\[]待填写", p.text)) for p in paragraphs(docx))


def left_over(items: list[Paragraph]) -> list[tuple[str, str]]:
    """(nearest heading above, the text left) for each placeholder, banner or tag left."""
    heading = "标题"
    found = []
    for index, paragraph in enumerate(items):
        text = paragraph.text.strip()
        if index == 0 and text and not paragraph.in_table:
            heading = text  # the title, until the first heading
        if HEADING.match(text) and len(text) <= 40 and not paragraph.in_table:
            heading = text
        for match in LEFT_OVER.finditer(paragraph.text):
            found.append((heading, match.group(0)))
    return found


_R, _RPR, _HIGHLIGHT, _SHD = (f"{{{_W}}}{tag}" for tag in ("r", "rPr", "highlight", "shd"))


def unhighlighted_placeholders(docx: Path) -> list[str]:
    """Where a template's 【待填写 is not highlighted (templates check: the clerk would not
    see it). A run shaded by w:shd counts as highlighted too (WPS writes its 底纹 so)."""
    with zipfile.ZipFile(docx) as archive:
        if "word/document.xml" not in archive.namelist():
            return []
        root = etree.fromstring(archive.read("word/document.xml"), _PARSER)
    notes = []
    for number, p in enumerate((p for p in root.iter(_P)), start=1):
        for run in p.iter(_R):
            text = "".join(t.text or "" for t in run.iter(_T))
            if TODO not in text:
                continue
            rpr = run.find(_RPR)
            marked = rpr is not None and (rpr.find(_HIGHLIGHT) is not None or rpr.find(_SHD) is not None)
            if not marked:
                notes.append(f"第{number}段：「{text.strip()[:30]}」中的待填写没有黄色底纹（突出显示），"
                             "填报人可能看不到。请在 Word 中选中它，设置“文本突出显示颜色”为黄色。")
    return notes
