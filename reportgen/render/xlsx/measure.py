"""Text measurement: how wide a text is in Excel width units, how many lines it wraps to
in a cell, how many points of row height it needs, and how a text too tall for one row is
split into pieces (reportgen.render.xlsx.layout sizes and splits the rows with these)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

LINE_FACTOR = 1.45  # line height / font size: 宋体 in Excel ~1.35, Noto CJK (LibreOffice) ~1.44
CELL_PADDING = 4.0  # points above and below the text of a cell
CELL_MARGIN_UNITS = 1.0  # width units taken by a cell's left and right margins
# Characters that may not begin a line (Chinese line breaking pushes them, with the
# character before, to the next line).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…%,.;:?!)]}")
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]*")


def char_units(char: str) -> int:
    """Width of a character in Excel width units at 10 pt: CJK and full-width
    punctuation 2, ASCII 1."""
    if unicodedata.east_asian_width(char) in ("W", "F", "A") or unicodedata.category(char) == "So":
        return 2
    return 1


def text_units(text: str) -> int:
    return sum(char_units(c) for c in text)


def _tokens(paragraph: str) -> list[str]:
    """Line-breaking units: runs of ASCII letters/digits/punctuation stay together (Excel
    breaks Latin text at spaces), every other character stands alone."""
    return re.findall(r"[!-~]+|.", paragraph)


def _paragraph_lines(paragraph: str, available: float, scale: float) -> int:
    lines, used, previous = 1, 0.0, 0.0
    for token in _tokens(paragraph):
        width = text_units(token) * scale
        if used + width <= available:
            used, previous = used + width, width
            continue
        if token == " ":  # a space at the end of a line is swallowed
            continue
        if width > available:  # a word longer than a line breaks anywhere
            for char in token:
                w = char_units(char) * scale
                if used + w > available:
                    lines, used = lines + 1, 0.0
                used += w
            previous = char_units(token[-1]) * scale
            continue
        lines += 1
        if token[0] in _NO_LINE_START and used > 0:
            used = previous + width  # the character before moves down with it
        else:
            used = width
        previous = width
    return lines


def count_lines(text: str, width_units: float, font_size: float = 10.0) -> int:
    """Lines that a wrapped text needs in a cell width_units wide (Excel units, about
    the width of one '0'), counting explicit line breaks."""
    available = max(width_units - CELL_MARGIN_UNITS, 1.0)
    scale = font_size / 10.0
    return sum(_paragraph_lines(p, available, scale) for p in text.split("\n"))


def text_height(text: str, width_units: float, font_size: float = 10.0, wrap: bool = True) -> float:
    """Points of row height that a cell's text needs."""
    lines = count_lines(text, width_units, font_size) if wrap else 1
    return lines * font_size * LINE_FACTOR + CELL_PADDING


# A form measures each text several times (splitting, merges, heights) and every form
# measures the same labels: measure each (text, width, size) once.
_text_height = lru_cache(maxsize=4096)(text_height)


def split_text(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Split text into consecutive pieces that each fit: at line breaks, then at sentence
    ends, then between characters."""

    def greedy(parts: list[str], joiner: str, finer: Callable[[str], list[str]]) -> list[str]:
        out: list[str] = []
        current: str | None = None
        for part in parts:
            candidate = part if current is None else current + joiner + part
            if fits(candidate):
                current = candidate
                continue
            if current is not None:
                out.append(current)
                current = None
            if fits(part):
                current = part
            else:
                pieces = finer(part)
                out.extend(pieces[:-1])
                current = pieces[-1]
        if current is not None:
            out.append(current)
        return out

    def by_char(sentence: str) -> list[str]:
        return greedy(list(sentence), "", lambda c: [c])

    def by_sentence(paragraph: str) -> list[str]:
        return greedy([s for s in _SENTENCE.findall(paragraph) if s] or [paragraph], "", by_char)

    return greedy(text.split("\n"), "\n", by_sentence)
