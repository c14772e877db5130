"""Licence name matching (``licscan.names.name_key`` and ``LicenseDB.lookup``): the spellings real cards use meet
their licence, and nothing else does.

Each spelling below is one a card, a LICENSE title or a gate prompt really writes (``license_name``, a
``License:`` line, a licence's own title). The negatives pin the rules that keep a fragment from naming a licence
it does not name: ``llama`` alone is LLaMA 1 (the most restrictive reading, by design), ``apache`` never reaches
Apache-1.1, and a version never rounds to another version.
"""

from __future__ import annotations

import pytest

from licscan.licensedb import LicenseDB, load_database
from licscan.names import name_key


@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return load_database()


def resolved(db: LicenseDB, name: str) -> str | None:
    found = db.lookup(name)
    return found.id if found else None


# ---------------------------------------------------------------- the key itself


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("Llama 3.1", "llama3.1"),
        ("llama-3.1", "llama3.1"),
        ("llama3.1", "llama3.1"),
        ("llama_3_1", "llama3.1"),  # a separator between two digits is a version dot
        ("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT", "llama3.1community"),
        ("Llama™ 3", "llama3"),  # NFKC would turn the sign into "tm"
        ("The GLM-4 License", "glm4"),
        ("license: mit", "mit"),
        ("LICENCE-MIT", "mit"),
        ("DEEPSEEK LICENSE AGREEMENT Version 1.0", "deepseek1"),
        ("DeepSeek License Agreement v1.0", "deepseek1"),
        ("Academic Free License v. 3.0", "academicfree3"),
        ("Apache License, Version 2.0", "apache2"),
        ("apache-2.0-license", "apache2"),
        ("Open Weights Permissive License Version 1.0.0", "openweightspermissive1"),
        ("Community Data License Agreement – Permissive – Version 2.0", "communitydatapermissive2"),
        ("Unlicense", "unlicense"),  # "license" is only dropped as a whole word
        ("sublicense", "sublicense"),
        ("the license", ""),
        ("", ""),
    ],
)
def test_name_key(value: str, key: str) -> None:
    assert name_key(value) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.1", "11"),  # digits keep their grouping
        ("1.1.0", "11.0"),
        ("2.0.1", "2.1"),  # only closing ".0" groups are dropped
        ("2.05", "2.5"),
        ("llama 3.1", "llama 3"),
        ("llama 3.1", "llama 3.2"),
        ("cc-by-2.0", "cc-by-2.5"),
        ("1.0b", "1b"),  # ".0" glued to a word is kept
        ("community", ""),
        ("research", ""),
    ],
)
def test_versions_never_round_to_another(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_key_ignores_hostile_characters() -> None:
    assert name_key("llama\x003") == "llama3"
    assert name_key("  \u2122 ") == ""


# ---------------------------------------------------------------- spellings cards use


@pytest.mark.parametrize(
    ("name", "license_id"),
    [
        # Llama, every version spelling
        ("llama2", "llama2"),
        ("llama-2", "llama2"),
        ("Llama 2", "llama2"),
        ("LLAMA 2 COMMUNITY LICENSE AGREEMENT", "llama2"),
        ("Llama 2 Community License", "llama2"),
        ("llama3", "llama3"),
        ("Meta Llama 3", "llama3"),
        ("META LLAMA 3 COMMUNITY LICENSE AGREEMENT", "llama3"),
        ("llama3.1", "llama3.1"),
        ("llama-3.1", "llama3.1"),
        ("Llama 3.1", "llama3.1"),
        ("llama3_1", "llama3.1"),
        ("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT", "llama3.1"),
        ("Llama 3.1 Community License", "llama3.1"),
        ("meta-llama-3.1", "llama3.1"),
        ("llama3.2", "llama3.2"),
        ("Llama 3.2 Community License Agreement", "llama3.2"),
        ("llama-3.3", "llama3.3"),
        ("Llama 3.3 Community License Agreement", "llama3.3"),
        ("llama4", "llama4"),
        ("Llama 4 Community License Agreement", "llama4"),
        ("llama-license", "llama1"),
        # DeepSeek under its version-specific names
        ("deepseek", "deepseek"),
        ("deepseek-license", "deepseek"),
        ("DeepSeek License Agreement", "deepseek"),
        ("DEEPSEEK LICENSE AGREEMENT Version 1.0", "deepseek"),
        ("DeepSeek License Agreement v1.0", "deepseek"),
        ("deepseek-license-agreement-1.0", "deepseek"),
        ("deepseek-la-1.0", "deepseek"),
        # Falcon
        ("tii-falcon-2.0", "falcon-llm-license"),
        ("falcon-llm-license", "falcon-llm-license"),
        ("falcon-mamba-7b-tii-license", "falcon-mamba-7b-tii-license"),
        ("falcon-mamba-license", "falcon-mamba-7b-tii-license"),
        ("falcon-180b-license", "falcon-180b-tii-license-1.0"),
        ("FALCON 180B TII LICENSE VERSION 1.0", "falcon-180b-tii-license-1.0"),
        # Qwen
        ("qwen", "qwen"),
        ("qwen-license", "qwen"),
        ("Qwen LICENSE AGREEMENT", "qwen"),
        ("tongyi-qianwen", "tongyi-qianwen"),
        ("Tongyi Qianwen LICENSE AGREEMENT", "tongyi-qianwen"),
        ("qwen-research", "qwen-research"),
        # others
        ("gemma", "gemma"),
        ("Gemma Terms of Use", "gemma"),
        ("MRL-0.1", "mrl"),
        ("Mistral AI Research License", "mrl"),
        ("MNPL-0.1", "mnpl"),
        ("Mistral AI Non-Production License", "mnpl"),
        ("GNU General Public License v3.0", "gpl-3.0"),
        ("GPL v3", "gpl-3.0"),
        ("MIT License", "mit"),
        ("The MIT License", "mit"),
        ("Apache License 2.0", "apache-2.0"),
        ("Apache License, Version 2.0", "apache-2.0"),
        ("apache2", "apache-2.0"),
        ("CC-BY-NC-4.0 licence", "cc-by-nc-4.0"),
    ],
)
def test_card_spellings(db: LicenseDB, name: str, license_id: str) -> None:
    assert resolved(db, name) == license_id


@pytest.mark.parametrize(
    ("name", "license_id"),
    [
        ("llama", "llama1"),  # bare family word: LLaMA 1's research licence, the most restrictive reading
        ("Llama License", "llama1"),
        ("apache", "apache-2.0"),  # the Hub's apache id is 2.0
        ("apache-1.1", "apache-1.1"),  # in the database since the classic licences were added
        ("lppl-1.2", None),  # LPPL 1.2 is not in the database (1.3c is): never the nearest version
        ("LaTeX Project Public License 1.2", None),
        ("llama 3.4", None),  # a version that does not exist is unknown, never the nearest one
        ("llama 3.0.1", None),
        ("llama 31", None),
        ("llama-2-7b", None),  # a model name is not a licence name
        ("Llama 3.1 8B Instruct", None),
        ("deepseek 2.0", None),
        ("DeepSeek License Agreement v2.0", None),
        ("cc-by-nc-5.0", None),
        ("gpl-3.1", None),
        ("qwen 2.5", None),
        ("Qwen Community License", None),  # a newer Qwen licence is not the 2024 Qwen licence
        ("falcon", None),
        ("falcon-2.0", None),
        ("mistral", None),
        ("gemma 2", None),
        ("tii", None),
        ("community", None),
        ("license", None),
        ("", None),
    ],
)
def test_fragments_and_other_versions_do_not_match(db: LicenseDB, name: str, license_id: str | None) -> None:
    assert resolved(db, name) == license_id
