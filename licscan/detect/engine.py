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

Then what the input adds to the best match is read (``departures``): a
text is reported as licence X only when what it adds or changes is harmless
(typos, names filled in, formatting, a title or copyright line). Changes
that restrict use make it ``unknown`` with a ``restrictions`` list; changes
too large to be a copy of X (an older or newer version, a derived licence,
another licence sharing X's boilerplate) make it ``unknown`` with X among
the candidates. Unless the text names its own licence, and that licence is
in the database: a derived licence under its own title is that licence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

from licscan.detect.context import counts_as_own, granted, is_mention, listed, looks_like_code
from licscan.detect.departures import PRESENT, Departures, Source, departures, unexplained_terms
from licscan.detect.fingerprint import SHINGLE, Fingerprints, Variant, default_fingerprints, shingles
from licscan.detect.index import Index, Phrase, index_for
from licscan.detect.modified import Alignment, align, verbatim
from licscan.detect.normalize import joined_words, line_starts, phrase_key, tokens, word_positions
from licscan.detect.relatives import Relatives, default_relatives
from licscan.licensedb import LicenseDB
from licscan.types import License, LicenseClass

Kind = Literal["full", "excerpt", "modified", "none"]

MAX_CHARS = 4 * 1024 * 1024  # a licence is ~10-40 KB; cap hostile input so detection stays fast
THRESHOLD = 0.5  # below: no licence, only candidates
FULL_COVERAGE = 0.85  # this much of the canonical text present: the whole licence
MIN_SHINGLES = 15  # verbatim run needed for an excerpt (~20 words): less is chance or boilerplate
DISCRIMINATING = 2  # shingles one candidate must hold beyond the other to be told apart
TIE_MARGIN = 0.05  # candidates closer than this are decided on discriminating evidence only
# A licence whose canonical text holds this share of the anchor's shingles explains its region too (MIT in X11).
OWN_SHARE = 0.9
PLACEHOLDER_SLACK = 16  # shingles a long passage may lack of another copy of its text (a few placeholders)
# Licences whose text incorporates another's, shipped together in one file:
# the LGPL-3.0 "incorporates the terms and conditions of version 3 of the
# GNU General Public License", and COPYING.LESSER files often carry both.
EMBEDS = {"lgpl-3.0": ("gpl-3.0",)}


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
    wording; with ``license`` None when the changes restrict use),
    ``none`` (no licence: ``candidates`` lists the closest, and
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
    # Restricting changes to the closest licence (``candidates[0]``): the
    # reason for each (``CUES`` keys of ``restrictions``) and the passages, as written.
    restrictions: tuple[str, ...] = ()
    restricted_passages: tuple[str, ...] = ()
    # Why a text close to a known licence is not it: "restricted", "departs"
    # (too much added or changed), "shared" (an excerpt stricter licences'
    # texts hold too), or "" when the text is the licence or matches nothing.
    unknown_reason: str = ""
    # With "shared": the stricter licences whose texts hold the excerpt (database ids, SPDX ids).
    shared_with: tuple[str, ...] = ()

    @property
    def license_id(self) -> str | None:
        return self.license.id if self.license else None


@dataclass(slots=True)  # ~100 per input (most texts share a few shingles with most licences)
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
    named_at: tuple[int, ...] = ()  # word positions where a phrase names this licence
    titled: bool = False  # one of the text's first lines is this licence's name

    @property
    def score(self) -> float:
        return max(self.fp_score, self.phrase_score)

    @property
    def weight(self) -> float:
        return sum(p.weight for p in self.phrases)


def detect_text(
    text: str, db: LicenseDB, *, fingerprints: Fingerprints | None = None, relatives: Relatives | None = None
) -> Detection:
    """Identify the licence ``text`` is (or quotes), with evidence; never raises on odd input.

    ``fingerprints`` defaults to the shipped ones, read on first use; pass
    ``Fingerprints.empty()`` for phrase-only detection. ``relatives`` (the
    stricter texts built on permissive ones, ``detect.relatives``) go with
    the fingerprints they were built from: the shipped ones (by default, or
    passed as ``default_fingerprints()``), none with other fingerprints. The
    per-database index is built on first use and cached.
    """
    fps = fingerprints if fingerprints is not None else default_fingerprints()
    idx = index_for(db, fps)
    words = tokens(text[:MAX_CHARS])
    hashes = shingles(words)
    present = set(hashes)
    unique = len(present)
    # Distinct input shingles per owner mask (which canonical texts hold
    # them): every count below is a sum over these few masks.
    per_id: Counter[int | None] = Counter(map(idx.owners.get, present))
    per_id.pop(None, None)
    # Keyed by mask id: the mask itself is idx.masks[id] (counting small ids is the fast part).
    per_mask = cast("Counter[int]", per_id)
    scores: dict[str, _Score] = {}
    held = _score_fingerprints(idx, per_mask, scores) if per_mask else _Held((), set(), 0.0)
    anchor = _anchor(scores, words, hashes, unique)
    _score_phrases(idx, text, words, scores, anchor, held)
    titled = _title(text, db)
    if titled is not None and (titled.id in scores or _score_held(idx, held, titled.id, scores)):
        scores[titled.id].titled = True
    ranked = sorted(scores.values(), key=_rank)
    if held.keys and sum(1 for s in ranked if s.policy is None and s.score > held.cut) < HELD_UNLESS:
        # Too few candidates above the held-back ones to fill every candidate list: score them all.
        for key in list(held.keys):
            _score_held(idx, held, key, scores)
        ranked = sorted(scores.values(), key=_rank)
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
    known = anchor[1] if anchor is not None and anchor[0] is best else None
    # Other whole texts in the input explain words around the licence: a
    # policy appended, the GPL shipped with the LGPL. Not texts that are
    # rather other readings of the same words (ECL-2.0 or a licence built on
    # Apache-2.0 for an Apache text): they say nothing about what was added.
    whole = 0
    for s in scores.values():
        if s.variant is None or s is best or s.coverage < PRESENT:
            continue
        if best.variant is None or idx.overlap(s.variant, best.variant) < PRESENT:
            whole |= 1 << idx.bit[s.variant.name]
    if _inside_larger(best, scores, idx, per_mask):
        return _unknown(best, ranked, unique, "departs")
    found = _found(text, words, hashes, idx, best, ranked, unique, known, whole)
    if _partial(found, best, present) and not (best.titled or best.named_at or _grants_under(words, best.license)):
        if relatives is None:  # they go with the fingerprints they were built from: the shipped ones
            relatives = default_relatives() if fps is default_fingerprints() else Relatives.empty()
        stricter = _stricter_holders(best, idx, per_mask, present, relatives)
        if stricter:
            return _unknown(best, ranked, unique, "shared", coverage=found.coverage, shared_with=stricter)
    return found


def _grants_under(words: list[bytes], lic: License | None) -> bool:
    """The input grants under ``lic``'s own name ("Licensed under the Apache License, Version 2.0",
    the notice that source-available licences quote as their future licence): it says which licence
    it is, whatever stricter texts quote it. Only on the rare path of a shared excerpt."""
    if lic is None:
        return False
    joined = joined_words(words)
    for name in {lic.name, lic.spdx_id or "", *lic.aliases}:
        key = phrase_key(name)
        if len(key) < 6:  # "mit", "bsd-3": as bare words, too common to be a grant
            continue
        for at in word_positions(joined, b" " + key + b" "):
            if granted(words, at) and not is_mention(words, at):
                return True
    return False


def holds_passage(matched: int) -> float:
    """Shingles of ``matched`` another text must hold to hold the passage: all but a few
    (copies of one text differ in a placeholder or a word: up to 1 - ``OWN_SHARE`` of a short
    passage, at most ``PLACEHOLDER_SLACK`` of a long one, since a long passage holds no more
    placeholders), and never more than all but ``DISCRIMINATING`` at each end (a heading's or
    a footer's seam with the text is chance). Whole clauses the other text lacks (CC BY 4.0's
    legal code against CC BY-NC's: 30 shingles) tell the two apart."""
    return matched - max(2 * DISCRIMINATING, min((1 - OWN_SHARE) * matched, PLACEHOLDER_SLACK))


def _partial(found: Detection, best: _Score, present: set[int]) -> bool:
    """The input holds part of ``best``'s text: verbatim, or edited and without the
    text's first or last words (a whole copy with a name changed keeps both)."""
    if found.license is not best.license or best.variant is None or found.coverage >= FULL_COVERAGE:
        return False
    if found.kind == "excerpt":
        return True
    return found.kind == "modified" and (best.variant.head not in present or best.variant.tail not in present)


def _stricter_holders(
    best: _Score, idx: Index, per_mask: Counter[int], present: set[int], relatives: Relatives
) -> tuple[str, ...]:
    """Licences more restrictive than ``best`` whose texts hold all the input
    shares with ``best``'s (BSD-3-Clause's clauses inside the no-military
    licence, MIT's grant inside Moonshot's modified MIT). A part of the text
    cannot tell them apart; the whole text can, and an excerpt "titled" or
    granted under ``best``'s own name (``_grants_under``) says which it is.
    "All" is ``holds_passage``: copies of one text differ in a placeholder
    ("copyright holder", "<organization>") or a word. Every variant is
    counted, not only the scored ones: a licence held back for sharing few
    shingles with the input may hold all of a short excerpt."""
    assert best.license is not None
    rank = best.license.license_class.rank
    need = holds_passage(best.matched)
    if best.variant is None or rank < 0 or need <= 0:
        return ()
    mine = 1 << idx.bit[best.variant.name]
    masks = idx.masks
    shared = idx.counts({i: n for i, n in per_mask.items() if masks[i] & mine})
    held: dict[str, int] = {}
    for (key, policy, lic), n in zip(idx.targets, shared, strict=True):
        if n < need or policy is not None or lic is None or lic.family or key == best.key:
            continue
        if lic.license_class.rank > rank:
            held[key] = max(n, held.get(key, 0))
    matched = present & best.variant.hashes
    related = relatives.holding(matched, rank, holds_passage(len(matched)))
    return (*sorted(held, key=lambda k: (-held[k], k)), *(r.name for r in related))


def _inside_larger(best: _Score, scores: dict[str, _Score], idx: Index, per_mask: Counter[int]) -> bool:
    """The input is a large part of another known licence text that also holds
    most of ``best``'s words (SSLeay's licence, a part of OpenSSL's, read as
    BSD-4-Clause): it is a piece of that text, rewritten beyond ``best``, and
    neither. A text shipped beside the licence (the GPL after the LGPL, Meta's
    policy after its licence) shares few of the licence's words."""
    if best.variant is None or not best.matched:
        return False
    mine = 1 << idx.bit[best.variant.name]
    masks = idx.masks  # ``per_mask`` counts by mask id
    for s in scores.values():
        if s is best or s.variant is None or s.policy is not None or s.coverage < PRESENT:
            continue
        # Half as much again: a heading's shingle more (Moonshot's "Modified MIT" over MIT) is chance.
        if s.matched - best.matched < max(MIN_SHINGLES, PRESENT * best.matched):
            continue
        theirs = 1 << idx.bit[s.variant.name]
        shared = sum(n for i, n in per_mask.items() if masks[i] & mine and masks[i] & theirs)
        if shared >= PRESENT * best.matched:
            return True
    return False


def _anchor(
    scores: dict[str, _Score], words: list[bytes], hashes: list[int], unique: int
) -> tuple[_Score, Alignment] | None:
    """The licence text that the input most plainly contains, and where: phrases
    of other licences inside that region are part of its text (the EUPL's
    list of compatible licences, the GPL named inside the LGPL), not evidence."""
    top = max(
        (s for s in scores.values() if s.variant is not None and s.policy is None and s.matched >= MIN_SHINGLES),
        key=lambda s: (s.matched, s.key),
        default=None,
    )
    if top is None or top.variant is None:
        return None
    found = _align(words, hashes, top, unique)
    return (top, found) if found is not None else None


def _align(words: list[bytes], hashes: list[int], best: _Score, unique: int) -> Alignment | None:
    assert best.variant is not None
    # Every distinct input shingle in the licence's text: the input is the licence, verbatim.
    return verbatim(len(hashes)) if best.matched == unique else align(words, hashes, best.variant)


_TITLE_MARKUP = re.compile(r"^[\s#*_>=-]+|[\s#*_=-]+$")


def _title(text: str, db: LicenseDB) -> License | None:
    """The licence a text's title line names (``MIT License``, ``The GLM-4 License``).

    Only the first few non-empty lines, and only a line that is a licence's
    name or alias as a whole: a title, not a sentence that mentions one.
    """
    seen = 0
    for line in text[:2000].splitlines():
        line = _TITLE_MARKUP.sub("", line)
        if not line:
            continue
        if len(line) <= 80:
            lic = db.lookup(line)
            if lic is not None and not lic.family and lic.id not in ("other", "unknown"):
                return lic
        seen += 1
        if seen >= 3:
            break
    return None


def _family(license_id: str) -> str:
    """``llama3.1`` -> ``llama``, ``cc-by-nc-4.0`` -> ``cc-by-nc``: versions of one licence are one name in a list."""
    return re.sub(r"[\d.]+", "", license_id).strip("-")


def _score_phrases(
    idx: Index,
    text: str,
    words: list[bytes],
    scores: dict[str, _Score],
    anchor: tuple[_Score, Alignment] | None,
    held: _Held,
) -> None:
    positions = idx.phrase_positions(words)
    if not positions:
        return
    region = (anchor[1].start, anchor[1].end + SHINGLE - 1) if anchor else (0, 0)
    # Licences whose own canonical text explains the region about as well as
    # the anchor's (MIT inside X11's text) keep their phrases there.
    owners = {k for k, s in scores.items() if anchor and s.matched >= OWN_SHARE * anchor[0].matched}
    names = [(p, at) for p, at in positions if p.name and not region[0] <= at < region[1]]
    code = bool(names) and looks_like_code(text)
    # Only names outside the anchor need the line starts: most texts have none (wrapping a cache costs ~2 µs).
    starts = functools.cache(lambda: line_starts(text[:MAX_CHARS])) if names else dict
    in_list = listed([(_family(p.license_id), at) for p, at in names])
    kept: dict[str, list[Phrase]] = {}
    named: dict[str, list[int]] = {}
    for phrase, at in positions:
        inside = region[0] <= at < region[1]
        if inside and phrase.license_id not in owners:
            continue  # words of the anchoring licence's own text
        if phrase.name and not inside:
            if (
                code
                or at in in_list
                or is_mention(words, at)
                or not counts_as_own(words, at, len(phrase.key.split()), starts)
            ):
                continue
            named.setdefault(phrase.license_id, []).append(at)
        found = kept.setdefault(phrase.license_id, [])
        if phrase not in found:
            found.append(phrase)
    for lic_id, found in kept.items():
        entry = scores.get(lic_id) or _score_held(idx, held, lic_id, scores)
        if entry is None:
            entry = scores[lic_id] = _Score(lic_id, idx.db.get(lic_id))
        entry.phrases = tuple(found)
        entry.phrase_score = _phrase_score(entry.phrases, len(idx.phrases_of(lic_id)))
        entry.named_at = tuple(named.get(lic_id, ()))


@dataclass
class _Held:
    """Licences the input shares only a few scattered shingles with (most
    texts share some with most licences): fewer than ``OWN_SHARE *
    MIN_SHINGLES``, under ``PRESENT`` of the text, not a policy. They can
    neither anchor, win, tie nor explain text around a licence; they only
    fill candidate lists, so they are scored when a phrase or a title names
    one of them, or when the lists reach down to them (``HELD_UNLESS``)."""

    counts: Sequence[int]  # distinct input shingles per variant
    keys: set[str]  # score keys not scored yet
    cut: float  # the highest score any of them would get


# Candidates (not policies) scoring above every held-back licence that make
# scoring those needless: candidate lists hold three besides the winner, and
# a tie names two.
HELD_UNLESS = 6


def _score_fingerprints(idx: Index, per_mask: Counter[int], scores: dict[str, _Score]) -> _Held:
    counts = idx.counts(per_mask)
    strong = {
        key
        for matched, size, (key, policy, _) in zip(counts, idx.sizes, idx.targets, strict=True)
        if matched and (policy is not None or matched >= OWN_SHARE * MIN_SHINGLES or matched / size >= PRESENT)
    }
    held: set[str] = set()
    most = 0
    for bit, matched in enumerate(counts):
        if not matched:
            continue
        key = idx.targets[bit][0]
        if key in strong:
            _add_variant(idx, bit, matched, scores)
        else:
            held.add(key)
            if matched > most:
                most = matched
    return _Held(counts, held, _fp_score(most, 0.0))


def _score_held(idx: Index, held: _Held, key: str, scores: dict[str, _Score]) -> _Score | None:
    """Score a held-back licence now (None when the input shares nothing with it)."""
    if key not in held.keys:
        return None
    held.keys.discard(key)
    for bit in idx.bits_of_key[key]:
        if held.counts[bit]:
            _add_variant(idx, bit, held.counts[bit], scores)
    return scores[key]


def _add_variant(idx: Index, bit: int, matched: int, scores: dict[str, _Score]) -> None:
    """Evidence of one variant for its licence (or policy): the variant sharing most shingles stands for it."""
    key, policy, lic = idx.targets[bit]
    entry = scores.get(key)
    if entry is None:
        entry = scores[key] = _Score(key, lic, policy=policy)
    coverage = matched / idx.sizes[bit]
    if matched > entry.matched or (matched == entry.matched and coverage > entry.coverage):
        entry.variant, entry.matched, entry.coverage = idx.variants[bit], matched, coverage
        entry.fp_score = _fp_score(matched, coverage)


def _rank(s: _Score) -> tuple[float, int, str]:
    return (-s.score, -s.matched, s.key)


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
    """Distinct input shingles in ``mine``'s canonical text but not in ``theirs``
    (``per_mask``: distinct input shingles per owner mask id)."""
    bit_mine = 1 << idx.bit[mine.name]
    bit_theirs = 1 << idx.bit[theirs.name]
    masks = idx.masks
    return sum(n for i, n in per_mask.items() if masks[i] & bit_mine and not masks[i] & bit_theirs)


def _discriminate(a: _Score, b: _Score, idx: Index, per_mask: Counter[int]) -> _Score | None:
    # A file with both texts of a licence and the licence it incorporates is the outer licence.
    for outer, inner in ((a, b), (b, a)):
        if inner.key in EMBEDS.get(outer.key, ()) and outer.coverage >= FULL_COVERAGE:
            return outer
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
        # One shingle is chance: the seam of a heading and the licence's
        # first words ("License" + "Permission is hereby granted").
        if abs(only_a - only_b) >= DISCRIMINATING:
            return a if only_a > only_b else b
    # A title line naming one of them ("MIT License" over a text X11 also holds).
    if a.titled != b.titled:
        return a if a.titled else b
    # Then phrases: only those the other's canonical text does not also hold.
    weight_a, weight_b = _weight(a, b), _weight(b, a)
    if weight_a != weight_b:
        return a if weight_a > weight_b else b
    if a.score - b.score >= TIE_MARGIN:
        return a
    return None


def _weight(mine: _Score, theirs: _Score) -> float:
    other = theirs.variant
    return sum(p.weight for p in mine.phrases if other is None or not p.within(other))


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


def _own_title(best: _Score, ranked: list[_Score], al: Alignment) -> _Score | None:
    """A database licence the text names as its own, outside the text it shares
    with ``best`` (a derived licence under its own title), at least as restrictive."""
    assert best.license is not None
    region = range(al.start, al.end)
    for other in ranked:
        lic = other.license
        if other is best or lic is None or lic.family or other.policy is not None:
            continue
        if other.phrase_score < THRESHOLD and not other.titled:
            continue
        if lic.license_class.rank < best.license.license_class.rank:
            continue
        if other.variant is not None and other.matched < PRESENT * best.matched:
            continue  # its whole text is the first of several the input holds (PSF's, before BeOpen's and CNRI's)
        if other.titled or any(
            at not in region or any(g.changed[0] <= at < g.changed[1] for g in al.gaps) for at in other.named_at
        ):
            return other
    return None


def _found(
    text: str,
    words: list[bytes],
    hashes: list[int],
    idx: Index,
    best: _Score,
    ranked: list[_Score],
    unique: int,
    aligned: Alignment | None = None,
    present: int = 0,
) -> Detection:
    assert best.license is not None
    kind: Kind
    found_passages: tuple[str, ...] = ()
    coverage, confidence = best.coverage, best.score
    if best.variant is not None and best.matched >= MIN_SHINGLES and best.fp_score >= best.phrase_score - 0.2:
        al = aligned if aligned is not None else _align(words, hashes, best, unique)
        if al is None:
            # Shared wording scattered through another text (a disclaimer, a
            # definition), with no verbatim run of the licence: not the licence.
            return _unknown(best, ranked, unique, "departs")
        # Shingles that only list markers hid from the input are present in substance.
        matched = best.matched + len(al.recovered.difference(hashes))
        coverage = min(1.0, matched / best.variant.size)
        confidence = max(best.phrase_score, _fp_score(matched, coverage))
        doc = Source(text[:MAX_CHARS], words)
        dep = departures(doc, hashes, idx, al, present | 1 << idx.bit[best.variant.name], best.variant)
        # An excerpt is held to what it holds of the licence: 13 words of
        # another licence's terms around 40 of this one's are not a name filled in.
        if dep.restrictions or dep.substantial(min(best.variant.size, al.end - al.start) + SHINGLE - 1):
            own = _own_title(best, ranked, al)
            if own is not None:
                return _by_phrases(own, [s for s in ranked if s is not own], idx, unique)
            changed = doc.passages(dep.gaps)
            return _unknown(
                best, ranked, unique, "restricted" if dep.restrictions else "departs", dep, changed, coverage
            )
        if dep.gaps:
            kind = "modified"
            found_passages = doc.passages(dep.gaps)
        else:
            kind = "full" if coverage >= FULL_COVERAGE else "excerpt"
    else:
        restricting = _restricting_terms(text, words, hashes, idx, best)
        if restricting is not None:
            return _unknown(best, ranked, unique, "restricted", restricting)
        return _by_phrases(best, ranked, idx, unique)
    others = [s for s in ranked if s is not best and s.policy is None and s.score > 0]
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


def _restricting_terms(text: str, words: list[bytes], hashes: list[int], idx: Index, best: _Score) -> Departures | None:
    """A permissive or copyleft licence named (or quoted) in a text that imposes
    restrictions of its own in words that licence's text does not hold (a
    freeware EULA quoting zlib's misrepresentation clause, a royalty-free
    licence offering the GPL as an alternative): that text is not the licence."""
    assert best.license is not None
    if best.license.license_class.rank > LicenseClass.COPYLEFT.rank:
        return None  # a restricted licence's own terms restrict: nothing more permissive is claimed
    own = sum(1 << bit for bit in idx.bits_of_key.get(best.key, ()))  # the licence's own texts
    dep = unexplained_terms(Source(text[:MAX_CHARS], words), hashes, idx, own)
    return dep if dep.restrictions else None


def _by_phrases(best: _Score, ranked: list[_Score], idx: Index, unique: int) -> Detection:
    # Phrases only (no fingerprint, or too little verbatim text): without
    # the canonical text, "full" needs most of the licence's phrases.
    assert best.license is not None
    total = len(idx.phrases_of(best.key))
    kind: Kind = "full" if best.variant is None and total >= 3 and len(best.phrases) >= 0.75 * total else "excerpt"
    others = [s for s in ranked if s is not best and s.policy is None and s.score > 0]
    return Detection(
        license=best.license,
        confidence=round(best.phrase_score if best.variant is None else best.score, 3),
        matched_phrases=tuple(p.text for p in best.phrases),
        candidates=tuple(_candidate(s) for s in others[:3]),
        coverage=round(best.coverage, 4),
        containment=round(best.matched / unique, 4) if unique else 0.0,
        modified_passages=(),
        kind=kind,
        variant=best.variant.name if best.variant else None,
    )


def _unknown(
    best: _Score,
    ranked: list[_Score],
    unique: int,
    reason: str,
    dep: Departures | None = None,
    changed: tuple[str, ...] = (),
    coverage: float | None = None,
    shared_with: tuple[str, ...] = (),
) -> Detection:
    """Close to ``best`` but not it: ``best`` heads the candidates."""
    others = [s for s in ranked if s is not best and s.policy is None and s.score > 0]
    restricted = reason == "restricted" and dep is not None
    return Detection(
        license=None,
        confidence=0.0,
        matched_phrases=tuple(p.text for p in best.phrases),
        candidates=tuple(_candidate(s) for s in [best, *others][:3]),
        coverage=round(best.coverage if coverage is None else coverage, 4),
        containment=round(best.matched / unique, 4) if unique else 0.0,
        modified_passages=changed,
        kind="modified" if restricted else "none",
        variant=best.variant.name if best.variant else None,
        restrictions=tuple(r.reason for r in dep.restrictions) if restricted and dep else (),
        restricted_passages=dep.restricted_passages if restricted and dep else (),
        unknown_reason=reason,
        shared_with=shared_with,
    )


__all__ = ["SHINGLE", "Candidate", "Detection", "Kind", "detect_text"]
