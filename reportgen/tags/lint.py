"""Near-miss template tags: text that was meant as a tag but is not one, so it would be
printed literally on every form — full-width ｛｛ ｝｝ or ｛％ ％｝ (a Chinese input method),
`{ {` with a space, a single brace, a tag split by a stray character ({x{ name }}).
Jinja sees plain text in all of these, so only a look at the text finds them."""

from __future__ import annotations

import re

_DELIMITERS = re.compile(r"{{|}}|{%|%}|{#|#}")
_CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}


def unbalanced(text: str) -> str | None:
    """What is wrong with the tag delimiters of one paragraph's text, or None. Word keeps
    a tag inside one paragraph; docxtpl would silently swallow the text after an
    unclosed one."""
    opened: str | None = None
    for match in _DELIMITERS.finditer(text):
        token = match.group(0)
        if token in _CLOSING:
            if opened:
                return f"「{opened}」没有对应的「{_CLOSING[opened]}」"
            opened = token
        elif opened is None or _CLOSING[opened] != token:
            expected = f"（应为「{_CLOSING[opened]}」）" if opened else ""
            return f"「{token}」前面没有对应的开头{expected}"
        else:
            opened = None
    return f"「{opened}」没有对应的「{_CLOSING[opened]}」" if opened else None


# Well-formed tags are set aside first: what remains should hold no brace at all.
_TAG = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
_PROBLEMS: list[tuple[re.Pattern, str]] = [  # "@" stands for the text found
    (re.compile(r"[｛｝]{1,2}[％﹪]?|[％﹪][｛｝]{1,2}"),
     "「@」是全角大括号，标签要用半角的 {{ }} 或 {% %}（切换到英文输入法输入）"),
    (re.compile(r"[{｛]\s*[％﹪]|[％﹪]\s*[}｝]"),
     "「@」中的 ％ 是全角字符，标签要用半角的 {% %}（切换到英文输入法输入）"),
    (re.compile(r"[{}]\s+[{}%#]|[%#]\s+}"), "「@」的两个符号之间有空格，标签的 {{、}}、{% 和 %} 中间不能有空格"),
    (re.compile(r"[{}]"), "「@」是单个大括号：标签要用两个，写成 {{ … }} 或 {% … %}，中间不能夹其他字符"),
]


def near_misses(text: str) -> list[str]:
    """Messages (Chinese) for the near-miss tags in one paragraph's or cell's text (none
    when its {{ }} / {% %} do not pair up: unbalanced says that)."""
    if unbalanced(text):
        return []
    rest = _TAG.sub(lambda m: "\x00" * len(m.group(0)), text)
    found: list[str] = []
    taken: set[int] = set()
    for pattern, message in _PROBLEMS:
        for match in pattern.finditer(rest):
            if taken.intersection(range(match.start(), match.end())):
                continue
            taken.update(range(match.start(), match.end()))
            start, end = max(0, match.start() - 12), min(len(text), match.end() + 12)
            shown = text[start:end].replace("\x00", "")
            found.append(f"疑似写错的标签：{message.replace('@', match.group(0), 1)}。这里的文字是「{shown}」；"
                         f"写错的标签不会被替换，会原样印在表上")
    return found
