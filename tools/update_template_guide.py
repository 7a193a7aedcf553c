"""Rewrite the table of template variables in docs/模板编辑说明.md from
reportgen.variables (run after changing the variable table or the demo data):

    python tools/update_template_guide.py          # rewrite the section
    python tools/update_template_guide.py --check  # exit 1 when it is out of date

tests/test_templates.py fails while the guide's section differs from the generated one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen.variables import demo_context, guide_section, replace_guide_section, variables_markdown

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "模板编辑说明.md"


def main(argv: list[str]) -> int:
    text = GUIDE.read_text(encoding="utf-8")
    section = variables_markdown(demo_context())
    if guide_section(text) == section:
        print(f"{GUIDE.name}: up to date")
        return 0
    if "--check" in argv:
        print(f"{GUIDE.name}: the variable table is out of date; run python tools/update_template_guide.py")
        return 1
    GUIDE.write_text(replace_guide_section(text, section), encoding="utf-8")
    print(f"{GUIDE.name}: variable table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
