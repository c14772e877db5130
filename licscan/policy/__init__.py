"""The policy engine: legal writes the rules once, each model gets a verdict and its reasons.

Pure and free of click: ``load`` reads and checks policy files, ``evaluate``
applies a policy to a ``ScanResult``, ``gate`` says whether it fails. The CLI lives in
``licscan.cli.policy``.
"""

from licscan.policy.evaluate import PolicyOutcome, evaluate, judge, rule_reasons
from licscan.policy.gate import FAIL_ON, gate_failed
from licscan.policy.load import MAX_BYTES, Problem, check_policy, load_policy, read_policy
from licscan.policy.model import (
    DEFAULT_CLASS_DECISIONS,
    Context,
    Decision,
    ExceptionRule,
    Policy,
    most_severe,
)

__all__ = [
    "DEFAULT_CLASS_DECISIONS",
    "FAIL_ON",
    "MAX_BYTES",
    "Context",
    "Decision",
    "ExceptionRule",
    "Policy",
    "PolicyOutcome",
    "Problem",
    "check_policy",
    "evaluate",
    "gate_failed",
    "judge",
    "load_policy",
    "most_severe",
    "read_policy",
    "rule_reasons",
]
