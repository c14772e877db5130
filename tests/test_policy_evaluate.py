"""The policy evaluator: verdicts and reasons over contexts, overrides, exceptions, fetch errors.

Models are built directly from licscan.types with licences from the real
database, so the thresholds and regions tested are the reviewed ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import pytest

from licscan.licensedb import load_database
from licscan.lineage import chain_obligations, effective_license
from licscan.policy import Context, Decision, ExceptionRule, Policy, evaluate
from licscan.policy.evaluate import PolicyOutcome
from licscan.policy.modality import is_multimodal
from licscan.policy.model import DEFAULT_CLASS_DECISIONS
from licscan.report.json_report import to_json
from licscan.types import (
    OBLIGATION_KINDS,
    BaseModel,
    Classification,
    FetchErrorCode,
    FetchFailure,
    Finding,
    License,
    LicenseClass,
    ModelRecord,
    ModelRef,
    ModelResult,
    ScanResult,
    Severity,
)

DB = load_database()
TODAY = dt.date(2026, 1, 15)
SHA = "c0ffee" + "0" * 34
BASE_SHA = "d" * 40
CONTEXT_KINDS = {"user-threshold", "revenue-threshold", "region-restriction", "non-commercial"}
# Everything but the context-dependent kinds, so only the rule under test decides.
ACCEPT_ALL = frozenset(OBLIGATION_KINDS - CONTEXT_KINDS)
ALL_ALLOW: dict[LicenseClass, Decision] = {c: Decision.ALLOW for c in LicenseClass if c is not LicenseClass.UNKNOWN}
RULE_ID = re.compile(
    r"^(class:[a-z-]+|license:[a-z0-9.+-]+|context:(user-threshold|revenue-threshold|non-commercial-use|"
    r"region-restriction)|obligation:[a-z-]+|finding:[a-z-]+|fetch-error|exception)$"
)


def lic(license_id: str) -> License:
    found = DB.get(license_id)
    assert found is not None, f"{license_id} missing from license_db/"
    return found


def classification(license_id: str | None) -> Classification:
    if license_id is None:
        return Classification(None, LicenseClass.UNKNOWN, None)
    found = lic(license_id)
    return Classification(found, found.license_class, license_id, licenses=(found,))


def base(repo: str, license_id: str | None, parent: str = "org/model") -> BaseModel:
    return BaseModel(repo, BASE_SHA, 1, parent, "finetune", classification(license_id))


def model(
    license_id: str | None,
    repo: str = "org/model",
    *,
    pipeline: str | None = "text-generation",
    tags: Iterable[str] = (),
    bases: tuple[BaseModel, ...] = (),
    revision: str | None = None,
    findings: tuple[Finding, ...] = (),
) -> ModelResult:
    declared = classification(license_id)
    effective = effective_license(repo, declared, bases)
    return ModelResult(
        ref=ModelRef(repo, revision, "models.txt", 1),
        revision=SHA,
        record=ModelRecord(repo, SHA, pipeline_tag=pipeline, tags=tuple(tags)),
        failure=None,
        declared=declared,
        license=effective.license,
        license_source=effective.source,
        license_class=effective.license_class,
        base_models=bases,
        obligations=chain_obligations(declared, bases),
        findings=findings + effective.findings,
    )


def failed(repo: str = "org/gone", code: FetchErrorCode = FetchErrorCode.GATED) -> ModelResult:
    from licscan.datasets.attach import unfetched_result  # what the scan concludes of an unfetched entry

    failure = FetchFailure(code, f"{repo} is gated: request access on the Hub")
    return unfetched_result(ModelRef(repo, None, "models.txt", 2), failure)


def scan(*models: ModelResult) -> ScanResult:
    return ScanResult(
        models=models,
        manifests=("models.txt",),
        tool_version="0",
        database_version=DB.version,
        generated_at="2026-01-15T00:00:00Z",
        source="test",
        warnings=("a manifest warning",),
    )


def policy(
    *,
    use: str = "commercial",
    mau: int | None = 1_000_000,
    regions: tuple[str, ...] = ("US",),
    distribution: str | None = None,
    revenue: int | None = None,
    classes: Mapping[LicenseClass, Decision] | None = None,
    licenses: Mapping[str, Decision] | None = None,
    accepted: Iterable[str] = ACCEPT_ALL,
    exceptions: tuple[ExceptionRule, ...] = (),
    on_fetch_error: Decision = Decision.DENY,
) -> Policy:
    merged: dict[LicenseClass, Decision] = {
        **DEFAULT_CLASS_DECISIONS,
        **(classes if classes is not None else ALL_ALLOW),
    }
    return Policy(
        context=Context(use, mau, regions, distribution, revenue),
        classes=merged,
        explicit_classes=frozenset(classes if classes is not None else ALL_ALLOW),
        licenses=dict(licenses or {}),
        accepted_obligations=frozenset(accepted),
        exceptions=exceptions,
        on_fetch_error=on_fetch_error,
    )


def run(p: Policy, *models: ModelResult) -> PolicyOutcome:
    return evaluate(scan(*models), p, today=TODAY, policy_name="licscan.policy.yaml")


def judged(p: Policy, m: ModelResult) -> ModelResult:
    return run(p, m).result.models[0]


def decisions(m: ModelResult) -> dict[str, str]:
    """rule -> decision (the most severe one when a rule appears twice)."""
    out: dict[str, str] = {}
    for r in m.reasons:
        if r.rule not in out or Decision(r.decision) > Decision(out[r.rule]):
            out[r.rule] = r.decision
    return out


# -- user threshold: "more than 700 million monthly active users" ---------------------


@pytest.mark.parametrize("license_id", ["llama3.1", "llama3.2"])
@pytest.mark.parametrize(
    ("mau", "verdict", "rule"),
    [
        (1_000_000, "allow", "context:user-threshold"),
        (699_999_999, "allow", "context:user-threshold"),
        (700_000_000, "allow", "context:user-threshold"),  # "more than 700M": exactly 700M is within the grant
        (700_000_001, "deny", "context:user-threshold"),
        (900_000_000, "deny", "context:user-threshold"),
        (None, "review", "obligation:user-threshold"),  # not declared: not guessed
    ],
)
def test_user_threshold(license_id: str, mau: int | None, verdict: str, rule: str) -> None:
    m = judged(policy(mau=mau), model(license_id))
    assert m.verdict == verdict
    assert decisions(m)[rule] == verdict


def test_user_threshold_reason_reads_as_a_sentence() -> None:
    m = judged(policy(mau=900_000_000), model("llama3.1"))
    first = m.reasons[0]
    assert first.rule == "context:user-threshold"
    threshold = next(o for o in lic("llama3.1").obligations if o.kind == "user-threshold")
    assert first.message.startswith(f"Llama 3.1 Community License Agreement: {threshold.summary}")
    assert first.message.endswith(
        "The policy declares 900,000,000 monthly active users, above the threshold of 700,000,000."
    )


def test_undeclared_user_count_is_accepted_only_when_legal_accepts_the_kind() -> None:
    m = judged(policy(mau=None, accepted=ACCEPT_ALL | {"user-threshold"}), model("llama3.1"))
    assert m.verdict == "allow"
    assert decisions(m)["obligation:user-threshold"] == "allow"


# -- non-commercial licences and the declared use -------------------------------------


@pytest.mark.parametrize(
    ("use", "class_rule", "verdict", "context_decision"),
    [
        ("commercial", Decision.ALLOW, "deny", "deny"),
        ("commercial", Decision.REVIEW, "deny", "deny"),
        ("internal", Decision.ALLOW, "review", "review"),
        ("internal", Decision.DENY, "deny", "review"),
        ("research", Decision.ALLOW, "allow", "allow"),
        ("research", Decision.REVIEW, "review", "allow"),
        ("research", Decision.DENY, "deny", "allow"),
    ],
)
def test_non_commercial_licence_by_use(use: str, class_rule: Decision, verdict: str, context_decision: str) -> None:
    p = policy(use=use, classes={**ALL_ALLOW, LicenseClass.NON_COMMERCIAL: class_rule})
    m = judged(p, model("cc-by-nc-4.0"))
    assert m.verdict == verdict
    assert decisions(m)["context:non-commercial-use"] == context_decision
    assert decisions(m)["class:non-commercial"] == class_rule.value


def test_non_commercial_base_binds_a_permissive_fine_tune() -> None:
    m = judged(policy(), model("apache-2.0", bases=(base("org/nc-base", "cc-by-nc-4.0"),)))
    assert m.license_class is LicenseClass.NON_COMMERCIAL
    assert m.verdict == "deny"
    reason = next(r for r in m.reasons if r.rule == "context:non-commercial-use")
    assert "Creative Commons" in reason.message and "commercial use" in reason.message


# -- regions, and the Llama 3.2 multimodal clause --------------------------------------


@pytest.mark.parametrize(
    ("license_id", "pipeline", "tags", "regions", "verdict"),
    [
        ("llama3.2", "image-text-to-text", (), ("EU",), "deny"),
        ("llama3.2", "image-text-to-text", (), ("DE",), "deny"),  # a member state is in the EU
        ("llama3.2", "image-text-to-text", (), ("US", "FR"), "deny"),
        ("llama3.2", "image-text-to-text", (), ("US",), "allow"),
        ("llama3.2", "image-text-to-text", (), ("GB", "CH", "NO"), "allow"),  # Europe, not the EU
        ("llama3.2", "text-generation", (), ("EU",), "allow"),  # the clause binds multimodal models only
        ("llama3.2", None, ("mllama", "conversational"), ("EU",), "deny"),
        ("llama3.2", None, (), ("EU",), "review"),  # cannot tell: never a silent allow
        ("llama3.2", None, (), ("US",), "allow"),  # outside the region whatever the model is
        ("llama3.1", "image-text-to-text", (), ("EU",), "allow"),  # Llama 3.1 has no such clause
    ],
)
def test_region_restriction(
    license_id: str, pipeline: str | None, tags: tuple[str, ...], regions: tuple[str, ...], verdict: str
) -> None:
    m = judged(policy(regions=regions), model(license_id, pipeline=pipeline, tags=tags))
    assert m.verdict == verdict
    if license_id == "llama3.2":
        assert decisions(m)["context:region-restriction"] == verdict


def test_undeclared_regions_send_a_region_clause_to_review() -> None:
    m = judged(policy(regions=()), model("llama3.2", pipeline="image-text-to-text"))
    assert m.verdict == "review"
    reason = next(r for r in m.reasons if r.rule == "obligation:region-restriction")
    assert "does not declare context.regions" in reason.message


def test_region_reasons_explain_the_model_kind() -> None:
    text = judged(policy(regions=("EU",)), model("llama3.2", pipeline="text-generation"))
    reason = next(r for r in text.reasons if r.rule == "context:region-restriction")
    assert "binds multimodal models only" in reason.message and "pipeline tag is text-generation" in reason.message
    unsure = judged(policy(regions=("EU",)), model("llama3.2", pipeline=None))
    reason = next(r for r in unsure.reasons if r.rule == "context:region-restriction")
    assert "cannot tell whether org/model is a multimodal model" in reason.message


def test_multimodal_detection_without_a_record_is_unknown() -> None:
    assert is_multimodal(None) is None
    assert is_multimodal(ModelRecord("a/b", SHA, pipeline_tag="any-to-any")) is True
    assert is_multimodal(ModelRecord("a/b", SHA, tags=("Vision",))) is True
    assert is_multimodal(ModelRecord("a/b", SHA, pipeline_tag="text-generation")) is False
    assert is_multimodal(ModelRecord("a/b", SHA)) is None


# -- licence rules over class rules ------------------------------------------------------


@pytest.mark.parametrize(
    ("m", "classes", "licenses", "verdict", "rule"),
    [
        # A licence rule replaces the class rule for the effective licence, both ways.
        (
            model("llama3.1"),
            {LicenseClass.OPEN_WEIGHTS_RESTRICTED: Decision.REVIEW},
            {"llama3.1": Decision.ALLOW},
            "allow",
            "license:llama3.1",
        ),
        (model("llama3.1"), ALL_ALLOW, {"llama3.1": Decision.DENY}, "deny", "license:llama3.1"),
        (model("mit"), ALL_ALLOW, {"mit": Decision.REVIEW}, "review", "license:mit"),
        # It applies along the lineage: a base's licence ...
        (
            model("apache-2.0", bases=(base("meta-llama/Llama-2-7b-hf", "llama2"),)),
            ALL_ALLOW,
            {"llama2": Decision.DENY},
            "deny",
            "license:llama2",
        ),
        # ... and the model's own licence when a base's is the effective one.
        (
            model("apache-2.0", bases=(base("meta-llama/Llama-3.1-8B", "llama3.1"),)),
            ALL_ALLOW,
            {"apache-2.0": Decision.DENY},
            "deny",
            "license:apache-2.0",
        ),
        # Other licences keep their class rule.
        (model("gemma"), ALL_ALLOW, {"llama3.1": Decision.DENY}, "allow", "class:open-weights-restricted"),
    ],
)
def test_licence_rules_override_class_rules(
    m: ModelResult,
    classes: Mapping[LicenseClass, Decision],
    licenses: Mapping[str, Decision],
    verdict: str,
    rule: str,
) -> None:
    judged_model = judged(policy(classes=classes, licenses=licenses), m)
    assert judged_model.verdict == verdict
    assert decisions(judged_model)[rule] == verdict


def test_licence_rule_for_the_effective_licence_replaces_its_class_reason() -> None:
    m = judged(
        policy(classes={LicenseClass.OPEN_WEIGHTS_RESTRICTED: Decision.DENY}, licenses={"llama3.1": Decision.ALLOW}),
        model("llama3.1"),
    )
    assert m.verdict == "allow"
    assert not [r for r in m.reasons if r.rule.startswith("class:")]
    assert "replaces the rule for class open-weights-restricted" in decisions_message(m, "license:llama3.1")


def test_licence_allow_does_not_lift_the_non_commercial_use_rule() -> None:
    m = judged(policy(licenses={"cc-by-nc-4.0": Decision.ALLOW}), model("cc-by-nc-4.0"))
    assert m.verdict == "deny"
    assert decisions(m) == {
        "context:non-commercial-use": "deny",
        "license:cc-by-nc-4.0": "allow",
        "obligation:attribution": "allow",
        "obligation:state-changes": "allow",
    }


def decisions_message(m: ModelResult, rule: str) -> str:
    return next(r.message for r in m.reasons if r.rule == rule)


# -- class rules, obligations, findings -------------------------------------------------


@pytest.mark.parametrize(
    ("license_id", "verdict"),
    [("apache-2.0", "allow"), ("gpl-3.0", "review"), ("llama3.1", "review"), ("cc-by-nc-4.0", "deny"), (None, "deny")],
)
def test_default_class_rules(license_id: str | None, verdict: str) -> None:
    p = policy(classes={}, use="research", accepted=OBLIGATION_KINDS)
    assert judged(p, model(license_id)).verdict == verdict


def test_unknown_licence_reason() -> None:
    m = judged(policy(), model(None))
    assert m.verdict == "deny"
    assert m.reasons[0].rule == "class:unknown"
    assert m.reasons[0].message == (
        "No licence could be identified for org/model (class unknown); the policy denies this class "
        "(licscan's default)."
    )


def test_allow_verdicts_have_reasons_too() -> None:
    m = judged(policy(), model("apache-2.0"))
    assert m.verdict == "allow"
    assert m.reasons[0].rule == "class:permissive"
    assert m.reasons[0].message == (
        "The effective licence is Apache License 2.0 (apache-2.0), class permissive; "
        "the policy allows this class (classes.permissive)."
    )
    assert {r.rule for r in m.reasons} == {"class:permissive", "obligation:notice", "obligation:state-changes"}


def test_obligations_not_accepted_give_review_naming_the_kind() -> None:
    m = judged(policy(accepted={"attribution", "naming", "acceptable-use", "notice"}), model("llama3.1"))
    assert m.verdict == "review"
    assert decisions(m)["obligation:pass-through"] == "review"
    assert decisions(m)["obligation:attribution"] == "allow"
    assert "has not accepted obligations of kind pass-through" in decisions_message(m, "obligation:pass-through")


@pytest.mark.parametrize(("distribution", "verdict"), [("hosted", "allow"), ("on-prem", "review"), (None, "review")])
def test_redistribution_obligations_are_moot_for_hosted_services(distribution: str | None, verdict: str) -> None:
    m = judged(policy(distribution=distribution, accepted={"state-changes"}), model("apache-2.0"))
    assert m.verdict == verdict
    assert decisions(m)["obligation:notice"] == verdict


@pytest.mark.parametrize(
    ("revenue", "verdict", "rule"),
    [
        (999_999, "allow", "context:revenue-threshold"),
        (1_000_000, "allow", "context:revenue-threshold"),
        (1_000_001, "deny", "context:revenue-threshold"),
        (None, "review", "obligation:revenue-threshold"),
    ],
)
def test_revenue_threshold(revenue: int | None, verdict: str, rule: str) -> None:
    m = judged(policy(revenue=revenue), model("stabilityai-community", pipeline="text-to-image"))
    assert m.verdict == verdict
    assert decisions(m)[rule] == verdict


@pytest.mark.parametrize("code", ["lineage-unresolved", "lineage-too-deep", "license-unrecognized"])
def test_incomplete_licence_picture_gives_review(code: str) -> None:
    m = judged(policy(), model("apache-2.0", findings=(Finding(code, Severity.WARNING, "base org/x is gated"),)))
    assert m.verdict == "review"
    assert decisions(m)[f"finding:{code}"] == "review"


# -- fetch errors ------------------------------------------------------------------------


@pytest.mark.parametrize("on_error", list(Decision))
def test_fetch_errors_follow_on_fetch_error(on_error: Decision) -> None:
    m = judged(policy(on_fetch_error=on_error), failed())
    assert m.verdict == on_error.value
    assert [r.rule for r in m.reasons] == ["fetch-error"]
    assert "org/gone could not be fetched (gated: org/gone is gated" in m.reasons[0].message


# -- exceptions --------------------------------------------------------------------------


def exception(
    target: str = "org/model", decision: Decision = Decision.ALLOW, expires: dt.date | None = dt.date(2027, 3, 31)
) -> ExceptionRule:
    repo, _, revision = target.partition("@")
    return ExceptionRule(
        repo, revision or None, decision, "Commercial licence bought, ticket LEG-42", expires, "legal@example.com", 20
    )


def test_valid_exception_overrides_and_keeps_the_reasons_it_overrides() -> None:
    outcome = run(policy(mau=900_000_000, exceptions=(exception(),)), model("llama3.1"))
    m = outcome.result.models[0]
    assert m.verdict == "allow"
    assert m.reasons[0].rule == "exception"
    assert m.reasons[0].message == (
        "The policy exception for org/model (line 20) allows this model: Commercial licence bought, ticket LEG-42; "
        "approved by legal@example.com; valid until 2027-03-31. It overrides the rules below, which give deny."
    )
    assert decisions(m)["context:user-threshold"] == "deny"
    assert outcome.unused_exceptions == () and outcome.expired_exceptions == ()


@pytest.mark.parametrize(("expires", "applies"), [(TODAY, True), (TODAY - dt.timedelta(days=1), False), (None, True)])
def test_exception_expiry(expires: dt.date | None, applies: bool) -> None:
    rule = exception(expires=expires)
    outcome = run(policy(mau=900_000_000, exceptions=(rule,)), model("llama3.1"))
    m = outcome.result.models[0]
    assert m.verdict == ("allow" if applies else "deny")
    expired = [f for f in m.findings if f.code == "exception-expired"]
    if applies:
        assert not expired and outcome.expired_exceptions == ()
    else:
        assert expired[0].severity is Severity.WARNING
        assert "expired on 2026-01-14" in expired[0].message
        assert outcome.expired_exceptions == (rule,)
        assert outcome.unused_exceptions == ()
        assert any("expired on 2026-01-14" in w for w in outcome.result.warnings)


def test_unused_exception_is_reported() -> None:
    stale = exception("org/removed-long-ago")
    outcome = run(policy(exceptions=(exception(), stale)), model("apache-2.0"))
    assert outcome.unused_exceptions == (stale,)
    assert outcome.result.warnings == (
        "a manifest warning",
        "licscan.policy.yaml:20: exception for org/removed-long-ago matched no model in this scan; "
        "remove it if it is stale",
    )
    assert outcome.warnings == outcome.result.warnings[1:]


@pytest.mark.parametrize(
    ("target", "requested", "matches"),
    [
        (f"org/model@{SHA}", None, True),  # the resolved commit
        ("org/model@c0ffee0", None, True),  # a short commit of it
        ("org/model@v1.0", "v1.0", True),  # the requested tag
        ("ORG/Model", None, True),  # repo ids are case-insensitive on the Hub
        ("org/model@v2.0", "v1.0", False),
        ("org/model@deadbeef", None, False),
        ("org/other", None, False),
    ],
)
def test_exception_revision_pins(target: str, requested: str | None, matches: bool) -> None:
    rule = exception(target, Decision.DENY)
    outcome = run(policy(exceptions=(rule,)), model("apache-2.0", revision=requested))
    assert outcome.result.models[0].verdict == ("deny" if matches else "allow")
    assert outcome.unused_exceptions == (() if matches else (rule,))


def test_pinned_exception_beats_the_repo_wide_one() -> None:
    repo_wide = exception("org/model", Decision.ALLOW)
    pinned = exception(f"org/model@{SHA}", Decision.REVIEW)
    outcome = run(policy(exceptions=(repo_wide, pinned)), model("cc-by-nc-4.0"))
    assert outcome.result.models[0].verdict == "review"
    assert outcome.unused_exceptions == ()


def test_exception_can_deny_and_can_cover_a_fetch_failure() -> None:
    outcome = run(
        policy(exceptions=(exception("org/model", Decision.DENY), exception("org/gone", Decision.ALLOW))),
        model("apache-2.0"),
        failed(),
    )
    assert [m.verdict for m in outcome.result.models] == ["deny", "allow"]


# -- the scenario of the issue: the same scan, four contexts ------------------------------

FOUR_MODELS = (
    model("llama3.1", "meta-llama/Llama-3.1-8B-Instruct"),
    model("llama3.2", "meta-llama/Llama-3.2-11B-Vision-Instruct", pipeline="image-text-to-text", tags=("mllama",)),
    model("cc-by-nc-4.0", "facebook/nllb-200-distilled-600M", pipeline="translation"),
    model("apache-2.0", "mistralai/Mistral-7B-v0.1"),
)


def legal(use: str, mau: int, regions: tuple[str, ...]) -> Policy:
    """What a legal team might sign off: the use rule keeps non-commercial models out of products."""
    classes = {
        LicenseClass.PERMISSIVE: Decision.ALLOW,
        LicenseClass.OPEN_WEIGHTS_RESTRICTED: Decision.ALLOW,
        LicenseClass.NON_COMMERCIAL: Decision.ALLOW,
    }
    accepted = {"attribution", "naming", "acceptable-use", "notice", "pass-through", "state-changes"}
    return policy(use=use, mau=mau, regions=regions, classes=classes, accepted=accepted)


@pytest.mark.parametrize(
    ("name", "p", "verdicts", "deciding"),
    [
        (
            "commercial service, 1M users, US",
            legal("commercial", 1_000_000, ("US",)),
            ["allow", "allow", "deny", "allow"],
            [None, None, "context:non-commercial-use", None],
        ),
        (
            "commercial service, 900M users, US",
            legal("commercial", 900_000_000, ("US",)),
            ["deny", "deny", "deny", "allow"],
            ["context:user-threshold", "context:user-threshold", "context:non-commercial-use", None],
        ),
        (
            "research lab",
            legal("research", 200, ("US",)),
            ["allow", "allow", "allow", "allow"],
            [None, None, None, None],
        ),
        (
            "EU product, 1M users",
            legal("commercial", 1_000_000, ("EU",)),
            ["allow", "deny", "deny", "allow"],
            [None, "context:region-restriction", "context:non-commercial-use", None],
        ),
    ],
)
def test_same_scan_four_contexts(name: str, p: Policy, verdicts: list[str], deciding: list[str | None]) -> None:
    outcome = evaluate(scan(*FOUR_MODELS), p, today=TODAY, policy_name=name)
    models = outcome.result.models
    assert [m.verdict for m in models] == verdicts, name
    for m, rule in zip(models, deciding, strict=True):
        assert m.reasons, "every verdict has reasons"
        first = m.reasons[0]
        assert first.decision == m.verdict  # the deciding reason comes first
        if rule is not None:
            assert first.rule == rule
            assert first.message.endswith(".")
    summary = to_json(outcome.result)["summary"]["by_verdict"]
    assert summary == {v: verdicts.count(v) for v in ("allow", "review", "deny")}


# -- properties of the whole evaluation ----------------------------------------------------


def test_evaluation_is_pure_and_deterministic() -> None:
    original = scan(*FOUR_MODELS, failed())
    p = policy(mau=900_000_000, exceptions=(exception("org/stale"),))
    first = evaluate(original, p, today=TODAY, policy_name="p.yaml")
    second = evaluate(original, p, today=TODAY, policy_name="p.yaml")
    assert first == second
    assert all(m.verdict is None and m.reasons == () for m in original.models)
    assert first.result.policy == "p.yaml"
    assert [m.ref for m in first.result.models] == [m.ref for m in original.models]


def test_every_reason_has_a_stable_rule_id_and_a_readable_message() -> None:
    p = policy(mau=None, regions=(), accepted=set())
    outcome = run(
        p,
        *FOUR_MODELS,
        failed(),
        model(None),
        model("gpl-3.0", findings=(Finding("lineage-unresolved", Severity.WARNING, "x"),)),
    )
    for m in outcome.result.models:
        assert m.verdict in ("allow", "review", "deny")
        assert m.reasons
        for r in m.reasons:
            assert RULE_ID.match(r.rule), r.rule
            assert r.decision in ("allow", "review", "deny")
            assert r.message[0].isupper() and r.message.endswith("."), r.message
        severities = [Decision(r.decision).rank for r in m.reasons]
        assert severities == sorted(severities, reverse=True)


def test_json_report_carries_verdicts_and_reasons() -> None:
    data = to_json(run(policy(), model("apache-2.0")).result)
    assert data["policy"] == "licscan.policy.yaml"
    assert data["models"][0]["verdict"] == "allow"
    assert data["models"][0]["reasons"][0]["rule"] == "class:permissive"
