"""Edges of the rules' own tables that the form-level tests do not reach (each kills a
mutant tools/mutate.py found alive): which full-width characters the project form's
quantity parsing folds to ASCII."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.forms.project.rules import parse_actual, parse_quantity


@pytest.mark.parametrize(("text", "unit"), [
    ("≥50次！", "次!"),  # U+FF01, the first full-width ASCII character, is folded
    ("≥50次～", "次~"),  # U+FF5E, the last, too
    ("≥50次｟", "次｟"),  # U+FF5F is no ASCII character: kept
    ("≥50人\u3000次", "人 次"),  # the ideographic space inside a unit becomes a space
    ("≥50人\u3001次", "人\u3001次"),  # and the ideographic comma after it is kept
])
def test_full_width_folding_stops_at_the_ascii_range(text, unit):
    quantity = parse_quantity(text)
    assert quantity is not None and quantity.value == Decimal(50) and quantity.unit == unit
    assert parse_actual(text[1:]) == (Decimal(50), unit)
