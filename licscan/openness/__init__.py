"""Openness: where each model and hosted API of a project sits on the open-closed spectrum, from evidence.

``model`` holds the vocabulary (MOF components, states, reason codes,
levels) and the frozen values; ``evidence`` reads a Hub record; ``grade``
turns a scanned model into component states and a level, never rounded up;
``attest`` applies what a team vouches for; ``apis`` places hosted-API uses
on the same spectrum with a lock-in reading. Pure throughout: the scan
fetches, the policy judges, the renderers show.
"""

from licscan.openness.attest import apply_attestations
from licscan.openness.grade import GradeContext, TrainingEntry, finish, grade
from licscan.openness.model import (
    COMPONENTS,
    LEVELS,
    REASONS,
    SPECTRUM,
    ApiResult,
    Attestation,
    Block,
    Component,
    LockIn,
    Openness,
)

__all__ = [
    "COMPONENTS",
    "LEVELS",
    "REASONS",
    "SPECTRUM",
    "ApiResult",
    "Attestation",
    "Block",
    "Component",
    "GradeContext",
    "LockIn",
    "Openness",
    "TrainingEntry",
    "apply_attestations",
    "finish",
    "grade",
]
