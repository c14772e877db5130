#!/usr/bin/env python3
"""Regenerate ``license_db/fingerprints/*.fp`` from reference licence texts.

Data-driven: every licence of ``license_db/`` (but the family ids) gets a
fingerprint when a reference text for it can be found, in this order:

1. ``../shared/data/license-texts/`` through the ``SOURCES`` table below
   (texts from the licences' publishers, several wordings of one licence);
2. every ``--texts`` location (a ScanCode wheel, ScanCode's
   ``licensedcode/data/licenses`` folder, or a folder of ``<SPDX-ID>.txt``):
   the ScanCode key of ``spdx_id: LicenseRef-scancode-<key>``, else the text
   whose SPDX id is the licence's ``spdx_id``, else ``SCANCODE_KEYS`` below.

Texts are never copied into the project: a fingerprint keeps only CRC-32
hashes of the normalised text's 6-word shingles (``license_db/fingerprints/README.md``).
A fingerprint whose reference is not available in this run is kept as it is
(and not checked), so the script can run with or without ScanCode's texts.

    pip download scancode-toolkit==32.5.0 --no-deps -d /tmp/sc
    python scripts/build_fingerprints.py --texts /tmp/sc/scancode_toolkit-32.5.0-cp311-none-any.whl
    python scripts/build_fingerprints.py --check [--texts ...]   # exit 1 if any checkable one is stale
    python scripts/build_fingerprints.py --phrases [--texts ...] # audit license_db phrases against the texts
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))

from reference_texts import CATEGORY_RANK, Reference, entry_for, read_references  # noqa: E402

from licscan.detect.engine import MIN_SHINGLES, holds_passage  # noqa: E402
from licscan.detect.fingerprint import OWNERS_FILE, Fingerprints, Variant, decode, encode, encode_owners, shingles  # noqa: E402
from licscan.detect.normalize import phrase_key, tokens  # noqa: E402
from licscan.detect.relatives import RELATIVES_FILE, Relative, Relatives, encode_relatives  # noqa: E402
from licscan.licensedb import LicenseDB, load_database  # noqa: E402

TEXTS = ROOT.parent / "shared" / "data" / "license-texts"
OUT = ROOT / "license_db" / "fingerprints"


@dataclass(frozen=True)
class Source:
    license_id: str
    variant: str | None = None  # file stem when one licence has several wordings
    kind: str = "license"
    stop_at: str | None = None  # regex: the text ends where it matches (an appended policy)


# Database licences whose ScanCode key neither their spdx_id nor its SPDX id gives.
SCANCODE_KEYS = {
    "odbl": "odbl-1.0",  # the Hub id names ODbL 1.0, the only version
    "odc-by": "odc-by-1.0",
}

# Reference files deliberately not fingerprinted, and why.
NOT_FINGERPRINTED = {
    "apple-ml-ferret-2023.txt": "no database entry (its wording is the Apple Sample Code License's)",
    "openai-tou-20230314.txt": "a service's terms of use, not a model licence",
    "flux-1-schnell-apache-2.0.txt": "Apache-2.0 reformatted by BFL; the tests read it as apache-2.0",
}

# Reference file -> licence.
SOURCES: dict[str, Source] = {
    "agpl-3.0.txt": Source("agpl-3.0"),
    "apache-2.0.txt": Source("apache-2.0"),
    "apple-amlr.txt": Source("apple-amlr"),
    "bigcode-openrail-m.txt": Source("bigcode-openrail-m"),
    "bigscience-bloom-rail-1.0.txt": Source("bigscience-bloom-rail-1.0"),
    "bigscience-openrail-m.txt": Source("bigscience-openrail-m"),
    "bsd-2-clause.txt": Source("bsd-2-clause"),
    "bsd-3-clause.txt": Source("bsd-3-clause"),
    "cc-by-4.0.txt": Source("cc-by-4.0"),
    "cc-by-nc-4.0.txt": Source("cc-by-nc-4.0"),
    "cc-by-nc-nd-4.0.txt": Source("cc-by-nc-nd-4.0"),
    "cc-by-nc-sa-4.0.txt": Source("cc-by-nc-sa-4.0"),
    "cc-by-sa-4.0.txt": Source("cc-by-sa-4.0"),
    "cc0-1.0.txt": Source("cc0-1.0"),
    "creativeml-openrail-m.txt": Source("creativeml-openrail-m"),
    "deepfloyd-if-license.txt": Source("deepfloyd-if-license"),
    "deepseek.txt": Source("deepseek"),
    "fair-noncommercial-research-license.txt": Source("fair-noncommercial-research-license"),
    "falcon-180b-tii-license-1.0.txt": Source("falcon-180b-tii-license-1.0"),
    "flux-1-dev-non-commercial-license.txt": Source("flux-1-dev-non-commercial-license"),
    "gemma.txt": Source("gemma"),
    "gpl-2.0.txt": Source("gpl-2.0"),
    "gpl-3.0.txt": Source("gpl-3.0"),
    "lgpl-2.1.txt": Source("lgpl-2.1"),
    "lgpl-3.0.txt": Source("lgpl-3.0"),
    "llama-1-license.txt": Source("llama1"),
    "llama2.txt": Source("llama2"),
    # Meta's llama3 LICENSE file carries its acceptable-use policy after the
    # agreement; the policy has its own fingerprint (below), so the licence
    # fingerprint stops where the policy starts and a bare agreement is "full".
    "llama3.txt": Source("llama3", stop_at=r"(?m)^\s*Meta Llama 3 Acceptable Use Policy\s*$"),
    "llama3.1.txt": Source("llama3.1"),
    "llama3.2.txt": Source("llama3.2"),
    "llama3.3.txt": Source("llama3.3"),
    "llama4.txt": Source("llama4"),
    # Acceptable-use policies are incorporated by reference, not licences:
    # detection reports them as a document, never as the licence.
    "llama2-acceptable-use-policy.md": Source("llama2", "llama2-acceptable-use-policy", "policy"),
    "llama3-acceptable-use-policy.md": Source("llama3", "llama3-acceptable-use-policy", "policy"),
    "llama3.1-acceptable-use-policy.md": Source("llama3.1", "llama3.1-acceptable-use-policy", "policy"),
    "llama3.2-acceptable-use-policy.md": Source("llama3.2", "llama3.2-acceptable-use-policy", "policy"),
    "llama3.3-acceptable-use-policy.md": Source("llama3.3", "llama3.3-acceptable-use-policy", "policy"),
    "llama4-acceptable-use-policy.md": Source("llama4", "llama4-acceptable-use-policy", "policy"),
    "mit.txt": Source("mit"),
    "mpl-2.0.txt": Source("mpl-2.0"),
    "nvidia-open-model-license.txt": Source("nvidia-open-model-license"),
    "openmdw-1.0.txt": Source("openmdw-1.0"),
    "openmdw-1.1.txt": Source("openmdw-1.1"),
    # Two dated wordings of CreativeML Open RAIL++-M share the Hub id openrail++.
    "openrail++.txt": Source("openrail++"),
    "openrail++-sd2.txt": Source("openrail++", "openrail++--sd2"),
    "sdxl-0.9-research.txt": Source("sdxl-0.9-research"),
    "stabilityai-community-license.txt": Source("stabilityai-community"),
    # One database entry covers Stability's three 2023-24 non-commercial licences.
    "stabilityai-nc-research-community.txt": Source("stabilityai-nc-community"),
    "stabilityai-nc-community-sv3d.txt": Source("stabilityai-nc-community", "stabilityai-nc-community--sv3d"),
    "stabilityai-svd-nc-community.txt": Source("stabilityai-nc-community", "stabilityai-nc-community--svd"),
    "tongyi-qianwen.txt": Source("tongyi-qianwen"),
    "tongyi-qianwen-research.txt": Source("tongyi-qianwen-research"),
    "unlicense.txt": Source("unlicense"),
    "yi-license-legacy.txt": Source("yi-license"),
}


def canonical_text(file: Path, source: Source) -> str:
    text = file.read_text(encoding="utf-8")
    if source.stop_at:
        found = re.search(source.stop_at, text)
        if found is None:
            raise SystemExit(f"{file.name}: stop_at {source.stop_at!r} not found")
        text = text[: found.start()]
    return text


@dataclass(frozen=True)
class Text:
    """One reference text chosen for one fingerprint."""

    name: str  # fingerprint file stem
    license_id: str
    kind: str
    where: str  # provenance, written into the .fp header
    text: str


def shared_texts(texts: Path, known_ids: set[str]) -> tuple[list[Text], list[str]]:
    """The texts of ``../shared/data/license-texts`` that ``SOURCES`` maps, plus warnings."""
    found: list[Text] = []
    warnings: list[str] = []
    if not texts.is_dir():
        return found, warnings
    commits = _commits(texts)
    for file in sorted(texts.iterdir()):
        if file.name == "SOURCES.tsv" or not file.is_file():
            continue
        source = SOURCES.get(file.name)
        if source is None:
            if file.name not in NOT_FINGERPRINTED:
                warnings.append(f"{file.name}: not mapped to a licence in SOURCES, skipped")
            continue
        if source.license_id not in known_ids:
            warnings.append(f"{file.name}: licence {source.license_id!r} is not in license_db/, skipped")
            continue
        where = f"{file.name} ({commits[file.name]})" if file.name in commits else file.name
        name = source.variant or source.license_id
        found.append(Text(name, source.license_id, source.kind, where, canonical_text(file, source)))
    return found, warnings


def reference_for(
    lic_id: str, spdx_id: str | None, refs: dict[str, Reference], by_spdx: dict[str, Reference]
) -> Reference | None:
    """A licence's reference text among ``--texts``: its ScanCode key, else its SPDX id."""
    if lic_id in SCANCODE_KEYS:
        return refs.get(SCANCODE_KEYS[lic_id])
    if not spdx_id:
        return None
    if spdx_id.startswith("LicenseRef-scancode-"):
        return refs.get(spdx_id.removeprefix("LicenseRef-scancode-"))
    return by_spdx.get(spdx_id.lower())


def collect(db: LicenseDB, shared: Path, references: list[Reference]) -> tuple[list[Text], list[str]]:
    """One text per fingerprint for every database licence a reference text is found for."""
    known = {lic.id for lic in db.licenses}
    texts, warnings = shared_texts(shared, known)
    covered = {t.license_id for t in texts if t.kind == "license"}
    refs: dict[str, Reference] = {}
    by_spdx: dict[str, Reference] = {}
    for ref in references:
        refs.setdefault(ref.key, ref)
        by_spdx.setdefault(ref.key.lower(), ref)  # <SPDX-ID>.txt files are keyed by their id
        for spdx in ref.spdx_ids:
            by_spdx.setdefault(spdx.lower(), ref)
    if not refs:
        return texts, warnings
    for lic in db.licenses:
        if lic.family or lic.id in ("other", "unknown"):
            continue
        ref = reference_for(lic.id, lic.spdx_id, refs, by_spdx)
        if ref is None:
            continue
        if lic.id not in covered:
            texts.append(Text(lic.id, lic.id, "license", ref.where, ref.text))
            continue
        # The licence has a text from its publisher already; ScanCode's may be
        # another dated wording of it (FLUX.1 [dev] v1.0, NVIDIA's April 2025
        # licence), kept as a variant, or another document under the key.
        own = [set(shingles(tokens(t.text))) for t in texts if t.license_id == lic.id and t.kind == "license"]
        theirs = set(shingles(tokens(ref.text)))
        shared = max(len(theirs & o) / max(1, len(theirs)) for o in own)
        if shared < SAME_DOCUMENT:
            warnings.append(
                f"{ref.key}: ScanCode's text shares {shared:.0%} with {lic.id}'s: another document, skipped"
            )
        elif shared < SAME_WORDING:
            texts.append(Text(f"{lic.id}--scancode", lic.id, "license", ref.where, ref.text))
    return texts, warnings


SAME_DOCUMENT = 0.5  # below: ScanCode's key holds another text (its llama-4 key is the acceptable-use policy)
SAME_WORDING = 0.97  # above: the same wording, nothing to add


# A stricter text sharing fewer shingles with a permissive one than the shortest excerpt
# (``MIN_SHINGLES``) needs another text to hold (``holds_passage``) cannot make one ambiguous.
MIN_SHARED = math.ceil(holds_passage(MIN_SHINGLES))


def relatives(db: LicenseDB, references: list[Reference], variants: list[Variant]) -> Relatives:
    """Texts no database entry covers, more restrictive (by their ScanCode category) than
    a fingerprinted licence whose wording they hold: each with only the shingles shared."""
    entries = entry_for(references, db)
    ranked = []
    for variant in variants:
        lic = db.get(variant.license_id)
        if variant.kind == "license" and lic is not None and lic.license_class.rank >= 0:
            ranked.append((variant, lic.license_class.rank))
    found: list[tuple[Relative, set[int]]] = []
    for ref in references:
        rank = CATEGORY_RANK.get(ref.category)
        if entries[ref.key] is not None or not rank:
            continue
        present = set(shingles(tokens(ref.text)))
        keep: set[int] = set()
        for variant, lic_rank in ranked:
            if lic_rank < rank and len(shared := present & variant.hashes) >= MIN_SHARED:
                keep |= shared
        if keep:
            name = ref.spdx_ids[0] if ref.spdx_ids else f"LicenseRef-scancode-{ref.key}"
            found.append((Relative(name, rank, ref.category, ref.where), keep))
    return Relatives.build(found)


def build(texts: list[Text]) -> dict[str, str]:
    """``{file name: .fp text}``."""
    outputs: dict[str, str] = {}
    for item in texts:
        variant = Variant.from_words(item.name, item.license_id, item.kind, item.where, tokens(item.text))
        outputs[f"{item.name}.fp"] = encode(variant)
    return outputs


def _commits(texts: Path) -> dict[str, str]:
    """``file -> repo path@commit`` from SOURCES.tsv, for provenance in each .fp header."""
    table = texts / "SOURCES.tsv"
    result: dict[str, str] = {}
    if not table.is_file():
        return result
    for line in table.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 4:
            result[cols[0]] = f"{cols[1]} {cols[2]} @ {cols[3][:12]}"
    return result


def audit_phrases(db: LicenseDB, texts: list[Text]) -> list[str]:
    """Phrases absent from their own licence's text, or present in another licence's text."""
    words: dict[str, list[tuple[str, bytes]]] = {}
    for item in texts:
        if item.kind == "license":
            joined = b" " + b" ".join(tokens(item.text)) + b" "
            words.setdefault(item.license_id, []).append((item.name, joined))
    problems = []
    for lic in db.licenses:
        for phrase in lic.phrases:
            key = b" " + phrase_key(phrase) + b" "
            own = words.get(lic.id)
            if own and not any(key in text for _, text in own):
                problems.append(f"{lic.id}: phrase {phrase!r} is not in {', '.join(n for n, _ in own)}")
            others = sorted({n for other, texts_ in words.items() if other != lic.id for n, t in texts_ if key in t})
            if others:
                problems.append(f"{lic.id}: phrase {phrase!r} also occurs in {', '.join(others)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=TEXTS, help="texts mapped by SOURCES (default: %(default)s)")
    parser.add_argument(
        "--texts",
        type=Path,
        action="append",
        default=[],
        help="more reference texts: a ScanCode wheel or licences folder, or a folder of <SPDX-ID>.txt (repeatable)",
    )
    parser.add_argument("--check", action="store_true", help="only report whether the .fp files are up to date")
    parser.add_argument("--phrases", action="store_true", help="audit license_db phrases against the texts")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.texts if not p.exists()]
    if missing or not (args.shared.is_dir() or args.texts):
        where = ", ".join(missing) or str(args.shared)
        print(f"{where} not found: reference licence texts are needed to build fingerprints")
        return 2
    db = load_database()
    references = [ref for location in args.texts for ref in read_references(location) if ref.usable]
    texts, warnings = collect(db, args.shared, references)
    if args.phrases:
        problems = audit_phrases(db, texts)
        print("\n".join(problems) or "no phrase problems")
        return 1 if problems else 0
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    outputs = build(texts)
    existing = {p.name: p.read_text(encoding="ascii") for p in OUT.glob("*.fp")} if OUT.is_dir() else {}
    known = {lic.id for lic in db.licenses}
    # A fingerprint whose reference is not available now is kept (and not
    # checked); only one whose licence left the database is removed.
    orphans = sorted(n for n, text in existing.items() if n not in outputs and decode(text, n).license_id not in known)
    unchecked = sorted(set(existing) - set(outputs) - set(orphans))
    final = {**{n: existing[n] for n in unchecked}, **outputs}
    variants = [decode(text, n.removesuffix(".fp")) for n, text in final.items()]
    owners = encode_owners(Fingerprints.build(variants))
    index = OUT / OWNERS_FILE
    # Stricter relatives come from ScanCode's categories: rebuilt only when its texts are given.
    related = encode_relatives(relatives(db, references, variants)) if references else None
    table = OUT / RELATIVES_FILE
    if args.check:
        stale = sorted({n for n in outputs if existing.get(n) != outputs[n]} | set(orphans))
        if not index.is_file() or index.read_bytes() != owners:
            stale.append(OWNERS_FILE)
        if related is not None and (not table.is_file() or table.read_bytes() != related):
            stale.append(RELATIVES_FILE)
        note = f" ({len(unchecked)} not checked: their reference texts are not available here)" if unchecked else ""
        print(("stale: " + ", ".join(stale) if stale else "fingerprints are up to date") + note)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in orphans:
        (OUT / name).unlink()
    for name, text in outputs.items():
        if existing.get(name) != text:
            (OUT / name).write_text(text, encoding="ascii")
    if not index.is_file() or index.read_bytes() != owners:
        index.write_bytes(owners)
    if related is not None and (not table.is_file() or table.read_bytes() != related):
        table.write_bytes(related)
    size = sum((OUT / n).stat().st_size for n in (*outputs, *unchecked))
    print(
        f"{len(outputs)} fingerprints written, {len(unchecked)} kept (reference absent), "
        f"{len(orphans)} removed; {size / 1024:.0f} KiB in {OUT.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
