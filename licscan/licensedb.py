"""Load and query ``license_db/``: one reviewed YAML file per licence.

The schema is documented in ``license_db/README.md``. Loading validates every
file and reports all problems at once, each with its file name, so a legal
reviewer's typo is caught by the test suite rather than at scan time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from licscan.names import name_key
from licscan.types import OBLIGATION_KINDS, License, LicenseClass, Obligation
from licscan.yamlsafe import safe_load

_REQUIRED = ("id", "name", "class", "spdx_id", "hf_ids", "aliases", "urls", "obligations", "phrases")
_OPTIONAL = ("family", "notes", "see_also")
_OBLIGATION_KEYS = ("kind", "summary", "threshold", "regions", "applies_to", "link")


class DatabaseError(Exception):
    """The licence database is invalid; ``problems`` lists every issue found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid licence database:\n  " + "\n  ".join(problems))
        self.problems = problems


def default_path() -> Path:
    """``license_db/`` inside an installed wheel, else beside the source tree."""
    override = os.environ.get("LICSCAN_LICENSE_DB")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "license_db", here.parent / "license_db"):
        if candidate.is_dir():
            return candidate
    raise DatabaseError([f"license_db/ not found beside {here}"])


@dataclass(frozen=True)
class LicenseDB:
    licenses: tuple[License, ...]
    version: str
    _by_key: Mapping[str, License] = field(default_factory=dict, repr=False)
    _by_id: Mapping[str, License] = field(default_factory=dict, repr=False)

    def get(self, license_id: str) -> License | None:
        """Exact database id (``llama3.1``)."""
        return self._by_id.get(license_id)

    def lookup(self, name: str) -> License | None:
        """Tolerant lookup of an id, Hub id, alias or full name."""
        key = name_key(name)
        return self._by_key.get(key) if key else None

    def by_url(self, url: str) -> License | None:
        wanted = _url_key(url)
        for lic in self.licenses:
            if any(_url_key(u) == wanted for u in lic.urls):
                return lic
        return None

    def __len__(self) -> int:
        return len(self.licenses)


def _url_key(url: str) -> str:
    url = url.strip().lower().split("#", 1)[0].rstrip("/")
    for prefix in ("https://", "http://", "www."):
        if url.startswith(prefix):
            url = url[len(prefix) :]
    return url


def load_database(path: Path | None = None) -> LicenseDB:
    root = path or default_path()
    files = sorted(p for p in root.glob("*.yaml"))
    problems: list[str] = []
    licenses: list[License] = []
    digest = hashlib.sha256()
    for file in files:
        raw = file.read_bytes()
        digest.update(file.name.encode() + b"\0" + raw)
        try:
            data = safe_load(raw)
        except yaml.YAMLError as exc:
            problems.append(f"{file.name}: not valid YAML: {exc}")
            continue
        lic = _parse_license(file.name, data, problems)
        if lic is not None:
            licenses.append(lic)
    if not files:
        problems.append(f"{root}: no *.yaml licence files")
    by_key, by_id = _index(licenses, problems)
    if problems:
        raise DatabaseError(problems)
    version = f"{len(licenses)}-{digest.hexdigest()[:12]}"
    return LicenseDB(tuple(licenses), version, by_key, by_id)


def _index(licenses: Iterable[License], problems: list[str]) -> tuple[dict[str, License], dict[str, License]]:
    by_key: dict[str, License] = {}
    by_id: dict[str, License] = {}
    for lic in licenses:
        if lic.id in by_id:
            problems.append(f"{lic.id}.yaml: duplicate id {lic.id!r}")
        by_id[lic.id] = lic
    # Ids and Hub ids claim their keys first so an alias can never shadow them.
    for lic in licenses:
        for name in (lic.id, *lic.hf_ids):
            _claim(by_key, name, lic, problems)
    for lic in licenses:
        for name in (*lic.aliases, lic.name):
            key = name_key(name)
            owner = by_key.get(key)
            if owner is lic:
                continue
            if owner is not None and name != lic.name:
                problems.append(f"{lic.id}.yaml: alias {name!r} already names {owner.id!r}")
            elif owner is None and key:
                by_key[key] = lic
    return by_key, by_id


def _claim(by_key: dict[str, License], name: str, lic: License, problems: list[str]) -> None:
    key = name_key(name)
    owner = by_key.get(key)
    if owner is not None and owner is not lic:
        problems.append(f"{lic.id}.yaml: {name!r} already names {owner.id!r}")
    by_key[key] = lic


def _parse_license(filename: str, data: Any, problems: list[str]) -> License | None:
    where = filename
    if not isinstance(data, dict):
        problems.append(f"{where}: top level must be a mapping")
        return None
    errors: list[str] = []
    for key in _REQUIRED:
        if key not in data:
            errors.append(f"missing key {key!r}")
    for key in data:
        if key not in _REQUIRED and key not in _OPTIONAL:
            errors.append(f"unknown key {key!r}")
    if errors:
        problems.extend(f"{where}: {e}" for e in errors)
        return None
    lic_id = data["id"]
    if not isinstance(lic_id, str) or filename != f"{lic_id}.yaml":
        problems.append(f"{where}: id {lic_id!r} must be a string equal to the file name")
        return None
    try:
        license_class = LicenseClass(data["class"])
    except ValueError:
        problems.append(f"{where}: class {data['class']!r} is not one of {[c.value for c in LicenseClass]}")
        return None
    for key in ("name",):
        if not isinstance(data[key], str) or not data[key].strip():
            problems.append(f"{where}: {key} must be a non-empty string")
    if data["spdx_id"] is not None and not isinstance(data["spdx_id"], str):
        problems.append(f"{where}: spdx_id must be a string or null")
    lists = {}
    for key in ("hf_ids", "aliases", "urls", "phrases"):
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(f"{where}: {key} must be a list of non-empty strings")
            value = []
        lists[key] = tuple(value)
    obligations = _parse_obligations(where, data["obligations"], problems)
    family = data.get("family", False)
    if not isinstance(family, bool):
        problems.append(f"{where}: family must be true or false")
        family = False
    notes = data.get("notes") or ""
    return License(
        id=lic_id,
        name=str(data["name"]),
        license_class=license_class,
        spdx_id=data["spdx_id"],
        hf_ids=lists["hf_ids"],
        aliases=lists["aliases"],
        urls=lists["urls"],
        obligations=obligations,
        phrases=lists["phrases"],
        family=family,
        notes=str(notes),
    )


def _parse_obligations(where: str, value: Any, problems: list[str]) -> tuple[Obligation, ...]:
    if not isinstance(value, list):
        problems.append(f"{where}: obligations must be a list")
        return ()
    result = []
    for i, item in enumerate(value):
        at = f"{where}: obligations[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{at} must be a mapping")
            continue
        unknown = set(item) - set(_OBLIGATION_KEYS)
        if unknown:
            problems.append(f"{at}: unknown keys {sorted(unknown)}")
        kind = item.get("kind")
        if kind not in OBLIGATION_KINDS:
            problems.append(f"{at}: kind {kind!r} is not one of {sorted(OBLIGATION_KINDS)}")
            continue
        summary = item.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            problems.append(f"{at}: summary must be a non-empty string")
            continue
        threshold = item.get("threshold")
        if threshold is not None and (not isinstance(threshold, int) or isinstance(threshold, bool)):
            problems.append(f"{at}: threshold must be an integer")
            threshold = None
        if kind in ("user-threshold", "revenue-threshold") and threshold is None:
            problems.append(f"{at}: a {kind} needs its threshold")
        regions = item.get("regions") or []
        if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
            problems.append(f"{at}: regions must be a list of region codes")
            regions = []
        if kind == "region-restriction" and not regions:
            problems.append(f"{at}: a region-restriction needs its regions")
        result.append(
            Obligation(
                kind=kind,
                summary=summary.strip(),
                threshold=threshold,
                regions=tuple(regions),
                applies_to=item.get("applies_to"),
                link=item.get("link"),
            )
        )
    return tuple(result)
