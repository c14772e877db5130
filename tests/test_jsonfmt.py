"""``jsonfmt.pretty`` writes exactly what ``json.dumps(indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from licscan.jsonfmt import pretty, pretty_chunks

CASES: list[Any] = [
    {},
    [],
    {"a": [1, 2.5, None, True, False], "b": {"c": {}, "d": []}},
    {"text": 'é\u2028\x00 "q" </script> \x7f \U0001f600 \\ \n\t'},
    {"floats": [0.1, 1e20, -0.0, 0.95, 3.0, 1.0], "ints": [0, -1, 2**63 - 1]},
    {"big": 2**70},  # beyond orjson: the standard library answers
    {"lone": "\ud800"},  # a lone surrogate, as json.loads gives for "\\ud800"
    {"nested": [[[{"k": "v"}]]]},
]


@pytest.mark.parametrize("value", CASES)
def test_same_bytes_as_the_standard_library(value: Any) -> None:
    assert pretty(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_a_float_with_a_negative_exponent_is_the_same_value() -> None:
    value = {"x": 1.5e-7}
    assert json.loads(pretty(value)) == value
    assert pretty(value) in ('{\n  "x": 1.5e-7\n}\n', '{\n  "x": 1.5e-07\n}\n')


NESTED: list[Any] = [
    {1: "int key", "s": [2]},
    {"models": [{"a": [1, {"b": []}]}, {}, [], "x"], "n": {"k": {"deep": [1]}}},
]


@pytest.mark.parametrize("value", [*CASES, *NESTED])
@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_pieces_join_to_the_same_text(value: Any, depth: int) -> None:
    assert "".join(pretty_chunks(value, depth)) == pretty(value)


def test_the_json_format_renders_in_pieces_and_others_in_one() -> None:
    from licscan.report import get_renderer, piece_renderer

    doc: dict[str, Any] = {"schema_version": 1, "models": [{"repo_id": "org/a", "obligations": []}], "datasets": []}
    json_pieces = list(piece_renderer("json", get_renderer("json"))(doc))
    assert len(json_pieces) > 1 and "".join(json_pieces) == get_renderer("json")(doc)
    assert list(piece_renderer("table", lambda d: "one text")(doc)) == ["one text"]
