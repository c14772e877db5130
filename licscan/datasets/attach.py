"""Conclusions about datasets (pure, given the fetched records).

``training_data`` reads the ``datasets:`` of a model's card and of every
base along its lineage and pairs each entry with what the scan fetched; the
findings say what legal must look at. The model's licence class never
changes because of its data: a dataset's licence does not by itself bind
the weights trained on it, and licscan must not pretend it does (the
policy's ``training_data:`` section decides what each data class does to
the verdict). ``dataset_result`` concludes about a dataset a manifest
lists, like a model without lineage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from licscan.datasets.card import training_claims
from licscan.text import clip
from licscan.types import (
    BaseModel,
    Classification,
    FetchErrorCode,
    FetchFailure,
    Finding,
    LicenseClass,
    ModelRecord,
    ModelRef,
    ModelResult,
    Severity,
    TrainingData,
)

Outcome = ModelRecord | FetchFailure
DatasetLookup = Callable[[str, str | None], Outcome | None]  # (repo id, revision) -> the fetch's outcome
ModelLookup = Callable[[str], Outcome | None]


def training_data(
    record: ModelRecord,
    bases: Iterable[BaseModel],
    models: ModelLookup,
    datasets: DatasetLookup,
    classify: Callable[[ModelRecord], Classification],
) -> tuple[tuple[TrainingData, ...], tuple[Finding, ...]]:
    """The training data the model and its bases name, nearest first, and a finding per entry to look at."""
    declarers = [record]
    for base in bases:
        outcome = models(base.repo_id) if base.revision else None
        if isinstance(outcome, ModelRecord):
            declarers.append(outcome)
    entries: list[TrainingData] = []
    for declarer in declarers:
        entries.extend(_entries(declarer, models, datasets, classify))
    findings = tuple(f for entry in entries for f in _findings(entry, record.repo_id))
    return tuple(entries), findings


def _entries(
    declarer: ModelRecord,
    models: ModelLookup,
    datasets: DatasetLookup,
    classify: Callable[[ModelRecord], Classification],
) -> list[TrainingData]:
    claims, problems = training_claims(declarer.card_data)
    out = [TrainingData(value="datasets", declared_by=declarer.repo_id, repo_id=None, failure=p) for p in problems]
    for claim in claims:
        if claim.repo_id is None:
            out.append(TrainingData(claim.value, declarer.repo_id, None, failure=claim.problem))
            continue
        outcome = datasets(claim.repo_id, claim.revision)
        if isinstance(outcome, ModelRecord):
            out.append(
                TrainingData(
                    claim.value,
                    declarer.repo_id,
                    claim.repo_id,
                    revision=outcome.sha,
                    classification=classify(outcome),
                    gated=outcome.gated,
                )
            )
            continue
        gated = isinstance(outcome, FetchFailure) and outcome.code is FetchErrorCode.GATED
        why = _why(claim.repo_id, outcome, models)
        out.append(TrainingData(claim.value, declarer.repo_id, claim.repo_id, gated=gated, failure=why))
    return out


def _why(repo_id: str, outcome: Outcome | None, models: ModelLookup) -> str:
    if not isinstance(outcome, FetchFailure):
        return "not fetched"
    if outcome.code in (FetchErrorCode.NOT_FOUND, FetchErrorCode.GATED) and isinstance(models(repo_id), ModelRecord):
        return f"{repo_id} is a model on the Hub, not a dataset"
    if outcome.code is FetchErrorCode.NOT_FOUND:
        return f"no dataset {repo_id} on the Hub: a free name, a private or deleted dataset, or a model id"
    return f"{outcome.code}: {clip(outcome.message, 200)}"


def _findings(entry: TrainingData, model: str) -> list[Finding]:
    named = entry.repo_id or repr(entry.value)
    who = "the model's card" if entry.declared_by.lower() == model.lower() else f"base model {entry.declared_by}"
    out: list[Finding] = []
    cls = entry.classification
    if cls is None:
        out.append(
            Finding(
                "training-data-unresolved",
                Severity.WARNING,
                f"{who} names training data {clip(named, 120)} that cannot be read ({entry.failure})",
            )
        )
    elif cls.license_class is LicenseClass.NON_COMMERCIAL:
        out.append(
            Finding(
                "training-data-non-commercial",
                Severity.WARNING,
                f"{who} names training data {named} under "
                f"{cls.license.id if cls.license else 'a non-commercial licence'} (non-commercial): it does not "
                "change the model's class, but legal must check what it allows",
            )
        )
    elif cls.license_class is LicenseClass.UNKNOWN:
        said = cls.expression or "no licence declared"
        out.append(
            Finding(
                "training-data-unknown",
                Severity.WARNING,
                f"{who} names training data {named} under no licence licscan knows ({clip(said, 80)})",
            )
        )
    if entry.gated:
        out.append(
            Finding(
                "training-data-gated",
                Severity.WARNING,
                f"{who} names training data {named}, gated on the Hub"
                f"{f' ({entry.gated})' if isinstance(entry.gated, str) else ''}: its access terms may add conditions",
            )
        )
    return out


def unfetched_result(ref: ModelRef, failure: FetchFailure | None) -> ModelResult:
    """What is concluded about an entry (model or dataset) whose metadata could not be fetched: nothing."""
    failure = failure or FetchFailure(FetchErrorCode.FETCH_FAILED, "not fetched")
    return ModelResult(
        ref=ref,
        revision=None,
        record=None,
        failure=failure,
        declared=Classification(None, LicenseClass.UNKNOWN, None),
        license=None,
        license_source=None,
        license_class=LicenseClass.UNKNOWN,
        findings=(Finding(failure.code.value, Severity.ERROR, failure.message),),
    )


def dataset_result(
    ref: ModelRef, outcome: Outcome | None, classify: Callable[[ModelRecord], Classification]
) -> ModelResult:
    """Everything concluded about a dataset a manifest lists: its licence, obligations and findings."""
    from licscan.lineage import chain_obligations

    if not isinstance(outcome, ModelRecord):
        return unfetched_result(ref, outcome)
    declared = classify(outcome)
    findings = declared.findings
    if outcome.gated:
        findings += (
            Finding(
                "dataset-gated",
                Severity.WARNING,
                f"{ref} is gated on the Hub ({outcome.gated}): each user accepts its access terms, which may "
                "add conditions to its licence",
            ),
        )
    return ModelResult(
        ref=ref,
        revision=outcome.sha,
        record=outcome,
        failure=None,
        declared=declared,
        license=declared.license,
        license_source=ref.repo_id if declared.license is not None else None,
        license_class=declared.license_class,
        obligations=chain_obligations(declared, ()),
        evidence=declared.evidence,
        findings=findings,
    )
