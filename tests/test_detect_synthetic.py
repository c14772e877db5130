"""Text detection on the project's own short synthetic texts (runs everywhere).

Two kinds of test live here:

* against the real database, phrase evidence only: licences without a
  reference text (MRL, MNPL, Qwen, ...), the unknown path, and the "never
  guess between versions" rule;
* against a small invented database with fingerprints built in the test from
  invented licence texts: full / excerpt / modified detection, the passages
  reported, header and footer handling, and version separation, without any
  real licence text.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from licscan.detect import Detection, Fingerprints, detect_text, load_fingerprints
from licscan.detect.fingerprint import FingerprintError, Variant, decode, encode
from licscan.detect.normalize import tokens
from licscan.licensedb import LicenseDB, load_database

# --- real database, phrases only --------------------------------------------


@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return load_database()


def phrases_only(text: str, db: LicenseDB) -> Detection:
    return detect_text(text, db, fingerprints=Fingerprints.empty())


@pytest.mark.parametrize(
    ("text", "license_id"),
    [
        (
            "## Licence\nThe weights of this model are licensed by Mistral AI under the Mistral AI Research "
            "License. Research use only; contact Mistral AI for anything else.",
            "mrl",
        ),
        (
            "MISTRAL AI NON-PRODUCTION LICENSE\n\nThis checkpoint is licensed by Mistral AI under the "
            "Mistral AI Non-Production License: testing and evaluation are fine, production is not.",
            "mnpl",
        ),
        (
            "Qwen LICENSE AGREEMENT\n\nQwen is licensed under the Qwen LICENSE AGREEMENT, Copyright (c) "
            "Alibaba Cloud. All Rights Reserved.",
            "qwen",
        ),
        (
            "Qwen RESEARCH LICENSE AGREEMENT\n\nQwen is licensed under the Qwen RESEARCH LICENSE AGREEMENT, "
            "for non-commercial research only.",
            "qwen-research",
        ),
        ("Use of these weights is governed by the Grok 2 Community License Agreement.", "grok2-community"),
        ("TENCENT HUNYUAN COMMUNITY LICENSE AGREEMENT\nRelease date: 2024.", "tencent-hunyuan-community"),
        ("Tongyi Qianwen RESEARCH LICENSE AGREEMENT\nNon-commercial research use.", "tongyi-qianwen-research"),
        ("Tongyi Qianwen LICENSE AGREEMENT\nCommercial use allowed below a user threshold.", "tongyi-qianwen"),
    ],
)
def test_licences_without_reference_text_are_named_by_their_phrases(text: str, license_id: str, db: LicenseDB) -> None:
    for fps in (Fingerprints.empty(), None):  # None: the shipped fingerprints, if any
        found = detect_text(f"Some model card prose first.\n\n{text}\n\nMore prose after.", db, fingerprints=fps)
        assert found.license_id == license_id, (found.license_id, found.candidates)
        assert found.kind == "excerpt"
        assert 0.5 <= found.confidence <= 0.85
        assert found.matched_phrases


def test_card_sentence_names_a_version(db: LicenseDB) -> None:
    found = phrases_only("This model is licensed under the Llama 3.1 Community License Agreement.", db)
    assert found.license_id == "llama3.1"
    assert found.confidence < 0.9  # a mention, not the text


def test_prose_is_unknown(db: LicenseDB) -> None:
    text = (
        "We trained this model on a mixture of public web pages and code for three weeks on 64 GPUs. "
        "It answers questions, writes short poems and summarises documents. Evaluation results follow."
    )
    for fps in (Fingerprints.empty(), None):
        found = detect_text(text, db, fingerprints=fps)
        assert found.license is None and found.kind == "none"
        assert found.confidence == 0.0
        assert all(c.score < 0.5 for c in found.candidates)


def test_a_generic_llama_mention_is_no_llama_version(db: LicenseDB) -> None:
    text = "We fine-tuned a Llama model on recipes. Built with Llama. Please respect the Llama licence."
    for fps in (Fingerprints.empty(), None):
        found = detect_text(text, db, fingerprints=fps)
        assert found.license is None, found


def test_two_versions_named_equally_is_not_a_guess(db: LicenseDB) -> None:
    text = (
        "Parts of this model come under the Llama 3.1 Community License Agreement and parts under the "
        "Llama 3.2 Community License Agreement."
    )
    found = phrases_only(text, db)
    assert found.license is None and found.kind == "none"
    assert {c.id for c in found.candidates[:2]} == {"llama3.1", "llama3.2"}


def test_one_version_named_twice_beats_a_sibling_named_in_passing(db: LicenseDB) -> None:
    text = (
        "Llama 3.3 Community License Agreement. Llama 3.3 Version Release Date: December 6, 2024. "
        "Llama 3.3 is licensed under the Llama 3.3 Community License. (This replaced our earlier use of "
        "the Llama 3.1 Community License Agreement.)"
    )
    assert phrases_only(text, db).license_id == "llama3.3"


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "\x00\xff" * 1000, "\ud800\udfff", "\u202e" * 50, "[](" * 5000, "word " * 300_000],
)
def test_hostile_text_never_raises(text: str, db: LicenseDB) -> None:
    found = detect_text(text, db)
    assert found.kind == "none"


# --- an invented database with fingerprints -----------------------------------

CLAUSES = [
    "ACME OPEN MODEL LICENSE\nVersion {v}, published by the Acme Modelling Cooperative",
    "1. Definitions.",
    '   a. "Model" means the trained weights, parameters and configuration files released by Acme.',
    '   b. "Derivative" means any model created by changing, fine-tuning or distilling the Model.',
    "2. Permissions. Acme grants you a worldwide, royalty-free, non-exclusive permission to run, copy, "
    "study and share the Model and Derivatives, subject to the conditions below.",
    "3. Conditions. Anyone who shares the Model must pass on this licence, keep the attribution file "
    "intact and describe every change they made in a plain-language changelog.",
    "4. Limits. You may not use the Model to decide on credit, housing or employment without a human "
    "reviewer, and you may not present its outputs as the work of a named living person.",
    "5. Notice period. If you breach these terms, your permission ends thirty days after Acme writes "
    "to you, unless you have cured the breach within that period.",
    "6. No warranty. The Model is provided as it is, and Acme accepts no liability for any loss arising "
    "from its use, to the extent the law of your country allows.",
    "7. Changes. Acme may publish new versions of this licence; version {v} stays available for every "
    "copy of the Model released under it.",
]


def acme(version: str, *, notice: str = "thirty days") -> str:
    text = "\n".join(c.format(v=version) for c in CLAUSES)
    return text.replace("thirty days", notice)


POLICY = (
    "Acme Acceptable Use Policy. You agree not to use the Model to create weapons, to harass people, to "
    "generate spam at scale, to impersonate public officials, or to evade the safety filters of any service."
)

YAML = """\
id: {id}
name: {name}
class: permissive
spdx_id: null
hf_ids: []
aliases: []
urls: []
obligations: []
phrases: {phrases}
"""


@pytest.fixture(scope="module")
def acme_db(tmp_path_factory: pytest.TempPathFactory) -> LicenseDB:
    root = tmp_path_factory.mktemp("acme_db")
    entries = {
        "acme-1.0": ("Acme Open Model License 1.0", ["acme open model license version 1.0"]),
        "acme-2.0": ("Acme Open Model License 2.0", ["acme open model license version 2.0"]),
        "beta-model-license": ("Beta Model License", ["beta model license", "beta labs retain all rights"]),
    }
    for lic_id, (name, phrases) in entries.items():
        quoted = "[" + ", ".join(f'"{p}"' for p in phrases) + "]"
        (root / f"{lic_id}.yaml").write_text(YAML.format(id=lic_id, name=name, phrases=quoted))
    return load_database(root)


def variant(name: str, license_id: str, text: str, kind: str = "license") -> Variant:
    return Variant.from_words(name, license_id, kind, "synthetic", tokens(text))


@pytest.fixture(scope="module")
def acme_fps() -> Fingerprints:
    return Fingerprints.build(
        [
            variant("acme-1.0", "acme-1.0", acme("1.0")),
            variant("acme-2.0", "acme-2.0", acme("2.0", notice="sixty days")),
            variant("acme-aup", "acme-1.0", POLICY, kind="policy"),
            variant("not-in-db", "no-such-licence", "an unrelated text " * 20),
        ]
    )


def test_full_text(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    found = detect_text(acme("1.0"), acme_db, fingerprints=acme_fps)
    assert (found.license_id, found.kind) == ("acme-1.0", "full")
    assert found.confidence == 1.0 and found.coverage == 1.0 and found.containment == 1.0
    assert found.matched_phrases == ("acme open model license version 1.0",)
    assert found.candidates[0].id == "acme-2.0"  # the sibling is listed, lower
    assert found.candidates[0].score < found.confidence


def test_header_footer_and_reflow_are_still_full(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    reflowed = textwrap.fill(" ".join(acme("2.0", notice="sixty days").split()), 41)  # list items merge
    text = "# LICENSE\n\nThis model is released under the following terms:\n\n" + reflowed + "\n\n---\n(c) 2024 Foo"
    found = detect_text(text, acme_db, fingerprints=acme_fps)
    assert (found.license_id, found.kind) == ("acme-2.0", "full")
    assert found.modified_passages == ()
    assert found.containment < 1.0  # the header and footer are not canonical ...
    assert found.coverage == 1.0  # ... but the whole licence is there


def test_excerpt_has_lower_confidence(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    text = acme("1.0")
    part = text[: len(text) // 2]  # the opening names the version
    found = detect_text(part, acme_db, fingerprints=acme_fps)
    assert (found.license_id, found.kind) == ("acme-1.0", "excerpt")
    assert 0.5 <= found.confidence < 0.9
    assert 0.3 < found.coverage < 0.85


def test_an_excerpt_common_to_two_versions_is_not_a_guess(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    text = acme("1.0")
    part = text[text.index("2. Permissions") : text.index("5. Notice")]  # identical in 1.0 and 2.0
    found = detect_text(part, acme_db, fingerprints=acme_fps)
    assert found.license is None and found.kind == "none"
    assert {c.id for c in found.candidates[:2]} == {"acme-1.0", "acme-2.0"}


def test_versions_told_apart_by_the_words_that_differ(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    # Only the notice period differs in this passage: 2.0 says sixty days.
    text = acme("2.0", notice="sixty days")
    part = text[text.index("4. Limits") : text.index("7. Changes")]
    found = detect_text(part, acme_db, fingerprints=acme_fps)
    assert found.license_id == "acme-2.0"


def test_changed_sentence_is_reported_as_written(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    # A harmless change (the licensor's name filled in) keeps the licence, with the passage quoted.
    original = "3. Conditions. Anyone who shares the Model must pass on this licence"
    changed = "3. Conditions. Anyone (**Acme Modelling Cooperative, Leeds**) who shares the Model"
    text = acme("1.0").replace(original, changed + " must pass on this licence")
    found = detect_text(text, acme_db, fingerprints=acme_fps)
    assert (found.license_id, found.kind) == ("acme-1.0", "modified")
    assert len(found.modified_passages) == 1
    passage = found.modified_passages[0]
    assert "(**Acme Modelling Cooperative, Leeds**)" in passage  # original casing and markup
    assert len(passage) <= 300
    assert found.restrictions == () and found.unknown_reason == ""


def test_restricting_sentence_is_not_the_licence(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    original = "3. Conditions. Anyone who shares the Model must pass on this licence"
    changed = "3. Conditions. **Licensee shall NOT use the Model on Tuesdays.** Anyone who shares the Model"
    text = acme("1.0").replace(original, changed + " must pass on this licence")
    found = detect_text(text, acme_db, fingerprints=acme_fps)
    assert (found.license, found.kind, found.unknown_reason) == (None, "modified", "restricted")
    assert found.candidates[0].id == "acme-1.0"
    assert found.restrictions == ("use restriction", "narrowed grant")
    assert found.restricted_passages == (
        "conditions below. 3. Conditions. **Licensee shall NOT use the Model on Tuesdays.** Anyone who shares",
    )


def test_changed_number_is_reported(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    for before, after in [("Version 1.0, published", "Version 1.5, published"), ("thirty days", "30 days")]:
        found = detect_text(acme("1.0").replace(before, after), acme_db, fingerprints=acme_fps)
        assert found.kind == "modified", (before, after)
        assert any(after.split(",")[0] in p for p in found.modified_passages)
    # A lone number inserted mid-text reads as a stray list number: formatting.
    text = acme("1.0").replace("Notice period. If you breach", "Notice period. 3 If you breach")
    assert detect_text(text, acme_db, fingerprints=acme_fps).kind == "full"


def test_removed_clause_is_reported_with_its_surroundings(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    text = acme("1.0").replace(", and you may not present its outputs as the work of a named living person", "")
    found = detect_text(text, acme_db, fingerprints=acme_fps)
    assert found.kind == "modified"
    assert found.coverage < 1.0
    assert any("[...]" in p and "human reviewer" in p for p in found.modified_passages), found.modified_passages


def test_list_markers_are_formatting_not_modifications(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    text = acme("1.0").replace("   a. ", "   (i) ").replace("   b. ", "- ").replace("1. Definitions", "## Definitions")
    found = detect_text(text, acme_db, fingerprints=acme_fps)
    assert (found.license_id, found.kind) == ("acme-1.0", "full")


def test_licence_without_fingerprint_is_found_by_phrases(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    text = "BETA MODEL LICENSE\n\nBeta Labs retain all rights not granted here. Research use only."
    found = detect_text(text, acme_db, fingerprints=acme_fps)
    assert found.license_id == "beta-model-license"
    assert found.kind == "excerpt"
    assert found.variant is None
    assert found.confidence <= 0.85  # phrases alone never reach the confidence of a full text


def test_policy_document_is_not_the_licence(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    found = detect_text(POLICY, acme_db, fingerprints=acme_fps)
    assert found.license is None and found.kind == "none"
    assert found.document == "acme-aup"
    # A licence with its policy appended is the licence.
    found = detect_text(acme("1.0") + "\n\n" + POLICY, acme_db, fingerprints=acme_fps)
    assert (found.license_id, found.kind, found.document) == ("acme-1.0", "full", None)


def test_fingerprints_of_unknown_licences_are_ignored(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    found = detect_text("an unrelated text " * 20, acme_db, fingerprints=acme_fps)
    assert found.license is None


# --- fingerprint files ------------------------------------------------------


def test_fingerprint_file_round_trip(tmp_path: Path) -> None:
    original = variant("acme-1.0--draft", "acme-1.0", acme("1.0"))
    text = encode(original)
    assert "Acme" not in text and "Model" not in text  # hashes only
    back = decode(text, "acme-1.0--draft")
    assert back == original
    (tmp_path / "acme-1.0--draft.fp").write_text(text)
    loaded = load_fingerprints(tmp_path)
    assert [v.name for v in loaded.variants] == ["acme-1.0--draft"]


@pytest.mark.parametrize(
    "text",
    [
        "not a fingerprint",
        "licscan-fingerprint 1\nlicense: x\nkind: license\nshingle: 6 words, crc32\ncount: 1\n\n!!!!\n",
        "licscan-fingerprint 1\nlicense: x\nkind: license\nshingle: 5 words, crc32\ncount: 0\n\n\n",
        "licscan-fingerprint 1\nlicense: x\nkind: weird\nshingle: 6 words, crc32\ncount: 0\n\n\n",
        "licscan-fingerprint 1\nlicense: x\nkind: license\nshingle: 6 words, crc32\ncount: 9\n\nAAAAAA==\n",
    ],
)
def test_malformed_fingerprint_files_are_rejected(text: str, tmp_path: Path) -> None:
    (tmp_path / "bad.fp").write_text(text)
    with pytest.raises(FingerprintError):
        load_fingerprints(tmp_path)


def test_missing_fingerprints_mean_phrase_only_detection(tmp_path: Path) -> None:
    assert len(load_fingerprints(tmp_path / "absent")) == 0


def test_shipped_fingerprints_load(db: LicenseDB) -> None:
    fps = load_fingerprints()
    known = {lic.id for lic in db.licenses}
    assert all(v.license_id in known for v in fps.variants), "a fingerprint names a licence not in license_db/"


def test_loading_the_database_does_not_load_fingerprints() -> None:
    code = (
        "import sys; from licscan.licensedb import load_database; load_database(); "
        "print('licscan.detect.fingerprint' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_findings_and_evidence(acme_db: LicenseDB, acme_fps: Fingerprints) -> None:
    from licscan.detect import detection_evidence, detection_findings

    changed = acme("1.0").replace("3. Conditions.", "3. Conditions. Licensee shall not use the Model on Tuesdays.")
    found = detect_text(changed, acme_db, fingerprints=acme_fps)
    (finding,) = detection_findings(found)
    assert finding.code == "license-restricted-modification" and "Tuesdays" in finding.message
    assert finding.severity.value == "error"
    assert "reads as acme-1.0 with changes that restrict use" in detection_evidence(found, "x").detail
    typo = acme("1.0").replace("3. Conditions.", "3. Condtions.")
    found = detect_text(typo, acme_db, fingerprints=acme_fps)
    (finding,) = detection_findings(found)
    assert finding.code == "license-modified" and "Condtions" in finding.message
    assert "acme-1.0 (modified" in detection_evidence(found, "card:license-file").detail
    assert detection_findings(detect_text(acme("1.0"), acme_db, fingerprints=acme_fps)) == ()
    unknown = detect_text(POLICY, acme_db, fingerprints=acme_fps)
    assert "policy document" in detection_evidence(unknown, "x").detail


def test_owner_index_round_trip_and_mismatch(acme_fps: Fingerprints, tmp_path: Path) -> None:
    from licscan.detect.fingerprint import OWNERS_FILE, decode_owners, encode_owners

    raw = encode_owners(acme_fps)
    back = decode_owners(raw, list(acme_fps.variants))
    assert back is not None
    assert (back.owners, back.masks, [v.name for v in back.variants]) == (
        acme_fps.owners,
        acme_fps.masks,
        [v.name for v in acme_fps.variants],
    )
    # Built from other fingerprints (one missing, or corrupt): ignored, the index is rebuilt.
    assert decode_owners(raw, list(acme_fps.variants[1:])) is None
    assert decode_owners(raw[:-3], list(acme_fps.variants)) is None
    assert decode_owners(b"garbage", list(acme_fps.variants)) is None
    for v in acme_fps.variants:
        (tmp_path / f"{v.name}.fp").write_text(encode(v))
    (tmp_path / OWNERS_FILE).write_bytes(raw[:-3])
    loaded = load_fingerprints(tmp_path)
    assert loaded.owners == acme_fps.owners


def test_shipped_owner_index_matches_the_fingerprints() -> None:
    from licscan.detect.fingerprint import OWNERS_FILE, decode_owners, default_directory

    directory = default_directory()
    assert directory is not None
    variants = [decode(p.read_text(encoding="ascii"), p.stem) for p in sorted(directory.glob("*.fp"))]
    assert decode_owners((directory / OWNERS_FILE).read_bytes(), variants) is not None, "run build_fingerprints.py"
