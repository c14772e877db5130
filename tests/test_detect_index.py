"""The detection index's shortcuts give exactly what the plain computations give.

``Index.counts`` sums owner masks widened to 16-bit lanes, and
``Index.phrase_positions`` only tries phrases whose rarest word the text
holds: both exist for speed, so they are checked here against the slow,
obvious computation on the shipped fingerprints and database.
"""

from __future__ import annotations

import random

import pytest

from licscan.detect.fingerprint import Fingerprints, Variant, default_fingerprints, shingles
from licscan.detect.index import LANE, Index, Phrase, index_for
from licscan.detect.modified import Alignment, align, verbatim
from licscan.detect.normalize import tokens
from licscan.licensedb import load_database


@pytest.fixture(scope="module")
def idx() -> Index:
    fps = default_fingerprints()
    if not len(fps):
        pytest.skip("no fingerprints shipped")
    return index_for(load_database(), fps)


def _counted_bit_by_bit(idx: Index, per_id: dict[int, int]) -> list[int]:
    counts = [0] * len(idx.variants)
    for i, n in per_id.items():
        for bit, _ in enumerate(idx.variants):
            if idx.masks[i] >> bit & 1:
                counts[bit] += n
    return counts


def test_lane_counts_are_the_bit_by_bit_counts(idx: Index) -> None:
    rnd = random.Random(7)
    for _ in range(20):
        ids = rnd.sample(range(len(idx.masks)), k=min(len(idx.masks), rnd.randrange(1, 300)))
        per_id = {i: rnd.randrange(1, 40) for i in ids}
        assert list(idx.counts(per_id)) == _counted_bit_by_bit(idx, per_id)


def test_counts_of_a_huge_input_do_not_carry_between_lanes(idx: Index) -> None:
    # 70,000 distinct shingles under one mask overflow a 16-bit lane: the slow path counts them.
    per_id = {0: 70_000, len(idx.masks) - 1: 3}
    assert sum(per_id.values()) >= 1 << LANE
    counts = list(idx.counts(per_id))
    assert counts == _counted_bit_by_bit(idx, per_id)
    assert max(counts) >= 70_000


def test_counts_of_the_gpl_text_itself(idx: Index) -> None:
    # Every shingle of a variant's own text is in that variant: its count is its size.
    variant = next(v for v in idx.variants if v.name == "gpl-3.0")
    per_id: dict[int, int] = {}
    for h in variant.hashes:
        i = idx.owners[h]
        per_id[i] = per_id.get(i, 0) + 1
    assert idx.counts(per_id)[idx.bit["gpl-3.0"]] == variant.size


def _positions_of_every_phrase(idx: Index, words: list[bytes]) -> list[tuple[Phrase, int]]:
    joined = b" " + b" ".join(words) + b" "
    found = []
    for phrase in idx.phrases:
        at = joined.find(phrase.key)
        while at >= 0 and len(found) < 1000:
            found.append((phrase, joined.count(b" ", 0, at)))
            at = joined.find(phrase.key, at + 1)
    return found


def test_phrase_positions_try_every_phrase_that_can_match(idx: Index) -> None:
    # A text made of every phrase of the database, shuffled, with filler between.
    rnd = random.Random(3)
    pieces = [p.text for p in idx.phrases] * 2
    rnd.shuffle(pieces)
    text = " and then ".join(pieces)
    words = tokens(text)
    found = idx.phrase_positions(words)
    assert found == _positions_of_every_phrase(idx, words)
    assert {p for p, _ in found} == set(idx.phrases)


def test_phrase_positions_of_no_phrase(idx: Index) -> None:
    assert idx.phrase_positions(tokens("nothing here names any licence at all")) == []


def test_an_index_without_fingerprints_still_finds_phrases() -> None:
    idx = index_for(load_database(), Fingerprints.empty())
    words = tokens("Apache License\nVersion 2.0, January 2004")
    found = [p.license_id for p, _ in idx.phrase_positions(words)]
    assert found == [p.license_id for p, _ in _positions_of_every_phrase(idx, words)]
    assert "apache-2.0" in found
    assert shingles(words)  # long enough to have shingles, yet no fingerprint to count them against


def test_verbatim_is_what_align_gives_for_an_all_canonical_input() -> None:
    # The engine skips align when every distinct input shingle is canonical: it must lose nothing.
    text = " ".join(f"clause {i} the licensee shall keep notice {i % 7} intact" for i in range(40))
    words = tokens(text)
    variant = Variant.from_words("example", "example", "license", "test", words)
    for sample in (words, words[30:200], words[:13], words[:12]):
        hashes = shingles(sample)
        assert set(hashes) <= variant.hashes
        assert verbatim(len(hashes)) == align(sample, hashes, variant)
    # 13 words give the 8 shingles of an anchoring run; 12 are too few to anchor anything.
    assert verbatim(len(shingles(words[:13]))) == Alignment((), frozenset(), 0, 8)
    assert verbatim(len(shingles(words[:12]))) is None
