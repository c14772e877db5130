"""What string a Python expression holds, as far as the source says, without running it.

Flow-insensitive and deliberately small: string literals, names bound to
them (module constants, simple assignments, default arguments, click/typer
option defaults, ``for x in [...]`` over literal lists, tuples and dicts),
attributes set from literals (``self.x = "..."``, dataclass and argparse
defaults), ``+`` and f-strings of resolvable parts, and
``os.getenv("X", "default")``. Anything else is *unresolved* with the reason
(an environment variable, ``sys.argv``, a parameter, a computation): the
caller reports that, never a guess.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

_MAX_DEPTH = 12
_MAX_VALUES = 64


@dataclass(frozen=True)
class Value:
    """A string the expression can hold, the line it is written on, and how it was reached."""

    text: str
    line: int
    via: str = ""


@dataclass(frozen=True)
class Resolution:
    values: tuple[Value, ...] = ()
    reason: str | None = None  # why (some of) the expression could not be resolved


@dataclass
class Scope:
    """Names bound in one function (or the module): name -> the expressions assigned to it."""

    names: dict[str, list[ast.expr | _Element]] = field(default_factory=dict)
    params: set[str] = field(default_factory=set)

    def bind(self, name: str, value: ast.expr | _Element) -> None:
        self.names.setdefault(name, []).append(value)


@dataclass(frozen=True)
class _Element:
    """``x`` in ``for x in ITER`` (index: the tuple position for ``for a, b in ...``)."""

    iterable: ast.expr
    index: int | None


_ENV_FUNCS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get", "os.environ.setdefault"})
_OPTION_FUNCS = frozenset({"Option", "Argument", "field", "Field", "option", "argument", "Param"})


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def bind_targets(scope: Scope, target: ast.expr, value: ast.expr | _Element) -> None:
    if isinstance(target, ast.Name):
        scope.bind(target.id, value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for i, element in enumerate(target.elts):
            if isinstance(element, ast.Name):
                if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                    scope.bind(element.id, value.elts[i])
                elif isinstance(value, _Element):
                    scope.bind(element.id, _Element(value.iterable, i))
                else:
                    scope.bind(element.id, _Element(value, i) if isinstance(value, ast.expr) else value)


class Resolver:
    """Resolves expressions against a stack of scopes and the file's attribute defaults."""

    def __init__(self, attributes: dict[str, list[ast.expr]]) -> None:
        self.attributes = attributes
        self.stack: list[Scope] = []

    def resolve(self, node: ast.expr | None) -> Resolution:
        if node is None:
            return Resolution()
        values: list[Value] = []
        reasons: list[str] = []
        for item in self._walk(node, 0, ""):
            if isinstance(item, Value):
                if len(values) < _MAX_VALUES and item not in values:
                    values.append(item)
            elif item not in reasons:
                reasons.append(item)
        return Resolution(tuple(values), "; ".join(reasons) if reasons else None)

    def lookup(self, name: str) -> list[ast.expr | _Element] | None:
        for scope in reversed(self.stack):
            if name in scope.names:
                return scope.names[name]
            if name in scope.params:
                return None
        return None

    def is_param(self, name: str) -> bool:
        for scope in reversed(self.stack):
            if name in scope.names:
                return False
            if name in scope.params:
                return True
        return False

    def _walk(self, node: ast.expr | _Element, depth: int, via: str) -> Iterator[Value | str]:
        if depth > _MAX_DEPTH:
            yield "expression too deep to follow"
            return
        if isinstance(node, _Element):
            yield from self._elements(node, depth, via)
            return
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                yield Value(node.value, node.lineno, via)
            return
        if isinstance(node, ast.Name):
            bound = self.lookup(node.id)
            if bound is None:
                yield f"function parameter {node.id}" if self.is_param(node.id) else f"name {node.id} is not a literal"
                return
            for value in bound:
                yield from self._walk(value, depth + 1, via or f"via {node.id}")
            return
        if isinstance(node, ast.Attribute):
            name = dotted(node)
            if name in ("sys.argv",):
                yield "command-line argument (sys.argv)"
                return
            bound_attr = self.attributes.get(node.attr)
            if bound_attr:
                for value in bound_attr:
                    yield from self._walk(value, depth + 1, via or f"via {name or node.attr}")
                return
            yield f"{name or node.attr} is set at run time"
            return
        if isinstance(node, ast.JoinedStr):
            yield from self._fstring(node, depth, via)
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            yield from self._concat(node, depth, via)
            return
        if isinstance(node, ast.IfExp):
            yield from self._walk(node.body, depth + 1, via)
            yield from self._walk(node.orelse, depth + 1, via)
            return
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            # `os.getenv("M") or "org/x"`: the literal is the default; the env part is reported by its own reason.
            for value in node.values:
                yield from self._walk(value, depth + 1, via)
            return
        if isinstance(node, ast.Subscript):
            yield from self._subscript(node, depth, via)
            return
        if isinstance(node, ast.Call):
            yield from self._call(node, depth, via)
            return
        text = ast.unparse(node)
        yield f"computed value {text[:60]}"

    def _elements(self, node: _Element, depth: int, via: str) -> Iterator[Value | str]:
        iterable = node.iterable
        if isinstance(iterable, ast.Name):
            bound = self.lookup(iterable.id)
            if bound is None:
                yield f"loop over {iterable.id}, which is not a literal list"
                return
            for value in bound:
                if isinstance(value, ast.expr):
                    yield from self._elements(_Element(value, node.index), depth + 1, via or f"via {iterable.id}")
            return
        if isinstance(iterable, ast.Call) and dotted(iterable.func) in ("enumerate",) and iterable.args:
            if node.index == 1:
                yield from self._elements(_Element(iterable.args[0], None), depth + 1, via)
            return
        if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
                and iterable.func.attr in ("values", "keys", "items")):
            yield from self._dict_view(iterable.func.value, iterable.func.attr, node.index, depth, via)
            return
        if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
            for element in iterable.elts:
                if node.index is None:
                    yield from self._walk(element, depth + 1, via or "from a literal list")
                elif isinstance(element, (ast.Tuple, ast.List)) and node.index < len(element.elts):
                    yield from self._walk(element.elts[node.index], depth + 1, via or "from a literal list")
            return
        if isinstance(iterable, ast.Dict):  # iterating a dict gives its keys
            for key in iterable.keys:
                if key is not None:
                    yield from self._walk(key, depth + 1, via)
            return
        yield f"loop over {ast.unparse(iterable)[:60]}"

    def _dict_view(self, node: ast.expr, view: str, index: int | None, depth: int, via: str) -> Iterator[Value | str]:
        for mapping in self._dicts(node):
            pairs = list(zip(mapping.keys, mapping.values, strict=True))
            for key, value in pairs:
                if view == "values":
                    yield from self._walk(value, depth + 1, via)
                elif view == "keys" and key is not None:
                    yield from self._walk(key, depth + 1, via)
                elif view == "items":
                    chosen = key if index == 0 else value if index == 1 else None
                    if chosen is not None:
                        yield from self._walk(chosen, depth + 1, via)

    def _dicts(self, node: ast.expr) -> list[ast.Dict]:
        if isinstance(node, ast.Dict):
            return [node]
        if isinstance(node, ast.Name):
            return [v for v in self.lookup(node.id) or [] if isinstance(v, ast.Dict)]
        return []

    def _fstring(self, node: ast.JoinedStr, depth: int, via: str) -> Iterator[Value | str]:
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                text += part.value
                continue
            if isinstance(part, ast.FormattedValue) and part.format_spec is None and part.conversion == -1:
                found = [v for v in self._walk(part.value, depth + 1, via) if isinstance(v, Value)]
                if len(found) == 1:
                    text += found[0].text
                    continue
            yield f"f-string {ast.unparse(node)[:60]}"
            return
        yield Value(text, node.lineno, via or "f-string of constants")

    def _concat(self, node: ast.BinOp, depth: int, via: str) -> Iterator[Value | str]:
        left = list(self._walk(node.left, depth + 1, via))
        right = list(self._walk(node.right, depth + 1, via))
        lv = [v for v in left if isinstance(v, Value)]
        rv = [v for v in right if isinstance(v, Value)]
        if len(lv) == 1 and len(rv) == 1 and len(left) == 1 and len(right) == 1:
            yield Value(lv[0].text + rv[0].text, node.lineno, via or "concatenated constants")
        else:
            yield f"string built at run time {ast.unparse(node)[:60]}"

    def _subscript(self, node: ast.Subscript, depth: int, via: str) -> Iterator[Value | str]:
        name = dotted(node.value)
        key = node.slice
        if name in ("os.environ", "environ"):
            env = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ast.unparse(key)
            yield f"environment variable {env}"
            return
        if name in ("sys.argv",):
            yield "command-line argument (sys.argv)"
            return
        dicts = self._dicts(node.value)
        if dicts:
            for mapping in dicts:
                for k, value in zip(mapping.keys, mapping.values, strict=True):
                    if not isinstance(key, ast.Constant) or (isinstance(k, ast.Constant) and k.value == key.value):
                        yield from self._walk(value, depth + 1, via or f"via {name}[...]")
            return
        if isinstance(node.value, ast.Name):
            bound = self.lookup(node.value.id) or []
            seqs = [v for v in bound if isinstance(v, (ast.List, ast.Tuple))]
            if seqs and isinstance(key, ast.Constant) and isinstance(key.value, int):
                for seq in seqs:
                    if -len(seq.elts) <= key.value < len(seq.elts):
                        yield from self._walk(seq.elts[key.value], depth + 1, via or f"via {name}[{key.value}]")
                return
        yield f"computed value {ast.unparse(node)[:60]}"

    def _call(self, node: ast.Call, depth: int, via: str) -> Iterator[Value | str]:
        name = dotted(node.func) or ""
        if name in _ENV_FUNCS:
            env = node.args[0] if node.args else None
            env_name = (
                env.value if isinstance(env, ast.Constant) and isinstance(env.value, str)
                else (ast.unparse(env) if env else "?")
            )
            default = node.args[1] if len(node.args) > 1 else _keyword(node, "default")
            if default is not None:
                found = list(self._walk(default, depth + 1, via or f"default of ${env_name}"))
                values = [v for v in found if isinstance(v, Value)]
                if values:
                    yield from values
                    return
            yield f"environment variable {env_name}"
            return
        last = name.rsplit(".", 1)[-1]
        if last in _OPTION_FUNCS:  # typer.Option("org/x"), field(default="org/x"), pydantic Field("org/x")
            default = _keyword(node, "default")
            if default is None and node.args and last not in ("field",):
                default = node.args[0]
            if default is not None and not (isinstance(default, ast.Constant) and default.value is Ellipsis):
                yield from self._walk(default, depth + 1, via or "option default")
                return
            yield f"{last}() without a default"
            return
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("strip", "lower", "format") and not node.args:
            yield from self._walk(node.func.value, depth + 1, via)
            return
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
            dicts = self._dicts(node.func.value)
            if dicts:
                key = node.args[0]
                for mapping in dicts:
                    for k, value in zip(mapping.keys, mapping.values, strict=True):
                        if not isinstance(key, ast.Constant) or (isinstance(k, ast.Constant) and k.value == key.value):
                            yield from self._walk(value, depth + 1, via)
                if len(node.args) > 1:
                    yield from self._walk(node.args[1], depth + 1, via)
                return
        yield f"value returned by {name or ast.unparse(node.func)[:40]}()"


def _keyword(call: ast.Call, *names: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg in names:
            return keyword.value
    return None


def keyword(call: ast.Call, *names: str) -> ast.expr | None:
    """The value of the first keyword of ``names`` given to ``call``."""
    return _keyword(call, *names)
