"""Normalisation: formatting never changes the words a licence text is made of."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licscan.detect.normalize import _TYPOGRAPHY, _translate, normalize, phrase_key, tokens

SAMPLE = """\
EXAMPLE MODEL LICENSE AGREEMENT
Version 2.1, released March 3, 2024

1. Definitions.
    a. "Model" means the weights and parameters distributed by the Licensor.
    b. "You" means the person or entity exercising rights under this Agreement.
2. Grant of Rights. Subject to Section 3, the Licensor grants You a worldwide,
non-exclusive, royalty-free licence to use the Model (i) for research and
(ii) for evaluation, and to share it with others who accept these terms.
3. Restrictions. You must not use the Model or its outputs to build a competing
foundation model, and You must keep this notice with every copy.
"""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u201cQuoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
        ("en\u2013dash and em\u2014dash", "en-dash and em-dash"),
        ("\ufb01le in \uff26\uff35\uff2c\uff2c width", "file in full width"),  # NFKC
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("Line\nwraps\r\n and   spaces\tfold", "line wraps and spaces fold"),
        ("# Heading\n## Sub heading ##", "heading sub heading ##"),
        ("**bold** and *em* and __strong__ and _em_", "bold and em and strong and em"),
        ("see [the terms](https://example.com/terms) and ![logo](x.png)", "see the terms and !logo"),
        ("<b>tag</b> <a href='x'>link</a> <br/> &amp; &quot;q&quot;", 'tag link & "q"'),
        ("`inline code` stays", "inline code stays"),
        ("| a | b |\n|---|---|\n| c | d |", "a b c d"),
        ("> quoted line\n> > nested", "quoted line nested"),
        ("- dash\n* star\n+ plus\n\u2022 bullet", "dash star plus bullet"),
        ("1. one\n2) two\n(a) three\niv. four\nB. five", "one two three four five"),
        ("terms (a) here and (iv) there", "terms here and there"),
        ("line one\u2028line two", "line one line two"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_multi_level_numbers_stay_because_they_may_be_versions() -> None:
    # "Llama\n3.1 Community" must read the same however the line is wrapped.
    assert tokens("Llama\n3.1 Community License") == tokens("Llama 3.1 Community License")
    assert normalize("3.1 Definitions") == "3.1 definitions"


def test_tokens_drop_punctuation_but_keep_plus() -> None:
    assert tokens("Open RAIL++-M, v1.0!") == [b"open", b"rail++", b"m", b"v1", b"0"]
    assert tokens("Open RAIL-M") != tokens("Open RAIL++-M")


def test_tokens_split_on_every_kind_of_whitespace() -> None:
    assert tokens("a\u2028b\u2029c\u00a0d\u3000e\x0cf") == [b"a", b"b", b"c", b"d", b"e", b"f"]


def test_formatting_variants_give_the_same_words() -> None:
    base = tokens(SAMPLE)
    # Each line re-flowed to 37 columns; a list item still starts a line. (A
    # re-flow that merges list items keeps "a." as a word: detection treats
    # such markers as formatting, see test_detect_synthetic.)
    rewrapped = "\n".join(textwrap.fill(line, 37) for line in SAMPLE.splitlines())
    markdown = (
        SAMPLE.replace("EXAMPLE MODEL LICENSE AGREEMENT", "# EXAMPLE MODEL LICENSE AGREEMENT")
        .replace('"Model"', '**"Model"**')
        .replace("    a. ", "- ")
        .replace("    b. ", "* ")
    )
    smart = SAMPLE.replace('"Model"', "\u201cModel\u201d").replace('"You"', "\u201cYou\u201d")
    html = "<p>" + SAMPLE.replace("\n\n", "</p>\n<p>") + "</p>"
    for variant in (rewrapped, markdown, smart, html):
        assert tokens(variant) == base


def test_placeholders_in_angle_brackets_are_words() -> None:
    one_line = "<one line to give the program's name and a brief idea of what it does.>"
    wrapped = "<one line to give the program's\n## name and a brief idea of what it does.>"
    assert tokens(one_line) == tokens(wrapped)
    assert tokens("Copyright <year> <name of author>") == [b"copyright", b"year", b"name", b"of", b"author"]
    assert tokens('<div class="x">kept</div><BR/>') == [b"kept"]


def test_tokens_are_idempotent_through_normalize() -> None:
    assert tokens(normalize(SAMPLE)) == tokens(SAMPLE)


def test_phrase_key() -> None:
    assert phrase_key("Llama 3.1 Version Release Date: July 23, 2024") == b"llama 3 1 version release date july 23 2024"
    assert phrase_key("") == b""


def test_hostile_input_does_not_raise() -> None:
    for raw in ("", "\x00\x01\x02", "\ud800", "\u202eevil\u202c", "[" * 10_000, "<" * 10_000, "&#99999999;" * 100):
        normalize(raw)
        tokens(raw)


def test_normalising_a_30kb_text() -> None:
    # Its speed (well under a millisecond) is measured by benchmarks/bench_detect.py: tests never time.
    text = (SAMPLE * 60)[: 30 * 1024]
    words = tokens(text)
    assert words == tokens(normalize(text))  # idempotent at size
    assert len(words) > 30 * 1024 // 10


def test_ascii_fast_path_matches_the_unicode_path() -> None:
    # ASCII texts take a bytes.translate shortcut; it must map exactly as the full table does.
    text = "A\r\nB\x0bC\x0cD\tE *bold* _x_ ~y~ |cell| `code`"
    assert text.isascii()
    assert tokens(text) == tokens(text + " \u00e9")[:-1]
    assert normalize(text) + " \u00e9" == normalize(text + " \u00e9")


# Every character _TYPOGRAPHY maps, plus plain, accented, CJK, astral and lone-surrogate ones.
_MAPPED = sorted(chr(k) for k in _TYPOGRAPHY)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from([*_MAPPED, "a", " ", "\n", "\u00e9", "\u4e2d", "\U0001f600", "\udc80"])))
def test_fast_typography_mapping_is_str_translate(text: str) -> None:
    # _translate replaces str.translate(_TYPOGRAPHY) for speed: it must give the same string for any input.
    assert _translate(text) == text.translate(_TYPOGRAPHY)


def test_fast_typography_mapping_examples() -> None:
    assert _translate("\ufeff\u201cA\u201d \u2022 b\u00ad\tc*d\r\n`e`\u2014\udc80") == '"A" - b c d\n\ne-\udc80'
