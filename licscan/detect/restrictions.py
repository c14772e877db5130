"""Does a passage a text adds to (or changes in) a known licence restrict use?

A text that reads as MIT or Apache-2.0 but adds "for non-commercial research
purposes only", a monthly-active-user threshold, registration for commercial
use or a duty to display a name is not that licence: calling it so would be
the worst error licscan can make (a restricted model passed off as
permissive). Whether a change restricts is decided from what the changed
words say, with the reviewed cue list below, not from how much changed.

Cues are matched on normalised words (``normalize.tokens``: lowercase,
punctuation dropped, so ``non-commercial`` is ``non commercial``) and only
against words that are *not* the licence's canonical wording: "without
prior written permission" in BSD-3-Clause is canonical and never a cue.
The list errs on the side of flagging: a harmless change that happens to use
one of these words costs a reviewer a look; a missed restriction costs a
compliance breach.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# What each cue says about the change, then the cues (normalised words).
CUES: dict[str, tuple[str, ...]] = {
    "commercial use": ("commercial", "commercially", "noncommercial", "for profit", "monetize", "monetise"),
    "research or evaluation only": (
        "research purposes",
        "research use",
        "research only",
        "academic",
        "non profit",
        "nonprofit",
        "educational purposes",
        "evaluation purposes",
        "personal use",
        "internal use",
        "non production",
        "production use",
    ),
    "user or revenue threshold": (
        "monthly active users",
        "daily active users",
        "active users",
        "mau",
        "dau",
        "revenue",
        "turnover",
        "annual income",
        "million",
        "billion",
        "us dollars",
    ),
    "registration or approval": (
        "register",
        "registration",
        "registered",
        "registering",
        "apply for",
        "application form",
        "approval",
        "approve",
        "approved",
        "written consent",
        "written permission",
        "written authorization",
        "written authorisation",
        "authorization from",
        "authorisation from",
        "questionnaire",
        "contact us",
        "request a license",
        "request a licence",
        "separate license",
        "separate licence",
        "separate agreement",
    ),
    "use restriction": (
        "shall not",
        "must not",
        "may not",
        "will not",
        "cannot",
        "not use",
        "not be used",
        "agree not",
        "prohibit",
        "prohibited",
        "prohibits",
        "forbid",
        "forbidden",
        "restrict",
        "restriction",
        "restrictions",
        "restricted",
        "military",
        "weapon",
        "weapons",
        "surveillance",
        "illegal",
        "unlawful",
        "national security",
        "export",
        "without modification",
        "no modification",
        "no modifications",
        "not modify",
        "no derivative",
        "no derivatives",
        "not redistribute",
        "not distribute",
        "not permit",
        "not permitted",
        "not allowed",
        # Vendor and firmware EULAs built on BSD add these bans.
        "reverse engineer",
        "reverse engineering",
        "decompile",
        "decompilation",
        "disassemble",
        "disassembly",
        "acceptable use",
        "use policy",
        "harm",
        "harmful",
    ),
    "attribution or display duty": (
        "display",
        "displayed",
        "prominently",
        "powered by",
        "built with",
        "built using",
        "built on",
        "user interface",
        "logo",
        "attribution",
        "acknowledge",
        "acknowledgement",
        "acknowledgment",
    ),
    "fee or royalty": ("fee", "fees", "royalty", "royalties", "payment", "paid", "pay", "subscription", "charge"),
    # Source-available licences (BSL, FSL, FCL) grant an open licence only from a later date on, and quote
    # its notice: "Change Date" / "Change License", "Grant of Future License ... second anniversary".
    "deferred grant": (
        "change date",
        "change license",
        "change licence",
        "future license",
        "future licence",
        "anniversary",
    ),
    "narrowed grant": (
        "not",
        "no",
        "never",
        "except",
        "unless",
        "solely",
        "only",
        "exclusively",
        "limited to",
        "revocable",
        "revoke",
        "terminate",
        "non transferable",
        "non sublicensable",
        "territory",
    ),
}

# Reasons that restrict use wherever they are said, even in a sentence with
# no deontic verb ("For non-commercial use only."); the others count only in
# sentences that impose terms, as "not" or "display" are common in prose.
STRONG = frozenset(
    {
        "commercial use",
        "research or evaluation only",
        "user or revenue threshold",
        "registration or approval",
        "use restriction",
        "deferred grant",
    }
)

# A number changed near these words moves a threshold (Llama's 700 million users).
_THRESHOLD_CONTEXT = frozenset(
    b"users user revenue turnover million billion dollars usd eur employees mau dau customers".split()
)
_NUMBER = re.compile(rb"\d[\d,.]*")
_KEYS: tuple[tuple[str, str, bytes], ...] = tuple(
    (reason, cue, b" " + cue.encode() + b" ") for reason, cues in CUES.items() for cue in cues
)


@dataclass(frozen=True)
class Restriction:
    """A cue found in a non-canonical passage."""

    reason: str  # a key of ``CUES``
    cue: str


def restrictions(changed: Sequence[bytes], context: Sequence[bytes] = ()) -> tuple[Restriction, ...]:
    """The cues among ``changed`` (words not in the licence's wording), one per reason.

    ``context`` is the canonical words around the change: a number changed
    next to "users" or "revenue" is a threshold moved, whatever the number.
    """
    if not changed:
        return ()
    joined = b" " + b" ".join(changed) + b" "
    found: dict[str, Restriction] = {}
    for reason, cue, key in _KEYS:
        if reason not in found and key in joined:
            found[reason] = Restriction(reason, cue)
    if (
        "user or revenue threshold" not in found
        and any(_NUMBER.fullmatch(w) for w in changed)
        and _THRESHOLD_CONTEXT.intersection(context)
    ):
        found["user or revenue threshold"] = Restriction("user or revenue threshold", "a changed number")
    return tuple(found.values())


# Sentences outside the licence that impose terms (rather than describe a
# model or name its authors): deontic verbs and the vocabulary of grants.
_OPERATIVE = re.compile(
    r"\b(?:shall|must|hereby|agrees?|grants?|granted|licensee|licensor|prohibit\w*|forbid\w*|permitted|"
    r"may not|may only|can only|cannot|not allowed|restrict\w*|liab\w*|warrant\w*|indemnif\w*|terminat\w*|"
    r"subject to|in no event|you will|you are not|required to|obliged|comply|compliance|conditions?|"
    r"acknowledge|licensed|intended for|not designed|permits?|provided (?:that|you))\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n\s*\n")


def is_operative(sentence: str) -> bool:
    """The sentence imposes terms (rather than describing a model or naming its authors)."""
    return _OPERATIVE.search(sentence) is not None


def sentences(passage: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(passage) if s.strip()]
