"""Discovery output: the versioned JSON document, an aligned table, and a ``models.txt`` manifest."""

from __future__ import annotations

import json
from typing import Any

from licscan.discover.model import Discovery, Location
from licscan.text import clip

SCHEMA_VERSION = 1


def location_json(location: Location) -> dict[str, Any]:
    return {"path": location.path, "line": location.line, "how": location.how}


def apis_json(discovery: Discovery) -> list[dict[str, Any]]:
    return [
        {"provider": a.provider, "model": a.model, "serving": a.serving,
         "locations": [location_json(loc) for loc in a.locations]}
        for a in discovery.apis
    ]


def to_json(discovery: Discovery, version: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "licscan", "version": version},
        "root": discovery.root,
        "models": [
            {"repo_id": m.repo_id, "revision": m.revision, "locations": [location_json(loc) for loc in m.locations]}
            for m in discovery.models
        ],
        "apis": apis_json(discovery),
        "datasets": [
            {"repo_id": d.repo_id, "revision": d.revision, "locations": [location_json(loc) for loc in d.locations]}
            for d in discovery.datasets
        ],
        "unresolved": [{"path": u.path, "line": u.line, "reason": u.reason} for u in discovery.unresolved],
        "warnings": list(discovery.warnings),
    }


def render_json(discovery: Discovery, version: str) -> str:
    return json.dumps(to_json(discovery, version), indent=2, ensure_ascii=False) + "\n"


def _where(locations: tuple[Location, ...], limit: int = 3) -> str:
    shown = ", ".join(f"{loc.path}:{loc.line}" for loc in locations[:limit])
    more = len(locations) - limit
    return f"{shown} (+{more} more)" if more > 0 else shown


def render_manifest(discovery: Discovery) -> str:
    """A models.txt of the discovered models: pins kept, a ``# path:line`` comment on each."""
    lines = [f"# Discovered by `licscan discover {discovery.root}`: review, then keep what the project ships."]
    for model in discovery.models:
        ref = f"{model.repo_id}@{model.revision}" if model.revision else model.repo_id
        # '#' cannot occur in a repo id or revision, so the comment never eats the entry; newlines are clipped.
        lines.append(f"{ref}  # {clip(_where(model.locations), 300)}")
    return "\n".join(lines) + "\n"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return out


def render_table(discovery: Discovery) -> str:
    out: list[str] = []
    if discovery.models:
        rows = [[clip(m.repo_id + (f"@{m.revision}" if m.revision else ""), 120), _where(m.locations)]
                for m in discovery.models]
        out += [*_table(["MODEL", "WHERE"], rows), ""]
    if discovery.apis:
        rows = [[a.provider, clip(a.model or "-", 80), a.serving, _where(a.locations)] for a in discovery.apis]
        out += [*_table(["PROVIDER", "MODEL", "SERVING", "WHERE"], rows), ""]
    if discovery.datasets:
        rows = [[clip(d.repo_id + (f"@{d.revision}" if d.revision else ""), 120), _where(d.locations)]
                for d in discovery.datasets]
        out += [*_table(["DATASET", "WHERE"], rows), ""]
    if discovery.unresolved:
        rows = [[f"{u.path}:{u.line}", clip(u.reason, 160)] for u in discovery.unresolved]
        out += [*_table(["UNRESOLVED", "REASON"], rows), ""]
    out.append(
        f"{len(discovery.models)} models, {len(discovery.apis)} hosted APIs, {len(discovery.datasets)} datasets, "
        f"{len(discovery.unresolved)} unresolved, in {discovery.files} files read"
    )
    return "\n".join(out) + "\n"
