"""Tolerant normalisation of licence names and identifiers.

Cards spell the same licence many ways (``Llama-3``, ``llama3``,
``LLAMA 3 Community License``, ``license-flux1-dev``, ``DEEPSEEK LICENSE
AGREEMENT Version 1.0``). Every id, alias and name in the database and every
value read from a card goes through ``name_key`` so that they meet on one
spelling.

What the key forgets, and why each is safe:

* case, Unicode compatibility forms, trademark signs, the British spelling
  ``licence``;
* the generic words ``license``, ``agreement`` and ``version`` wherever they
  stand, and a ``v`` glued to a version number (``v1.0``): they never tell
  two licences apart, and a card may put them anywhere (``License: Llama 3``,
  ``DeepSeek License Agreement v1.0``);
* ``.0`` groups that end a version number (``2.0``, ``1.0.0``), never one
  followed by further digits, so ``2.0.1`` stays apart from ``2.1``;
* separators (space, ``-``, ``_``, ``.``, ...), except that a separator
  between two digits is kept as one ``.``: ``llama-3-1``, ``llama_3.1`` and
  ``Llama 3.1`` meet, but ``1.1`` never meets ``11`` (and ``llama3`` meets
  ``llama-3`` because a letter and a digit need no separator).

What it keeps: every other word (``community``, ``research``, ``nc`` name
other licences), every digit and its order. Two database entries that would
meet on one key are refused by the loader, so the tests catch a collision.
"""

from __future__ import annotations

import re
import unicodedata

# ASCII separators plus the Unicode dashes that titles use ("Community Data
# License Agreement – Permissive – Version 2.0").
_SEPARATOR_CHARS = r"[\s\-_./,:;()\[\]'\"`\u2010-\u2015\u2212]+"
_SEPARATORS = re.compile(_SEPARATOR_CHARS)
# A separator between two digits is a version dot: "3-1", "3 . 1" -> "3.1".
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)" + _SEPARATOR_CHARS + r"(?=\d)")
# Signs that decorate a name ("Llama™", "Gemma®") and that NFKC would turn
# into letters ("TM"), so they are removed before it.
_SIGNS = str.maketrans(dict.fromkeys("\u2122\u00ae\u00a9\u2120\x00", " "))
# Words that carry no identity, removed wherever they stand as whole words.
_NOISE_WORDS = re.compile(r"(?<![a-z0-9])(?:license|agreement|version)(?![a-z0-9])")
# "v1.0", "V2", "v. 3.0": a version marker before its number.
_VERSION_MARK = re.compile(r"(?<![a-z0-9])v\.?\s*(?=\d)")
# A leading article: "The GLM-4 License".
_ARTICLE = re.compile(r"^the(?![a-z0-9])")
# ".0" groups closing a version number: "2.0" -> "2", "1.0.0" -> "1"; never
# inside one ("2.0.1"), before more digits ("2.05") or glued to a word ("1.0b").
_TRAILING_ZEROS = re.compile(r"(?<=\d)(?:\.0)+(?![0-9a-z.])")
_VERSION_DOT = re.compile(r"(?<=\d)\.(?=\d)")


def name_key(value: str) -> str:
    """Return the comparison key of a licence name (may be empty)."""
    text = unicodedata.normalize("NFKC", value.translate(_SIGNS)).strip().lower()
    text = text.replace("licence", "license")
    text = _NOISE_WORDS.sub(" ", text)
    text = _VERSION_MARK.sub("", text)
    text = _ARTICLE.sub("", text.strip(" -_.:;,"))
    text = _DIGIT_SEPARATOR.sub(".", text)
    text = _TRAILING_ZEROS.sub("", text)
    # The version dots are the only separators kept: park them as NUL (never
    # in a name) while the others go.
    return _SEPARATORS.sub("", _VERSION_DOT.sub("\0", text)).replace("\0", ".")
