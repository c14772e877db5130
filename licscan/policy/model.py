"""The policy as data: what legal decided, once, for every scan.

Frozen values only; ``load.py`` builds them from YAML and ``evaluate.py``
applies them. Nothing here does I/O or knows about click.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from licscan.openness.model import Attestation
from licscan.types import MODEL, LicenseClass, ModelResult


class Decision(enum.Enum):
    """A verdict, ordered by severity: allow < review < deny.

    A plain Enum (not a ``str`` one) so that ``<`` compares severity, never
    the spelling ("deny" < "review" alphabetically, which is the wrong way).
    """

    ALLOW = "allow"
    REVIEW = "review"
    DENY = "deny"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.rank >= other.rank

    def __str__(self) -> str:
        return self.value


_RANK = {Decision.ALLOW: 0, Decision.REVIEW: 1, Decision.DENY: 2}


def most_severe(decisions: Iterable[Decision]) -> Decision:
    """The most severe decision; ``allow`` when there is none."""
    return max(decisions, default=Decision.ALLOW)


USES = ("commercial", "internal", "research")
DISTRIBUTIONS = ("hosted", "on-prem", "weights")

# What a class gets when the policy does not say: only permissive passes
# unreviewed, and what licscan cannot read never passes.
DEFAULT_CLASS_DECISIONS: Mapping[LicenseClass, Decision] = {
    LicenseClass.PERMISSIVE: Decision.ALLOW,
    LicenseClass.COPYLEFT: Decision.REVIEW,
    LicenseClass.OPEN_WEIGHTS_RESTRICTED: Decision.REVIEW,
    LicenseClass.NON_COMMERCIAL: Decision.DENY,
    LicenseClass.UNKNOWN: Decision.DENY,
}


# What a model's training data does to its verdict when the policy does not say: data licscan cannot
# read or identify is common (free names, unmaintained cards) and says nothing against the model, so
# it passes; non-commercial data needs a person to decide what it allows for a model trained on it.
DEFAULT_TRAINING_DATA_DECISIONS: Mapping[LicenseClass, Decision] = {
    LicenseClass.PERMISSIVE: Decision.ALLOW,
    LicenseClass.COPYLEFT: Decision.ALLOW,
    LicenseClass.OPEN_WEIGHTS_RESTRICTED: Decision.ALLOW,
    LicenseClass.NON_COMMERCIAL: Decision.REVIEW,
    LicenseClass.UNKNOWN: Decision.ALLOW,
}


@dataclass(frozen=True)
class DatasetRules:
    """The ``datasets:`` section: decisions for datasets the manifests list.

    A class or licence it leaves out takes the policy's own ``classes:`` / ``licenses:`` rule (which
    themselves default to licscan's), so one policy reads the same for models and datasets unless
    legal says otherwise here.
    """

    classes: Mapping[LicenseClass, Decision] = field(default_factory=dict)
    licenses: Mapping[str, Decision] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """Who ships the models and how. ``None`` means the policy does not say.

    ``use`` defaults to the strictest reading (commercial); an undeclared
    user count, revenue or region list leaves the matching obligations to
    ``obligations.accepted`` (review unless accepted), never to a guess.
    """

    use: str = "commercial"
    monthly_active_users: int | None = None
    regions: tuple[str, ...] = ()  # ISO 3166 alpha-2 codes and "EU"; () = not declared
    distribution: str | None = None  # hosted | on-prem | weights
    annual_revenue_usd: int | None = None


@dataclass(frozen=True)
class ExceptionRule:
    """A signed-off deviation for one model (optionally one revision)."""

    repo_id: str
    revision: str | None
    decision: Decision
    reason: str
    expires: _dt.date | None = None
    approved_by: str | None = None
    line: int | None = None  # where it is written in the policy file, for messages
    repo_type: str = MODEL  # ``dataset:`` instead of ``model:`` makes it a dataset's exception

    def __str__(self) -> str:
        name = self.repo_id if self.repo_type == MODEL else f"datasets/{self.repo_id}"
        return name if self.revision is None else f"{name}@{self.revision}"

    def expired(self, today: _dt.date) -> bool:
        """Valid through its expiry date, expired from the day after."""
        return self.expires is not None and self.expires < today

    def matches(self, model: ModelResult) -> bool:
        if model.ref.repo_id.lower() != self.repo_id.lower() or model.ref.repo_type != self.repo_type:
            return False
        if self.revision is None:
            return True
        pin = self.revision
        if model.ref.revision == pin or model.revision == pin:
            return True
        # A short commit (at least 7 hex digits) pins the resolved commit it prefixes.
        short = pin.lower()
        return (
            model.revision is not None
            and len(short) >= 7
            and all(c in "0123456789abcdef" for c in short)
            and model.revision.lower().startswith(short)
        )


@dataclass(frozen=True)
class OpennessRule:
    """``openness:``: models below ``minimum`` (a level) get ``decision``, with the components they lack."""

    minimum: str | None = None
    decision: Decision = Decision.REVIEW
    line: int | None = None


@dataclass(frozen=True)
class ApiRules:
    """``apis:``: a decision per hosted-API use. The most specific rule decides: a ``providers`` entry, else a
    ``serving`` entry, else ``default``."""

    default: Decision = Decision.REVIEW
    providers: Mapping[str, Decision] = field(default_factory=dict)
    serving: Mapping[str, Decision] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """A parsed policy file. ``classes`` always holds every class (defaults merged)."""

    context: Context = field(default_factory=Context)
    classes: Mapping[LicenseClass, Decision] = field(default_factory=lambda: dict(DEFAULT_CLASS_DECISIONS))
    explicit_classes: frozenset[LicenseClass] = frozenset()  # set by the file, not by default
    licenses: Mapping[str, Decision] = field(default_factory=dict)
    accepted_obligations: frozenset[str] = frozenset()
    exceptions: tuple[ExceptionRule, ...] = ()
    on_fetch_error: Decision = Decision.DENY
    version: int = 1
    datasets: DatasetRules = field(default_factory=DatasetRules)
    training_data: Mapping[LicenseClass, Decision] = field(
        default_factory=lambda: dict(DEFAULT_TRAINING_DATA_DECISIONS)
    )
    explicit_training_data: frozenset[LicenseClass] = frozenset()

    openness: OpennessRule | None = None
    apis: ApiRules | None = None  # None: API uses get no verdict (policies written before the section)
    attestations: tuple[Attestation, ...] = ()  # openness.attestations

    def for_datasets(self) -> Policy:
        """This policy as it judges datasets the manifests list: the ``datasets:`` rules over the policy's own."""
        classes = {**self.classes, **self.datasets.classes}
        return replace(
            self,
            classes=classes,
            licenses={**self.licenses, **self.datasets.licenses},
        )
