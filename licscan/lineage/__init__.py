"""Lineage: which models a model derives from, from every kind of evidence, and what that binds.

``claims`` finds the bases a repo names (card, Hub tags, adapter and mergekit configs, card prose,
config.json, the repo name), ``prose`` reads the card's body for them, ``chain`` follows them and
combines the licences along the chain. All pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from licscan.lineage.chain import (
    MAX_DEPTH,
    Effective,
    Lineage,
    Unresolved,
    chain_obligations,
    effective_license,
    resolve_lineage,
)
from licscan.lineage.claims import MAX_BASES_PER_MODEL, BaseClaim, Plan, card_claims, files_for_lineage, plan


def base_model_ids(card: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Repo ids named by the card's ``base_model`` (a string, a list, or Hub URLs), and problems."""
    claims, problems = card_claims(card)
    return [c.repo_id for c in claims if c.repo_id], problems


__all__ = [
    "MAX_BASES_PER_MODEL",
    "MAX_DEPTH",
    "BaseClaim",
    "Effective",
    "Lineage",
    "Plan",
    "Unresolved",
    "base_model_ids",
    "card_claims",
    "chain_obligations",
    "effective_license",
    "files_for_lineage",
    "plan",
    "resolve_lineage",
]
