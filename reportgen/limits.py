"""Sizes past which an input is refused before it is parsed, so a wrong or hostile file
cannot exhaust memory: a department's data is a few hundred kilobytes at most."""

from __future__ import annotations

import zipfile
from pathlib import Path

from reportgen.errors import InputError
from reportgen.findings import error

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a department file on disk
MAX_WORKBOOK_EXPANDED = 100 * 1024 * 1024  # all parts of an .xlsx, uncompressed
MAX_TEXT_CHARS = 32767  # Excel's limit for the text of one cell


def check_input_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InputError([error(path.name, (
            f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_INPUT_BYTES // 1024 // 1024} MB）。"
            "一个部门的数据通常不足 1 MB，请确认选对了文件，或删去其中的图片和无关工作表。"))])
    if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
        if expanded > MAX_WORKBOOK_EXPANDED:
            raise InputError([error(path.name, (
                f"工作簿解压后过大（{expanded / 1024 / 1024:.0f} MB，上限 "
                f"{MAX_WORKBOOK_EXPANDED // 1024 // 1024} MB），可能含有大量空行、图片或已损坏。"
                "请把数据复制到 reportgen new 生成的空白填报表中再试。"))])
