"""Open XML validity for tests: assert_valid(path) on any generated .docx/.xlsx.

Runs openxml-audit (a test dependency, see setup.cfg) through reportgen.ooxml_check, which
drops only the validator's proven false positives (each with its evidence there). A new
form kind needs nothing more than a call to assert_valid on its files."""

from __future__ import annotations

from pathlib import Path

from reportgen.ooxml_check import problems


def assert_valid(path: Path) -> None:
    found = problems(path)
    assert not found, f"{Path(path).name}: {len(found)} Open XML finding(s):\n" + "\n".join(map(str, found))
