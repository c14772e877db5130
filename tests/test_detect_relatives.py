"""An excerpt that a stricter licence's text also holds is never the permissive licence.

BSD-3-Clause with a no-military clause, MIT with Moonshot's display duty, the
OpenLDAP 1.x licences on Artistic-1.0's wording: a passage the two texts share
cannot say which it came from, and reading it as the permissive one is the
error licscan must not make. Whole texts still tell them apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from licscan.detect import detect_text, detection_evidence, detection_findings
from licscan.detect.fingerprint import shingles
from licscan.detect.normalize import tokens
from licscan.detect.relatives import (
    Relative,
    Relatives,
    RelativesError,
    decode_relatives,
    default_relatives,
    encode_relatives,
)
from licscan.licensedb import LicenseDB, load_database

TEXTS = Path(__file__).parent / "corpus" / "texts"

@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return load_database()


def corpus(name: str) -> str:
    return (TEXTS / name).read_text(encoding="utf-8")


# Written the way BSD-3-Clause-No-Military is: BSD-3-Clause whole, then a
# military-use disclaimer ScanCode files as "Free Restricted".
NO_MILITARY = "bsd-3-clause-no-military-style.txt"
RELATIVE = "LicenseRef-example-bsd-no-military"


def bsd_parts() -> tuple[str, str]:
    """The stricter text, and a passage of it that is BSD-3-Clause's wording (clause 3 and the disclaimer)."""
    text = corpus(NO_MILITARY)
    return text, text[text.index("3. Neither") : text.index("YOU ACKNOWLEDGE")]


def relative_of(text: str, name: str = RELATIVE, rank: int = 2) -> Relatives:
    return Relatives.build([(Relative(name, rank, "Free Restricted", "test"), set(shingles(tokens(text))))])


def test_the_passage_alone_reads_as_the_permissive_licence(db: LicenseDB) -> None:
    # What the rule corrects: without relatives, the passage is BSD-3-Clause.
    _, passage = bsd_parts()
    assert detect_text(passage, db, relatives=Relatives.empty()).license_id == "bsd-3-clause"


def test_an_excerpt_a_stricter_relative_holds_is_unknown(db: LicenseDB) -> None:
    text, passage = bsd_parts()
    found = detect_text(passage, db, relatives=relative_of(text))
    assert (found.license, found.unknown_reason) == (None, "shared"), found
    assert found.shared_with == (RELATIVE,)
    assert found.candidates[0].id == "bsd-3-clause"
    finding = detection_findings(found)[0]
    assert finding.code == "license-text-partial" and "bsd-3-clause" in finding.message
    assert "more restrictive licences hold too" in detection_evidence(found, "file:LICENSE").detail


def test_the_stricter_text_whole_is_not_the_permissive_licence(db: LicenseDB) -> None:
    text, _ = bsd_parts()
    found = detect_text(text, db, relatives=relative_of(text))
    assert found.license is None and found.unknown_reason == "restricted"
    assert found.candidates[0].id == "bsd-3-clause"


def test_the_permissive_text_whole_is_still_the_licence(db: LicenseDB) -> None:
    text, _ = bsd_parts()
    bsd = text[: text.index("YOU ACKNOWLEDGE")]
    found = detect_text(bsd, db, relatives=relative_of(text))
    assert found.license_id == "bsd-3-clause" and found.unknown_reason == ""


def test_a_relative_no_stricter_changes_nothing(db: LicenseDB) -> None:
    text, passage = bsd_parts()
    found = detect_text(passage, db, relatives=relative_of(text, "LicenseRef-example-permissive", rank=0))
    assert found.license_id == "bsd-3-clause"


def test_a_relative_holding_too_little_of_the_passage_changes_nothing(db: LicenseDB) -> None:
    text, passage = bsd_parts()
    # A stricter text holding only the disclaimer, not the clause before it.
    disclaimer = text[text.index("THIS SOFTWARE IS PROVIDED") :]
    assert detect_text(passage, db, relatives=relative_of(disclaimer)).license_id == "bsd-3-clause"


def test_a_title_naming_the_licence_decides(db: LicenseDB) -> None:
    text, passage = bsd_parts()
    found = detect_text("BSD 3-Clause License\n\n" + passage, db, relatives=relative_of(text))
    assert found.license_id == "bsd-3-clause"


def test_the_shipped_relatives_know_the_real_no_military_licence(db: LicenseDB) -> None:
    _, passage = bsd_parts()
    found = detect_text(passage, db)
    assert (found.license, found.unknown_reason) == (None, "shared"), found
    assert "BSD-3-Clause-No-Military-License" in found.shared_with


def test_a_stricter_licence_in_the_database_counts_too(db: LicenseDB) -> None:
    # Moonshot's modified MIT is a database licence: its fingerprint holds MIT's words.
    text = corpus("modified-mit-display-clause.md")
    part = text[text.index("The above copyright notice") : text.index("Our only modification")]
    found = detect_text(part, db, relatives=Relatives.empty())
    assert (found.license, found.unknown_reason) == (None, "shared")
    assert found.shared_with == ("moonshot-modified-mit",)
    # The whole text is that licence, and the MIT text without the clause is MIT.
    assert detect_text(text, db).license_id == "moonshot-modified-mit"
    assert detect_text(text[: text.index("Our only modification")], db).license_id == "mit"


def test_the_shipped_relatives_are_texts_the_database_lacks(db: LicenseDB) -> None:
    table = default_relatives()
    assert len(table.relatives) >= 100, "scripts/build_fingerprints.py --texts <ScanCode wheel> writes them"
    names = [r.name for r in table.relatives]
    assert len(set(names)) == len(names)
    spdx = {lic.spdx_id.lower() for lic in db.licenses if lic.spdx_id}
    assert not [n for n in names if n.lower() in spdx]
    assert {r.rank for r in table.relatives} <= {1, 2, 3}
    assert "BSD-3-Clause-No-Military-License" in names


def test_round_trip_and_malformed_tables() -> None:
    table = Relatives.build(
        [
            (Relative("A", 1, "Copyleft", "a"), {1, 2, 3}),
            (Relative("B", 3, "Commercial", "b"), {2, 3, 4}),
        ]
    )
    again = decode_relatives(encode_relatives(table))
    assert again.relatives == table.relatives
    assert again.holding([2, 3], 0, 2) == table.relatives
    assert [r.name for r in again.holding([2, 3], 1, 2)] == ["B"]
    assert [r.name for r in again.holding([1, 2, 3], 0, 3)] == ["A"]
    raw = encode_relatives(table)
    with pytest.raises(RelativesError):
        decode_relatives(b"not a table")
    with pytest.raises(RelativesError):
        decode_relatives(raw[:-3])
    with pytest.raises(RelativesError):
        decode_relatives(raw.replace(b'"relatives": [', b'"relatives": [7, ', 1))


def test_a_grant_under_the_licence_s_own_name_decides(db: LicenseDB) -> None:
    # The header of countless source files and cards. Source-available licences (FSL-1.1-ALv2, ...)
    # quote it as their future licence, but a passage that grants under Apache's name is Apache's.
    notice = (
        "Copyright 2024 The HuggingFace Team. All rights reserved.\n\n"
        'Licensed under the Apache License, Version 2.0 (the "License");\n'
        "you may not use this file except in compliance with the License.\n"
        "You may obtain a copy of the License at\n\n"
        "    http://www.apache.org/licenses/LICENSE-2.0\n\n"
        "Unless required by applicable law or agreed to in writing, software\n"
        'distributed under the License is distributed on an "AS IS" BASIS,\n'
        "WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n"
        "See the License for the specific language governing permissions and\n"
        "limitations under the License.\n"
    )
    assert detect_text(notice, db).license_id == "apache-2.0"
    # The same words as a stricter text's mention of Apache are not a grant.
    mention = notice.replace("Licensed under the Apache", "This licence is based on the Apache")
    found = detect_text(mention, db)
    assert (found.license, found.unknown_reason) == (None, "shared")
    assert found.candidates[0].id == "apache-2.0" and "FSL-1.1-ALv2" in found.shared_with


@pytest.mark.parametrize(
    "deferral",
    [
        # The shape of FSL's and FCL's "Grant of Future License" (and OS4D's), in other words.
        "## Grant of Future License\n\nWe also grant you, irrevocably, a licence to use the Software under the Apache\n"
        "License, Version 2.0, taking effect on the second anniversary of the day we first make the Software\n"
        "available. From that day on the following applies:\n\n",
        # The shape of the Business Source License's parameters.
        "Change Date: 2029-06-01\nChange License: Apache License, Version 2.0\n\n",
    ],
    ids=["future-licence", "change-date"],
)
def test_a_grant_deferred_to_a_later_date_is_not_the_licence_now(deferral: str, db: LicenseDB) -> None:
    # Source-available licences quote Apache's notice as what their text becomes later. Cut around that
    # notice, the passage grants under Apache's name, but only from a date on: until then it is not Apache.
    notice = (
        'Licensed under the Apache License, Version 2.0 (the "License");\n'
        "you may not use this file except in compliance with the License.\n"
        "You may obtain a copy of the License at\n\n"
        "    http://www.apache.org/licenses/LICENSE-2.0\n"
    )
    assert detect_text(notice, db).license_id == "apache-2.0"  # the notice alone is Apache's
    found = detect_text(deferral + notice, db)
    assert found.license is None, found
    assert "deferred grant" in found.restrictions


def test_a_real_non_commercial_bsd_licence_whole_and_cut(db: LicenseDB) -> None:
    # The CBCR License 1.0, as braindecode's EEG-Deformer source carries it (a sibling of NTU's
    # S-Lab licence): BSD-3-Clause with "for non-commercial purpose" in its grant. Whole, the
    # grant's restriction is quoted; the clauses and the disclaimer alone, cut below the grant,
    # read as BSD-3-Clause before relatives, and now as what they are: words stricter texts share.
    text = corpus("cbcr-license-1.0.txt")
    whole = detect_text(text, db)
    assert (whole.license, whole.unknown_reason) == (None, "restricted")
    assert "commercial use" in whole.restrictions
    cut = detect_text(text[text.index("1. Redistributions") :], db)
    assert (cut.license, cut.unknown_reason) == (None, "shared"), cut
    assert cut.candidates[0].id == "bsd-3-clause"


def test_a_stricter_licence_sharing_little_with_the_input_still_counts(db: LicenseDB) -> None:
    # Twenty words of Llama 3's attribution clause: licences sharing this few shingles with an input are
    # held back from scoring, yet Chameleon's research licence and Stability's non-commercial one hold
    # the whole passage. Reading it as Llama 3 would choose the least restrictive of them.
    text = Path(__file__).resolve().parents[2] / "shared" / "data" / "license-texts" / "llama3.txt"
    if not text.is_file():
        pytest.skip(f"{text} not present: Meta's Llama 3 licence is read from ../shared")
    passage = " ".join(text.read_text(encoding="utf-8").split()[445:465])
    assert passage.startswith("that you distribute the following attribution notice")
    found = detect_text(passage, db)
    assert (found.license, found.unknown_reason) == (None, "shared"), found
    assert {"chameleon-research-license", "stabilityai-nc-community"} <= set(found.shared_with)
    assert found.candidates[0].id == "llama3"


@pytest.mark.parametrize("licence", ["cc-by-4.0", "cc-by-sa-4.0"])
def test_a_long_licence_text_is_not_taken_for_a_stricter_one_that_lacks_whole_clauses(
    db: LicenseDB, shared_data: Path, licence: str
) -> None:
    # The legal code as a LICENSE file carries it: from the licence's title to its last section, without
    # Creative Commons' preamble and footer. CC BY-NC 4.0 holds most of its words but lacks whole clauses
    # (30 shingles of CC BY's), so this is CC BY, not a passage the two share.
    path = shared_data / "license-texts" / f"{licence}.txt"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^Creative Commons Attribution\S* 4\.0 International Public\s+License$", text, re.M)
    assert title is not None
    body = text[title.start() : text.index("Creative Commons is not a party")]
    found = detect_text(body, db)
    assert found.license_id == licence, (found.license_id, found.kind, found.unknown_reason, found.shared_with)
    # A middle part of the same text is still a passage the stricter licences share: unknown.
    words = body.split()
    middle = detect_text(" ".join(words[len(words) // 3 : len(words) // 3 + len(words) * 2 // 5]), db)
    assert middle.license_id is None and middle.unknown_reason == "shared", (middle.license_id, middle.kind)
