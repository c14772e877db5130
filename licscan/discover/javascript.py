"""TypeScript and JavaScript: model SDK clients, the Vercel AI SDK, LangChain.js and transformers.js.

No JavaScript parser ships with Python, so the text is first blanked of
comments (strings and line numbers kept), then imports are read to learn
which local names come from which package, and only calls on those names
count: ``new OpenAI({baseURL})`` then ``client.chat.completions.create({model})``,
``openai("gpt-4o")`` from ``@ai-sdk/openai``, ``pipeline(task, "Xenova/x")``
from transformers.js. A model string in a comment or in an unrelated object
is not a use.
"""

from __future__ import annotations

import re

from licscan.discover.collect import Client
from licscan.discover.hubids import hub_id
from licscan.discover.model import ApiUse, FileFindings, Location, ModelUse, Unresolved
from licscan.discover.providers import endpoint_provider, env_provider, prefixed, serving

TRIGGER_WORDS = ("openai", "anthropic", "@google/", "@ai-sdk", "ollama", "groq", "mistral", "cohere", "bedrock",
                 "together", "replicate", "transformers", "@huggingface", "@langchain", "fireworks", "deepseek",
                 "openrouter", "xai", "ai-sdk-provider")

# Package -> provider of its client class (None: decided by the endpoint, default openai).
_SDKS: dict[str, str | None] = {
    "openai": None,
    "@anthropic-ai/sdk": "anthropic",
    "@anthropic-ai/bedrock-sdk": "aws-bedrock",
    "@anthropic-ai/vertex-sdk": "google-vertex",
    "@google/genai": "google-gemini",
    "@google/generative-ai": "google-gemini",
    "@google-cloud/vertexai": "google-vertex",
    "@mistralai/mistralai": "mistral",
    "cohere-ai": "cohere",
    "groq-sdk": "groq",
    "together-ai": "together",
    "@aws-sdk/client-bedrock-runtime": "aws-bedrock",
    "replicate": "replicate",
    "@huggingface/inference": "huggingface-inference",
    "ollama": "ollama",
    "ollama/browser": "ollama",
}
# Vercel AI SDK provider packages.
_AI_SDK: dict[str, str] = {
    "@ai-sdk/openai": "openai", "@ai-sdk/anthropic": "anthropic", "@ai-sdk/google": "google-gemini",
    "@ai-sdk/google-vertex": "google-vertex", "@ai-sdk/amazon-bedrock": "aws-bedrock", "@ai-sdk/azure": "azure-openai",
    "@ai-sdk/mistral": "mistral", "@ai-sdk/cohere": "cohere", "@ai-sdk/groq": "groq", "@ai-sdk/togetherai": "together",
    "@ai-sdk/fireworks": "fireworks", "@ai-sdk/deepseek": "deepseek", "@ai-sdk/xai": "xai",
    "@ai-sdk/perplexity": "perplexity", "@ai-sdk/replicate": "replicate", "@ai-sdk/openai-compatible":
    "openai-compatible", "@ai-sdk/huggingface": "huggingface-inference", "ollama-ai-provider": "ollama",
    "ollama-ai-provider-v2": "ollama", "@openrouter/ai-sdk-provider": "openrouter",
    # The Vercel AI Gateway routes "provider/model" strings to the provider itself.
    "@ai-sdk/gateway": "gateway",
}
_LANGCHAIN_JS: dict[str, str | None] = {
    "ChatOpenAI": None, "OpenAIEmbeddings": None, "AzureChatOpenAI": "azure-openai", "ChatAnthropic": "anthropic",
    "ChatGoogleGenerativeAI": "google-gemini", "ChatVertexAI": "google-vertex", "ChatBedrockConverse": "aws-bedrock",
    "ChatMistralAI": "mistral", "ChatCohere": "cohere", "ChatGroq": "groq", "ChatTogetherAI": "together",
    "ChatFireworks": "fireworks", "ChatOllama": "ollama", "ChatDeepSeek": "deepseek", "ChatXAI": "xai",
    "HuggingFaceInference": "huggingface-inference",
}
_TRANSFORMERS_JS = ("@huggingface/transformers", "@xenova/transformers")
_STRING = r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`([^`$\\]*)`)"""
_IMPORT = re.compile(
    r"""import\s+(?:type\s+)?(?P<what>[\w*{}\s,$]+?)\s+from\s+["'](?P<module>[^"']+)["']"""
    r"""|(?:const|let|var)\s+(?P<what2>[\w{}\s,:$]+?)\s*=\s*(?:await\s+import|require)\(\s*["'](?P<module2>[^"']+)["']\s*\)"""
)
_CONST = re.compile(rf"(?:const|let|var)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*{_STRING}")
_NEW = re.compile(r"new\s+([\w.]+)\s*\(")
_ASSIGNED_NEW = re.compile(
    r"(?:const|let|var|this\.|private\s+|public\s+|readonly\s+)\s*([\w$]+)\s*(?::\s*[\w<>]+)?\s*=\s*new\s+([\w.]+)\s*\("
)
_MODEL_PROP = re.compile(rf"""\b(?:model|modelId|model_id|modelName)\s*:\s*(?:{_STRING}|([A-Za-z_$][\w$.]*))""")
_BASE_PROP = re.compile(rf"""\b(?:baseURL|baseUrl|base_url|endpoint|host|apiBase|basePath)\s*:\s*(?:{_STRING}|"""
                        r"""process\.env\.(\w+)|process\.env\[["'](\w+)["']\])""")


def strip_comments(text: str) -> str:
    """The source with comments replaced by spaces (newlines kept, so line numbers hold); strings untouched."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'`":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                elif text[j] == "\n" and c != "`":
                    break
                j += 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _call_args(text: str, start: int) -> str:
    """The text between the parenthesis at or after ``start`` and its match (bounded)."""
    open_at = text.find("(", start)
    if open_at < 0:
        return ""
    depth = 0
    i = open_at
    limit = min(len(text), open_at + 4000)
    while i < limit:
        c = text[i]
        if c in "\"'`":
            close = text.find(c, i + 1)
            i = close if close > 0 else limit
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return text[open_at + 1:i]
        i += 1
    return text[open_at + 1:limit]


def _string(match: re.Match[str], first: int = 1) -> str | None:
    for group in range(first, first + 3):
        value = match.group(group)
        if value is not None:
            return value
    return None


class _JsAnalyzer:
    def __init__(self, text: str, path: str) -> None:
        self.text = strip_comments(text)
        self.path = path
        self.names: dict[str, tuple[str, str]] = {}  # local name -> (module, imported name)
        self.consts = {m.group(1): _string(m, 2) for m in _CONST.finditer(self.text)}
        self.models: list[ModelUse] = []
        self.apis: list[ApiUse] = []
        self.unresolved: list[Unresolved] = []
        self.clients: dict[str, Client] = {}
        self._imports()

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def _imports(self) -> None:
        for match in _IMPORT.finditer(self.text):
            what = match.group("what") or match.group("what2") or ""
            module = match.group("module") or match.group("module2") or ""
            default, _, named = what.partition("{")
            default = default.strip().strip(",").strip()
            if default.startswith("* as "):
                self.names[default[5:].strip()] = (module, "*")
            elif default:
                self.names[default] = (module, "default")
            for part in named.rstrip("} ").split(","):
                part = part.strip()
                if not part:
                    continue
                pieces = re.split(r"\s+as\s+|\s*:\s*", part)
                original = pieces[0].strip()
                alias = pieces[1].strip() if len(pieces) > 1 else original
                self.names[alias] = (module, original)

    def value(self, match: re.Match[str], first: int = 1) -> str | None:
        literal = _string(match, first)
        if literal is not None:
            return literal
        name = match.group(first + 3) if match.lastindex and match.lastindex >= first + 3 else None
        return self.consts.get(name) if name else None

    def endpoint(self, args: str) -> tuple[str | None, bool, str]:
        match = _BASE_PROP.search(args)
        if not match:
            return None, False, ""
        literal = _string(match)
        if literal is not None:
            ep = endpoint_provider(literal)
            return ep.provider, ep.private, f"endpoint {ep.text}"
        env = match.group(4) or match.group(5)
        slug = env_provider(env) if env else None
        return slug or "openai-compatible", False, f"endpoint from ${env}"

    def api(self, provider: str, model: str | None, offset: int, how: str, private: bool = False) -> None:
        line = self.line(offset)
        self.apis.append(ApiUse(provider, model, serving(provider, model, private), Location(self.path, line, how)))
        if provider in ("huggingface-inference", "vllm", "tgi") and model:
            repo = hub_id(model)
            if repo is not None:
                self.models.append(ModelUse(repo, None, Location(self.path, line, f"served by {provider}: {how}")))

    def run(self) -> FileFindings:
        self._clients()
        self._client_calls()
        self._ai_sdk()
        self._langchain()
        self._transformers()
        for client in self.clients.values():
            if not client.used:
                self.apis.append(ApiUse(client.provider, None, serving(client.provider, None, client.private),
                                        Location(self.path, client.line, client.how)))
        return FileFindings(models=tuple(self.models), apis=tuple(self.apis), unresolved=tuple(self.unresolved))

    def _sdk_of(self, cls: str) -> tuple[str, str | None] | None:
        head = cls.split(".", 1)[0]
        module = self.names.get(head, ("", ""))[0]
        if module in _SDKS:
            return module, _SDKS[module]
        return None

    def _clients(self) -> None:
        for match in _ASSIGNED_NEW.finditer(self.text):
            var, cls = match.group(1), match.group(2)
            sdk = self._sdk_of(cls)
            if sdk is None:
                continue
            _, provider = sdk
            if cls.endswith("AzureOpenAI"):
                provider = "azure-openai"
            ep_provider, private, ep_how = self.endpoint(_call_args(self.text, match.end() - 1))
            chosen = ep_provider or provider or "openai"
            how = f"new {cls}({ep_how})" if ep_how else f"new {cls}()"
            self.clients[var] = Client(chosen, private, how, self.line(match.start()))

    def _client_calls(self) -> None:
        if not self.clients:
            return
        pattern = re.compile(r"\b(?:this\.)?(" + "|".join(re.escape(v) for v in self.clients) + r")\s*\.\s*[\w.]*\(")
        for match in pattern.finditer(self.text):
            client = self.clients[match.group(1)]
            args = _call_args(self.text, match.end() - 1)
            found = _MODEL_PROP.search(args)
            if found is None:
                continue
            model = self.value(found)
            offset = match.end() + args.find(found.group(0))
            client.used = True
            self.api(client.provider, model, offset, f"{client.how} call")

    def _ai_sdk(self) -> None:
        factories: dict[str, tuple[str, bool, str]] = {}
        for local, (module, original) in self.names.items():
            if module in _AI_SDK:
                if original.startswith("create"):
                    continue
                factories[local] = (_AI_SDK[module], False, module)
        # const groq = createOpenAI({ baseURL: "https://api.groq.com/openai/v1" })
        for match in re.finditer(r"(?:const|let|var)\s+(\w+)\s*=\s*(create\w+)\s*\(", self.text):
            local, factory = match.group(1), match.group(2)
            module = self.names.get(factory, ("", ""))[0]
            if module not in _AI_SDK:
                continue
            ep_provider, private, ep_how = self.endpoint(_call_args(self.text, match.end() - 1))
            factories[local] = (ep_provider or _AI_SDK[module], private, f"{factory}({ep_how})")
        for local, (provider, _private, how) in factories.items():
            call = re.compile(rf"(?<![\w.$]){re.escape(local)}(?:\.\w+)?\s*\(\s*(?:{_STRING}|([A-Za-z_$][\w$]*))")
            for match in call.finditer(self.text):
                model = self.value(match)
                if model is None:
                    continue
                if provider == "gateway":
                    routed = prefixed(model, "/")
                    if routed is not None:
                        self.api(routed[0], routed[1], match.start(), "AI SDK gateway")
                    continue
                self.api(provider, model, match.start(), f"AI SDK {how}")
        if any(module == "ai" for module, _ in self.names.values()):
            # AI Gateway: generateText({ model: "openai/gpt-4o" }) with a plain provider/model string.
            for match in re.finditer(r"\b(?:generateText|streamText|generateObject|streamObject|embed|embedMany)\s*\(",
                                     self.text):
                args = _call_args(self.text, match.end() - 1)
                found = _MODEL_PROP.search(args)
                model = self.value(found) if found else None
                split = prefixed(model, "/") if model else None
                if split is not None:
                    self.api(split[0], split[1], match.end() + args.find(found.group(0)) if found else match.start(),
                             "AI SDK gateway model string")

    def _langchain(self) -> None:
        for match in _NEW.finditer(self.text):
            cls = match.group(1)
            module = self.names.get(cls, ("", ""))[0]
            if not module.startswith("@langchain/") or cls not in _LANGCHAIN_JS:
                continue
            args = _call_args(self.text, match.end() - 1)
            ep_provider, private, ep_how = self.endpoint(args)
            provider = ep_provider or _LANGCHAIN_JS[cls] or "openai"
            found = _MODEL_PROP.search(args)
            model = self.value(found) if found else None
            self.api(provider, model, match.start(), f"{cls}({ep_how})" if ep_how else cls, private)

    def _transformers(self) -> None:
        local = [n for n, (module, _) in self.names.items() if module in _TRANSFORMERS_JS]
        if not local:
            return
        for name in local:
            if self.names[name][1] == "pipeline":
                pattern = re.compile(rf"(?<![\w.$]){re.escape(name)}\s*\(\s*{_STRING}\s*,\s*(?:{_STRING}|(\w+))")
                for match in pattern.finditer(self.text):
                    model = _string(match, 4) or self.consts.get(match.group(7) or "")
                    self._hub(model, match.start(), "transformers.js pipeline")
            else:
                pattern = re.compile(rf"(?<![\w$]){re.escape(name)}\.from_pretrained\s*\(\s*(?:{_STRING}|(\w+))")
                for match in pattern.finditer(self.text):
                    model = _string(match) or self.consts.get(match.group(4) or "")
                    self._hub(model, match.start(), f"transformers.js {name}.from_pretrained")

    def _hub(self, model: str | None, offset: int, how: str) -> None:
        if model is None:
            self.unresolved.append(Unresolved(self.path, self.line(offset), f"{how}: model id computed at run time"))
            return
        repo = hub_id(model, bare_ok=True)
        if repo is not None:
            self.models.append(ModelUse(repo, None, Location(self.path, self.line(offset), how)))


def analyse_javascript(text: str, path: str) -> FileFindings:
    if not any(word in text for word in TRIGGER_WORDS):
        return FileFindings()
    return _JsAnalyzer(text, path).run()

