"""Where the templates and the sample data are, and ``reportgen init``.

The repository's top-level ``templates/``, ``data/`` and ``docs/`` folders are the only
copies: setup.cfg ships them inside the package as ``reportgen/templates``,
``reportgen/sample_data`` and ``reportgen/docs`` (package_dir), so an installed reportgen
finds them beside its modules, and an editable install or a source checkout finds them
beside the package folder (``reportgen/../templates``).

``reportgen init`` copies pristine samples. An installed reportgen has them as package
data. Run from a source checkout (an editable install), ``data/`` and ``templates/``
are also the checkout's own working folders, which their user may have edited or filled
with real departments: there the samples are the files committed to git (``HEAD``),
never the working copies.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(packaged: str, in_repository: str) -> Path:
    for candidate in (_PACKAGE / packaged, _PACKAGE.parent / in_repository):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"找不到随程序安装的 {in_repository} 文件夹（{_PACKAGE / packaged}）。请重新安装 reportgen。")


def packaged_templates_dir() -> Path:
    """The templates that come with reportgen."""
    return _shipped("templates", "templates")


def sample_data_dir() -> Path:
    """The sample data that comes with reportgen (data/<year>/<department>.toml)."""
    return _shipped("sample_data", "data")


def docs_dir() -> Path:
    """The guides that come with reportgen (docs/*.md)."""
    return _shipped("docs", "docs")


def templates_dir(given: Path | None = None) -> Path:
    """--templates DIR if given, else ./templates if it exists, else the packaged ones."""
    if given is not None:
        return given
    local = Path("templates")
    if local.is_dir():
        return local
    return packaged_templates_dir()


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "~$", "__")) and path.suffix not in (".py", ".pyc")


class InitResult:  # a plain class: resources is imported by every build, a dataclass costs ~0.5 ms
    def __init__(self) -> None:
        self.created: list[Path] = []
        self.kept: list[Path] = []  # already there, left as they were
        self.note: str | None = None  # where the samples came from, when that needs saying


def _copy_tree(source: Path, target: Path, result: InitResult) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted(source.iterdir()):
        if not _visible(item):
            continue
        destination = target / item.name
        if item.is_dir():
            _copy_tree(item, destination, result)
        elif destination.exists():
            result.kept.append(destination)
        else:
            shutil.copy2(item, destination)
            result.created.append(destination)


def _checkout() -> Path | None:
    """The source checkout reportgen runs from (editable install), else None."""
    if (_PACKAGE / "templates").is_dir() or (_PACKAGE / "sample_data").is_dir():
        return None  # installed: the package data are copies made at install time
    root = _PACKAGE.parent
    return root if (root / ".git").exists() else None


def committed_files(root: Path, folder: str) -> dict[str, bytes] | None:
    """{path under folder: bytes} of the files committed in the checkout's HEAD, or None
    when git cannot tell (not installed, no commit)."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        listed = subprocess.run([git, "-C", str(root), "ls-tree", "-r", "-z", "--name-only", "HEAD",
                                 "--", folder], capture_output=True, check=True, timeout=60).stdout
        files = {}
        for name in filter(None, listed.decode("utf-8").split("\0")):
            relative = Path(name).relative_to(folder)
            if all(_visible(Path(part)) for part in relative.parts):
                files[relative.as_posix()] = subprocess.run(
                    [git, "-C", str(root), "show", f"HEAD:{name}"], capture_output=True, check=True,
                    timeout=60).stdout
        return files
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def _write_files(files: dict[str, bytes], target: Path, result: InitResult) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(files):
        destination = target / name
        if destination.exists():
            result.kept.append(destination)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(files[name])
        result.created.append(destination)


def _copy_samples(folder: str, source: Path, target: Path, result: InitResult) -> None:
    root = _checkout()
    files = committed_files(root, folder) if root is not None else None
    if files:
        _write_files(files, target, result)
        return
    if root is not None:
        result.note = (f"注意：无法用 git 读取 {root} 中提交的示例文件，示例取自该文件夹中的当前文件，"
                       f"它们可能已被修改。")
    _copy_tree(source, target, result)


def init_workspace(folder: Path) -> InitResult:
    """A working folder: data/ with the sample department, templates/, docs/ (the
    guides), output/. Files already there are kept (never overwritten)."""
    result = InitResult()
    _copy_samples("data", sample_data_dir(), folder / "data", result)
    _copy_samples("templates", packaged_templates_dir(), folder / "templates", result)
    _copy_samples("docs", docs_dir(), folder / "docs", result)
    (folder / "output").mkdir(parents=True, exist_ok=True)
    return result
