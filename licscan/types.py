"""Core value types shared by every stage of a scan.

All are frozen dataclasses: each stage is a pure function from one to the
next (manifest -> references -> records -> classifications -> results), and
only the edges (manifest readers, metadata sources, renderers) do I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from licscan.discover.model import Discovery
    from licscan.openness.model import ApiResult, Openness


class LicenseClass(str, enum.Enum):
    """The closed set of licence classes, from least to most restrictive."""

    PERMISSIVE = "permissive"
    COPYLEFT = "copyleft"
    OPEN_WEIGHTS_RESTRICTED = "open-weights-restricted"
    NON_COMMERCIAL = "non-commercial"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """Restrictiveness; ``unknown`` ranks apart (see ``most_restrictive``)."""
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {
    LicenseClass.PERMISSIVE: 0,
    LicenseClass.COPYLEFT: 1,
    LicenseClass.OPEN_WEIGHTS_RESTRICTED: 2,
    LicenseClass.NON_COMMERCIAL: 3,
    LicenseClass.UNKNOWN: -1,
}


class Severity(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


# Obligation kinds are a closed vocabulary: the policy engine keys rules on them.
OBLIGATION_KINDS = frozenset(
    {
        "attribution",
        "naming",
        "user-threshold",
        "revenue-threshold",
        "acceptable-use",
        "region-restriction",
        "no-training-other-models",
        "use-restrictions",
        "pass-through",
        "non-commercial",
        "notice",
        "share-alike",
        "source-disclosure",
        "no-derivatives",
        "state-changes",
    }
)


@dataclass(frozen=True)
class Obligation:
    """A duty a licence imposes, with the data a policy engine needs."""

    kind: str
    summary: str
    threshold: int | None = None  # user-threshold (MAU) / revenue-threshold (USD)
    regions: tuple[str, ...] = ()  # region-restriction: ISO 3166 codes or "EU"
    applies_to: str | None = None  # e.g. "multimodal" for the Llama 3.2 EU clause
    link: str | None = None  # e.g. the acceptable-use policy


@dataclass(frozen=True)
class License:
    """One reviewed entry of ``license_db/``."""

    id: str
    name: str
    license_class: LicenseClass
    spdx_id: str | None
    hf_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    phrases: tuple[str, ...] = ()
    family: bool = False  # a Hub "family" id (``gpl``, ``cc``): the exact licence is not said
    notes: str = ""


# Hub repo types licscan reads. "datasets" is a reserved namespace on the Hub (huggingface.co/datasets/...),
# so no model id starts with "datasets/": the prefix names a dataset unambiguously.
MODEL = "model"
DATASET = "dataset"
DATASET_PREFIX = "datasets/"


@dataclass(frozen=True)
class ModelRef:
    """One model (or dataset) a manifest asks for, with where it was asked."""

    repo_id: str
    revision: str | None  # None: the repo's default branch
    path: str  # manifest file, as given
    line: int
    note: str = ""
    repo_type: str = MODEL  # MODEL or DATASET

    @property
    def key(self) -> tuple[str, str | None]:
        # A model and a dataset may share an id: the prefix keeps them apart.
        prefix = DATASET_PREFIX if self.repo_type == DATASET else ""
        return (prefix + self.repo_id.lower(), self.revision)

    def __str__(self) -> str:
        name = DATASET_PREFIX + self.repo_id if self.repo_type == DATASET else self.repo_id
        return name if self.revision is None else f"{name}@{self.revision}"


@dataclass(frozen=True)
class ModelRecord:
    """What a metadata source knows of one repo at one revision.

    ``card_data`` is the card's YAML front matter as the Hub parsed it; it is
    untrusted input (any JSON value may stand where a string is expected).
    """

    repo_id: str
    sha: str | None
    card_data: Mapping[str, Any] = field(default_factory=dict)
    gated: str | bool = False
    private: bool = False
    pipeline_tag: str | None = None
    tags: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)  # filename -> text read so far
    repo_type: str = MODEL  # a dataset's record has the same shape (no pipeline tag)
    # Model info's ``library_name`` and the part of its ``config`` the openness grade reads
    # (``architectures``, ``model_type``, ``auto_map``); empty in records cached before they were kept.
    library_name: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RepoRefs:
    """A repo's branches and tags (``list_repo_refs``), read for ``--openness-refs``."""

    repo_id: str
    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


class FetchErrorCode(str, enum.Enum):
    NOT_FOUND = "not-found"
    GATED = "gated"
    REVISION_NOT_FOUND = "revision-not-found"
    FETCH_FAILED = "fetch-failed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FetchFailure:
    """A per-model failure: the scan goes on, the model is ``unknown``."""

    code: FetchErrorCode
    message: str


@dataclass(frozen=True)
class Evidence:
    source: str  # e.g. "card:license", "card:license_name", "lineage", "tag"
    detail: str


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Classification:
    """The licence a single repo declares, read from its own metadata."""

    license: License | None  # the licence that decides the class; None when unknown
    license_class: LicenseClass
    expression: str | None  # the raw declared value, normalised to text
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    licenses: tuple[License, ...] = ()  # every licence named (expressions name several)


@dataclass(frozen=True)
class BaseModel:
    """One ancestor in a model's lineage, with the evidence that names it."""

    repo_id: str
    revision: str | None  # resolved commit, when it could be fetched
    depth: int  # 1 = direct parent
    parent: str  # the repo that names it as a base
    relation: str | None
    classification: Classification | None  # None: could not be read
    source: str = "card:base_model"  # where the parent names it (licscan.lineage.claims.CONFIDENCE)
    confidence: float = 1.0
    detail: str = ""  # the quoted evidence
    failure: str | None = None  # why it could not be read


@dataclass(frozen=True)
class TrainingData:
    """One entry of a model card's ``datasets:`` (the model's, or a base's), and what licscan read of it.

    The data's licence never changes the model's class (it does not by itself bind the weights); it is
    reported so that legal can look, and the policy's ``training_data:`` section decides what it does.
    """

    value: str  # the entry as the card writes it (clipped)
    declared_by: str  # the repo whose card names it: the model, or a base along its lineage
    repo_id: str | None  # the Hub dataset id; None when the entry names no Hub dataset
    revision: str | None = None  # resolved commit, when the dataset could be read
    classification: Classification | None = None  # None: could not be read
    gated: str | bool = False  # the dataset's gate, as the Hub reports it
    failure: str | None = None  # why it could not be read or resolved
    source: str = "card:datasets"

    @property
    def license_class(self) -> LicenseClass:
        return self.classification.license_class if self.classification is not None else LicenseClass.UNKNOWN

    @property
    def resolved(self) -> bool:
        return self.classification is not None


@dataclass(frozen=True)
class AttachedObligation:
    """An obligation together with the licence it comes from."""

    obligation: Obligation
    license_id: str


@dataclass(frozen=True)
class Reason:
    """Why a policy verdict came out as it did (filled by the policy engine)."""

    rule: str
    decision: str
    message: str


@dataclass(frozen=True)
class ModelResult:
    """Everything licscan concluded about one manifest entry."""

    ref: ModelRef
    revision: str | None  # resolved commit
    record: ModelRecord | None
    failure: FetchFailure | None
    declared: Classification
    license: License | None  # the licence the effective class comes from
    license_source: str | None  # repo id that licence was found on
    license_class: LicenseClass  # effective class
    base_models: tuple[BaseModel, ...] = ()
    obligations: tuple[AttachedObligation, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    verdict: str | None = None  # allow | review | deny, when a policy was applied
    reasons: tuple[Reason, ...] = ()
    training_data: tuple[TrainingData, ...] = ()  # the card datasets of the model and of its bases
    openness: Openness | None = None  # the openness grade (licscan.openness); None for a model not graded


# A dataset a manifest lists is concluded about like a model (licence, obligations, findings, verdict),
# with ``ref.repo_type == DATASET`` and no lineage or training data.
DatasetResult = ModelResult


@dataclass(frozen=True)
class ScanResult:
    models: tuple[ModelResult, ...]
    manifests: tuple[str, ...]
    tool_version: str
    database_version: str
    generated_at: str  # ISO 8601, UTC
    source: str  # "hub <endpoint>" or "snapshot <dir>"
    warnings: tuple[str, ...] = ()
    policy: str | None = None
    discovery: Discovery | None = None  # `scan --discover`: the APIs and datasets the code uses, too
    # The policy's context (use, users, regions, distribution, revenue) as plain values, so that the notice and
    # the reports can say which duties apply without the policy file; None without a policy.
    policy_context: Mapping[str, Any] | None = None
    datasets: tuple[DatasetResult, ...] = ()  # the datasets the manifests list
    apis: tuple[ApiResult, ...] = ()  # the discovered API uses with lock-in (and verdicts under a policy)
    lookups: Mapping[str, int] = field(default_factory=dict)  # answers the scan read, by kind (model_info, refs, ...)

    @property
    def fetch_failed(self) -> bool:
        return any(m.failure is not None for m in (*self.models, *self.datasets))
