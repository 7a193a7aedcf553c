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

import tomllib
from collections.abc import Callable
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
    kinds = {key: value for key, value in data.items() if isinstance(value, dict)}
    unknown = [key for key, value in data.items() if not isinstance(value, dict)]
    if unknown:
        raise InputError([error(where((unknown[0],)),
                                "不认识的设置项，请删除或改正（可用：[grades]、[department]、[project]）。")])
    return Settings(grades=grades, kinds=kinds, source=str(path), locate=where)
