"""What a renderer gets from a form kind: the template context and the merges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportgen.indicators import Span

# The list in the context whose items a table's row loop draws ({%tr for row in rows %}).
ROWS = "rows"


@dataclass(frozen=True)
class Rendering:
    """One form, ready for any template: the context every tag reads, and which cells of
    the row loop merge vertically (field of a row -> span group -> spans over the rows)."""

    context: dict[str, Any]
    spans: Mapping[str, Sequence[Span]]
    merged_fields: Mapping[str, str]

    def merges(self, field: str) -> Sequence[Span]:
        group = self.merged_fields.get(field)
        return self.spans.get(group, ()) if group else ()
