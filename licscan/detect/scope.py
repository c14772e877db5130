"""Which terms a licence statement of a model card speaks about: the code, or the model weights.

Cards of many open-weights models license their code and their weights apart: "The code is licensed
under Apache-2.0, while the model weights are fully open for academic research and also allow free
commercial usage after registration", "This code repository is licensed under the MIT License. The use
of DeepSeek-V2 models is subject to the Model License", "Code: Apache 2.0 | Weights: CC-BY-NC-4.0". A
statement about the code is no evidence for the weights, which are what a scan judges. This module finds
licence statements in a README body and says for each whether it is scoped to the code, to the weights
(the model), or to neither. Pure; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from licscan.readme import prose_lines

MAX_README = 1024 * 1024
MAX_STATEMENTS = 40

Scope = Literal["code", "weights"]

# What a statement's subject is, read in the words before its licensing verb.
_CODE = re.compile(
    r"\b(?:(?:source|inference|training|evaluation|fine-?tuning|example)\s+)?code(?:base)?\b|"
    r"\b(?:this|the|our)\s+(?:code\s+|github\s+)?repo(?:sitory)?\b|\bscripts\b|\bsoftware\b",
    re.IGNORECASE,
)
_WEIGHTS = re.compile(
    r"\b(?:model\s+)?weights\b|\bcheckpoints?\b|\bparameters\b|"
    r"\b(?:the\s+)?(?:use|usage)\s+of\s+(?:the\s+)?(?:[\w.\-/]+\s+){0,4}models?\b|"
    r"\b(?:the|our|these|this)\s+(?:[\w.\-/]+\s+){0,3}models?\b|\bmodels?\s+(?:licen[cs]e|weights)\b",
    re.IGNORECASE,
)
# Licensing verbs: what follows names the terms.
_VERB = re.compile(
    r"\b(?:(?:is|are)\s+)?(?:licen[cs]ed|released|distributed|made\s+available|available|provided|offered)\s+"
    r"(?:solely\s+|only\s+)?under\b|\b(?:is|are)\s+(?:subject\s+to|governed\s+by|covered\s+by)\b|"
    r"\bunder\s+the\s+terms\s+of\b|\b(?:is|are)\s+(?:fully\s+)?open\s+for\b|\bfollows?\b",
    re.IGNORECASE,
)
# "Code: Apache 2.0", "- **Model weights license**: CC-BY-NC-4.0", "Weights | CC-BY-NC".
_LABEL = re.compile(
    r"^\s*(?:[-*+>|]\s*)*(?:\*\*|__)?\s*(?P<subject>(?:model\s+)?weights|code|source\s+code|model)"
    r"(?:\s+licen[cs]e)?\s*(?:\*\*|__)?\s*[:：|]\s*(?:\*\*|__)?\s*(?P<value>[^|\n]{2,200})",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z\[*_(])|\s*\|\s*|(?<=[,])\s+(?:while|whereas|but|and)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    scope: Scope
    value: str  # the words that name the terms, as written (clipped)
    line: int  # 1-based README line
    sentence: str  # the whole statement, clipped, to quote


def scoped_statements(readme: str) -> list[Statement]:
    """Licence statements of the README body scoped to the code or to the weights, in order."""
    try:
        return _scan(readme[:MAX_README] if isinstance(readme, str) else "")
    except Exception:  # a hostile card must never break a scan
        return []


def _scan(text: str) -> list[Statement]:
    found: list[Statement] = []
    for number, line in prose_lines(text.splitlines()):
        if not line.strip():
            continue
        row = _table_row(line)
        if row is not None:
            found.append(Statement(row[0], _clip(row[1]), number + 1, _clip(line)))
            continue
        for part in _SENTENCE.split(line):
            label = _LABEL.match(part)
            if label:
                subject = label.group("subject").lower()
                scope: Scope = "code" if "code" in subject else "weights"
                found.append(Statement(scope, _clip(label.group("value")), number + 1, _clip(part)))
                continue
            statement = _statement(part, number + 1)
            if statement is not None:
                found.append(statement)
        if len(found) >= MAX_STATEMENTS:
            break
    return found[:MAX_STATEMENTS]


_ROW_SUBJECT = re.compile(
    r"^(?:\*\*|__)?\s*(?:(?:model\s+)?weights|(?:source\s+)?code)(?:\s+licen[cs]e)?\s*(?:\*\*|__)?$", re.IGNORECASE
)


def _table_row(line: str) -> tuple[Scope, str] | None:
    """``| Code | Apache-2.0 |``: a table that licenses code and weights apart."""
    if not line.lstrip().startswith("|"):
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 2 or not _ROW_SUBJECT.match(cells[0]) or not cells[1] or set(cells[1]) <= set("-: "):
        return None
    return ("code" if "code" in cells[0].lower() else "weights"), cells[1]


def _statement(sentence: str, line: int) -> Statement | None:
    verb = _VERB.search(sentence)
    if verb is None:
        return None
    subject = sentence[: verb.start()]
    code, weights = _CODE.search(subject), _WEIGHTS.search(subject)
    if code and not weights:
        scope: Scope = "code"
    elif weights and not code:
        scope = "weights"
    else:
        return None  # no subject, or both: says nothing about one scope alone
    value = sentence[verb.end() :].strip(" :,-")
    return Statement(scope, _clip(value), line, _clip(sentence))


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split()).strip(" *_")
    return text if len(text) <= limit else text[: limit - 3] + "..."
