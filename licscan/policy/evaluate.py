"""Apply a policy to a scan: a verdict per model, with reasons a lawyer can read.

Pure and deterministic: the date is passed in, nothing is fetched, and the
same scan and policy always give the same verdicts and reasons.

Order of rules (the most severe outcome of all of them wins; only a valid
exception overrides the result):

1. a model that could not be fetched gets ``on_fetch_error`` and nothing else;
2. the class rule for the effective class, unless a ``licenses:`` rule names
   the effective licence (it then replaces the class rule);
3. ``licenses:`` rules for every other licence along the lineage;
4. context rules: non-commercial use, user and revenue thresholds, regions;
5. every other obligation: allowed if its kind is accepted, else review;
6. findings that mean the licence picture is incomplete: review;
7. the model's training data: the ``training_data:`` decision for each class of data its card (or a
   base's) names, one reason per class naming the datasets and the model that declared them;
8. ``openness.minimum``: a model graded below it gets ``openness.decision``, naming the components it lacks;
9. exceptions.

Datasets the manifests list are judged by the same rules (there is no lineage or training data), with the
``datasets:`` section's class and licence decisions over the policy's own (``Policy.for_datasets``).

Hosted-API uses (``scan --discover``) are judged by the ``apis:`` section, when the policy has one:
the most specific rule decides (``providers``, else ``serving``, else ``default``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from licscan.openness.model import ApiResult
from licscan.policy import modality
from licscan.policy.model import DEFAULT_CLASS_DECISIONS, ApiRules, Decision, ExceptionRule, Policy, most_severe
from licscan.policy.regions import overlap
from licscan.types import (
    DATASET,
    AttachedObligation,
    Finding,
    License,
    LicenseClass,
    ModelResult,
    Reason,
    ScanResult,
    Severity,
)

# Findings that say the licence picture is incomplete: the class may be
# understated, so a person must look before the model ships.
REVIEW_FINDINGS = {
    "lineage-unresolved": "a base model could not be read, so its licence may also bind this model",
    "lineage-too-deep": "the lineage was not followed to its root, so an ancestor's licence may also bind this model",
    "license-unrecognized": "a licence the {noun} declares is not in licscan's database",
    "license-invalid": "the {noun}'s licence metadata cannot be read",
}
# Obligations triggered only by handing over the weights or files (Llama's notice, Apache's NOTICE
# file, pass-through terms, marking modified files): moot for a hosted service.
REDISTRIBUTION_KINDS = frozenset({"notice", "pass-through", "state-changes"})

_VERB = {Decision.ALLOW: "allows", Decision.REVIEW: "requires legal review of", Decision.DENY: "denies"}


@dataclass(frozen=True)
class PolicyOutcome:
    """The scan with verdicts, and the exceptions that need attention."""

    result: ScanResult
    unused_exceptions: tuple[ExceptionRule, ...]  # matched no model of this scan
    expired_exceptions: tuple[ExceptionRule, ...]  # matched a model but are past their expiry

    @property
    def warnings(self) -> tuple[str, ...]:
        """The texts also appended to ``result.warnings``."""
        name = self.result.policy or "policy"
        out = [
            f"{_where(name, e)}: exception for {e} expired on {e.expires} and no longer applies"
            for e in self.expired_exceptions
        ]
        out += [
            f"{_where(name, e)}: exception for {e} matched no model in this scan; remove it if it is stale"
            for e in self.unused_exceptions
        ]
        return tuple(out)


def _where(name: str, rule: ExceptionRule) -> str:
    return f"{name}:{rule.line}" if rule.line else name


def evaluate(result: ScanResult, policy: Policy, *, today: _dt.date, policy_name: str) -> PolicyOutcome:
    """Every model and dataset of ``result`` with its verdict and reasons under ``policy``."""
    used: set[int] = set()
    expired: set[int] = set()

    def judged(item: ModelResult, rules: Policy) -> ModelResult:
        matching = [i for i, e in enumerate(policy.exceptions) if e.matches(item)]
        used.update(matching)
        expired.update(i for i in matching if policy.exceptions[i].expired(today))
        return judge(item, rules, today, [policy.exceptions[i] for i in matching])

    models = [judged(model, policy) for model in result.models]
    dataset_rules = policy.for_datasets()
    datasets = tuple(judged(dataset, dataset_rules) for dataset in result.datasets)
    partial = replace(
        result,
        models=tuple(models),
        datasets=datasets,
        policy=policy_name,
        policy_context=context_json(policy),
        apis=judge_apis(result, policy.apis),
    )
    outcome = PolicyOutcome(
        partial,
        tuple(e for i, e in enumerate(policy.exceptions) if i not in used),
        tuple(e for i, e in enumerate(policy.exceptions) if i in expired),
    )
    return replace(outcome, result=replace(partial, warnings=partial.warnings + outcome.warnings))


def context_json(policy: Policy) -> dict[str, Any]:
    """The policy's context as the JSON document carries it (``policy_context``): null where it does not say."""
    ctx = policy.context
    return {
        "use": ctx.use,
        "monthly_active_users": ctx.monthly_active_users,
        "annual_revenue_usd": ctx.annual_revenue_usd,
        "regions": list(ctx.regions) or None,
        "distribution": ctx.distribution,
    }


def judge(model: ModelResult, policy: Policy, today: _dt.date, exceptions: Iterable[ExceptionRule] = ()) -> ModelResult:
    """One model's verdict: the rules, then the exception that matches it, if valid."""
    reasons = sorted(rule_reasons(model, policy), key=lambda r: -Decision(r.decision).rank)
    verdict = most_severe(Decision(r.decision) for r in reasons)
    matching = list(exceptions)
    findings = model.findings + tuple(
        Finding(
            "exception-expired",
            Severity.WARNING,
            f"the policy exception for {e}{_at(e)} expired on {e.expires} and no longer applies",
        )
        for e in matching
        if e.expired(today)
    )
    valid = [e for e in matching if not e.expired(today)]
    if valid:
        # A revision-pinned exception is more specific than one for the whole repo.
        chosen = min(valid, key=lambda e: e.revision is None)
        reasons.insert(0, _exception_reason(chosen, verdict, _noun(model)))
        verdict = chosen.decision
    return replace(model, verdict=verdict.value, reasons=tuple(reasons), findings=findings)


def rule_reasons(model: ModelResult, policy: Policy) -> list[Reason]:
    """Every rule's reason for ``model``, before exceptions."""
    if model.failure is not None:
        d = policy.on_fetch_error
        return [
            _reason(
                "fetch-error",
                d,
                f"The metadata of {model.ref} could not be fetched ({model.failure.code}: {model.failure.message}), "
                f"so its licence is unknown; the policy's on_fetch_error setting {_VERB[d]} such models.",
            )
        ]
    names = _licence_names(model)
    return [
        *_licence_reasons(model, policy),
        *_non_commercial_reasons(model, policy, names),
        *_obligation_reasons(model, policy, names),
        *_finding_reasons(model),
        *_training_data_reasons(model, policy),
        *_openness_reasons(model, policy),
    ]


# -- openness and hosted APIs ------------------------------------------------------------------


def _openness_reasons(model: ModelResult, policy: Policy) -> list[Reason]:
    from licscan.openness.model import LEVEL_NEEDS, LEVEL_UNKNOWN, LEVELS, OPEN, RESTRICTED_WEIGHTS, WEIGHTS

    rule = policy.openness
    if rule is None or rule.minimum is None or model.openness is None:
        return []
    grade = model.openness
    if LEVELS.index(grade.level) >= LEVELS.index(rule.minimum):
        return [_reason("openness:minimum", Decision.ALLOW, f"{model.ref} is graded {grade.level}, at or above the "
                        f"policy's minimum {rule.minimum} (openness.minimum).")]
    if rule.minimum == RESTRICTED_WEIGHTS:
        missing = [grade.component(WEIGHTS)] if grade.level == LEVEL_UNKNOWN else []
    else:
        missing = [grade.component(n) for n in LEVEL_NEEDS[rule.minimum] if grade.component(n).state != OPEN]
    lacks = "; ".join(f"{c.name} {c.state} ({c.reason + ': ' if c.reason else ''}{c.evidence})" for c in missing)
    return [
        _reason(
            "openness:minimum",
            rule.decision,
            f"{model.ref} is graded {grade.level}, below the policy's minimum {rule.minimum} (openness.minimum); "
            f"not evidenced open: {lacks}. The policy {_VERB[rule.decision]} such models (openness.decision).",
        )
    ]


def judge_apis(result: ScanResult, rules: ApiRules | None) -> tuple[ApiResult, ...]:
    """Every discovered API use with its verdict (none without an ``apis:`` section)."""
    from licscan.openness.apis import api_results

    found = api_results(result.discovery, result.apis)
    if rules is None:
        return found
    judged = []
    for use in found:
        reason = _api_reason(use, rules)
        judged.append(replace(use, verdict=reason.decision, reasons=(reason,)))
    return tuple(judged)


def _api_reason(use: ApiResult, rules: ApiRules) -> Reason:
    api = use.api
    what = f"{api.provider}{' ' + api.model if api.model else ''} ({api.serving})"
    if api.provider in rules.providers:
        d = rules.providers[api.provider]
        rule, why = f"provider:{api.provider}", f"the policy {_VERB[d]} provider {api.provider} (apis.providers)"
    elif api.serving in rules.serving:
        d = rules.serving[api.serving]
        rule, why = f"serving:{api.serving}", f"the policy {_VERB[d]} {api.serving} uses (apis.serving)"
    else:
        d = rules.default
        rule = "apis:default"
        why = f"no rule names {api.provider} or {api.serving}, and the policy's apis.default {_VERB[d]} it"
    lock = f"Lock-in {use.lock_in.level}: {use.lock_in.reason}."
    return _reason(rule, d, f"{what}: {why}. {lock} {use.data_handling[0].upper()}{use.data_handling[1:]}.")


# -- class and licence rules -------------------------------------------------------


def _lineage_licences(model: ModelResult) -> Iterator[tuple[License, str]]:
    """Every licence along the lineage with the repo it was found on (may repeat)."""
    if model.license is not None:
        yield model.license, model.license_source or model.ref.repo_id
    for lic in model.declared.licenses:
        yield lic, model.ref.repo_id
    for base in model.base_models:
        if base.classification is not None:
            for lic in base.classification.licenses:
                yield lic, base.repo_id


def _licence_names(model: ModelResult) -> dict[str, str]:
    return {lic.id: lic.name for lic, _ in _lineage_licences(model)}


def _licence_reasons(model: ModelResult, policy: Policy) -> list[Reason]:
    reasons: list[Reason] = []
    effective = model.license
    if effective is not None and effective.id in policy.licenses:
        d = policy.licenses[effective.id]
        reasons.append(
            _reason(
                f"license:{effective.id}",
                d,
                f"The policy {_VERB[d]} {effective.name} ({effective.id}), the effective licence found on "
                f"{model.license_source or model.ref.repo_id}; this licence rule replaces the rule for class "
                f"{model.license_class}.",
            )
        )
    else:
        reasons.append(_class_reason(model, policy))
    seen = {effective.id} if effective is not None else set()
    for lic, repo in _lineage_licences(model):
        if lic.id in seen or lic.id not in policy.licenses:
            continue
        seen.add(lic.id)
        d = policy.licenses[lic.id]
        where = "this model" if repo.lower() == model.ref.repo_id.lower() else f"its base model {repo}"
        reasons.append(
            _reason(
                f"license:{lic.id}",
                d,
                f"The policy {_VERB[d]} {lic.name} ({lic.id}), which {where} is also under.",
            )
        )
    return reasons


def _noun(item: ModelResult) -> str:
    return "dataset" if item.ref.repo_type == DATASET else "model"


def _class_reason(model: ModelResult, policy: Policy) -> Reason:
    cls = model.license_class
    d = policy.classes.get(cls, DEFAULT_CLASS_DECISIONS[cls])
    source = f"classes.{cls}" if cls in policy.explicit_classes else "licscan's default"
    if model.ref.repo_type == DATASET and cls in policy.datasets.classes:
        source = f"datasets.classes.{cls}"
    lic = model.license
    if lic is None or cls is LicenseClass.UNKNOWN:
        what = f"No licence could be identified for {model.ref} (class unknown)"
    else:
        found = model.license_source or model.ref.repo_id
        origin = "" if found.lower() == model.ref.repo_id.lower() else f", inherited from {found}"
        what = f"The effective licence is {lic.name} ({lic.id}{origin}), class {cls}"
    return _reason(f"class:{cls}", d, f"{what}; the policy {_VERB[d]} this class ({source}).")


# -- context rules -------------------------------------------------------------------


def _non_commercial_reasons(model: ModelResult, policy: Policy, names: dict[str, str]) -> list[Reason]:
    """One reason when the class or any licence along the lineage is non-commercial."""
    nc_ids = [o.license_id for o in model.obligations if o.obligation.kind == "non-commercial"]
    if model.license_class is LicenseClass.NON_COMMERCIAL and model.license is not None:
        nc_ids.insert(0, model.license.id)
    if model.license_class is not LicenseClass.NON_COMMERCIAL and not nc_ids:
        return []
    licence = names.get(nc_ids[0], nc_ids[0]) if nc_ids else "The model's licence"
    use = policy.context.use
    rule = "context:non-commercial-use"
    if use == "commercial":
        return [
            _reason(
                rule,
                Decision.DENY,
                f"{licence} permits non-commercial use only; the policy declares commercial use (context.use).",
            )
        ]
    if use == "internal":
        return [
            _reason(
                rule,
                Decision.REVIEW,
                f"{licence} permits non-commercial use only; the policy declares internal use, which may still be "
                "commercial use when it serves a business, so legal must review.",
            )
        ]
    return [
        _reason(
            rule,
            Decision.ALLOW,
            f"{licence} permits non-commercial use; the policy declares research use, so the class and licence "
            "rules decide.",
        )
    ]


def _obligation_reasons(model: ModelResult, policy: Policy, names: dict[str, str]) -> list[Reason]:
    reasons: list[Reason] = []
    seen: set[tuple[str, str]] = set()
    for attached in model.obligations:
        kind = attached.obligation.kind
        key = (kind, attached.license_id)
        if kind == "non-commercial" or key in seen:
            continue  # non-commercial is the use rule above; one reason per kind and licence
        seen.add(key)
        reasons.append(_obligation_reason(model, policy, attached, names.get(attached.license_id, attached.license_id)))
    return reasons


def _obligation_reason(model: ModelResult, policy: Policy, attached: AttachedObligation, licence: str) -> Reason:
    ob = attached.obligation
    ctx = policy.context
    summary = ob.summary.rstrip(".") + "."
    if ob.applies_to and ob.applies_to != "multimodal":
        applies: bool | None = None  # a scope licscan cannot test: never assume it does not apply
    else:
        applies = modality.is_multimodal(model.record) if ob.applies_to == "multimodal" else True
    if applies is False:
        return _reason(
            f"obligation:{ob.kind}" if ob.kind != "region-restriction" else "context:region-restriction",
            Decision.ALLOW,
            f"{licence}: {summary} It binds {ob.applies_to} models only, and {model.ref} is not one: "
            f"{modality.describe(model.record)}.",
        )
    if ob.kind == "user-threshold" and ob.threshold is not None and ctx.monthly_active_users is not None:
        return _threshold(
            "context:user-threshold", licence, summary, ob.threshold, ctx.monthly_active_users, "monthly active users"
        )
    if ob.kind == "revenue-threshold" and ob.threshold is not None and ctx.annual_revenue_usd is not None:
        return _threshold(
            "context:revenue-threshold", licence, summary, ob.threshold, ctx.annual_revenue_usd, "USD annual revenue"
        )
    if ob.kind == "region-restriction" and ob.regions and ctx.regions:
        return _region(model, licence, summary, ob.regions, ctx.regions, applies, ob.applies_to)
    if ob.kind in REDISTRIBUTION_KINDS and ctx.distribution == "hosted":
        return _reason(
            f"obligation:{ob.kind}",
            Decision.ALLOW,
            f"{licence}: {summary} It applies when the weights are handed over; the policy declares hosted "
            "distribution (context.distribution).",
        )
    if ob.kind in policy.accepted_obligations:
        return _reason(
            f"obligation:{ob.kind}",
            Decision.ALLOW,
            f"{licence}: {summary} The policy accepts obligations of kind {ob.kind} (obligations.accepted).",
        )
    missing = {
        "user-threshold": " The policy does not declare context.monthly_active_users.",
        "revenue-threshold": " The policy does not declare context.annual_revenue_usd.",
        "region-restriction": " The policy does not declare context.regions.",
    }.get(ob.kind, "")
    return _reason(
        f"obligation:{ob.kind}",
        Decision.REVIEW,
        f"{licence}: {summary}{missing} The policy has not accepted obligations of kind {ob.kind} "
        "(obligations.accepted), so legal must review.",
    )


def _threshold(rule: str, licence: str, summary: str, threshold: int, declared: int, unit: str) -> Reason:
    # Licences word these as "more than N" / "in excess of N": exactly N is still within the grant.
    if declared > threshold:
        return _reason(
            rule,
            Decision.DENY,
            f"{licence}: {summary} The policy declares {declared:,} {unit}, above the threshold of {threshold:,}.",
        )
    return _reason(
        rule,
        Decision.ALLOW,
        f"{licence}: {summary} The policy declares {declared:,} {unit}, within the threshold of {threshold:,}.",
    )


def _region(
    model: ModelResult,
    licence: str,
    summary: str,
    restricted: tuple[str, ...],
    ours: tuple[str, ...],
    applies: bool | None,
    scope: str | None,
) -> Reason:
    rule = "context:region-restriction"
    hit = overlap(ours, restricted)
    where = f"The policy offers the product in {', '.join(ours)} (context.regions)"
    if not hit:
        return _reason(rule, Decision.ALLOW, f"{licence}: {summary} {where}, outside {', '.join(restricted)}.")
    if applies is None:
        return _reason(
            rule,
            Decision.REVIEW,
            f"{licence}: {summary} {where}, {_within(hit, ours)}; licscan cannot tell whether "
            f"{model.ref} is a {scope or 'covered'} model ({modality.describe(model.record)}), so legal must review.",
        )
    return _reason(rule, Decision.DENY, f"{licence}: {summary} {where}, {_within(hit, ours)}.")


def _within(hit: tuple[str, ...], ours: tuple[str, ...]) -> str:
    if hit == ours:
        return "within the restricted region" if len(hit) == 1 else "all within the restricted regions"
    return f"and {', '.join(hit)} {'is' if len(hit) == 1 else 'are'} within the restricted region"


# -- findings and exceptions -----------------------------------------------------------


def _finding_reasons(model: ModelResult) -> list[Reason]:
    out = []
    for f in model.findings:
        if f.code in REVIEW_FINDINGS:
            why = REVIEW_FINDINGS[f.code].format(noun=_noun(model))
            out.append(_reason(f"finding:{f.code}", Decision.REVIEW, f"{why[0].upper()}{why[1:]} ({f.message})."))
    return out


def _training_data_reasons(model: ModelResult, policy: Policy) -> list[Reason]:
    """One reason per class of training data: the ``training_data:`` decision, naming each dataset and who named it.

    The model's class is untouched (the data's licence does not by itself bind the weights); this is
    the policy saying what a model trained on such data needs before it ships.
    """
    by_class: dict[LicenseClass, list[str]] = {}
    for entry in model.training_data:
        lic = entry.classification.license if entry.classification is not None else None
        what = entry.repo_id or repr(entry.value)
        detail = lic.id if lic is not None else ("not readable" if entry.classification is None else "no known licence")
        own = entry.declared_by.lower() == model.ref.repo_id.lower()
        origin = "" if own else f", named by base {entry.declared_by}"
        by_class.setdefault(entry.license_class, []).append(f"{what} ({detail}{origin})")
    reasons = []
    for cls in LicenseClass:
        if cls not in by_class:
            continue
        d = policy.training_data[cls]
        source = f"training_data.{cls}" if cls in policy.explicit_training_data else "licscan's default"
        listed = by_class[cls]
        shown = "; ".join(listed[:8]) + (f"; and {len(listed) - 8} more" if len(listed) > 8 else "")
        reasons.append(
            _reason(
                f"training-data:{cls}",
                d,
                f"{model.ref} names training data of class {cls}: {shown}. The data's licence does not change the "
                f"model's class; the policy {_VERB[d]} models trained on such data ({source}).",
            )
        )
    return reasons


def _exception_reason(rule: ExceptionRule, overridden: Decision, noun: str = "model") -> Reason:
    parts = [f"The policy exception for {rule}{_at(rule)} {_VERB[rule.decision]} this {noun}"]
    parts.append(f": {rule.reason.rstrip('.')}" if rule.reason else " (no reason given)")
    if rule.approved_by:
        parts.append(f"; approved by {rule.approved_by}")
    if rule.expires:
        parts.append(f"; valid until {rule.expires.isoformat()}")
    parts.append(f". It overrides the rules below, which give {overridden}.")
    return _reason("exception", rule.decision, "".join(parts))


def _at(rule: ExceptionRule) -> str:
    return f" (line {rule.line})" if rule.line else ""


def _reason(rule: str, decision: Decision, message: str) -> Reason:
    return Reason(rule=rule, decision=decision.value, message=message)
