"""Synthetic departments derived from the demo: other names, longer or shorter texts,
all valid. Used by the benchmark and by the batch tests."""

from __future__ import annotations

import re
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "data" / "2022" / "广州市应急管理局.toml"
FILLER = "根据年度工作安排，持续推进各项重点任务落实，进一步完善制度机制，提升工作质量和效率。"


def synthetic_departments(folder: Path, n: int, start: int = 0) -> list[Path]:
    """N valid department files: the demo with another name and longer or shorter texts."""
    demo = DEMO.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        name = f"示例部门{i:04d}"
        text = demo.replace('name = "广州市应急管理局"', f'name = "{name}"')
        extra = FILLER * (i % 5)
        text = text.replace('unmet_reason = "无"', f'unmet_reason = "无。{extra}"')
        if i % 3 == 0:  # shorter: drop the long first paragraph of goal 1
            text = re.sub(r'completion = \[\n  "（1）2022年[^\n]*\n', "completion = [\n", text, count=1)
        if i % 4 == 1:  # a lower score: 84.49, grade 良
            text = text.replace("score = 20.00", "score = 10.00", 1)
        path = folder / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths




PROJECTS = DEMO.parent / "项目" / "广州市应急管理局"


def synthetic_projects(folder: Path, n: int, departments: int = 1) -> list[Path]:
    """N valid project files: the bundled examples, renamed, spread over the first
    `departments` synthetic departments (示例部门0000 …), in data/<year>/项目/<部门>/."""
    examples = sorted(PROJECTS.glob("*.toml"))
    texts = [p.read_text(encoding="utf-8") for p in examples]
    paths = []
    for i in range(n):
        department = f"示例部门{i % departments:04d}"
        text = texts[i % len(texts)]
        text = re.sub(r'^name = "[^"]*"', f'name = "示例项目{i:05d}"', text, count=1, flags=re.M)
        text = text.replace('department = "广州市应急管理局"', f'department = "{department}"')
        target = folder / department
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"示例项目{i:05d}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
