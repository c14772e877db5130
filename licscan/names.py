"""Tolerant normalisation of licence names and identifiers.

Cards spell the same licence many ways (``Llama-3``, ``llama3``,
``LLAMA 3 Community License``, ``license-flux1-dev``). Every id, alias and
name in the database and every value read from a card goes through
``name_key`` so that they meet on one spelling.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_./,:;()\[\]'\"`]+")
# Words that carry no identity: "the Llama 3 Community License Agreement" and
# "llama3" are the same licence. Only stripped at the ends, never inside.
_AFFIXES = re.compile(
    r"^(?:the\s+|license\s*[-_:]?\s*|licence\s*[-_:]?\s*)+|"
    r"(?:[\s\-_]+(?:license|licence)(?:[\s\-_]+agreement)?|[\s\-_]+agreement)+$"
)
# "apache-2.0" and "apache 2" are one licence: drop a trailing ".0" after a digit.
_TRAILING_ZERO = re.compile(r"(\d)\.0$")


def name_key(value: str) -> str:
    """Return the comparison key of a licence name (may be empty)."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    text = text.replace("licence", "license")
    previous = None
    while previous != text:  # strip repeated affixes: "license-flux1-dev-license"
        previous = text
        text = _AFFIXES.sub("", text).strip(" -_.")
    text = _TRAILING_ZERO.sub(r"\1", text)
    return _SEPARATORS.sub("", text)
