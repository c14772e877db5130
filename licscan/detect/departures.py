"""What an input adds to, or changes in, the licence text it reads as.

Detection has found the licence whose canonical text the input most plainly
holds (``engine``) and where (``modified.align``). This module reads the rest:
the gaps inside the licence, and the words around it that no other whole
known text explains (an appended policy, the GPL shipped with the LGPL).
``Departures`` says how much was added or changed, which restriction cues
those words carry (``restrictions``), and whether another licence's name
stands where this one names itself; the engine then decides between the
licence, ``modified``, and ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from licscan.detect.fingerprint import SHINGLE, Variant
from licscan.detect.index import Index
from licscan.detect.modified import MAX_PASSAGE_CHARS, Alignment, Gap, Spans, passages, render, word_spans
from licscan.detect.normalize import tokens
from licscan.detect.restrictions import STRONG, Restriction, is_operative, restrictions, sentences

# More added or changed words than this and the text is not a copy of the
# licence but another text built on it: the larger of a few words (a name
# filled in, a fixed typo) and a share of the licence's length.
CHANGE_WORDS = 12
CHANGE_SHARE = 0.08
PRESENT = 0.5  # share of another known text the input must hold for it to explain words around the licence
CHANGE_CAP = 80  # however long the licence, a section added or rewritten is another text
REMOVAL_WORDS = 8  # what a cut is counted as: its length is unknown (fingerprints keep no order)


@dataclass(frozen=True)
class Departures:
    """What the input adds to or changes in the licence it reads as."""

    changed_words: int  # inserted or changed inside the licence
    operative_words: int  # outside it, in sentences that impose terms no known text explains
    restrictions: tuple[Restriction, ...]
    restricted_passages: tuple[str, ...]

    removals: int = 0  # places where canonical text is missing inside the licence
    gaps: tuple[Gap, ...] = ()  # the changes, less other whole texts the licence's region takes in
    renamed: str = ""  # another licence named where this one names itself

    def substantial(self, size: int) -> bool:
        limit = max(CHANGE_WORDS, min(CHANGE_CAP, CHANGE_SHARE * size))
        if self.renamed:
            return True
        return self.changed_words + self.operative_words + REMOVAL_WORDS * self.removals > limit


class Source:
    """The input with its word positions, found once and only if a passage must be quoted."""

    def __init__(self, text: str, words: list[bytes]) -> None:
        self.source = text
        self.words = words
        self._spans: Spans | None = None

    @property
    def spans(self) -> Spans:
        if self._spans is None:
            self._spans = word_spans(self.source, self.words)
        return self._spans

    def passages(self, gaps: tuple[Gap, ...] | list[Gap]) -> tuple[str, ...]:
        return passages(self.source, self.words, gaps, self.spans) if gaps else ()

    def render(self, ranges: list[tuple[int, int]]) -> list[str]:
        return render(self.source, self.words, ranges, self.spans) if ranges else []


def departures(doc: Source, hashes: list[int], idx: Index, al: Alignment, present: int, own: Variant) -> Departures:
    """``present``: bits of the other known texts the input holds most of (an
    appended policy, the GPL shipped with the LGPL): only they explain text
    around or inside the licence. A clause copied from some other licence (CC
    BY-NC's definition of NonCommercial) explains nothing."""
    found: dict[str, Restriction] = {}
    quoted: list[str] = []
    words = doc.words
    changed = 0
    gaps = [g for g in al.gaps if not _embedded(g, hashes, idx, present)]
    for gap in gaps:
        start, end = gap.changed
        changed += end - start
        context = words[max(0, start - 8) : end + 8]
        hits = restrictions(words[start:end], context)
        if hits:
            found.update((r.reason, r) for r in hits if r.reason not in found)
            if len(quoted) < MAX_QUOTED:
                quoted.extend(doc.passages([gap]))
    operative = 0
    outside = _merge(_unexplained(hashes, idx, al, len(words), present, 1 << idx.bit[own.name]))
    for passage in doc.render(outside):
        for sentence in sentences(passage):
            binding = is_operative(sentence)
            said = [r for r in restrictions(tokens(sentence)) if binding or r.reason in STRONG]
            if binding or said:
                operative += len(sentence.split())
            if said:
                found.update((r.reason, r) for r in said if r.reason not in found)
                quoted.append(_quote(sentence, said))
    removals = sum(1 for g in gaps if g.removal)
    renamed = next((r for g in gaps if not g.removal and (r := _renamed(words, hashes, g, idx, own, present))), "")
    return Departures(
        changed, operative, tuple(found.values()), tuple(quoted[:MAX_QUOTED]), removals, tuple(gaps), renamed
    )


def unexplained_terms(doc: Source, hashes: list[int], idx: Index, present: int) -> Departures:
    """Terms the input imposes in words no known text it holds explains: for a
    licence answered by its phrases alone (a name, a clause), where no aligned
    region says which words are the licence's. ``present``: bits of the texts
    whose wording explains words (the answer's own canonical text, if any)."""
    covered = [False] * len(doc.words)
    for i, h in enumerate(hashes):
        if _known(idx, present, h):
            covered[i : i + SHINGLE] = [True] * SHINGLE
    ranges: list[tuple[int, int]] = []
    i = 0
    while i < len(covered):
        if covered[i]:
            i += 1
            continue
        j = i
        while j < len(covered) and not covered[j]:
            j += 1
        ranges.append((i, j))
        i = j
    found: dict[str, Restriction] = {}
    quoted: list[str] = []
    operative = 0
    for passage in doc.render(ranges):
        for sentence in sentences(passage):
            # Only sentences that impose terms: a model card's prose says "commercial" too.
            if not is_operative(sentence):
                continue
            operative += len(sentence.split())
            # "not", "only" and "unless" are everywhere in terms; the other cues restrict.
            said = [r for r in restrictions(tokens(sentence)) if r.reason != "narrowed grant"]
            if said:
                found.update((r.reason, r) for r in said if r.reason not in found)
                quoted.append(_quote(sentence, said))
    return Departures(0, operative, tuple(found.values()), tuple(quoted[:MAX_QUOTED]))


def _renamed(words: list[bytes], hashes: list[int], gap: Gap, idx: Index, own: Variant, present: int) -> str:
    """Another licence's name where the licence has its own ("GNU General Public
    License" where AGPL-1.0 says "Affero General Public License"): another licence.
    A name that opens a text present in the input (the GPL's title after the
    LGPL) is that text's."""
    window = words[gap.first : gap.last + SHINGLE]
    present_words = set(window)
    joined = b" " + b" ".join(window) + b" "
    for phrase in idx.phrases:
        if not phrase.name or phrase.license_id == own.license_id or not phrase.words <= present_words:
            continue
        at = joined.find(phrase.key)
        if at < 0 or phrase.within(own):
            continue
        start = gap.first + joined.count(b" ", 0, at)
        if start < len(hashes) and _known(idx, present & ~(1 << idx.bit[own.name]), hashes[start]):
            continue
        return phrase.license_id
    return ""


MAX_QUOTED = 10
EMBEDDED_SHINGLES = 5  # a gap this long that another present text explains is that text, not a change
MERGE_WORDS = 15  # unexplained runs this close are one passage (a clause split by a few common words)


def _quote(sentence: str, hits: list[Restriction]) -> str:
    """The sentence, or in a long one the words around each cue."""
    if len(sentence) <= MAX_PASSAGE_CHARS:
        return sentence
    low = sentence.lower()
    parts: list[str] = []
    for hit in hits[:3]:
        found = re.search(r"\W+".join(map(re.escape, hit.cue.split())), low)
        if found is not None:
            a, b = max(0, found.start() - 45), min(len(sentence), found.end() + 45)
            parts.append(sentence[a:b].strip())
    quoted = " ... ".join(parts) or sentence
    return quoted if len(quoted) <= MAX_PASSAGE_CHARS else quoted[: MAX_PASSAGE_CHARS - 3] + "..."


def _known(idx: Index, present: int, h: int) -> bool:
    mask = idx.owners.get(h)
    return mask is not None and bool(idx.masks[mask] & present)


def _embedded(gap: Gap, hashes: list[int], idx: Index, present: int) -> bool:
    """The gap is another text the input holds whole (or the seam where it starts),
    not a change: every word it changes is in that text's wording."""
    if not present:
        return False
    if gap.removal:
        size = gap.last - gap.first + 1
        return (
            size >= EMBEDDED_SHINGLES
            and sum(_known(idx, present, h) for h in hashes[gap.first : gap.last + 1]) >= 0.8 * size
        )
    start, end = gap.changed
    known = [_known(idx, present, h) for h in hashes[max(0, start - SHINGLE + 1) : end]]
    offset = max(0, start - SHINGLE + 1)
    return all(any(known[max(0, w - SHINGLE + 1 - offset) : w - offset + 1]) for w in range(start, end))


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in ranges:
        if merged and a - merged[-1][1] <= MERGE_WORDS:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _unexplained(
    hashes: list[int], idx: Index, al: Alignment, n_words: int, present: int, own: int = 0
) -> list[tuple[int, int]]:
    """Word ranges before and after the licence that no present known text holds
    (a licence's appended policy or a second whole licence are explained; a
    header someone wrote, or clauses added after the licence, are not).
    ``own``: the licence's bit. Its own words outside its region (an excerpt
    that starts in a reworded clause) are no other copy of a known text: the
    words between them are changes, held to the heading length, not 25 words."""
    known = [_known(idx, present, h) for h in hashes[: al.start]] + [True] * (al.end - al.start)
    known += [_known(idx, present, h) for h in hashes[al.end :]]
    ranges: list[tuple[int, int]] = []
    for lo, hi, header in ((0, al.start, True), (al.end, len(hashes), False)):
        i = lo
        while i < hi:
            if known[i]:
                i += 1
                continue
            j = i
            while j + 1 < hi and not known[j + 1]:
                j += 1
            # A header run's words end where the next known shingle starts; a
            # footer run's start after the last known shingle's words.
            a, b = (i, j + 1) if header else (i + SHINGLE - 1, min(n_words, j + SHINGLE))
            # A few words inside another known text are where two copies of
            # it differ (Meta's appended policy, reflowed); a short clause at
            # either end of the file, or between two different texts, is not.
            # A heading between two known texts ("Meta Llama 3 Acceptable Use
            # Policy" before the appended policy) is a few words too.
            between = i > 0 and j + 1 < len(hashes)
            within = between and _same_text(idx, present & ~own, hashes[i - 1], hashes[j + 1])
            if b - a >= (WITHIN_WORDS if within else HEADING_WORDS if between else 3):
                ranges.append((a, b))
            i = j + 1
    return ranges


WITHIN_WORDS = 25
HEADING_WORDS = 8


def _same_text(idx: Index, present: int, left: int, right: int) -> bool:
    a, b = idx.owners.get(left), idx.owners.get(right)
    return a is not None and b is not None and bool(idx.masks[a] & idx.masks[b] & present)
