"""Openness as data: MOF components, their states, the grade of a model, and API uses on the same spectrum.

The vocabulary follows the Linux Foundation's Model Openness Framework (MOF
1.0): seventeen components, three cumulative classes (III, the entry class,
then II, then I). licscan grades from evidence only: each component gets a
state and, unless it is ``open``, a reason code; a level is reached only when
every component it needs is evidenced ``open``. Frozen values, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from licscan.discover.model import DiscoveredApi
    from licscan.types import Reason

# -- component states -------------------------------------------------------------------------------

OPEN = "open"  # present, under an open licence (OSI-approved, open data, OpenMDW)
RESTRICTED = "restricted"  # present, licence not open
ABSENT = "absent"  # the evidence shows it is not there (no weight file among the repo's files)
UNKNOWN = "unknown"  # the evidence does not settle it: a reason code says why
STATES = (OPEN, RESTRICTED, ABSENT, UNKNOWN)

# -- components (MOF 1.0 names, as JSON keys) with the class that first needs them -------------------

ARCHITECTURE = "architecture"
WEIGHTS = "weights"
MODEL_CARD = "model-card"
EVALUATION_RESULTS = "evaluation-results"
DATA_CARD = "data-card"
TECHNICAL_REPORT = "technical-report"
TRAINING_CODE = "training-code"
INFERENCE_CODE = "inference-code"
EVALUATION_CODE = "evaluation-code"
EVALUATION_DATA = "evaluation-data"
SUPPORTING_LIBRARIES = "supporting-libraries"
DATASETS = "datasets"
PREPROCESSING_CODE = "data-preprocessing-code"
INTERMEDIATE_CHECKPOINTS = "intermediate-checkpoints"
RESEARCH_PAPER = "research-paper"
MODEL_METADATA = "model-metadata"
SAMPLE_OUTPUTS = "sample-model-outputs"

CLASS_III = "III"
CLASS_II = "II"
CLASS_I = "I"

# Required components per class (cumulative: II needs III's too). MOF marks sample outputs (III),
# supporting libraries (II) and model metadata (I) optional: they are graded, never required.
REQUIRED: dict[str, tuple[str, ...]] = {
    CLASS_III: (ARCHITECTURE, WEIGHTS, MODEL_CARD, EVALUATION_RESULTS, DATA_CARD, TECHNICAL_REPORT),
    CLASS_II: (TRAINING_CODE, INFERENCE_CODE, EVALUATION_CODE, EVALUATION_DATA),
    CLASS_I: (DATASETS, PREPROCESSING_CODE, INTERMEDIATE_CHECKPOINTS, RESEARCH_PAPER),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    CLASS_III: (SAMPLE_OUTPUTS,),
    CLASS_II: (SUPPORTING_LIBRARIES,),
    CLASS_I: (MODEL_METADATA,),
}
CLASSES = (CLASS_III, CLASS_II, CLASS_I)
COMPONENTS: tuple[str, ...] = tuple(c for cls in CLASSES for c in (*REQUIRED[cls], *OPTIONAL[cls]))
CLASS_OF: dict[str, str] = {c: cls for cls in CLASSES for c in (*REQUIRED[cls], *OPTIONAL[cls])}

# -- reason codes (stable: JSON, policies and tools key on them) -------------------------------------

REASONS: dict[str, str] = {
    # the model itself could not be read
    "FETCH_FAILED": "the model's metadata could not be fetched",
    "NOT_FOUND": "the repo does not exist (or is private and the token cannot read it)",
    "GATED_NO_TOKEN": "the repo is gated and no Hugging Face token was given",
    "GATED_NO_ACCESS": "the repo is gated and the token given has no access",
    "OFFLINE": "not in the snapshot or cache, and licscan is offline",
    # weights
    "NO_WEIGHT_FILES": "no weight file among the files the repo lists",
    "LICENSE_UNKNOWN": "the licence could not be identified",
    "LICENSE_NOT_OPEN": "the licence is neither OSI-approved, an open-data licence nor OpenMDW",
    # architecture / code
    "NO_ARCHITECTURE_INFO": "neither library_name, config.architectures nor a code file names the architecture",
    "LIBRARY_NOT_REVIEWED": "the library is not on licscan's reviewed list of open-source libraries",
    "REMOTE_CODE_ELSEWHERE": "the architecture's code (auto_map) lives in another repo",
    # documentation
    "NO_MODEL_CARD": "the repo has no README.md",
    "CARD_EMPTY": "README.md has no content beyond its metadata",
    "CARD_NOT_READ": "README.md is listed, but its text was not read (the scan reads a card only when the licence "
    "or the lineage needs it)",
    "NO_EVAL_RESULTS": "no model-index with results in the card (results in prose are not read)",
    "NO_TECHNICAL_REPORT": "no arXiv id in the card or tags",
    "ARXIV_PLACEHOLDER": "the arXiv id is a placeholder, not a paper",
    "ARXIV_METHOD_PAPER": "the only arXiv ids are well-known method papers cited by many models",
    "PAPER_LICENSE_UNKNOWN": "an arXiv paper is linked, but its licence is not on the Hub",
    # training data
    "NO_DATASETS_FIELD": "the card names no training data (datasets:)",
    "DATASET_UNRESOLVED": "a training-data entry names no readable Hub dataset",
    "DATASET_NO_CARD": "a training dataset has no README.md (data card)",
    "DATASET_LICENSE_UNKNOWN": "a training dataset's licence could not be identified",
    "DATASET_LICENSE_NOT_OPEN": "a training dataset is not under an open licence",
    "DATASETS_NOT_READ": "this scan did not read the training datasets' metadata",
    # intermediate checkpoints
    "REFS_NOT_READ": "branches were not listed (--openness-refs costs one request per model)",
    "NO_CHECKPOINT_BRANCHES": "no step*/ckpt* branch or checkpoint-* folder",
    "REFS_UNREADABLE": "the repo's branches could not be listed",
    # what the Hub never holds
    "NOT_ON_HUB": "the Hub holds no evidence for this component: attest it (openness.yaml)",
}

# -- levels -------------------------------------------------------------------------------------------

LEVEL_UNKNOWN = "unknown"  # no weights evidenced
RESTRICTED_WEIGHTS = "restricted-weights"  # weights exist; their licence is not evidenced open
OPEN_WEIGHTS = "open-weights"  # weights and architecture evidenced open
OPEN_MODEL = "open-model"  # every MOF Class III component evidenced open
LEVELS = (LEVEL_UNKNOWN, RESTRICTED_WEIGHTS, OPEN_WEIGHTS, OPEN_MODEL)
LEVEL_NEEDS: dict[str, tuple[str, ...]] = {
    OPEN_WEIGHTS: (WEIGHTS, ARCHITECTURE),
    OPEN_MODEL: REQUIRED[CLASS_III],
}

# The spectrum every report shows, closed to open: API uses by how they are served, models by level.
CLOSED_API = "closed-api"
HOSTED_OPEN_WEIGHTS = "hosted-open-weights"
SELF_HOSTED = "self-hosted"
SPECTRUM = (CLOSED_API, HOSTED_OPEN_WEIGHTS, SELF_HOSTED, LEVEL_UNKNOWN, RESTRICTED_WEIGHTS, OPEN_WEIGHTS, OPEN_MODEL)

# Open Source AI Definition 1.0: licscan can show that a model fails it (its weights' licence is not
# open), never that it meets it (that needs the training code and data information OSI asks for).
OSAID_FAILS = "fails"
OSAID_UNDETERMINED = "undetermined"

LOCK_IN = ("high", "medium", "low", "unknown")


@dataclass(frozen=True)
class Attestation:
    """What a person vouches for about one component of one model (``openness.yaml`` or the policy)."""

    model: str  # org/name, optionally @revision
    component: str
    license: str  # a license_db id
    source: str  # where it can be checked (a URL)
    checked_by: str
    date: str | None = None  # ISO date, as written
    origin: str = ""  # file:line it was read from, for messages


@dataclass(frozen=True)
class Component:
    """One MOF component of one model: its state, why (unless open), and what was seen."""

    name: str
    state: str  # one of STATES
    reason: str | None = None  # a REASONS code; None when open
    evidence: str = ""
    attested: Attestation | None = None  # the state comes from an attestation, not from the Hub

    @property
    def mof_class(self) -> str:
        return CLASS_OF[self.name]


@dataclass(frozen=True)
class Block:
    """Why a model does not reach ``level``: one component not evidenced open."""

    level: str  # a level, or "class-II" / "class-I"
    component: str
    state: str
    reason: str | None
    message: str


@dataclass(frozen=True)
class Openness:
    """A model's grade: every component, the level reached, what blocks the next one, and OSAID."""

    level: str
    components: tuple[Component, ...]
    blocks: tuple[Block, ...] = ()
    osaid: str = OSAID_UNDETERMINED
    osaid_reason: str = ""
    mof_class: str | None = None  # "III" / "II" / "I" when every required component is open (attested or not)

    def component(self, name: str) -> Component:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def attested(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.components if c.attested is not None)


@dataclass(frozen=True)
class LockIn:
    """How hard it would be to move an API use to another provider, and why."""

    level: str  # one of LOCK_IN
    reason: str
    path: str | None = None  # the code location that decided it
    line: int | None = None


@dataclass(frozen=True)
class ApiResult:
    """A hosted-API use on the openness spectrum: where it sits, its lock-in, where prompts go, its verdict."""

    api: DiscoveredApi
    lock_in: LockIn
    data_leaves_premises: bool
    data_handling: str
    verdict: str | None = None  # allow | review | deny under a policy's ``apis:`` section
    reasons: tuple[Reason, ...] = ()

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.api.provider, self.api.model, self.api.serving)
