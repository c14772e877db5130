"""YAML manifests: ``models:`` and ``datasets:``, each a list of ``{repo, revision, note}``.

Parsed to a node tree (not to Python objects) so every error names its line,
and aliases are never expanded (an anchor bomb stays a few nodes). The event
stream is read first to bound the nesting (the composer recurses once per
level); a key given twice is an error, never a silent override.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from licscan import limits
from licscan.errors import InputError
from licscan.manifest.refs import is_hub_url, split_reference, split_repo_reference
from licscan.types import DATASET, DATASET_PREFIX, MODEL, ModelRef

_TOP_KEYS = ("version", "models", "datasets")
_ITEM_KEYS = ("repo", "revision", "note")


def read_yaml_manifest(path: Path, text: str) -> list[ModelRef]:
    where = str(path)
    try:
        _check_depth(where, text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(where, mark.line + 1 if mark else None, f"invalid YAML: {_problem(exc)}") from None
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise InputError(where, _line(root), "a YAML manifest must be a mapping with a 'models:' list")
    lists: dict[str, yaml.Node] = {}
    for key, key_node, value_node in _pairs(where, root):
        if key in ("models", "datasets"):
            lists[key] = value_node
        elif key == "version":
            if _scalar(where, value_node) != "1":
                raise InputError(where, _line(value_node), "unsupported manifest version; this licscan reads version 1")
        else:
            raise InputError(where, _line(key_node), _unknown_key(key, _TOP_KEYS))
    if not lists:
        raise InputError(where, _line(root), "missing 'models:' list (or 'datasets:')")
    refs: list[ModelRef] = []
    for key, node in lists.items():
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            continue
        if not isinstance(node, yaml.SequenceNode):
            raise InputError(where, _line(node), f"'{key}' must be a list")
        kind = MODEL if key == "models" else DATASET
        refs += [_item(where, item, kind) for item in node.value]
    return sorted(refs, key=lambda ref: ref.line)  # file order, whichever list comes first


def _item(where: str, node: yaml.Node, kind: str = MODEL) -> ModelRef:
    line = _line(node)
    fields: dict[str, str] = {}
    if isinstance(node, yaml.ScalarNode):
        fields["repo"] = _scalar(where, node)
    elif isinstance(node, yaml.MappingNode):
        for key, key_node, value_node in _pairs(where, node):
            if key not in _ITEM_KEYS:
                raise InputError(where, _line(key_node), _unknown_key(key, _ITEM_KEYS))
            fields[key] = _scalar(where, value_node)
    else:
        raise InputError(where, line, f"each {kind} is a repo id or a mapping {{repo, revision, note}}")
    repo = fields.get("repo", "").strip()
    if not repo:
        raise InputError(where, line, f"{kind} entry without 'repo'")
    if kind == DATASET and not repo.startswith(DATASET_PREFIX) and not is_hub_url(repo):
        repo = DATASET_PREFIX + repo  # under datasets:, a plain org/name is a dataset id
    repo_type, repo_id, revision, problem = split_repo_reference(repo)
    if kind == DATASET and repo_type == MODEL and not problem:
        problem = f"{repo!r} is a model's URL; list it under 'models:'"
    elif kind == MODEL and repo_type == DATASET and not problem:
        problem = f"{repo!r} is a dataset; list it under 'datasets:' (as {repo_id})"
    if problem:
        raise InputError(where, line, problem)  # a value under 'models:' is a manifest entry: quoted
    if "revision" in fields:
        if revision is not None:
            raise InputError(where, line, "revision given twice (in 'repo' and 'revision')")
        revision = fields["revision"].strip() or None
        _, _, problem = split_reference(f"{repo_id}@{revision}") if revision else (None, None, None)
        if problem:
            raise InputError(where, line, problem)
    note = fields.get("note", "")
    return ModelRef(repo_id=repo_id, revision=revision, path=where, line=line, note=note, repo_type=repo_type)


def _check_depth(where: str, text: str) -> None:
    """InputError when collections nest deeper than ``limits.YAML_DEPTH`` (read from events: no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise InputError(where, line, f"nested deeper than {limits.YAML_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _pairs(where: str, node: yaml.MappingNode) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping; a key given twice is an error at its second line."""
    seen: dict[str, int] = {}
    pairs = []
    for key_node, value_node in node.value:
        key = _scalar(where, key_node)
        if key in seen:
            raise InputError(where, _line(key_node), f"{key[:60]!r} given twice (first at line {seen[key]})")
        seen[key] = _line(key_node)
        pairs.append((key, key_node, value_node))
    return pairs


def _scalar(where: str, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(where, _line(node), "expected a plain value here")
    return str(node.value)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _unknown_key(key: str, valid: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(valid)}"
    return f"unknown key {key!r}{hint}"


def _problem(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or exc).splitlines()[0]
