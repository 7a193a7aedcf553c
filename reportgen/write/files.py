"""Write outputs atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from reportgen.interrupt import deferred_interrupt


def _file_mode() -> int:
    """The mode a new file gets from the umask (mkstemp would make it 0600: colleagues on a
    shared folder could not open the forms)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _stage(target: Path, data: bytes) -> Path:
    """data in a hidden temporary file beside target (same folder, so the rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem[:40]}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _file_mode())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_lines_atomic(target: Path, lines: Iterable[str], encoding: str = "utf-8") -> None:
    """Lines (each ended with a newline here) written one at a time, never all in memory,
    to a temporary file beside target, which then replaces it; on any failure the old
    file stays as it was and no temporary file is left."""
    check_writable(target)
    tmp = _stage(target, b"")
    try:
        with open(tmp, "w", encoding=encoding, newline="\n") as handle:
            for line in lines:
                handle.write(line)
                handle.write("\n")
        with deferred_interrupt():
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(target: Path, data: bytes) -> None:
    write_all_atomic([(target, data)])


def check_writable(target: Path) -> None:
    """Raise OSError when an existing target cannot be replaced, typically because it is
    open in Excel/WPS on Windows (which locks it): found before anything is written."""
    if target.exists():
        with open(target, "r+b"):
            pass


def write_all_atomic(items: list[tuple[Path, bytes]]) -> None:
    """Write several files as one step as far as a file system allows: every target is
    checked, every file is written to a temporary file first, and only then are they all
    renamed into place. A failure before the renames leaves every previous file intact and
    no temporary file behind."""
    for target, _ in items:
        check_writable(target)
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in items:
            staged.append((_stage(target, data), target))
        with deferred_interrupt():  # a Ctrl-C never leaves half of the files renamed
            for tmp, target in staged:
                os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def build_timestamp(year: int) -> datetime:
    """The date stamped into a document: SOURCE_DATE_EPOCH when set (reproducible-builds
    convention), else the last day of the form's year — from the data, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
    return datetime(year, 12, 31)


def reproducible_package(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML zip (.docx/.xlsx) so the same content gives the same bytes:
    entries in a fixed order ([Content_Types].xml first, then as written), one fixed
    timestamp on every entry, and the core properties' created/modified set to it.
    (Forms are written so directly, write.package; this is for packages made otherwise,
    like the 汇总表 saved by openpyxl.)"""
    from reportgen.write.package import StaticPackage

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = [(name, source.read(name)) for name in source.namelist()]
    return StaticPackage(parts, when).assemble({})


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
NAME_BYTES = 150  # a department part this long keeps whole file names under 255 bytes


def safe_file_name(name: str) -> str:
    """A file-name part made from a department name: no path separators or characters
    Windows forbids, no '..', no reserved device names (CON, NUL…), no trailing dots or
    spaces, and short enough for every file system. The form itself keeps the real name."""
    text = _UNSAFE.sub("_", name).replace("..", "_")
    text = text.strip(" .")
    encoded = text.encode("utf-8")[:NAME_BYTES]
    text = encoded.decode("utf-8", errors="ignore").strip(" .")
    if _RESERVED.match(text):
        text = "_" + text
    return text or "未命名部门"


def inside(folder: Path, *targets: Path) -> list[Path]:
    """targets, after checking that each resolves inside folder (never writes elsewhere;
    the folder is resolved once for all: each resolve checks every folder of the path)."""
    root = folder.resolve()
    for target in targets:
        if not target.resolve().is_relative_to(root):
            raise ValueError(f"refusing to write outside {folder}: {target}")
    return list(targets)
