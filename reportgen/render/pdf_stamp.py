"""Make a PDF written by LibreOffice reproducible: the same document gives the same bytes.

LibreOffice stamps each PDF with the clock (/CreationDate, /ModDate in the document
information), a random file identifier (/ID in the trailer) and a /DocChecksum over the
content including the date. There is no export option to fix them, so they are replaced
in the bytes: the dates by the source document's own date (its docProps/core.xml
dcterms:modified, which reportgen sets to the build timestamp), the identifier and the
checksum by digests of the PDF with those fields masked. Every replacement has exactly the
length of what it replaces, so the cross-reference offsets stay valid.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import datetime
from pathlib import Path

_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})")
_ID = re.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>)")
_CHECKSUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")
_MODIFIED = re.compile(r"<dcterms:modified\b[^>]*>([^<]+)</dcterms:modified>")


def _masked(data: bytes) -> bytes:
    data = _DATE.sub(lambda m: m.group(1) + b"0" * 14, data)
    data = _ID.sub(lambda m: m.group(1) + b"0" * len(m.group(2)) + m.group(3)
                   + b"0" * len(m.group(4)) + m.group(5), data)
    return _CHECKSUM.sub(lambda m: m.group(1) + b"0" * len(m.group(2)), data)


def _hex(digest: bytes, length: int) -> bytes:
    text = (digest.hex().upper() * 4).encode()
    return text[:length]


def reproducible_pdf(data: bytes, when: datetime | None) -> bytes:
    """data with the dates set to when (left as they are when None) and the identifier
    and checksum derived from the content. Same length as data."""
    digest = hashlib.sha256(_masked(data)).digest()
    if when is not None:
        stamp = when.strftime("%Y%m%d%H%M%S").encode()
        data = _DATE.sub(lambda m: m.group(1) + stamp, data)
    data = _ID.sub(lambda m: m.group(1) + _hex(digest, len(m.group(2))) + m.group(3)
                   + _hex(digest, len(m.group(4))) + m.group(5), data)
    checksum = hashlib.md5(digest, usedforsecurity=False).digest()
    return _CHECKSUM.sub(lambda m: m.group(1) + _hex(checksum, len(m.group(2))), data)


def package_date(source: Path) -> datetime | None:
    """The modified date of an Office package's core properties, or None."""
    try:
        with zipfile.ZipFile(source) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    match = _MODIFIED.search(core)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1).strip()[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


def make_reproducible(pdf: Path, source: Path) -> None:
    """Rewrite pdf (converted from source) in place, reproducibly."""
    pdf.write_bytes(reproducible_pdf(pdf.read_bytes(), package_date(source)))
