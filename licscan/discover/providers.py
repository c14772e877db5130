"""Hosted model services: which provider an endpoint, client, prefix or model string names, and how it serves.

Endpoint first: ``OpenAI(base_url="https://api.groq.com/openai/v1")`` is Groq
whatever the client class says, and ``OpenAI(base_url="http://localhost:11434/v1")``
is a local Ollama. Then the client class, then the import, then the model
string (looked up in a catalogue generated from LiteLLM's bundled model
list, with regex families as the fallback for ids the catalogue does not
hold, such as retired ones).
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

# slug -> kind: "vendor" serves its own models; "host" serves other people's; "self" runs on the team's host.
PROVIDERS: dict[str, str] = {
    "openai": "vendor",
    "azure-openai": "host",
    "anthropic": "vendor",
    "google-gemini": "vendor",
    "google-vertex": "host",
    "aws-bedrock": "host",
    "cohere": "vendor",
    "mistral": "vendor",
    "groq": "host",
    "together": "host",
    "fireworks": "host",
    "deepseek": "vendor",
    "openrouter": "host",
    "xai": "vendor",
    "perplexity": "vendor",
    "replicate": "host",
    "huggingface-inference": "host",
    "ollama": "self",
    "vllm": "self",
    "tgi": "self",
    "lm-studio": "self",
    # An OpenAI-compatible endpoint licscan cannot name (an own gateway, an unknown vendor).
    "openai-compatible": "host",
}
# Hosts that serve open-weights models only: a call whose model the code does not say is still open weights.
_OPEN_ONLY_HOSTS = frozenset({"groq", "together", "fireworks", "replicate", "huggingface-inference"})

_HOSTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"$"), slug)
    for pattern, slug in (
        (r"api\.openai\.com", "openai"),
        (r"(?:.+\.)?openai\.azure\.com", "azure-openai"),
        (r"(?:.+\.)?cognitiveservices\.azure\.com", "azure-openai"),
        (r"(?:.+\.)?services\.ai\.azure\.com", "azure-openai"),
        (r"models\.inference\.ai\.azure\.com", "azure-openai"),
        (r"api\.anthropic\.com", "anthropic"),
        (r"generativelanguage\.googleapis\.com", "google-gemini"),
        (r"(?:.+-)?aiplatform\.googleapis\.com", "google-vertex"),
        (r"bedrock(?:-runtime)?(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com", "aws-bedrock"),
        (r"api\.cohere\.(?:ai|com)", "cohere"),
        (r"api\.mistral\.ai|codestral\.mistral\.ai", "mistral"),
        (r"api\.groq\.com", "groq"),
        (r"api\.together\.(?:xyz|ai)", "together"),
        (r"api\.fireworks\.ai", "fireworks"),
        (r"api\.deepseek\.com", "deepseek"),
        (r"(?:api\.)?openrouter\.ai", "openrouter"),
        (r"api\.x\.ai", "xai"),
        (r"api\.perplexity\.ai", "perplexity"),
        (r"api\.replicate\.com", "replicate"),
        (r"(?:api-inference|router)\.huggingface\.co", "huggingface-inference"),
        (r".+\.endpoints\.huggingface\.cloud", "huggingface-inference"),
    )
)
# Only distinctive default ports name a server: 8000 and 8080 are every dev server's, so they name none.
_LOCAL_PORTS = {11434: "ollama", 1234: "lm-studio"}
_HOST_WORDS = (("ollama", "ollama"), ("vllm", "vllm"), ("lmstudio", "lm-studio"), ("lm-studio", "lm-studio"),
               ("text-generation", "tgi"), ("tgi", "tgi"))
# Environment variable names that say which service a client is pointed at (GROQ_BASE_URL, TOGETHER_API_KEY).
_ENV_WORDS: tuple[tuple[str, str], ...] = (
    ("AZURE_OPENAI", "azure-openai"),
    ("AZURE", "azure-openai"),
    ("GROQ", "groq"),
    ("TOGETHER", "together"),
    ("FIREWORKS", "fireworks"),
    ("DEEPSEEK", "deepseek"),
    ("OPENROUTER", "openrouter"),
    ("XAI", "xai"),
    ("GROK", "xai"),
    ("PERPLEXITY", "perplexity"),
    ("PPLX", "perplexity"),
    ("MISTRAL", "mistral"),
    ("ANTHROPIC", "anthropic"),
    ("GEMINI", "google-gemini"),
    ("GOOGLE", "google-gemini"),
    ("VERTEX", "google-vertex"),
    ("BEDROCK", "aws-bedrock"),
    ("COHERE", "cohere"),
    ("REPLICATE", "replicate"),
    ("OLLAMA", "ollama"),
    ("VLLM", "vllm"),
    ("TGI", "tgi"),
    ("LMSTUDIO", "lm-studio"),
    ("LM_STUDIO", "lm-studio"),
    ("HUGGINGFACE", "huggingface-inference"),
    ("HF", "huggingface-inference"),
)
# ``provider/model`` and ``provider:model`` prefixes of LiteLLM, DSPy, LangChain's init_chat_model, Pydantic AI
# and the Vercel AI Gateway.
PREFIXES: dict[str, str] = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "azure": "azure-openai",
    "azure_openai": "azure-openai",
    "azure_ai": "azure-openai",
    "anthropic": "anthropic",
    "claude": "anthropic",
    "gemini": "google-gemini",
    "google": "google-gemini",
    "google_genai": "google-gemini",
    "google-gla": "google-gemini",
    "vertex_ai": "google-vertex",
    "vertex_ai_beta": "google-vertex",
    "google_vertexai": "google-vertex",
    "google-vertex": "google-vertex",
    "google_anthropic_vertex": "google-vertex",
    "vertex": "google-vertex",
    "bedrock": "aws-bedrock",
    "bedrock_converse": "aws-bedrock",
    "amazon-bedrock": "aws-bedrock",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "mistral": "mistral",
    "mistralai": "mistral",
    "codestral": "mistral",
    "groq": "groq",
    "together_ai": "together",
    "together": "together",
    "togetherai": "together",
    "fireworks_ai": "fireworks",
    "fireworks": "fireworks",
    "deepseek": "deepseek",
    "openrouter": "openrouter",
    "xai": "xai",
    "grok": "xai",
    "perplexity": "perplexity",
    "replicate": "replicate",
    "huggingface": "huggingface-inference",
    "ollama": "ollama",
    "ollama_chat": "ollama",
    "hosted_vllm": "vllm",
    "vllm": "vllm",
    "lm_studio": "lm-studio",
    "lmstudio": "lm-studio",
}
# Fallback families for model ids the catalogue does not hold (retired or newer than it).
_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), slug)
    for pattern, slug in (
        (r"^(?:gpt-(?!oss|j|neo|2\b)|o[134](?:-|$)|chatgpt|text-embedding-|text-davinci|davinci|babbage|"
         r"dall-e|tts-1|whisper-1|omni-moderation|computer-use)", "openai"),
        (r"^claude", "anthropic"),
        (r"^(?:models/)?gemini-|^text-embedding-00|^gemini-embedding|^imagen-", "google-gemini"),
        (r"^(?:command|embed-(?:english|multilingual)|rerank-)", "cohere"),
        (r"^(?:mistral-(?:large|medium|small|tiny|embed|ocr|moderation)|codestral|pixtral-large|ministral|"
         r"open-mi[sx]tral|magistral|devstral)", "mistral"),
        (r"^grok", "xai"),
        (r"^deepseek-(?:chat|reasoner)$", "deepseek"),
        (r"^(?:sonar|pplx-|r1-1776)", "perplexity"),
        (r"^(?:[a-z]{2}\.)?(?:anthropic|meta|amazon|cohere|ai21|mistral|stability|deepseek|writer|qwen)\.[a-z0-9]",
         "aws-bedrock"),
    )
)
# Open-weights families: a hosted call to one of these is ``hosted-open-weights``, not ``closed-api``.
_OPEN_WEIGHTS = re.compile(
    r"llama|mixtral|mistral-7b|mistral-nemo|open-mistral-7b|open-mixtral|codestral-mamba|mathstral|"
    r"pixtral-12b|ministral-8b|qwen|qwq|gemma|(?:^|[^a-z])phi-?[1-4]|deepseek|falcon|(?:^|[^a-z])yi-|olmo|"
    r"starcoder|codegemma|gpt-oss|nemotron|granite|dbrx|jamba|(?:^|[^a-z])mpt-|vicuna|zephyr|solar-|kimi-k2|"
    r"glm-4|minimax-m1|hermes|wizardlm|openchat|bloom|flan-t5|(?:^|/)t5-|bge-|(?:^|[^a-z])e5-|gte-|nomic-embed|"
    r"all-minilm|mxbai|whisper-large|stable-diffusion|sdxl|flux[.-]?1?[.-]?(?:schnell|dev)|smollm|"
    r"tinyllama|orca",
    re.IGNORECASE,
)
# Proprietary families that hosts of open weights also resell (Replicate, OpenRouter): never open weights.
_CLOSED = re.compile(
    r"gpt-(?!oss|j\b|neo|2\b)|claude|gemini-|grok|flux-(?:1\.1-)?pro|flux-pro|command-|(?:^|/)o[134]\b|dall-e|imagen|sonar",
    re.IGNORECASE,
)
_PRIVATE_SUFFIXES = (".local", ".internal", ".lan", ".svc", ".cluster.local", ".localhost", ".home.arpa")


@dataclass(frozen=True)
class Endpoint:
    """What an endpoint string says: the provider (None when it names none) and whether it is the team's own."""

    provider: str | None
    private: bool
    text: str


def endpoint_provider(url: str) -> Endpoint:
    """The provider behind ``url`` (``https://api.groq.com/openai/v1``, ``http://localhost:11434``, ``vllm:8000``)."""
    text = url.strip()
    parts = urlsplit(text if "://" in text else f"http://{text}")
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if not host:
        return Endpoint(None, False, text)
    for pattern, slug in _HOSTS:
        if pattern.match(host):
            return Endpoint(slug, False, text)
    private = _is_private(host)
    if private:
        if port in _LOCAL_PORTS and host in ("localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal"):
            return Endpoint(_LOCAL_PORTS[port], True, text)
        for word, slug in _HOST_WORDS:
            if word in host:
                return Endpoint(slug, True, text)
        if port in _LOCAL_PORTS:
            return Endpoint(_LOCAL_PORTS[port], True, text)
        return Endpoint("openai-compatible", True, text)
    for word, slug in _HOST_WORDS:
        if word in host.split(".")[0]:
            return Endpoint(slug, False, text)
    return Endpoint("openai-compatible", False, text)


def _is_private(host: str) -> bool:
    if host in ("localhost", "host.docker.internal") or host.endswith(_PRIVATE_SUFFIXES):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "." not in host  # a single-label name: a compose service or a machine on the LAN
    return address.is_private or address.is_loopback or address.is_unspecified or address.is_link_local


def env_provider(name: str) -> str | None:
    """The provider an environment variable's name points at (``GROQ_API_KEY`` -> groq), or None."""
    words = re.split(r"[^A-Z0-9]+", name.upper())
    joined = "_".join(words)
    for word, slug in _ENV_WORDS:
        if word in words or (("_" in word) and word in joined):
            return slug
    return None


def prefixed(model: str, separators: str = "/") -> tuple[str, str] | None:
    """(provider, model) of ``groq/llama3-8b`` or ``openai:gpt-4o``; None when the prefix names no provider."""
    for sep in separators:
        if sep in model:
            head, rest = model.split(sep, 1)
            slug = PREFIXES.get(head.strip().lower())
            if slug is not None and rest.strip():
                return slug, rest.strip()
    return None


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """Bare model id -> provider slug, generated from LiteLLM's model list (scripts/build_model_catalogue.py)."""
    path = Path(__file__).resolve().parent / "data" / "model_catalogue.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    models = data.get("models") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in models.items()} if isinstance(models, dict) else {}


def model_provider(model: str) -> str | None:
    """The provider a bare model id belongs to: the catalogue, then the regex families; None when unknown."""
    key = model.strip()
    found = catalogue().get(key)
    if found:
        return found
    for pattern, slug in _FAMILIES:
        if pattern.search(key):
            return slug
    return None


def is_open_weights(model: str) -> bool:
    return bool(_OPEN_WEIGHTS.search(model))


def serving(provider: str, model: str | None, private: bool = False) -> str:
    """``self-hosted``, ``hosted-open-weights`` or ``closed-api`` for a call to ``model`` at ``provider``."""
    if provider == "ollama" and model and re.search(r"[:-]cloud$", model):
        return "hosted-open-weights"  # Ollama's cloud models (gpt-oss:120b-cloud) run on Ollama's servers
    if PROVIDERS.get(provider) == "self" or private:
        return "self-hosted"
    if model is None:
        return "hosted-open-weights" if provider in _OPEN_ONLY_HOSTS else "closed-api"
    if _CLOSED.search(model):
        return "closed-api"
    if provider in _OPEN_ONLY_HOSTS:  # what these hosts run are Hub repos and other open weights
        return "hosted-open-weights"
    return "hosted-open-weights" if is_open_weights(model) else "closed-api"
