"""The year's 汇总表: one workbook, to which each form kind adds its sheets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportgen.forms.kind import FormKind
from reportgen.settings import Settings


def summary_file_name(year: int) -> str:
    return f"{year}年度部门整体支出绩效自评汇总表.xlsx"


def render_summary(year: int, rows: Mapping[FormKind, Sequence[Any]], settings: Settings,
                   failed: Mapping[FormKind, Sequence[tuple[str, str]]] | None = None) -> bytes:
    """The 汇总表's bytes: each kind's sheets, from its forms' summary rows and the
    (name, reason) of each of its forms not built, written by reportgen.render.summary_book
    (rows streamed: the memory used does not grow with the rows; no openpyxl, whose import
    was most of a small build's start). The kinds write their sheets top to bottom (see
    reportgen.render.summary_print). Money and scores are written as the Decimals they
    are, as "%.16g" of their float (9.95 as 9.949999999999999, which reads back as the
    same double)."""
    from reportgen.render.summary_book import Workbook
    from reportgen.write.files import build_timestamp

    workbook = Workbook()
    for kind, kind_rows in rows.items():
        kind.summary_sheets(workbook, year, kind_rows, (failed or {}).get(kind, ()), settings, rows)
    return workbook.save(build_timestamp(year).strftime("%Y-%m-%dT%H:%M:%SZ"))
