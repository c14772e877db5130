"""Identify a licence from its text: phrases plus canonical-text fingerprints.

Evidence, strongest first:

1. Fingerprint coverage: the share of a licence's canonical 6-word shingles
   present in the input. Near 1 means the whole licence is there, whatever
   header, footer or formatting surrounds it; a run of verbatim shingles
   covering part of it is an excerpt.
2. Phrases from ``license_db`` (titles, version lines): they name a licence
   even in a short passage, and they are the only evidence for licences
   without a reference text. A phrase several licences share weighs less.

Versions of one licence (Llama 3.1 / 3.2 / 3.3) share most of their wording,
so when two candidates score alike the decision is made only on what tells
them apart: shingles one has and the other lacks, then phrases unique to
one. If nothing tells them apart the answer is ``None`` with both listed:
never a guess.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from licscan.detect.fingerprint import SHINGLE, Fingerprints, Variant, default_fingerprints, shingles
from licscan.detect.index import Index, Phrase, index_for
from licscan.detect.modified import find_gaps, passages
from licscan.detect.normalize import tokens
from licscan.licensedb import LicenseDB
from licscan.types import License

Kind = Literal["full", "excerpt", "modified", "none"]

MAX_CHARS = 4 * 1024 * 1024  # a licence is ~10-40 KB; cap hostile input so detection stays fast
THRESHOLD = 0.5  # below: no licence, only candidates
FULL_COVERAGE = 0.85  # this much of the canonical text present: the whole licence
MIN_SHINGLES = 15  # verbatim run needed for an excerpt (~20 words): less is chance or boilerplate
TIE_MARGIN = 0.05  # candidates closer than this are decided on discriminating evidence only


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float


@dataclass(frozen=True)
class Detection:
    """What a text is, with the evidence for it.

    ``kind``: ``full`` (the whole canonical text, whatever surrounds it),
    ``excerpt`` (part of it, or only its distinctive phrases), ``modified``
    (identified, but with ``modified_passages`` that are not canonical
    wording), ``none`` (no licence: ``candidates`` lists the closest, and
    ``document`` names a known policy text such as an acceptable-use policy).
    """

    license: License | None
    confidence: float
    matched_phrases: tuple[str, ...]
    candidates: tuple[Candidate, ...]  # top others (all top ones when license is None)
    coverage: float  # share of the canonical text's shingles found in the input
    containment: float  # share of the input's shingles that are canonical
    modified_passages: tuple[str, ...]
    kind: Kind
    variant: str | None = None  # fingerprint that matched (``openrail++--sd2``)
    document: str | None = None  # a known non-licence document, e.g. an acceptable-use policy

    @property
    def license_id(self) -> str | None:
        return self.license.id if self.license else None


@dataclass
class _Score:
    """Evidence for one licence (or policy document) gathered from one input."""

    key: str  # licence id, or the variant name of a policy
    license: License | None
    policy: Variant | None = None
    variant: Variant | None = None
    matched: int = 0  # unique input shingles found in ``variant``
    coverage: float = 0.0
    phrases: tuple[Phrase, ...] = ()
    fp_score: float = 0.0
    phrase_score: float = 0.0

    @property
    def score(self) -> float:
        return max(self.fp_score, self.phrase_score)

    @property
    def weight(self) -> float:
        return sum(p.weight for p in self.phrases)


def detect_text(text: str, db: LicenseDB, *, fingerprints: Fingerprints | None = None) -> Detection:
    """Identify the licence ``text`` is (or quotes), with evidence; never raises on odd input.

    ``fingerprints`` defaults to the shipped ones, read on first use; pass
    ``Fingerprints.empty()`` for phrase-only detection. The per-database
    index is built on first use and cached.
    """
    fps = fingerprints if fingerprints is not None else default_fingerprints()
    idx = index_for(db, fps)
    words = tokens(text[:MAX_CHARS])
    hashes = shingles(words)
    present = set(hashes)
    unique = len(present)
    # Distinct input shingles per owner mask (which canonical texts hold
    # them): every count below is a sum over these few masks.
    per_id = Counter(map(idx.owners.get, present))
    per_id.pop(None, None)
    per_mask = Counter({idx.masks[i]: n for i, n in per_id.items() if i is not None})
    scores = _score(idx, words, per_mask)
    ranked = sorted(scores.values(), key=lambda s: (-s.score, -s.matched, s.key))
    licence = next((s for s in ranked if s.policy is None), None)
    if licence is not None and licence.score >= THRESHOLD:
        # A policy that explains less of the input than a licence is part of
        # that licence's text (Meta's llama3 LICENSE, FAIR's licence), not the document.
        ranked = [s for s in ranked if s.policy is None or s.matched > licence.matched]
    if not ranked or ranked[0].score < THRESHOLD:
        return _none(ranked, unique)
    best, tied = _decide(ranked, idx, per_mask)
    if best is None:
        return _none(ranked, unique, tied=tied)
    if best.policy is not None:
        return _none(ranked, unique, document=best.policy)
    return _found(text, words, hashes, idx, best, ranked, unique)


def _score(idx: Index, words: list[bytes], per_mask: Counter[int]) -> dict[str, _Score]:
    scores: dict[str, _Score] = {}
    if per_mask:
        _score_fingerprints(idx, per_mask, scores)
    for lic_id, found in idx.phrase_hits(words).items():
        entry = scores.get(lic_id)
        if entry is None:
            entry = scores[lic_id] = _Score(lic_id, idx.db.get(lic_id))
        entry.phrases = found
        entry.phrase_score = _phrase_score(found, len(idx.phrases_of(lic_id)))
    return scores


def _score_fingerprints(idx: Index, per_mask: Counter[int], scores: dict[str, _Score]) -> None:
    counts = [0] * len(idx.variants)
    for mask, n in per_mask.items():
        while mask:
            low = mask & -mask
            counts[low.bit_length() - 1] += n
            mask ^= low
    for variant, matched in zip(idx.variants, counts, strict=True):
        if not matched:
            continue
        key = variant.name if variant.kind == "policy" else variant.license_id
        entry = scores.get(key)
        if entry is None:
            policy = variant if variant.kind == "policy" else None
            entry = scores[key] = _Score(key, None if policy else idx.db.get(key), policy=policy)
        coverage = matched / variant.size
        if matched > entry.matched or (matched == entry.matched and coverage > entry.coverage):
            entry.variant, entry.matched, entry.coverage = variant, matched, coverage
            entry.fp_score = _fp_score(matched, coverage)


def _fp_score(matched: int, coverage: float) -> float:
    if coverage >= FULL_COVERAGE:  # the licence is all there: 0.9 .. 1.0
        return 0.9 + 0.1 * (coverage - FULL_COVERAGE) / (1 - FULL_COVERAGE)
    if matched >= MIN_SHINGLES:  # an excerpt: 0.55 .. 0.85, more text more certain
        return 0.55 + 0.3 * coverage / FULL_COVERAGE
    return 0.4 * matched / MIN_SHINGLES  # a few shared shingles: a candidate, never a match


def _phrase_score(found: tuple[Phrase, ...], total: int) -> float:
    # One phrase unique to the licence (a title) is enough for a match (0.64);
    # one shared with other versions is not (0.45 when four share it).
    strength = min(2.0, sum(p.weight for p in found))
    share = len(found) / total if total else 0.0
    return min(0.85, 0.35 + 0.25 * strength + 0.15 * share)


def _decide(ranked: list[_Score], idx: Index, per_mask: Counter[int]) -> tuple[_Score | None, tuple[_Score, ...]]:
    """The winner, or None and the candidates that could not be told apart.

    Candidates within ``TIE_MARGIN`` of the best score form a group; the
    winner is the one member that beats every other on discriminating
    evidence. Two versions that the input cannot tell apart leave no winner,
    even when a third candidate is close behind.
    """
    top = ranked[0].score
    group = [s for s in ranked[:8] if s.score >= top - TIE_MARGIN]
    if len(group) == 1:
        return group[0], ()
    for member in group:
        if all(_discriminate(member, other, idx, per_mask) is member for other in group if other is not member):
            return member, ()
    return None, tuple(group[:2])


def _only(mine: Variant, theirs: Variant, idx: Index, per_mask: Counter[int]) -> int:
    """Distinct input shingles in ``mine``'s canonical text but not in ``theirs``."""
    bit_mine = 1 << idx.variants.index(mine)
    bit_theirs = 1 << idx.variants.index(theirs)
    return sum(n for mask, n in per_mask.items() if mask & bit_mine and not mask & bit_theirs)


def _discriminate(a: _Score, b: _Score, idx: Index, per_mask: Counter[int]) -> _Score | None:
    # A family id (``gpl``, ``cc``) is the answer only when no member licence
    # is in the running: GPL-3.0's text also says "GNU General Public License".
    family_a, family_b = (s.license is not None and s.license.family for s in (a, b))
    if family_a != family_b:
        return b if family_a else a
    # A policy document and the licence that incorporates it: whichever
    # explains more of the input (a licence with its policy appended is the licence).
    if (a.policy is None) != (b.policy is None) and a.matched != b.matched:
        return a if a.matched > b.matched else b
    if a.variant is not None and b.variant is not None:
        only_a = _only(a.variant, b.variant, idx, per_mask)
        only_b = _only(b.variant, a.variant, idx, per_mask)
        if only_a != only_b:
            return a if only_a > only_b else b
    if a.weight != b.weight:
        return a if a.weight > b.weight else b
    if a.score - b.score >= TIE_MARGIN:
        return a
    return None


def _none(
    ranked: list[_Score], unique: int, tied: tuple[_Score, ...] = (), document: Variant | None = None
) -> Detection:
    top = list(tied) + [s for s in ranked if s not in tied and s.policy is None]
    best = ranked[0] if ranked else None
    return Detection(
        license=None,
        confidence=0.0,
        matched_phrases=tuple(p.text for s in (tied or ranked[:1]) for p in s.phrases),
        candidates=tuple(_candidate(s) for s in top[:3] if s.score > 0),
        coverage=round(best.coverage, 4) if best else 0.0,
        containment=round(best.matched / unique, 4) if best and unique else 0.0,
        modified_passages=(),
        kind="none",
        variant=document.name if document else None,
        document=document.name if document else None,
    )


def _candidate(s: _Score) -> Candidate:
    return Candidate(s.key, round(s.score, 3))


def _found(
    text: str,
    words: list[bytes],
    hashes: list[int],
    idx: Index,
    best: _Score,
    ranked: list[_Score],
    unique: int,
) -> Detection:
    assert best.license is not None
    others = [s for s in ranked if s is not best and s.policy is None and s.score > 0]
    kind: Kind
    found_passages: tuple[str, ...] = ()
    coverage, confidence = best.coverage, best.score
    if best.variant is not None and best.matched >= MIN_SHINGLES and best.fp_score >= best.phrase_score - 0.2:
        gaps, hidden = find_gaps(words, hashes, best.variant)
        # Shingles that only list markers hid from the input are present in substance.
        matched = best.matched + len(hidden.difference(hashes))
        coverage = min(1.0, matched / best.variant.size)
        confidence = max(best.phrase_score, _fp_score(matched, coverage))
        if gaps:
            kind = "modified"
            found_passages = passages(text[:MAX_CHARS], words, gaps)
        else:
            kind = "full" if coverage >= FULL_COVERAGE else "excerpt"
    else:
        # Phrases only (no fingerprint, or too little verbatim text): without
        # the canonical text, "full" needs most of the licence's phrases.
        total = len(idx.phrases_of(best.key))
        kind = "full" if best.variant is None and total >= 3 and len(best.phrases) >= 0.75 * total else "excerpt"
    return Detection(
        license=best.license,
        confidence=round(confidence, 3),
        matched_phrases=tuple(p.text for p in best.phrases),
        candidates=tuple(_candidate(s) for s in others[:3]),
        coverage=round(coverage, 4),
        containment=round(best.matched / unique, 4) if unique else 0.0,
        modified_passages=found_passages,
        kind=kind,
        variant=best.variant.name if best.variant else None,
    )


__all__ = ["SHINGLE", "Candidate", "Detection", "Kind", "detect_text"]
