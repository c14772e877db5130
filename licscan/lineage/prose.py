"""Base models that a model card names only in its prose or in a YAML block of its body.

Real cards often never fill in ``base_model``. The base is then in a
sentence a tool wrote (the Trainer's "This model is a fine-tuned version of
[org/base](https://huggingface.co/org/base)"; the model-card template's
"Finetuned from model: org/base"; a quantiser's "Original model:
https://huggingface.co/org/base"; "a LoRA adapter for base `Llama-2-7b-hf`")
or in the mergekit configuration pasted into the card.

Only those anchored phrasings count. A model merely named elsewhere (an
evaluation table, "compared with", a list of other models, a dataset link)
is never a base: a wrong base is as bad as a missing one, because either can
change the effective licence. Pure: a string in, claims out; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from licscan.manifest.refs import repo_id_problem
from licscan.readme import body_start, prose_lines
from licscan.yamlsafe import safe_load

MAX_README = 1024 * 1024
MAX_BLOCK = 64 * 1024
MAX_CLAIMS = 32

# A Hub model URL (not /datasets/ or /spaces/), capturing org/name.
_HUB_URL = r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/)([\w.\-]+(?:/[\w.\-]+)?)"
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(\s*<?([^)\s>]{1,500})>?[^)]*\)")
_BARE_URL = re.compile(_HUB_URL)
_TARGET = r"(?P<target>\[[^\]\n]{1,200}\]\([^)\n]{1,500}\)|<?https?://\S{1,300}|`[^`\n]{1,200}`|[\w.\-/]{2,200})"

# (source label, confidence, pattern). Each pattern names the base in ``target``.
_PHRASES: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    (
        "trainer",  # transformers' Trainer.create_model_card
        0.9,
        re.compile(r"\bthis model is a fine-?tuned version of\s+" + _TARGET, re.IGNORECASE),
    ),
    (
        "finetuned-from",  # the Hub's model-card template and unsloth's card
        0.85,
        re.compile(
            r"\b(?:fine-?tuned|trained)\s+from(?:\s+model)?\s*(?:\[optional\])?\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*"
            + _TARGET,
            re.IGNORECASE,
        ),
    ),
    (
        "original-model",  # TheBloke's and bartowski's quantisation cards
        0.85,
        re.compile(r"\boriginal model\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*" + _TARGET, re.IGNORECASE),
    ),
    (
        "base-model-line",  # "Base model: org/x", "**Base Model:** [x](url)"
        0.8,
        re.compile(
            r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*base[ _-]?model\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*" + _TARGET,
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
    (
        "quantization-of",  # "GGUF quantizations of org/x", "This repo contains GGUF format model files for [X](url)"
        0.8,
        re.compile(
            r"\b(?:quanti[sz]ations?|quanti[sz]ed versions?|(?:gguf|gptq|awq|exl2|mlx)\s+(?:format\s+)?"
            r"(?:model\s+files|quants|versions?|conversions?))\s+(?:of|for)\s+" + _TARGET,
            re.IGNORECASE,
        ),
    ),
    (
        "based-on",  # "This is a fine-tuned model based on [bert-base-cased](https://huggingface.co/google-bert/...)"
        0.8,
        re.compile(
            r"\b(?:fine-?tuned|trained|quanti[sz]ed|distilled|derived|built)\s+(?:\w+\s+){0,2}"
            r"(?:based\s+on|on\s+top\s+of|from)\s+(?P<target>\[[^\]\n]{1,200}\]\(\s*https?://(?:www\.)?(?:huggingface\.co|hf\.co)/"
            r"[^)\n]{1,300}\))",
            re.IGNORECASE,
        ),
    ),
    (
        "merge-base",  # mergekit: "merged using the [TIES](...) merge method using [org/base](url) as a base"
        0.9,
        re.compile(r"\bmerge method using\s+" + _TARGET + r"\s+as a base", re.IGNORECASE),
    ),
    (
        "adapter-for",  # "a LoRA adapter for base `Llama-2-7b-hf`", "QLoRA adapter of org/x"
        0.75,
        re.compile(
            r"\b(?:q?lora|peft)?\s*adapters?\s+(?:for|of|on top of|on)\s+(?:the\s+)?(?:base\s+(?:model\s+)?)?"
            + _TARGET,
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True)
class ProseBase:
    """A base named by the card's body: ``value`` as written, ``repo_id`` when it is a Hub id."""

    value: str
    repo_id: str | None  # None: a name (to look up) or a local path
    source: str  # "card:prose" | "card:yaml-block"
    kind: str  # which phrasing: trainer, finetuned-from, original-model, ..., mergekit
    confidence: float
    line: int
    quote: str  # the sentence, clipped, for the evidence


def prose_bases(readme: str) -> list[ProseBase]:
    """Bases the README names through an anchored phrase or a mergekit YAML block, in order."""
    try:
        text = readme[:MAX_README] if isinstance(readme, str) else ""
        lines = text.splitlines()
        body = body_start(lines)  # the front matter's base_model is the Hub's to read, not prose
        found = _yaml_blocks(lines, body) + _phrases(lines)
    except Exception:  # a hostile card must never break a scan
        return []
    seen: set[str] = set()
    out: list[ProseBase] = []
    for claim in sorted(found, key=lambda c: c.line):
        key = (claim.repo_id or claim.value).lower()
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out[:MAX_CLAIMS]


def _phrases(lines: list[str]) -> list[ProseBase]:
    out: list[ProseBase] = []
    for number, line in prose_lines(lines):
        if line.lstrip().startswith("|"):  # tables (evaluation results) name no base
            continue
        for kind, confidence, pattern in _PHRASES:
            for hit in pattern.finditer(line):
                target = _target(hit.group("target"))
                if target is None:
                    continue
                value, repo_id = target
                out.append(ProseBase(value, repo_id, "card:prose", kind, confidence, number + 1, _quote(line)))
    return out


def _target(raw: str) -> tuple[str, str | None] | None:
    """(value as written, Hub repo id or None) of a phrase's target; None when it names nothing."""
    raw = raw.strip()
    link = _LINK.match(raw)
    if link:
        label, url = link.group(1).strip(), link.group(2).strip()
        hub = _BARE_URL.match(url)
        if hub and _ends_repo(url[hub.end() :]):  # linked as a Hub repo: a legacy id (gpt2) counts too
            return _clean(hub.group(1)), _hub_id(hub.group(1), legacy=True)
        if hub:  # "https://huggingface.co/C:\\Users\\...": the Trainer linked a local path
            return _clean(label), None
        if "/datasets/" in url or "/spaces/" in url:
            return None
        return _clean(label), _hub_id(label)
    hub = _BARE_URL.match(raw.lstrip("<"))
    if hub and _ends_repo(raw.lstrip("<")[hub.end() :]):
        return _clean(hub.group(1)), _hub_id(hub.group(1), legacy=True)
    if raw.startswith(("http://", "https://", "<")):
        return None  # a link elsewhere (GitHub, a paper): not a Hub model
    value = _clean(raw.strip("`*_"))
    if not value or value.lower() in _NOT_A_MODEL:
        return None
    return value, _hub_id(value)


# Words a loose target pattern can catch that are never a model.
_NOT_A_MODEL = frozenset({"the", "a", "an", "this", "that", "it", "none", "model", "base", "our", "my", "your"})
# What a model's name looks like when no org is given: letters and digits, with a separator (Llama-2-7b-hf).
MODEL_NAME = re.compile(r"^(?=[^\s]*[A-Za-z])(?=[^\s]*\d)[A-Za-z0-9][\w.]*(?:[-_][\w.]+)+$")


def _ends_repo(rest: str) -> bool:
    """What may follow ``org/name`` in a Hub URL that names the repo."""
    return not rest or rest[0] in "?#>)" or rest.startswith(("/tree/", "/blob/", "/resolve/", "/discussions"))


def _clean(value: str) -> str:
    return value.strip().strip(".,;:)(\"'`*_").strip()


def _hub_id(value: str, legacy: bool = False) -> str | None:
    value = _clean(value)
    if value.startswith((".", "/", "~")) or ("/" not in value and not legacy):
        return None
    return value if repo_id_problem(value) is None else None


def _quote(line: str) -> str:
    text = " ".join(line.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _yaml_blocks(lines: list[str], start: int) -> list[ProseBase]:
    """Fenced YAML blocks that are a mergekit configuration (they have merge_method)."""
    out: list[ProseBase] = []
    i = start
    while i < len(lines):
        if not lines[i].lstrip().startswith(("```", "~~~")):
            i += 1
            continue
        begin = i
        j = i + 1
        while j < len(lines) and not lines[j].lstrip().startswith(("```", "~~~")):
            j += 1
        block = "\n".join(lines[begin + 1 : j])
        if "merge_method" in block and len(block) <= MAX_BLOCK:
            out.extend(_mergekit_claims(block, begin + 2, "card:yaml-block"))
        i = j + 1
    return out


def mergekit_models(data: Any) -> list[str]:
    """Every model a mergekit configuration merges: ``base_model``, ``models[].model``, ``slices[].sources[].model``."""
    found: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, dict):
            value = value.get("model")
        if isinstance(value, str) and value.strip():
            found.append(value.strip())

    if not isinstance(data, dict):
        return []
    add(data.get("base_model"))
    for item in data.get("models") or []:
        add(item.get("model") if isinstance(item, dict) else item)
    for piece in data.get("slices") or []:
        if isinstance(piece, dict):
            for src in piece.get("sources") or []:
                add(src.get("model") if isinstance(src, dict) else None)
    return list(dict.fromkeys(found))[:MAX_CLAIMS]


def _mergekit_claims(block: str, line: int, source: str) -> list[ProseBase]:
    try:
        data = safe_load(block)
    except Exception:
        return []
    # "org/model+org/lora" merges a LoRA into a model: both are bases.
    return [
        ProseBase(part, _hub_id(part), source, "mergekit", 0.9, line, f"mergekit model {value}")
        for value in mergekit_models(data)
        for part in value.split("+")
        if part.strip()
    ]
