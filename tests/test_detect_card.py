"""Licence hints from messy model-card READMEs."""

from __future__ import annotations

import pytest

from licscan.detect.card import MAX_SECTION, MAX_VALUE, Hint, card_hints


def only(hints: list[Hint], source: str) -> list[Hint]:
    return [h for h in hints if h.source == source]


@pytest.mark.parametrize(
    ("key", "intended"),
    [
        ("lincense", "license"),
        ("licence", "license"),
        ("License", "license"),
        ("licsense", "license"),
        ("license-name", "license_name"),
        ("licence_name", "license_name"),
        ("lisence_link", "license_link"),
        ("basemodel", "base_model"),
        ("base-model", "base_model"),
        ("Base_Model", "base_model"),
        ("licenses", "license"),
        ("base_models", "base_model"),
    ],
)
def test_misspelled_front_matter_key(key: str, intended: str) -> None:
    readme = f"---\n{key}: some-value\nlibrary_name: transformers\n---\n# Model\n"
    hints = only(card_hints(readme), "card:front-matter-typo")
    assert [(h.key, h.value, h.detail, h.line) for h in hints] == [(intended, "some-value", key, 2)]
    assert 0.5 <= hints[0].confidence < 1.0


@pytest.mark.parametrize(
    "key", ["license", "license_name", "base_model", "base_model_relation", "library_name", "datasets", "tags"]
)
def test_correct_and_unrelated_keys_give_no_typo_hint(key: str) -> None:
    assert only(card_hints(f"---\n{key}: x\n---\n"), "card:front-matter-typo") == []


def test_typo_with_a_list_value() -> None:
    readme = "---\nbasemodel:\n  - meta-llama/Llama-3.1-8B\n  - mistralai/Mistral-7B-v0.1\n---\n"
    hints = only(card_hints(readme), "card:front-matter-typo")
    assert [(h.key, h.value, h.line) for h in hints] == [
        ("base_model", "meta-llama/Llama-3.1-8B", 2),
        ("base_model", "mistralai/Mistral-7B-v0.1", 2),
    ]


def test_broken_yaml_is_read_line_by_line() -> None:
    readme = (
        "---\n"
        "lincense: llama3.1\n"
        "tags: [unclosed\n"
        "basemodel:\n"
        "  - meta-llama/Llama-3.1-8B\n"
        "description: 'unterminated\n"
        "---\n"
        "# Model\n"
    )
    hints = only(card_hints(readme), "card:front-matter-typo")
    assert [(h.key, h.value, h.line) for h in hints] == [
        ("license", "llama3.1", 2),
        ("base_model", "meta-llama/Llama-3.1-8B", 5),
    ]


def test_a_front_matter_that_is_not_a_mapping() -> None:
    assert card_hints("---\n- just\n- a list\n---\n") == []
    assert card_hints("---\nplain scalar\n---\n") == []


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("License: Apache 2.0", "Apache 2.0"),
        ("license: mit", "mit"),
        ("**License**: CC-BY-NC-4.0", "CC-BY-NC-4.0"),
        ("**License:** llama3.1", "llama3.1"),
        ("- **Licence:** Gemma Terms of Use", "Gemma Terms of Use"),
        ("* License - name: nope", None),  # not a "License:" line
        ("Licensing: OpenRAIL++", "OpenRAIL++"),
    ],
)
def test_license_line_outside_the_yaml(line: str, value: str | None) -> None:
    readme = f"---\nlibrary_name: diffusers\n---\n# Model\n\n{line}\n"
    hints = only(card_hints(readme), "card:license-line")
    assert [h.value for h in hints] == ([value] if value else [])
    if value:
        assert hints[0].line == 6


def test_license_line_with_a_link() -> None:
    hints = card_hints("- License: [Llama 3.1 Community License](https://llama.meta.com/llama3_1/license/)\n")
    assert [(h.key, h.value) for h in hints] == [
        ("license", "Llama 3.1 Community License"),
        ("license_link", "https://llama.meta.com/llama3_1/license/"),
    ]


def test_a_license_line_after_the_yaml_block() -> None:
    # The author meant it as metadata, but it sits below the closing ---.
    hints = card_hints("---\ntags: [x]\n---\nlicense: cc-by-nc-4.0\n")
    assert [(h.source, h.value, h.line) for h in hints] == [("card:license-line", "cc-by-nc-4.0", 4)]


def test_license_section() -> None:
    readme = (
        "# My model\n\nIntro.\n\n"
        "## License\n\n"
        "This model is released under the Llama 3.1 Community License Agreement.\n\n"
        "### Attribution\n\nBuilt with Llama.\n\n"
        "## Evaluation\n\nNumbers.\n"
    )
    sections = only(card_hints(readme), "card:license-section")
    assert len(sections) == 1
    assert sections[0].line == 5
    assert "Llama 3.1 Community License Agreement" in sections[0].value
    assert "Built with Llama." in sections[0].value  # a sub-section belongs to it
    assert "Numbers" not in sections[0].value
    assert only(card_hints(readme), "card:prose") == []  # the section's sentences go to detect_text instead


@pytest.mark.parametrize("heading", ["## Licence", "# LICENSE", "### License and use", "License\n-------"])
def test_license_section_headings(heading: str) -> None:
    hints = only(card_hints(f"{heading}\n\nMIT, see LICENSE file.\n"), "card:license-section")
    assert [h.value for h in hints] == ["MIT, see LICENSE file."]


def test_license_words_in_code_blocks_are_ignored() -> None:
    readme = "```yaml\nlicense: apache-2.0\n## License\n```\nNothing else.\n"
    assert card_hints(readme) == []


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("This model is released under the Apache 2.0 license.", "Apache 2.0 license"),
        (
            "The weights are licensed under the terms of the FLUX.1 [dev] Non-Commercial License.",
            "FLUX.1 [dev] Non-Commercial License",
        ),
        ("It is distributed under CC-BY-NC-4.0; see below.", "CC-BY-NC-4.0"),
        ("Use is governed by the Gemma Terms of Use.", None),  # "governed by", not "under"
    ],
)
def test_licence_named_in_prose(sentence: str, value: str | None) -> None:
    hints = only(card_hints(f"# Model\n\n{sentence}\n"), "card:prose")
    if value is None:
        assert hints == []
    else:
        assert hints and hints[0].value.startswith(value)
        assert hints[0].line == 3
        assert hints[0].confidence < 0.5


def test_hostile_readmes_never_raise() -> None:
    huge = "## License\n" + ("x" * 1000 + "\n") * 3000  # 3 MB
    hints = card_hints(huge)
    assert len(hints) == 1 and len(hints[0].value) <= MAX_SECTION
    long_value = card_hints("License: " + "a" * 10_000)
    assert len(long_value[0].value) <= MAX_VALUE
    for readme in (
        "",
        "---",
        "---\n" + "a: &x [*x]\n" * 10 + "---\n",
        "---\n" + "k: [" * 5000 + "\n---\n",
        "\x00\xff\ud800 License: \u202egpl\u202c",
        "---\nlincense: \u202emit\u202c\n---\n",
        "\n" * 100_000,
    ):
        for hint in card_hints(readme):
            assert "\u202e" not in hint.value  # bidi controls are dropped from values
    assert card_hints(None) == []  # type: ignore[arg-type]
