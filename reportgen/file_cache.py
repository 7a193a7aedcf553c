"""Per-process caches of work done on a file (a prepared template, a template check),
valid while the file is unchanged: keyed by its absolute path and the version of the
file it names (device, inode, mtime, size)."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
FileKey = tuple[str, int, int, int, int]


def by_file_version(cache: dict, path: Path, make: Callable[[Path], T],
                    limit: int = 16, extra: Hashable = None) -> T:
    """cache[version of path (and extra)], made with make(path) the first time. (The
    path is made absolute, not resolved: the inode tells a file that a symbolic link now
    points to, and resolving every link of the path cost more than the rest of a lookup.)"""
    stat = path.stat()
    key: FileKey | tuple = (os.path.abspath(path), stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if extra is not None:
        key = (key, extra)
    if key not in cache:
        if len(cache) >= limit:
            cache.clear()
        cache[key] = make(path)
    return cache[key]
