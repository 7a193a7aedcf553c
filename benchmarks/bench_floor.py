"""Benchmark: a form's build in one process against the least work that yields its bytes.

    python benchmarks/bench_floor.py --n 50

Makes N synthetic department forms and N project forms (benchmarks.synthetic) and, per
kind, measures per form the CPU time of this process (warm: templates prepared; the best
of --rounds rounds: a shared machine is noisy, and CPU time does not count the time the
other processes had the CPU; --wall for elapsed time):

- build_ms: pipeline.build_file with the default formats: read the data file, validate
  and compute, render the .docx and the .xlsx, write both (atomically);
- floor_ms: the least work that produces the same two files, byte for byte: in each file,
  the parts that differ from the template's (word/document.xml; the .xlsx sheet and
  workbook) deflated, the package joined from them and the other entries compressed
  once (already stamped), and both files written (a plain write, no rename);
- ratio = build_ms / floor_ms. Target (issue 14): ratio <= 10; aim 5;
- atomic_floor_ms, atomic_ratio: the same floor with each file written to a temporary file
  and renamed into place, as the build must (never a half-written form); on ext4 the
  rename over an existing file costs more than the write (its data is flushed first).

Runs against any checkout (it uses only build_file and the built files), so the figures
before and after a change come from the same script. Prints one line per kind, then one
JSON line.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import struct
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import synthetic_departments, synthetic_projects  # noqa: E402

YEAR = 2022
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


CLOCK = time.process_time


def best_ms(fn, items, rounds: int) -> float:
    """ms per item, the best of a few rounds."""
    best = float("inf")
    for _ in range(rounds):
        start = CLOCK()
        for item in items:
            fn(item)
        best = min(best, CLOCK() - start)
    return best * 1000 / len(items)


class FloorFile:
    """One built file, split into what the floor redoes (the parts that differ from the
    template's, deflated per form) and what it copies (every other entry as stored)."""

    def __init__(self, built: Path, template: Path) -> None:
        with zipfile.ZipFile(template) as source:
            original = {name: source.read(name) for name in source.namelist()}
        self.expected = data = built.read_bytes()
        # (name, stored data, flags, CRC, size, the part when the floor deflates it)
        self.entries: list[tuple[bytes, bytes, int, int, int, bytes | None]] = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            self.time_date = _dos(infos[0].date_time)
            for info in infos:
                payload = archive.read(info)
                name = info.filename.encode()
                start = info.header_offset + 30 + len(name) + len(info.extra)
                changed = info.filename != "docProps/core.xml" and original.get(info.filename) != payload
                self.entries.append((name, data[start:start + info.compress_size], info.flag_bits,
                                     info.CRC, info.file_size, payload if changed else None))
        self.changed = [name.decode() for name, *_, part in self.entries if part is not None]

    def build(self) -> bytes:
        """The file's bytes: the changed parts deflated, the other entries copied."""
        time_, date = self.time_date
        chunks, directory, offset = [], [], 0
        for name, data, flags, crc, size, part in self.entries:
            if part is not None:
                compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
                data = compressor.compress(part) + compressor.flush()
                crc, size = zlib.crc32(part), len(part)
            chunks += (_LOCAL.pack(b"PK\x03\x04", 20, 0, flags, 8, time_, date, crc, len(data), size,
                                   len(name), 0), name, data)
            directory += (_CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, flags, 8, time_, date, crc,
                                        len(data), size, len(name), 0, 0, 0, 0, 0o600 << 16, offset), name)
            offset += 30 + len(name) + len(data)
        central = b"".join(directory)
        n = len(self.entries)
        return b"".join([*chunks, central, _END.pack(b"PK\x05\x06", 0, 0, n, n, len(central), offset, 0)])


def _dos(date_time) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def measure(kind, sources: list[Path], work: Path, rounds: int) -> dict:
    from reportgen.pipeline import build_file
    from reportgen.template_files import template_path

    templates, out = ROOT / "templates", work / f"out-{kind.key}"

    def build(source: Path):
        result = build_file(kind, source, YEAR, templates_dir=templates, out_dir=out)
        assert result.ok and len(result.outputs) == 2, result.findings
        return result

    results = [build(s) for s in sources]  # warm: templates prepared, modules imported
    build_ms = best_ms(build, sources, rounds)

    docx, xlsx = (template_path(templates, kind, YEAR, fmt) for fmt in ("docx", "xlsx"))
    files = []
    for result in results:
        pair = []
        for path in result.outputs:
            floor = FloorFile(path, docx if path.suffix == ".docx" else xlsx)
            assert floor.build() == floor.expected, f"floor does not reproduce {path.name}"
            pair.append((work / "floor" / path.name, floor))
        files.append(pair)
    (work / "floor").mkdir(exist_ok=True)

    def floor_form(pair):
        for target, floor in pair:
            with open(target, "wb") as handle:
                handle.write(floor.build())

    floor_ms = best_ms(floor_form, files, rounds)

    def atomic_floor_form(pair):
        for target, floor in pair:
            staged = target.with_name("." + target.name)
            with open(staged, "wb") as handle:
                handle.write(floor.build())
            os.replace(staged, target)

    atomic_ms = best_ms(atomic_floor_form, files, rounds)
    changed = sorted({name for pair in files for _, f in pair for name in f.changed})
    return {"build_ms": round(build_ms, 2), "floor_ms": round(floor_ms, 3),
            "ratio": round(build_ms / floor_ms, 1), "atomic_floor_ms": round(atomic_ms, 3),
            "atomic_ratio": round(build_ms / atomic_ms, 1), "changed_parts": changed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="forms of each kind")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--wall", action="store_true", help="elapsed time instead of CPU time")
    args = parser.parse_args()
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter

    from reportgen.forms.registry import get_kind

    report = {}
    with tempfile.TemporaryDirectory(prefix="reportgen-floor-") as tmp:
        work = Path(tmp)
        data = work / "data" / str(YEAR)
        kinds = {"department": synthetic_departments(data, args.n),
                 "project": synthetic_projects(data / "项目", args.n, departments=max(1, args.n // 10))}
        for key, sources in kinds.items():
            figures = measure(get_kind(key), sources, work, args.rounds)
            report[key] = figures
            clock = "wall" if args.wall else "CPU"
            print(f"{key:10} per form, N={args.n}, {clock}: build {figures['build_ms']:.1f} ms, "
                  f"floor {figures['floor_ms']:.2f} ms -> ratio {figures['ratio']:.1f} "
                  f"(target <= 10, aim 5); with atomic writes: floor {figures['atomic_floor_ms']:.2f} ms -> "
                  f"ratio {figures['atomic_ratio']:.1f}; deflated per form: {', '.join(figures['changed_parts'])}")
        shutil.rmtree(work / "data")
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
