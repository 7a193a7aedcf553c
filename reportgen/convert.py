"""Data files as bytes (``new``, ``convert``): contract-shaped data in, TOML text or
an Excel input workbook out; and whether two readings carry the same content."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from reportgen.contract import Contract, TableSheet

FORMATS = ("toml", "xlsx")


def encode(data: dict[str, Any], fmt: str, contract: Contract, *, header: tuple[str, ...] = (),
           comments: bool = False) -> bytes:
    """Data as the bytes of a .toml file or an .xlsx input workbook."""
    if fmt == "toml":
        from reportgen.write.toml import dumps

        return dumps(data, contract, header=header, comments=comments).encode("utf-8")
    if fmt == "xlsx":
        from reportgen.write.workbook import workbook_bytes

        return workbook_bytes(data, contract)
    raise ValueError(fmt)


def _columns(contract: Contract):
    return [c for s in contract.sheets if isinstance(s, TableSheet) for c in s.columns]


def _normal(value: Any, contract: Contract, key: str = "") -> Any:
    """A value as compared for "same content": blanks dropped, numbers as Decimal,
    paragraphs as a list of non-blank lines, coded values (a rule's name) as their keys."""
    if isinstance(value, dict):
        out = {k: _normal(v, contract, k) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None}
    if isinstance(value, list):
        items = [item for item in (_normal(v, contract) for v in value) if item is not None]
        if items and all(isinstance(item, str) for item in items):
            return "\n".join(items)  # a list of lines (年度重点工作) is a cell's lines in the workbook
        return items or None
    if isinstance(value, str):
        if not value.strip():
            return None
        column = next((c for c in _columns(contract) if c.key == key), None)
        if column is not None and column.kind == "paragraphs":
            return "\n".join(line for line in value.split("\n") if line.strip())
        if column is not None and column.to_data is not None:
            return column.to_data(value)
        return value.replace("\r\n", "\n")
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date()  # a date cell reads back as midnight
    return value


def same_content(a: dict[str, Any], b: dict[str, Any], contract: Contract) -> bool:
    """True when two readings of a form's data carry the same content (TOML or workbook)."""
    return _normal(a, contract) == _normal(b, contract)
