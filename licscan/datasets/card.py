"""Reading cards for datasets (pure): a model card's ``datasets:`` entries, and a dataset card's licence.

A model card's ``datasets`` is untrusted input. The Hub documents it as a
list of Hub dataset ids, and real cards also write a single string, Hub URLs
(``https://huggingface.co/datasets/org/name``), ``datasets/org/name``, legacy
ids without an org (``wikipedia``, ``bookcorpus``), and free names that are no
Hub id at all ("ShareGPT conversations", a GitHub URL). Everything that is
syntactically a Hub id is looked up (a 404 then says it is not one); the rest
stays unresolved with the value as written. Nothing here guesses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from licscan.manifest.refs import is_hub_url, split_repo_reference
from licscan.text import clip
from licscan.types import DATASET, DATASET_PREFIX, Evidence

# Real cards name a handful (multitask models a few dozen); a card naming thousands is hostile, and each
# entry costs a request, so only the first ones are read and the card gets a finding saying so.
MAX_TRAINING_DATASETS = 64

# What a dataset record keeps of its card: the licence fields and the gate's texts. Dataset cards carry
# ``dataset_info`` and ``configs`` blocks of hundreds of KB (one entry per config and split) that say
# nothing about the licence, and would bloat the cache and snapshots.
_KEPT_DATASET_KEYS = (
    "license",
    "licenses",  # the pre-2022 spelling of dataset cards (``licenses: [unknown]``)
    "license_name",
    "license_link",
    "license_details",
    "pretty_name",
    "extra_gated_prompt",
    "extra_gated_heading",
    "extra_gated_description",
    "extra_gated_button_content",
    "source_datasets",
    "tags",
)


@dataclass(frozen=True)
class DatasetClaim:
    """One training-data entry of a card: the value as written, and the Hub dataset it names (if any)."""

    value: str
    repo_id: str | None  # None: not a Hub dataset id (``problem`` says why)
    revision: str | None = None
    problem: str | None = None


def trim_dataset_card(card: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a dataset card's metadata licscan reads and stores."""
    return {key: card[key] for key in _KEPT_DATASET_KEYS if key in card}


def dataset_licence_card(card: Mapping[str, Any]) -> tuple[Mapping[str, Any], tuple[Evidence, ...]]:
    """The card as the licence classifier should read it: the legacy ``licenses:`` key stands in for
    a missing ``license:`` (dataset cards written before 2022 use it), with evidence saying so."""
    if card.get("license") in (None, "", []) and card.get("licenses") not in (None, "", []):
        legacy = card["licenses"]
        note = Evidence("card:licenses", f"no 'license' key; the legacy 'licenses' key says {clip(legacy, 120)}")
        return {**card, "license": legacy}, (note,)
    return card, ()


def training_claims(card: Mapping[str, Any]) -> tuple[list[DatasetClaim], list[str]]:
    """The datasets a model card's ``datasets:`` names, and problems with the field itself."""
    raw = card.get("datasets") if isinstance(card, Mapping) else None
    if raw is None or raw == "" or raw == []:
        return [], []
    if isinstance(raw, str):
        items: list[Any] = [raw]
    elif isinstance(raw, list):
        items = raw
    else:
        return [], [f"the card's datasets field is not a dataset id or a list of them: {clip(raw, 80)}"]
    problems: list[str] = []
    if len(items) > MAX_TRAINING_DATASETS:
        problems.append(
            f"the card names {len(items)} datasets; only the first {MAX_TRAINING_DATASETS} are read"
        )
    claims: list[DatasetClaim] = []
    seen: set[str] = set()
    for item in items[:MAX_TRAINING_DATASETS]:
        if isinstance(item, str) and not item.strip():
            continue
        claim = _claim(item)
        key = (claim.repo_id or claim.value).lower()
        if key not in seen:
            seen.add(key)
            claims.append(claim)
    return claims, problems


def _claim(item: Any) -> DatasetClaim:
    if not isinstance(item, str):
        return DatasetClaim(clip(item, 120), None, problem="not a dataset id (a card value that is not text)")
    value = item.strip()
    # Almost every entry is a short ASCII id, which clip() would return unchanged: skip its per-character walk.
    shown = value if len(value) <= 120 and value.isascii() and value.isprintable() else clip(value, 120)
    if is_hub_url(value) or value.startswith(DATASET_PREFIX):
        repo_type, repo_id, revision, problem = split_repo_reference(value)
        if problem is None and repo_type != DATASET:
            problem = "a link to a model, not to a dataset"
    elif "://" in value:
        return DatasetClaim(shown, None, problem="a link outside the Hub, not a Hub dataset id")
    else:
        repo_type, repo_id, revision, problem = split_repo_reference(DATASET_PREFIX + value)
    if problem is not None:
        return DatasetClaim(shown, None, problem=f"not a Hub dataset id ({problem})")
    return DatasetClaim(shown, repo_id, revision)
