"""Command lines: shell scripts, Dockerfiles, Procfiles, ``.env`` files, and the commands of compose/CI YAML.

A command is split into words like a shell does (``shlex``), variables are
expanded from assignments, ``ARG``/``ENV`` defaults and ``${X:-default}``,
and only arguments in known positions count: ``vllm serve X``,
``--model X``, ``--model-id X``, ``huggingface-cli download X``,
``hf download X``, ``llama-server -hf X``, ``ollama pull X`` and Hub URLs.
A Docker image name (``FROM vllm/vllm-openai``, ``docker run ghcr.io/...``)
is never in such a position, so it is never a model.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from licscan.discover.collect import Collector
from licscan.discover.hubids import hub_id, hub_url_repo
from licscan.discover.model import ApiUse, DatasetUse, FileFindings, Location, ModelUse, Unresolved
from licscan.discover.providers import endpoint_provider, env_provider, serving

# Flags whose value is a model: bare names are accepted only for the unambiguous ones.
_STRONG_FLAGS = frozenset({"--model_name_or_path", "--model-name-or-path", "--pretrained_model_name_or_path",
                           "--pretrained-model-name-or-path", "--model-id", "--model_id", "--base_model_name_or_path"})
_MODEL_FLAGS = _STRONG_FLAGS | {"--model", "--model-path", "--model_path", "--base_model", "--base-model",
                                "--tokenizer", "--hf-repo", "-hf", "--hf_repo", "--model-name", "--model_name",
                                "--draft-model", "--speculative-model", "--reward_model", "--teacher_model"}
_SERVER_WORDS = ("vllm", "text-generation-launcher", "sglang", "lmdeploy", "llama-server", "llama-cli", "tgi",
                 "api_server", "launch_server", "mlx_lm", "optimum-cli")
_DATASET_FLAGS = frozenset({"--dataset_name", "--dataset-name", "--dataset", "--dataset_id", "--dataset-id"})
_REVISION_FLAGS = frozenset({"--revision", "--model-revision", "--model_revision"})
# Environment variables that hold the model a server or app loads (TGI reads MODEL_ID).
MODEL_ENV = frozenset({"MODEL_ID", "HF_MODEL_ID", "MODEL_NAME", "MODEL", "BASE_MODEL", "MODEL_NAME_OR_PATH",
                       "HF_MODEL", "MODEL_REPO", "HF_MODEL_NAME", "LLM_MODEL", "EMBEDDING_MODEL", "EMBED_MODEL",
                       "RERANK_MODEL", "RERANKER_MODEL", "TOKENIZER", "TOKENIZER_NAME"})
ENDPOINT_ENV = re.compile(r"(?:^|_)(?:BASE_URL|API_BASE|ENDPOINT|HOST|API_URL)$")
_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?(?P<op>[-=?+])(?P<default>[^}]*))?\}"
                  r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_ASSIGN = re.compile(r"^(?:export\s+|ARG\s+|ENV\s+|declare\s+(?:-\w+\s+)?|local\s+|readonly\s+)?"
                     r"([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


@dataclass
class _Vars:
    """Shell variables and Docker ARG/ENV known so far: name -> (value or None when it has no default, where)."""

    values: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    def expand(self, word: str) -> tuple[str | None, str | None]:
        """(expanded word, None), or (None, reason) when a variable has no known value."""
        reason: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group("braced") or match.group("plain")
            op, default = match.group("op"), match.group("default")
            known = self.values.get(name)
            if known is not None and known[0] is not None:
                return known[0]
            if op in ("-", "=") and default:
                return default
            kind = known[1] if known else "environment variable"
            reason.append(f"{kind} {name} has no default")
            return ""

        expanded = _VAR.sub(replace, word)
        return (None, "; ".join(reason)) if reason else (expanded, None)


def logical_lines(text: str) -> list[tuple[str, int]]:
    """Lines with backslash continuations joined, each with the number of its first line; comments dropped."""
    return [(joined, physical[0][0]) for joined, physical in physical_lines(text)]


def physical_lines(text: str) -> list[tuple[str, list[tuple[int, str]]]]:
    """Logical lines (continuations joined) with the physical lines (number, text) they were made of."""
    out: list[tuple[str, list[tuple[int, str]]]] = []
    buffer = ""
    parts: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.lstrip().startswith("#"):
            continue  # a comment, also inside a continued command (Dockerfiles allow it)
        parts.append((number, line))
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            out.append((buffer, parts))
        buffer, parts = "", []
    if buffer.strip():
        out.append((buffer, parts))
    return out


def _split(command: str) -> list[list[str]]:
    """Commands of one line as word lists, split at ``&&``, ``||``, ``;``, ``|`` (unbalanced quotes: by spaces)."""
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars="&|;")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = list(lexer)
    except ValueError:
        words = command.split()
    commands: list[list[str]] = [[]]
    for word in words:
        if word and set(word) <= set("&|;"):
            commands.append([])
        else:
            commands[-1].append(word)
    return [c for c in commands if c]


class _Scanner:
    def __init__(self, path: str, variables: _Vars | None = None, kind_of_var: str = "shell variable") -> None:
        self.path = path
        self.vars = variables or _Vars()
        self.kind_of_var = kind_of_var
        self.out = Collector()
        self.physical: list[tuple[int, str]] = []

    def loc(self, line: int, how: str, word: str = "") -> Location:
        return Location(self.path, self.at(word, line), how)

    def at(self, word: str, line: int) -> int:
        """The physical line of a continued command on which ``word`` is written (else the command's first)."""
        if word and len(self.physical) > 1:
            for number, text in self.physical:
                if word in text:
                    return number
        return line

    def logical(self, text: str) -> None:
        for joined, physical in physical_lines(text):
            self.physical = physical
            self.line(joined, physical[0][0])
        self.physical = []

    def assignment(self, name: str, value: str, line: int, kind: str) -> None:
        expanded, _ = self.vars.expand(_unquote(value)) if value else (None, None)
        self.vars.values[name] = (expanded if value else None, kind)
        self.env_value(name, expanded, line, kind, raw=value)

    def env_value(self, name: str, value: str | None, line: int, kind: str, raw: str = "") -> None:
        """An environment variable that names a model or an endpoint (``MODEL_ID=org/x``, ``OPENAI_BASE_URL=...``)."""
        upper = name.upper()
        if upper in MODEL_ENV and value:
            repo = hub_id(value)
            if repo is not None:
                self.out.models.append(ModelUse(repo, None, self.loc(line, f"{kind} {name}")))
        elif ENDPOINT_ENV.search(upper) and value and ("://" in value or value.startswith("localhost")):
            ep = endpoint_provider(value)
            if (ep.provider is not None and ep.provider != "openai-compatible") or env_provider(upper):
                provider = ep.provider if ep.provider != "openai-compatible" else (env_provider(upper) or ep.provider)
                assert provider is not None
                self.out.apis.append(ApiUse(provider, None, serving(provider, None, ep.private),
                                            self.loc(line, f"{kind} {name}={ep.text}")))

    def line(self, text: str, line: int) -> None:
        stripped = text.strip()
        assign = _ASSIGN.match(stripped)
        if assign and " " not in assign.group(2).strip().strip("\"'"):
            self.assignment(assign.group(1), assign.group(2).strip(), line, self.kind_of_var)
            return
        for words in _split(text):
            self.words(words, line)

    def words(self, words: Sequence[str], line: int) -> None:
        """One command: leading ``VAR=value`` words are assignments for it, then the known argument positions."""
        words = list(words)
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            name, assigned = words.pop(0).split("=", 1)
            self.env_value(name, self.vars.expand(assigned)[0], line, "environment")
        if not words:
            return
        if words[0] in ("export", "ENV") and len(words) > 1:
            for word in words[1:]:
                if "=" in word:
                    name, assigned = word.split("=", 1)
                    self.assignment(name, assigned, line, self.kind_of_var)
            return
        server = any(any(s in w for s in _SERVER_WORDS) for w in words[:6])
        # A container's command is often only arguments to the image's entrypoint (`--model-id X`).
        program = "command" if words[0].startswith("-") else words[0].rsplit("/", 1)[-1]
        revision = self._flag_value(words, _REVISION_FLAGS)
        for i, word in enumerate(words):
            url = hub_url_repo(word)
            if url is not None and i > 0:
                repo_id, rev, kind = url
                self._emit(repo_id, rev, self.at(word, line), f"Hub URL in {program}", kind)
                continue
            flag, _, inline = word.partition("=")
            value: str | None = inline if inline else (words[i + 1] if i + 1 < len(words) else None)
            if flag in _MODEL_FLAGS and value is not None and (inline or not value.startswith("-")):
                bare = flag in _STRONG_FLAGS or (server and flag == "--model")
                self._value(value, line, f"{program} {flag}", bare, revision, strip_quant=flag in ("-hf", "--hf-repo",
                                                                                                   "--hf_repo"))
            elif flag in _DATASET_FLAGS and value is not None and not value.startswith("-"):
                self._value(value, line, f"{program} {flag}", False, None, dataset=True)
        self._subcommands(words, program, line, revision)

    def _subcommands(self, words: list[str], program: str, line: int, revision: str | None) -> None:
        positional = [w for w in words[1:] if not w.startswith("-")]
        if program == "vllm" and positional[:1] == ["serve"] and len(positional) > 1:
            self._value(positional[1], line, "vllm serve", True, revision)
        elif program in ("huggingface-cli", "hf") and positional[:1] == ["download"] and len(positional) > 1:
            repo_type = self._flag_value(words, {"--repo-type", "--repo_type"}) or "model"
            target = self._first_positional_after(words, "download")
            if target is not None and repo_type != "space":
                self._value(target, line, f"{program} download", True, revision, dataset=repo_type == "dataset")
        elif program == "ollama" and positional[:1] and positional[0] in ("pull", "run") and len(positional) > 1:
            model = positional[1]
            expanded, reason = self.vars.expand(model)
            if expanded is None:
                self.out.unresolved.append(Unresolved(self.path, line, f"ollama {positional[0]}: {reason}"))
                return
            self.out.apis.append(ApiUse("ollama", expanded, "self-hosted", self.loc(line, f"ollama {positional[0]}")))
            if expanded.lower().startswith("hf.co/"):
                self._value(expanded.split("/", 1)[1], line, f"ollama {positional[0]} hf.co", False, None,
                            strip_quant=True)

    def _first_positional_after(self, words: list[str], word: str) -> str | None:
        index = words.index(word) if word in words else -1
        skip = False
        for candidate in words[index + 1:]:
            if skip:
                skip = False
                continue
            if candidate.startswith("-"):
                skip = "=" not in candidate and candidate not in ("--quiet", "-q")
                continue
            return candidate
        return None

    def _flag_value(self, words: list[str], flags: set[str] | frozenset[str]) -> str | None:
        for i, word in enumerate(words):
            flag, _, inline = word.partition("=")
            if flag in flags:
                value = inline or (words[i + 1] if i + 1 < len(words) else "")
                expanded, _ = self.vars.expand(value)
                return expanded or None
        return None

    def _value(self, value: str, line: int, how: str, bare_ok: bool, revision: str | None, *,
               dataset: bool = False, strip_quant: bool = False) -> None:
        expanded, reason = self.vars.expand(_unquote(value))
        line = self.at(value, line)
        if expanded is None:
            self.out.unresolved.append(Unresolved(self.path, line, f"{how}: {reason}"))
            return
        via = f"{how} ({value})" if expanded != _unquote(value) else how
        if strip_quant:
            expanded = expanded.split(":", 1)[0]
        url = hub_url_repo(expanded)
        if url is not None:
            self._emit(url[0], url[1] or revision, line, via, url[2])
            return
        repo = hub_id(expanded, bare_ok=bare_ok, any_bare=dataset)
        if repo is not None:
            self._emit(repo, revision, line, via, "dataset" if dataset else "model")

    def _emit(self, repo: str, revision: str | None, line: int, how: str, kind: str) -> None:
        if kind == "dataset":
            self.out.datasets.append(DatasetUse(repo, revision, self.loc(line, how)))
        elif kind == "model":
            self.out.models.append(ModelUse(repo, revision, self.loc(line, how)))


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def analyse_shell_lines(lines: Iterable[tuple[str, int]], path: str) -> FileFindings:
    """Commands given line by line with their own numbers (notebook ``!`` lines, YAML ``run:`` blocks)."""
    scanner = _Scanner(path)
    pending: list[tuple[str, int]] = []
    for text, line in lines:
        pending.append((text.rstrip("\n"), line))
        if text.rstrip("\n").rstrip().endswith("\\"):
            continue
        joined = " ".join(t.rstrip()[:-1] if t.rstrip().endswith("\\") else t for t, _ in pending)
        scanner.physical = [(n, t) for t, n in pending]
        if joined.strip() and not joined.lstrip().startswith("#"):
            scanner.line(joined, pending[0][1])
        pending = []
    if pending:
        scanner.physical = [(n, t) for t, n in pending]
        scanner.line(" ".join(t for t, _ in pending), pending[0][1])
    return scanner.out.findings()


def analyse_shell(text: str, path: str) -> FileFindings:
    scanner = _Scanner(path)
    scanner.logical(text)
    return scanner.out.findings()


def analyse_procfile(text: str, path: str) -> FileFindings:
    scanner = _Scanner(path)
    for logical, physical in physical_lines(text):
        scanner.physical = physical
        line = physical[0][0]
        _, sep, command = logical.partition(":")
        if sep:
            scanner.line(command, line)
    return scanner.out.findings()


def analyse_env_file(text: str, path: str) -> FileFindings:
    """``.env`` files: ``NAME=value`` lines only (they are configuration, not commands)."""
    scanner = _Scanner(path, kind_of_var="variable")
    for logical, line in logical_lines(text):
        match = _ASSIGN.match(logical.strip())
        if match:
            scanner.assignment(match.group(1), match.group(2).split(" #", 1)[0].strip(), line, ".env")
    return scanner.out.findings()


def analyse_dockerfile(text: str, path: str) -> FileFindings:
    scanner = _Scanner(path, kind_of_var="Docker ARG")
    for logical, physical in physical_lines(text):
        scanner.physical = physical
        line = physical[0][0]
        instruction, _, rest = logical.strip().partition(" ")
        keyword = instruction.upper()
        rest = rest.strip()
        if keyword == "ARG":
            for item in rest.split():
                name, sep, value = item.partition("=")
                scanner.vars.values[name] = (scanner.vars.expand(_unquote(value))[0] if sep else None, "Docker ARG")
                if sep:
                    scanner.env_value(name, scanner.vars.values[name][0], line, "Docker ARG")
        elif keyword == "ENV":
            pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S+)", rest)
            if not pairs and " " in rest:  # legacy form: ENV NAME value
                name, value = rest.split(None, 1)
                pairs = [(name, value)]
            for name, value in pairs:
                expanded, _ = scanner.vars.expand(_unquote(value))
                scanner.vars.values[name] = (expanded, "Docker ENV")
                scanner.env_value(name, expanded, line, "Docker ENV")
        elif keyword in ("RUN", "CMD", "ENTRYPOINT"):
            if rest.startswith("["):
                try:
                    words = json.loads(rest)
                except ValueError:
                    words = None
                if isinstance(words, list) and all(isinstance(w, str) for w in words):
                    if len(words) >= 3 and words[1] in ("-c", "-lc") and words[0].endswith(("sh", "bash")):
                        scanner.line(words[2], line)
                    else:
                        scanner.words(words, line)
                    continue
            flags = re.match(r"^((?:--\S+\s+)*)(.*)$", rest)
            scanner.line(flags.group(2) if flags else rest, line)
        # FROM, COPY, LABEL, EXPOSE...: image names and paths, never models.
    return scanner.out.findings()


def analyse_words(words: Sequence[str], path: str, line: int) -> FileFindings:
    """An exec-form command given as a list (compose ``command: [...]``, Kubernetes ``args:``)."""
    scanner = _Scanner(path)
    scanner.words(list(words), line)
    return scanner.out.findings()


def analyse_env_pairs(pairs: Iterable[tuple[str, str, int]], path: str, kind: str) -> FileFindings:
    scanner = _Scanner(path)
    for name, value, line in pairs:
        scanner.env_value(name, value, line, kind)
    return scanner.out.findings()
