"""The Hub source under a hostile endpoint: every answer is a per-model finding, never a crash or a leak."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile_support import (
    APACHE_TEXT,
    assert_contained,
    assert_good_models_unchanged,
    assert_no_token,
    scan,
    serve_good,
)
from hostilehub import TOKEN, Answer, commit, echo_token_answer, gzip_bomb, info, json_answer, wait_until

from licscan.cli import main


def test_a_calm_scan_of_the_good_models(hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_good(hostile_hub)
    run = scan(tmp_path, monkeypatch, [])
    assert run.result.exit_code == 0, run.result.output
    assert_good_models_unchanged(run)
    assert_contained(tmp_path)
    assert_no_token(tmp_path, run.result.output)


def _deep(levels: int) -> Any:
    value: Any = "mit"
    for _ in range(levels):
        value = {"x": value}
    return value


ESCAPED = "escaped-by-sha"
MALFORMED: dict[str, tuple[Any, str]] = {
    "relative-path-sha": (info("evil/x", sha=f"../../../../{ESCAPED}"), "is not a 40-hex commit id"),
    "absolute-path-sha": (info("evil/x", sha=f"/tmp/{ESCAPED}"), "is not a 40-hex commit id"),
    "number-sha": (info("evil/x", sha=1234567), "sha is a number"),
    "missing-sha": ({k: v for k, v in info("evil/x").items() if k != "sha"}, "sha is missing"),
    "short-hex-sha": (info("evil/x", sha="abc123"), "is not a 40-hex commit id"),
    "card-list": (info("evil/x", card=["license", "mit"]), "cardData is a list, not a mapping"),
    "card-string": (info("evil/x", card="license: mit"), "cardData is a string, not a mapping"),
    "card-900-deep": (info("evil/x", card={"license": "mit", "deep": _deep(900)}), "nests deeper than 32"),
    "siblings-dict": (info("evil/x", siblings={"rfilename": "LICENSE"}), "siblings is an object, not a list"),
    "tags-string": (info("evil/x", tags="license:mit"), "tags is a string, not a list"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_model_info_fails_that_model_only(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    serve_good(hostile_hub)
    answer, message = MALFORMED[case]
    hostile_hub.model("evil/x", answer)
    run = _only_evil_failed(tmp_path, monkeypatch, "evil/x@main: malformed model info: ", message)
    assert run.model("evil/x")["revision"] is None
    assert not list(tmp_path.rglob(f"*{ESCAPED}*")) and not Path(f"/tmp/{ESCAPED}").exists()
    # Nothing was cached for the failed model: no record under any name.
    assert not list((tmp_path / "cache").rglob("evil"))


def _only_evil_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *messages: str) -> Any:
    """Scan the good models and evil/x: evil/x alone is fetch-failed (saying ``messages``), nothing leaks."""
    run = scan(tmp_path, monkeypatch, ["evil/x"])
    assert run.result.exit_code == 3, run.result.output
    assert run.model("evil/x")["class"] == "unknown"
    assert run.codes("evil/x") == {"fetch-failed"}
    for message in messages:
        assert message in run.messages("evil/x"), run.messages("evil/x")
    assert_good_models_unchanged(run)
    assert_contained(tmp_path)
    assert_no_token(tmp_path, run.result.output)
    return run


RAW: dict[str, tuple[Answer, str]] = {
    "not-an-object": (json_answer([1, 2, 3]), "the answer is a list, not a JSON object"),
    "100000-deep": (Answer(body=b"[" * 100_000 + b"]" * 100_000), "JSON nested too deep"),
    "not-json": (Answer(body=b"<html>surprise</html>"), "not valid JSON"),
    "nan": (Answer(body=b'{"sha": NaN}'), "NaN is not JSON"),
    "huge-number": (Answer(body=b'{"sha": ' + b"9" * 50_000 + b"}"), "a number of 50000 digits"),
    "not-utf8": (Answer(body=b'{"sha": "\xff\xfe"}'), "not UTF-8 (invalid start byte at byte 9)"),
    "declared-too-large": (
        Answer(body=b"{}", headers={"Content-Length": str(64 * 1024 * 1024)}, content_length=False),
        "answer of 67108864 bytes; the limit is 8388608",
    ),
    "chunked-too-large": (Answer(body=b" " * (17 * 1024 * 1024), content_length=False), "larger than"),
    "gzip-bomb": (gzip_bomb(64 * 1024 * 1024), "answer larger than 16777216 bytes"),
    "unknown-encoding": (Answer(body=b"{}", headers={"Content-Encoding": "br"}), "unsupported Content-Encoding"),
}


@pytest.mark.parametrize("case", sorted(RAW))
def test_odd_bodies_fail_that_model_only(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    serve_good(hostile_hub)
    answer, message = RAW[case]
    hostile_hub.model("evil/x", answer)
    _only_evil_failed(tmp_path, monkeypatch, message)


def test_a_pinned_commit_answered_with_another_commit_is_refused(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    asked, answered = commit("asked"), commit("answered")
    hostile_hub.model("evil/x", info("evil/x", sha=answered))
    run = scan(tmp_path, monkeypatch, [f"evil/x@{asked}"])
    assert run.codes("evil/x") == {"fetch-failed"}
    assert f"asked for commit {asked}, answered commit {answered}" in run.messages("evil/x")
    assert_good_models_unchanged(run)


def test_a_trickling_model_info_is_cut_at_the_deadline(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    body = json.dumps(info("evil/slow")).encode()
    hostile_hub.model("evil/slow", Answer(body=body, trickle=0.25))  # would take ~70 s to arrive
    run = scan(tmp_path, monkeypatch, ["evil/slow"], timeout=2)
    assert run.codes("evil/slow") == {"fetch-failed"}
    assert "gave up after" in run.messages("evil/slow")
    assert "DeadlineExceeded" in run.messages("evil/slow")
    assert_good_models_unchanged(run)

    def hung_up() -> bool:  # licscan hung up on every attempt: no answer was ever sent to the end
        seen = hostile_hub.requests("/api/models/evil/slow")
        return bool(seen) and all(not s.complete for s in seen)

    assert wait_until(hung_up)


def test_model_info_whose_headers_trickle_is_cut_at_the_deadline(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every read gets a byte well within any per-read timeout: only a deadline on the whole request ends it.
    serve_good(hostile_hub)
    body = json.dumps(info("evil/slow-headers")).encode()
    hostile_hub.model("evil/slow-headers", Answer(body=body, trickle_headers=0.25))  # ~20 s of headers
    run = scan(tmp_path, monkeypatch, ["evil/slow-headers"], timeout=2)
    assert run.codes("evil/slow-headers") == {"fetch-failed"}
    assert "gave up after" in run.messages("evil/slow-headers")
    assert "DeadlineExceeded" in run.messages("evil/slow-headers")
    assert_good_models_unchanged(run)

    def hung_up() -> bool:
        seen = hostile_hub.requests("/api/models/evil/slow-headers")
        return bool(seen) and all(not s.complete for s in seen)

    assert wait_until(hung_up)


def test_a_trickling_licence_file_costs_only_that_file(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    hostile_hub.model("evil/slow-file", info("evil/slow-file", card={}, siblings=[{"rfilename": "LICENSE"}]))
    hostile_hub.file("evil/slow-file", "LICENSE", Answer(body=APACHE_TEXT.encode(), trickle=0.25))
    run = scan(tmp_path, monkeypatch, ["evil/slow-file"], timeout=2)
    assert run.result.exit_code == 0, run.result.output
    model = run.model("evil/slow-file")
    assert model["class"] == "unknown"  # the metadata names no licence and the text could not be read
    assert {"license-missing", "file-unreadable"} <= run.codes("evil/slow-file")
    assert "LICENSE could not be read" in run.messages("evil/slow-file")
    assert_good_models_unchanged(run)


def _echoing(token: str) -> dict[str, Any]:
    card = {
        "license": "other",
        "license_name": f"licence of {token}",
        "license_link": f"https://example.com/?t={token}",
        "base_model": f"good/{token}",
        token: "a key",
        "extra_gated_prompt": f"send {token} here",
    }
    return info(
        "evil/echo",
        card=card,
        tags=[f"tag:{token}"],
        siblings=[{"rfilename": "LICENSE"}, {"rfilename": "README.md"}],
        pipeline_tag=token,
    )


def _serve_echo(hub: Any) -> None:
    hub.model("evil/echo", echo_token_answer(_echoing))
    hub.file("evil/echo", "LICENSE", Answer(body=lambda token: f"Licence text for {token}\n".encode()))
    hub.file("evil/echo", "README.md", Answer(body=lambda token: f"---\nlicense: {token}\n---\n# {token}\n".encode()))
    hub.model(
        "evil/echo-error",
        Answer(
            status=403,
            body=lambda token: json.dumps({"error": f"bad token {token}"}).encode(),
            echo_header="X-Error-Message",
        ),
    )


FORMATS = ["json", "table", "html", "markdown", "sarif", "spdx-json", "spdx", "cyclonedx"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_echoed_token_reaches_no_output(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    serve_good(hostile_hub)
    _serve_echo(hostile_hub)
    run = scan(tmp_path, monkeypatch, ["evil/echo", "evil/echo-error"], "--verify-text", fmt=fmt, timeout=1)
    assert run.result.exit_code == 3, run.result.output
    assert all(s.token == TOKEN for s in hostile_hub.requests()), hostile_hub.requests()
    output = (run.work / f"scan.{fmt}").read_text(encoding="utf-8")
    # The echoed values are there, masked (escaped as Markdown where the format is Markdown).
    assert "***" in output or "\\*\\*\\*" in output or fmt not in ("json", "html", "markdown")
    assert_no_token(tmp_path, run.result.output, output)
    assert list((tmp_path / "cache").rglob("record.json")), "the cache was written (scrubbed)"
    if fmt == "json":
        assert_good_models_unchanged(run)
        assert "403 Forbidden: token ***." in run.messages("evil/echo-error")


def test_an_echoed_token_reaches_neither_snapshot_nor_lock(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    _serve_echo(hostile_hub)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    (work / "models.txt").write_text("good/mit-model\nevil/echo\n", encoding="utf-8")
    runner = CliRunner()
    snap = runner.invoke(main, ["snapshot", "models.txt", "-o", str(work / "snap"), "--timeout", "2"])
    assert snap.exit_code == 0, snap.output
    assert (work / "snap" / "models" / "evil" / "echo").is_dir()
    lock = runner.invoke(main, ["lock", "models.txt", "--cache-dir", str(tmp_path / "cache"), "--timeout", "2"])
    assert lock.exit_code == 0, lock.output
    locked = {m["repo_id"]: m for m in json.loads((work / "models.lock").read_text(encoding="utf-8"))["models"]}
    # The lock hashes the licence text as scrubbed at the source: the token never entered it.
    scrubbed = hashlib.sha256(b"LICENSE\0Licence text for ***\n\0").hexdigest()
    assert locked["evil/echo"]["license_text_sha256"] == scrubbed
    explain = runner.invoke(main, ["explain", "evil/echo", "--cache-dir", str(tmp_path / "cache")])
    assert explain.exit_code == 0, explain.output
    assert "***" in explain.output
    assert_contained(tmp_path)
    assert_no_token(tmp_path, snap.output, lock.output, explain.output)


ESC = "\x1b[31m\x1b]0;owned\x07\x9b2J\u202e"


def test_escape_sequences_in_every_field_never_reach_the_terminal(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    card = {
        "license": f"mit{ESC}",
        "license_name": f"n{ESC}",
        "license_link": f"l{ESC}",
        "base_model": f"good/base{ESC}",
        "base_model_relation": f"r{ESC}",
    }
    hostile_hub.model("evil/esc", info("evil/esc", card=card, pipeline_tag=f"t{ESC}", gated=f"g{ESC}", tags=[ESC]))
    hostile_hub.model("evil/esc-error", Answer(status=418, body=json.dumps({"error": f"down{ESC}"}).encode()))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "models.txt").write_text("good/mit-model\nevil/esc\nevil/esc-error\n", encoding="utf-8")
    runner = CliRunner()
    cache = ["--cache-dir", str(tmp_path / "cache")]
    outputs = [
        runner.invoke(main, ["scan", "models.txt", "--timeout", "1", *cache]),
        runner.invoke(main, ["explain", "evil/esc", *cache]),
        runner.invoke(main, ["explain", "evil/esc-error", *cache]),
        runner.invoke(main, ["lock", "models.txt", "--timeout", "1", *cache]),
        runner.invoke(main, ["snapshot", "models.txt", "-o", "snap", "--timeout", "1"]),
    ]
    assert [r.exit_code for r in outputs] == [3, 0, 3, 3, 3], [r.output for r in outputs]
    assert "HTTP 418" in outputs[2].output and "mit" in outputs[1].output
    for result in outputs:
        for char in ("\x1b", "\x9b", "\x07", "\u202e"):
            assert char not in result.output, (char, result.output)


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("..\\..\\escaped-by-link", "backslash in file name"),
        ("../../escaped-by-link", "'..', '.' or an empty part in file name"),
        ("/tmp/escaped-by-link", "absolute file name"),
        ("C:escaped-by-link", "absolute file name"),
    ],
)
def test_unsafe_file_names_are_never_read_or_written(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link: str, problem: str
) -> None:
    serve_good(hostile_hub)
    siblings = [{"rfilename": link}, {"rfilename": "README.md"}]
    hostile_hub.model("evil/names", info("evil/names", card={"license_link": link}, siblings=siblings))
    hostile_hub.file("evil/names", link, APACHE_TEXT)
    run = scan(tmp_path, monkeypatch, ["evil/names"])
    assert run.result.exit_code == 0, run.result.output
    assert "file-unreadable" in run.codes("evil/names")
    assert problem in run.messages("evil/names")
    assert run.model("evil/names")["class"] == "unknown"
    assert [s for s in hostile_hub.requests("escaped-by-link")] == [], "the name never reached a URL"
    assert_good_models_unchanged(run)
    assert_contained(tmp_path)
    assert not Path("/tmp/escaped-by-link").exists()
    # The same through a snapshot: nothing written outside it, the scan still complete.
    snap = CliRunner().invoke(main, ["snapshot", "models.txt", "-o", str(run.work / "snap"), "--timeout", "2"])
    assert snap.exit_code == 0, snap.output
    assert problem in snap.output
    assert_contained(tmp_path)


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("(" * 2000 + "mit" + ")" * 2000, "4003 characters long (the limit is 2000)"),
        ("(" * 40 + "mit" + ")" * 40, "nested 40 levels deep (the limit is 16)"),
        (" OR ".join(["mit"] * 20_000), "139996 characters long"),
        (" OR ".join(["mit"] * 100), "100 operands (the limit is 64)"),
    ],
)
def test_oversized_licence_expressions_are_license_invalid(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expression: str, problem: str
) -> None:
    serve_good(hostile_hub)
    hostile_hub.model("evil/expr", info("evil/expr", card={"license": expression}))
    run = scan(tmp_path, monkeypatch, ["evil/expr"])
    assert run.model("evil/expr")["class"] == "unknown"
    assert "license-invalid" in run.codes("evil/expr")
    assert problem in run.messages("evil/expr")
    assert_good_models_unchanged(run)


def test_a_licence_file_costs_one_get_and_nothing_else(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    run = scan(tmp_path, monkeypatch, [])
    assert run.model("good/no-metadata")["license"]["id"] == "apache-2.0"
    files = [(s.method, s.path) for s in hostile_hub.requests("/resolve/")]
    sha = commit("good/no-metadata")
    assert [f for f in files if f[1].endswith("/LICENSE")] == [("GET", f"/good/no-metadata/resolve/{sha}/LICENSE")]
    assert all(method == "GET" for method, _ in files), "no HEAD request, ever"
    assert len(files) == len(set(files)), "each file once"
    assert not (tmp_path / "hf_home" / "hub").exists() or not any((tmp_path / "hf_home" / "hub").iterdir()), (
        "the client's own cache is not written"
    )


def test_only_licscan_retries_and_the_client_says_nothing(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    limited = Answer(status=429, body=b'{"error": "slow down"}', headers={"Retry-After": "0"}, repeat=1)
    limited.after = json_answer(info("evil/limited", card={"license": "mit"}))
    hostile_hub.model("evil/limited", limited)
    run = scan(tmp_path, monkeypatch, ["evil/limited"])
    assert run.result.exit_code == 0, run.result.output
    assert run.model("evil/limited")["class"] == "permissive"
    assert len(hostile_hub.requests("/api/models/evil/limited")) == 2  # one 429, one retry: a single layer
    for noise in ("Rate limited", "Retrying in", "HTTP Error 429", "%|"):
        assert noise not in run.result.output
