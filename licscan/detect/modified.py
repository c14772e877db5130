"""Find where a text departs from a licence's canonical wording.

The input's shingles are walked in order. Inside the main region (from the
licence's own first shingle, or else the first long run of canonical
shingles, to its last; what lies outside is a header or footer), every run
of non-canonical shingles is a gap:

* with ``n`` non-canonical shingles in a row, the last ``n - 5`` words were
  inserted or changed (each word sits in six shingles);
* exactly five in a row and no changed word: text was removed at that point.

Formatting can leave gaps too: a list letter that starts a line in one copy
(normalisation drops it) sits mid-line in a re-flowed one. A gap is ignored
when dropping such markers (short numbers, letters, roman numerals) from it,
or adding one where nothing else changed, makes the words on both sides
canonical again. A replaced number ("30 days" to "10 days", "1.2" to "1.3")
is still reported; a lone number inserted mid-sentence reads as a stray marker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from licscan.detect.fingerprint import SHINGLE, Variant, shingles

LONG_RUN = 8  # canonical shingles in a row that anchor the main region
BRIDGE = 3  # shorter canonical runs inside a gap are chance matches, part of the gap
MAX_PASSAGES = 10
MAX_PASSAGE_CHARS = 300
CONTEXT = 3  # unchanged words shown on each side of a change
MAX_CHECKED_GAPS = 60

# Matched over one byte per input shingle, 1 where it is canonical: bytes(map(set.__contains__, ...))
# keeps that loop in C (a fifth faster than a str of "0"/"1" built in a comprehension).
_ANCHOR = re.compile(b"\x01{%d,}" % LONG_RUN)
_RUN = re.compile(b"\x01{%d,}" % BRIDGE)
_WEAK = re.compile(rb"\d{1,3}|[a-z]|x{0,3}(?:ix|iv|v?i{1,3}|v)")
_MARKERS: tuple[tuple[bytes, ...], ...] = (
    (),
    *((str(n).encode(),) for n in range(1, 41)),
    *((bytes([c]),) for c in range(ord("a"), ord("z") + 1)),
    *((r.encode(),) for r in ("ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii")),
    *((str(a).encode(), str(b).encode()) for a in range(1, 21) for b in range(1, 21)),
)


@dataclass(frozen=True)
class Gap:
    first: int  # index of the first non-canonical shingle
    last: int  # index of the last one

    @property
    def removal(self) -> bool:
        """No word of the input changed: canonical text is missing here."""
        return self.last - self.first + 1 < SHINGLE

    @property
    def changed(self) -> tuple[int, int]:
        """Word range [start, end) inserted or changed (empty for a removal)."""
        return self.first + SHINGLE - 1, self.last + 1


@dataclass(frozen=True)
class Alignment:
    """Where a canonical text sits in the input and where the input departs from it."""

    gaps: tuple[Gap, ...]  # changes inside the licence's region
    recovered: frozenset[int]  # canonical shingles that formatting-only gaps hid
    start: int  # shingle range [start, end) of the licence within the input
    end: int

    @property
    def changed_words(self) -> int:
        return sum(g.changed[1] - g.changed[0] for g in self.gaps)


def align(words: Sequence[bytes], hashes: Sequence[int], canonical: Variant) -> Alignment | None:
    """The licence's region in the input and its gaps; None when no long
    verbatim run anchors it (shared boilerplate scattered through another text)."""
    flags = bytes(map(canonical.hashes.__contains__, hashes))
    anchors = [m.span() for m in _ANCHOR.finditer(flags)]
    if not anchors:
        return None
    start, end = anchors[0][0], anchors[-1][1]
    runs = [m.span() for m in _RUN.finditer(flags, start, end)]
    # The licence's own first and last shingles, when present, extend the
    # region: a change in its title or last line is a change, not a header.
    head = _last_before(hashes, canonical.head, start)
    if head is not None:
        runs.insert(0, (head, head + 1))
    tail = _first_after(hashes, canonical.tail, end)
    if tail is not None:
        runs.append((tail, tail + 1))
    gaps = []
    recovered: set[int] = set()
    # Past this many gaps the input is another text sharing wording with the
    # licence, not a reformatted copy: checking each gap for list markers would only cost time.
    check = len(runs) <= MAX_CHECKED_GAPS
    for (_, gap_start), (gap_end, _) in pairwise(runs):
        if gap_end <= gap_start:
            continue
        hidden = _formatting_only(words, gap_start, gap_end - 1, canonical.hashes) if check else None
        if hidden is None:
            gaps.append(Gap(gap_start, gap_end - 1))
        else:
            recovered.update(hidden)
    first = head if head is not None else start
    last = tail + 1 if tail is not None else end
    return Alignment(tuple(gaps), frozenset(recovered), first, last)


def verbatim(shingle_count: int) -> Alignment | None:
    """What ``align`` gives when every shingle of the input is canonical (most
    LICENSE files: the licence and nothing else), without testing each one:
    one run over the whole input, no gaps, and no head or tail before or after it."""
    return Alignment((), frozenset(), 0, shingle_count) if shingle_count >= LONG_RUN else None


def find_gaps(words: Sequence[bytes], hashes: Sequence[int], canonical: Variant) -> tuple[list[Gap], set[int]]:
    """The gaps that change the licence, and the canonical shingles that
    formatting-only gaps hid (so coverage can count them as present)."""
    found = align(words, hashes, canonical)
    return ([], set()) if found is None else (list(found.gaps), set(found.recovered))


def _last_before(hashes: Sequence[int], wanted: int | None, limit: int) -> int | None:
    """Last position of ``wanted`` before ``limit`` (a header may quote the title too)."""
    found = None
    position = _find(hashes, wanted, 0, limit)
    while position is not None:
        found = position
        position = _find(hashes, wanted, position + 1, limit)
    return found


def _first_after(hashes: Sequence[int], wanted: int | None, limit: int) -> int | None:
    return _find(hashes, wanted, limit, len(hashes))


def _find(hashes: Sequence[int], wanted: int | None, start: int, stop: int) -> int | None:
    if wanted is None or start >= stop:
        return None
    try:
        return hashes.index(wanted, start, stop)
    except ValueError:
        return None


def _formatting_only(words: Sequence[bytes], first: int, last: int, canonical: frozenset[int]) -> list[int] | None:
    """If dropping list markers from the gap, or adding one where nothing
    changed, makes it canonical: the canonical shingles that restores."""
    if last - first + 1 < SHINGLE - 1:
        return None
    changed = words[first + SHINGLE - 1 : last + 1]
    kept = [w for w in changed if not _WEAK.fullmatch(w)]
    if changed and len(kept) == len(changed):
        return None  # words changed, not markers
    left = list(words[first : first + SHINGLE - 1])
    right = list(words[last + 1 : last + SHINGLE])
    # A marker may be missing only where nothing was inserted: "1.2" changed
    # to "1.3" is a change, not a dropped "2" plus a stray "3".
    for fill in _MARKERS if not changed else ((),):
        joined = shingles([*left, *kept, *fill, *right])
        if all(h in canonical for h in joined):
            return joined
    # "a" and "i" are words as well as list letters ("b) use in a non-profit context, c) ...").
    words_kept = [w for w in changed if not _WEAK.fullmatch(w) or w in (b"a", b"i")]
    if changed and words_kept != kept:
        joined = shingles([*left, *words_kept, *right])
        if all(h in canonical for h in joined):
            return joined
    return None


Spans = list[tuple[int, int] | None]


def render(
    text: str, words: Sequence[bytes], ranges: Sequence[tuple[int, int]], spans: Spans | None = None
) -> list[str]:
    """Each word range [start, end) as written in ``text`` (whitespace folded)."""
    spans = spans if spans is not None else word_spans(text, words)
    return [_render(text, words, spans, start, end) for start, end in ranges]


def passages(text: str, words: Sequence[bytes], gaps: Sequence[Gap], spans: Spans | None = None) -> tuple[str, ...]:
    """The changed words of each gap, as written in ``text``, with a little context."""
    spans = spans if spans is not None else word_spans(text, words)
    result = []
    for gap in gaps[:MAX_PASSAGES]:
        start, end = gap.changed
        if gap.removal:  # show the words either side of the cut
            cut = gap.last + 1
            before = _render(text, words, spans, max(0, cut - CONTEXT), cut)
            after = _render(text, words, spans, cut, min(len(words), cut + CONTEXT))
            passage = f"{before} [...] {after}"
        else:
            passage = _render(text, words, spans, max(0, start - CONTEXT), min(len(words), end + CONTEXT))
        if len(passage) > MAX_PASSAGE_CHARS:
            passage = passage[: MAX_PASSAGE_CHARS - 3] + "..."
        result.append(passage)
    return tuple(result)


def _render(text: str, words: Sequence[bytes], spans: Spans, start: int, end: int) -> str:
    first, last = spans[start] if start < len(spans) else None, spans[end - 1] if end > 0 else None
    if first is not None and last is not None and first[0] < last[1]:
        return " ".join(text[first[0] : last[1]].split())
    return " ".join(w.decode("utf-8", "replace") for w in words[start:end])


# Runs of letters and digits (with a trailing "+", as in "rail++"): the
# original text's words, which the normalised words are aligned with.
_WORD = re.compile(r"[^\W_]+\+*")
LOOKAHEAD = 60  # original words skipped at most to find the next normalised one (markup, link targets)


def word_spans(text: str, words: Sequence[bytes]) -> Spans:
    """Where each normalised word sits in the original text, found in order.

    Normalisation only deletes, lowercases and splits at punctuation, so the
    normalised words are the original's words in order, less some (list
    markers, link targets, tags): each is matched to the next equal word of
    the original. A word NFKC changed matches nothing and gets ``None``; its
    passage then falls back to the normalised words.
    """
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lowercased
        return [None] * len(words)
    found = [(m.start(), m.end()) for m in _WORD.finditer(low)]
    originals = [low[a:b] for a, b in found]
    spans: Spans = []
    j, n = 0, len(found)
    for raw in words:
        word = raw.decode("utf-8", "replace")
        k, limit = j, min(n, j + LOOKAHEAD)
        while k < limit and originals[k] != word:
            k += 1
        if k < limit:
            spans.append(found[k])
            j = k + 1
        else:
            spans.append(None)
    return spans
