"""Reading and writing the parts of an Office package (.docx, .xlsx), shared by the template
builders that change parts after python-docx/openpyxl saved them: every entry is written
with a fixed date, so that a rebuild gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # zip entry dates


def read_parts(data: bytes) -> list[tuple[str, bytes]]:
    """The package's parts (name, bytes), in the package's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_parts(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A package of the given parts, in that order, deflated and dated FIXED_TIME."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in parts:
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), payload, zipfile.ZIP_DEFLATED)
    return out.getvalue()
