"""The openness grade of one model, from evidence, never rounded up (pure).

``grade`` turns what the scan already knows of a model (its record, its
effective licence, the training data its card names, and, with
``--openness-refs``, its branches) into one state per MOF component;
``finish`` derives the level, what blocks the next one, the MOF class and
the OSAID reading from the components alone, so that attestations
(``licscan.openness.attest``) re-grade by replacing components and
finishing again.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from licscan.intern import shared
from licscan.openness import evidence as ev
from licscan.openness.licences import PHRASE, open_basis
from licscan.openness.model import (
    ABSENT,
    ARCHITECTURE,
    CLASS_I,
    CLASS_II,
    CLASS_III,
    COMPONENTS,
    DATA_CARD,
    DATASETS,
    EVALUATION_RESULTS,
    INTERMEDIATE_CHECKPOINTS,
    LEVEL_NEEDS,
    LEVEL_UNKNOWN,
    LEVELS,
    MODEL_CARD,
    OPEN,
    OPEN_MODEL,
    OPEN_WEIGHTS,
    OSAID_FAILS,
    OSAID_UNDETERMINED,
    REQUIRED,
    RESEARCH_PAPER,
    RESTRICTED,
    RESTRICTED_WEIGHTS,
    TECHNICAL_REPORT,
    UNKNOWN,
    WEIGHTS,
    Attestation,
    Block,
    Component,
    Openness,
)
from licscan.text import clip
from licscan.types import FetchErrorCode, FetchFailure, License, LicenseClass, ModelRecord, ModelResult, RepoRefs


@dataclass(frozen=True)
class GradeContext:
    """Facts about the run that change a reason code, never a state."""

    token: bool = False  # a Hugging Face token was sent (gated: no token vs. no access)
    offline: bool = False  # the source is a snapshot or the cache alone


@dataclass(frozen=True)
class TrainingEntry:
    """One ``datasets:`` entry of the model's own card, as the grade needs it (built from the scan's training data).

    ``license`` is the dataset's licence when it could be read; ``fetch_code`` and ``fetch_message`` the
    fetch failure's when it could not; ``has_card`` whether the dataset lists a README.md.
    """

    value: str
    repo_id: str | None
    license: License | None = None
    license_class: LicenseClass = LicenseClass.UNKNOWN
    resolved: bool = False
    has_card: bool = False
    gated: str | bool = False
    failure: str | None = None
    fetch_code: str | None = None
    fetch_message: str | None = None


Refs = RepoRefs | FetchFailure


def grade(
    model: ModelResult,
    training: Sequence[TrainingEntry] | None,
    refs: Refs | None = None,
    context: GradeContext = GradeContext(),
) -> Openness:
    """Every component of ``model`` from what the scan read. ``training`` None: the scan read no dataset
    metadata; ``refs`` None: branches were not listed (no ``--openness-refs``)."""
    record = model.record
    if record is None:
        reason, why = _failure_reason(model.failure, context)
        return finish(tuple(Component(name, UNKNOWN, reason, why) for name in COMPONENTS))
    repo_licence = model.declared.license if model.declared.license is not None else model.license
    repo_class = model.declared.license_class if model.declared.license is not None else model.license_class
    parts = {
        WEIGHTS: _weights(record, model.license, model.license_class, model.license_source, model.ref.repo_id),
        ARCHITECTURE: _architecture(record, repo_licence, repo_class),
        MODEL_CARD: _model_card(record, repo_licence, repo_class),
        EVALUATION_RESULTS: _evaluation(record, repo_licence, repo_class),
        DATA_CARD: _data_card(record, training, context),
        TECHNICAL_REPORT: _technical_report(record),
        DATASETS: _datasets(record, training, context),
        INTERMEDIATE_CHECKPOINTS: _checkpoints(record, refs, repo_licence, repo_class, context),
        RESEARCH_PAPER: _research_paper(record),
    }
    return finish(tuple(parts.get(name) or _not_on_hub(name) for name in COMPONENTS))


# -- levels, blocks, class, OSAID -------------------------------------------------------------------------


def finish(components: tuple[Component, ...]) -> Openness:
    """The level, blocks, MOF class and OSAID reading that ``components`` evidence.

    A pure function of the components' fields, worked out once per distinct grading: a scan of thousands
    of models grades most of them alike. The cache is keyed by a plain tuple of the fields, since hashing
    the nested dataclasses themselves runs in Python and costs more than the grading."""
    return _graded(tuple((c.name, c.state, c.reason, c.evidence, c.attested) for c in components))


@functools.lru_cache(maxsize=4096)
def _graded(fields: tuple[tuple[str, str, str | None, str, Attestation | None], ...]) -> Openness:
    return _finish(tuple(shared(Component(*f)) for f in fields))  # components shared across gradings too


def _finish(components: tuple[Component, ...]) -> Openness:
    by = {c.name: c for c in components}
    weights = by[WEIGHTS]
    level = LEVEL_UNKNOWN
    if _weights_exist(weights):
        level = RESTRICTED_WEIGHTS
        if all(by[c].state == OPEN for c in LEVEL_NEEDS[OPEN_WEIGHTS]):
            level = OPEN_WEIGHTS
            if all(by[c].state == OPEN for c in LEVEL_NEEDS[OPEN_MODEL]):
                level = OPEN_MODEL
    mof_class = None
    for cls in (CLASS_III, CLASS_II, CLASS_I):
        if not all(by[c].state == OPEN for c in REQUIRED[cls]):
            break
        mof_class = cls
    blocks = _blocks(level, mof_class, by)
    if weights.state == RESTRICTED:
        osaid, why = OSAID_FAILS, f"the weights are not under an open licence ({weights.evidence})"
    else:
        osaid = OSAID_UNDETERMINED
        why = (
            "OSAID 1.0 also needs the training code and the data information under OSI-approved terms, which "
            "the Hub does not show; licscan never says a model meets it"
        )
    return Openness(level, components, tuple(map(shared, blocks)), osaid, why, mof_class)


def _weights_exist(weights: Component) -> bool:
    return weights.state in (OPEN, RESTRICTED) or (weights.state == UNKNOWN and weights.reason == "LICENSE_UNKNOWN")


_STATE_WORDS = {RESTRICTED: "not openly licensed", ABSENT: "absent", UNKNOWN: "undetermined"}


def _blocks(level: str, mof_class: str | None, by: dict[str, Component]) -> tuple[Block, ...]:
    needed: tuple[str, ...]
    if level == LEVEL_UNKNOWN:
        target, needed = RESTRICTED_WEIGHTS, (WEIGHTS,)
    elif level != OPEN_MODEL:
        target = LEVELS[LEVELS.index(level) + 1]
        needed = LEVEL_NEEDS[target]
    else:
        nxt = CLASS_II if mof_class == CLASS_III else CLASS_I if mof_class == CLASS_II else None
        if nxt is None:
            return ()
        target = f"class-{nxt}"
        needed = REQUIRED[nxt]
    out = []
    for name in needed:
        c = by[name]
        if c.state == OPEN:
            continue
        detail = f"{c.reason}: {c.evidence}" if c.reason and c.evidence else c.reason or c.evidence
        out.append(
            Block(target, name, c.state, c.reason, f"cannot reach {target}: {name} {_STATE_WORDS[c.state]} ({detail})")
        )
    return tuple(out)


# -- components ------------------------------------------------------------------------------------------


def _failure_reason(failure: FetchFailure | None, context: GradeContext) -> tuple[str, str]:
    if failure is None:
        return "FETCH_FAILED", "the model was not fetched"
    message = clip(failure.message, 200)
    if failure.code is FetchErrorCode.GATED:
        return ("GATED_NO_ACCESS" if context.token else "GATED_NO_TOKEN"), message
    if _missing_offline(failure, context):
        return "OFFLINE", message
    if failure.code is FetchErrorCode.NOT_FOUND:
        return "NOT_FOUND", message
    return "FETCH_FAILED", message


def _missing_offline(failure: FetchFailure, context: GradeContext) -> bool:
    """An offline source that does not hold the answer (as opposed to a failure it recorded when it was made,
    which keeps its own code). The wording is that of licscan's own snapshot and cache sources."""
    return context.offline and ("not in the snapshot" in failure.message or "not in cache" in failure.message)


def _licence_state(lic: License | None, cls: LicenseClass, what: str) -> tuple[str, str | None, str]:
    """(state, reason, evidence) of something present under ``lic``."""
    if lic is None or cls is LicenseClass.UNKNOWN:
        return UNKNOWN, "LICENSE_UNKNOWN", f"{what}; its licence could not be identified"
    basis = open_basis(lic)
    if basis is not None:
        return OPEN, None, f"{what}; {lic.id} is {PHRASE[basis]}"
    if lic.family and cls in (LicenseClass.PERMISSIVE, LicenseClass.COPYLEFT):
        return UNKNOWN, "LICENSE_UNKNOWN", f"{what}; {lic.id} names a family of licences, not which one"
    return RESTRICTED, "LICENSE_NOT_OPEN", f"{what}; {lic.id} ({cls}) is not an open licence"


def _weights(
    record: ModelRecord, lic: License | None, cls: LicenseClass, source: str | None, repo_id: str
) -> Component:
    files = ev.weight_files(record)
    if not files:
        listed = f"none of the {len(record.siblings)} files the repo lists is a weight file"
        return Component(WEIGHTS, ABSENT, "NO_WEIGHT_FILES", listed)
    what = ev.summarise_files(files)
    if lic is not None and source and source.lower() != repo_id.lower():
        what += f" under {lic.id}, inherited from {source}"
    state, reason, text = _licence_state(lic, cls, what)
    return Component(WEIGHTS, state, reason, text)


def _architecture(record: ModelRecord, lic: License | None, cls: LicenseClass) -> Component:
    found = ev.architecture(record)
    named = f" ({', '.join(found.architectures[:3])})" if found.architectures else ""
    if found.remote_elsewhere:
        return Component(
            ARCHITECTURE,
            UNKNOWN,
            "REMOTE_CODE_ELSEWHERE",
            f"config.auto_map loads code from another repo: {clip(', '.join(found.remote_elsewhere[:2]), 200)}",
        )
    if found.remote_code:
        what = f"remote code in the repo (auto_map: {clip(', '.join(found.remote_code[:3]), 160)}){named}"
        state, reason, text = _licence_state(lic, cls, what + ", under the repo's licence")
        return Component(ARCHITECTURE, state, reason, text)
    if found.library is None:
        detail = f"config.architectures names {', '.join(found.architectures[:3])}, but no library" if named else ""
        return Component(ARCHITECTURE, UNKNOWN, "NO_ARCHITECTURE_INFO", detail or "no library_name, config or tag")
    if found.library_licence is None:
        return Component(
            ARCHITECTURE, UNKNOWN, "LIBRARY_NOT_REVIEWED", f"library_name {clip(found.library, 60)}{named}"
        )
    return Component(
        ARCHITECTURE, OPEN, None, f"{found.library} ({found.library_licence}, OSI-approved) implements it{named}"
    )


def _model_card(record: ModelRecord, lic: License | None, cls: LicenseClass) -> Component:
    card = ev.model_card(record)
    if not card.listed:
        return Component(MODEL_CARD, ABSENT, "NO_MODEL_CARD", "README.md is not among the repo's files")
    keys = f"metadata: {', '.join(card.metadata_keys[:6])}" if card.metadata_keys else "no metadata"
    if card.template and card.words is not None:
        template = "README.md is the Trainer's template ('More information needed')"
        return Component(MODEL_CARD, ABSENT, "CARD_EMPTY", f"{template}; {keys}")
    if card.words is None:
        # Without the text there is no telling a written card from a bare metadata block: licscan reads a
        # card only when the licence or the lineage needs it, and the grade costs no request of its own.
        template = " (generated_from_trainer: a Trainer template)" if card.template else ""
        text = f"README.md is listed with {keys}{template}; its text was not read"
        return Component(MODEL_CARD, UNKNOWN, "CARD_NOT_READ", text)
    if card.words < 20:
        return Component(MODEL_CARD, ABSENT, "CARD_EMPTY", f"README.md has {card.words} words of text; {keys}")
    what = f"README.md, {card.words} words; {keys}"
    state, reason, text = _licence_state(lic, cls, what)
    return Component(MODEL_CARD, state, reason, text)


def _evaluation(record: ModelRecord, lic: License | None, cls: LicenseClass) -> Component:
    found = ev.evaluation(record.card_data)
    if found is None:
        return Component(EVALUATION_RESULTS, UNKNOWN, "NO_EVAL_RESULTS", "the card has no model-index")
    if found.problem:
        return Component(EVALUATION_RESULTS, UNKNOWN, "NO_EVAL_RESULTS", found.problem)
    what = f"model-index: {found.results} result{'s' if found.results != 1 else ''}, {found.metrics} metric values"
    state, reason, text = _licence_state(lic, cls, f"{what} (e.g. {found.example})")
    return Component(EVALUATION_RESULTS, state, reason, text)


def _technical_report(record: ModelRecord) -> Component:
    found = ev.arxiv(record)
    if found.papers:
        ids = ", ".join(f"arXiv:{p}" for p in found.papers[:3])
        return Component(
            TECHNICAL_REPORT, OPEN, None, f"{ids} linked from the card (the paper and its licence are not read)"
        )
    if found.placeholders:
        return Component(
            TECHNICAL_REPORT,
            UNKNOWN,
            "ARXIV_PLACEHOLDER",
            f"arXiv:{found.placeholders[0]} is not a valid arXiv id (a template's placeholder)",
        )
    if found.methods:
        names = "; ".join(f"arXiv:{p} ({ev.METHOD_PAPERS[p]})" for p in found.methods[:3])
        return Component(TECHNICAL_REPORT, UNKNOWN, "ARXIV_METHOD_PAPER", f"only method papers are linked: {names}")
    return Component(TECHNICAL_REPORT, UNKNOWN, "NO_TECHNICAL_REPORT", "no arxiv: tag")


def _research_paper(record: ModelRecord) -> Component:
    found = ev.arxiv(record)
    if found.papers:
        return Component(
            RESEARCH_PAPER,
            UNKNOWN,
            "PAPER_LICENSE_UNKNOWN",
            f"arXiv:{found.papers[0]} is linked; arXiv's default licence is not an open one, and the paper's "
            "own licence is not on the Hub",
        )
    return _not_on_hub(RESEARCH_PAPER)


def _entry_reason(entry: TrainingEntry, context: GradeContext) -> str:
    if entry.fetch_code == FetchErrorCode.GATED.value:
        return "GATED_NO_ACCESS" if context.token else "GATED_NO_TOKEN"
    if entry.fetch_code is not None and _missing_offline(
        FetchFailure(FetchErrorCode(entry.fetch_code), entry.fetch_message or ""), context
    ):
        return "OFFLINE"
    return "DATASET_UNRESOLVED"


def _named(entry: TrainingEntry) -> str:
    return clip(entry.repo_id or entry.value, 80)


def _no_data(record: ModelRecord, training: Sequence[TrainingEntry] | None, name: str) -> Component | None:
    """The component when the card names no training data, or the scan read none; None otherwise."""
    declared = record.card_data.get("datasets") if isinstance(record.card_data, dict) else None
    if training is None:
        if declared in (None, "", []):
            return Component(name, UNKNOWN, "NO_DATASETS_FIELD", "the card has no datasets: field")
        named = ", ".join(str(d) for d in declared) if isinstance(declared, list) else str(declared)
        return Component(name, UNKNOWN, "DATASETS_NOT_READ", f"the card names {clip(named, 120)}")
    if not training:
        return Component(name, UNKNOWN, "NO_DATASETS_FIELD", "the card has no datasets: field")
    return None


def _unread_data(
    record: ModelRecord, training: Sequence[TrainingEntry] | None, name: str, context: GradeContext
) -> Component | None:
    """The data component when the card names no data, the scan read none, or an entry could not be read."""
    missing = _no_data(record, training, name)
    if missing is not None or training is None:
        return missing or _not_on_hub(name)
    unresolved = [e for e in training if not e.resolved]
    if unresolved:
        first = unresolved[0]
        names = ", ".join(_named(e) for e in unresolved[:4])
        return Component(name, UNKNOWN, _entry_reason(first, context), f"{names}: {clip(first.failure, 160)}")
    return None


def _data_card(record: ModelRecord, training: Sequence[TrainingEntry] | None, context: GradeContext) -> Component:
    unread = _unread_data(record, training, DATA_CARD, context)
    if unread is not None or training is None:
        return unread or _not_on_hub(DATA_CARD)
    no_card = [e for e in training if not e.has_card]
    if no_card:
        names = ", ".join(_named(e) for e in no_card[:4])
        return Component(DATA_CARD, ABSENT, "DATASET_NO_CARD", f"no README.md in {names}")
    names = ", ".join(_named(e) for e in training[:4]) + (f" and {len(training) - 4} more" if len(training) > 4 else "")
    return Component(DATA_CARD, OPEN, None, f"every training dataset has a card: {names}")


def _datasets(record: ModelRecord, training: Sequence[TrainingEntry] | None, context: GradeContext) -> Component:
    unread = _unread_data(record, training, DATASETS, context)
    if unread is not None or training is None:
        return unread or _not_on_hub(DATASETS)
    closed = [e for e in training if e.license is not None and e.license_class is not LicenseClass.UNKNOWN
              and open_basis(e.license) is None and not e.license.family]
    if closed:
        names = ", ".join(f"{_named(e)} ({e.license.id if e.license else '?'})" for e in closed[:4])
        return Component(DATASETS, RESTRICTED, "DATASET_LICENSE_NOT_OPEN", f"not under an open licence: {names}")
    unknown = [e for e in training if e.license is None or open_basis(e.license) is None]
    if unknown:
        names = ", ".join(f"{_named(e)} ({e.license.id if e.license else 'no licence identified'})"
                          for e in unknown[:4])
        return Component(DATASETS, UNKNOWN, "DATASET_LICENSE_UNKNOWN", names)
    gated = [e for e in training if e.gated]
    names = ", ".join(f"{_named(e)} ({e.license.id if e.license else '?'})" for e in training[:4])
    note = f"; gated on the Hub: {', '.join(_named(e) for e in gated[:3])}" if gated else ""
    return Component(DATASETS, OPEN, None, f"open-data or OSI licences: {names}{note}")


def _checkpoints(
    record: ModelRecord, refs: Refs | None, lic: License | None, cls: LicenseClass, context: GradeContext
) -> Component:
    folders = ev.checkpoint_folders(ev.weight_files(record))
    branches = ev.checkpoint_refs(refs.branches) if isinstance(refs, RepoRefs) else []
    if folders or branches:
        found = [_count(branches, "branch", "branches")] if branches else []
        if folders:
            found.append(_count(folders, "folder", "folders"))
        state, reason, text = _licence_state(lic, cls, "checkpoints in the repo: " + "; ".join(found))
        return Component(INTERMEDIATE_CHECKPOINTS, state, reason, text)
    if refs is None:
        return Component(INTERMEDIATE_CHECKPOINTS, UNKNOWN, "REFS_NOT_READ", "no checkpoint-* folder among the files")
    if isinstance(refs, FetchFailure):
        reason = "OFFLINE" if _missing_offline(refs, context) else "REFS_UNREADABLE"
        return Component(INTERMEDIATE_CHECKPOINTS, UNKNOWN, reason, clip(refs.message, 200))
    return Component(
        INTERMEDIATE_CHECKPOINTS,
        UNKNOWN,
        "NO_CHECKPOINT_BRANCHES",
        f"{len(refs.branches)} branch{'es' if len(refs.branches) != 1 else ''}, none named like a training step",
    )


def _count(names: list[str], one: str, many: str) -> str:
    return f"{len(names)} {one if len(names) == 1 else many} ({clip(', '.join(names[:3]), 120)})"




def _not_on_hub(name: str) -> Component:
    """A component the Hub holds no evidence for (training code, evaluation data, ...): only an attestation fills it."""
    return _NOT_ON_HUB[name]


_NOT_ON_HUB = {name: Component(name, UNKNOWN, "NOT_ON_HUB", "") for name in COMPONENTS}
