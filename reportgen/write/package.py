"""OOXML packages (.docx, .xlsx) assembled from parts compressed once.

Most of a form's package is its template's parts unchanged (styles, theme, fonts,
settings: hundreds of KB). ``StaticPackage`` compresses those once per template and
stamp; ``StaticPackage.assemble`` then writes a form's package from them and the few
parts rendered for the form, which are the only ones compressed per form.

The package is reproducible (the same content gives the same bytes, run to run): the
entries in a fixed order ([Content_Types].xml first, then the template's order), one
timestamp on every entry (the build stamp, write.files.build_timestamp), and the core
properties' created/modified set to it.

The bytes are exactly those Python's zipfile writes for ``ZipFile(buffer, "w",
ZIP_DEFLATED).writestr(ZipInfo(name, date_time), payload)`` with ``create_system = 0``
and ``external_attr = 0o600 << 16`` (the tests compare them). For each entry, a local
file header — signature PK\\3\\4, version needed 2.0, flags 0 (0x800 when the name is not
ASCII: UTF-8), method 8 (deflate), DOS time and date, CRC-32, compressed and
uncompressed sizes, the name, no extra field — then the raw deflate stream (zlib's
default level, no zlib header: wbits -15). After the entries, one central directory
record per entry (made by 2.0 on MS-DOS, the same fields, no comment, internal
attributes 0, external attributes 0o600 << 16, the offset of its local header), then
the end-of-central-directory record. No ZIP64: a form is far below its limits (checked).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

EPOCH = datetime(1980, 1, 1)  # the stamp of a package rendered outside a build
CONTENT_TYPES = "[Content_Types].xml"
CORE_PART = "docProps/core.xml"
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_VERSION = 20  # 2.0: deflate
_DEFLATED = 8
_UTF8_NAME = 0x800
_EXTERNAL_ATTR = 0o600 << 16
_LIMIT = (1 << 31) - 1  # zipfile.ZIP64_LIMIT: past it, zipfile would write ZIP64 records


def stamp_core(payload: bytes, when: datetime) -> bytes:
    """The core properties (docProps/core.xml) with created/modified set to when."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", payload)


def _dos_time_date(when: datetime) -> tuple[int, int]:
    """A zip entry's time and date fields (2-second resolution, years from 1980)."""
    year = max(when.year, 1980)
    return (when.hour << 11 | when.minute << 5 | when.second // 2,
            (year - 1980) << 9 | when.month << 5 | when.day)


def deflate(payload: bytes) -> bytes:
    """A raw deflate stream, as zipfile compresses an entry."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(payload) + compressor.flush()


@dataclass(frozen=True)
class _Entry:
    """One compressed entry: its local header and data, and its central directory
    record up to (not including) the offset of the local header."""

    local: bytes
    central_head: bytes
    name: bytes


def _entry(name: str, payload: bytes, time_date: tuple[int, int]) -> _Entry:
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), _UTF8_NAME
    data = deflate(payload)
    if len(payload) * 1.05 > _LIMIT or len(data) > _LIMIT:
        raise ValueError(f"part too large for a package: {name}")
    crc = zlib.crc32(payload)
    time, date = time_date
    local = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, _DEFLATED, time, date, crc,
                        len(data), len(payload), len(encoded), 0)
    central = _CENTRAL.pack(b"PK\x01\x02", _VERSION, 0, _VERSION, 0, flags, _DEFLATED, time, date,
                            crc, len(data), len(payload), len(encoded), 0, 0, 0, 0, _EXTERNAL_ATTR, 0)
    return _Entry(local + encoded + data, central[:-4], encoded)


class StaticPackage:
    """A package's entries in their final order, the unchanging ones compressed once.

    parts: every entry of the package, in the order written (name, payload), where a
    payload of None marks a part rendered per form (given to ``assemble``)."""

    def __init__(self, parts: Iterable[tuple[str, bytes | None]], when: datetime) -> None:
        self.when = when
        self._time_date = _dos_time_date(when)
        ordered = sorted(parts, key=lambda part: part[0] != CONTENT_TYPES)  # stable
        self.order: list[tuple[str, _Entry | None]] = [
            (name, None if payload is None else self._compress(name, payload))
            for name, payload in ordered]
        self.rendered = frozenset(name for name, entry in self.order if entry is None)
        # The last payload of each rendered part and its entry: a part that comes out the
        # same for many forms (an .xlsx's styles, a header) is not compressed again.
        self._last: dict[str, tuple[bytes, _Entry]] = {}

    def _compress(self, name: str, payload: bytes) -> _Entry:
        if name == CORE_PART:
            payload = stamp_core(payload, self.when)
        return _entry(name, payload, self._time_date)

    def assemble(self, rendered: dict[str, bytes]) -> bytes:
        """The package with the given parts rendered for a form (one for each part
        marked None, and no other)."""
        if rendered.keys() != self.rendered:
            raise ValueError(f"rendered parts {sorted(rendered)} != {sorted(self.rendered)}")
        chunks: list[bytes] = []
        directory: list[bytes] = []
        offset = 0
        for name, entry in self.order:
            if entry is None:
                payload = rendered[name]
                last = self._last.get(name)
                if last is not None and last[0] == payload:
                    entry = last[1]
                else:
                    entry = self._compress(name, payload)
                    self._last[name] = (payload, entry)
            chunks.append(entry.local)
            directory += (entry.central_head, offset.to_bytes(4, "little"), entry.name)
            offset += len(entry.local)
        central = b"".join(directory)
        if offset + len(central) > _LIMIT or len(self.order) >= 0xFFFF:
            raise ValueError("package too large")
        count = len(self.order)
        chunks += (central, _END.pack(b"PK\x05\x06", 0, 0, count, count, len(central), offset, 0))
        return b"".join(chunks)


_STATIC: dict[tuple[int, datetime], tuple[object, StaticPackage]] = {}


def static_package(template: object, when: datetime,
                   parts: Callable[[], Iterable[tuple[str, bytes | None]]]) -> StaticPackage:
    """The StaticPackage of a prepared template (any object, kept alive with its package)
    and a stamp, made from parts() the first time."""
    key = (id(template), when)
    found = _STATIC.get(key)
    if found is None or found[0] is not template:
        if len(_STATIC) >= 16:
            _STATIC.clear()
        found = _STATIC[key] = (template, StaticPackage(parts(), when))
    return found[1]
