"""Licence hints from a model card's README.md body, for messy cards.

The Hub only reads well-formed front matter with exact keys. Real cards also
carry ``lincense: mit``, a ``License: Apache 2.0`` line below the YAML, a
``## License`` section holding the text, or a sentence naming the licence.
Each is returned as a ``Hint`` with a confidence below that of a proper
``license:`` field, for the classifier to weigh; a section's text is meant
for ``detect_text``. The gate prompt (``extra_gated_prompt``) comes with the
card data, so the caller passes it to ``detect_text`` directly.

Input is untrusted: the text is capped at 1 MiB, every value is capped, and
nothing here raises.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from licscan.yamlsafe import safe_load

MAX_README = 1024 * 1024
MAX_VALUE = 200  # a licence name, id or URL
MAX_SECTION = 100_000  # a licence text pasted into a section
MAX_YAML = 64 * 1024  # front matter bigger than this is scanned line by line, not parsed
MAX_ITEMS = 20

# Keys the Hub reads for licences and lineage, and the hint confidence of a
# near miss: the author meant it, but no tool reading the card will see it.
_TARGETS = ("license", "license_name", "license_link", "base_model")
_VALID_KEYS = frozenset(
    {
        *_TARGETS,
        "base_model_relation",
        "library_name",
        "datasets",
        "language",
        "tags",
        "pipeline_tag",
        "metrics",
        "model-index",
        "model_name",
        "widget",
        "inference",
        "thumbnail",
        "new_version",
    }
)
TYPO_CONFIDENCE = 0.6
LINE_CONFIDENCE = 0.7
SECTION_CONFIDENCE = 0.5
PROSE_CONFIDENCE = 0.4


@dataclass(frozen=True)
class Hint:
    source: str  # "card:front-matter-typo" | "card:license-line" | "card:license-section" | "card:prose"
    value: str
    confidence: float
    line: int  # 1-based line of the README where the hint starts
    key: str = "license"  # the card field it stands for: license, license_name, license_link, base_model
    detail: str = ""  # e.g. the misspelled key as written


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_FENCE = re.compile(r"^\ufeff?\s*---\s*$")
_YAML_LINE = re.compile(r"^\s*[\"']?([A-Za-z][\w\- ]{0,40}?)[\"']?\s*:(?:\s+(.*?))?\s*$")
_YAML_ITEM = re.compile(r"^\s*-\s+(.+?)\s*$")
_LICENSE_LINE = re.compile(
    r"^\s*(?:[-*+>]\s+)?(?:\*\*|__)?\s*(licen[cs]e(?:\s+name)?|licen[cs]ing)\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.+?)\s*$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LICENSE_TITLE = re.compile(r"\blicen[cs](?:e|es|ing)\b", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(\s*<?([^)\s>]{1,500})>?[^)]*\)")
_PROSE = re.compile(
    r"\b(?:licen[cs]ed|released|distributed|available|provided|governed|made available)\s+"
    r"(?:solely\s+|only\s+)?under\s+(?:the\s+)?(?:terms\s+of\s+(?:the\s+)?)?"
    r"((?:[^.;:\n()]|\.(?=\w)){2,100}?(?:licen[cs]e(?:\s+agreement)?|agreement|terms of use)\b|[A-Za-z][\w.\-+]{1,40})",
    re.IGNORECASE,
)


def card_hints(readme_text: str) -> list[Hint]:
    """Licence and lineage hints from a README, in order of appearance."""
    hints: list[Hint] = []
    try:
        text = readme_text[:MAX_README] if isinstance(readme_text, str) else ""
        lines = text.splitlines()
        body_start = _front_matter(lines, hints)
        _body(lines, body_start, hints)
    except Exception:  # a hostile card must never break a scan; keep what was found
        pass
    return sorted(hints, key=lambda h: h.line)


def _clean(value: Any, limit: int = MAX_VALUE) -> str:
    text = value if isinstance(value, str) else str(value)
    text = _CONTROL.sub("", text).strip().strip("\"'`").strip()
    return text[:limit]


def _front_matter(lines: list[str], hints: list[Hint]) -> int:
    """Read typos in the YAML block; return the index of the first body line."""
    first = next((i for i, line in enumerate(lines[:5]) if line.strip()), None)
    if first is None or not _FENCE.match(lines[first]):
        return 0
    end = next((i for i in range(first + 1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:  # an unterminated block: read it anyway, the body starts nowhere
        end = len(lines)
    block = lines[first + 1 : end]
    parsed = _parse_yaml(block)
    if parsed is not None:
        _typos_from_mapping(parsed, block, first + 2, hints)
    else:
        _typos_from_lines(block, first + 2, hints)
    return end + 1


def _parse_yaml(block: list[str]) -> dict[Any, Any] | None:
    source = "\n".join(block)
    if len(source) > MAX_YAML:
        return None
    try:
        data = safe_load(source)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _intended(key: str) -> tuple[str, float] | None:
    """The Hub key a misspelled one stands for, if any."""
    if key in _VALID_KEYS:
        return None
    folded = key.strip().lower().replace("-", "_").replace(" ", "_")
    squashed = folded.replace("_", "").replace("licence", "license")
    for target in _TARGETS:
        if squashed == target.replace("_", ""):
            return target, TYPO_CONFIDENCE + 0.1  # only case or separators differ
    best = max(_TARGETS, key=lambda t: difflib.SequenceMatcher(None, folded, t).ratio())
    ratio = difflib.SequenceMatcher(None, folded, best).ratio()
    if ratio >= 0.8 and folded not in _VALID_KEYS:
        return best, TYPO_CONFIDENCE
    return None


def _line_of(block: list[str], key: str, offset: int) -> int:
    pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*:")
    for i, line in enumerate(block):
        if pattern.match(line):
            return offset + i
    return offset


def _typos_from_mapping(data: dict[Any, Any], block: list[str], offset: int, hints: list[Hint]) -> None:
    for key, value in list(data.items())[:500]:
        if not isinstance(key, str):
            continue
        intended = _intended(key)
        if intended is None:
            continue
        target, confidence = intended
        values = value if isinstance(value, list) else [value]
        line = _line_of(block, key, offset)
        for item in values[:MAX_ITEMS]:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                hints.append(
                    Hint("card:front-matter-typo", _clean(item), confidence, line, target, detail=_clean(key, 60))
                )


def _typos_from_lines(block: list[str], offset: int, hints: list[Hint]) -> None:
    """A block that is not valid YAML: read ``key: value`` lines and their ``- item`` lists."""
    current: tuple[str, float, str] | None = None
    for i, line in enumerate(block):
        item = _YAML_ITEM.match(line)
        if item and current is not None:
            target, confidence, key = current
            hints.append(
                Hint("card:front-matter-typo", _clean(item.group(1)), confidence, offset + i, target, detail=key)
            )
            continue
        current = None
        found = _YAML_LINE.match(line)
        if not found:
            continue
        key, value = found.group(1), found.group(2) or ""
        intended = _intended(key)
        if intended is None:
            continue
        if value.strip():
            hints.append(
                Hint("card:front-matter-typo", _clean(value), intended[1], offset + i, intended[0], _clean(key, 60))
            )
        else:
            current = (intended[0], intended[1], _clean(key, 60))


def _body(lines: list[str], start: int, hints: list[Hint]) -> None:
    fenced = False
    i = start
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            i += 1
            continue
        if fenced:
            i += 1
            continue
        title, level = _heading(lines, i)
        if title is not None and _LICENSE_TITLE.search(title):
            i = _section(lines, i, level, hints)
            continue
        found = _LICENSE_LINE.match(line)
        if found and found.group(2).strip():
            _license_line(found.group(2), i + 1, hints)
        else:
            for prose in _PROSE.finditer(line):
                value = re.sub(r"^(?:the|this|a)\s+", "", _clean(prose.group(1)), flags=re.IGNORECASE)
                if len(value) >= 2:
                    hints.append(Hint("card:prose", value, PROSE_CONFIDENCE, i + 1))
        i += 1


def _heading(lines: list[str], i: int) -> tuple[str | None, int]:
    atx = _HEADING.match(lines[i])
    if atx:
        return atx.group(2), len(atx.group(1))
    if i + 1 < len(lines) and lines[i].strip() and _SETEXT.match(lines[i + 1]) and not _FENCE.match(lines[i]):
        return lines[i].strip(), 1 if lines[i + 1].strip().startswith("=") else 2
    return None, 0


def _section(lines: list[str], i: int, level: int, hints: list[Hint]) -> int:
    """Collect a licence section up to the next heading of the same or a higher level."""
    j = i + (2 if not _HEADING.match(lines[i]) else 1)
    body: list[str] = []
    size = 0
    while j < len(lines):
        title, other = _heading(lines, j)
        if title is not None and other <= level:
            break
        if size < MAX_SECTION:
            body.append(lines[j])
            size += len(lines[j]) + 1
        found = _LICENSE_LINE.match(lines[j])
        if found and found.group(2).strip():
            _license_line(found.group(2), j + 1, hints)
        j += 1
    text = _CONTROL.sub("", "\n".join(body)).strip()[:MAX_SECTION]
    if text:
        hints.append(Hint("card:license-section", text, SECTION_CONFIDENCE, i + 1))
    return j


def _license_line(value: str, line: int, hints: list[Hint]) -> None:
    link = _MD_LINK.search(value)
    if link:
        name, url = link.group(1), link.group(2)
        hints.append(Hint("card:license-line", _clean(name.strip("*_ ")), LINE_CONFIDENCE, line))
        if url.lower().startswith(("http://", "https://")):
            hints.append(Hint("card:license-line", _clean(url), LINE_CONFIDENCE, line, key="license_link"))
        return
    cleaned = _clean(value.strip().strip("*_").strip())
    if cleaned:
        key = "license_link" if cleaned.lower().startswith(("http://", "https://")) else "license"
        hints.append(Hint("card:license-line", cleaned, LINE_CONFIDENCE, line, key=key))
