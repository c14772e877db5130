"""Reading and checking policy files: every problem named by line, never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from licscan.errors import InputError
from licscan.policy import Context, Decision, check_policy, load_policy, read_policy
from licscan.policy.load import MAX_BYTES, Problem
from licscan.policy.model import DEFAULT_CLASS_DECISIONS, ExceptionRule, most_severe
from licscan.policy.starter import STARTER_POLICY
from licscan.types import LicenseClass

TODAY = dt.date(2026, 1, 15)

# The example of the issue, as users will write it.
EXAMPLE = """\
version: 1
context:
  use: commercial            # commercial | internal | research
  monthly_active_users: 2000000
  regions: [US, EU]
  distribution: hosted
classes:
  permissive: allow
  open-weights-restricted: allow
  non-commercial: review
licenses:
  llama3.1: deny
obligations:
  accepted: [attribution, naming, acceptable-use, notice]
exceptions:
  - model: org/name
    decision: allow
    reason: "Commercial licence bought, ticket LEG-42"
    expires: 2027-03-31
    approved_by: legal@example.com
  - model: org/pinned@0123abc
    decision: deny
    reason: revision with a known problem
    expires: "2027-01-01"
on_fetch_error: deny
"""


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in problems if p.severity == "error"]


def warnings(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in problems if p.severity == "warning"]


# -- the valid example ---------------------------------------------------------------


def test_example_loads_to_the_documented_values(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, EXAMPLE))
    assert policy.context == Context(
        use="commercial", monthly_active_users=2_000_000, regions=("US", "EU"), distribution="hosted"
    )
    assert policy.classes[LicenseClass.PERMISSIVE] is Decision.ALLOW
    assert policy.classes[LicenseClass.OPEN_WEIGHTS_RESTRICTED] is Decision.ALLOW
    assert policy.classes[LicenseClass.NON_COMMERCIAL] is Decision.REVIEW
    # Classes the file leaves out keep their defaults.
    assert policy.classes[LicenseClass.COPYLEFT] is Decision.REVIEW
    assert policy.classes[LicenseClass.UNKNOWN] is Decision.DENY
    assert policy.explicit_classes == {
        LicenseClass.PERMISSIVE,
        LicenseClass.OPEN_WEIGHTS_RESTRICTED,
        LicenseClass.NON_COMMERCIAL,
    }
    assert policy.licenses == {"llama3.1": Decision.DENY}
    assert policy.accepted_obligations == {"attribution", "naming", "acceptable-use", "notice"}
    assert policy.exceptions == (
        ExceptionRule(
            "org/name",
            None,
            Decision.ALLOW,
            "Commercial licence bought, ticket LEG-42",
            dt.date(2027, 3, 31),
            "legal@example.com",
            16,
        ),
        ExceptionRule(
            "org/pinned", "0123abc", Decision.DENY, "revision with a known problem", dt.date(2027, 1, 1), None, 21
        ),
    )
    assert policy.on_fetch_error is Decision.DENY
    assert check_policy(write(tmp_path, EXAMPLE), TODAY) == []


def test_minimal_policy_takes_the_strict_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "version: 1\n"))
    assert policy.context == Context(use="commercial")
    assert dict(policy.classes) == dict(DEFAULT_CLASS_DECISIONS)
    assert policy.on_fetch_error is Decision.DENY
    assert policy.accepted_obligations == frozenset()


def test_starter_policy_is_clean(tmp_path: Path) -> None:
    path = write(tmp_path, STARTER_POLICY)
    assert check_policy(path, TODAY) == []
    load_policy(path)


def test_yaml_1_1_booleans_stay_region_codes_and_underscored_numbers_read(tmp_path: Path) -> None:
    # Plain YAML 1.1 reads NO (Norway) as false; the policy keeps the text.
    path = write(tmp_path, "version: 1\ncontext:\n  regions: [NO, EU]\n  monthly_active_users: 2_000_000\n")
    policy = load_policy(path)
    assert policy.context.regions == ("NO", "EU")
    assert policy.context.monthly_active_users == 2_000_000


@pytest.mark.parametrize("code", ["XX", "ON", "QQ"])
def test_unassigned_region_codes_are_refused_without_a_guess(tmp_path: Path, code: str) -> None:
    # Two upper-case letters is the shape of a code, not a code: XX, ON and QQ name no country.
    path = write(tmp_path, f"version: 1\ncontext:\n  regions: [US, {code}]\n")
    with pytest.raises(InputError) as info:
        load_policy(path)
    assert info.value.message == f"region {code!r} is not an ISO 3166 two-letter code or EU"
    assert info.value.line == 3


def test_every_assigned_code_and_eu_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ncontext:\n  regions: [GB, DE, JP, BR, ZA, AQ, EU]\n")
    assert load_policy(path).context.regions == ("GB", "DE", "JP", "BR", "ZA", "AQ", "EU")


def test_decision_order_is_by_severity() -> None:
    assert Decision.ALLOW < Decision.REVIEW < Decision.DENY
    assert most_severe([Decision.REVIEW, Decision.ALLOW]) is Decision.REVIEW
    assert most_severe([]) is Decision.ALLOW
    assert max(Decision) is Decision.DENY


# -- every error with its line -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("version: 2\n", 1, "unsupported policy version '2'"),
        ("context: {}\n", 1, "missing 'version: 1'"),
        ("version: 1\ncontext:\n  use: comercial\n", 3, "'comercial' is not valid; did you mean 'commercial'?"),
        ("version: 1\ncontext:\n  distribtion: hosted\n", 3, "unknown key 'distribtion'; did you mean 'distribution'?"),
        ("version: 1\ncontext:\n  distribution: cloud\n", 3, "expected one of: hosted, on-prem, weights"),
        ("version: 1\nclases: {}\n", 2, "unknown key 'clases'; did you mean 'classes'?"),
        ("version: 1\nclasses:\n  permisive: allow\n", 3, "unknown key 'permisive'; did you mean 'permissive'?"),
        ("version: 1\nclasses:\n  copyleft: alow\n", 3, "'alow' is not valid; did you mean 'allow'?"),
        ("version: 1\nlicenses:\n  mit: yes\n", 3, "'yes' is not valid"),
        ("version: 1\nobligations:\n  accepted: [atribution]\n", 3, "did you mean 'attribution'?"),
        ("version: 1\nobligations:\n  acepted: []\n", 3, "did you mean 'accepted'?"),
        ("version: 1\non_fetch_error: denyy\n", 2, "did you mean 'deny'?"),
        (
            "version: 1\ncontext:\n  regions: [eu]\n",
            3,
            "region 'eu' is not an ISO 3166 two-letter code or EU; did you mean 'EU'?",
        ),
        ("version: 1\ncontext:\n  regions: [USA]\n", 3, "region 'USA' is not an ISO 3166 two-letter code"),
        # Checked against the assigned codes, not the shape: a did-you-mean where one can be found.
        ("version: 1\ncontext:\n  regions: [USA]\n", 3, "or EU; did you mean 'US'?"),
        (
            "version: 1\ncontext:\n  regions: [UK]\n",
            3,
            "region 'UK' is not an ISO 3166 two-letter code or EU; did you mean 'GB'?",
        ),
        ("version: 1\ncontext:\n  regions: [EL]\n", 3, "did you mean 'GR'?"),
        ("version: 1\ncontext:\n  regions: [Germany]\n", 3, "did you mean 'DE'?"),
        ("version: 1\ncontext:\n  regions: US\n", 3, "context.regions must be a list, not text ('US')"),
        ("version: 1\nexceptions:\n  - decision: allow\n", 3, "missing 'model'"),
        ("version: 1\nexceptions:\n  - model: org/x\n", 3, "missing 'decision'"),
        ("version: 1\nexceptions:\n  - model: not a repo\n    decision: allow\n", 3, "is not a Hub repo id"),
        ("version: 1\nexceptions:\n  - model: org/x\n    decision: allow\n    expires: soon\n", 5, "must be a date"),
        (
            "version: 1\nexceptions:\n  - model: org/x\n    decision: allow\n    reson: typo\n",
            5,
            "did you mean 'reason'?",
        ),
        ("version: 1\nexceptions:\n  - org/x\n", 3, "exceptions[0] must be a mapping"),
        ("version: 1\nversion: 1\n", 2, "duplicate key 'version' (first on line 1)"),
        ("version: 1\ncontext: [a]\n", 2, "context must be a mapping, not a list"),
        ("version: 1\n  bad: indent\n", 2, "invalid YAML"),
        ("- just\n- a list\n", 1, "a policy must be a mapping"),
    ],
)
def test_each_error_names_its_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_policy(path)
    assert info.value.line == line
    assert message in info.value.message
    assert info.value.path == str(path)
    assert (line, info.value.message) in errors(check_policy(path, TODAY))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("two million", "must be a whole number, not text ('two million')"),
        ("2000000.0", "must be a whole number, not a number ('2000000.0')"),
        ("true", "must be a whole number, not true/false ('true')"),
        ("[1, 2]", "must be a whole number, not a list"),
        ("{a: 1}", "must be a whole number, not a mapping"),
        ("-5", "must not be negative"),
        ("", "must be a whole number, not empty"),
    ],
)
def test_wrong_types_are_named(tmp_path: Path, value: str, message: str) -> None:
    path = write(tmp_path, f"version: 1\ncontext:\n  monthly_active_users: {value}\n")
    assert errors(check_policy(path, TODAY)) == [(3, f"context.monthly_active_users {message}")]


def test_check_reports_every_error_not_just_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "version: 1\ncontext:\n  use: comercial\nclasses:\n  copyleft: maybe\non_fetch_error: never\nextra: 1\n",
    )
    assert [line for line, _ in errors(check_policy(path, TODAY))] == [3, 5, 6, 7]
    with pytest.raises(InputError) as info:
        load_policy(path)
    assert info.value.line == 3


def test_empty_file_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        load_policy(write(tmp_path, "# only a comment\n"))
    with pytest.raises(InputError, match="cannot read"):
        load_policy(tmp_path / "nope.yaml")


# -- hostile input --------------------------------------------------------------------


def bomb(indent: str) -> str:
    """A billion-laughs list of lists: 9**9 strings if expanded, 81 nodes as composed."""
    rows = [f'{indent}- &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{indent}- &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(rows) + "\n"


def test_anchor_bomb_as_the_exception_list_is_refused_without_expanding(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nexceptions:\n" + bomb("  "))
    problems = check_policy(path, TODAY)
    assert errors(problems) == [(3 + n, f"exceptions[{n}] must be a mapping, not a list") for n in range(9)]


def test_anchor_bomb_in_a_list_of_values_is_a_type_error(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ncontext:\n  regions:\n" + bomb("    "))
    problems = check_policy(path, TODAY)
    assert errors(problems) == [(4 + n, "a region must be text, not a list") for n in range(9)]
    with pytest.raises(InputError, match="a region must be text, not a list"):
        load_policy(path)


def test_alias_of_a_valid_value_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ncontext:\n  regions: &r [US, EU]\nlicenses: {apache-2.0: &d allow, mit: *d}\n")
    policy = load_policy(path)
    assert policy.context.regions == ("US", "EU")
    assert policy.licenses == {"apache-2.0": Decision.ALLOW, "mit": Decision.ALLOW}


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\n" + "# padding\n" * (2 * 1024 * 1024 // 10))
    assert path.stat().st_size > 2 * MAX_BYTES - 100
    with pytest.raises(InputError, match="larger than 1024 KiB"):
        load_policy(path)


def test_deep_nesting_is_an_error_not_a_recursion_traceback(tmp_path: Path) -> None:
    depth = 100_000
    path = write(tmp_path, "version: 1\ncontext: " + "[" * depth + "]" * depth + "\n")
    problems = check_policy(path, TODAY)
    assert problems and all(p.severity == "error" for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nexceptions: !!python/object:os.system {}\n",
        "\x00\x01binary",
        "version: 1\ncontext:\n  use: !!binary aGVsbG8=\n",
        "version: [1]\n",
        "version: 1\nlicenses:\n  ? [a, b]\n  : allow\n",
        "version: 1\nexceptions:\n  - model: org/x\n    decision: allow\n    expires: 2027-02-30\n",
        "version: 1\ncontext:\n  monthly_active_users: " + "9" * 5000 + "\n",
        "{" * 50,
    ],
)
def test_hostile_yaml_gives_an_input_error(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError):
        load_policy(path)
    assert errors(check_policy(path, TODAY))


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(b"version: 1\n\xff\xfe")
    with pytest.raises(InputError, match="not UTF-8"):
        load_policy(path)


# -- warnings -------------------------------------------------------------------------


def test_exception_hygiene_is_flagged_by_check_but_loads(tmp_path: Path) -> None:
    text = """\
version: 1
exceptions:
  - model: org/no-reason
    decision: allow
    expires: 2027-01-01
  - model: org/past
    decision: allow
    reason: bought a licence
    expires: 2025-12-31
  - model: org/forever
    decision: allow
    reason: bought a licence
  - model: org/today
    decision: allow
    reason: last day
    expires: 2026-01-15
  - model: ORG/forever
    decision: deny
    reason: duplicate
    expires: 2027-01-01
"""
    path = write(tmp_path, text)
    assert warnings(check_policy(path, TODAY)) == [
        (3, "exceptions[0]: exception for org/no-reason gives no reason; a lawyer reading the report needs one"),
        (9, "exceptions[1]: exception for org/past expired on 2025-12-31 and no longer applies"),
        (10, "exceptions[2]: exception for org/forever has no 'expires' date; exceptions should be re-reviewed"),
        (17, "a second exception for ORG/forever (first on line 10); only the first one applies"),
    ]
    assert errors(check_policy(path, TODAY)) == []
    assert len(load_policy(path).exceptions) == 5


def test_unknown_licence_id_is_a_warning_with_the_nearest_id(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nlicenses:\n  llama-3.1: deny\n  Apache-2.0: allow\n  apache-2.0: allow\n")
    assert warnings(check_policy(path, TODAY)) == [
        (
            3,
            "licenses: 'llama-3.1' is not a licence id in the database, so this rule never applies; "
            "did you mean 'llama3.1'?",
        ),
        (
            4,
            "licenses: 'Apache-2.0' is not a licence id in the database, so this rule never applies; "
            "did you mean 'apache-2.0'?",
        ),
    ]
    # Without a database (load_policy) the ids are not checked.
    assert read_policy(path)[1] == []


def test_documented_example_is_clean(tmp_path: Path) -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "policy.md"
    if not doc.exists():
        pytest.skip("docs/policy.md folded elsewhere")
    text = doc.read_text(encoding="utf-8")
    example = text.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert check_policy(write(tmp_path, example), TODAY) == []
