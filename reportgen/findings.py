"""Findings: what is wrong with an input, where, and how to fix it (in Chinese)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    level: Level
    location: str  # "文件 第N行 键 indicators[3].score" or "指标评分!F12"
    message: str  # what is wrong and how to fix it, in Chinese

    def __str__(self) -> str:
        tag = "错误" if self.level == "error" else "警告"
        where = f"{self.location}：" if self.location else ""
        return f"[{tag}] {where}{self.message}"


class InputError(Exception):
    """A department's input cannot be built; carries the findings that say why."""

    def __init__(self, findings: list[Finding]):
        self.findings = [f for f in findings if f.level == "error"] or findings
        super().__init__("\n".join(str(f) for f in self.findings))


def error(location: str, message: str) -> Finding:
    return Finding("error", location, message)


def warning(location: str, message: str) -> Finding:
    return Finding("warning", location, message)
