"""The template checker's core: walks the Jinja syntax tree of a template's text and
resolves every name against a kind's variable table (loop variables such as ``row``
resolve to the items of the list they loop over: ``row.score`` -> ``rows[].score``);
unknown variables and filters, and syntax errors, become Chinese messages."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

import jinja2
from jinja2 import nodes

from reportgen.formats import FILTERS
from reportgen.render.jinja import environment
from reportgen.tags.variables import GUIDE_NAME

TEMPLATE_SUFFIXES = (".docx", ".xlsx")
ANY = "*"  # a value whose shape is not checked ({% set %} variables, loop, results of calls)
_BUILTIN_NAMES = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false",
                  "none", "True", "False", "None", "caller", "varargs", "kwargs", "super", "self"}
_SKIP_TESTS = {"defined", "undefined"}

Report = Callable[[int, str], None]  # (line number in the checked source, Chinese message)




# ---------------------------------------------------------------- messages

_SYNTAX_MESSAGES = [
    (r"No filter named '([^']+)'.*",
     lambda m: f"没有名为「{m[1]}」的过滤器（可用的过滤器：{'、'.join(FILTERS)}）"),
    (r"No test named '([^']+)'.*", lambda m: f"没有名为「{m[1]}」的判断"),
    (r"Unexpected end of template\. Jinja was looking for the following tags: (.*?)\. "
     r"The innermost block that needs to be closed is '([^']+)'\.?",
     lambda m: f"「{{% {m[2]} … %}}」没有结束，缺少 {_tags(m[1])}"),
    (r"Encountered unknown tag '([^']+)'\. Jinja was looking for the following tags: (.*?)\. "
     r"The innermost block that needs to be closed is '([^']+)'\.?",
     lambda m: f"不认识或位置不对的标签「{{% {m[1]} %}}」（此处应先用 {_tags(m[2])} 结束「{{% {m[3]} … %}}」）"),
    (r"Encountered unknown tag '([^']+)'\.?",
     lambda m: f"不认识或位置不对的标签「{{% {m[1]} %}}」（例如 endfor 前面没有对应的 for）"),
    (r"Unexpected end of template.*", lambda m: "模板在标签中间结束了，缺少结尾的 }} 或 %}"),
    (r"unexpected '([^']+)'", lambda m: f"标签中有多余或位置不对的「{m[1]}」"),
    (r"unexpected char '([^']+)'.*", lambda m: f"标签中有不能使用的字符「{m[1]}」"),
    (r"expected token '([^']+)', got '([^']+)'",
     lambda m: f"标签写法不对：在「{m[2]}」处应为「{_token(m[1])}」（标签中的名称之间不能有空格）"),
    (r"Expected an expression, got '([^']+)'", lambda m: "标签是空的或缺少变量名"),
    (r"unexpected end of template.*", lambda m: "模板在标签中间结束了，缺少结尾的 }} 或 %}"),
]


def _tags(listing: str) -> str:
    names = re.findall(r"'([^']+)'", listing)
    return " 或 ".join(f"{{% {n} %}}" for n in names) or listing


def _token(token: str) -> str:
    return {"end of print statement": "}}", "end of statement block": "%}"}.get(token, token)


def syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    text = (exc.message or str(exc)).strip()
    for pattern, build in _SYNTAX_MESSAGES:
        match = re.fullmatch(pattern, text, flags=re.S)
        if match:
            return f"标签语法错误：{build(match)}。"
    return f"标签语法错误（{text}）。请检查 {{{{ }}}} 和 {{% %}} 是否成对、拼写是否正确。"


# ---------------------------------------------------------------- the checker


def written(node: nodes.Node) -> str | None:
    """An expression as the admin wrote it: row.scroe, goals[0].target."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = written(node.node)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = written(node.node)
        key = node.arg.value
        if base is None:
            return None
        return f"{base}.{key}" if isinstance(key, str) else f"{base}[{key}]"
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Checker:
    """Walks a Jinja syntax tree; reports unknown variables and filters."""

    def __init__(self, known: frozenset[str], report: Report):
        self.known = known
        self.report = report

    # -- paths
    def is_list(self, path: str) -> bool:
        return f"{path}[]" in self.known

    def is_leaf(self, path: str) -> bool:
        return path in self.known and not any(
            p.startswith((f"{path}.", f"{path}[]")) for p in self.known)

    def children(self, path: str) -> list[str]:
        prefix = f"{path}." if path else ""
        return sorted({p[len(prefix):].split(".")[0].split("[]")[0]
                       for p in self.known if p.startswith(prefix) and p != path} - {""})

    def unknown(self, node: nodes.Node, parent: str, key: str) -> str:
        """Report node (an unknown name or attribute); returns ANY so it is told once."""
        text = written(node) or key
        hint = ""
        close = difflib.get_close_matches(key, self.children(parent), n=1, cutoff=0.6)
        if close:
            suggestion = text[: len(text) - len(key)] + close[0]
            hint = f"，是不是「{suggestion}」？"
        self.report(node.lineno, f"标签中的「{text}」不是可用的变量{hint}"
                                 f"（可用的变量见 {GUIDE_NAME} 的变量表）。")
        return ANY

    # -- expressions
    def resolve(self, node: nodes.Node, scope: dict[str, str]) -> str | None:
        """The variable path an expression names ('rows[].score'), ANY, or None when it
        names no variable (a constant, a filter's result…). Unknown names are reported."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in _BUILTIN_NAMES:
                return ANY
            if node.name in self.known:
                return node.name
            return self.unknown(node, "", node.name)
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base = self.resolve(node.node, scope)
            if isinstance(node, nodes.Getitem):
                self.visit(node.arg, scope)
            if base is None or base == ANY:
                return base if base == ANY else None
            if isinstance(node, nodes.Getattr):
                key = node.attr
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                key = node.arg.value
            elif self.is_list(base):
                return f"{base}[]"
            else:
                return ANY
            if self.is_list(base) or self.is_leaf(base):
                return ANY  # a method of a list or a text (goal.completion.append, name.strip)
            path = _join(base, key)
            if path in self.known:
                return path
            return self.unknown(node, base, key)
        self.visit(node, scope)
        return None

    # -- statements and everything else
    def bind(self, target: nodes.Node, path: str | None, scope: dict[str, str]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = path if path and path != ANY else ANY
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY, scope)

    def visit_body(self, body: Iterable[nodes.Node], scope: dict[str, str]) -> None:
        for child in body:
            self.visit(child, scope)

    def visit(self, node: nodes.Node, scope: dict[str, str]) -> None:
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.resolve(node, scope)
        elif isinstance(node, nodes.For):
            iterated = self.resolve(node.iter, scope)
            inner = dict(scope, loop=ANY)
            item = f"{iterated}[]" if iterated and iterated != ANY and self.is_list(iterated) else ANY
            self.bind(node.target, item, inner)
            if node.test is not None:
                self.visit(node.test, inner)
            self.visit_body(node.body, inner)
            self.visit_body(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            value = self.resolve(node.node, scope)
            self.bind(node.target, value, scope)
        elif isinstance(node, nodes.AssignBlock):
            self.visit_body(node.body, dict(scope))
            self.bind(node.target, ANY, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.resolve(value, scope), inner)
            self.visit_body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope, caller=ANY)
            for arg in node.args:
                self.bind(arg, ANY, inner)
            if isinstance(node, nodes.Macro):
                scope[node.name] = ANY
            else:
                self.visit(node.call, scope)
            self.visit_body(node.body, inner)
        elif isinstance(node, nodes.Test) and node.name in _SKIP_TESTS:
            return  # {% if x is defined %} may name what does not exist
        else:
            if isinstance(node, nodes.Filter | nodes.FilterBlock) and node.name not in FILTERS \
                    and node.name not in jinja2.defaults.DEFAULT_FILTERS:
                self.report(node.lineno, f"没有名为「{node.name}」的过滤器"
                                         f"（可用的过滤器：{'、'.join(FILTERS)}）。")
            for child in node.iter_child_nodes():
                self.visit(child, scope)


def check_source(source: str, known: frozenset[str], report: Report,
                 scope: dict[str, str] | None = None) -> None:
    """Parse a template text and report what is wrong with it."""
    env = environment()
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        report(exc.lineno or 1, syntax_message(exc))
        return
    problems = []

    def collect(line: int, message: str) -> None:
        problems.append((line, message))
        report(line, message)

    Checker(known, collect).visit(tree, dict(scope or {}))
    if problems:
        return
    try:
        env.compile(source)
    except jinja2.TemplateSyntaxError as exc:  # what only the compiler sees
        report(exc.lineno or 1, syntax_message(exc))


def expression_path(expression: str, known: frozenset[str]) -> str | None:
    """The variable path a loop expression names (None when it names none)."""
    try:
        tree = environment().parse("{{ " + expression + " }}")
    except jinja2.TemplateSyntaxError:
        return None
    output = tree.body[0]
    node = output.nodes[0] if isinstance(output, nodes.Output) and output.nodes else None
    if node is None:
        return None
    path = Checker(known, lambda line, message: None).resolve(node, {})
    return None if path == ANY else path
