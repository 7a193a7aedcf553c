"""Where LibreOffice is installed when ``soffice`` is not on PATH.

On Windows the installer does not add LibreOffice to PATH; it lives in
``%ProgramFiles%\\LibreOffice\\program\\soffice.exe`` (or ``%ProgramFiles(x86)%`` for a
32-bit build, or a per-user folder). On macOS it is inside the application bundle.
"""

from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath

WINDOWS_FOLDERS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")
WINDOWS_DEFAULTS = (r"C:\Program Files", r"C:\Program Files (x86)")
MAC_PATHS = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)


def candidates(environ: dict[str, str] | None = None, system: str | None = None) -> list[str]:
    """The usual install locations of soffice for this system, most likely first."""
    environ = os.environ if environ is None else environ
    system = os.name if system is None else system
    if system == "nt":
        roots = [environ[name] for name in WINDOWS_FOLDERS if environ.get(name)]
        roots += list(WINDOWS_DEFAULTS)
        found: list[str] = []
        for root in roots:
            base = PureWindowsPath(root)
            if root == environ.get("LOCALAPPDATA"):
                base = base / "Programs"
            for folder in ("LibreOffice", "LibreOffice 7", "LibreOffice 24", "LibreOffice 25"):
                path = str(base / folder / "program" / "soffice.exe")
                if path not in found:
                    found.append(path)
        return found
    return list(MAC_PATHS)


def installed_soffice(environ: dict[str, str] | None = None, system: str | None = None,
                      exists=None) -> str | None:
    """The first usual location that holds soffice, or None."""
    exists = exists or (lambda path: Path(path).is_file())
    return next((path for path in candidates(environ, system) if exists(path)), None)
