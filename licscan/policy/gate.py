"""Whether a judged scan fails the gate (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from licscan.policy.model import Decision

if TYPE_CHECKING:
    from licscan.types import ScanResult

FAIL_ON = ("deny", "review")


def gate_failed(result: ScanResult, fail_on: str) -> bool:
    """True when a model's (a listed dataset's, or, under an ``apis:`` section, a hosted-API use's) verdict is
    at least as severe as ``fail_on``.

    A model without a verdict (no policy applied) never fails the gate.
    """
    threshold = Decision(fail_on)
    verdicts = [m.verdict for m in (*result.models, *result.datasets)] + [a.verdict for a in result.apis]
    return any(v is not None and Decision(v) >= threshold for v in verdicts)
