"""Classifying the licence a card declares, and combining it along the lineage."""

from __future__ import annotations

from typing import Any

import pytest

from licscan.classify import classify_card
from licscan.licensedb import LicenseDB, load_database
from licscan.lineage import base_model_ids, chain_obligations, effective_license, plan, resolve_lineage
from licscan.types import FetchErrorCode, FetchFailure, LicenseClass, ModelRecord

PERMISSIVE = LicenseClass.PERMISSIVE
RESTRICTED = LicenseClass.OPEN_WEIGHTS_RESTRICTED
NC = LicenseClass.NON_COMMERCIAL
UNKNOWN = LicenseClass.UNKNOWN


@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return load_database()


def codes(card: dict[str, Any], db: LicenseDB) -> list[str]:
    return [f.code for f in classify_card(db, card).findings]


@pytest.mark.parametrize(
    ("card", "license_id", "cls"),
    [
        ({"license": "apache-2.0"}, "apache-2.0", PERMISSIVE),
        ({"license": "Apache-2.0"}, "apache-2.0", PERMISSIVE),
        ({"license": "llama3.1"}, "llama3.1", RESTRICTED),
        ({"license": "other", "license_name": "Llama-3.1"}, "llama3.1", RESTRICTED),
        ({"license": "other", "license_name": "llama3_1"}, "llama3.1", RESTRICTED),
        ({"license": "other", "license_name": "flux-dev"}, "flux-1-dev-non-commercial-license", NC),
        ({"license": "other", "license_name": "license-flux1-dev"}, "flux-1-dev-non-commercial-license", NC),
        ({"license": "other", "license_name": "tongyi-qianwen"}, "tongyi-qianwen", RESTRICTED),
        ({"license": "other", "license_name": "mrl"}, "mrl", NC),
        ({"license": "cc-by-nc-4.0"}, "cc-by-nc-4.0", NC),
        ({"license": "gemma"}, "gemma", RESTRICTED),
        # A license_link to a known licence URL resolves by itself.
        (
            {
                "license": "other",
                "license_link": "https://huggingface.co/meta-llama/Meta-Llama-3.1-70B-Instruct/blob/main/LICENSE",
            },
            "llama3.1",
            RESTRICTED,
        ),
    ],
)
def test_declared_licences(card: dict[str, Any], license_id: str, cls: LicenseClass, db: LicenseDB) -> None:
    result = classify_card(db, card)
    assert result.license is not None and result.license.id == license_id
    assert result.license_class is cls
    assert result.evidence, "every decision carries evidence"


def test_or_takes_the_least_restrictive_option_and_says_so(db: LicenseDB) -> None:
    result = classify_card(db, {"license": "cc-by-nc-4.0 OR mit"})
    assert result.license is not None and result.license.id == "mit"
    assert result.license_class is PERMISSIVE
    assert any("least restrictive" in e.detail for e in result.evidence)
    assert [lic.id for lic in result.licenses] == ["mit"], "the option not taken imposes no duties"
    assert any("cc-by-nc-4.0" in e.detail for e in result.evidence)


def test_and_and_lists_take_the_most_restrictive(db: LicenseDB) -> None:
    for card in ({"license": "mit AND cc-by-nc-4.0"}, {"license": ["mit", "cc-by-nc-4.0"]}):
        result = classify_card(db, card)
        assert result.license is not None and result.license.id == "cc-by-nc-4.0", card
        assert result.license_class is NC


def test_an_unknown_part_of_an_and_makes_the_whole_unknown(db: LicenseDB) -> None:
    assert classify_card(db, {"license": ["mit", "no-such-licence"]}).license_class is UNKNOWN


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ({}, "license-missing"),
        ({"license": "unknown"}, "license-unknown"),
        ({"license": "other"}, "license-unrecognized"),
        ({"license": "other", "license_name": "my-custom-licence-9"}, "license-unrecognized"),
        ({"license": "not-a-licence"}, "license-unrecognized"),
        ({"license": 42}, "license-invalid"),
        ({"license": {"nested": "dict"}}, "license-invalid"),
        ({"license": "mit AND (("}, "license-invalid"),
        ({"license": "cc"}, "license-ambiguous"),
    ],
)
def test_unknown_never_passes_silently(card: dict[str, Any], code: str, db: LicenseDB) -> None:
    result = classify_card(db, card)
    assert code in [f.code for f in result.findings]
    if code != "license-ambiguous":
        assert result.license_class is UNKNOWN


def test_the_raw_value_is_kept_in_the_evidence(db: LicenseDB) -> None:
    result = classify_card(db, {"license": "other", "license_name": "my-custom-licence-9"})
    assert any("my-custom-licence-9" in e.detail for e in result.evidence)


def test_disagreeing_fields_give_the_more_restrictive_reading(db: LicenseDB) -> None:
    result = classify_card(db, {"license": "apache-2.0", "license_name": "cc-by-nc-4.0"})
    assert result.license is not None and result.license.id == "cc-by-nc-4.0"
    assert "license-mismatch" in [f.code for f in result.findings]


def test_hostile_values_are_clipped_and_escaped(db: LicenseDB) -> None:
    hostile = "\x1b[31m<script>alert(1)</script>" + "x" * 20000
    result = classify_card(db, {"license": "other", "license_name": hostile})
    for text in [e.detail for e in result.evidence] + [f.message for f in result.findings]:
        assert "\x1b" not in text
        assert len(text) < 1000


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ("meta-llama/Llama-3.1-8B", ["meta-llama/Llama-3.1-8B"]),
        (["a/b", "c/d", "A/B"], ["a/b", "c/d"]),
        ("https://huggingface.co/mistralai/Mistral-7B-v0.1", ["mistralai/Mistral-7B-v0.1"]),
        ("", []),
        (None, []),
    ],
)
def test_base_model_forms(value: Any, ids: list[str]) -> None:
    assert base_model_ids({"base_model": value})[0] == ids


def test_bad_base_model_values_are_problems_not_crashes() -> None:
    ids, problems = base_model_ids({"base_model": [{"nested": 1}, "not a repo", "ok/repo"]})
    assert ids == ["ok/repo"] and len(problems) == 2


def rec(repo: str, license: str | None = None, base: Any = None) -> ModelRecord:
    card: dict[str, Any] = {}
    if license:
        card["license"] = license
    if base is not None:
        card["base_model"] = base
    return ModelRecord(repo_id=repo, sha="0" * 40, card_data=card)


def lineage_of(records: dict[str, ModelRecord | FetchFailure], root: str, db: LicenseDB) -> Any:
    def lookup(repo: str) -> ModelRecord | FetchFailure | None:
        return records.get(repo)

    record = records[root]
    assert isinstance(record, ModelRecord)
    lineage = resolve_lineage(
        record,
        lookup,
        lambda r: classify_card(db, r.card_data),
        lambda r: plan(r, classify_card(db, r.card_data).license_class),
    )
    declared = classify_card(db, record.card_data)
    return lineage, effective_license(root, declared, lineage.bases, lineage.unresolved), declared


def test_a_permissive_fine_tune_inherits_its_base_restriction(db: LicenseDB) -> None:
    records: dict[str, ModelRecord | FetchFailure] = {
        "me/tune": rec("me/tune", "apache-2.0", "meta/instruct"),
        "meta/instruct": rec("meta/instruct", "llama3.1", "meta/base"),
        "meta/base": rec("meta/base", "llama3.1"),
    }
    lineage, effective, declared = lineage_of(records, "me/tune", db)
    assert [(b.repo_id, b.depth) for b in lineage.bases] == [("meta/instruct", 1), ("meta/base", 2)]
    assert effective.license_class is RESTRICTED
    assert effective.license.id == "llama3.1" and effective.source == "meta/instruct"
    assert "base-license-conflict" in [f.code for f in effective.findings]
    kinds = {(o.obligation.kind, o.license_id) for o in chain_obligations(declared, lineage.bases)}
    assert ("user-threshold", "llama3.1") in kinds and ("notice", "apache-2.0") in kinds


def test_no_own_licence_takes_the_base_class(db: LicenseDB) -> None:
    records: dict[str, ModelRecord | FetchFailure] = {
        "me/adapter": rec("me/adapter", None, "google/gemma"),
        "google/gemma": rec("google/gemma", "gemma"),
    }
    _, effective, _ = lineage_of(records, "me/adapter", db)
    assert effective.license_class is RESTRICTED and effective.source == "google/gemma"
    assert effective.findings == ()


def test_cycles_missing_bases_and_merges(db: LicenseDB) -> None:
    records: dict[str, ModelRecord | FetchFailure] = {
        "x/a": rec("x/a", "mit", ["x/b", "x/gone", "x/nc"]),
        "x/b": rec("x/b", "mit", "x/a"),
        "x/nc": rec("x/nc", "cc-by-nc-4.0", "x/b"),
        "x/gone": FetchFailure(FetchErrorCode.NOT_FOUND, "repository not found"),
    }
    lineage, effective, _ = lineage_of(records, "x/a", db)
    found = [f.code for f in lineage.findings]
    assert "lineage-cycle" in found and "lineage-unresolved" in found
    assert [b.repo_id for b in lineage.bases] == ["x/b", "x/gone", "x/nc"]  # x/b listed once (diamond)
    assert effective.license_class is NC


def test_depth_is_bounded(db: LicenseDB) -> None:
    records: dict[str, ModelRecord | FetchFailure] = {
        f"c/m{i}": rec(f"c/m{i}", "mit", f"c/m{i + 1}") for i in range(15)
    }
    lineage, _, _ = lineage_of(records, "c/m0", db)
    assert max(b.depth for b in lineage.bases) == 10
    assert "lineage-too-deep" in [f.code for f in lineage.findings]
