"""A text built on a permissive licence that adds terms of its own is not that licence (issue 10).

Each rule is stated with a text written the way real ones are: a vendor
firmware licence on BSD-3-Clause, a freeware licence quoting zlib's clause,
a royalty-free licence offering the GPL for one case, an exception that
mentions the GPL where a line was wrapped. Tests that need a real licence
text read it from ``../shared/data/license-texts`` and skip without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from licscan.detect import detect_text
from licscan.detect.normalize import line_starts, tokens
from licscan.licensedb import LicenseDB, load_database

TEXTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "license-texts"


@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return load_database()


def real(name: str) -> str:
    path = TEXTS / name
    if not path.is_file():
        pytest.skip(f"{path} not present: the real licence text is needed")
    return path.read_text(encoding="utf-8")


def test_firmware_licence_banning_reverse_engineering_is_not_bsd(db: LicenseDB) -> None:
    bsd = real("bsd-3-clause.txt")
    marker = "THIS SOFTWARE IS PROVIDED"
    assert marker in bsd
    vendor = bsd.replace(
        marker, "* No reverse engineering, decompilation, or disassembly of this software is permitted.\n\n" + marker
    )
    found = detect_text(vendor, db)
    assert found.license is None
    assert found.unknown_reason == "restricted"
    assert "use restriction" in found.restrictions
    assert found.candidates[0].id.startswith("bsd-3-clause")
    # The licence itself, with its copyright line, is still BSD-3-Clause.
    assert detect_text("Copyright (c) 2021, Example Inc.\n\n" + bsd, db).license_id == "bsd-3-clause"


def test_excerpt_starting_in_a_reworded_clause_is_not_the_licence(db: LicenseDB) -> None:
    # A database licence on BSD-4-Clause, cut so that its reworded clauses
    # come before the first long run of BSD wording.
    excerpt = (
        "tation and/or other\nmaterials provided with the distribution.\n"
        "2. All advertising materials and documentation mentioning features or use of\n"
        "this database must display the following acknowledgement:\n"
        '"This product includes GeoCity data created by Example Geo, available from\nhttps://geo.example.com/"\n'
        '3. "Example Geo" may not be used to endorse or promote products derived from this\n'
        "database without specific prior written permission.\n\n"
        "THIS DATABASE IS PROVIDED BY EXAMPLE GEO, INC ``AS IS'' AND ANY\n"
        "EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED\n"
        "WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE\n"
        "DISCLAIMED. IN NO EVENT SHALL EXAMPLE GEO BE LIABLE FOR ANY DIRECT, INDIRECT,\n"
        "INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT\n"
        "LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR\n"
        "PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF\n"
        "LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE\n"
        "OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS DATABASE, EVEN IF\n"
        "ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.\n"
    )
    found = detect_text(excerpt, db)
    assert found.license is None
    assert found.unknown_reason == "restricted"
    assert "use restriction" in found.restrictions


FREEWARE = """Example Hex Editor license

Example Hex Editor is freeware and may be used free of charge.

The origin of this Software must not be misrepresented; you must not claim that you wrote the original Software.

You may distribute this Software using any medium you see fit, provided you do not charge the user for the
Software itself. No payment before downloads and no wrapper installers that have ads.
"""


def test_freeware_quoting_zlibs_clause_is_not_zlib(db: LicenseDB) -> None:
    found = detect_text(FREEWARE, db)
    assert found.license is None
    assert found.unknown_reason == "restricted"
    assert found.candidates[0].id == "zlib"
    assert "fee or royalty" in found.restrictions
    assert any("charge the user" in p for p in found.restricted_passages)


ROYALTY_FREE = """### 2. Limitations

The license does not permit to distribute or make the Software publicly available alone and without
integration into an Application. For this purpose you may use the Software under the GNU General Public
License, version 3.

The license does not permit the use of the Software within Embedded Systems.
"""


def test_gpl_offered_for_one_case_by_a_licence_with_its_own_limits_is_not_gpl(db: LicenseDB) -> None:
    found = detect_text(ROYALTY_FREE, db)
    assert found.license is None
    assert found.unknown_reason == "restricted"
    assert "use restriction" in found.restrictions


def test_a_grant_under_the_gpl_alone_is_still_the_gpl(db: LicenseDB) -> None:
    found = detect_text("This program is licensed under the GNU General Public License, version 3.\n", db)
    assert found.license_id == "gpl"  # the family: "version 3" alone names no text licscan can tell


EXCEPTION = """As a special exception, if you link this library with other files to produce an
executable, this library does not by itself cause the resulting executable to be
covered by the GNU General Public License. This exception does not however
invalidate any other reasons why the executable file might be covered by the
GNU General Public License.
"""


@pytest.mark.parametrize("text", [EXCEPTION, EXCEPTION.replace("\n", "\r\n"), EXCEPTION.replace("\n", "\n\n")])
def test_a_name_where_a_sentence_was_wrapped_is_no_title(text: str, db: LicenseDB) -> None:
    assert detect_text(text, db).license is None
    assert detect_text(" ".join(text.split()), db).license is None


def test_title_lines_after_a_heading_or_a_closed_sentence_stay_titles() -> None:
    text = "# License\n\nMIT License\n\nCopyright (c) 2024 Example.\nApache License\nVersion 2.0\n"
    starts = line_starts(text)
    words = tokens(text)
    assert [b" ".join(words[at : at + n]).decode() for at, n in starts.items()] == [
        "license",
        "mit license",
        "copyright 2024 example",
        "apache license",
        "version 2 0",
    ]
    wrapped = "might be covered by the terms of any one of these licences, namely the\nGNU General Public License.\n"
    assert 0 in line_starts(wrapped) and len(line_starts(wrapped)) == 1
