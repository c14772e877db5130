"""Is this string a Hugging Face Hub repo id? Local paths, files, URLs and image names are not.

One place decides, for every file kind, so a rule tightened here holds for
Python, configs, shell and JavaScript alike.
"""

from __future__ import annotations

import re

from licscan.manifest.refs import repo_id_problem

_HF_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?P<rest>[^?#\s]+)", re.IGNORECASE
)
# A file name, not a repo: weights, configs, archives, scripts.
_FILE_SUFFIX = re.compile(
    r"\.(?:bin|pt|pth|ckpt|safetensors|gguf|ggml|onnx|h5|pkl|pickle|npz|npy|json|ya?ml|toml|txt|csv|tsv|"
    r"parquet|arrow|jsonl|zip|tar|gz|tgz|py|sh|model|msgpack|tflite|engine|plan|mlmodel|xml|md)$",
    re.IGNORECASE,
)
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")
# The legacy root-level repos (no namespace) transformers still resolves, such as gpt2 and bert-base-uncased.
# Any other bare word handed to from_pretrained ("new_model", "path_to_llama_7b") is a local folder.
LEGACY_ROOT = re.compile(
    r"^(?:albert|bart|bert|camembert|ctrl|distilbert|distilgpt2|distilroberta|electra|flaubert|gpt2|openai-gpt|"
    r"roberta|t5|xlm|xlnet|transfo-xl|google-t5|facebook-bart|mt5|longformer|deberta|funnel)(?:-[\w.-]+)?$"
)
_PLACEHOLDER = re.compile(r"[<>{}$%*\s|]")  # templates and shell: `<org>/<name>`, `${MODEL}`, `%s`


def hub_url_repo(text: str) -> tuple[str, str | None, str] | None:
    """(repo_id, revision, repo_type) from a huggingface.co URL, or None when ``text`` is not one."""
    match = _HF_URL.match(text.strip())
    if not match:
        return None
    segments = [s for s in match.group("rest").split("/") if s]
    repo_type = "model"
    if segments and segments[0] in ("datasets", "spaces"):
        repo_type = segments[0][:-1]
        segments = segments[1:]
    revision = None
    if len(segments) >= 4 and segments[2] in ("tree", "blob", "resolve"):
        revision = segments[3]
    if len(segments) < 2 or segments[0] in ("api", "docs", "blog", "models", "papers", "settings", "join", "login"):
        return None
    repo_id = "/".join(segments[:2])
    return (repo_id, revision, repo_type) if repo_id_problem(repo_id) is None else None


def looks_local(value: str) -> bool:
    """A path on disk: './ckpt', '../x', '/models/x', '~/x', 'C:\\x', 'out/model.bin', 'a/b/c'."""
    v = value.strip()
    return (
        v.startswith(("./", "../", "/", "~", ".\\", "file:", "s3://", "gs://", "gcs://", "az://", "hdfs://"))
        or v in (".", "..")
        or "\\" in v
        or bool(_WINDOWS_PATH.match(v))
        or v.count("/") > 1
        or bool(_FILE_SUFFIX.search(v))
    )


def hub_id(value: str, *, bare_ok: bool = False, any_bare: bool = False) -> str | None:
    """``value`` as a Hub model id (``org/name``; a bare ``name`` only when ``bare_ok``), or None.

    Bare names are legacy canonical repos (``gpt2``, ``bert-base-uncased``): accepted only where the
    calling API is known to resolve them on the Hub, since a bare word in a config is usually not a repo,
    and only from the legacy families unless ``any_bare`` (canonical datasets: ``squad``, ``imdb``).
    """
    v = value.strip()
    url = hub_url_repo(v)
    if url is not None:
        return url[0] if url[2] == "model" else None
    if not v or _PLACEHOLDER.search(v) or looks_local(v) or "://" in v or ":" in v or "@" in v:
        return None
    if "/" not in v and not (bare_ok and (any_bare or LEGACY_ROOT.match(v))):
        return None
    if repo_id_problem(v) is not None:
        return None
    # A word with no letters ("1", "2024") or a flag-like word is never a repo.
    if not re.search(r"[A-Za-z]", v) or v.startswith("-"):
        return None
    return v


def split_revision(value: str) -> tuple[str, str | None]:
    """``org/name@rev`` as written in some configs and CLIs: (id, rev)."""
    if "@" in value and "://" not in value:
        head, rev = value.rsplit("@", 1)
        if rev and "/" in head:
            return head, rev
    return value, None
