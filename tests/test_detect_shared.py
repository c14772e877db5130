"""Text detection over the real licence texts kept beside the project.

Every licence with a reference text in ``../shared/data/license-texts`` must
be detected from that text and from variants generated here: rewrapped,
converted to markdown, wrapped in a header and footer, an excerpt, and a
copy with one sentence changed. The file -> licence mapping comes from the
fingerprint headers, so a text the build script maps is a text tested here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from corpus.transforms import excerpt, markdown, rewrap, wrapped

from licscan.detect import Detection, detect_text, load_fingerprints
from licscan.detect.engine import holds_passage
from licscan.detect.fingerprint import Fingerprints, shingles
from licscan.detect.normalize import tokens
from licscan.licensedb import LicenseDB, load_database

PROJECT = Path(__file__).resolve().parents[1]
TEXTS = PROJECT.parent / "shared" / "data" / "license-texts"
FINGERPRINTS = PROJECT / "license_db" / "fingerprints"

pytestmark = pytest.mark.skipif(
    not TEXTS.is_dir(),
    reason="../shared/data/license-texts not present: real licence texts are reference data beside the project",
)


def _sources() -> dict[str, tuple[str, str, str]]:
    """``file -> (licence id, variant, kind)`` from the fingerprint headers."""
    result = {}
    for variant in load_fingerprints(FINGERPRINTS).variants:
        name = variant.source.split(" ")[0]
        if (TEXTS / name).is_file():  # fingerprints built from ScanCode's texts are tested in test_detect_corpus
            result[name] = (variant.license_id, variant.name, variant.kind)
    return result


SOURCES = _sources() if TEXTS.is_dir() else {}
LICENSES = sorted(f for f, (_, _, kind) in SOURCES.items() if kind == "license")
POLICIES = sorted(f for f, (_, _, kind) in SOURCES.items() if kind == "policy")


@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return load_database()


@pytest.fixture(scope="module")
def fps() -> Fingerprints:
    return load_fingerprints(FINGERPRINTS)


def read(name: str) -> str:
    return (TEXTS / name).read_text(encoding="utf-8")


def licence_part(name: str) -> str:
    """The licence itself: Meta's llama3 LICENSE file also carries the acceptable-use policy."""
    text = read(name)
    return text[: text.index("Meta Llama 3 Acceptable Use Policy")] if name == "llama3.txt" else text


# --- variants ---------------------------------------------------------------

TUESDAYS = "Licensee shall not use the model on Tuesdays."


def _middle_sentence(text: str) -> tuple[int, int]:
    """The sentence nearest the middle (not the first or last)."""
    ends = [m.end() for m in re.finditer(r"[.;:]\s+", text)]
    pairs = [(a, b) for a, b in pairwise(ends) if 20 <= b - a <= 400 and b < len(text) * 0.9]
    return min(pairs, key=lambda p: abs(p[0] - len(text) / 2))


def modified(text: str) -> str:
    """Replace the sentence nearest the middle with one that restricts use."""
    start, end = _middle_sentence(text)
    return text[:start] + TUESDAYS + " " + text[end:]


def misspelt(text: str) -> str:
    """Misspell the longest word of the sentence nearest the middle: a harmless change."""
    start, end = _middle_sentence(text)
    word = max(re.findall(r"[A-Za-z]{6,}", text[start:end]), key=len)
    at = text.index(word, start)
    return text[:at] + word[0] + word[2] + word[1] + word[3:] + "x" + text[at + len(word) :]


def expect(found: Detection, license_id: str, kind: str) -> None:
    assert found.license_id == license_id, (found.license_id, found.candidates)
    assert found.kind == kind, (found.kind, found.modified_passages)


# --- every licence text and its variants --------------------------------------


def test_reference_texts_are_mapped() -> None:
    assert len(LICENSES) >= 40, "the fingerprints should cover the reference licence texts"


@pytest.mark.parametrize("name", LICENSES)
def test_full_text(name: str, db: LicenseDB, fps: Fingerprints) -> None:
    found = detect_text(read(name), db, fingerprints=fps)
    expect(found, SOURCES[name][0], "full")
    assert found.confidence >= 0.95
    assert found.coverage >= 0.99
    assert found.variant == SOURCES[name][1]


@pytest.mark.parametrize("transform", [rewrap, markdown, wrapped], ids=["rewrapped", "markdown", "header-footer"])
@pytest.mark.parametrize("name", LICENSES)
def test_formatting_variants(name: str, transform: object, db: LicenseDB, fps: Fingerprints) -> None:
    assert callable(transform)
    found = detect_text(transform(read(name)), db, fingerprints=fps)
    expect(found, SOURCES[name][0], "full")
    assert found.confidence >= 0.9
    assert found.modified_passages == ()


def _titled(text: str, license_id: str, db: LicenseDB) -> bool:
    """One of the text's first three lines is the licence's name: a title."""
    lines = [line.strip(" #*_=-") for line in text.splitlines() if line.strip(" #*_=-")][:3]
    return any((lic := db.lookup(line)) is not None and lic.id == license_id for line in lines)


def _grants(text: str, license_id: str, db: LicenseDB) -> bool:
    """The text grants under the licence's name ("Licensed under the Apache License, Version 2.0")."""
    lic = db.get(license_id)
    assert lic is not None
    flat = " ".join(text.split()).lower()
    return any(f"licensed under the {name.lower()}" in flat for name in (lic.name, *lic.aliases))


def _stricter(text: str, license_id: str, db: LicenseDB, fps: Fingerprints) -> set[str]:
    """More restrictive licences whose canonical text holds the shingles of ``text`` this licence holds
    (``holds_passage``: 90 % of them, and all but four)."""
    present = set(shingles(tokens(text)))
    own = [v for v in fps.variants if v.license_id == license_id and v.kind == "license"]
    mine = max((present & v.hashes for v in own), key=len)
    rank = db.get(license_id).license_class.rank  # type: ignore[union-attr]
    return {
        v.license_id
        for v in fps.variants
        if v.kind == "license"
        and (lic := db.get(v.license_id)) is not None
        and lic.license_class.rank > rank
        and len(mine & v.hashes) >= holds_passage(len(mine))
    }


def _indistinguishable(text: str, license_id: str, fps: Fingerprints) -> set[str]:
    """Other licences whose canonical text holds every shingle of ``text`` this licence holds."""
    present = set(shingles(tokens(text)))
    own = [v for v in fps.variants if v.license_id == license_id and v.kind == "license"]
    mine = max((present & v.hashes for v in own), key=len)
    return {
        v.license_id for v in fps.variants if v.kind == "license" and v.license_id != license_id and mine <= v.hashes
    }


@pytest.mark.parametrize("where", [0.0, 0.5, 1.0], ids=["head", "middle", "tail"])
@pytest.mark.parametrize("name", LICENSES)
def test_excerpt(name: str, where: float, db: LicenseDB, fps: Fingerprints) -> None:
    text = licence_part(name)
    license_id = SOURCES[name][0]
    full = detect_text(text, db, fingerprints=fps)
    part = excerpt(text, where=where)
    found = detect_text(part, db, fingerprints=fps)
    stricter = _stricter(part, license_id, db, fps)
    if stricter and not _titled(part, license_id, db) and not _grants(part, license_id, db):
        # A stricter licence's text holds the passage too (CC BY 4.0's
        # sections inside CC BY-NC 4.0's, Apache's inside Falcon's): reading
        # it as the permissive licence would be the guess never to make.
        # (Unless a title line names the licence, or the passage grants under its name
        # (Apache's appendix notice): then the text says which it is.)
        assert found.license is None, found
        if found.unknown_reason == "shared":
            assert set(found.shared_with) == stricter
            assert found.candidates[0].id == license_id
        else:  # or it cannot even be told from an equal licence (MIT's grant is X11's too)
            assert found.kind == "none" and license_id in {c.id for c in found.candidates}
    elif _indistinguishable(part, license_id, fps):
        # The passage is word for word in another licence too (GPL-3.0 and
        # AGPL-3.0 share most sections): listing both is right, choosing is a guess.
        assert found.license is None and found.kind == "none"
        assert license_id in {c.id for c in found.candidates}
    else:
        expect(found, license_id, "excerpt")
        assert 0.5 <= found.confidence < full.confidence


@pytest.mark.parametrize("name", LICENSES)
def test_harmless_change_is_modified(name: str, db: LicenseDB, fps: Fingerprints) -> None:
    text = misspelt(read(name))
    found = detect_text(text, db, fingerprints=fps)
    expect(found, SOURCES[name][0], "modified")
    start, end = _middle_sentence(read(name))
    typo = next(w for w in re.findall(r"[A-Za-z]+", text[start : end + 2]) if w.endswith("x") and len(w) > 6)
    assert any(typo in p for p in found.modified_passages), (typo, found.modified_passages)
    assert all(len(p) <= 300 for p in found.modified_passages)


@pytest.mark.parametrize("name", LICENSES)
def test_restricting_sentence_is_not_the_licence(name: str, db: LicenseDB, fps: Fingerprints) -> None:
    # Reading a text that adds a use restriction as the licence would pass
    # off a more restricted text as the licence: it is unknown, with the
    # licence as the closest candidate and the restriction quoted.
    found = detect_text(modified(read(name)), db, fingerprints=fps)
    assert found.license is None and found.kind == "modified", (found.license_id, found.kind)
    assert found.unknown_reason == "restricted"
    assert found.candidates[0].id == SOURCES[name][0]
    assert "use restriction" in found.restrictions
    assert any("Tuesdays" in p for p in found.restricted_passages), found.restricted_passages
    assert any("Tuesdays" in p for p in found.modified_passages)


# --- versions and near relatives --------------------------------------------


VERSION_FAMILIES = [
    ["llama-1-license.txt", "llama2.txt", "llama3.txt", "llama3.1.txt", "llama3.2.txt", "llama3.3.txt", "llama4.txt"],
    ["tongyi-qianwen.txt", "tongyi-qianwen-research.txt"],
    ["creativeml-openrail-m.txt", "openrail++.txt", "openrail++-sd2.txt", "bigscience-openrail-m.txt"],
    [
        "stabilityai-community-license.txt",
        "stabilityai-nc-research-community.txt",
        "stabilityai-nc-community-sv3d.txt",
        "stabilityai-svd-nc-community.txt",
        "sdxl-0.9-research.txt",
    ],
    ["gpl-3.0.txt", "agpl-3.0.txt", "lgpl-3.0.txt"],
    ["openmdw-1.0.txt", "openmdw-1.1.txt"],
    ["cc-by-4.0.txt", "cc-by-nc-4.0.txt", "cc-by-nc-nd-4.0.txt", "cc-by-nc-sa-4.0.txt", "cc-by-sa-4.0.txt"],
]


@pytest.mark.parametrize("family", VERSION_FAMILIES, ids=lambda f: f[0].split(".txt")[0])
def test_versions_are_told_apart(family: list[str], db: LicenseDB, fps: Fingerprints) -> None:
    for name in family:
        for variant in (read(name), rewrap(read(name))):
            found = detect_text(variant, db, fingerprints=fps)
            assert found.license_id == SOURCES[name][0], (name, found.license_id)
            # a sibling may be a candidate, never the answer
            assert all(c.score < found.confidence for c in found.candidates)


def test_llama3_agreement_without_its_appended_policy(db: LicenseDB, fps: Fingerprints) -> None:
    text = read("llama3.txt")
    agreement = text[: text.index("Meta Llama 3 Acceptable Use Policy")]
    expect(detect_text(agreement, db, fingerprints=fps), "llama3", "full")
    expect(detect_text(text, db, fingerprints=fps), "llama3", "full")  # policy appended: a footer


@pytest.mark.parametrize("name", POLICIES)
def test_acceptable_use_policy_is_not_the_licence(name: str, db: LicenseDB, fps: Fingerprints) -> None:
    found = detect_text(read(name), db, fingerprints=fps)
    assert found.license is None and found.kind == "none"
    assert found.document == SOURCES[name][1]


def test_reformatted_apache_is_apache(db: LicenseDB, fps: Fingerprints) -> None:
    # BFL ship FLUX.1 [schnell] under Apache-2.0, reformatted and without the appendix.
    found = detect_text(read("flux-1-schnell-apache-2.0.txt"), db, fingerprints=fps)
    expect(found, "apache-2.0", "full")


def test_terms_of_service_are_no_model_licence(db: LicenseDB, fps: Fingerprints) -> None:
    found = detect_text(read("openai-tou-20230314.txt"), db, fingerprints=fps)
    assert found.license is None and found.kind == "none"


def test_phrase_only_detection_without_fingerprints(db: LicenseDB) -> None:
    # With no fingerprint at all, the licences' phrases still identify the full texts.
    for name in ("llama3.1.txt", "llama3.2.txt", "tongyi-qianwen.txt", "tongyi-qianwen-research.txt", "gemma.txt"):
        found = detect_text(read(name), db, fingerprints=Fingerprints.empty())
        assert found.license_id == SOURCES[name][0], name
        assert 0.5 <= found.confidence <= 0.85


def test_fingerprints_are_up_to_date() -> None:
    script = PROJECT / "scripts" / "build_fingerprints.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
