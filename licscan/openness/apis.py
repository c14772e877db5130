"""Hosted-API uses on the openness spectrum: where each sits, how locked in it is, and where prompts go (pure).

A use comes from discovery (``licscan.discover``): provider, model, serving
(``closed-api``, ``hosted-open-weights``, ``self-hosted``) and the code
locations, each with ``how`` it was read (the client class or wrapper the
code calls). Lock-in is read per location from that client, then the most
locked-in location decides:

* ``high``: a vendor's own SDK (Anthropic, Bedrock, Gemini, Cohere, Mistral,
  ...) or a vendor-only feature (OpenAI Assistants, threads, vector stores,
  fine-tuning, Realtime, batches);
* ``medium``: a portable interface pinned to one vendor in the code (the
  OpenAI SDK at its default or a hard-coded endpoint, a LangChain class for
  one vendor, OpenAI's Responses API);
* ``low``: an OpenAI-compatible client whose endpoint comes from
  configuration or the environment, an abstraction layer that swaps
  providers by a model string (LiteLLM, LangChain ``init_chat_model``, DSPy,
  Pydantic AI, the AI SDK), or weights the team serves itself;
* ``unknown``: a use whose client licscan cannot tell (a bare config key).

The ``how`` texts are discovery's; ``tests/test_openness_apis.py`` runs the
discovery corpus through these rules, so a change of wording there shows here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from licscan.discover.model import DiscoveredApi, Discovery, Location
from licscan.openness.model import CLOSED_API, HOSTED_OPEN_WEIGHTS, SELF_HOSTED, ApiResult, LockIn
from licscan.text import clip

_RANK = {"high": 3, "unknown": 2, "medium": 1, "low": 0}

# Vendor-only features, by the attribute path the code calls (``client.beta.assistants.create``).
_VENDOR_FEATURES = (
    (re.compile(r"\.(?:beta\.)?(?:assistants|threads)\."), "OpenAI's Assistants API (assistants and threads)"),
    (re.compile(r"\.(?:beta\.)?vector_stores\."), "OpenAI's hosted vector stores"),
    (re.compile(r"\.fine_tuning\."), "fine-tuning jobs run on the vendor's servers"),
    (re.compile(r"\.(?:beta\.)?realtime\."), "OpenAI's Realtime API"),
    (re.compile(r"\.batches\."), "the vendor's batch API"),
)
_RESPONSES = re.compile(r"\.responses\.")
# Abstraction layers: another provider is a change of model string or configuration.
_LAYERS = (
    (re.compile(r"^LiteLLM model_list"), "a LiteLLM proxy's model list (providers swap in its configuration)"),
    (re.compile(r"^litellm\."), "LiteLLM, which routes one call to any provider by the model string"),
    (re.compile(r"^(?:LiteLLMModel|smolagents\.LiteLLMModel)"), "smolagents' LiteLLM model (any provider)"),
    (re.compile(r"^init_chat_model"), "LangChain's init_chat_model, which picks the provider from the model string"),
    (re.compile(r"^initChatModel"), "LangChain.js initChatModel, which picks the provider from the model string"),
    (re.compile(r"^dspy\."), "DSPy's LM, which routes through LiteLLM by a provider/model string"),
    (re.compile(r"^pydantic_ai\."), "Pydantic AI, which picks the provider from a provider:model string"),
    (re.compile(r"^crewai\."), "CrewAI's LLM (LiteLLM underneath)"),
    (re.compile(r"^AI SDK gateway"), "the Vercel AI Gateway (providers swap by the model string)"),
    (
        re.compile(r"^AI SDK @ai-sdk/(?!openai-compatible)"),
        "the Vercel AI SDK (one interface; the provider package swaps)",
    ),
)
# OpenAI-compatible clients: the OpenAI SDKs and clients built to talk to any OpenAI-style endpoint.
_COMPATIBLE = re.compile(
    r"^(?:new )?(?:OpenAI|AsyncOpenAI|Client|AsyncClient|OpenAILike|ChatOpenAI|OpenAIEmbeddings|openai module"
    r"|openai\.base_url|openai\.api_base|AI SDK createOpenAI|AI SDK @ai-sdk/openai-compatible|createOpenAI"
    r"|llama_index openai_like\.\w+|llama_index openai\.\w+|environment \w*(?:OPENAI|LLM)\w*_(?:BASE_URL|API_BASE))"
)
_FROM_CONFIG = re.compile(r"endpoint (?:from \$|computed at run time)|^environment ")
_WRITTEN_ENDPOINT = re.compile(r"endpoint (https?://[^\s)]+)|base_url (https?://[^\s)]+)")
# Vendor SDK clients and vendor-specific wrapper classes; the provider says whose.
_VENDOR_SDK = re.compile(
    r"^(?:new )?(?:Anthropic|AsyncAnthropic|AnthropicBedrock|AsyncAnthropicBedrock|AnthropicVertex|AsyncAnthropicVertex"
    r"|GoogleGenerativeAI|GenerativeModel|GoogleGenAI|Mistral|MistralClient|MistralAsyncClient|Groq|AsyncGroq"
    r"|Together|AsyncTogether|Fireworks|AsyncFireworks|LLM|ClientV2|AsyncClientV2|CohereClient|CohereClientV2"
    r"|BedrockRuntimeClient|Replicate|client\(\)|converse|invoke_model|replicate module|google\.generativeai module)"
)
_WRAPPER_CLASS = re.compile(r"^(?:Chat\w+|Azure\w+|\w+Embeddings|llama_index [\w.]+|Bedrock\w*|Vertex\w*)")
_AZURE = re.compile(r"^(?:new )?(?:AzureOpenAI|AsyncAzureOpenAI)")
_HF = re.compile(r"^(?:InferenceClient|AsyncInferenceClient|HfApiModel|InferenceClientModel)")


def reading(api: DiscoveredApi, location: Location) -> LockIn:
    """The lock-in of one use at one place in the code."""
    level, reason = _read(api, location.how or "")
    return LockIn(level, reason, location.path, location.line)


def _read(api: DiscoveredApi, how: str) -> tuple[str, str]:
    provider = api.provider
    shown = clip(how, 100)
    if api.serving == SELF_HOSTED:
        return "low", f"self-hosted ({provider}): the team runs the weights; no vendor can change or withdraw them"
    for pattern, what in _VENDOR_FEATURES:
        if pattern.search(how):
            return "high", f"{what}: a vendor-only feature with no portable equivalent ({shown})"
    for pattern, what in _LAYERS:
        if pattern.search(how):
            return "low", f"{what} ({shown})"
    if _RESPONSES.search(how):
        return "medium", f"OpenAI's Responses API, which few other providers implement ({shown})"
    if _AZURE.match(how):
        return "medium", f"Azure's OpenAI client (deployments are Azure's); the API is OpenAI-compatible ({shown})"
    generic_client = how.startswith(("Client", "AsyncClient")) and provider not in _OPENAI_LIKE
    if _COMPATIBLE.match(how) and not generic_client:
        if _FROM_CONFIG.search(how):
            return "low", (
                "an OpenAI-compatible client whose endpoint comes from configuration or the environment: another "
                f"provider is a setting away ({shown})"
            )
        written = _WRITTEN_ENDPOINT.search(how)
        if written:
            url = clip(written.group(1) or written.group(2), 80)
            return "medium", f"an OpenAI-compatible client with the endpoint written in the code ({url}): moving " \
                "is a code change"
        return "medium", (
            "the OpenAI SDK at its default endpoint: OpenAI-compatible (OPENAI_BASE_URL can move it), but the "
            f"code calls {provider}'s own service ({shown})"
        )
    if _VENDOR_SDK.match(how) or generic_client:
        return "high", f"{provider}'s own SDK ({shown}): its API shape is the vendor's"
    if _HF.match(how):
        return "medium", f"Hugging Face's InferenceClient ({shown}): Hub-specific, but it serves open models " \
            "through several providers"
    if _WRAPPER_CLASS.match(how):
        return "medium", f"a framework class for one vendor ({shown}): the framework's common interface makes a " \
            "swap a small code change"
    return "unknown", f"licscan cannot tell which client this use goes through ({shown})"


_OPENAI_LIKE = frozenset({"openai", "openai-compatible", "azure-openai", "groq", "together", "fireworks", "deepseek",
                          "openrouter", "xai", "perplexity", "mistral", "vllm", "tgi", "lm-studio", "ollama"})


def lock_in(api: DiscoveredApi) -> LockIn:
    """The most locked-in location decides; the reason says how many places there are."""
    readings = [reading(api, loc) for loc in api.locations]
    if not readings:
        return LockIn("unknown", "no code location recorded")
    worst = max(readings, key=lambda r: _RANK[r.level])
    others = len(readings) - 1
    if others:
        return LockIn(worst.level, f"{worst.reason}; {others} other place{'s' if others != 1 else ''} in the code",
                      worst.path, worst.line)
    return worst


def data_handling(api: DiscoveredApi) -> tuple[bool, str]:
    """Whether prompts leave the premises, and the sentence that says where they go."""
    if api.serving == SELF_HOSTED:
        return False, f"served by the team's own {api.provider} host: prompts and outputs stay on infrastructure " \
                      "the team runs"
    who = "an endpoint set in configuration" if api.provider == "openai-compatible" else f"{api.provider}'s servers"
    kind = "a vendor's proprietary model" if api.serving == CLOSED_API else "open weights served by someone else"
    return True, (
        f"prompts and outputs are sent to {who} ({kind}); what is kept, for how long and for what is set by the "
        "provider's terms and data-processing agreement"
    )


def assess(apis: Iterable[DiscoveredApi]) -> tuple[ApiResult, ...]:
    out = []
    for api in apis:
        leaves, text = data_handling(api)
        out.append(ApiResult(api, lock_in(api), leaves, text))
    return tuple(out)


def api_results(discovery: Discovery | None, known: tuple[ApiResult, ...] = ()) -> tuple[ApiResult, ...]:
    """``known`` when a policy has judged them already, else the discovery's uses, assessed."""
    if known or discovery is None:
        return known
    return assess(discovery.apis)


SERVINGS = (CLOSED_API, HOSTED_OPEN_WEIGHTS, SELF_HOSTED)
