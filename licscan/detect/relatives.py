"""Stricter licences built on a permissive text: what makes an excerpt ambiguous.

Many restrictive licences are a permissive one with a clause added: BSD-3-Clause
with "not for military use", MIT with a display duty past a user threshold,
Artistic-1.0 wording inside the OpenLDAP 1.x licences, the AGPL's preamble in a
source-available licence. A whole text tells them apart (the added clause is
there or it is not); a passage the two share does not. Reporting such a
passage as the permissive licence would be the guess licscan must never make,
so an excerpt that a stricter licence's text also holds is ``unknown``.

The stricter licences the database has are in the main fingerprint index.
Those it lacks are kept here, one-way as the fingerprints are, and only for
the shingles they share with a more permissive fingerprinted licence: that is
all the question "does this excerpt also sit in a stricter text?" needs.
Written by ``scripts/build_fingerprints.py`` as
``license_db/fingerprints/relatives.idx``; read lazily, the first time an
excerpt is decided.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from licscan.detect.fingerprint import decode_table, default_directory, encode_table, mask_ids

RELATIVES_FILE = "relatives.idx"
_MAGIC = b"licscan-relatives 1\n"


@dataclass(frozen=True)
class Relative:
    """A licence text the database has no entry for, more restrictive than one it has."""

    name: str  # ``LicenseRef-scancode-<key>`` or the SPDX id
    rank: int  # restrictiveness on ``LicenseClass.rank``'s scale (1 copyleft .. 3 commercial)
    category: str  # as its source files it (ScanCode's category)
    source: str  # the text it was built from


@dataclass(frozen=True, eq=False)
class Relatives:
    relatives: tuple[Relative, ...]
    owners: dict[int, int] = field(repr=False)  # shingle hash -> mask id
    masks: tuple[int, ...] = field(repr=False)  # bit i: relatives[i]

    @classmethod
    def build(cls, shared: Iterable[tuple[Relative, Iterable[int]]]) -> Relatives:
        """From each relative and the shingles it shares with more permissive licences."""
        chosen = sorted(shared, key=lambda pair: pair[0].name)
        owners: dict[int, int] = {}
        for bit, (_, hashes) in enumerate(chosen):
            for h in hashes:
                owners[h] = owners.get(h, 0) | 1 << bit
        ids, masks = mask_ids(owners)
        return cls(tuple(r for r, _ in chosen), ids, masks)

    @classmethod
    def empty(cls) -> Relatives:
        return cls((), {}, ())

    def holding(self, matched: Iterable[int], rank: int, least: float) -> tuple[Relative, ...]:
        """Relatives stricter than ``rank`` whose text holds at least ``least`` shingles of ``matched``."""
        if not self.relatives or least <= 0:  # nothing to hold: held by nothing
            return ()
        per_mask = Counter(mask for mask in map(self.owners.get, matched) if mask is not None)
        if sum(per_mask.values()) < least:
            return ()
        counts = [0] * len(self.relatives)
        for mask_id, n in per_mask.items():
            mask = self.masks[mask_id]
            while mask:
                low = mask & -mask
                counts[low.bit_length() - 1] += n
                mask ^= low
        return tuple(r for r, n in zip(self.relatives, counts, strict=True) if n >= least and r.rank > rank)


def encode_relatives(table: Relatives) -> bytes:
    header = {"relatives": [[r.name, r.rank, r.category, r.source] for r in table.relatives]}
    return encode_table(_MAGIC, header, table.owners, table.masks, len(table.relatives))


class RelativesError(ValueError):
    """``relatives.idx`` is malformed: shipped data, so a bug to surface."""


def decode_relatives(raw: bytes) -> Relatives:
    found = decode_table(_MAGIC, raw)
    if found is None:
        raise RelativesError(f"{RELATIVES_FILE}: not a licscan relatives table")
    header, owners, masks = found
    try:
        relatives = tuple(Relative(str(n), int(k), str(c), str(s)) for n, k, c, s in header["relatives"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RelativesError(f"{RELATIVES_FILE}: bad relatives list: {exc}") from exc
    if any(m >> len(relatives) for m in masks):
        raise RelativesError(f"{RELATIVES_FILE}: a mask names a relative the list lacks")
    return Relatives(relatives, owners, masks)


def load_relatives(directory: Path | None = None) -> Relatives:
    """The table in ``directory`` (default: the shipped fingerprints); empty when absent."""
    directory = directory if directory is not None else default_directory()
    path = directory / RELATIVES_FILE if directory is not None else None
    if path is None or not path.is_file():
        return Relatives.empty()
    return decode_relatives(path.read_bytes())


@functools.lru_cache(maxsize=1)
def default_relatives() -> Relatives:
    return load_relatives()


__all__ = ["RELATIVES_FILE", "Relative", "Relatives", "decode_relatives", "default_relatives", "encode_relatives"]
