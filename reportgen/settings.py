"""Per-year rule settings: figures that regions set differently, read from
data/<year>/设置.toml when it exists, with documented defaults.

```toml
[grades]            # 评价等级: the lowest 总分 of each grade (差 is everything below 中)
"优" = 90           # (keys that are not ASCII are quoted in TOML)
"良" = 80
"中" = 60

[department]        # 部门整体支出绩效自评表
max_execution_rate = 100.5  # the highest 执行率 (%) typed for the 预算执行率 rule

[project]           # 项目支出绩效自评表
budget_weight = 10  # 预算执行 的分值 (some regions use 20)
max_execution_rate = 100.5  # the highest 执行率 (%) of 全年执行数 ÷ 全年预算数

[project.split]     # the usual 分值 of each 一级指标 (another split is a warning)
"产出指标" = 50
"效益指标" = 30
"满意度指标" = 10
```
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.findings import error
from reportgen.model import KeyPath, key_name

SETTINGS_FILE = "设置.toml"  # in data/<year>/; never read as a form's data

DEFAULT_GRADES: tuple[tuple[str, Decimal], ...] = (
    ("优", Decimal(90)),
    ("良", Decimal(80)),
    ("中", Decimal(60)),
    ("差", Decimal("-Infinity")),
)


@dataclass(frozen=True)
class Settings:
    grades: tuple[tuple[str, Decimal], ...] = DEFAULT_GRADES  # (label, lowest 总分), best first
    kinds: dict[str, dict[str, Any]] = field(default_factory=dict)  # [project] … tables, by kind
    source: str = SETTINGS_FILE  # the settings file, as messages name it (data/2022/设置.toml)
    locate: Callable[[KeyPath], str] | None = field(default=None, compare=False)  # its TOML lines

    def where(self, path: KeyPath) -> str:
        """Where a setting is (its line), or would be written: 'data/2022/设置.toml 第3行 键
        project.budget_weight'."""
        if self.locate is not None:
            return self.locate(path)
        return f"{self.source} 键 {key_name(path)}"

    def grade_for(self, total: Decimal) -> str:
        for label, floor in self.grades:
            if total >= floor:
                return label
        return self.grades[-1][0]

    def of(self, kind: str) -> dict[str, Any]:
        return self.kinds.get(kind, {})

    def __hash__(self) -> int:  # frozen with a dict inside: hash what identifies it
        return hash((self.grades, tuple(sorted(self.kinds))))


DEFAULT_MAX_RATE = Decimal("100.5")  # the highest 执行率 (%) accepted unless 设置.toml says otherwise


def max_execution_rate(settings: Settings, kind: str) -> Decimal:
    """The highest 执行率 in percent a form of this kind may carry ([<kind>] max_execution_rate;
    100.5 when absent): spending a little over the budget is rounding, more is a figure typed
    wrong. ValueError (with the Chinese reason) when it is not a number in [100, 1000]."""
    value = settings.of(kind).get("max_execution_rate", DEFAULT_MAX_RATE)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or not Decimal(value).is_finite():
        raise ValueError(f"应为 100 到 1000 之间的数字（单位 %），现在是「{value}」")
    rate = Decimal(value)
    if not 100 <= rate <= 1000:
        raise ValueError(f"应在 100 到 1000 之间（单位 %），现在是 {rate}")
    return rate


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InputError([error(where, f"应为数字，现在是「{value}」。")])
    return Decimal(value)


def load_settings(data_dir: Path, year: int) -> Settings:
    """The year's settings (defaults where the file or a key is absent); every message about
    one of its keys names its line."""
    from reportgen.read.toml import TomlLocator, decode_utf8, toml_error

    path = data_dir / str(year) / SETTINGS_FILE
    if not path.is_file():
        return Settings(source=str(path))
    text = decode_utf8(path.read_bytes(), str(path))
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        at, message = toml_error(str(exc), text)  # the line and column, the fix in Chinese
        raise InputError([error(f"{path}{at}", f"设置文件无法读取。{message}")]) from None
    where = TomlLocator(path, text, name=str(path))
    grades = DEFAULT_GRADES
    given = data.pop("grades", None)
    if given is not None:
        if not isinstance(given, dict):
            raise InputError([error(where(("grades",)), (
                "应写成 [grades] 表：\"优\" = 90、\"良\" = 80、\"中\" = 60（中文键名要用英文双引号括起来）。"))])
        floors = dict(DEFAULT_GRADES)
        for label, value in given.items():
            if label not in floors or label == "差":
                raise InputError([error(where(("grades", label)),
                                        "评价等级只能设置「优」「良」「中」的下限（差 = 低于「中」的下限）。")])
            floors[label] = _number(value, where(("grades", label)))
        grades = tuple((label, floors[label]) for label, _ in DEFAULT_GRADES)
        if not grades[0][1] > grades[1][1] > grades[2][1]:
            raise InputError([error(where(("grades",)), "评价等级的下限应从优到中依次减小（如 90、80、60）。")])
    problems = unknown_settings(data, where)
    if problems:
        raise InputError(problems)
    kinds = {key: value for key, value in data.items() if isinstance(value, dict)}
    return Settings(grades=grades, kinds=kinds, source=str(path), locate=where)


def _closest(name: str, known: Sequence[str]) -> str:
    """「…」是否应为「…」？ when a known name looks like the typed one, else ''."""
    match = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"是否应为「{match[0]}」？" if match else ""


def unknown_settings(data: dict[str, Any], where: Callable[[KeyPath], str]) -> list:
    """An error for each table or key of 设置.toml (without [grades]) that no form kind reads: a
    misspelt name would otherwise leave the default in force, and the form would look right."""
    from reportgen.forms.registry import all_kinds

    known = {kind.key: kind.setting_keys for kind in all_kinds()}
    tables = "、".join(f"[{name}]" for name in ("grades", *known))
    problems = []
    for name, value in data.items():
        if name in known and isinstance(value, dict):
            keys = known[name]
            problems += [error(where((name, key)), (
                f"「{key}」不是 [{name}] 中可用的设置，{_closest(key, keys)}"
                f"可用的设置：{'、'.join(keys)}（见《输入格式说明》的“设置文件”）。请改正或删除这一行，"
                "否则这一项会按默认值计算。")) for key in value if key not in keys]
        elif isinstance(value, dict):
            problems.append(error(where((name,)), (
                f"「[{name}]」不是可用的设置表，{_closest(name, [*known, 'grades'])}"
                f"可用的表：{tables}。请改正这一表头，否则其中的设置都会按默认值计算。")))
        else:
            owners = [table for table, keys in known.items() if name in keys]
            tables_of = " 或 ".join(f"[{table}]" for table in owners)
            advice = (f"「{name}」要写在 {tables_of} 表中：在这一行前面加一行 [{owners[0]}]（文件中已有这一表头时，"
                      "把这一行移到它下面）。" if owners else
                      f"「{name}」不是可用的设置，设置要写在表中（可用的表：{tables}）。请改正或删除这一行。")
            problems.append(error(where((name,)), advice))
    return problems
