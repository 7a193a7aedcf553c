"""A PDF's text in the reading order of its table cells (row by row, left to right, each
cell's lines together), rebuilt from word positions.

Why not ``pdftotext -raw``: LibreOffice Calc draws a page in two passes. Cells whose text
fits on one line (numbers among them) are drawn first, row by row; cells that need the
edit engine (wrapped or multi-line text) are drawn in a second pass. The content stream
therefore lists a row's 得分 before the 指标解释 of the first row of the page. This helper
takes the words with their boxes (``pdftotext -raw -bbox``), groups them into lines and
lines into cells (consecutive lines directly below each other), then orders the cells:
cells that overlap vertically form a row band, and within a band, cells that overlap
horizontally form a column, read top to bottom, columns left to right.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')

Box = tuple[float, float, float, float, str]  # x0, y0, x1, y1, text


@dataclass
class _Cell:
    lines: list[Box] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(line[0] for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line[2] for line in self.lines)

    @property
    def y0(self) -> float:
        return self.lines[0][1]

    @property
    def y1(self) -> float:
        return self.lines[-1][3]


def _pages(pdf: Path) -> list[list[Box]]:
    out = subprocess.run(["pdftotext", "-raw", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [[(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(page)]
            for page in out.split("<page ")[1:]]


def _lines(words: list[Box]) -> list[Box]:
    """Words on one baseline next to each other, in stream order, form a line (sorted by x:
    a fallback glyph such as ☑ may be drawn after the text around it)."""
    groups: list[list[Box]] = []
    for word in words:
        height = word[3] - word[1]
        if groups:
            group = groups[-1]
            left, right = min(w[0] for w in group), max(w[2] for w in group)
            if abs(word[1] - group[0][1]) < 1 and left - height < word[2] and word[0] < right + height:
                group.append(word)
                continue
        groups.append([word])
    lines = []
    for group in groups:
        group.sort(key=lambda w: w[0])
        lines.append((group[0][0], min(w[1] for w in group), max(w[2] for w in group),
                      max(w[3] for w in group), " ".join(w[4] for w in group)))
    return lines


def _cells(lines: list[Box]) -> list[_Cell]:
    """Consecutive lines directly below each other (line spacing, overlapping in x) are one cell."""
    cells: list[_Cell] = []
    for line in lines:
        if cells:
            last = cells[-1].lines[-1]
            step = line[1] - last[1]
            if 0 < step < 1.25 * (last[3] - last[1]) and line[0] < cells[-1].x1 and line[2] > cells[-1].x0:
                cells[-1].lines.append(line)
                continue
        cells.append(_Cell([line]))
    return cells


def _bands(items: list[_Cell], start, end) -> list[list[_Cell]]:
    """Group items whose [start, end] intervals overlap, in order of start."""
    bands: list[tuple[float, list[_Cell]]] = []
    for item in sorted(items, key=start):
        if bands and start(item) < bands[-1][0] - 1:
            bands[-1] = (max(bands[-1][0], end(item)), [*bands[-1][1], item])
        else:
            bands.append((end(item), [item]))
    return [members for _, members in bands]


def reading_order_text(pdf: Path) -> str:
    pages = []
    for words in _pages(pdf):
        ordered = []
        for row in _bands(_cells(_lines(words)), lambda c: c.y0, lambda c: c.y1):
            for column in _bands(row, lambda c: c.x0, lambda c: c.x1):
                ordered.extend(sorted(column, key=lambda c: c.y0))
        pages.append("\n".join("\n".join(line[4] for line in cell.lines) for cell in ordered))
    return "\f".join(pages)
