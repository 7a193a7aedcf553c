"""`check` as a library: a year's data files checked (each form, and the forms against each
other), nothing written. The CLI prints the result; the bureau's site stores it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import InputError
from reportgen.findings import Finding


@dataclass
class YearCheck:
    """Per data file: its findings (errors first as found) and what it says it is."""

    sources: dict  # FormKind -> [Path], as found in the year's folder
    chosen: dict  # FormKind -> [Path]: the files asked for (all, or one department's)
    findings: dict[Path, list[Finding]] = field(default_factory=dict)
    identities: dict = field(default_factory=dict)  # Path -> Identity | None (unreadable)

    def errors(self, source: Path) -> int:
        return sum(1 for f in self.findings[source] if f.level == "error")


def check_year(data_dir: Path, year: int, dept: str | None = None) -> YearCheck:
    """Every data file of a year read once and checked, then the checks between forms
    (duplicates, projects against their department). `dept` chooses which files are
    reported (the others are still read: the checks between forms need them all)."""
    from reportgen.batch import select
    from reportgen.forms.registry import all_kinds
    from reportgen.pipeline import find_year, identity_of, read_once
    from reportgen.settings import load_settings
    from reportgen.validate import year_duplicates

    kinds = all_kinds()
    sources = find_year(kinds, data_dir, year)
    settings = load_settings(data_dir, year)
    identities = {}
    findings: dict[Path, list] = {}
    unreadable: set[Path] = set()
    summaries: dict[object, list[tuple[Path, object]]] = {kind: [] for kind in kinds}
    for kind, paths in sources.items():  # every file, read once: the checks between forms need them all
        for source in paths:
            read = read_once(source, kind)
            identities[source] = identity_of(read, kind)
            try:
                if isinstance(read, InputError):
                    raise read
                built, findings[source] = kind.validate(read, year, settings)
                if built is not None:
                    summaries[kind].append((source, kind.summary(built)))
            except InputError as exc:
                findings[source] = exc.findings
                unreadable.add(source)
    duplicates = year_duplicates(sources, identities)
    for source, found in duplicates.items():  # first, or after why the file cannot be read
        findings[source] = [*findings[source], *found] if source in unreadable else [*found, *findings[source]]
    chosen = select(sources, [dept], identities) if dept else sources
    summaries = {kind: [(s, row) for s, row in pairs if s not in duplicates] for kind, pairs in summaries.items()}
    rows = {kind: [row for _, row in pairs] for kind, pairs in summaries.items()}
    for kind, pairs in summaries.items():  # the checks between forms of different kinds
        for index, more in kind.cross_check(rows[kind], rows).items():
            findings[pairs[index][0]].extend(more)
    return YearCheck(sources=sources, chosen=chosen, findings=findings, identities=identities)
