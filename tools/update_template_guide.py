"""Rewrite the tables of template variables in docs/模板编辑说明.md from each form kind's
variable table (run after changing a variable table or the bundled examples):

    python tools/update_template_guide.py          # rewrite the sections
    python tools/update_template_guide.py --check  # exit 1 when one is out of date

tests/test_templates.py fails while a section of the guide differs from the generated one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen.forms.registry import all_kinds
from reportgen.tags.guide import guide_sections, report_guide_sections

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "模板编辑说明.md"


def main(argv: list[str]) -> int:
    text = original = GUIDE.read_text(encoding="utf-8")
    for kind in all_kinds():
        table = kind.variables
        text = table.replace_guide_section(text, guide_sections(kind))
        if kind.report_variables is not None:  # the 自评报告's template
            text = kind.report_variables.replace_guide_section(text, report_guide_sections(kind))
    if text == original:
        print(f"{GUIDE.name}: up to date")
        return 0
    if "--check" in argv:
        print(f"{GUIDE.name}: a variable table is out of date; run python tools/update_template_guide.py")
        return 1
    GUIDE.write_text(text, encoding="utf-8")
    print(f"{GUIDE.name}: variable tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
