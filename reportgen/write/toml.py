"""Write contract-shaped data as a TOML data file (for ``convert`` and ``new``).

Written by hand rather than with a TOML library: the layout matters to the clerk who
edits the file (tables in contract order, one paragraph per line in ``completion``,
multi-line strings for multi-line text, optional label comments), and numbers must be
written exactly as the Decimal holds them. Everything written parses back, with
``tomllib``, to data equal to what was given.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from reportgen.contract import Contract

CENT = Decimal("0.01")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _escape_char(char: str, *, keep_newline: bool) -> str:
    if keep_newline and char == "\n":
        return char
    if char in _ESCAPES:
        return _ESCAPES[char]
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return f"\\u{ord(char):04X}"
    return char


def string(text: str, *, multiline: bool = True) -> str:
    """A TOML basic string; text with line breaks becomes a multi-line basic string."""
    if multiline and "\n" in text:
        body = "".join(_escape_char(c, keep_newline=True) for c in text)
        # The newline right after the opening delimiter is not part of the value.
        return f'"""\n{body}"""'
    return '"' + "".join(_escape_char(c, keep_newline=False) for c in text) + '"'


def key(name: str) -> str:
    return name if _BARE_KEY.match(name) else string(name, multiline=False)


def number(value: Decimal | float | int) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if value.is_nan():
        return "nan"
    if value.is_infinite():
        return "inf" if value > 0 else "-inf"
    return f"{value:f}"


def value(item: Any, *, inline: bool = False) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float, Decimal)):
        return number(item)
    if isinstance(item, str):
        return string(item, multiline=not inline)
    if isinstance(item, dt.datetime) and item.time() == dt.time() and item.tzinfo is None:
        return item.date().isoformat()  # a workbook's date cell (成文日期): a date, as typed
    if isinstance(item, (dt.datetime, dt.date, dt.time)):
        return item.isoformat()
    if isinstance(item, dict):
        return "{ " + ", ".join(f"{key(k)} = {value(v, inline=True)}" for k, v in item.items()) + " }"
    if isinstance(item, (list, tuple)):
        if item and all(isinstance(v, str) for v in item):
            # One element per line: the paragraphs of a goal's completion.
            lines = "".join(f"  {string(v, multiline=False)},\n" for v in item)
            return f"[\n{lines}]"
        return "[" + ", ".join(value(v, inline=True) for v in item) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def _ordered(table: dict[str, Any], keys: tuple[str, ...]) -> list[tuple[str, Any]]:
    known = [(k, table[k]) for k in keys if k in table]
    return known + [(k, v) for k, v in table.items() if k not in keys]


def _amount(item: Any) -> Any:
    """Amounts in 万元 as the form prints them, 226 -> 226.00 (the same number)."""
    if isinstance(item, (int, Decimal)) and not isinstance(item, bool):
        number = Decimal(item)
        try:
            if number.is_finite() and number == number.quantize(CENT):
                return number.quantize(CENT)
        except InvalidOperation:  # more digits than the context holds: leave as is
            pass
    return item


def _pairs(table: dict[str, Any], where: tuple[str, ...], comments: bool, contract: Contract) -> list[str]:
    labels = contract.labels.get(where, {})
    lines = []
    for name, item in _ordered(table, contract.tables.get(where, ())):
        if where in contract.amounts:
            if isinstance(item, list):  # a row of amounts (项目资金) on one line, blanks included
                line = f"{key(name)} = [" + ", ".join(value(_amount(v), inline=True) for v in item) + "]"
            else:
                line = f"{key(name)} = {value(_amount(item))}"
        else:
            line = f"{key(name)} = {value(item)}"
        if comments and name in labels:
            first, newline, rest = line.partition("\n")
            if first.endswith("["):  # a multi-line array: the comment goes on its first line
                line = f"{first}  # {labels[name]}{newline}{rest}"
            elif not newline:  # never inside a multi-line string
                line += f"  # {labels[name]}"
        lines.append(line)
    return lines


def dumps(data: dict[str, Any], contract: Contract, *, header: tuple[str, ...] = (),
          comments: bool = False) -> str:
    """The TOML text of a form's data. comments=True labels each key (in Chinese)
    the first time it appears, for a scaffold a clerk fills in."""
    out: list[str] = [f"# {line}" if line else "#" for line in header]
    if out:
        out.append("")
    scalars = {k: v for k, v in data.items()
               if not isinstance(v, dict) and not _is_array_of_tables(v)}
    if scalars:
        out.extend(_pairs(scalars, (), comments, contract))
        out.append("")
    tables = [k for k in _ordered(data, contract.top_keys) if k[0] not in scalars]
    for name, item in tables:
        if isinstance(item, dict):
            out.append(f"[{key(name)}]")
            out.extend(_pairs(item, (name,), comments, contract))
            out.append("")
            continue
        for index, element in enumerate(item):
            out.append(f"[[{key(name)}]]")
            out.extend(_pairs(element, (name, "*"), comments and index == 0, contract))
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _is_array_of_tables(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(v, dict) for v in item)
