"""Property-based tests of the parsers that read strangers' input: whatever the text, the answer is a
result or a clean input error (file and line), never another exception."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licscan.classify import classify_card
from licscan.errors import InputError
from licscan.licensedb import load_database
from licscan.manifest import read_manifest
from licscan.policy import read_policy
from licscan.types import LicenseClass

DB = load_database()
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text built from the pieces manifests, policies and expressions are made of, plus anything at all.
TOKENS = st.sampled_from(
    [
        "models:",
        "version: 1",
        "- ",
        "  ",
        "repo: ",
        "revision: ",
        "note: ",
        "-r ",
        "--requirement=",
        "#",
        "org/name",
        "a/b@v1",
        "https://huggingface.co/x/y",
        "@",
        "..",
        "/",
        "\\",
        "\n",
        "\t",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "&a ",
        "*a",
        "!!python/object ",
        "'",
        '"',
        "classes:",
        "licenses:",
        "exceptions:",
        "context:",
        "permissive: allow",
        "unknown: deny",
        "- model: a/b",
        "decision: allow",
        "expires: 2020-01-01",
        "regions: [EU, US]",
        "monthly_active_users: 1e9",
        "on_fetch_error: deny",
        "\x00",
        "\x1b[31m",
        "\ufeff",
    ]
)
TEXT = st.one_of(st.text(max_size=300), st.lists(st.one_of(TOKENS, st.text(max_size=8)), max_size=60).map("".join))


@contextmanager
def _written(text: str, suffix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="licscan-prop-") as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        yield path


@SETTINGS
@given(text=TEXT, suffix=st.sampled_from([".txt", ".yaml"]))
def test_the_manifest_parser_gives_references_or_an_input_error(text: str, suffix: str) -> None:
    with _written(text, suffix) as path:
        try:
            refs = read_manifest(path)
        except InputError as exc:
            assert exc.path and exc.message
            return
    for ref in refs:
        assert ref.repo_id and "/" not in ref.repo_id.strip("/").replace("/", "", 1)
        assert ref.line >= 1


@SETTINGS
@given(text=TEXT)
def test_the_policy_loader_gives_a_policy_or_problems(text: str) -> None:
    with _written(text, ".yaml") as path:
        policy, problems = read_policy(path, db=DB)
    assert (policy is None) == any(p.severity == "error" for p in problems)
    for problem in problems:
        assert problem.severity in ("error", "warning") and problem.message


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
IDS = st.sampled_from(["mit", "apache-2.0", "llama3.1", "cc-by-nc-4.0", "other", "unknown", "gpl-3.0", "MIT", "x"])
EXPRESSION = st.recursive(
    IDS,
    lambda inner: st.tuples(inner, st.sampled_from([" OR ", " AND ", " WITH ", " or ", "AND"]), inner).map(
        lambda t: f"({t[0]}{t[1]}{t[2]})"
    ),
    max_leaves=30,
)


@SETTINGS
@given(
    license=st.one_of(EXPRESSION, TEXT, JSON), name=st.one_of(st.none(), TEXT, JSON), link=st.one_of(st.none(), JSON)
)
def test_the_expression_parser_always_classifies(license: Any, name: Any, link: Any) -> None:
    card = {"license": license, "license_name": name, "license_link": link}
    result = classify_card(DB, card, "org/model")
    assert isinstance(result.license_class, LicenseClass)
    if result.license is None:
        assert result.license_class is LicenseClass.UNKNOWN
    else:
        assert result.license_class is result.license.license_class


@SETTINGS
@given(depth=st.integers(min_value=17, max_value=3000), operator=st.sampled_from([" OR ", " AND "]))
def test_deep_expressions_are_license_invalid_not_a_crash(depth: int, operator: str) -> None:
    expression = "(" * depth + f"mit{operator}apache-2.0" + ")" * depth
    result = classify_card(DB, {"license": expression}, "org/model")
    assert result.license_class is LicenseClass.UNKNOWN
    assert [f.code for f in result.findings] == ["license-invalid"]
