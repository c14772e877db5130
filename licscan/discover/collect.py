"""Mutable accumulators the readers share while they walk one file (their results are frozen ``FileFindings``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from licscan.discover.model import ApiUse, DatasetUse, FileFindings, ModelUse, Unresolved


@dataclass
class Client:
    """An API client seen in the code: where it points, and whether a call gave it a model."""

    provider: str
    private: bool
    how: str
    line: int
    used: bool = False


@dataclass
class Collector:
    models: list[ModelUse] = field(default_factory=list)
    datasets: list[DatasetUse] = field(default_factory=list)
    apis: list[ApiUse] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)

    def findings(self, warnings: Iterable[str] = ()) -> FileFindings:
        return FileFindings(tuple(self.models), tuple(self.datasets), tuple(self.apis), tuple(self.unresolved),
                            tuple(warnings))
