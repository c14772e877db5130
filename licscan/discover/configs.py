"""YAML, JSON and TOML configs: model and dataset keys, LiteLLM proxy ``model_list``, compose and CI commands.

Keys are read by name (``model_name_or_path``, ``base_model``, ``_name_or_path``,
``repo_id``, ...). Where a key is generic (``model``, ``model_id``) only an
``org/name`` value counts, since ``model: resnet50`` or ``model: transformer``
is not a Hub repo; a ``provider/model`` value (``openai/gpt-4o``) or a known
hosted model id (``gpt-4o``) there is a hosted API. Output targets
(``hub_model_id``, ``output_dir``) are never uses. Docker ``image:`` keys are
never read.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from licscan.discover.hubids import hub_id, hub_url_repo, split_revision
from licscan.discover.model import ApiUse, DatasetUse, FileFindings, Location, ModelUse, Unresolved
from licscan.discover.notebook import merge
from licscan.discover.providers import (
    PROVIDERS,
    catalogue,
    endpoint_provider,
    is_open_weights,
    model_provider,
    prefixed,
    serving,
)
from licscan.discover.shell import analyse_env_pairs, analyse_shell_lines, analyse_words

STRONG_KEYS = frozenset({"model_name_or_path", "pretrained_model_name_or_path", "base_model_name_or_path",
                         "_name_or_path", "tokenizer_name_or_path", "tokenizer_name", "model_name_or_path_or_url"})
WEAK_KEYS = frozenset({"model", "model_name", "model_id", "base_model", "repo_id", "hf_model", "model_repo",
                       "pretrained", "base_model_id", "teacher_model", "reward_model", "ref_model", "tokenizer",
                       "draft_model", "embedding_model", "embed_model", "reranker_model", "modelId", "modelName",
                       "hf_model_id", "base_model_config", "pretrained_model", "llm_model", "rerank_model",
                       "teacher_model_name_or_path", "reward_model_name_or_path", "critic_model", "model_path",
                       "modelURL", "model_url", "modelUrl", "modelRepo", "hfModel"})
DATASET_KEYS = frozenset({"dataset_name", "dataset", "dataset_id", "hf_dataset", "dataset_repo", "dataset_path"})
# Keys of the items of a `datasets:` list: axolotl's `path`, TRL's dataset_mixture `id`.
_DATASET_ITEM_KEYS = frozenset({"path", "id", "repo_id", "name", "dataset_id"})
_SHELL_KEYS = frozenset({"command", "entrypoint", "run", "script", "args", "cmd", "before_script", "after_script"})
# Hub organisations whose names are also provider prefixes: openai/whisper-large-v3 is a Hub repo,
# openai/gpt-4o is a hosted model.
_HUB_ORGS = frozenset({"openai", "google", "mistralai", "huggingface", "groq", "meta", "together", "replicate",
                       "deepseek", "xai", "cohere", "fireworks", "ollama", "vllm"})
_VENDORS = frozenset(slug for slug, kind in PROVIDERS.items() if kind == "vendor")
_TEMPLATE = re.compile(r"\$\{|\{\{|\$\(|%\(|^\$[A-Za-z_]")
_SKIP_JSON = re.compile(
    r"(?:^|/)(?:package(?:-lock)?\.json|tsconfig[^/]*\.json|jsconfig\.json|composer\.json|tokenizer\.json|"
    r"vocab\.json|tokenizer_config\.json|special_tokens_map\.json|[^/]*\.schema\.json|\.eslintrc\.json|"
    r"renovate\.json|\.?babelrc\.json|manifest\.json|[^/]*\.lock\.json)$"
)


@dataclass(frozen=True)
class S:
    """A scalar with the line it is on (None: to be found in the text, for JSON and TOML)."""

    value: str
    line: int | None
    block: bool = False  # a YAML block scalar (|, >): its text starts on the next line


class _Walker:
    def __init__(self, path: str, text: str, assign: str) -> None:
        self.path = path
        self.text = text
        self.assign = assign  # "=" for TOML, ":" for JSON and YAML
        self.models: list[ModelUse] = []
        self.datasets: list[DatasetUse] = []
        self.apis: list[ApiUse] = []
        self.unresolved: list[Unresolved] = []
        self.parts: list[FileFindings] = []
        self._seen: dict[tuple[str, str], int] = {}

    def line(self, key: str, scalar: S) -> int:
        if scalar.line is not None:
            return scalar.line
        # JSON and TOML parsers give no positions: the n-th `key: "value"` in the text is the n-th one parsed.
        pattern = re.compile(
            rf"""["']?{re.escape(key)}["']?\s*[{re.escape(self.assign)}]\s*["']{re.escape(json.dumps(scalar.value)[1:-1])}["']"""
        )
        count = self._seen.get((key, scalar.value), 0)
        self._seen[(key, scalar.value)] = count + 1
        matches = list(pattern.finditer(self.text))
        if not matches:
            index = self.text.find(scalar.value)
            return self.text.count("\n", 0, index) + 1 if index >= 0 else 1
        return self.text.count("\n", 0, matches[min(count, len(matches) - 1)].start()) + 1

    def loc(self, line: int, how: str) -> Location:
        return Location(self.path, line, how)

    def walk(self, node: Any, parents: tuple[str, ...] = ()) -> None:
        if isinstance(node, dict):
            self.mapping(node, parents)
        elif isinstance(node, list):
            for item in node:
                self.walk(item, parents)

    def mapping(self, node: dict[str, Any], parents: tuple[str, ...]) -> None:
        revision = node.get("revision")
        rev = revision.value if isinstance(revision, S) else None
        for key, value in node.items():
            if key == "model_list" and isinstance(value, list):
                self.litellm(value)
                continue
            if key in _SHELL_KEYS and parents[-1:] != ("model_list",):
                self.commands(value)
            if key == "environment" or key == "env":
                self.environment(value, key)
            if isinstance(value, S):
                if key in STRONG_KEYS or key in WEAK_KEYS:
                    self.model_value(key, value, rev)
                elif key in DATASET_KEYS or (key in _DATASET_ITEM_KEYS and parents[-1:] == ("datasets",)):
                    self.dataset_value(key, value, rev)
                continue
            if key == "datasets" and isinstance(value, list):
                for item in value:
                    if isinstance(item, S):
                        self.dataset_value("datasets", item, None)
            self.walk(value, (*parents, key))

    def model_value(self, key: str, scalar: S, revision: str | None) -> None:
        value = scalar.value.strip()
        line = self.line(key, scalar)
        if not value:
            return
        if _TEMPLATE.search(value):
            self.unresolved.append(Unresolved(self.path, line, f"config key {key}: interpolated value {value[:80]}"))
            return
        url = hub_url_repo(value)
        if url is not None:
            if url[2] == "model":
                self.models.append(ModelUse(url[0], url[1] or revision, self.loc(line, f"config key {key}")))
            return
        repo_part, inline_rev = split_revision(value)
        strong = key in STRONG_KEYS
        if not strong:
            api = self.api_value(value)
            if api is not None:
                slug, model = api
                self.apis.append(ApiUse(slug, model, serving(slug, model), self.loc(line, f"config key {key}")))
                return
        repo = hub_id(repo_part, bare_ok=strong)
        if repo is not None:
            self.models.append(ModelUse(repo, inline_rev or revision, self.loc(line, f"config key {key}")))

    def api_value(self, value: str) -> tuple[str, str] | None:
        """(provider, model) when a generic model key holds a hosted model, else None."""
        split = prefixed(value, "/")
        if split is not None:
            slug, rest = split
            head = value.split("/", 1)[0].lower()
            # openai/gpt-4o is hosted; openai/whisper-large-v3 and mistralai/Codestral-22B-v0.1 are Hub repos:
            # under a Hub organisation's name only an id the provider's catalogue lists is a hosted model.
            if head not in _HUB_ORGS or catalogue().get(rest) == slug:
                return slug, rest
            return None
        if "/" not in value and ":" not in value:
            # A bare id names a hosted model only when it is a vendor's own proprietary one (gpt-4o, claude-...):
            # `model: Llama-3.1-8B-Instruct` is a label or a local name, whoever else serves it.
            slug_or_none = model_provider(value)
            if slug_or_none in _VENDORS and not is_open_weights(value):
                return slug_or_none, value
        return None

    def dataset_value(self, key: str, scalar: S, revision: str | None) -> None:
        value = scalar.value.strip()
        url = hub_url_repo(value)
        line = self.line(key, scalar)
        if url is not None and url[2] == "dataset":
            self.datasets.append(DatasetUse(url[0], url[1] or revision, self.loc(line, f"config key {key}")))
            return
        if _TEMPLATE.search(value):
            return
        repo_part, inline_rev = split_revision(value)
        repo = hub_id(repo_part)
        if repo is not None:
            self.datasets.append(DatasetUse(repo, inline_rev or revision, self.loc(line, f"config key {key}")))

    def litellm(self, items: list[Any]) -> None:
        """LiteLLM proxy: ``model_list[].litellm_params.model`` (provider/model) and ``api_base``."""
        for item in items:
            params = item.get("litellm_params") if isinstance(item, dict) else None
            if not isinstance(params, dict) or not isinstance(params.get("model"), S):
                continue
            scalar = params["model"]
            line = self.line("model", scalar)
            text = scalar.value.strip()
            base = params.get("api_base") or params.get("base_url")
            split = prefixed(text, "/")
            slug, model = split if split is not None else (model_provider(text) or "openai-compatible", text)
            private = False
            how = "LiteLLM model_list"
            if isinstance(base, S) and not _TEMPLATE.search(base.value) and "os.environ" not in base.value:
                ep = endpoint_provider(base.value)
                if ep.provider and (ep.provider != "openai-compatible" or slug in ("openai", "openai-compatible")):
                    slug = ep.provider if slug in ("openai", "openai-compatible", "hosted_vllm") or ep.private else slug
                private = ep.private
                how = f"LiteLLM model_list, api_base {ep.text}"
            self.apis.append(ApiUse(slug, model, serving(slug, model, private), self.loc(line, how)))
            if slug in ("vllm", "tgi", "huggingface-inference"):
                repo = hub_id(model)
                if repo is not None:
                    self.models.append(ModelUse(repo, None, self.loc(line, f"served by {slug}: {how}")))

    def commands(self, value: Any) -> None:
        if isinstance(value, S) and value.line is not None:
            first = value.line + 1 if value.block else value.line
            lines = [(text, first + i) for i, text in enumerate(value.value.splitlines())]
            if not value.block and len(lines) > 1:
                lines = [(" ".join(t for t, _ in lines), value.line)]  # a folded plain scalar is one line
            self.parts.append(analyse_shell_lines(lines, self.path))
        elif isinstance(value, list) and value and all(isinstance(v, S) for v in value):
            first = value[0].line or 1
            self.parts.append(analyse_words([v.value for v in value], self.path, first))

    def environment(self, value: Any, key: str) -> None:
        pairs: list[tuple[str, str, int]] = []
        if isinstance(value, dict):
            for name, item in value.items():
                if isinstance(item, S):
                    pairs.append((name, item.value, self.line(name, item)))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, S) and "=" in item.value:
                    name, _, val = item.value.partition("=")
                    pairs.append((name.strip(), val.strip(), item.line or 1))
                elif isinstance(item, dict) and isinstance(item.get("name"), S) and isinstance(item.get("value"), S):
                    pairs.append((item["name"].value, item["value"].value, item["value"].line or 1))  # Kubernetes
        if pairs:
            self.parts.append(analyse_env_pairs(pairs, self.path, key))

    def findings(self, warnings: tuple[str, ...] = ()) -> FileFindings:
        own = FileFindings(tuple(self.models), tuple(self.datasets), tuple(self.apis), tuple(self.unresolved),
                           warnings)
        return merge([own, *self.parts])


def _yaml_tree(node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out[str(key.value)] = _yaml_tree(value)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_yaml_tree(v) for v in node.value]
    if isinstance(node, yaml.ScalarNode):
        return S(str(node.value), int(node.start_mark.line) + 1, node.style in ("|", ">"))
    return None


def _plain_tree(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain_tree(v) for v in node]
    if isinstance(node, str):
        return S(node, None)
    return None


def _documents(text: str) -> Iterator[Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # compose, not load: aliases stay references (no billion-laughs expansion) and scalars keep their lines.
    for document in yaml.compose_all(text, Loader=loader):
        yield _yaml_tree(document)


_LINE_KEY = re.compile(r"""^\s*(?:-\s+)?["']?([A-Za-z_][\w]*)["']?\s*:\s*["']?([^"'#{}\s][^"'#\s]*)["']?\s*(?:#.*)?$""")


def _template_lines(text: str, path: str) -> FileFindings:
    """A Helm or Jinja template is not YAML until rendered: read its literal ``key: value`` lines only."""
    walker = _Walker(path, text, ":")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE_KEY.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2)
        scalar = S(value, number)
        if key in STRONG_KEYS or key in WEAK_KEYS:
            walker.model_value(key, scalar, None)
        elif key in DATASET_KEYS:
            walker.dataset_value(key, scalar, None)
    return walker.findings()


def analyse_yaml(text: str, path: str) -> FileFindings:
    import yaml

    walker = _Walker(path, text, ":")
    try:
        for document in _documents(text):
            walker.walk(document)
    except yaml.YAMLError as exc:
        if "{{" in text or "{%" in text:
            return _template_lines(text, path)
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        return walker.findings((f"{where}: invalid YAML ({getattr(exc, 'problem', None) or exc}); skipped the rest",))
    except RecursionError:
        return FileFindings(warnings=(f"{path}: YAML nested too deeply; skipped",))
    return walker.findings()


# JSON is read only where it is configuration (config.json, adapter_config.json, settings, recipes, model lists):
# other JSON is data (API responses, caches, reports, fixtures) that mentions models without using them.
_CONFIG_JSON = re.compile(
    r"(?:^|[/._-])(?:config|configs|configuration|settings|conf|params|hparams|args|arguments|recipe|train|training|"
    r"finetune|deploy|deployment|serving|server|model_index|models?|llm|llms|values|app|agents?|litellm)"
    r"(?:[._-][^/]*)?\.json$",
    re.IGNORECASE,
)


def skip_json(path: str) -> bool:
    return bool(_SKIP_JSON.search(path)) or not _CONFIG_JSON.search(path.rsplit("/", 1)[-1])


def analyse_json(text: str, path: str) -> FileFindings:
    try:
        data = json.loads(text)
    except ValueError as exc:
        return FileFindings(warnings=(f"{path}: invalid JSON ({exc}); skipped",))
    except RecursionError:
        return FileFindings(warnings=(f"{path}: JSON nested too deeply; skipped",))
    walker = _Walker(path, text, ":")
    walker.walk(_plain_tree(data))
    return walker.findings()


def analyse_toml(text: str, path: str) -> FileFindings:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: the same parser, from PyPI
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        return FileFindings(warnings=(f"{path}: invalid TOML ({exc}); skipped",))
    walker = _Walker(path, text, "=")
    walker.walk(_plain_tree(data))
    return walker.findings()
