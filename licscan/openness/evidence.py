"""What a Hub record shows about each MOF component (pure readers of a ``ModelRecord``).

Each reader answers from the model info already fetched: the file list
(``siblings``), tags, the card's metadata, ``library_name`` and ``config``,
and the README's text when the scan read it anyway. None of them asks for
anything more, and none of them guesses: what a record does not show is
reported as not shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from licscan.text import clip
from licscan.types import ModelRecord

README = "README.md"

# Weight files by extension. ``.bin``/``.pt`` also name training state, which is not weights.
_WEIGHT_SUFFIXES = (
    ".safetensors",
    ".bin",
    ".pt",
    ".pth",
    ".ckpt",
    ".gguf",
    ".ggml",
    ".onnx",
    ".onnx_data",
    ".h5",
    ".keras",
    ".msgpack",
    ".tflite",
    ".npz",
    ".nemo",
    ".pdparams",
    ".mlmodel",
    ".pte",
    ".llamafile",
    ".joblib",
    ".skops",
)
_NOT_WEIGHTS = re.compile(
    r"(?:^|/)(?:training_args|optimizer|scheduler|scaler|rng_state[^/]*|trainer_state)\.(?:bin|pt|pth)$"
    r"|(?:^|/)(?:tokenizer|sentencepiece|spiece)[^/]*\.(?:bin|model)$"
)
_CHECKPOINT_DIR = re.compile(r"(?:^|/)(?:checkpoint|ckpt|step)[-_]?\d+/", re.IGNORECASE)
_CHECKPOINT_REF = re.compile(r"(?:^|[-_/])(?:step|ckpt|checkpoint)[-_]?\d+", re.IGNORECASE)

# Open-source libraries that implement the architectures they load, with their code's licence (each
# checked on the project's repository). A library_name not listed is not assumed open.
LIBRARIES: dict[str, str] = {
    "transformers": "Apache-2.0",
    "diffusers": "Apache-2.0",
    "sentence-transformers": "Apache-2.0",
    "peft": "Apache-2.0",
    "adapter-transformers": "Apache-2.0",
    "timm": "Apache-2.0",
    "open_clip": "MIT",
    "gguf": "MIT",  # llama.cpp, which writes and runs GGUF files
    "llama.cpp": "MIT",
    "mlx": "MIT",
    "mlx-image": "Apache-2.0",
    "keras": "Apache-2.0",
    "tf-keras": "Apache-2.0",
    "keras-hub": "Apache-2.0",
    "keras-nlp": "Apache-2.0",
    "nemo": "Apache-2.0",
    "espnet": "Apache-2.0",
    "speechbrain": "Apache-2.0",
    "fairseq": "MIT",
    "flair": "MIT",
    "spacy": "MIT",
    "setfit": "Apache-2.0",
    "span-marker": "Apache-2.0",
    "gliner": "Apache-2.0",
    "sklearn": "BSD-3-Clause",
    "scikit-learn": "BSD-3-Clause",
    "fastai": "Apache-2.0",
    "stable-baselines3": "MIT",
    "sample-factory": "MIT",
    "ml-agents": "Apache-2.0",
    "pyannote-audio": "MIT",
    "asteroid": "MIT",
    "allennlp": "Apache-2.0",
    "stanza": "Apache-2.0",
    "fasttext": "MIT",
    "bertopic": "MIT",
    "paddlenlp": "Apache-2.0",
    "ctranslate2": "MIT",
    "vllm": "Apache-2.0",  # Mistral's cards name it; it implements the architectures it serves
    "mlc-llm": "Apache-2.0",
    "llamafile": "Apache-2.0",
    "transformers.js": "Apache-2.0",
    "onnx": "Apache-2.0",
    "ultralytics": "AGPL-3.0",
    "audiocraft": "MIT",
    "big_vision": "Apache-2.0",
    "doctr": "Apache-2.0",
    "k2": "Apache-2.0",
    "mindspore": "Apache-2.0",
}
# Libraries the Hub also records as tags, in the order the tag list is searched when library_name is absent.
_LIBRARY_TAGS = ("transformers", "diffusers", "sentence-transformers", "peft", "timm", "open_clip", "gguf", "mlx")

# New-style arXiv ids (YYMM.NNNNN, since 2007) and old-style (archive/YYMMNNN).
_ARXIV_NEW = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})(?:v\d+)?$")
_ARXIV_OLD = re.compile(r"^[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?$")
# Method papers that model cards cite by the hundred (the Trainer and TRL templates, PEFT, quantisers,
# mergekit): their arXiv tag names the technique, not this model's own report.
METHOD_PAPERS: dict[str, str] = {
    "1706.03762": "Attention Is All You Need (the Transformer)",
    "1810.04805": "BERT",
    "1910.10683": "T5",
    "2106.09685": "LoRA",
    "2305.14314": "QLoRA",
    "2305.18290": "DPO",
    "1707.06347": "PPO",
    "2203.02155": "InstructGPT (RLHF)",
    "2402.03300": "DeepSeekMath (GRPO)",
    "2403.07691": "ORPO",
    "2402.01306": "KTO",
    "2405.14734": "SimPO",
    "2310.12036": "IPO",
    "2210.17323": "GPTQ",
    "2306.00978": "AWQ",
    "2208.07339": "LLM.int8()",
    "2205.14135": "FlashAttention",
    "2307.08691": "FlashAttention-2",
    "2403.13257": "mergekit",
    "2306.01708": "TIES-Merging",
    "2311.03099": "DARE",
    "2212.04089": "task arithmetic",
    "2203.05482": "model soups",
    "1909.08593": "fine-tuning from human preferences",
    "2009.01325": "learning to summarize from human feedback",
    "2101.00190": "prefix tuning",
    "2104.08691": "prompt tuning",
    "1711.05101": "AdamW",
    "1412.6980": "Adam",
    "2104.09864": "RoPE (RoFormer)",
    "2002.05202": "GLU variants (SwiGLU)",
    "2305.13245": "GQA",
    "1910.02054": "ZeRO",
    "2309.06180": "vLLM (PagedAttention)",
}


def weight_files(record: ModelRecord) -> list[str]:
    """The repo's weight files (final and intermediate), by name."""
    return [
        name
        for name in record.siblings
        if name.lower().endswith(_WEIGHT_SUFFIXES) and not _NOT_WEIGHTS.search(name.lower())
    ]


def checkpoint_folders(weights: Iterable[str]) -> list[str]:
    """Folders such as ``checkpoint-500/`` that hold weight files: intermediate checkpoints in the repo."""
    found: dict[str, None] = {}
    for name in weights:
        match = _CHECKPOINT_DIR.search(name)
        if match:
            found[name[: match.end()]] = None
    return list(found)


def checkpoint_refs(branches: Iterable[str]) -> list[str]:
    """Branches named like training steps (``step1000``, ``stage1-step928646-tokens3896B``, ``ckpt_000``)."""
    return [b for b in branches if _CHECKPOINT_REF.search(b)]


def summarise_files(names: list[str], limit: int = 3) -> str:
    """``model-00001-of-00004.safetensors, ... (4 files)``."""
    shown = ", ".join(clip(n, 80) for n in names[:limit])
    return shown + (f", ... ({len(names)} files)" if len(names) > limit else "")


@dataclass(frozen=True)
class ArchitectureEvidence:
    library: str | None  # the library that implements it, when the record names one
    library_licence: str | None  # that library's code licence (LIBRARIES), None when not reviewed
    architectures: tuple[str, ...]
    remote_code: tuple[str, ...]  # auto_map targets, or the repo's modelling files when config is absent
    remote_elsewhere: tuple[str, ...]  # auto_map targets in another repo (``org/repo--module.Class``)


def architecture(record: ModelRecord) -> ArchitectureEvidence:
    card = record.card_data if isinstance(record.card_data, Mapping) else {}
    named = record.library_name or (card.get("library_name") if isinstance(card.get("library_name"), str) else None)
    library = named.strip().lower() if isinstance(named, str) and named.strip() else None
    if library is None:
        tags = {t.lower() for t in record.tags}
        library = next((t for t in _LIBRARY_TAGS if t in tags), None)
    if library is None and record.siblings and all(n.lower().endswith(".gguf") for n in weight_files(record) or [""]):
        library = "gguf"  # a GGUF-only repo: llama.cpp's format, whatever the card says
    config = record.config if isinstance(record.config, Mapping) else {}
    architectures = tuple(a for a in config.get("architectures") or () if isinstance(a, str))
    targets: list[str] = []
    auto_map = config.get("auto_map")
    if isinstance(auto_map, Mapping):
        for value in auto_map.values():
            targets.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    elsewhere = tuple(t for t in targets if "--" in t)
    if not targets and "custom_code" in {t.lower() for t in record.tags}:
        # Records without config (cached before it was kept): the Hub's custom_code tag and the code files.
        targets = [n for n in record.siblings if n.endswith(".py") and "/" not in n]
    return ArchitectureEvidence(
        library=library,
        library_licence=LIBRARIES.get(library) if library else None,
        architectures=architectures,
        remote_code=tuple(t for t in targets if "--" not in t),
        remote_elsewhere=elsewhere,
    )


@dataclass(frozen=True)
class CardEvidence:
    listed: bool  # README.md among the files
    metadata_keys: tuple[str, ...]  # card metadata beyond the licence fields
    words: int | None  # words of the README body (front matter removed); None when it was not read
    template: bool  # the Trainer's generated card ("More information needed" sections)


_LICENCE_KEYS = frozenset({"license", "license_name", "license_link", "license_details"})
_FRONT_MATTER = re.compile(r"^\s*---\s*\n.*?\n---[ \t]*(?:\n|$)", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]{2,}")
_PLACEHOLDER = "more information needed"


def model_card(record: ModelRecord) -> CardEvidence:
    card = record.card_data if isinstance(record.card_data, Mapping) else {}
    # The gate's form (extra_gated_*) is not the card's content.
    keys = tuple(sorted(str(k) for k in card if str(k) not in _LICENCE_KEYS and not str(k).startswith("extra_gated")))
    text = record.files.get(README)
    words: int | None = None
    template = "generated_from_trainer" in {str(t) for t in _as_list(card.get("tags"))}
    if text is not None:
        body = _FRONT_MATTER.sub("", text, count=1)
        words = len(_WORD.findall(body))
        template = body.lower().count(_PLACEHOLDER) >= 2
    return CardEvidence(listed=README in record.siblings, metadata_keys=keys, words=words, template=template)


@dataclass(frozen=True)
class EvalEvidence:
    results: int  # results with at least one metric value
    metrics: int
    example: str  # one metric, for the evidence line
    problem: str | None  # why a model-index that is there does not count


def evaluation(card: Mapping[str, Any]) -> EvalEvidence | None:
    """What ``model-index`` reports; None when the card has none."""
    index = card.get("model-index") if isinstance(card, Mapping) else None
    if index is None:
        return None
    if not isinstance(index, list):
        return EvalEvidence(0, 0, "", "model-index is not a list")
    results = metrics = 0
    example = ""
    for entry in index:
        for result in (entry.get("results") if isinstance(entry, Mapping) else None) or []:
            values = [
                m
                for m in ((result.get("metrics") if isinstance(result, Mapping) else None) or [])
                if isinstance(m, Mapping) and m.get("value") not in (None, "")
            ]
            if not values:
                continue
            results += 1
            metrics += len(values)
            if not example:
                dataset = result.get("dataset") if isinstance(result.get("dataset"), Mapping) else {}
                name = dataset.get("name") or dataset.get("type") or "a benchmark"
                example = f"{clip(name, 60)} {clip(values[0].get('type') or values[0].get('name') or 'metric', 40)}"
                example += f" {clip(values[0].get('value'), 20)}"
    if results == 0:
        return EvalEvidence(0, 0, "", "model-index lists no metric values (a template's empty results)")
    return EvalEvidence(results, metrics, example, None)


@dataclass(frozen=True)
class ArxivEvidence:
    papers: tuple[str, ...]  # ids that may be the model's own report
    methods: tuple[str, ...]  # ids of method papers (METHOD_PAPERS)
    placeholders: tuple[str, ...]  # ids that are no paper (0000.00000, 2401.00000, month 13, ...)


def arxiv(record: ModelRecord) -> ArxivEvidence:
    card = record.card_data if isinstance(record.card_data, Mapping) else {}
    tags = [*record.tags, *(str(t) for t in _as_list(card.get("tags")) if isinstance(t, str))]
    ids = list(dict.fromkeys(t.split(":", 1)[1].strip() for t in tags if t.lower().startswith("arxiv:")))
    papers: list[str] = []
    methods: list[str] = []
    placeholders: list[str] = []
    for paper in ids:
        base = re.sub(r"v\d+$", "", paper)
        if not _valid_arxiv(paper):
            placeholders.append(clip(paper, 40))
        elif base in METHOD_PAPERS:
            methods.append(base)
        else:
            papers.append(base)
    return ArxivEvidence(tuple(papers), tuple(methods), tuple(placeholders))


def _valid_arxiv(paper: str) -> bool:
    if _ARXIV_OLD.match(paper):
        return True
    match = _ARXIV_NEW.match(paper)
    if not match:
        return False
    year, month, number = int(match.group(1)), int(match.group(2)), int(match.group(3))
    # New-style ids start in April 2007; five-digit numbers from 2015; number 0 is never assigned.
    in_range = (year, month) >= (7, 4) and year <= 40 and 1 <= month <= 12
    return in_range and number > 0 and (len(match.group(3)) == 4 or year >= 15)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
