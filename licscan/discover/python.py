"""Python sources, by AST: the calls that load Hub models and datasets, and the clients of hosted model APIs.

Only calls count. A comment, a docstring, a doctest, a string that merely
mentions ``from_pretrained("org/x")``, a local path or a constant nobody
loads is never a use. Ids are followed through module constants, default
arguments, simple assignments, literal lists iterated into a call and
argparse/dataclass/click defaults (``pyresolve``); an id the code computes
is reported as *unresolved* with the reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from licscan.discover.collect import Client, Collector
from licscan.discover.hubids import hub_id, hub_url_repo, looks_local
from licscan.discover.model import ApiUse, DatasetUse, FileFindings, Location, ModelUse, Unresolved
from licscan.discover.providers import endpoint_provider, env_provider, model_provider, prefixed, serving
from licscan.discover.pyresolve import Resolver, dotted, index_scopes, keyword

# Cheap pre-filter: a file that mentions none of these cannot hold a use, and is never parsed. Plain
# substring tests (C speed) beat one big regex alternation several times over on files that match nothing.
TRIGGER_WORDS = (
    "from_pretrained", "from_model_id", "from_single_file", "pipeline", "SentenceTransformer", "CrossEncoder",
    "SparseEncoder", "hf_hub_download", "snapshot_download", "InferenceClient", "load_dataset", "vllm", "llama_cpp",
    "ollama", "create_model", "open_clip", "openai", "OpenAI", "anthropic", "Anthropic", "genai", "vertexai",
    "bedrock", "cohere", "mistral", "groq", "Groq", "together", "Together", "fireworks", "Fireworks", "replicate",
    "xai_sdk", "langchain", "llama_index", "litellm", "dspy", "pydantic_ai", "smolagents", "crewai", "lmstudio",
    "HuggingFace", "boto3", "get_dataset",
)


def might_use(source: str) -> bool:
    return any(word in source for word in TRIGGER_WORDS)


# load_dataset's builtin builders (data files, not Hub datasets).
_BUILDERS = frozenset(
    {"json", "csv", "parquet", "text", "arrow", "pandas", "imagefolder", "audiofolder", "videofolder", "webdataset",
     "generator", "sql", "spark", "xml", "folder", "pdffolder", "niftifolder", "hdf5", "eval", "lance"}
)
# SentenceTransformer("name") means sentence-transformers/name, except the transformers root models it loads as-is.
_ST_ROOT = re.compile(
    r"^(?:albert|bert|camembert|ctrl|distilbert|distilgpt2|distilroberta|gpt2|openai-gpt|roberta|t5|xlm|xlnet)(?:-|$)"
)

# API client classes: qualified name -> provider (None: the endpoint decides, default openai).
_CLIENTS: dict[str, str | None] = {
    "openai.OpenAI": None,
    "openai.AsyncOpenAI": None,
    "openai.Client": None,
    "openai.AsyncClient": None,
    "openai.AzureOpenAI": "azure-openai",
    "openai.AsyncAzureOpenAI": "azure-openai",
    "anthropic.Anthropic": "anthropic",
    "anthropic.AsyncAnthropic": "anthropic",
    "anthropic.Client": "anthropic",
    "anthropic.AnthropicBedrock": "aws-bedrock",
    "anthropic.AsyncAnthropicBedrock": "aws-bedrock",
    "anthropic.AnthropicVertex": "google-vertex",
    "anthropic.AsyncAnthropicVertex": "google-vertex",
    "google.genai.Client": "google-gemini",
    "google.generativeai.GenerativeModel": "google-gemini",
    "vertexai.generative_models.GenerativeModel": "google-vertex",
    "vertexai.preview.generative_models.GenerativeModel": "google-vertex",
    "cohere.Client": "cohere",
    "cohere.ClientV2": "cohere",
    "cohere.AsyncClient": "cohere",
    "cohere.AsyncClientV2": "cohere",
    "mistralai.Mistral": "mistral",
    "mistralai.client.MistralClient": "mistral",
    "mistralai.async_client.MistralAsyncClient": "mistral",
    "groq.Groq": "groq",
    "groq.AsyncGroq": "groq",
    "together.Together": "together",
    "together.AsyncTogether": "together",
    "fireworks.client.Fireworks": "fireworks",
    "fireworks.client.AsyncFireworks": "fireworks",
    "fireworks.LLM": "fireworks",
    "xai_sdk.Client": "xai",
    "xai_sdk.AsyncClient": "xai",
    "replicate.Client": "replicate",
    "huggingface_hub.InferenceClient": "huggingface-inference",
    "huggingface_hub.AsyncInferenceClient": "huggingface-inference",
    "huggingface_hub.inference._client.InferenceClient": "huggingface-inference",
    "ollama.Client": "ollama",
    "ollama.AsyncClient": "ollama",
    "lmstudio.Client": "lm-studio",
}
# Calls on the module itself: openai.chat.completions.create(...), ollama.chat(...), replicate.run(...).
_MODULE_CLIENTS = {"openai": None, "ollama": "ollama", "replicate": "replicate", "lmstudio": "lm-studio",
                   "google.generativeai": "google-gemini"}
# Attribute paths of features only one vendor offers; the call's "how" keeps them (licscan.openness.apis).
_VENDOR_FEATURE = re.compile(r"\.(?:assistants|threads|vector_stores|fine_tuning|realtime|batches|responses)\.")
# Functions those modules export for direct use (`from ollama import chat`).
_MODULE_FUNCTIONS = frozenset({"chat", "generate", "embed", "embeddings", "pull", "create", "show", "run", "stream",
                               "push", "llm", "embedding_model", "completion"})
_ENDPOINT_KWARGS = ("base_url", "azure_endpoint", "api_base", "openai_api_base", "endpoint", "host", "base_url_",
                    "endpoint_url", "inference_server_url", "server_url")
_MODEL_KWARGS = ("model", "model_name", "model_id", "modelId", "deployment_name", "azure_deployment", "engine")

# LangChain chat/LLM/embedding classes by the last part of their name (the package says the same).
_LANGCHAIN: dict[str, str | None] = {
    "ChatOpenAI": None, "OpenAI": None, "OpenAIEmbeddings": None,
    "AzureChatOpenAI": "azure-openai", "AzureOpenAI": "azure-openai", "AzureOpenAIEmbeddings": "azure-openai",
    "ChatAnthropic": "anthropic", "AnthropicLLM": "anthropic",
    "ChatGoogleGenerativeAI": "google-gemini", "GoogleGenerativeAI": "google-gemini",
    "GoogleGenerativeAIEmbeddings": "google-gemini",
    "ChatVertexAI": "google-vertex", "VertexAI": "google-vertex", "VertexAIEmbeddings": "google-vertex",
    "ChatAnthropicVertex": "google-vertex",
    "ChatBedrock": "aws-bedrock", "ChatBedrockConverse": "aws-bedrock", "BedrockLLM": "aws-bedrock",
    "Bedrock": "aws-bedrock", "BedrockEmbeddings": "aws-bedrock",
    "ChatCohere": "cohere", "CohereEmbeddings": "cohere",
    "ChatMistralAI": "mistral", "MistralAIEmbeddings": "mistral",
    "ChatGroq": "groq", "ChatTogether": "together", "Together": "together", "TogetherEmbeddings": "together",
    "ChatFireworks": "fireworks", "Fireworks": "fireworks", "FireworksEmbeddings": "fireworks",
    "ChatDeepSeek": "deepseek", "ChatXAI": "xai", "ChatPerplexity": "perplexity",
    "ChatOllama": "ollama", "OllamaLLM": "ollama", "Ollama": "ollama", "OllamaEmbeddings": "ollama",
    "HuggingFaceEndpoint": "huggingface-inference", "HuggingFaceInferenceAPIEmbeddings": "huggingface-inference",
    "HuggingFaceEndpointEmbeddings": "huggingface-inference", "ChatHuggingFace": "huggingface-inference",
    "VLLMOpenAI": "vllm", "HuggingFaceTextGenInference": "tgi", "Replicate": "replicate",
}
# Local Hub models loaded through a wrapper: qualified-name suffix -> model keyword names.
_LOCAL_WRAPPERS: dict[str, tuple[str, ...]] = {
    "HuggingFaceEmbeddings": ("model_name",),
    "HuggingFaceBgeEmbeddings": ("model_name",),
    "HuggingFaceInstructEmbeddings": ("model_name",),
    "HuggingFaceEmbedding": ("model_name",),  # llama_index.embeddings.huggingface
    "HuggingFaceLLM": ("model_name", "tokenizer_name"),  # llama_index.llms.huggingface
    "TransformersModel": ("model_id",),  # smolagents
    "SentenceTransformerEmbeddings": ("model_name",),
    "FastEmbedEmbeddings": ("model_name",),
}
# llama_index.llms.<package> / llama_index.embeddings.<package> -> provider.
_LLAMA_INDEX: dict[str, str | None] = {
    "openai": None, "azure_openai": "azure-openai", "anthropic": "anthropic", "gemini": "google-gemini",
    "google_genai": "google-gemini", "vertex": "google-vertex", "bedrock": "aws-bedrock",
    "bedrock_converse": "aws-bedrock", "cohere": "cohere", "mistralai": "mistral", "groq": "groq",
    "together": "together", "fireworks": "fireworks", "deepseek": "deepseek", "openrouter": "openrouter",
    "perplexity": "perplexity", "replicate": "replicate", "huggingface_api": "huggingface-inference",
    "ollama": "ollama", "vllm": "vllm", "lmstudio": "lm-studio", "openai_like": "openai-compatible",
    "xai": "xai", "text_generation_inference": "tgi",
}
# Pydantic AI model classes by module (pydantic_ai.models.<module>).
_PYDANTIC_AI: dict[str, str | None] = {
    "openai": None, "anthropic": "anthropic", "gemini": "google-gemini", "google": "google-gemini",
    "groq": "groq", "mistral": "mistral", "cohere": "cohere", "bedrock": "aws-bedrock",
    "huggingface": "huggingface-inference",
}
# Classes that take a LiteLLM-style "provider/model" string.
_LITELLM_STYLE = frozenset({"dspy.LM", "crewai.LLM", "smolagents.LiteLLMModel"})
_LITELLM_CALLS = frozenset({"completion", "acompletion", "embedding", "aembedding", "text_completion",
                            "atext_completion", "image_generation", "transcription", "speech", "responses"})


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> qualified name, from every import in the file (any scope)."""
    table: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    table[alias.asname] = alias.name
                else:
                    table.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or node.level):
            module = "." * node.level + (node.module or "")  # relative imports keep their dots: never an SDK
            for alias in node.names:
                table[alias.asname or alias.name] = f"{module}.{alias.name}"
    return table


def _attributes(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """Attribute name -> literal defaults: ``self.x = ...``, class fields, argparse ``add_argument`` defaults."""
    table: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute):
                    table.setdefault(target.attr, []).append(node.value)
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                    table.setdefault(stmt.target.id, []).append(stmt.value)
                elif isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            table.setdefault(target.id, []).append(stmt.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            default = keyword(node, "default")
            dest = keyword(node, "dest")
            flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if default is None:
                continue
            if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
                names = [dest.value]
            else:
                longs = [f for f in flags if f.startswith("--")] or flags
                names = [longs[0].lstrip("-").replace("-", "_")] if longs else []
            for name in names:
                table.setdefault(name, []).append(default)
    return table


class _Analyzer(ast.NodeVisitor):
    def __init__(self, tree: ast.Module, path: str, line_of: Callable[[int], int]) -> None:
        self.path = path
        self.line_of = line_of
        self.imports = _imports(tree)
        self.scopes, calls = index_scopes(tree)
        self.resolver = Resolver(_attributes(tree), calls, self.imports)
        self.module_scope = self.scopes[id(tree)]
        self.resolver.stack.append(self.module_scope)
        self.out = Collector()
        self.clients: dict[int, Client] = {}  # id(constructor call) -> client
        self.module_endpoints = self._module_endpoints(tree)
        self.imports_transformers = any(q.split(".")[0] == "transformers" for q in self.imports.values())

    # -- scopes ---------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]:
            self.visit(default)
        self.resolver.stack.append(self.scopes[id(node)])
        for stmt in node.body:
            self.visit(stmt)
        self.resolver.stack.pop()

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.resolver.stack.append(self.scopes[id(node)])
        self.visit(node.body)
        self.resolver.stack.pop()

    # -- helpers ----------------------------------------------------------------------------------

    def qualify(self, node: ast.expr) -> str:
        name = dotted(node)
        if name is None:
            return ""
        head, _, rest = name.partition(".")
        base = self.imports.get(head, head)
        return f"{base}.{rest}" if rest else base

    def loc(self, line: int, how: str) -> Location:
        return Location(self.path, self.line_of(line), how)

    def unresolved(self, line: int, what: str, reason: str) -> None:
        self.out.unresolved.append(Unresolved(self.path, self.line_of(line), f"{what}: {reason}"))

    def _module_endpoints(self, tree: ast.Module) -> dict[str, ast.expr]:
        """``openai.base_url = "..."`` / ``openai.api_base = "..."``: module-level client configuration."""
        found: dict[str, ast.expr] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr in ("base_url", "api_base"):
                        module = self.qualify(target.value)
                        if module in _MODULE_CLIENTS:
                            found[module] = node.value
        return found

    # -- reporting ----------------------------------------------------------------------------------

    def model_arg(self, call: ast.Call, node: ast.expr | None, how: str, *, bare_ok: bool = True,
                  transform: Callable[[str], str | None] | None = None, revision: ast.expr | None = None,
                  dataset: bool = False) -> None:
        if node is None:
            return
        resolution = self.resolver.resolve(node)
        revs = self.resolver.resolve(revision).values if revision is not None else ()
        rev = revs[0].text if len(revs) == 1 else None
        reported = False
        for value in resolution.values:
            text = value.text.strip()
            if transform is not None:
                mapped = transform(text)
                if mapped is None:
                    continue
                text = mapped
            repo = self.repo_of(text, bare_ok=bare_ok, dataset=dataset)
            if repo is None:
                continue
            repo_id, url_rev = repo
            full_how = f"{how} ({value.via})" if value.via else how
            location = self.loc(value.line, full_how)
            if dataset:
                self.out.datasets.append(DatasetUse(repo_id, rev or url_rev, location))
            else:
                self.out.models.append(ModelUse(repo_id, rev or url_rev, location))
            reported = True
        if resolution.reason and not reported:
            self.unresolved(call.lineno, how, resolution.reason)

    def repo_of(self, text: str, *, bare_ok: bool, dataset: bool) -> tuple[str, str | None] | None:
        url = hub_url_repo(text)
        if url is not None:
            return (url[0], url[1]) if (url[2] == "dataset") == dataset else None
        repo = hub_id(text, bare_ok=bare_ok, any_bare=dataset)
        return (repo, None) if repo is not None else None

    def api(self, provider: str, model: str | None, line: int, how: str, private: bool = False) -> None:
        slug = provider
        self.out.apis.append(ApiUse(slug, model, serving(slug, model, private), self.loc(line, how)))
        if (slug in ("huggingface-inference", "vllm", "tgi") or (slug == "openai-compatible" and private)) and model:
            repo = hub_id(model)
            if repo is not None:
                self.out.models.append(ModelUse(repo, None, self.loc(line, f"served by {slug}: {how}")))
        if slug == "ollama" and model is not None and model.lower().startswith("hf.co/"):
            self._ollama_hub(model, line, how)

    def _ollama_hub(self, model: str, line: int, how: str) -> None:
        repo = hub_id(model.split("/", 1)[1].split(":", 1)[0])
        if repo is not None:
            self.out.models.append(ModelUse(repo, None, self.loc(line, f"Ollama hf.co model: {how}")))

    def endpoint(self, call: ast.Call) -> tuple[str | None, bool, str]:
        """(provider, private, description) from the call's endpoint keyword, or (None, False, "")."""
        node = keyword(call, *_ENDPOINT_KWARGS)
        if node is None:
            return None, False, ""
        resolution = self.resolver.resolve(node)
        if resolution.values:
            ep = endpoint_provider(resolution.values[0].text)
            return ep.provider, ep.private, f"endpoint {ep.text}"
        reason = resolution.reason or ""
        env = re.search(r"environment variable (\S+)", reason)
        if env:
            slug = env_provider(env.group(1))
            return slug or "openai-compatible", False, f"endpoint from ${env.group(1)}"
        return "openai-compatible", False, f"endpoint computed at run time ({reason[:60]})"

    def key_hint(self, call: ast.Call) -> str | None:
        """A provider named by the API key's environment variable (``api_key=os.environ["GROQ_API_KEY"]``)."""
        node = keyword(call, "api_key", "token")
        if node is None:
            return None
        reason = self.resolver.resolve(node).reason or ""
        env = re.search(r"environment variable (\S+)", reason)
        return env_provider(env.group(1)) if env else None

    # -- the calls ------------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func = node.func
        qual = self.qualify(func)
        last = qual.rsplit(".", 1)[-1] if qual else (func.attr if isinstance(func, ast.Attribute) else "")
        if isinstance(func, ast.Attribute) and func.attr in ("from_pretrained", "from_model_id", "from_single_file"):
            self._from_pretrained(node, func)
            return
        if self._hub_download(node, last) or self._datasets(node, qual, last):
            return
        if self._pipeline(node, qual, last) or self._sentence_transformers(node, qual, last):
            return
        if self._hf_hub_prefix(node, qual, last) or self._vllm(node, qual):
            return
        if self._client(node, qual) or self._wrappers(node, qual, last):
            return
        self._client_call(node)

    def _from_pretrained(self, node: ast.Call, func: ast.Attribute) -> None:
        receiver = self.qualify(func.value) or ast.unparse(func.value)
        what = f"{receiver.rsplit('.', 1)[-1]}.{func.attr}"
        revision = keyword(node, "revision")
        if func.attr == "from_single_file":
            arg = node.args[0] if node.args else keyword(node, "pretrained_model_link_or_path")
            self.model_arg(node, arg, what, bare_ok=False, transform=lambda t: t if hub_url_repo(t) else None)
            return
        if re.search(r"(?:^|\.)Peft(?:Mixed)?Model(?:For\w+)?$", receiver):
            arg = node.args[1] if len(node.args) > 1 else keyword(node, "model_id")
        elif func.attr == "from_model_id":
            arg = keyword(node, "model_id") or (node.args[0] if node.args else None)
        else:
            arg = node.args[0] if node.args else keyword(
                node, "pretrained_model_name_or_path", "model_id", "repo_id", "model_name_or_path"
            )
        self.model_arg(node, arg, what, revision=revision)

    def _hub_download(self, node: ast.Call, last: str) -> bool:
        if last not in ("hf_hub_download", "snapshot_download", "hf_hub_url", "try_to_load_from_cache"):
            return False
        arg = keyword(node, "repo_id") or (node.args[0] if node.args else None)
        repo_type = self.resolver.resolve(keyword(node, "repo_type")).values
        kind = repo_type[0].text if repo_type else "model"
        if kind == "space":
            return True
        self.model_arg(node, arg, f"{last}(repo_type={kind})" if kind != "model" else last,
                       revision=keyword(node, "revision"), dataset=kind == "dataset", bare_ok=True)
        return True

    def _datasets(self, node: ast.Call, qual: str, last: str) -> bool:
        if last not in ("load_dataset", "load_dataset_builder", "get_dataset_config_names", "get_dataset_split_names"):
            return False
        if qual not in (last, f"datasets.{last}") and not qual.startswith("datasets."):
            return False
        arg = node.args[0] if node.args else keyword(node, "path")
        self.model_arg(node, arg, last, revision=keyword(node, "revision"), dataset=True,
                       transform=lambda t: None if t.lower() in _BUILDERS else t)
        return True

    def _pipeline(self, node: ast.Call, qual: str, last: str) -> bool:
        if last != "pipeline" or not (qual == "transformers.pipeline" or (qual == "pipeline" and
                                                                         self.imports_transformers)):
            return False
        arg = keyword(node, "model")
        if arg is None and len(node.args) > 1:
            arg = node.args[1]
        self.model_arg(node, arg, "pipeline(model=)", revision=keyword(node, "revision"))
        tokenizer = keyword(node, "tokenizer")
        if tokenizer is not None and isinstance(tokenizer, ast.Constant):
            self.model_arg(node, tokenizer, "pipeline(tokenizer=)", revision=keyword(node, "revision"))
        return True

    def _sentence_transformers(self, node: ast.Call, qual: str, last: str) -> bool:
        if last not in ("SentenceTransformer", "CrossEncoder", "SparseEncoder"):
            return False
        if "." in qual and not qual.startswith("sentence_transformers"):
            return False
        arg = node.args[0] if node.args else keyword(node, "model_name_or_path", "model_name")
        transform = None
        if last == "SentenceTransformer":
            def transform(t: str) -> str | None:
                if "/" in t or looks_local(t) or _ST_ROOT.match(t):
                    return t
                return f"sentence-transformers/{t}"
        self.model_arg(node, arg, last, revision=keyword(node, "revision"), transform=transform)
        return True

    def _hf_hub_prefix(self, node: ast.Call, qual: str, last: str) -> bool:
        if not (qual.startswith(("timm.", "open_clip.")) and last.startswith(("create_model", "get_tokenizer"))):
            return False
        arg = node.args[0] if node.args else keyword(node, "model_name")
        # timm/open_clip names ("resnet50", "ViT-B-32") are their own registries; only hf-hub: reaches the Hub.
        self.model_arg(node, arg, f"{qual.split('.')[0]}.{last}(hf-hub:)",
                       transform=lambda t: t[len("hf-hub:"):] if t.startswith("hf-hub:") else None)
        return True

    def _vllm(self, node: ast.Call, qual: str) -> bool:
        if qual not in ("vllm.LLM", "vllm.AsyncLLMEngine.from_engine_args", "vllm.EngineArgs", "vllm.AsyncEngineArgs",
                        "vllm.engine.arg_utils.AsyncEngineArgs", "vllm.engine.arg_utils.EngineArgs"):
            return False
        arg = keyword(node, "model") or (node.args[0] if node.args else None)
        self.model_arg(node, arg, f"vLLM {qual.rsplit('.', 1)[-1]}(model=)", revision=keyword(node, "revision"))
        tokenizer = keyword(node, "tokenizer")
        if tokenizer is not None:
            self.model_arg(node, tokenizer, "vLLM tokenizer=", revision=keyword(node, "tokenizer_revision"))
        return True

    # -- hosted APIs ------------------------------------------------------------------------------------

    def _client(self, node: ast.Call, qual: str) -> bool:
        """A client constructor: remember it; its model calls (or the constructor alone) become API uses."""
        provider: str | None
        if qual in _CLIENTS:
            provider = _CLIENTS[qual]
        elif qual.startswith("boto3") or (isinstance(node.func, ast.Attribute) and node.func.attr == "client"):
            service = node.args[0] if node.args else keyword(node, "service_name")
            values = self.resolver.resolve(service).values if service is not None else ()
            if not values or values[0].text not in ("bedrock-runtime", "bedrock-agent-runtime"):
                return False
            provider = "aws-bedrock"
        else:
            return False
        ep_provider, private, ep_how = self.endpoint(node)
        name = qual.rsplit(".", 1)[-1]
        if qual == "google.genai.Client":
            vertex = keyword(node, "vertexai")
            if isinstance(vertex, ast.Constant) and vertex.value is True:
                provider = "google-vertex"
        if qual.startswith("huggingface_hub.") and provider == "huggingface-inference":
            hf_provider = self.resolver.resolve(keyword(node, "provider")).values
            if hf_provider and hf_provider[0].text not in ("auto", "hf-inference"):
                # Inference Providers: InferenceClient(provider="together") is a call to Together.
                routed = prefixed(f"{hf_provider[0].text}/x")
                provider = routed[0] if routed else provider
            model = keyword(node, "model") or (node.args[0] if node.args else None)
            if model is not None:
                values = self.resolver.resolve(model).values
                for value in values:
                    if "://" in value.text:
                        ep = endpoint_provider(value.text)
                        ep_provider, private, ep_how = ep.provider, ep.private, f"endpoint {ep.text}"
                    else:
                        routed_to = ep_provider or provider
                        self.api(routed_to, value.text, value.line, f"{name}(model=)", private)
                        repo = hub_id(value.text)
                        if repo is not None and routed_to not in ("huggingface-inference", "vllm", "tgi"):
                            # Inference Providers serve Hub repos: the repo's licence binds whoever routes it.
                            self.out.models.append(ModelUse(repo, None, self.loc(value.line, f"{name}(model=)")))
                if values and not all("://" in v.text for v in values):
                    self.clients[id(node)] = Client(ep_provider or provider, private, name, node.lineno, used=True)
                    return True
        if ep_provider is None and provider is None:
            provider = self.key_hint(node) or "openai"
        chosen = ep_provider or provider or "openai"
        how = f"{name}({ep_how})" if ep_how else f"{name}()"
        if qual.endswith("GenerativeModel"):  # the model is the constructor's argument
            model = node.args[0] if node.args else keyword(node, "model_name", "model")
            self._models_on(chosen, model, node, how, private)
            self.clients[id(node)] = Client(chosen, private, how, node.lineno, used=True)
            return True
        self.clients[id(node)] = Client(chosen, private, how, node.lineno)
        return True

    def _models_on(self, provider: str, node: ast.expr | None, call: ast.Call, how: str, private: bool) -> None:
        if node is None:
            self.api(provider, None, call.lineno, how, private)
            return
        resolution = self.resolver.resolve(node)
        for value in resolution.values:
            model = value.text
            if provider == "aws-bedrock" or provider == "replicate":
                model = model.split(":", 1)[0] if provider == "replicate" else model
            self.api(provider, model, value.line, f"{how} ({value.via})" if value.via else how, private)
        if not resolution.values:
            reason = resolution.reason or "not given"
            self.api(provider, None, call.lineno, f"{how}; model: {reason}", private)

    def _client_of(self, root: ast.expr) -> Client | None:
        """The client a call chain starts from: a bound name, ``self.attr``, a constructor, or a module."""
        if isinstance(root, ast.Call):
            return self.clients.get(id(root))
        if isinstance(root, ast.Name):
            bound = self.resolver.lookup(root.id) or []
            for value in bound:
                if isinstance(value, ast.Call) and id(value) in self.clients:
                    return self.clients[id(value)]
                if isinstance(value, ast.Call):
                    inner = self._wrapped_client(value)
                    if inner is not None:
                        return inner
            module = self.imports.get(root.id)
            if module in _MODULE_CLIENTS:
                return self._module_client(module, root.lineno)
            return None
        if isinstance(root, ast.Attribute):
            for value in self.resolver.attributes.get(root.attr, []):
                if isinstance(value, ast.Call) and id(value) in self.clients:
                    return self.clients[id(value)]
            module = self.qualify(root)
            if module in _MODULE_CLIENTS:
                return self._module_client(module, root.lineno)
        return None

    def _wrapped_client(self, call: ast.Call) -> Client | None:
        """``instructor.from_openai(OpenAI(...))``, ``wrap_openai(OpenAI())``: the client inside."""
        for arg in call.args:
            if isinstance(arg, ast.Call) and id(arg) in self.clients:
                return self.clients[id(arg)]
        return None

    def _module_client(self, module: str, line: int) -> Client:
        key = hash(module)
        if key not in self.clients:
            provider = _MODULE_CLIENTS[module] or "openai"
            private = False
            how = f"{module} module"
            if module in self.module_endpoints:
                values = self.resolver.resolve(self.module_endpoints[module]).values
                if values:
                    ep = endpoint_provider(values[0].text)
                    provider, private, how = ep.provider or provider, ep.private, f"{module}.base_url {ep.text}"
            self.clients[key] = Client(provider, private, how, line, used=True)
        return self.clients[key]

    def _client_call(self, node: ast.Call) -> None:
        """``client.chat.completions.create(model=...)`` and friends on a known client, or a module's function
        imported by name (``from ollama import chat``; ``chat("gemma3")``)."""
        if isinstance(node.func, ast.Name):
            module, _, method = self.qualify(node.func).rpartition(".")
            if module not in _MODULE_CLIENTS or method not in _MODULE_FUNCTIONS:
                return
            client = self._module_client(module, node.lineno)
        elif isinstance(node.func, ast.Attribute):
            root: ast.expr = node.func.value
            while isinstance(root, ast.Attribute) and self._client_of(root) is None:
                root = root.value
            found = self._client_of(root)
            if found is None:
                return
            client, method = found, node.func.attr
            path = dotted(node.func)
            # Vendor-only features (client.beta.assistants.create) keep their path: the lock-in reading needs it.
            if path is not None and _VENDOR_FEATURE.search(path):
                method = path.split(".", 1)[1] if "." in path else method
        else:
            return
        model = keyword(node, "model", "modelId", "model_id", "model_name")
        if model is None and node.args and (client.provider in ("replicate", "ollama", "lm-studio")
                                            or method in ("run", "pull", "llm", "embedding_model")):
            model = node.args[0]
        if model is None:
            return
        client.used = True
        self._models_on(client.provider, model, node, f"{client.how}.{method}(model=)", client.private)

    def _wrappers(self, node: ast.Call, qual: str, last: str) -> bool:
        """LangChain, LlamaIndex, LiteLLM, DSPy, Pydantic AI, smolagents, CrewAI, the OpenAI Agents SDK."""
        top = qual.split(".", 1)[0]
        if (top in ("langchain", "langchain_community") and last == "init_chat_model") or last == "init_chat_model":
            model = node.args[0] if node.args else keyword(node, "model")
            given = self.resolver.resolve(keyword(node, "model_provider")).values
            self._prefixed_models(node, model, ":", "init_chat_model", given[0].text if given else None)
            return True
        if top.startswith(("langchain", "llama_index")) and last in _LOCAL_WRAPPERS:
            for kw in _LOCAL_WRAPPERS[last]:
                self.model_arg(node, keyword(node, kw) or (node.args[0] if node.args and kw == _LOCAL_WRAPPERS[last][0]
                                                              else None), f"{last}({kw}=)")
            return True
        if top == "smolagents" and last in ("TransformersModel",):
            self.model_arg(node, keyword(node, "model_id") or (node.args[0] if node.args else None), last)
            return True
        if top.startswith("langchain") and last in _LANGCHAIN:
            ep_provider, private, ep_how = self.endpoint(node)
            provider = ep_provider or _LANGCHAIN[last] or self.key_hint(node) or "openai"
            model = keyword(node, "model", "model_name", "model_id", "repo_id", "deployment_name", "azure_deployment")
            how = f"{last}({ep_how})" if ep_how else last
            self._models_on(provider, model, node, how, private)
            return True
        if top == "llama_index" and (".llms." in qual or ".embeddings." in qual):
            package = qual.split(".")[2] if len(qual.split(".")) > 2 else ""
            if package not in _LLAMA_INDEX:
                return False
            ep_provider, private, ep_how = self.endpoint(node)
            provider = ep_provider or _LLAMA_INDEX[package] or self.key_hint(node) or "openai"
            model = keyword(node, "model", "model_name", "deployment_name", "engine") or (
                node.args[0] if node.args else None)
            self._models_on(provider, model, node, f"llama_index {package}.{last}", private)
            return True
        if (top == "litellm" and last in _LITELLM_CALLS) or qual in _LITELLM_STYLE:
            model = keyword(node, "model", "model_id") or (node.args[0] if node.args else None)
            ep_provider, private, _ = self.endpoint(node)
            self._prefixed_models(node, model, "/", qual, None, ep_provider, private)
            return True
        if qual in ("pydantic_ai.Agent", "agents.Agent"):
            model = node.args[0] if node.args else keyword(node, "model")
            if model is None or (isinstance(model, ast.Call)):
                return True
            self._prefixed_models(node, model, ":", qual, "openai" if top == "agents" else None)
            return True
        if top == "pydantic_ai" and ".models." in qual:
            module = qual.split(".")[2] if len(qual.split(".")) > 2 else ""
            if module in _PYDANTIC_AI and last.endswith("Model"):
                provider = _PYDANTIC_AI[module] or "openai"
                self._models_on(provider, node.args[0] if node.args else keyword(node, "model_name"), node, qual,
                                False)
                return True
        if top == "smolagents" and last in ("HfApiModel", "InferenceClientModel"):
            model = keyword(node, "model_id") or (node.args[0] if node.args else None)
            self._models_on("huggingface-inference", model, node, last, False)
            return True
        return False

    def _prefixed_models(self, call: ast.Call, node: ast.expr | None, sep: str, how: str, given: str | None,
                         ep_provider: str | None = None, private: bool = False) -> None:
        """Model strings of the form ``provider/model`` (LiteLLM, DSPy) or ``provider:model`` (LangChain)."""
        if node is None:
            return
        resolution = self.resolver.resolve(node)
        for value in resolution.values:
            text = value.text.strip()
            split = prefixed(text, sep)
            if given:
                provider = prefixed(f"{given}{sep}x", sep)
                slug, model = (provider[0] if provider else given), text
            elif split is not None:
                slug, model = split
            else:
                slug, model = (model_provider(text) or "openai-compatible"), text
            if ep_provider and ep_provider != "openai-compatible":
                slug = ep_provider
            self.api(slug, model, value.line, f"{how}({value.via})" if value.via else f"{how}()", private)
        if not resolution.values:
            self.unresolved(call.lineno, how, resolution.reason or "model not given")

    def close(self) -> None:
        for client in self.clients.values():
            if not client.used:
                self.out.apis.append(ApiUse(client.provider, None, serving(client.provider, None, client.private),
                                            self.loc(client.line, client.how)))


def analyse_python(source: str, path: str, line_of: Callable[[int], int] | None = None,
                   tree: ast.Module | None = None) -> FileFindings:
    """Every use in one Python source; a syntax error is a warning and nothing else."""
    if tree is None:
        if not might_use(source):
            return FileFindings()
        try:
            tree = ast.parse(source, filename=path)
        except SyntaxError as exc:
            line = (line_of or (lambda n: n))(exc.lineno or 1)
            hint = "; Python 2 code?" if "Missing parentheses" in exc.msg or exc.msg == "invalid syntax" else ""
            return FileFindings(warnings=(f"{path}:{line}: Python syntax error ({exc.msg}{hint}); skipped",))
        except (ValueError, RecursionError, MemoryError) as exc:
            return FileFindings(warnings=(f"{path}: cannot parse ({type(exc).__name__}); skipped",))
    analyzer = _Analyzer(tree, path, line_of or (lambda n: n))
    try:
        analyzer.visit(tree)
    except RecursionError:
        return FileFindings(warnings=(f"{path}: too deeply nested to analyse; skipped",))
    analyzer.close()
    return analyzer.out.findings()

