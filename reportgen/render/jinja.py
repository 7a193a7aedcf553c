"""The one Jinja environment every template is rendered and checked with: strict (a
mistyped name fails loudly instead of printing nothing) and with the number filters of
reportgen.formats. Renderers that need their own output rules take an overlay of it
(the .docx escapes XML and writes line breaks as Word elements; an Excel page header
doubles its & codes), so options and filters are set in this one place."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2

from reportgen.formats import FILTERS


@cache
def environment() -> jinja2.Environment:
    """Plain text output, as in an Excel cell."""
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    return env


def overlay(*, autoescape: bool = False, finalize: Callable[[Any], Any] | None = None) -> jinja2.Environment:
    """The environment with another escaping rule and value finalizer."""
    return environment().overlay(autoescape=autoescape, finalize=finalize)
