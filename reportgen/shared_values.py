"""Forms' outcomes as they arrive from the worker processes, made to share what they
repeat: a year of tens of thousands of forms keeps every form's outcome (for the 汇总表,
the checks between forms and the closing report), and each arrives as fresh objects. The
names a form repeats (its name in its identity, summary row and result; its department in
each; the output folder of all its files) become one object each."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class SharedValues:
    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._folders: dict[Path, Path] = {}

    def string(self, text: str | None) -> str | None:
        return None if text is None else self._strings.setdefault(text, text)

    def path(self, path: Path) -> Path:
        """The same path, its folder shared with the other files there."""
        folder = self._folders.setdefault(path.parent, path.parent)
        return folder / path.name

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
        result.outputs = [self.path(p) for p in result.outputs]
        result.identity = self.fields(result.identity) if result.identity is not None else None
        result.summary = self.fields(result.summary)
        result.name, result.group = self.string(result.name), self.string(result.group)
        return result
