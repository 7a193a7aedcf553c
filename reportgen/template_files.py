"""Where a kind's templates are: templates/<kind>/<name>, overridden for one year by
templates/<kind>/<year>/<name>."""

from __future__ import annotations

from pathlib import Path

from reportgen.errors import NotFound
from reportgen.forms.kind import FormKind
from reportgen.forms.registry import all_kinds

TEMPLATE_SUFFIXES = (".docx", ".xlsx")


def candidates(templates_dir: Path, kind: FormKind, year: int, name: str) -> list[Path]:
    folder = templates_dir / kind.key
    return [folder / str(year) / name, folder / name]


def template_path(templates_dir: Path, kind: FormKind, year: int, fmt: str) -> Path:
    """The template a form of `kind` is rendered with as `fmt` (docx, xlsx) in `year`."""
    name = kind.template_names[fmt]
    for candidate in candidates(templates_dir, kind, year, name):
        if candidate.is_file():
            return candidate
    raise NotFound(f"找不到模板文件 {templates_dir / kind.key / name}。")


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in TEMPLATE_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def template_files(templates_dir: Path, year: int | None = None) -> list[tuple[FormKind, Path]]:
    """Every kind's templates, and those of templates/<kind>/<year>/ (of every year
    without `year`)."""
    found: list[tuple[FormKind, Path]] = []
    for kind in all_kinds():
        folder = templates_dir / kind.key
        found += [(kind, p) for p in _files(folder)]
        if year is not None:
            years = [folder / str(year)]
        else:
            years = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()) \
                if folder.is_dir() else []
        for sub in years:
            found += [(kind, p) for p in _files(sub)]
    return found
