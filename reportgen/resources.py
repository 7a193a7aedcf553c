"""Where the templates and the sample data are, and ``reportgen init``.

The repository's top-level ``templates/``, ``data/`` and ``docs/`` folders are the only
copies: setup.cfg ships them inside the package as ``reportgen/templates``,
``reportgen/sample_data`` and ``reportgen/docs`` (package_dir), so an installed reportgen
finds them beside its modules, and an editable install or a source checkout finds them
beside the package folder (``reportgen/../templates``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
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


@dataclass
class InitResult:
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there, left as they were


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


def init_workspace(folder: Path) -> InitResult:
    """A working folder: data/ with the sample department, templates/, docs/ (the
    guides), output/. Files already there are kept (never overwritten)."""
    result = InitResult()
    _copy_tree(sample_data_dir(), folder / "data", result)
    _copy_tree(packaged_templates_dir(), folder / "templates", result)
    _copy_tree(docs_dir(), folder / "docs", result)
    (folder / "output").mkdir(parents=True, exist_ok=True)
    return result
