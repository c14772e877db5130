"""Ollama Modelfiles: ``FROM`` and ``ADAPTER`` name the model; ``hf.co/org/repo:quant`` is a Hub repo."""

from __future__ import annotations

import re

from licscan.discover.hubids import hub_id, looks_local
from licscan.discover.model import ApiUse, FileFindings, Location, ModelUse

_INSTRUCTION = re.compile(r"^\s*(FROM|ADAPTER)\s+(\S+)", re.IGNORECASE)
_HF = re.compile(r"^(?:https?://)?(?:hf\.co|huggingface\.co)/([^/\s:]+/[^/\s:]+)(?::\S+)?$", re.IGNORECASE)


def analyse_modelfile(text: str, path: str) -> FileFindings:
    models: list[ModelUse] = []
    apis: list[ApiUse] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _INSTRUCTION.match(line)
        if not match:
            continue
        keyword, name = match.group(1).upper(), match.group(2).strip("\"'")
        hf = _HF.match(name)
        if hf:
            repo = hub_id(hf.group(1))
            if repo is not None:
                models.append(ModelUse(repo, None, Location(path, number, f"Modelfile {keyword} hf.co")))
            apis.append(ApiUse("ollama", name, "self-hosted", Location(path, number, f"Modelfile {keyword}")))
            continue
        if looks_local(name) or keyword == "ADAPTER":
            continue  # FROM ./model.gguf: a local file (its GGUF header is read when it is in the tree)
        apis.append(ApiUse("ollama", name, "self-hosted", Location(path, number, f"Modelfile {keyword}")))
    return FileFindings(models=tuple(models), apis=tuple(apis))
