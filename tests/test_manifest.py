"""Manifest readers: requirements-style text and YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from licscan.errors import InputError
from licscan.manifest import read_manifest, read_manifests

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_text_manifest_reads_ids_revisions_comments_and_urls(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "models.txt",
        "# models we ship\n"
        "\n"
        "meta-llama/Llama-3.1-8B-Instruct\n"
        f"mistralai/Mistral-7B-v0.1@{COMMIT}   # pinned\n"
        "https://huggingface.co/google/gemma-2-9b\n"
        "https://huggingface.co/Qwen/Qwen2.5-7B/tree/v1.0\n"
        "gpt2@refs/pr/1\n",
    )
    refs = read_manifest(path)
    assert [(r.repo_id, r.revision, r.line) for r in refs] == [
        ("meta-llama/Llama-3.1-8B-Instruct", None, 3),
        ("mistralai/Mistral-7B-v0.1", COMMIT, 4),
        ("google/gemma-2-9b", None, 5),
        ("Qwen/Qwen2.5-7B", "v1.0", 6),
        ("gpt2", "refs/pr/1", 7),
    ]
    assert all(r.path == str(path) for r in refs)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("org/name/extra", "more than one '/'"),
        ("org/na me", "one model per line"),
        ("org/name@", "empty revision"),
        ("org/name@bad..rev", "not a valid branch"),
        ("-x something", "unknown option"),
        ("org/-name", "may not start or end"),
        ("org/na--me", "'--'"),
        # A dataset URL is a dataset line since issue 14 (tests/test_datasets_manifest.py); a Space is neither.
        ("https://huggingface.co/spaces/org/app", "spaces are neither models nor datasets"),
        ("datasets/org/data/extra", "more than one '/'"),
        ("datasets/", "must be followed by a dataset id"),
        ("org/näme", "not a Hub repo id"),
        ("-r", "needs a file name"),
    ],
)
def test_text_manifest_errors_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, "models.txt", "ok/model\n\n" + line + "\n")
    with pytest.raises(InputError) as info:
        read_manifest(path)
    assert info.value.path == str(path)
    assert info.value.line == 3
    assert message in info.value.message
    assert str(info.value).startswith(f"{path}:3: ")


def test_includes_are_relative_to_the_including_file(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub, "more.txt", "b/two\n-r ../last.yaml\n")
    write(tmp_path, "last.yaml", "models:\n  - repo: c/three\n")
    main = write(tmp_path, "models.txt", "a/one\n-r sub/more.txt\n")
    refs = read_manifest(main)
    assert [r.repo_id for r in refs] == ["a/one", "b/two", "c/three"]
    assert refs[1].path.endswith("more.txt") and refs[1].line == 1


def test_include_cycles_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "-r a.txt\n")
    a = write(tmp_path, "a.txt", "x/y\n-r b.txt\n")
    with pytest.raises(InputError, match="include cycle"):
        read_manifest(a)


def test_missing_include_names_the_file(tmp_path: Path) -> None:
    a = write(tmp_path, "a.txt", "-r nowhere.txt\n")
    with pytest.raises(InputError, match="no such manifest file"):
        read_manifest(a)


def test_duplicates_are_scanned_once_with_a_warning(tmp_path: Path) -> None:
    a = write(tmp_path, "a.txt", "x/y\nX/Y\nx/y@v1\n")
    refs, warnings = read_manifests([a])
    assert [str(r) for r in refs] == ["x/y", "x/y@v1"]
    assert len(warnings) == 1 and f"{a}:2" in warnings[0] and f"{a}:1" in warnings[0]


def test_yaml_manifest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "models.yaml",
        "version: 1\nmodels:\n"
        "  - repo: meta-llama/Llama-3.2-1B\n    revision: main\n    note: chat\n"
        "  - google/gemma-2-9b@v2\n"
        f"  - repo: https://huggingface.co/a/b\n    revision: {COMMIT}\n",
    )
    refs = read_manifest(path)
    assert [(r.repo_id, r.revision, r.line, r.note) for r in refs] == [
        ("meta-llama/Llama-3.2-1B", "main", 3, "chat"),
        ("google/gemma-2-9b", "v2", 6, ""),
        ("a/b", COMMIT, 7, ""),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("models:\n  - repo: a/b\n    revison: main\n", 3, "did you mean 'revision'"),
        ("model:\n  - a/b\n", 1, "did you mean 'models'"),
        ("models: {a: b}\n", 1, "must be a list"),
        ("models:\n  - note: x\n", 2, "without 'repo'"),
        ("models:\n  - repo: [a, b]\n", 2, "plain value"),
        ("models:\n  - repo: a/b\n  - repo: 'bad id'\n", 3, "not a Hub repo id"),
        ("models:\n  - [unclosed\n", 3, "invalid YAML"),
        ("- a/b\n", 1, "must be a mapping"),
        ("version: 2\nmodels: []\n", 1, "unsupported manifest version"),
        ("models:\n  - repo: a/b@v1\n    revision: v2\n", 2, "revision given twice"),
    ],
)
def test_yaml_manifest_errors(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, "m.yml", text)
    with pytest.raises(InputError) as info:
        read_manifest(path)
    assert message in info.value.message
    assert info.value.line == line


def test_yaml_anchor_bomb_is_not_expanded(tmp_path: Path) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    path = write(tmp_path, "bomb.yaml", bomb + "models: *j\n")
    with pytest.raises(InputError, match="unknown key 'a'"):
        read_manifest(path)
    path = write(tmp_path, "bomb2.yaml", "models:\n  - repo: *x\n" + bomb.replace("a: &a", "x: &x"))
    with pytest.raises(InputError):
        read_manifest(path)


def test_non_utf8_and_huge_files(tmp_path: Path) -> None:
    path = tmp_path / "bin.txt"
    path.write_bytes(b"a/b\n\xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_manifest(path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"#" * (6 * 1024 * 1024))
    with pytest.raises(InputError, match="limit"):
        read_manifest(big)


def test_empty_manifests_give_no_models(tmp_path: Path) -> None:
    assert read_manifest(write(tmp_path, "e.txt", "# nothing\n")) == []
    assert read_manifest(write(tmp_path, "e.yaml", "")) == []
