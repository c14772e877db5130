"""Generate licscan/discover/data/model_catalogue.json from LiteLLM's bundled model list.

LiteLLM (MIT licence, BerriAI) ships ``model_prices_and_context_window_backup.json``, the most
complete, best-kept public list of hosted model ids and their providers. licscan needs only
"which provider does this bare model id belong to", so this script keeps that mapping and
nothing else (no prices, no limits), instead of making all of litellm a runtime dependency for
one JSON file. Re-run it to refresh the catalogue:

    pip download --no-deps litellm -d /tmp/litellm
    python scripts/build_model_catalogue.py /tmp/litellm/litellm-*.whl

The wheel is read as a zip file; nothing from it is imported or run.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "licscan" / "discover" / "data" / "model_catalogue.json"
MEMBER = "litellm/model_prices_and_context_window_backup.json"

# LiteLLM provider -> licscan provider slug (see licscan/discover/providers.py); others are left out.
PROVIDERS = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google-gemini",
    "mistral": "mistral",
    "codestral": "mistral",
    "text-completion-codestral": "mistral",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "xai": "xai",
    "deepseek": "deepseek",
    "perplexity": "perplexity",
    "vertex_ai": "google-vertex",
    "bedrock": "aws-bedrock",
    "bedrock_converse": "aws-bedrock",
    "azure": "azure-openai",
    "groq": "groq",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "openrouter": "openrouter",
    "replicate": "replicate",
}
# When a bare id is listed under several providers, the model's own vendor wins over hosts that resell it.
PRIORITY = [
    "openai", "anthropic", "google-gemini", "mistral", "cohere", "xai", "deepseek", "perplexity",
    "google-vertex", "aws-bedrock", "azure-openai", "groq", "together", "fireworks", "openrouter", "replicate",
]


def slug_of(provider: str) -> str | None:
    if provider.startswith("vertex_ai"):
        return "google-vertex"
    return PROVIDERS.get(provider)


def build(wheel: Path) -> dict[str, object]:
    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(archive.read(MEMBER))
        version = re.search(r"litellm-([^-]+)-", wheel.name)
    best: dict[str, str] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict) or key == "sample_spec":
            continue
        slug = slug_of(str(entry.get("litellm_provider") or ""))
        if slug is None:
            continue
        bare = key.split("/", 1)[1] if key.split("/", 1)[0] in PROVIDERS or key.startswith("vertex_ai") else key
        for name in {bare, key}:
            if "/" in name and name != bare:
                continue  # the prefixed form is parsed by prefix, not looked up
            current = best.get(name)
            if current is None or PRIORITY.index(slug) < PRIORITY.index(current):
                best[name] = slug
    return {
        "source": f"LiteLLM {version.group(1) if version else '?'} {MEMBER}",
        "license": "MIT License, Copyright (c) 2023 Berri AI (https://github.com/BerriAI/litellm); "
        "only model ids and provider names are kept",
        "models": dict(sorted(best.items())),
    }


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    catalogue = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(catalogue, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(catalogue['models'])} model ids")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
