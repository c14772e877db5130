#!/usr/bin/env python3
"""Regenerate ``license_db/fingerprints/*.fp`` from the reference licence texts.

The texts live beside the project in ``../shared/data/license-texts/`` and are
never copied into it: a fingerprint keeps only CRC-32 hashes of the
normalised text's 6-word shingles (see ``license_db/fingerprints/README.md``).

    python scripts/build_fingerprints.py            # rewrite the .fp files
    python scripts/build_fingerprints.py --check    # exit 1 if they are stale
    python scripts/build_fingerprints.py --phrases  # audit license_db phrases against the texts
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from licscan.detect.fingerprint import Variant, encode  # noqa: E402
from licscan.detect.normalize import phrase_key, tokens  # noqa: E402
from licscan.licensedb import load_database  # noqa: E402

TEXTS = ROOT.parent / "shared" / "data" / "license-texts"
OUT = ROOT / "license_db" / "fingerprints"


@dataclass(frozen=True)
class Source:
    license_id: str
    variant: str | None = None  # file stem when one licence has several wordings
    kind: str = "license"
    stop_at: str | None = None  # regex: the text ends where it matches (an appended policy)


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


def build(texts: Path, known_ids: set[str]) -> tuple[dict[str, str], list[str]]:
    """``{file name: .fp text}`` plus warnings (unmapped files, ids missing from the database)."""
    outputs: dict[str, str] = {}
    warnings: list[str] = []
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
        name = source.variant or source.license_id
        where = f"{file.name} ({commits[file.name]})" if file.name in commits else file.name
        words = tokens(canonical_text(file, source))
        variant = Variant.from_words(name, source.license_id, source.kind, where, words)
        outputs[f"{name}.fp"] = encode(variant)
    return outputs, warnings


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


def audit_phrases(texts: Path) -> list[str]:
    """Phrases absent from their own licence's text, or present in another licence's text."""
    db = load_database()
    words: dict[str, list[tuple[str, bytes]]] = {}
    for file in sorted(texts.iterdir()):
        source = SOURCES.get(file.name)
        if source is not None and source.kind == "license" and db.get(source.license_id):
            text = b" " + b" ".join(tokens(canonical_text(file, source))) + b" "
            words.setdefault(source.license_id, []).append((file.name, text))
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
    parser.add_argument("--texts", type=Path, default=TEXTS, help="reference licence texts (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only report whether the .fp files are up to date")
    parser.add_argument("--phrases", action="store_true", help="audit license_db phrases against the texts")
    args = parser.parse_args(argv)
    if not args.texts.is_dir():
        print(f"{args.texts} not found: the reference licence texts are needed to build fingerprints")
        return 2
    if args.phrases:
        problems = audit_phrases(args.texts)
        print("\n".join(problems) or "no phrase problems")
        return 1 if problems else 0
    known = {lic.id for lic in load_database().licenses}
    outputs, warnings = build(args.texts, known)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    existing = {p.name: p.read_text(encoding="ascii") for p in OUT.glob("*.fp")} if OUT.is_dir() else {}
    if args.check:
        stale = sorted(set(existing) ^ set(outputs) | {n for n in outputs if existing.get(n) != outputs[n]})
        print("stale: " + ", ".join(stale) if stale else "fingerprints are up to date")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in set(existing) - set(outputs):
        (OUT / name).unlink()
    for name, text in outputs.items():
        if existing.get(name) != text:
            (OUT / name).write_text(text, encoding="ascii")
    size = sum(len(t) for t in outputs.values())
    print(f"{len(outputs)} fingerprints, {size / 1024:.0f} KiB in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
