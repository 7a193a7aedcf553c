"""Forms' outcomes as they arrive from the worker processes, made to share what they
repeat: a year of tens of thousands of forms keeps every form's outcome (for the 汇总表,
the checks between forms and the closing report), and each arrives as fresh objects. The
names a form repeats (its name in its identity, summary row and result; its department in
each; the output folder of all its files) become one object each."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class FormFiles(Sequence[Path]):
    """A form's files as the main process keeps them until the end of a run: the folder
    (one object shared by the forms there), the name without its suffix and the suffixes
    (one tuple shared by the forms of a run), instead of a Path per file (each with its
    own parts and text: ~1 KB a form). The paths are made when asked for (the closing
    report, 生成结果.txt, moving old files); a form's PDF is appended after conversion."""

    __slots__ = ("folder", "stem", "suffixes")

    def __init__(self, folder: Path, stem: str, suffixes: tuple[str, ...]) -> None:
        self.folder, self.stem, self.suffixes = folder, stem, suffixes

    @classmethod
    def of(cls, paths: Sequence[Path]) -> FormFiles | None:
        """The paths as one FormFiles, or None when they are not one folder and one stem."""
        if not paths:
            return None
        folder, stem = paths[0].parent, paths[0].stem
        if any(p.parent != folder or p.stem != stem or not p.suffix for p in paths):
            return None
        return cls(folder, stem, tuple(p.suffix for p in paths))

    def __len__(self) -> int:
        return len(self.suffixes)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.folder / f"{self.stem}{s}" for s in self.suffixes[index]]
        return self.folder / f"{self.stem}{self.suffixes[index]}"

    def __iter__(self) -> Iterator[Path]:
        return (self.folder / f"{self.stem}{s}" for s in self.suffixes)

    def names(self) -> Iterator[str]:
        """The files' names, without making their paths."""
        return (f"{self.stem}{s}" for s in self.suffixes)

    def append(self, path: Path) -> None:
        if path.parent != self.folder or path.stem != self.stem or not path.suffix:
            raise ValueError(f"{path} is not beside {self.folder / self.stem}")
        self.suffixes = (*self.suffixes, path.suffix)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FormFiles | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable (append), as the list it replaces

    def __repr__(self) -> str:
        return f"FormFiles({list(self)!r})"


class SharedValues:
    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._folders: dict[Path, Path] = {}
        self._suffixes: dict[tuple[str, ...], tuple[str, ...]] = {}

    def string(self, text: str | None) -> str | None:
        return None if text is None else self._strings.setdefault(text, text)

    def path(self, path: Path) -> Path:
        """The same path, its folder shared with the other files there."""
        folder = self._folders.setdefault(path.parent, path.parent)
        return folder / path.name

    def files(self, paths: list[Path]) -> Sequence[Path]:
        """A form's files as a FormFiles (its folder and suffixes shared), or, when they
        are not one folder and one name, a list of paths with their folders shared."""
        files = FormFiles.of(paths)
        if files is None:
            return [self.path(p) for p in paths]
        files.folder = self._folders.setdefault(files.folder, files.folder)
        files.suffixes = self._suffixes.setdefault(files.suffixes, files.suffixes)
        return files

    def value(self, value: Any) -> Any:
        """Text shared; a tuple rebuilt with its text shared (e.g. a department's
        (一级指标, score) pairs); anything else as it is."""
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, tuple):
            return tuple(self.value(v) for v in value)
        return value

    def fields(self, value: T) -> T:
        """A dataclass instance with its text fields shared (a copy when it is frozen)."""
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return value
        changes = {f.name: self.value(v) for f in dataclasses.fields(value)
                   if isinstance(v := getattr(value, f.name), str | tuple)}
        try:
            for name, text in changes.items():
                setattr(value, name, text)
        except dataclasses.FrozenInstanceError:  # raised at the first field: nothing changed
            return dataclasses.replace(value, **changes)
        return value

    def result(self, result: Any, source: Path) -> Any:
        """A form's BuildResult, with `source` the path already held for its data file."""
        result.source = source
        result.outputs = self.files(result.outputs)
        result.identity = self.fields(result.identity) if result.identity is not None else None
        result.summary = self.fields(result.summary)
        result.name, result.group = self.string(result.name), self.string(result.group)
        return result
