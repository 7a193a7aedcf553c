"""The indicator table every form kind shares: rows named by 一级/二级/三级指标, grouped
where consecutive rows share a name, and the spans of rows whose cells the form merges.

A row is any object with ``level1``, ``level2``, ``name``, ``weight`` and ``score``
(weight and score may be None on a row that only keeps an empty 二级指标 category).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol


class Row(Protocol):
    level1: str
    level2: str
    name: str
    weight: Decimal | None
    score: Decimal | None


def total(values: Iterable[Decimal | None]) -> Decimal:
    """The sum of the figures given (blanks count as nothing)."""
    return sum((v for v in values if v is not None), Decimal(0))


@dataclass(frozen=True)
class Level3:
    """A 三级指标: one row, or several rows when it is scored in parts."""

    name: str
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Level2:
    name: str
    weight: Decimal  # sum of its rows' weights
    items: tuple[Level3, ...]

    @property
    def rows(self) -> tuple[Any, ...]:
        return tuple(row for item in self.items for row in item.parts)


@dataclass(frozen=True)
class Level1:
    name: str
    weight: Decimal  # sum of its 二级指标
    groups: tuple[Level2, ...]

    @property
    def rows(self) -> tuple[Any, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def score(self) -> Decimal:
        return total(row.score for row in self.rows)


def runs(rows: Sequence[Any], key: Callable[[Any], Any]) -> list[list[Any]]:
    """Split rows into runs of consecutive rows sharing key(row)."""
    out: list[list[Any]] = []
    for row in rows:
        if out and key(out[-1][0]) == key(row):
            out[-1].append(row)
        else:
            out.append([row])
    return out


def group_indicators(rows: Sequence[Row]) -> tuple[Level1, ...]:
    """Consecutive rows with the same level1 (then level2, then name) share a cell."""
    levels = []
    for run1 in runs(rows, lambda r: r.level1):
        groups = []
        for run2 in runs(run1, lambda r: r.level2):
            items = tuple(Level3(name=run3[0].name, parts=tuple(run3))
                          for run3 in runs(run2, lambda r: r.name))
            groups.append(Level2(name=run2[0].level2, weight=total(r.weight for r in run2), items=items))
        levels.append(Level1(name=run1[0].level1, weight=total(g.weight for g in groups),
                             groups=tuple(groups)))
    return tuple(levels)


def level_scores(levels: Sequence[Level1]) -> tuple[tuple[str, Decimal], ...]:
    """Each 一级指标's score, in form order; a name that comes back later in the table
    (not next to its first group) adds to the same total."""
    totals: dict[str, Decimal] = {}
    for level in levels:
        totals[level.name] = totals.get(level.name, Decimal(0)) + level.score
    return tuple(totals.items())


@dataclass(frozen=True)
class Span:
    start: int  # index into the table's rows
    length: int


def spans(levels: Sequence[Level1]) -> dict[str, list[Span]]:
    """The rows each 一级 ("level1"), 二级 ("level2") and 三级指标 ("level3") covers."""
    out: dict[str, list[Span]] = {"level1": [], "level2": [], "level3": []}
    start = 0
    for level1 in levels:
        out["level1"].append(Span(start, len(level1.rows)))
        for level2 in level1.groups:
            out["level2"].append(Span(start, len(level2.rows)))
            for level3 in level2.items:
                out["level3"].append(Span(start, len(level3.parts)))
                start += len(level3.parts)
    return out
