"""Work done on a template, kept on disk between runs (the prepared template, its check),
so a small build does not pay for it again.

An entry is keyed by the template file's content (SHA-256), what else shaped the result
(e.g. the variables a check knew), and the versions of everything that shapes it: Python,
reportgen (its version and the size and time of each of its modules, so an edited
checkout misses too) and the libraries (jinja2, markupsafe, docxtpl, python-docx,
openpyxl, lxml). A changed template or library is a miss, never a stale hit. Entries are
written atomically (a temporary file renamed into place). A cache that cannot be read or
written is skipped in silence: the work is done again, as without it.

Where: $REPORTGEN_CACHE_DIR when set (tests), else the user's cache folder:
%LOCALAPPDATA%\\reportgen\\cache on Windows, ~/Library/Caches/reportgen on macOS,
$XDG_CACHE_HOME/reportgen (~/.cache/reportgen) elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ENV_VAR = "REPORTGEN_CACHE_DIR"
# module name -> distribution name as in its .dist-info folder (normalized)
_LIBRARIES = {"jinja2": "jinja2", "markupsafe": "markupsafe", "docxtpl": "docxtpl", "docx": "python_docx",
              "openpyxl": "openpyxl", "lxml": "lxml"}
_FORMAT = b"1"  # bump when the layout of the entries changes
KEEP = 64  # entries kept: a year's templates are a handful


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when there is no place for it."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "reportgen" / "cache" if base else None
    if sys.platform == "darwin":
        try:
            return Path.home() / "Library" / "Caches" / "reportgen"
        except RuntimeError:
            return None
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "reportgen"
    try:
        return Path.home() / ".cache" / "reportgen"
    except RuntimeError:  # no home folder
        return None


def _distribution(module: str, dist: str, listings: dict[str, list[str]]) -> str:
    """A library's installed version, from its .dist-info folder's name beside it (cheap:
    importlib.metadata costs tens of ms); else the size and time of its file."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return f"{module}=absent"
    site = os.path.dirname(os.path.dirname(spec.origin))
    if site not in listings:
        try:
            listings[site] = os.listdir(site)
        except OSError:
            listings[site] = []
    found = sorted(name for name in listings[site] if name.endswith((".dist-info", ".egg-info"))
                   and name.lower().replace("-", "_", 1).replace(".", "_").startswith(dist + "_")
                   and name[len(dist) + 1:len(dist) + 2].isdigit())
    if found:
        return f"{module}={found[-1]}"
    try:
        stat = os.stat(spec.origin)
        return f"{module}={spec.origin}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        return f"{module}={spec.origin}"


@cache
def versions() -> bytes:
    """What shapes a cached result besides its inputs: Python, reportgen (version and
    modules), the libraries."""
    import reportgen

    digest = hashlib.sha256(_FORMAT)
    digest.update(sys.version.encode())
    digest.update(reportgen.__version__.encode())
    package = Path(reportgen.__file__).parent
    for root, dirs, files in sorted(os.walk(package)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(root, name))
                digest.update(f"{os.path.relpath(os.path.join(root, name), package)}:{stat.st_size}:"
                              f"{stat.st_mtime_ns}\n".encode())
    listings: dict[str, list[str]] = {}
    for module, dist in _LIBRARIES.items():
        digest.update(_distribution(module, dist, listings).encode() + b"\n")
    return digest.digest()


def cached(kind: str, source: Path, make: Callable[[], T], extra: bytes = b"") -> T:
    """make()'s result for the current content of `source` (and `extra`), from the disk
    cache when it holds it, else made and stored. make()'s exceptions pass through and
    nothing is stored."""
    folder = cache_dir()
    if folder is None:
        return make()
    try:
        data = source.read_bytes()
    except OSError:
        return make()  # make() reports the unreadable file as it always did
    key = hashlib.sha256(versions() + b"\0" + kind.encode() + b"\0" + extra + b"\0" + data).hexdigest()
    path = folder / f"{kind}-{key[:40]}.pickle"
    try:
        with open(path, "rb") as file:
            return pickle.load(file)
    except Exception:  # noqa: BLE001 - missing, unreadable, damaged: made again
        pass
    value = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(folder)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is skipped
        pass
    return value


def _prune(folder: Path) -> None:
    """Remove the least recently written entries beyond `keep` (an edited template or an
    upgrade leaves its old entries behind); a new entry is rare, so this is too."""
    entries = sorted((entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(folder)
                     if entry.name.endswith(".pickle"))
    for _, path in entries[:-KEEP]:
        try:
            os.unlink(path)
        except OSError:
            pass
