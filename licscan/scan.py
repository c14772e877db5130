"""Run a scan: fetch every model, its bases and the files that decide them, then classify (pure), in order.

Fetching streams: a model's bases and files are asked for as soon as the answer naming them arrives,
not after a wave of other fetches, so a deep lineage costs its depth in round trips and one slow answer
holds up nothing else. Every decision about what to fetch is made on the calling thread (no shared state,
no locks); worker threads only run the source's requests, at most ``limiter.limit()`` at a time. Each
repo (and each file of a commit) is fetched once per run, whatever number of models share it. The
datasets a card names (``datasets:``) are asked for as soon as the record naming them lands, and each
dataset, like each model, is fetched once per run whatever number of cards name it.
"""

from __future__ import annotations

import datetime as _dt
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from licscan import __version__
from licscan.classify import classify_card
from licscan.concurrency import AUTO_CAP, limiter_for
from licscan.datasets.attach import dataset_result, training_data, unfetched_result
from licscan.datasets.card import dataset_licence_card, training_claims
from licscan.licensedb import LicenseDB
from licscan.lineage import MAX_DEPTH, BaseClaim, Plan, chain_obligations, effective_license, plan, resolve_lineage
from licscan.lineage.claims import UpstreamLike, searches_lineage
from licscan.sources.base import MetadataSource, NotCached, SourceError, behind_view, local_view
from licscan.text import clip
from licscan.textscan import README, classify_with_texts, licence_files, needs_text, text_files, weights_scope
from licscan.types import (
    DATASET,
    BaseModel,
    Classification,
    Evidence,
    FetchErrorCode,
    FetchFailure,
    Finding,
    LicenseClass,
    ModelRecord,
    ModelRef,
    ModelResult,
    RepoRefs,
    ScanResult,
    Severity,
    TrainingData,
)
from licscan.workers import Workers

if TYPE_CHECKING:
    from licscan.openness import GradeContext, TrainingEntry

Progress = Callable[[int, int, str], None]
# Declared classes whose licence files are read when the model names no base (see Fetcher._follow).
CHECKED_CLASSES = frozenset({LicenseClass.PERMISSIVE, LicenseClass.COPYLEFT})
Outcome = ModelRecord | FetchFailure
_Answer = Outcome | RepoRefs | str  # what a worker hands back: a record, refs, a file's text or a failure
Key = tuple[str, str | None]  # (repo id in lower case, requested revision)
TrainingOut = tuple[tuple[TrainingData, ...], tuple[Finding, ...]]
# (model record, its bases) -> its training data and their findings (licscan.datasets.attach.training_data)
Training = Callable[[ModelRecord, tuple[BaseModel, ...]], TrainingOut]


class Limiter(Protocol):
    """How many requests may be in flight, told how each went (``licscan.concurrency``)."""

    def limit(self) -> int: ...

    def record(self, seconds: float, ok: bool) -> None: ...

    def throttled(self) -> None: ...


@dataclass(frozen=True)
class _ModelTask:
    key: Key
    repo_id: str
    revision: str | None


@dataclass(frozen=True)
class _FileTask:
    record_key: str
    record: ModelRecord
    filename: str


@dataclass(frozen=True)
class _DatasetTask:
    key: Key
    repo_id: str
    revision: str | None


@dataclass(frozen=True)
class _RefsTask:
    """``--openness-refs``: the branches of a manifest's model (one request, never for bases)."""

    record_key: str
    record: ModelRecord


_Task = _ModelTask | _FileTask | _DatasetTask | _RefsTask
_LOOKUP_KINDS = {"_ModelTask": "model_info", "_FileTask": "files", "_RefsTask": "refs", "_DatasetTask": "dataset_info"}


def record_key(record: ModelRecord) -> str:
    prefix = "datasets/" if record.repo_type == DATASET else ""  # a dataset may share a model's id
    return f"{prefix}{record.repo_id.lower()}@{record.sha}"


def _norm(repo_id: str, revision: str | None) -> Key:
    return (repo_id.lower(), revision)


class Fetcher:
    """Fetches what a scan needs, streaming follow-ups as answers arrive; each model and file once."""

    def __init__(
        self,
        source: MetadataSource,
        db: LicenseDB,
        *,
        limiter: Limiter,
        progress: Progress | None = None,
        verify_text: bool = False,
        upstreams: UpstreamLike | None = None,
        max_depth: int = MAX_DEPTH,
        max_workers: int = 64,
        openness_refs: bool = False,
    ) -> None:
        self.source = source
        self.db = db
        self.limiter = limiter
        self.progress = progress
        self.verify_text = verify_text
        self.upstreams = upstreams
        self.max_depth = max_depth
        self.max_workers = max_workers
        self.openness_refs = openness_refs
        self._remote: MetadataSource = source  # what worker threads ask (``run`` sets it)
        self.refs: dict[str, RepoRefs | FetchFailure] = {}  # record key -> branches, for the openness grade
        self.lookups: dict[str, int] = {}  # answers by kind (the Hub's or the cache's): the scan's cost
        self.outcomes: dict[Key, Outcome] = {}
        self.dataset_outcomes: dict[Key, Outcome] = {}
        self.depth: dict[Key, int] = {}
        self.texts: dict[str, dict[str, str]] = {}
        self.unread: dict[str, dict[str, FetchFailure]] = {}
        self.attempted: dict[str, set[str]] = {}
        self._pending_files: dict[str, int] = {}
        self._final: dict[Key, Outcome] = {}  # outcomes with their files, once the run is over
        self._final_datasets: dict[Key, Outcome] = {}
        self.dataset_commits: dict[tuple[str, str | None], ModelRecord] = {}  # (dataset id lower, sha) -> record
        self._record_keys: dict[str, Key] = {}  # record key -> the outcome key it was first fetched as
        self._cards: dict[str, Classification] = {}
        self._final_plans: dict[str, Plan] = {}
        self._plans: dict[tuple[str, frozenset[str], frozenset[str]], Plan] = {}
        # Follow-ups (bases, files, datasets, refs) go ahead of manifest entries not yet asked for: a base
        # or licence file is asked for as soon as the answer naming it arrives, not behind every entry of
        # a 20,000-model manifest (which made the follow-ups one last wave).
        self._queue: deque[_Task] = deque()
        self._roots: deque[_Task] = deque()  # the manifest's entries (``run`` moves them here)
        self._scheduled: set[Key] = set()
        self._datasets_scheduled: set[Key] = set()
        self._done = 0
        self._total = 0

    # -- what to fetch ---------------------------------------------------------------------------

    def want_model(self, repo_id: str, revision: str | None, depth: int) -> None:
        key = _norm(repo_id, revision)
        if key in self._scheduled:
            if depth < self.depth.get(key, depth):
                self.depth[key] = depth  # reached by a shorter path: its bases may now be in range
                outcome = self.outcomes.get(key)
                if isinstance(outcome, ModelRecord):
                    self._advance(key, outcome)
            return
        self._scheduled.add(key)
        self.depth[key] = depth
        self._push(_ModelTask(key, repo_id, revision))

    def want_dataset(self, repo_id: str, revision: str | None) -> None:
        key = _norm(repo_id, revision)
        if key not in self._datasets_scheduled:
            self._datasets_scheduled.add(key)
            self._push(_DatasetTask(key, repo_id, revision))

    def from_card(self, record: ModelRecord) -> Classification:
        """The card's own classification (memoised: it is asked for at every step of a record)."""
        rkey = record_key(record)
        if rkey not in self._cards:
            self._cards[rkey] = classify_repo_card(self.db, record)
        return self._cards[rkey]

    def with_files(self, record: ModelRecord) -> ModelRecord:
        files = self.texts.get(record_key(record))
        return replace(record, files={**record.files, **files}) if files else record

    def lineage_plan(self, record: ModelRecord) -> Plan:
        rkey = record_key(record)
        attempted = frozenset(self.attempted.get(rkey, ()))
        # The plan depends only on the record, the files read so far and those asked for: asked again
        # for every step of a record, and once per model for every base it shares, it is worked out once.
        memo_key = (rkey, attempted, frozenset(self.texts.get(rkey, ())))
        found = self._plans.get(memo_key)
        if found is None:
            current = self.with_files(record)
            found = plan(current, self.from_card(record).license_class, self.upstreams, attempted)
            self._plans[memo_key] = found
        return found

    def _advance(self, key: Key, record: ModelRecord) -> None:
        """``_follow``, isolated: a bug on one record must not stop the scan (build_result reports it)."""
        try:
            self._follow(key, record)
        except Exception:  # the same error is raised again, per model, by build_result, which reports it
            return

    def _follow(self, key: Key, record: ModelRecord) -> None:
        """Ask for the files ``record`` still needs, and the bases it names, now."""
        rkey = record_key(record)
        self._record_keys.setdefault(rkey, key)
        current = self.with_files(record)
        declared = self.from_card(record)
        if record.repo_type == DATASET:  # a dataset has no lineage: its licence texts are all it needs
            texts = list(text_files(current)) if needs_text(declared, self.verify_text) else []
            self._want_files(rkey, record, texts)
            return
        if needs_text(declared, self.verify_text):
            wanted = list(text_files(current))
        elif declared.license_class in CHECKED_CLASSES and searches_lineage(
            record, declared.license_class, self.upstreams
        ):
            # A permissive model that names no base has its card read for its lineage; its licence
            # files are read too, so a "MIT" whose LICENSE adds a non-commercial clause is caught.
            wanted = licence_files(current)
        else:
            wanted = []
        steps = self.lineage_plan(record)
        wanted += steps.files
        self._want_files(rkey, record, wanted)
        depth = self.depth.get(key, 0)
        for claim in steps.claims:
            if claim.repo_id is not None and depth + 1 <= self.max_depth:
                self.want_model(claim.repo_id, None, depth + 1)

    def _want_files(self, rkey: str, record: ModelRecord, wanted: list[str]) -> None:
        attempted = self.attempted.setdefault(rkey, set())
        new = [name for name in dict.fromkeys(wanted) if name not in attempted]
        for name in new:
            attempted.add(name)
            self._pending_files[rkey] = self._pending_files.get(rkey, 0) + 1
            self._push(_FileTask(rkey, record, name))

    def _want_training_data(self, record: ModelRecord) -> None:
        """The datasets the card names, asked for now (each once per run, whatever number of cards name it)."""
        claims, _ = training_claims(record.card_data)
        for claim in claims:
            if claim.repo_id is not None:
                self.want_dataset(claim.repo_id, claim.revision)

    # -- running -----------------------------------------------------------------------------------

    def run(self, refs: Iterable[ModelRef]) -> None:
        for ref in refs:
            if ref.repo_type == DATASET:
                self.want_dataset(ref.repo_id, ref.revision)
            else:
                self.want_model(ref.repo_id, ref.revision, 0)
        self._roots, self._queue = self._queue, deque()
        workers: Workers[_Task, _Answer] = Workers(self._execute, self.max_workers)
        local = local_view(self.source)
        # What the local part lacks is fetched without asking it again (``base.behind_view``).
        self._remote = (behind_view(self.source) if local is not None else None) or self.source
        in_flight = 0
        try:
            while self._queue or self._roots or in_flight:
                while (self._queue or self._roots) and in_flight < self.limiter.limit():
                    task = (self._queue or self._roots).popleft()
                    if local is not None:  # what the cache holds is answered here, with no thread hand-off
                        try:
                            found = self._ask(local, task)
                        except NotCached:
                            pass
                        else:
                            self._land(task, found)
                            continue
                    in_flight += 1
                    workers.submit(task, in_flight)
                if not in_flight:
                    continue
                task, seconds, result = workers.answer()
                in_flight -= 1
                if isinstance(result, BaseException):
                    raise result
                self.limiter.record(seconds, not isinstance(result, FetchFailure))
                self._land(task, result)
        finally:
            workers.close()

    def _execute(self, task: _Task) -> _Answer:
        return self._ask(self._remote, task)

    @staticmethod
    def _ask(source: MetadataSource, task: _Task) -> _Answer:
        try:
            if isinstance(task, _ModelTask):
                return source.fetch(task.repo_id, task.revision)
            if isinstance(task, _DatasetTask):
                return source.fetch_dataset(task.repo_id, task.revision)
            if isinstance(task, _RefsTask):
                return source.fetch_refs(task.record)
            return source.fetch_file(task.record, task.filename)
        except SourceError as exc:
            return exc.failure

    def _land(self, task: _Task, result: _Answer) -> None:
        self._done += 1
        kind = _LOOKUP_KINDS.get(type(task).__name__, type(task).__name__)
        self.lookups[kind] = self.lookups.get(kind, 0) + 1
        if isinstance(task, _ModelTask):
            label = f"{task.repo_id}@{task.revision or 'main'}"
            assert isinstance(result, (ModelRecord, FetchFailure))
            self.outcomes[task.key] = result
            if isinstance(result, ModelRecord):
                self._want_training_data(result)
                if self.openness_refs and self.depth.get(task.key) == 0 and record_key(result) not in self.refs:
                    self.refs[record_key(result)] = FetchFailure(FetchErrorCode.FETCH_FAILED, "not fetched")
                    self._push(_RefsTask(record_key(result), result))
                self._advance(task.key, result)
        elif isinstance(task, _DatasetTask):
            label = f"datasets/{task.repo_id}@{task.revision or 'main'}"
            assert isinstance(result, (ModelRecord, FetchFailure))
            self.dataset_outcomes[task.key] = result
            if isinstance(result, ModelRecord):
                self.dataset_commits[(result.repo_id.lower(), result.sha)] = result
                self._advance(task.key, result)
        elif isinstance(task, _RefsTask):
            label = f"{task.record.repo_id} refs"
            assert isinstance(result, (RepoRefs, FetchFailure))
            self.refs[task.record_key] = result
        else:
            label = f"{task.record.repo_id}/{task.filename}"
            if isinstance(result, FetchFailure):
                self.unread.setdefault(task.record_key, {})[task.filename] = result
            elif isinstance(result, str):
                self.texts.setdefault(task.record_key, {})[task.filename] = result
            self._pending_files[task.record_key] -= 1
            if self._pending_files[task.record_key] == 0:
                key = self._record_keys[task.record_key]
                self._advance(key, task.record)
        if self.progress:
            self.progress(self._done, self._total, label)

    def _push(self, task: _Task) -> None:
        self._total += 1
        self._queue.append(task)

    # -- results -----------------------------------------------------------------------------------

    def final_plan(self, record: ModelRecord) -> Plan:
        """The lineage plan once fetching is over (memoised: a base shared by many models is asked often)."""
        rkey = record_key(record)
        found = self._final_plans.get(rkey)
        if found is None:
            found = self._final_plans[rkey] = self.lineage_plan(record)
        return found

    def final(self, key: Key) -> Outcome | None:
        """Once the run is over: the outcome fetched as ``key`` with its files, one object per key however
        many results share it (made when first asked for, not for every repo the run fetched)."""
        return self._with_files_once(key, self.outcomes, self._final)

    def final_dataset(self, key: Key) -> Outcome | None:
        return self._with_files_once(key, self.dataset_outcomes, self._final_datasets)

    def _with_files_once(self, key: Key, outcomes: dict[Key, Outcome], done: dict[Key, Outcome]) -> Outcome | None:
        found = done.get(key)
        if found is None:
            outcome = outcomes.get(key)
            if outcome is None:
                return None
            found = done[key] = self.with_files(outcome) if isinstance(outcome, ModelRecord) else outcome
        return found


def classify_repo_card(db: LicenseDB, record: ModelRecord) -> Classification:
    """A repo's card classification; a dataset card's legacy ``licenses:`` key counts when ``license:`` is absent."""
    if record.repo_type != DATASET:
        return classify_card(db, record.card_data, record.repo_id)
    card, evidence = dataset_licence_card(record.card_data)
    found = classify_card(db, card, f"datasets/{record.repo_id}")
    return replace(found, evidence=evidence + found.evidence) if evidence else found


def scan(
    refs: list[ModelRef],
    source: MetadataSource,
    db: LicenseDB,
    *,
    jobs: int | str = "auto",
    limiter: Limiter | None = None,
    max_depth: int = MAX_DEPTH,
    progress: Progress | None = None,
    manifests: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    now: _dt.datetime | None = None,
    verify_text: bool = False,
    upstreams: UpstreamLike | None = None,
    openness_refs: bool = False,
) -> ScanResult:
    """Fetch and classify ``refs``; the models' results are in manifest order."""
    fetcher = Fetcher(
        source,
        db,
        limiter=limiter or limiter_for(jobs),
        progress=progress,
        verify_text=verify_text,
        upstreams=upstreams,
        max_depth=max_depth,
        max_workers=max(AUTO_CAP, jobs if isinstance(jobs, int) else 0),
        openness_refs=openness_refs,
    )
    memo: dict[str, Classification] = {}

    def classify(record: ModelRecord) -> Classification:
        key = record_key(record)
        if key not in memo:
            declared = fetcher.from_card(record)
            if needs_text(declared, verify_text) or any(n in record.files for n in licence_files(record)):
                declared = classify_with_texts(db, record, declared, fetcher.unread.get(key, {}))
            elif README in record.files and record.repo_type != DATASET:
                declared = weights_scope(db, record, declared)  # the card was read for its lineage
            memo[key] = declared
        return memo[key]

    def lookup(repo_id: str) -> Outcome | None:
        return fetcher.final(_norm(repo_id, None))

    def dataset_lookup(repo_id: str, revision: str | None) -> Outcome | None:
        return fetcher.final_dataset(_norm(repo_id, revision))

    def training(record: ModelRecord, bases: tuple[BaseModel, ...]) -> TrainingOut:
        return training_data(record, bases, lookup, dataset_lookup, classify)

    context = grade_context(source)

    def result_for(ref: ModelRef) -> ModelResult:
        outcome = fetcher.final(_norm(ref.repo_id, ref.revision))
        try:
            built = build_result(
                ref,
                outcome,
                lookup,
                classify,
                fetcher.final_plan,
                max_depth,
                fallback=lambda claim: table_classification(db, claim),
                training=training,
            )
            refs_found = fetcher.refs.get(record_key(outcome)) if isinstance(outcome, ModelRecord) else None
            entries = training_entries(built, fetcher.dataset_commits, fetcher.final_dataset)
            return with_openness(built, entries, refs_found, context)
        except Exception as exc:  # a licscan bug on one model must not cost the others their results
            return failed_result(ref, outcome, exc)

    def dataset_for(ref: ModelRef) -> ModelResult:
        outcome = dataset_lookup(ref.repo_id, ref.revision)
        try:
            return dataset_result(ref, outcome, classify)
        except Exception as exc:  # the same for a dataset
            return failed_result(ref, outcome, exc)

    # The results are built once the run is over, not as each model's answers are in: building one
    # between answers holds the interpreter lock while dozens of fetch threads wait for it, and measured
    # at 20,000 models that waiting cost more CPU than the overlap saved.
    fetcher.run(refs)
    results = tuple(result_for(ref) for ref in refs if ref.repo_type != DATASET)
    datasets = tuple(dataset_for(ref) for ref in refs if ref.repo_type == DATASET)
    envelope = scan_envelope(source, db, manifests=manifests, warnings=warnings, now=now)
    return replace(envelope, models=results, datasets=datasets, lookups=dict(fetcher.lookups))


def scan_envelope(
    source: MetadataSource,
    db: LicenseDB,
    *,
    manifests: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    now: _dt.datetime | None = None,
) -> ScanResult:
    """A scan of no model: what a result says besides its models (manifests, versions, source, time)."""
    stamp = (now or _dt.datetime.now(_dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ScanResult(
        models=(),
        manifests=manifests,
        tool_version=__version__,
        database_version=db.version,
        generated_at=stamp,
        source=source.description,
        warnings=warnings,
    )


def grade_context(source: MetadataSource) -> GradeContext:
    """Whether a token was sent and whether the source is offline: they change reason codes, not grades."""
    from licscan.openness import GradeContext

    token, offline = getattr(source, "has_token", False), getattr(source, "offline", False)
    return GradeContext(token=bool(token), offline=bool(offline))


def with_openness(
    result: ModelResult,
    training: Sequence[TrainingEntry] | None,
    refs: RepoRefs | FetchFailure | None,
    context: GradeContext,
) -> ModelResult:
    """The result with its openness grade (pure; from what was already fetched)."""
    from licscan.openness import grade

    return replace(result, openness=grade(result, training, refs, context))


def training_entries(
    result: ModelResult,
    commits: Mapping[tuple[str, str | None], ModelRecord],
    dataset: Callable[[Key], Outcome | None],
) -> list[TrainingEntry] | None:
    """The training data of the model's own card as the openness grade reads it (a base's data is the base's).

    ``commits`` are the scan's dataset records by (id in lower case, commit): whether a dataset lists a card
    (README.md) is in its record; ``dataset`` gives the scan's answer for a dataset key, and why one could
    not be read in its failure.
    """
    from licscan.openness import TrainingEntry

    if result.record is None:
        return None
    out = []
    for data in result.training_data:
        if data.declared_by.lower() != result.ref.repo_id.lower():
            continue
        repo = data.repo_id.lower() if data.repo_id else ""
        record = commits.get((repo, data.revision))
        failed = dataset((repo, None))
        cls = data.classification
        out.append(
            TrainingEntry(
                value=data.value,
                repo_id=data.repo_id,
                license=cls.license if cls is not None else None,
                license_class=data.license_class,
                resolved=data.resolved,
                has_card=record is not None and README in record.siblings,
                gated=data.gated,
                failure=data.failure,
                fetch_code=failed.code.value if isinstance(failed, FetchFailure) else None,
                # The fetch's own message: "not in the snapshot" tells an offline miss from a missing dataset.
                fetch_message=failed.message if isinstance(failed, FetchFailure) else None,
            )
        )
    return out


def table_classification(db: LicenseDB, claim: BaseClaim) -> Classification | None:
    """The reviewed upstream table's licence for a repo-name base that cannot be read, if it names one."""
    lic = db.get(claim.license_hint) if claim.license_hint else None
    if lic is None:
        return None
    return Classification(
        license=lic,
        license_class=lic.license_class,
        expression=lic.id,
        evidence=(
            Evidence("upstream-table", f"{claim.repo_id}: {lic.id} ({lic.license_class}) per license_db/models"),
        ),
        licenses=(lic,),
    )


INTERNAL_ERROR = "internal-error"


def failed_result(ref: ModelRef, outcome: Outcome | None, exc: Exception) -> ModelResult:
    """A model licscan failed to classify (a bug): unknown, with a finding that says so and fails closed."""
    message = f"licscan could not classify this model (a licscan bug: {type(exc).__name__}: {clip(str(exc), 200)})"
    return ModelResult(
        ref=ref,
        revision=outcome.sha if isinstance(outcome, ModelRecord) else None,
        record=outcome if isinstance(outcome, ModelRecord) else None,
        failure=None,
        declared=Classification(None, LicenseClass.UNKNOWN, None),
        license=None,
        license_source=None,
        license_class=LicenseClass.UNKNOWN,
        findings=(Finding(INTERNAL_ERROR, Severity.ERROR, message),),
    )


def build_result(
    ref: ModelRef,
    outcome: Outcome | None,
    lookup: Callable[[str], Outcome | None],
    classify: Callable[[ModelRecord], Classification],
    claims_of: Callable[[ModelRecord], Plan],
    max_depth: int = MAX_DEPTH,
    fallback: Callable[[BaseClaim], Classification | None] | None = None,
    training: Training | None = None,
) -> ModelResult:
    """Everything concluded about one manifest entry (pure, given the lookups).

    ``training`` pairs the card datasets of the model and its bases with what was fetched of them; their
    findings are added, and the licence class is left as the lineage decides it.
    """
    if not isinstance(outcome, ModelRecord):
        return unfetched_result(ref, outcome)
    declared = classify(outcome)
    lineage = resolve_lineage(outcome, lookup, classify, claims_of, max_depth, fallback)
    effective = effective_license(ref.repo_id, declared, lineage.bases, lineage.unresolved)
    data, data_findings = training(outcome, lineage.bases) if training is not None else ((), ())
    return ModelResult(
        ref=ref,
        revision=outcome.sha,
        record=outcome,
        failure=None,
        declared=declared,
        license=effective.license,
        license_source=effective.source,
        license_class=effective.license_class,
        base_models=lineage.bases,
        obligations=chain_obligations(declared, lineage.bases),
        evidence=declared.evidence + lineage.evidence + effective.evidence,
        findings=declared.findings + lineage.findings + effective.findings + data_findings,
        training_data=data,
    )


__all__ = [
    "Limiter",
    "Progress",
    "build_result",
    "classify_repo_card",
    "record_key",
    "scan",
    "scan_envelope",
    "table_classification",
]
