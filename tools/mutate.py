"""Mutation testing of the modules that compute and print a form's figures.

Each mutant is one small change to one module: a comparison flipped (< and <=, == and !=,
is and is not, in and not in), a number moved by one (0 -> 1, 1 -> 0, n -> n + 1, True and
False, Decimal("0.01") -> Decimal("0.1")), an arithmetic operator swapped (+ and -, * and /),
`and` and `or` swapped, `not x` and `-x` -> `x`, a condition negated, min and max swapped. The mutant is
written into a scratch copy of the worktree and that module's tests (tools/mutation.toml) are
run there with pytest, the copy first on PYTHONPATH so that the tests' subprocesses load the
mutant too (the editable install's finder comes after PYTHONPATH). A mutant is *killed* when
a test fails (or the run times out), it *survives* when every test passes. Mutants that
cannot change any behaviour are listed with their reason in tools/mutation_equivalent.toml
and counted apart.

    python tools/mutate.py --list                       # the mutants, nothing run
    python tools/mutate.py --module department/rules    # one module's mutants (substring)
    python tools/mutate.py --sample 40 --seed 1         # 40 mutants drawn at random
    python tools/mutate.py --confirm                    # rerun survivors under the whole suite
    python tools/mutate.py --json run.json; python tools/mutate.py --rerun run.json   # survivors only

A line holding `# pragma: no mutate` is never mutated.

Runs one mutant at a time by default (--jobs N uses N scratch copies). Nothing in the worktree
is changed. Exit status 0 when no non-equivalent mutant survives, 1 otherwise, 2 when the
unmutated tests fail.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tools" / "mutation.toml"
EQUIVALENT = ROOT / "tools" / "mutation_equivalent.toml"
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv*", "venv", "output", "__pycache__", ".pytest_cache",
                                     ".ruff_cache", "*.egg-info", "build", "dist", "~$*")
NO_MUTATE = "# pragma: no mutate"
CONFIRMED = "[confirm] "  # a result's detail when only --confirm's tests killed it

COMPARE_SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
BINOP_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
}
SYMBOLS: dict[type, str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.And: "and", ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    module: str  # path relative to the root, e.g. reportgen/formats.py
    line: int
    col: int
    description: str  # e.g. "`<` -> `<=`"
    source_line: str  # the original line, stripped (the allow-list matches on it)
    start: int  # byte offsets of the replaced text in the module
    end: int
    replacement: bytes

    @property
    def where(self) -> str:
        return f"{self.module}:{self.line}"

    def apply(self, original: bytes) -> bytes:
        return original[:self.start] + self.replacement + original[self.end:]


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed, survived, timeout, equivalent
    seconds: float = 0.0
    detail: str = ""  # the first failing test of a killed mutant
    reason: str = ""  # why an equivalent mutant is equivalent


# --------------------------------------------------------------------------- finding mutants
def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations (not evaluated: every module has
    `from __future__ import annotations`), decorators, imports, and everything below them."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                roots.append(first)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            roots.extend(node.decorator_list)
            if node.returns:
                roots.append(node.returns)
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None and arg.annotation is not None:
                    roots.append(arg.annotation)
        elif isinstance(node, ast.ClassDef):
            roots.extend(node.decorator_list)
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, (ast.ImportFrom, ast.Import)):
            roots.append(node)
    return {id(sub) for root in roots for sub in ast.walk(root)}


def _number_text(value: object) -> str | None:
    """A constant's text moved by one (0 -> 1, 1 -> 0, n -> n + 1), or None."""
    if isinstance(value, bool):
        return str(not value)
    if isinstance(value, int):
        return "0" if value == 1 else str(value + 1)
    if isinstance(value, float):
        return "0.0" if value == 1 else repr(value + 1)
    return None


def _decimal_text(value: str) -> str | None:
    """A numeric string given to Decimal() times ten ("0.01" -> "0.1"): its exponent changes,
    which is all that quantize() reads (Decimal("0.02") would quantize alike)."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return f"{number.scaleb(1):f}"


def _variants(node: ast.AST, parent: ast.AST | None) -> Iterator[tuple[str, ast.AST | str | tuple[str, str]]]:
    """(description, the mutated node, its replacement text, or the (before, after) text that
    wraps the original) for one node."""
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap:
                new = copy.deepcopy(node)
                new.ops[index] = swap()
                yield f"`{SYMBOLS[type(op)]}` -> `{SYMBOLS[swap]}`", new
    elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
        swap = BINOP_SWAPS[type(node.op)]
        new = copy.deepcopy(node)
        new.op = swap()
        yield f"`{SYMBOLS[type(node.op)]}` -> `{SYMBOLS[swap]}`", new
    elif isinstance(node, ast.BoolOp):
        swap = ast.Or if isinstance(node.op, ast.And) else ast.And
        new = copy.deepcopy(node)
        new.op = swap()
        yield f"`{SYMBOLS[type(node.op)]}` -> `{SYMBOLS[swap]}`", new
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        yield f"`{'not ' if isinstance(node.op, ast.Not) else '-'}x` -> `x`", node.operand
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, (bool, int, float)) and not isinstance(parent, ast.UnaryOp):
            text = _number_text(node.value)
            if text is not None:
                yield f"constant `{ast.unparse(node)}` -> `{text}`", text
        elif isinstance(node.value, str) and isinstance(parent, ast.Call) and \
                isinstance(parent.func, ast.Name) and parent.func.id == "Decimal":
            text = _decimal_text(node.value)
            if text is not None:
                yield f'constant `Decimal("{node.value}")` -> `Decimal("{text}")`', repr(text)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
        new = copy.deepcopy(node)
        new.func = ast.Name("max" if node.func.id == "min" else "min", ast.Load())
        yield f"`{node.func.id}(...)` -> `{new.func.id}(...)`", new
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and node is parent.test \
            and not _negates_itself(node):
        yield "condition negated", ("not (", ")")


def _negates_itself(node: ast.AST) -> bool:
    """A condition whose negation is already one of its own mutants (`not x` -> `x`,
    `a == b` -> `a != b`, `a is None` -> `a is not None`)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return True
    return isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(
        node.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn))


def _is_source_of(segment: str, node: ast.AST) -> bool:
    try:
        parsed = ast.parse(f"({segment})", mode="eval").body
    except SyntaxError:
        return False
    return ast.dump(parsed) == ast.dump(node)


def _line_starts(source: bytes) -> list[int]:
    starts = [0]
    for index, byte in enumerate(source):
        if byte == 0x0A:
            starts.append(index + 1)
    return starts


def find_mutants(module: str) -> list[Mutant]:
    """Every mutant of one module, in source order."""
    path = ROOT / module
    source = path.read_bytes()
    tree = ast.parse(source, filename=module)
    original = ast.dump(tree)
    lines = source.decode("utf-8").splitlines()
    starts = _line_starts(source)
    skipped = _skipped_nodes(tree)
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    out: list[Mutant] = []
    for node in ast.walk(tree):
        if id(node) in skipped or not hasattr(node, "end_col_offset"):
            continue
        if NO_MUTATE in lines[node.lineno - 1]:
            continue
        parent = parents.get(id(node))
        for description, new in _variants(node, parent):
            start = starts[node.lineno - 1] + node.col_offset
            end = starts[node.end_lineno - 1] + node.end_col_offset
            segment = source[start:end].decode("utf-8")
            if not _is_source_of(segment, node):
                continue  # positions that do not match the node (never seen; a safeguard)
            if isinstance(new, tuple):  # wrap the original text
                text = f"{new[0]}{segment}{new[1]}"
            elif isinstance(new, str):
                text = new
            else:
                text = f"({ast.unparse(new)})"
            mutant = Mutant(module, node.lineno, node.col_offset, description,
                            lines[node.lineno - 1].strip(), start, end, text.encode("utf-8"))
            try:
                changed = ast.dump(ast.parse(mutant.apply(source))) != original
            except SyntaxError:
                changed = False
            if changed:
                out.append(mutant)
    out.sort(key=lambda m: (m.line, m.col, m.description))
    return out


# --------------------------------------------------------------------------- configuration
def load_config(path: Path = CONFIG) -> dict[str, list[str]]:
    """module -> the pytest arguments (test files, node ids, -k) that exercise it."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {module: list(entry["tests"]) for module, entry in data["modules"].items()}


def load_confirm_tests(path: Path = CONFIG) -> list[str]:
    """The tests --confirm reruns a survivor under ([confirm] tests; the whole suite)."""
    with path.open("rb") as handle:
        return list(tomllib.load(handle).get("confirm", {}).get("tests", ["tests"]))


def load_equivalent(path: Path = EQUIVALENT) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open("rb") as handle:
        return tomllib.load(handle).get("equivalent", [])


def equivalent_reason(mutant: Mutant, allowed: list[dict[str, str]]) -> str | None:
    for entry in allowed:
        if (entry["module"] == mutant.module and entry["line"] == mutant.source_line
                and entry["mutation"] == mutant.description):
            return entry["reason"]
    return None


# --------------------------------------------------------------------------- running
class Scratch:
    """A copy of the worktree where one mutant at a time is written."""

    def __init__(self, base: Path) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="mutate-", dir=base))
        shutil.copytree(ROOT, self.root / "wt", ignore=COPY_IGNORE)
        self.root = self.root / "wt"
        self.env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(self.root), *filter(None, [os.environ.get("PYTHONPATH")])]))
        self.clock = 0

    def touch(self, path: Path) -> None:
        """A new, unique modification time: Python's cached bytecode is keyed on the file's
        mtime and size, and a mutant often has the original's size."""
        self.clock += 1
        stamp = 1_600_000_000 + self.clock
        os.utime(path, (stamp, stamp))

    def check_imports_here(self) -> None:
        done = subprocess.run([sys.executable, "-c", "import reportgen; print(reportgen.__file__)"],
                              cwd=self.root, env=self.env, capture_output=True, text=True, check=True)
        loaded = Path(done.stdout.strip()).resolve()
        if not loaded.is_relative_to(self.root.resolve()):
            raise SystemExit(f"the scratch copy's reportgen is not the one imported: {loaded}")

    def pytest(self, tests: list[str], timeout: float) -> tuple[str, str]:
        """('passed' | 'failed' | 'timeout', the first failure's line)."""
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                   "--no-header", "-W", "ignore", *tests]
        process = subprocess.Popen(command, cwd=self.root, env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return "timeout", ""
        if process.returncode == 0:
            return "passed", ""
        first = next((line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))),
                     output.strip().splitlines()[-1] if output.strip() else "")
        return "failed", first

    def run(self, mutant: Mutant, tests: list[str], timeout: float) -> Result:
        path = self.root / mutant.module
        original = path.read_bytes()
        path.write_bytes(mutant.apply(original))
        self.touch(path)
        started = time.monotonic()
        try:
            outcome, detail = self.pytest(tests, timeout)
        finally:
            path.write_bytes(original)
            self.touch(path)
        status = {"passed": "survived", "failed": "killed", "timeout": "timeout"}[outcome]
        return Result(mutant, status, time.monotonic() - started, detail)

    def remove(self) -> None:
        shutil.rmtree(self.root.parent, ignore_errors=True)


def run_all(mutants: list[Mutant], config: dict[str, list[str]], jobs: int, timeout: float,
            progress: bool, base: Path) -> list[Result]:
    scratches = [Scratch(base) for _ in range(jobs)]
    free = list(scratches)
    lock = threading.Lock()
    done = 0

    def one(mutant: Mutant) -> Result:
        nonlocal done
        with lock:
            scratch = free.pop()
        try:
            result = scratch.run(mutant, config[mutant.module], timeout)
        finally:
            with lock:
                free.append(scratch)
        with lock:
            done += 1
            if progress:
                print(f"[{done}/{len(mutants)}] {result.status:8} {result.seconds:5.1f}s "
                      f"{mutant.where} {mutant.description}  {result.detail[:100]}", file=sys.stderr, flush=True)
        return result

    try:
        scratches[0].check_imports_here()
        for module in sorted({m.module for m in mutants}):
            outcome, detail = scratches[0].pytest(config[module], timeout * 3)
            if outcome != "passed":
                print(f"the unmutated tests of {module} do not pass ({outcome}): {detail}", file=sys.stderr)
                raise SystemExit(2)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, mutants))
    finally:
        for scratch in scratches:
            scratch.remove()


# --------------------------------------------------------------------------- report
def report(results: list[Result]) -> str:
    by_module: dict[str, Counter] = {}
    for result in results:
        by_module.setdefault(result.mutant.module, Counter())[result.status] += 1
    lines = ["| module | mutants | killed | timeout | survived | equivalent | score |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    grand: Counter = Counter()
    for module, counts in sorted(by_module.items()):
        grand.update(counts)
        lines.append(_row(module, counts))
    lines.append(_row("**all**", grand))
    wider = [r for r in results if r.detail.startswith(CONFIRMED)]
    if wider:
        lines += ["", "Killed only under --confirm's tests (add the test to the module's in tools/mutation.toml):"]
        lines += [f"  {r.mutant.where}: {r.mutant.description}    # {r.detail[len(CONFIRMED):]}" for r in wider]
    survivors = [r for r in results if r.status == "survived"]
    if survivors:
        lines += ["", "Survivors:"]
        lines += [f"  {r.mutant.where}: {r.mutant.description}    # {r.mutant.source_line}" for r in survivors]
    return "\n".join(lines)


def _row(name: str, counts: Counter) -> str:
    total = sum(counts.values())
    caught = counts["killed"] + counts["timeout"]
    relevant = total - counts["equivalent"]
    score = f"{100 * caught / relevant:.1f}%" if relevant else "—"
    return (f"| {name} | {total} | {counts['killed']} | {counts['timeout']} | {counts['survived']} | "
            f"{counts['equivalent']} | {score} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", action="append", default=[],
                        help="only modules whose path contains this text (repeatable)")
    parser.add_argument("--sample", type=int, help="run this many mutants drawn at random")
    parser.add_argument("--seed", type=int, default=0, help="the sample's random seed (default 0)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per mutant (default 300)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--confirm", action="store_true",
                        help="rerun each survivor under the whole test suite")
    parser.add_argument("--config", type=Path, default=CONFIG,
                        help="the modules and their tests (default tools/mutation.toml)")
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument("--rerun", type=Path, metavar="JSON",
                        help="only the mutants that survived in this earlier --json file")
    parser.add_argument("--quiet", action="store_true", help="no line per mutant")
    args = parser.parse_args(argv)

    config = load_config(args.config)
    modules = [m for m in config if not args.module or any(part in m for part in args.module)]
    if not modules:
        parser.error(f"no module matches {args.module}; modules: {', '.join(config)}")
    mutants = [mutant for module in modules for mutant in find_mutants(module)]
    allowed = load_equivalent()
    if args.rerun:
        earlier = json.loads(args.rerun.read_text(encoding="utf-8"))
        wanted = {(r["module"], r["source"], r["mutation"]) for r in earlier if r["status"] == "survived"}
        mutants = [m for m in mutants if (m.module, m.source_line, m.description) in wanted]
    if args.sample is not None and args.sample < len(mutants):
        mutants = sorted(random.Random(args.seed).sample(mutants, args.sample),
                         key=lambda m: (m.module, m.line, m.col, m.description))
    if args.list:
        for mutant in mutants:
            reason = equivalent_reason(mutant, allowed)
            mark = f"  [equivalent: {reason}]" if reason else ""
            print(f"{mutant.where}: {mutant.description}    # {mutant.source_line}{mark}")
        print(f"{len(mutants)} mutants in {len(modules)} modules")
        return 0

    equivalent = [Result(m, "equivalent", reason=r) for m in mutants if (r := equivalent_reason(m, allowed))]
    to_run = [m for m in mutants if not equivalent_reason(m, allowed)]
    base = Path(tempfile.gettempdir())
    started = time.monotonic()
    results = run_all(to_run, config, max(1, args.jobs), args.timeout, not args.quiet, base) + equivalent
    if args.confirm:
        survivors = [r for r in results if r.status == "survived"]
        if survivors:
            print(f"confirming {len(survivors)} survivors under {' '.join(load_confirm_tests(args.config))}",
                  file=sys.stderr)
            whole = {m: load_confirm_tests(args.config) for m in config}
            again = run_all([r.mutant for r in survivors], whole, max(1, args.jobs), args.timeout * 4,
                            not args.quiet, base)
            for old, new in zip(survivors, again, strict=True):
                if new.status != "survived":
                    old.status, old.detail = new.status, f"{CONFIRMED}{new.detail}"
    results.sort(key=lambda r: (r.mutant.module, r.mutant.line, r.mutant.col, r.mutant.description))
    print(report(results))
    print(f"\n{len(results)} mutants in {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps([{
            "module": r.mutant.module, "line": r.mutant.line, "mutation": r.mutant.description,
            "source": r.mutant.source_line, "status": r.status, "seconds": round(r.seconds, 2),
            "detail": r.detail, "reason": r.reason} for r in results], ensure_ascii=False, indent=1),
            encoding="utf-8")
    return 1 if any(r.status == "survived" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
