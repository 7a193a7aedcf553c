"""The registry of form kinds: each is a folder beside this module (see reportgen.forms.kind)."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from reportgen.errors import NotFound
from reportgen.forms.kind import FormKind

# In build order: a kind is built after the kinds its cross checks read.
KIND_KEYS = ("department", "project")


@cache
def get_kind(key: str) -> FormKind:
    if key not in KIND_KEYS:
        raise NotFound(f"不认识的表格种类「{key}」。可用：{'、'.join(KIND_KEYS)}。")
    return import_module(f"reportgen.forms.{key}.kind").KIND


def all_kinds() -> tuple[FormKind, ...]:
    return tuple(get_kind(key) for key in KIND_KEYS)
