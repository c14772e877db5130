"""What discovery finds, as frozen values: uses of Hub models, datasets and hosted APIs in a codebase.

Each file kind's reader returns a ``FileFindings`` (pure: text in, findings
out); ``engine.discover`` merges them into one ``Discovery`` per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# How a model reaches production: a vendor's proprietary model, an open-weights model on someone
# else's servers, or an open-weights model on the team's own host.
SERVING = ("closed-api", "hosted-open-weights", "self-hosted")


@dataclass(frozen=True, order=True)
class Location:
    """Where a use is written: ``path`` relative to the discovered root, 1-based ``line``, and how it was read."""

    path: str
    line: int
    how: str = ""


@dataclass(frozen=True)
class ModelUse:
    """A Hugging Face Hub model repo the code loads or serves."""

    repo_id: str
    revision: str | None
    location: Location


@dataclass(frozen=True)
class DatasetUse:
    repo_id: str
    revision: str | None
    location: Location


@dataclass(frozen=True)
class ApiUse:
    """A hosted model service the code calls: ``provider`` slug, ``model`` (None: the code does not say)."""

    provider: str
    model: str | None
    serving: str
    location: Location


@dataclass(frozen=True)
class Unresolved:
    """A place that clearly loads a model whose id the code computes (never guessed)."""

    path: str
    line: int
    reason: str


@dataclass(frozen=True)
class FileFindings:
    models: tuple[ModelUse, ...] = ()
    datasets: tuple[DatasetUse, ...] = ()
    apis: tuple[ApiUse, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiscoveredModel:
    repo_id: str
    revision: str | None
    locations: tuple[Location, ...]


@dataclass(frozen=True)
class DiscoveredDataset:
    repo_id: str
    revision: str | None
    locations: tuple[Location, ...]


@dataclass(frozen=True)
class DiscoveredApi:
    provider: str
    model: str | None
    serving: str
    locations: tuple[Location, ...]


@dataclass(frozen=True)
class Discovery:
    """Everything one run of discovery found under ``root`` (paths in locations are relative to it)."""

    root: str
    models: tuple[DiscoveredModel, ...] = ()
    apis: tuple[DiscoveredApi, ...] = ()
    datasets: tuple[DiscoveredDataset, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    warnings: tuple[str, ...] = ()
    files: int = 0  # files read
    roots: tuple[str, ...] = field(default=())  # every PATH given, when more than one
