"""tools/mutate.py finds the mutants it should, writes each as valid Python that differs from
the module only where it says, and its configuration and allow-list match the code (no run:
running mutants is the tool's job, not the suite's)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def mutate():
    spec = importlib.util.spec_from_file_location("mutate_tool", ROOT / "tools" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate_tool"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["mutate_tool"]


def described(mutants) -> set[tuple[str, str]]:
    return {(m.source_line, m.description) for m in mutants}


def test_the_issue_s_mutants_are_among_those_found(mutate):
    rules = described(mutate.find_mutants("reportgen/forms/department/rules.py"))
    assert ('if text is None or not str(text).strip():', "`is` -> `is not`") in rules
    assert ("return Decimal(0)", "constant `0` -> `1`") in rules
    assert ("if self.target <= 0:", "constant `0` -> `1`") in rules
    assert ("if self.target <= 0 or self.actual <= 0:", "constant `0` -> `1`") in rules
    assert ("share = min(max(rate_percent, Decimal(0)), HUNDRED) / HUNDRED", "constant `0` -> `1`") in rules
    compute = described(mutate.find_mutants("reportgen/forms/department/compute.py"))
    line = "return sum(1 for row in self.department.indicators if row.score < row.weight)"
    assert (line, "`<` -> `<=`") in compute and (line, "constant `1` -> `0`") in compute
    project = described(mutate.find_mutants("reportgen/forms/project/rules.py"))
    assert ("if not ZERO <= weight <= HUNDRED:", "`<=` -> `<`") in project


def test_docstrings_annotations_and_imports_are_not_mutated(mutate):
    lines = {m.line for m in mutate.find_mutants("reportgen/formats.py")}
    source = (ROOT / "reportgen" / "formats.py").read_text(encoding="utf-8").splitlines()
    assert 1 not in lines  # the module docstring
    assert not any(source[n - 1].startswith(("from ", "import ")) for n in lines)
    signature = next(n for n, text in enumerate(source, 1) if text.startswith("def weight("))
    assert signature not in lines  # `Decimal | None` is an annotation, not evaluated


def test_each_mutant_changes_only_its_own_text(mutate):
    for module in mutate.load_config():
        original = (ROOT / module).read_bytes()
        before = ast.dump(ast.parse(original))
        for mutant in mutate.find_mutants(module):
            mutated = mutant.apply(original)
            assert ast.dump(ast.parse(mutated)) != before, mutant
            assert mutated[:mutant.start] == original[:mutant.start]
            assert mutated[mutant.start + len(mutant.replacement):] == original[mutant.end:]


def test_a_comparison_flip_is_written_where_it_was_found(mutate):
    [mutant] = [m for m in mutate.find_mutants("reportgen/forms/department/compute.py")
                if m.description == "`<` -> `<=`"]
    text = mutant.apply((ROOT / mutant.module).read_bytes()).decode("utf-8")
    assert "if (row.score <= row.weight))" in text.splitlines()[mutant.line - 1]


def test_the_configuration_names_existing_modules_and_tests(mutate):
    config = mutate.load_config()
    assert {"reportgen/formats.py", "reportgen/indicators.py"} <= set(config)
    assert {m for m in config if m.endswith(("rules.py", "compute.py"))} == {
        f"reportgen/forms/{kind}/{name}.py" for kind in ("department", "project") for name in ("rules", "compute")}
    for module, tests in config.items():
        assert (ROOT / module).is_file(), module
        assert tests and all((ROOT / test.split("::")[0]).exists() for test in tests), module


def test_every_equivalent_mutant_listed_still_exists_and_has_a_reason(mutate):
    """An entry that matches no mutant any more (its line was edited) must be removed or
    updated, not left to hide a new mutant."""
    found = {(m.module, m.source_line, m.description)
             for module in mutate.load_config() for m in mutate.find_mutants(module)}
    entries = mutate.load_equivalent()
    assert entries
    for entry in entries:
        assert (entry["module"], entry["line"], entry["mutation"]) in found, entry
        assert len(entry["reason"]) > 40, entry


def test_the_report_counts_equivalent_mutants_apart(mutate):
    mutant = mutate.find_mutants("reportgen/forms/department/compute.py")[0]
    results = [mutate.Result(mutant, status) for status in ("killed", "killed", "timeout", "survived", "equivalent")]
    table = mutate.report(results)
    assert f"| {mutant.module} | 5 | 2 | 1 | 1 | 1 | 75.0% |" in table
    assert f"  {mutant.where}: {mutant.description}" in table
    assert "Killed only under --confirm" not in table
    wider = mutate.Result(mutant, "killed", detail=f"{mutate.CONFIRMED}FAILED tests/test_x.py::test_y")
    table = mutate.report([wider])
    assert "Killed only under --confirm's tests" in table and "# FAILED tests/test_x.py::test_y" in table
    assert f"| {mutant.module} | 1 | 1 | 0 | 0 | 0 | 100.0% |" in table


def test_sampling_is_repeatable(mutate, capsys):
    assert mutate.main(["--list", "--sample", "7", "--seed", "3"]) == 0
    first = capsys.readouterr().out
    assert mutate.main(["--list", "--sample", "7", "--seed", "3"]) == 0
    assert capsys.readouterr().out == first and first.splitlines()[-1].startswith("7 mutants")
    assert mutate.main(["--list", "--sample", "7", "--seed", "4"]) == 0
    assert capsys.readouterr().out != first


def test_a_module_filter_that_matches_nothing_is_refused(mutate, capsys):
    with pytest.raises(SystemExit):
        mutate.main(["--list", "--module", "nothing/here"])
    assert "no module matches" in capsys.readouterr().err


def test_scratch_copy_imports_its_own_package(mutate, tmp_path):
    """The mutant must be what the tests (and their subprocesses) import, not the editable
    install: the scratch copy comes first on PYTHONPATH."""
    scratch = mutate.Scratch(tmp_path)
    try:
        scratch.check_imports_here()
        assert Path(scratch.root, "reportgen", "formats.py").is_file()
        assert not (scratch.root / ".git").exists() and not (scratch.root / "output").exists()
    finally:
        scratch.remove()
    assert not any(tmp_path.iterdir())
