"""Making untrusted text (model-card values) safe to carry into any output."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

DETAIL_LIMIT = 200


_UNPRINTABLE = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def clip(value: Any, limit: int = DETAIL_LIMIT) -> str:
    """A short, one-line, printable rendering of any card value.

    Control and format characters (ANSI escapes, bidi overrides) are shown as
    escapes, so a hostile card can neither drive a terminal nor reorder text.
    """

    def escape(char: str) -> str:
        return " " if char == "\n" else char.encode("unicode_escape").decode("ascii")

    return _printable(value, limit, escape, keep="", unit="chars")


def display(value: Any, limit: int = 300) -> str:
    """Printable text of an untrusted value for reports: lines kept, control characters replaced.

    Escaping for the target format is the renderer's job; this only removes what
    no format should carry (ANSI escapes, bidi overrides, NULs) and bounds the length.
    """
    return _printable(value, limit, lambda _: "\ufffd", keep="\n\t", unit="characters")


def _printable(value: Any, limit: int, substitute: Callable[[str], str], *, keep: str, unit: str) -> str:
    text = value if isinstance(value, str) else _json(value)
    head = text[: limit + 1]
    if head.isprintable():
        # No character Python calls printable is in _UNPRINTABLE (those are all "Other" or line and paragraph
        # separators): the common case, without a walk over every character.
        result = head
    else:
        result = "".join(
            substitute(char) if char not in keep and unicodedata.category(char) in _UNPRINTABLE else char
            for char in head
        )
    if len(text) > limit:
        result = result[:limit] + f"… ({len(text)} {unit})"
    return result


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return type(value).__name__


# ESC-introduced sequences (CSI with its parameters, OSC up to BEL or ST, two-character escapes) and C1 CSI.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~]?)"  # CSI, OSC, two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # the one-byte (C1) CSI
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def terminal(text: str) -> str:
    """``text`` made safe to print: escape sequences removed whole, other control characters shown as U+FFFD.

    Lines and tabs are kept. Used for everything licscan prints that may hold a stranger's text
    (error messages, warnings, ``explain``), so a card or an error body can neither drive the
    terminal (colours, titles, cursor moves, hyperlinks) nor reorder what is shown (bidi overrides).
    """
    if text.isascii() and text.isprintable():
        return text  # the common case, at no cost
    return _CONTROL.sub("\ufffd", _ESCAPE_SEQUENCE.sub("", text))


# GitHub turns `@name` (not `org/x@rev`: a mention follows no word character) into a notification, and
# `#12`, `GH-12`, `owner/repo#12` into cross-references (which post a backlink on that issue). A word
# joiner after the sign keeps the text as it reads and breaks the link.
_MARKDOWN_REFERENCE = re.compile(r"((?<![\w`])@(?=\w)|#(?=\d)|\bGH-(?=\d))", re.IGNORECASE)


def md_inert(text: str) -> str:
    """Already-escaped Markdown text with mentions and issue references neutralised."""
    return _MARKDOWN_REFERENCE.sub("\\1\u2060", text)
