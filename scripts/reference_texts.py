"""Read reference licence texts from where they are installed, never from the project.

Two layouts are understood, each given as a folder (or, for ScanCode, the
wheel file itself, read in place):

* ScanCode's licence data, ``licensedcode/data/licenses/<key>.LICENSE``: YAML
  front matter (``key``, ``category``, ``spdx_license_key``, ...) then the
  text. ScanCode ships both its own texts and the SPDX list's, with keys and
  categories reviewed by its maintainers, so it doubles as a corpus with
  ground truth. Get it with ``pip download scancode-toolkit --no-deps``.
* SPDX ``license-list-data`` style: ``<SPDX-ID>.txt``.

Used by ``scripts/build_fingerprints.py`` and ``benchmarks/bench_detect_corpus.py``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from licscan.licensedb import LicenseDB

# ScanCode's categories on ``LicenseClass.rank``'s scale of restrictiveness
# (0 permissive .. 3 the most restricted); categories not listed rank nowhere.
CATEGORY_RANK = {
    "Permissive": 0,
    "Public Domain": 0,
    "Copyleft": 1,
    "Copyleft Limited": 1,
    "Free Restricted": 2,
    "Proprietary Free": 2,
    "Source-available": 3,
    "Commercial": 3,
}

_FRONT = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.DOTALL)
_WHEEL_DIR = "licensedcode/data/licenses/"


@dataclass(frozen=True)
class Reference:
    key: str  # ScanCode key, or the SPDX id for a plain text file
    text: str
    where: str  # provenance for a fingerprint header
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def spdx_ids(self) -> tuple[str, ...]:
        main = self.meta.get("spdx_license_key")
        others = self.meta.get("other_spdx_license_keys") or []
        return tuple(str(s) for s in [main, *others] if s)

    @property
    def category(self) -> str:
        return str(self.meta.get("category") or "")

    @property
    def usable(self) -> bool:
        """A real licence text: not deprecated, not a placeholder for an unknown or generic licence."""
        flags = ("is_deprecated", "is_unknown", "is_generic")
        return not any(self.meta.get(f) for f in flags) and len(self.text.strip()) >= 50


def spdx_key(spdx: str) -> str:
    """``GPL-2.0-or-later`` -> ``gpl-2.0``: a later-version grant is that version's text."""
    key = spdx.lower()
    for suffix in ("-or-later", "-only", "+"):
        key = key.removesuffix(suffix)
    return key


def entry_for(refs: list[Reference], db: LicenseDB) -> dict[str, str | None]:
    """``ScanCode key -> license_db id`` of the entry covering each text (None: none does).

    The entry whose ``spdx_id`` is the text's SPDX id or ``LicenseRef-scancode-<key>``,
    else the entry that lists the key among its aliases (one entry for two dated issues
    of one licence, such as LTXV's)."""
    by_spdx: dict[str, str] = {}
    for lic in db.licenses:
        if lic.spdx_id and not lic.family:
            by_spdx.setdefault(spdx_key(lic.spdx_id), lic.id)
    by_alias = {a.lower(): lic.id for lic in db.licenses if not lic.family for a in lic.aliases}
    result: dict[str, str | None] = {}
    for ref in refs:
        names = [f"LicenseRef-scancode-{ref.key}", *ref.spdx_ids]
        result[ref.key] = next((by_spdx[spdx_key(n)] for n in names if spdx_key(n) in by_spdx), by_alias.get(ref.key))
    return result


def _parse(key: str, raw: str, where: str) -> Reference:
    found = _FRONT.match(raw)
    if found is None:
        return Reference(key, raw, where)
    try:
        meta = yaml.safe_load(found.group(1)) or {}
    except yaml.YAMLError:
        meta = {}
    return Reference(key, found.group(2), where, meta if isinstance(meta, dict) else {})


def read_references(location: Path) -> Iterator[Reference]:
    """Every text under ``location``: a ScanCode wheel, a folder of ``*.LICENSE`` or of ``*.txt``."""
    if location.is_file() and location.suffix == ".whl":
        version = location.name.split("-")[1] if location.name.count("-") >= 2 else "?"
        with zipfile.ZipFile(location) as wheel:
            for name in sorted(wheel.namelist()):
                if name.startswith(_WHEEL_DIR) and name.endswith(".LICENSE"):
                    key = name[len(_WHEEL_DIR) : -len(".LICENSE")]
                    raw = wheel.read(name).decode("utf-8", "replace")
                    yield _parse(key, raw, f"scancode-toolkit {version} {name}")
        return
    nested = location / "licensedcode" / "data" / "licenses"
    folder = nested if nested.is_dir() else location
    for path in sorted(folder.glob("*.LICENSE")):
        yield _parse(path.stem, path.read_text(encoding="utf-8", errors="replace"), f"scancode {path.name}")
    for path in sorted(folder.glob("*.txt")):
        yield Reference(path.stem, path.read_text(encoding="utf-8", errors="replace"), f"spdx {path.name}")
