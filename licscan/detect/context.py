"""Is a licence named as the text's own licence, or only mentioned?

A phrase that names a licence (its title, its version line, its URL) is
evidence only where the text uses it as its own title or grant. Licences
name other licences all the time: the EUPL's appendix lists the GPL, EPL and
CeCILL as compatible; a derived licence says it is "based on the Apache
License"; a NOTICE file or a test file lists a dozen. Those mentions are
recognised here by the words just before the name and by lists of names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence


def _cues(*cues: str) -> tuple[bytes, ...]:
    """Cue words as they are searched for in space-joined normalised words."""
    return tuple(b" " + cue.encode() + b" " for cue in cues)


# Words just before a licence's name that make it a mention, not a grant.
_MENTION = _cues(
    "compatible",
    "compatibility",
    "incompatible",
    "such as",
    "e g",
    "including",
    "like",
    "unlike",
    "other than",
    "instead of",
    "replaces",
    "replaced",
    "supersedes",
    "superseded",
    "formerly",
    "previously",
    "earlier",
    "based on",
    "derived from",
    "adapted from",
    "modified version of",
    "modification of",
    "inspired by",
    "similar to",
    "differs from",
    "not",
    "neither",
    "nor",
    "except",
    "secondary license",
    "secondary licenses",
    "vs",
    "versus",
    "than",
    "would require",
    "would be",
    "if",
)
MENTION_BEFORE = 12  # a condition ("in any form which would require ... the terms of the GPL") reaches further back
# Words before a name that make it the text's own grant ("licensed under the X").
_GRANT = _cues(
    "under",
    "governed by",
    "subject to",
    "accordance with",
    "licensed",
    "released",
    "distributed",
    "made available",
    "applies",
    "apply",
    "accept",
    "this is the",
    "use the",
    "agree to the",
)
BEFORE = 6  # words looked at before a name
# In a long text, a name past its opening is the text's own only in a grant:
# elsewhere it is another licence the text cites (Business Source License's
# "Change License", a FLOSS exception's list of qualifying licences).
LONG_TEXT = 300
OPENING = 60
LIST_SPAN = 80  # names of this many distinct licences within this many words form a list
LIST_SIZE = 3


def is_mention(words: Sequence[bytes], at: int) -> bool:
    """The words before position ``at`` say the name that starts there is only mentioned."""
    before = b" " + b" ".join(words[max(0, at - MENTION_BEFORE) : at]) + b" "
    return any(cue in before for cue in _MENTION)


def counts_as_own(words: Sequence[bytes], at: int, length: int, starts: Callable[[], dict[int, int]]) -> bool:
    """A licence's name (``length`` words) at ``at`` is the text's own: in a short
    text or the opening of a long one, a title (a line of its own) or a grant
    ("licensed under the X", "governed by the X"). Deeper in a long text a
    name only cites another licence (a "Change License", a list of licences
    an exception allows), and a line of a table or list is no title."""
    if len(words) > LONG_TEXT and at > OPENING:
        return False
    line = starts().get(at)  # computed on first need: most texts name nothing outside their licence
    if line is not None and line <= length + TITLE_EXTRA:
        return True
    return granted(words, at)


def granted(words: Sequence[bytes], at: int) -> bool:
    """The words before position ``at`` grant under the name that starts there ("licensed under the X")."""
    before = b" " + b" ".join(words[max(0, at - BEFORE) : at]) + b" "
    return any(cue in before for cue in _GRANT)


TITLE_EXTRA = 6  # words a title line may carry besides the name (a version, a date)


def listed(hits: Sequence[tuple[str, int]]) -> set[int]:
    """Positions of names that stand in a list of several licences' names.

    ``hits`` is (licence family key, position) per name found; versions of
    one licence (``llama3.1``, ``llama3.2``) count as one family here only
    when the caller passes one key for them, so "Llama 3.1 or Llama 3.2" is
    left to the version tie-break, not to this rule.
    """
    ordered = sorted(hits, key=lambda h: h[1])
    flagged: set[int] = set()
    for i, (_, at) in enumerate(ordered):
        window = [h for h in ordered[i:] if h[1] - at <= LIST_SPAN]
        if len({key for key, _ in window}) >= LIST_SIZE:
            flagged.update(pos for _, pos in window)
    return flagged


_CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import |assert |return |if .*:$|for .*:$|@\w|#include|"
    r"(?:const|let|var|fn|func|public|private|static) )|[=!]=|\w\(.*\)\s*[:;{]?\s*$|^\s*[\]}),]+\s*$|=\s*[\[{(\"']"
)


def looks_like_code(text: str) -> bool:
    """A source file: licence names in it are data or tests, not the file's own licence grant."""
    lines = [line for line in text.splitlines()[:400] if line.strip()]
    if len(lines) < 4:
        return False
    code = sum(1 for line in lines if _CODE_LINE.search(line))
    return code >= 0.3 * len(lines)
