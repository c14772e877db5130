"""Per-database lookup structures for text detection, built once and cached.

Building them (normalising ~300 phrases, weighing each against every other
licence) takes a few milliseconds; detection then only does set and dict
lookups. The cache is keyed on the database version and the fingerprint
object, so a test that loads another database gets its own index.
"""

from __future__ import annotations

import bisect
import sys
import threading
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from licscan.detect.fingerprint import Fingerprints, Variant, mask_ids, shingles
from licscan.detect.normalize import joined_words, phrase_key, word_positions
from licscan.licensedb import LicenseDB
from licscan.types import License


@dataclass(frozen=True)
class Phrase:
    license_id: str
    text: str  # as written in license_db
    key: bytes  # its words, space-delimited on both sides: b" llama 3 1 community "
    words: frozenset[bytes]
    weight: float  # 1 / number of licences it could come from
    name: bool = False  # names the licence (a title or URL) rather than quoting its terms
    hashes: frozenset[int] = frozenset()  # its shingles (none when shorter than one)

    def within(self, variant: Variant) -> bool:
        """The phrase is word for word in ``variant``'s text (so it cannot tell that text apart)."""
        return bool(self.hashes) and self.hashes <= variant.hashes


@dataclass(frozen=True, eq=False)
class Index:
    db: LicenseDB
    fingerprints: Fingerprints
    variants: tuple[Variant, ...]  # bit i of an owner mask is variants[i]
    owners: dict[int, int] = field(repr=False)  # shingle hash -> mask id
    masks: tuple[int, ...] = field(repr=False)  # mask id -> bitmask over ``variants``
    phrases: tuple[Phrase, ...] = ()
    bit: dict[str, int] = field(default_factory=dict, repr=False)  # variant name -> its bit in owner masks
    _bits: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)
    sizes: tuple[int, ...] = ()  # variants[i].size, read once per input shingle count
    _overlaps: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    _by_license: dict[str, tuple[Phrase, ...]] = field(default_factory=dict, repr=False)
    # mask id -> the mask with each bit widened to a LANE-bit field: summing
    # ``n * lanes[id]`` over an input's mask ids counts its shingles for every
    # variant at once, in big-int arithmetic instead of a Python loop over bits.
    lanes: tuple[int, ...] = field(default=(), repr=False)
    # Per variant: the key its evidence is scored under (the licence id, or a
    # policy's own name), the policy itself or None, and the database licence.
    targets: tuple[tuple[str, Variant | None, License | None], ...] = field(default=(), repr=False)
    # Rarest word of each phrase -> indexes of the phrases keyed on it: a phrase
    # can only be in a text that holds that word, so most are never looked at.
    _keyed: dict[bytes, tuple[int, ...]] = field(default_factory=dict, repr=False)
    bits_of_key: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)  # score key -> its variants

    def counts(self, per_id: dict[int, int]) -> Sequence[int]:
        """Shingles per variant (``variants`` order), from distinct-shingle counts per mask id."""
        if sum(per_id.values()) >= 1 << LANE:  # a lane could carry into the next: count bit by bit
            slow = [0] * len(self.variants)
            masks = self.masks
            for i, n in per_id.items():
                for bit in self.bits_of(masks[i]):
                    slow[bit] += n
            return slow
        lanes = self.lanes
        total = 0
        for i, n in per_id.items():
            total += n * lanes[i]
        found = array("H")
        found.frombytes(total.to_bytes(LANE // 8 * len(self.variants), "little"))
        if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
            found.byteswap()
        return found

    def bits_of(self, mask: int) -> tuple[int, ...]:
        """The variant indexes set in ``mask`` (cached: a few thousand distinct masks recur in every input)."""
        found = self._bits.get(mask)
        if found is None:
            out = []
            rest = mask
            while rest:
                low = rest & -rest
                out.append(low.bit_length() - 1)
                rest ^= low
            found = self._bits[mask] = tuple(out)
        return found

    def overlap(self, a: Variant, b: Variant) -> float:
        """Share of ``a``'s shingles that ``b``'s text holds too (cached per pair)."""
        key = (a.name, b.name)
        found = self._overlaps.get(key)
        if found is None:
            found = self._overlaps[key] = len(a.hashes & b.hashes) / max(1, a.size)
        return found

    def phrases_of(self, license_id: str) -> tuple[Phrase, ...]:
        return self._by_license.get(license_id, ())

    def phrase_hits(self, words: list[bytes]) -> dict[str, tuple[Phrase, ...]]:
        """Phrases present in ``words``, by licence."""
        hits: dict[str, list[Phrase]] = {}
        for phrase, _ in self.phrase_positions(words):
            found = hits.setdefault(phrase.license_id, [])
            if phrase not in found:
                found.append(phrase)
        return {lic: tuple(found) for lic, found in hits.items()}

    def phrase_positions(self, words: list[bytes]) -> list[tuple[Phrase, int]]:
        """Every occurrence of a phrase in ``words``, with the index of its first word."""
        present = set(words)
        keyed, phrases = self._keyed, self.phrases
        hit = sorted(i for word in present.intersection(keyed) for i in keyed[word])  # in ``phrases`` order
        candidates = [p for p in map(phrases.__getitem__, hit) if p.words <= present]  # cheap before substring search
        if not candidates:
            return []
        joined = joined_words(words)
        found: list[tuple[Phrase, int]] = []
        for phrase in candidates:  # at most 1000 in all: a hostile text repeating a title cannot blow this up
            found.extend((phrase, at) for at in word_positions(joined, phrase.key, 1000 - len(found)))
        return found


_CACHE: dict[tuple[str, int], Index] = {}
_LOCK = threading.Lock()


def index_for(db: LicenseDB, fingerprints: Fingerprints) -> Index:
    key = (db.version, id(fingerprints))
    found = _CACHE.get(key)
    # The version is a hash of the database files, so an equal version is an
    # equal database even when the caller loaded it again.
    if found is not None and found.fingerprints is fingerprints:
        return found
    built = build_index(db, fingerprints)
    with _LOCK:
        if len(_CACHE) >= 8:  # tests build several small databases; keep memory bounded
            _CACHE.clear()
        _CACHE[key] = built
    return built


def build_index(db: LicenseDB, fingerprints: Fingerprints) -> Index:
    # Fingerprints of licences this database does not know are ignored
    # (their bit never scores); policies are kept: they are what an
    # acceptable-use policy text must be recognised as.
    known = {lic.id for lic in db.licenses}
    variants = fingerprints.variants
    usable = [v for v in variants if v.kind == "policy" or v.license_id in known]
    raw: list[tuple[str, str, bytes]] = []
    for lic in db.licenses:
        for text in lic.phrases:
            key = phrase_key(text)
            if key:
                raw.append((lic.id, text, key))
    sources = _Sources(raw, fingerprints, usable)
    phrases = tuple(
        Phrase(
            lic_id,
            text,
            b" " + key + b" ",
            frozenset(key.split()),
            1.0 / sources(lic_id, key),
            is_name(key),
            frozenset(shingles(key.split())),
        )
        for lic_id, text, key in raw
    )
    by_license: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        by_license.setdefault(phrase.license_id, []).append(phrase)
    targets = tuple(
        (v.name, v, None) if v.kind == "policy" else (v.license_id, None, db.get(v.license_id)) for v in variants
    )
    if len(usable) == len(variants):
        owners, masks = fingerprints.owners, fingerprints.masks
    else:
        owners, masks = _without(fingerprints, usable)
    return Index(
        db=db,
        fingerprints=fingerprints,
        variants=variants,
        owners=owners,
        masks=masks,
        phrases=phrases,
        bit={v.name: i for i, v in enumerate(variants)},
        sizes=tuple(v.size for v in variants),
        _by_license={k: tuple(v) for k, v in by_license.items()},
        _keyed=_keyed(phrases),
        lanes=_lanes(masks, len(variants)),
        targets=targets,
        bits_of_key=_bits_of_key(targets),
    )


def _bits_of_key(targets: tuple[tuple[str, Variant | None, License | None], ...]) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = {}
    for bit, (key, _, _) in enumerate(targets):
        found.setdefault(key, []).append(bit)
    return {key: tuple(bits) for key, bits in found.items()}


def _keyed(phrases: tuple[Phrase, ...]) -> dict[bytes, tuple[int, ...]]:
    frequency = Counter(word for phrase in phrases for word in phrase.words)
    keyed: dict[bytes, list[int]] = {}
    for i, phrase in enumerate(phrases):
        if phrase.words:  # phrase_key() drops phrases with no words, so always
            rarest = min(phrase.words, key=lambda w: (frequency[w], w))
            keyed.setdefault(rarest, []).append(i)
    return {word: tuple(found) for word, found in keyed.items()}


# A lane holds one variant's count of distinct input shingles, read back by
# array("H"). 16 bits hold any licence (the longest has ~5,600 shingles) and
# keep the sums short; an input with 65,536 or more distinct shingles, where a
# lane could carry into the next variant's, is counted bit by bit instead.
LANE = 16


def _lanes(masks: tuple[int, ...], n_variants: int) -> tuple[int, ...]:
    width = LANE // 8
    lanes = []
    for mask in masks:
        spread = bytearray(width * n_variants)
        rest = mask
        while rest:
            low = rest & -rest
            spread[width * (low.bit_length() - 1)] = 1
            rest ^= low
        lanes.append(int.from_bytes(spread, "little"))
    return tuple(lanes)


_NAME_WORDS = frozenset(b"license licence agreement terms policy eula".split())


def is_name(key: bytes) -> bool:
    """A phrase that names a licence (title, version line, URL) rather than quoting its terms.

    Another text may name a licence (a compatibility list, "based on the
    Apache License"); only its own text quotes its terms.
    """
    words = key.split()
    return (len(words) <= 12 and bool(_NAME_WORDS.intersection(words))) or b"org" in words or b"http" in words


class _Sources:
    """How many licences a phrase could come from: its own, any whose phrase
    contains it, and any whose canonical text contains it (checkable for
    phrases of at least one shingle). Built to answer ~500 phrases in a few
    milliseconds: one search through all phrases joined, one AND of owner masks."""

    def __init__(self, raw: list[tuple[str, str, bytes]], fingerprints: Fingerprints, usable: list[Variant]) -> None:
        self.blob = b"\n".join(b" " + k + b" " for _, _, k in raw)
        self.starts: list[int] = []
        at = 0
        for _, _, k in raw:
            self.starts.append(at)
            at += len(k) + 3
        self.owners_of = [lic for lic, _, _ in raw]
        self.fingerprints = fingerprints
        wanted = {id(v) for v in usable if v.kind == "license"}
        self.licence_bits = [(bit, v.license_id) for bit, v in enumerate(fingerprints.variants) if id(v) in wanted]

    def __call__(self, lic_id: str, key: bytes) -> int:
        spaced = b" " + key + b" "
        licences = {lic_id}
        at = self.blob.find(spaced)
        while at >= 0:
            licences.add(self.owners_of[bisect.bisect_right(self.starts, at) - 1])
            at = self.blob.find(spaced, at + 1)
        hashes = shingles(key.split())
        if hashes:
            owners, masks = self.fingerprints.owners, self.fingerprints.masks
            common = -1
            for h in hashes:
                mask = owners.get(h)
                common &= masks[mask] if mask is not None else 0
                if not common:
                    break
            if common > 0:
                licences.update(lic for bit, lic in self.licence_bits if common >> bit & 1)
        return len(licences)


def _without(fingerprints: Fingerprints, usable: list[Variant]) -> tuple[dict[int, int], tuple[int, ...]]:
    """Owner index with the bits of unusable variants cleared."""
    wanted = {id(v) for v in usable}
    keep = 0
    for bit, variant in enumerate(fingerprints.variants):
        if id(variant) in wanted:
            keep |= 1 << bit
    masks = fingerprints.masks
    return mask_ids({h: masks[i] & keep for h, i in fingerprints.owners.items() if masks[i] & keep})
