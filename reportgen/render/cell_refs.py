"""Spreadsheet cell references (column 3 <-> "C"), shared by the form's .xlsx writer
(render/xlsx) and the 汇总表's (render/summary_book). A module of its own, outside the
render.xlsx package, so that writing the 汇总表 does not import the form's renderer."""

from __future__ import annotations

from functools import cache


def column_number(letters: str) -> int:
    """"C" -> 3 (either case)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


@cache
def column_letter(number: int) -> str:
    """3 -> "C"."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
