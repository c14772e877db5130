"""Normalise licence text so that formatting never changes what it says.

The same licence reaches us rewrapped, converted to markdown, with smart
quotes, bullets and list numbering, or pasted into a model card. Detection
compares words, so everything that is only formatting is removed here, once,
with precompiled regexes (a 30 KB text takes well under a millisecond).

Two forms come out of this module:

* ``normalize(text)``: readable normalised text (lowercase, straight quotes,
  markup and list markers gone, whitespace folded), the form the database's
  ``phrases`` are written in;
* ``tokens(text)``: the words of the normalised text as bytes, punctuation
  dropped, the form phrases and shingles are matched on. Dropping punctuation
  makes ``llama 3.1`` and ``llama 3.1,`` the same words; ``+`` is kept so
  that ``rail++`` and ``rail`` stay different.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from collections.abc import Iterator, Sequence

# Typographic characters that licence texts and their copies use
# interchangeably with ASCII ones. NFKC keeps these, so they are mapped here.
_BULLETS = "\u2022\u00b7\u25e6\u25aa\u25ab\u2023\u2043\u25cf\u25cb\u25a0\u25a1\u25ba\u27a2\u2713\u2714"
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys(_BULLETS, "-"),
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "",  # inline code: the backticks are markup, the words are text
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": "",  # soft hyphen
        "\u200b": "",  # zero-width space / joiners / BOM
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        # bytes.split() only knows ASCII whitespace: map the rest (NFKC
        # already folds the Unicode spaces except these line breaks).
        "\r": "\n",
        "\x0b": "\n",
        "\x0c": "\n",  # form feed: page breaks in the GNU texts
        "\x85": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u1680": " ",
        "\u180e": "",
        "\t": " ",
        # Emphasis and table markup: deleting every * _ ~ | is simpler and
        # safer than parsing emphasis, and licence wording never depends on them.
        "*": " ",
        "_": " ",
        "~": " ",
        "|": " ",
    }
)


_ASCII_TABLE = bytes.maketrans(b"\r\x0b\x0c\t*_~|", b"\n\n\n     ")
# The rest of _TYPOGRAPHY: the non-ASCII characters, found by one regex scan
# and replaced with str.replace, one pass per distinct character present.
# str.translate with a dict looks up every character of a non-ASCII text in
# Python's slow path (~0.8 ms for a 20 KB licence with one curly quote).
_WIDE = {chr(k): v for k, v in _TYPOGRAPHY.items() if k >= 128}
_WIDE_CHAR = re.compile("[" + "".join(map(re.escape, _WIDE)) + "]")

_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Only real HTML tags are markup. Licences use angle brackets for
# placeholders ("<name of author>", "<year>"), which are words of the text.
_TAG_NAMES = (
    "a|abbr|b|big|blockquote|br|center|cite|code|dd|del|details|div|dl|dt|em|font|h[1-6]|hr|i|img|ins|kbd|li|"
    "mark|ol|p|pre|q|s|small|span|strike|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul"
)
_HTML_TAG = re.compile(rf"</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
# Every pattern below starts with a literal character so that the regex engine
# can skip ahead to candidates instead of trying every position.
_LINK = re.compile(r"\[([^\]\n]*)\](?:\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|\[[^\]\n]*\])")
# Heading, blockquote and bullet marks and list numbering at a line start,
# repeated (``> 1. (a) text``). Only single-level numbers: a line starting
# with ``3.1`` may be a wrapped ``Llama\n3.1``, so multi-level numbers stay
# (they are words of the licence either way). Applied to "\n" + text.
_LINE_PREFIX = re.compile(
    r"\n[ ]*(?:(?:[>#+\-]+|\(?(?:\d{1,3}|[A-Za-z]|(?i:x{0,3}(?:ix|iv|v?i{1,3}|v)))[.)](?=[ \n]))[ ]*)+"
)
# Enumeration markers inside a line: "(a)", "(iv)", "(2)" are never wording.
_INLINE_ENUM = re.compile(r"\((?:\d{1,2}|[a-z]|[ivxl]{1,5})\)")

# ASCII punctuation becomes a word break in ``tokens``; ``+`` is kept.
_PUNCT_TABLE = bytes.maketrans(
    "".join(c for c in string.punctuation if c != "+").encode(),
    b" " * (len(string.punctuation) - 1),
)


def _prepare(text: str) -> str:
    """Everything ``normalize`` does except folding whitespace."""
    if text.isascii():
        # Same mapping as _TYPOGRAPHY for the ASCII characters it holds, done
        # by bytes.translate (a table lookup in C, ~20x faster than str.translate's dict).
        text = text.encode("ascii").translate(_ASCII_TABLE, b"`").decode("ascii")
    else:
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = _translate(text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "<" in text:
        text = _HTML_COMMENT.sub(" ", text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _HTML_TAG.sub(" ", text)
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    text = _LINE_PREFIX.sub("\n", "\n" + text)
    text = text.lower()
    if "(" in text:
        text = _INLINE_ENUM.sub(" ", text)
    return text


def _translate(text: str) -> str:
    """``text.translate(_TYPOGRAPHY)``, fast: the ASCII characters by bytes.translate
    of the UTF-8 form (multi-byte sequences hold no ASCII bytes; surrogatepass
    round-trips lone surrogates), the others by one str.replace each."""
    text = text.encode("utf-8", "surrogatepass").translate(_ASCII_TABLE, b"`").decode("utf-8", "surrogatepass")
    found = _WIDE_CHAR.search(text)
    while found is not None:
        char = found.group()
        text = text.replace(char, _WIDE[char])
        # Nothing before ``found`` is in _WIDE, and replacements are ASCII: search on from there.
        found = _WIDE_CHAR.search(text, found.start())
    return text


def normalize(text: str) -> str:
    """Lowercase text with formatting removed and whitespace folded to single spaces."""
    return " ".join(_prepare(text).split())


def tokens(text: str) -> list[bytes]:
    """The words of a text, normalised, punctuation dropped (bytes: hashing needs them).

    Idempotent: ``tokens(normalize(t)) == tokens(t)``.
    """
    return _prepare(text).encode("utf-8", "replace").translate(_PUNCT_TABLE).split()


def line_starts(text: str) -> dict[int, int]:
    """``{index into tokens(text): words on its line}`` for the first word of every line
    (after markup and list markers)."""
    starts: dict[int, int] = {}
    count = 0
    previous = b""
    for raw in _prepare(text).encode("utf-8", "replace").split(b"\n"):
        n = len(raw.translate(_PUNCT_TABLE).split())
        # A line that carries on the sentence of a long line just above it
        # ("... might be covered by the" / "GNU General Public License.") is
        # where a text was wrapped, not a line of its own: re-wrapping moves it.
        # A real title follows a heading, a short line or a closed sentence.
        if n and not _continues(previous):
            starts[count] = n
        count += n
        # Blank lines do not end the sentence: CRLF and markdown copies put them between wrapped lines.
        previous = raw if raw.strip() else previous
    return starts


CONTINUED_WORDS = 8  # a line this long without a closing mark is prose running on


def _continues(line: bytes) -> bool:
    line = line.rstrip()
    return len(line.split()) >= CONTINUED_WORDS and not line.endswith((b".", b":", b";", b"!", b"?", b")", b"*", b"#"))


def phrase_key(phrase: str) -> bytes:
    """A phrase as the space-joined words it matches (``b"llama 3 1 community"``)."""
    return b" ".join(tokens(phrase))


def joined_words(words: Sequence[bytes]) -> bytes:
    """``words`` as one string with a space before and after each, for whole-word substring search."""
    return b" " + b" ".join(words) + b" "


def word_positions(joined: bytes, key: bytes, limit: int = 1000) -> Iterator[int]:
    """The index of the first word of each occurrence of ``key`` (space-led, as ``b" mit license"``)
    in ``joined`` (``joined_words``), at most ``limit`` of them: a hostile text repeating a name
    costs one pass, not one per occurrence."""
    at, words, counted = joined.find(key), 0, 0
    while at >= 0 and limit > 0:
        words += joined.count(b" ", counted, at)
        counted = at
        yield words
        limit -= 1
        at = joined.find(key, at + 1)
