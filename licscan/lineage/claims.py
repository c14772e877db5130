"""Where a model's base models come from: every kind of evidence a repo gives, cheapest first.

1. the card's ``base_model`` (a string, a list, Hub URLs): declared, confidence 1.0;
2. the Hub's computed ``base_model:<relation>:<id>`` tags (free: they come with model info);
3. ``adapter_config.json`` (``base_model_name_or_path``) and ``mergekit_config.yml`` when the repo lists
   them and declares no base (one file read each);
4. the card's prose and mergekit YAML blocks (the README, read for models that declare a permissive
   licence or none, and no base), and misspelled ``base_model`` keys of its front matter;
5. ``config.json`` ``_name_or_path`` when it is a Hub id (read only when nothing above named a base);
6. the repo's name, when it contains the full name of a known upstream model (lowest confidence).

Each source is consulted only when the ones before it named nothing, and every claim carries its source,
a confidence and the quoted evidence. ``plan`` says, for a record and the files read so far, either the
final claims or the files to read next, so the scan can fetch exactly what is needed, as soon as it is.
Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from licscan.lineage.prose import MODEL_NAME, mergekit_models, prose_bases
from licscan.manifest.refs import repo_id_problem, split_reference
from licscan.text import clip
from licscan.types import LicenseClass, ModelRecord
from licscan.yamlsafe import safe_load

MAX_BASES_PER_MODEL = 32  # real merges name a handful; a card naming thousands is hostile
RELATIONS = ("adapter", "merge", "quantized", "finetune")
README = "README.md"
ADAPTER_CONFIG = "adapter_config.json"
MERGEKIT_CONFIGS = ("mergekit_config.yml", "mergekit_config.yaml")
CONFIG = "config.json"
MAX_CONFIG_BYTES = 1024 * 1024
# Classes whose models are checked for a base they do not declare: a restricted or non-commercial
# declaration already binds, and a permissive (or missing) one is what an undeclared base would overturn.
INFER_FOR = frozenset({LicenseClass.PERMISSIVE, LicenseClass.COPYLEFT, LicenseClass.UNKNOWN})

# Phrasings that name a model in passing as often as a base ("quantizations of <name>").
WEAK_PHRASINGS = frozenset({"adapter-for", "quantization-of", "based-on"})

# Confidence of each source, highest first.
CONFIDENCE = {
    "card:base_model": 1.0,
    "hub:tags": 0.95,
    ADAPTER_CONFIG: 0.9,
    "mergekit_config.yml": 0.9,
    "card:yaml-block": 0.9,
    "card:front-matter-typo": 0.7,
    "local-path": 0.6,
    CONFIG: 0.5,
    "repo-name": 0.3,
}


@dataclass(frozen=True)
class BaseClaim:
    """One base model named by some evidence.

    ``repo_id`` is None when a base is named but is not a Hub repo id (a local path, a name no known
    upstream has): the lineage is then unresolved, and the model's class fails closed.
    """

    value: str  # as written
    repo_id: str | None
    source: str  # see CONFIDENCE, plus "card:prose"
    confidence: float
    detail: str  # the quoted evidence a reviewer can check
    relation: str | None = None
    license_hint: str | None = None  # a repo-name match: the upstream table's licence id

    @property
    def inferred(self) -> bool:
        """Not declared in ``base_model``: the finding ``lineage-inferred`` says where it came from."""
        return self.source != "card:base_model"


class UpstreamLike(Protocol):
    """The known-upstream table (``licscan.upstream.UpstreamTable``)."""

    def match(self, repo_id: str) -> Any: ...


@dataclass(frozen=True)
class Plan:
    claims: tuple[BaseClaim, ...]
    files: tuple[str, ...]  # files still to read before the claims are final
    problems: tuple[str, ...] = ()  # base_model entries that are not repo ids, and the like


def declared_relation(card: Mapping[str, Any]) -> str | None:
    value = card.get("base_model_relation")
    return value if isinstance(value, str) and value in RELATIONS else None


def card_claims(card: Mapping[str, Any]) -> tuple[list[BaseClaim], list[str]]:
    """Bases the card's ``base_model`` names, and problems (entries that name no repo)."""
    raw = card.get("base_model")
    if raw is None or raw == "" or raw == []:
        return [], []
    items = raw if isinstance(raw, list) else [raw]
    claims: list[BaseClaim] = []
    problems: list[str] = []
    relation = declared_relation(card)
    for item in items[: MAX_BASES_PER_MODEL * 4]:
        if not isinstance(item, str) or not item.strip():
            problems.append(f"base_model entry is not a repo id: {clip(item, 80)}")
            continue
        repo_id, _, problem = split_reference(item.strip())
        if problem:
            cached = repo_from_local_path(item)
            if cached is not None:
                detail = f"base_model is a local path whose cache layout names {cached}: {clip(item, 120)}"
                claims.append(BaseClaim(item.strip(), cached, "local-path", CONFIDENCE["local-path"], detail, relation))
            else:
                problems.append(f"base_model {clip(item, 80)}: {problem}")
            continue
        claims.append(
            BaseClaim(item.strip(), repo_id, "card:base_model", 1.0, f"base_model: {clip(item, 120)}", relation)
        )
    return _unique(claims), problems


def tag_claims(tags: tuple[str, ...], repo_id: str) -> list[BaseClaim]:
    """The Hub's ``base_model:<id>`` and ``base_model:<relation>:<id>`` tags."""
    claims: list[BaseClaim] = []
    for tag in tags[:2000]:
        if not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:") :]
        relation = None
        head, _, tail = rest.partition(":")
        if tail and head in RELATIONS:
            relation, rest = head, tail
        base, _, problem = split_reference(rest)
        if problem or base.lower() == repo_id.lower():
            continue
        claims.append(BaseClaim(base, base, "hub:tags", CONFIDENCE["hub:tags"], f"Hub tag {clip(tag, 120)}", relation))
    # The relation-qualified tag and the plain one name the same base: keep the one that says more.
    claims.sort(key=lambda c: c.relation is None)
    return _unique(claims)


def plan(
    record: ModelRecord,
    declared_class: LicenseClass,
    upstreams: UpstreamLike | None = None,
    attempted: frozenset[str] = frozenset(),
) -> Plan:
    """The bases of ``record`` from the evidence read so far, or the files to read next.

    ``attempted``: files already asked for (read or not), so a file that could not be read is never
    asked for again and the plan moves on to the next source.
    """
    card = record.card_data if isinstance(record.card_data, Mapping) else {}
    claims, problems = card_claims(card)
    if len(claims) > MAX_BASES_PER_MODEL:
        problems.append(f"the card names {len(claims)} base models; only the first {MAX_BASES_PER_MODEL} are followed")
    if claims or problems:
        return Plan(tuple(claims[:MAX_BASES_PER_MODEL]), (), tuple(problems))
    tagged = tag_claims(record.tags, record.repo_id)
    if tagged:
        return Plan(tuple(tagged[:MAX_BASES_PER_MODEL]), ())
    if declared_class not in INFER_FOR or _is_known_upstream(record.repo_id, upstreams):
        return Plan((), ())
    listed = set(record.siblings)
    relation = declared_relation(card)
    first = [f for f in (ADAPTER_CONFIG, *MERGEKIT_CONFIGS, README) if f in listed and f not in attempted]
    if first:
        return Plan((), tuple(first))
    found = _file_claims(record, relation) + readme_claims(record, upstreams, relation)
    if found:
        return Plan(tuple(_unique(found)[:MAX_BASES_PER_MODEL]), ())
    if CONFIG in listed and CONFIG not in attempted:
        return Plan((), (CONFIG,))
    found = _config_claims(record, relation)
    if found:
        return Plan(tuple(found), ())
    return Plan(tuple(name_claims(record.repo_id, upstreams)), ())


def searches_lineage(record: ModelRecord, declared_class: LicenseClass, upstreams: UpstreamLike | None) -> bool:
    """Whether the record's files are read for a base it does not declare (a permissive or missing
    licence, no base in the card or the Hub's tags, not a known upstream itself)."""
    card = record.card_data if isinstance(record.card_data, Mapping) else {}
    if card_claims(card) != ([], []) or tag_claims(record.tags, record.repo_id):
        return False
    return declared_class in INFER_FOR and not _is_known_upstream(record.repo_id, upstreams)


def files_for_lineage(record: ModelRecord, declared_class: LicenseClass, upstreams: UpstreamLike | None) -> set[str]:
    """Every file ``plan`` could ask for (a snapshot keeps them, so lineage works offline too)."""
    if not searches_lineage(record, declared_class, upstreams):
        return set()
    return {f for f in (ADAPTER_CONFIG, *MERGEKIT_CONFIGS, README, CONFIG) if f in record.siblings}


def _file_claims(record: ModelRecord, relation: str | None) -> list[BaseClaim]:
    claims: list[BaseClaim] = []
    adapter = _json(record.files.get(ADAPTER_CONFIG))
    if isinstance(adapter, dict):
        value = adapter.get("base_model_name_or_path")
        if isinstance(value, str) and value.strip():
            claims.append(
                _named(
                    value,
                    ADAPTER_CONFIG,
                    f"adapter_config.json base_model_name_or_path: {clip(value, 120)}",
                    relation or "adapter",
                )
            )
    for name in MERGEKIT_CONFIGS:
        text = record.files.get(name)
        if not text:
            continue
        try:
            data = safe_load(text[:MAX_CONFIG_BYTES])
        except Exception:
            continue
        for value in mergekit_models(data):
            for part in value.split("+"):
                if part.strip():
                    claims.append(_named(part, "mergekit_config.yml", f"{name}: model {clip(value, 120)}", "merge"))
    return claims


def readme_claims(record: ModelRecord, upstreams: UpstreamLike | None, relation: str | None = None) -> list[BaseClaim]:
    """Bases the README names: misspelled ``base_model`` keys, anchored prose, mergekit YAML blocks."""
    text = record.files.get(README)
    if not text:
        return []
    from licscan.detect.card import card_hints  # lazy: the card reader is only needed with a README

    claims: list[BaseClaim] = []
    weak: set[str] = set()  # details of bare-name claims from weak phrasings
    for hint in card_hints(text):
        if hint.key == "base_model":
            detail = f"README line {hint.line}: misspelled key {clip(hint.detail, 30)}: {clip(hint.value, 100)}"
            claims.append(_named(hint.value, "card:front-matter-typo", detail, relation))
    for found in prose_bases(text):
        detail = f"card prose, line {found.line}: '{clip(found.quote, 160)}'"
        if found.repo_id is not None:
            claims.append(
                BaseClaim(
                    found.value,
                    found.repo_id,
                    found.source,
                    found.confidence,
                    detail,
                    "merge" if found.kind == "mergekit" else relation,
                )
            )
            continue
        resolved = repo_from_local_path(found.value) or _by_name(found.value, upstreams)
        if resolved is not None:
            claims.append(
                BaseClaim(
                    found.value,
                    resolved,
                    found.source,
                    found.confidence * 0.9,
                    detail + f"; {found.value} is the upstream {resolved}",
                    relation,
                )
            )
        elif found.kind not in WEAK_PHRASINGS or MODEL_NAME.match(found.value):
            # A base is named but licscan cannot tell which repo it is: unresolved, never dropped.
            claims.append(BaseClaim(found.value, None, found.source, found.confidence, detail, relation))
            if found.kind in WEAK_PHRASINGS:
                weak.add(detail)
    # "Quantizations of Meta-Llama-3.1-8B-Instruct" and "Original model: https://huggingface.co/meta-llama/
    # Llama-3.1-8B-Instruct" name one base: a bare name in a weak phrasing gives way to any claim that
    # names a repo; in an anchored phrasing ("fine-tuned version of", "Original model:") it stays unresolved.
    if any(c.repo_id for c in claims):
        claims = [c for c in claims if c.repo_id is not None or c.detail not in weak]
    return claims


def _config_claims(record: ModelRecord, relation: str | None) -> list[BaseClaim]:
    config = _json(record.files.get(CONFIG))
    value = config.get("_name_or_path") if isinstance(config, dict) else None
    if not isinstance(value, str) or "/" not in value or value.startswith((".", "/", "~")):
        return []  # a local path says only that a base exists somewhere: too weak to act on
    repo_id, revision, problem = split_reference(value.strip())
    if problem or revision is not None or repo_id.lower() == record.repo_id.lower():
        return []
    return [
        BaseClaim(
            value, repo_id, CONFIG, CONFIDENCE[CONFIG], f"config.json _name_or_path: {clip(value, 120)}", relation
        )
    ]


def name_claims(repo_id: str, upstreams: UpstreamLike | None) -> list[BaseClaim]:
    """A known upstream whose full model name is in the repo's name (never a bare family word)."""
    if upstreams is None:
        return []
    found = upstreams.match(repo_id)
    if found is None or str(found.repo_id).lower() == repo_id.lower():
        return []
    detail = (
        f"repo name {repo_id.rsplit('/', 1)[-1]!r} contains the upstream model name {found.name!r} ({found.repo_id})"
    )
    return [BaseClaim(found.name, found.repo_id, "repo-name", CONFIDENCE["repo-name"], detail, None, found.license_id)]


def _named(value: str, source: str, detail: str, relation: str | None) -> BaseClaim:
    """A claim from a field meant to hold a repo id: a local path names its cached repo, if any; anything
    else is an unresolved base."""
    repo_id, revision, problem = split_reference(value.strip())
    local = value.strip().startswith((".", "/", "~")) or "\\" in value
    if not problem and not local and revision is None:
        return BaseClaim(value.strip(), repo_id, source, CONFIDENCE.get(source, 0.8), detail, relation)
    cached = repo_from_local_path(value)
    if cached is not None:
        detail += f" (a local path whose cache layout names {cached})"
        return BaseClaim(value.strip(), cached, source, CONFIDENCE["local-path"], detail, relation)
    return BaseClaim(value.strip(), None, source, CONFIDENCE.get(source, 0.8), detail, relation)


# Where the Hub client and ModelScope cache a repo: the path still names it.
_HF_CACHE = re.compile(r"models--([\w.\-]+?)--([\w.\-]+?)(?:/|$)")
_MODELSCOPE = re.compile(r"modelscope/hub/(?:models/)?([\w.\-]+)/([\w.\-]+)/?$")


def repo_from_local_path(value: Any) -> str | None:
    """The repo a local checkpoint path names by its cache layout (``models--org--name``, ModelScope's
    ``hub/models/org/name``), or None."""
    if not isinstance(value, str):
        return None
    path = value.strip().replace("\\", "/").rstrip("/")
    for pattern in (_HF_CACHE, _MODELSCOPE):
        found = pattern.search(path)
        if found:
            candidate = f"{found.group(1)}/{found.group(2)}"
            if repo_id_problem(candidate) is None:
                return candidate
    return None


def _by_name(name: str, upstreams: UpstreamLike | None) -> str | None:
    """The upstream repo a bare model name (``Llama-2-7b-hf``) is, when the table says exactly that name."""
    if upstreams is None:
        return None
    found = upstreams.match(name)
    if found is None:
        return None
    key = _name_key(name)
    if key in (_name_key(str(found.name)), _name_key(str(found.repo_id).rsplit("/", 1)[-1])):
        return str(found.repo_id)
    return None


def _name_key(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum() or ch == ".")


def _is_known_upstream(repo_id: str, upstreams: UpstreamLike | None) -> bool:
    if upstreams is None:
        return False
    found = upstreams.match(repo_id)
    return found is not None and str(found.repo_id).lower() == repo_id.lower()


def _json(text: str | None) -> Any:
    if not text or len(text) > MAX_CONFIG_BYTES:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _unique(claims: list[BaseClaim]) -> list[BaseClaim]:
    seen: set[str] = set()
    out: list[BaseClaim] = []
    for claim in claims:
        key = (claim.repo_id or claim.value).lower()
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out
