"""Findings: what is wrong with an input, where, and how to fix it (in Chinese)."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    level: Level
    location: str  # "文件 第N行 键 indicators[3].score" or "指标评分!F12"
    message: str  # what is wrong and how to fix it, in Chinese

    def __str__(self) -> str:
        tag = "错误" if self.level == "error" else "警告"
        where = f"{self.location}：" if self.location else ""
        return f"[{tag}] {where}{self.message}"



def error(location: str, message: str) -> Finding:
    return Finding("error", location, message)


def warning(location: str, message: str) -> Finding:
    return Finding("warning", location, message)


_OS_ERRORS = {
    errno.EACCES: "没有权限，或文件正被其他程序打开",
    errno.EPERM: "没有权限，或文件正被其他程序打开",
    errno.EBUSY: "文件正被其他程序使用",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOENT: "找不到文件或文件夹",
    errno.ENOTDIR: "路径中有一个同名的文件而不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EEXIST: "文件已存在",
    errno.EROFS: "磁盘是只读的",
    errno.ENAMETOOLONG: "文件名过长",
}


def os_error_place(exc: OSError, fallback: object = "文件") -> str:
    """The file an OSError is about, for people: a hidden temporary file we were writing
    stands for its folder (that is what cannot be written)."""
    name = exc.filename if exc.filename is not None else exc.filename2
    if name is None:
        return str(fallback)
    path = Path(name.decode(errors="replace") if isinstance(name, bytes) else str(name))
    if path.name.startswith(".") and path.name.endswith(".tmp"):
        return f"文件夹 {path.parent}"
    return str(path)


def describe_os_error(exc: OSError) -> str:
    """A file-system error in Chinese by its errno (the English strerror only quoted)."""
    name = exc.filename
    if exc.errno == errno.EEXIST and name is not None and Path(name).is_file():
        return "已有同名的文件，这里需要的是文件夹"  # mkdir where a file is in the way
    if exc.errno == errno.ENOTDIR and name is not None:
        blocker = next((p for p in Path(name).parents if p.is_file()), None)
        if blocker is not None:
            return f"路径中有同名文件：{blocker} 是一个文件，不是文件夹"
    known = _OS_ERRORS.get(exc.errno) if exc.errno is not None else None
    return known or f"系统提示“{exc.strerror or exc}”"
