"""Read a department's TOML file into a RawInput (contract-shaped data + locator)."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

from reportgen.findings import InputError, error
from reportgen.model import KeyPath, RawInput, key_name

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"-]+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def decode_utf8(raw: bytes, where: str) -> str:
    """Decode UTF-8 (a BOM is accepted); anything else is a located user error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([error(
            f"{where} 第{line}行",
            "文件不是 UTF-8 编码（可能是 GBK/ANSI）。请用记事本或 VS Code 打开，"
            "“另存为”时选择编码“UTF-8”后再运行。",
        )]) from None


class TomlLocator:
    """Finds the line of a key path such as ('indicators', 3, 'score') in TOML text."""

    def __init__(self, path: Path, text: str):
        self.name = path.name
        # (table path, line number) for each header; keys: (table path, key) -> line
        self.tables: dict[KeyPath, int] = {(): 1}
        self.keys: dict[tuple[KeyPath, str], int] = {}
        counts: dict[str, int] = {}
        table: KeyPath = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                name = header.group(2).strip('"')
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    table = (name, index)
                else:
                    table = tuple(name.split("."))
                self.tables.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self.keys.setdefault((table, key.group(1)), number)

    def line_of(self, path: KeyPath) -> int | None:
        for cut in range(len(path), 0, -1):
            table, key = path[: cut - 1], path[cut - 1]
            if isinstance(key, str) and (table, key) in self.keys:
                return self.keys[(table, key)]
            if path[:cut] in self.tables:
                return self.tables[path[:cut]]
        return None

    def __call__(self, path: KeyPath) -> str:
        line = self.line_of(path)
        at = f" 第{line}行" if line else ""
        return f"{self.name}{at} 键 {key_name(path)}"


def read_toml(path: Path) -> RawInput:
    text = decode_utf8(path.read_bytes(), path.name)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        at = f" 第{position.group(1)}行第{position.group(2)}列" if position else ""
        detail = _TOML_POSITION.sub("", message).strip()
        raise InputError([error(
            f"{path.name}{at}",
            f"TOML 格式错误（{detail}）。请检查引号是否成对、等号两边、方括号是否完整。",
        )]) from None
    return RawInput(data=data, source=path, locate=TomlLocator(path, text), findings=[])
