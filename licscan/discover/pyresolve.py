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
from collections.abc import Iterable, Iterator
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
    function: str = ""  # the function's name ("" for the module and lambdas)
    positional: tuple[str, ...] = ()  # its positional parameters, in order

    def bind(self, name: str, value: ast.expr | _Element) -> None:
        self.names.setdefault(name, []).append(value)


@dataclass(frozen=True)
class _Element:
    """``x`` in ``for x in ITER`` (index: the tuple position for ``for a, b in ...``)."""

    iterable: ast.expr
    index: int | None


_ENV_FUNCS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get", "os.environ.setdefault"})
_PATH_FUNCS = frozenset({"os.path.join", "os.path.abspath", "os.path.dirname", "os.path.expanduser", "Path",
                         "pathlib.Path", "os.getcwd", "tempfile.mkdtemp", "os.path.realpath"})
LOCAL = "local path"  # a reason that is no reason: a path on disk or a loaded object, not a model id
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


def scope_of(body: Iterable[ast.stmt], args: ast.arguments | None = None,
              decorators: Iterable[ast.expr] = ()) -> Scope:
    """Bindings of one scope: assignments, loops and comprehensions in ``body`` (not in nested functions)."""
    scope = Scope()
    if args is not None:
        positional = [*args.posonlyargs, *args.args]
        for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True):
            scope.bind(arg.arg, default)
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                scope.bind(arg.arg, kw_default)
        scope.params = {a.arg for a in (*positional, *args.kwonlyargs)} - set(scope.names)
        for decorator in decorators:  # @click.option("--model", default="org/x")
            if isinstance(decorator, ast.Call) and (dotted(decorator.func) or "").endswith("option"):
                option_default = keyword(decorator, "default")
                names = [a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                longest = max(names, key=len) if names else None
                if option_default is not None and longest:
                    param = longest.lstrip("-").replace("-", "_")
                    scope.bind(param, option_default)
                    scope.params.discard(param)
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind_targets(scope, target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            bind_targets(scope, node.target, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bind_targets(scope, node.target, _Element(node.iter, None))
        elif isinstance(node, ast.NamedExpr):
            bind_targets(scope, node.target, node.value)
        stack.extend(ast.iter_child_nodes(node))
    return scope


CallSites = dict[str, list[tuple[ast.Call, tuple[Scope, ...]]]]


def index_scopes(tree: ast.Module) -> tuple[dict[int, Scope], CallSites]:
    """Every scope of the file (by id of its node) and every call by callee name, with the scopes around it.

    The call sites let a parameter without a default be resolved from what the file passes to it:
    ``def load(name): return AutoModel.from_pretrained(name)`` then ``load("org/x")``.
    """
    scopes: dict[int, Scope] = {id(tree): scope_of(tree.body)}
    calls: CallSites = {}

    def visit(nodes: Iterable[ast.AST], stack: tuple[Scope, ...]) -> None:
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit([*node.decorator_list, *node.args.defaults,
                       *[d for d in node.args.kw_defaults if d is not None]], stack)
                scope = scope_of(node.body, node.args, node.decorator_list)
                scope.function = node.name
                scope.positional = tuple(a.arg for a in (*node.args.posonlyargs, *node.args.args))
                scopes[id(node)] = scope
                visit(node.body, (*stack, scope))
            elif isinstance(node, ast.Lambda):
                scope = scope_of([], node.args)
                scopes[id(node)] = scope
                visit([node.body], (*stack, scope))
            else:
                if isinstance(node, ast.Call):
                    func = node.func
                    callee = func.attr if isinstance(func, ast.Attribute) else dotted(func)
                    if callee:
                        calls.setdefault(callee, []).append((node, stack))
                visit(ast.iter_child_nodes(node), stack)

    visit(tree.body, (scopes[id(tree)],))
    return scopes, calls



class Resolver:
    """Resolves expressions against a stack of scopes and the file's attribute defaults."""

    def __init__(self, attributes: dict[str, list[ast.expr]], calls: CallSites | None = None,
                 imports: dict[str, str] | None = None) -> None:
        self.attributes = attributes
        self.calls = calls or {}
        self.imports = imports or {}  # local name -> qualified name, to say where an unresolved name comes from
        self.stack: list[Scope] = []
        self._following: set[tuple[str, str]] = set()  # parameters being resolved from call sites (no cycles)
        self._names: set[tuple[int, str]] = set()  # names being resolved (no cycles)

    def resolve(self, node: ast.expr | None) -> Resolution:
        if node is None:
            return Resolution()
        values: list[Value] = []
        reasons: list[str] = []
        for item in self._walk(node, 0, ""):
            if isinstance(item, Value):
                if len(values) < _MAX_VALUES and item not in values:
                    values.append(item)
            elif item not in reasons and item != LOCAL:
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
                if self.is_param(node.id):
                    yield from self._call_sites(node.id, depth, via)
                elif node.id in self.imports:
                    # Each file is read once and alone: a constant of another module is not followed.
                    yield f"{node.id} is imported from {self.imports[node.id].rpartition('.')[0] or node.id}"
                else:
                    yield f"name {node.id} is not a literal"
                return
            key = (id(bound), node.id)
            if key in self._names:  # `x = x or "org/y"`: the name's own earlier value, already being followed
                return
            self._names.add(key)
            try:
                for value in bound:
                    yield from self._walk(value, depth + 1, via or f"via {node.id}")
            finally:
                self._names.discard(key)
            return
        if isinstance(node, ast.Attribute):
            name = dotted(node)
            if name in ("sys.argv",):
                yield "command-line argument (sys.argv)"
                return
            # `DEFAULT.id` where DEFAULT is `ModelConfig(id="openai:gpt-4o", ...)` (directly, in a dict or a list).
            fields = [f for c in self._objects(node.value, depth) if (f := keyword(c, node.attr)) is not None]
            if fields:
                for value in fields:
                    yield from self._walk(value, depth + 1, via or f"via {name or node.attr}")
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
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            yield LOCAL  # pathlib: `checkpoint_dir / "model"` is a path on disk
            return
        if isinstance(node, ast.Starred):
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

    def _objects(self, node: ast.expr | _Element, depth: int) -> list[ast.Call]:
        """The constructor calls an expression may evaluate to (a registry of config objects), as far as visible."""
        if depth > _MAX_DEPTH:
            return []
        if isinstance(node, ast.Call):
            return [node]
        if isinstance(node, _Element):
            iterable = node.iterable
            if isinstance(iterable, ast.Name):
                return [c for v in self.lookup(iterable.id) or [] if isinstance(v, ast.expr)
                        for c in self._objects(_Element(v, node.index), depth + 1)]
            if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)) and node.index is None:
                return [c for e in iterable.elts for c in self._objects(e, depth + 1)]
            target: ast.expr | None = None
            if isinstance(iterable, ast.Dict):
                target = iterable
            elif (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
                  and iterable.func.attr == "values"):
                target = iterable.func.value
            if target is None:
                return []
            return [c for d in self._dicts(target) for v in d.values for c in self._objects(v, depth + 1)]
        if isinstance(node, ast.Name):
            return [c for v in self.lookup(node.id) or [] for c in self._objects(v, depth + 1)]
        if isinstance(node, ast.Subscript):
            key = node.slice
            out: list[ast.Call] = []
            for mapping in self._dicts(node.value):
                for k, value in zip(mapping.keys, mapping.values, strict=True):
                    if not isinstance(key, ast.Constant) or (isinstance(k, ast.Constant) and k.value == key.value):
                        out.extend(self._objects(value, depth + 1))
            return out
        return []

    def _call_sites(self, param: str, depth: int, via: str) -> Iterator[Value | str]:
        """A parameter without default: what the file's calls of its function pass to it."""
        scope = next((s for s in reversed(self.stack) if param in s.params), None)
        sites = self.calls.get(scope.function, []) if scope is not None and scope.function else []
        key = (scope.function if scope else "", param)
        if not sites or key in self._following or scope is None:
            yield f"function parameter {param}"
            return
        self._following.add(key)
        saved = self.stack
        found_any = False
        try:
            for call, stack in sites:
                arg = _argument(call, param, scope.positional)
                if arg is None:
                    continue
                self.stack = list(stack)
                for item in self._walk(arg, depth + 1, via or f"via {scope.function}({param}=...)"):
                    found_any = found_any or isinstance(item, Value)
                    yield item
        finally:
            self.stack = saved
            self._following.discard(key)
        if not found_any:
            yield f"function parameter {param}"

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
            if isinstance(part, ast.FormattedValue) and LOCAL in self._walk(part.value, depth + 1, via):
                yield LOCAL  # f"{ckpt_dir / 'x'}" or f"{Path(...)}": a path
                return
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
        if name in _PATH_FUNCS or last in ("Path", "PurePath", "joinpath", "abspath", "expanduser", "resolve"):
            yield LOCAL
            return
        if last in ("from_pretrained", "from_config", "from_single_file", "get_peft_model"):
            yield LOCAL  # a loaded model object (`pipeline(model=model)`): its own call reports the id
            return
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


def _argument(call: ast.Call, param: str, positional: tuple[str, ...]) -> ast.expr | None:
    """The argument a call passes for ``param`` (by keyword, or by position; a method called on an object
    passes ``self`` implicitly)."""
    given = _keyword(call, param)
    if given is not None:
        return given
    if param not in positional:
        return None
    index = positional.index(param)
    if positional and positional[0] in ("self", "cls") and isinstance(call.func, ast.Attribute):
        index -= 1
    if 0 <= index < len(call.args) and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    return None


def _keyword(call: ast.Call, *names: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg in names:
            return keyword.value
    return None


def keyword(call: ast.Call, *names: str) -> ast.expr | None:
    """The value of the first keyword of ``names`` given to ``call``."""
    return _keyword(call, *names)
