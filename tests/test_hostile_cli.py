"""The CLI under hostile input: one exit code per outcome, input errors at file:line, no secret quoted,
an unusable cache costs one warning, and a crash or Ctrl-C never reads as a failed gate."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile_support import GOOD, assert_good_models_unchanged, scan, serve_good
from hostilehub import TOKEN, Answer, info

from licscan.cli import main

GOLDEN_SCAN = Path(__file__).parent / "golden" / "scan.json"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


# -- one test per exit code ------------------------------------------------------------------------


def test_exit_0_scan_complete(hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_good(hostile_hub)
    run = scan(tmp_path, monkeypatch, [])
    assert run.result.exit_code == 0, run.result.output


def test_exit_1_the_gate_failed(hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_good(hostile_hub)
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nclasses:\n  non-commercial: deny\n", encoding="utf-8")
    run = scan(tmp_path, monkeypatch, [], "--policy", str(policy))
    assert run.result.exit_code == 1, run.result.output
    assert run.model("good/nc-model")["verdict"] == "deny"


def test_exit_2_input_error_before_any_request(hostile_hub: Any, tmp_path: Path) -> None:
    bad = tmp_path / "models.txt"
    bad.write_text("good/mit-model\nnot a model\n", encoding="utf-8")
    result = invoke("scan", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2: expected one model per line, found 3 words: 'not a model'" in result.output
    assert hostile_hub.requests() == []


def test_exit_3_some_models_could_not_be_fetched(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    run = scan(tmp_path, monkeypatch, ["nobody/absent"])
    assert run.result.exit_code == 3
    assert run.codes("nobody/absent") == {"not-found"}
    assert_good_models_unchanged(run)


def test_exit_70_an_internal_error_is_a_bug_not_a_failed_gate(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import licscan.report

    def broken(fmt: str, color: bool = False, **options: Any) -> Any:  # root, width: options of 0.2
        def render(doc: dict[str, Any]) -> str:
            raise ZeroDivisionError("renderer exploded")

        return render

    serve_good(hostile_hub)
    monkeypatch.setattr(licscan.report, "get_renderer", broken)
    run = scan(tmp_path, monkeypatch, [], fmt="html")
    assert run.result.exit_code == 70
    stderr = run.result.stderr
    assert "licscan: internal error: ZeroDivisionError: renderer exploded. This is a licscan bug" in stderr
    assert "Traceback" not in stderr and "--debug" in stderr
    # The results obtained before the crash are still handed over, next to the output asked for.
    partial = run.work / "scan.html.partial.json"
    assert f"The results obtained so far are in {partial}" in stderr
    doc = json.loads(partial.read_text(encoding="utf-8"))
    assert sorted(m["repo_id"] for m in doc["models"]) == sorted(GOOD)
    # --debug adds the traceback.
    debug = CliRunner().invoke(main, ["--debug", "scan", "models.txt", "--cache-dir", str(tmp_path / "cache")])
    assert debug.exit_code == 70 and "Traceback" in debug.stderr and "ZeroDivisionError" in debug.stderr


def test_exit_130_on_ctrl_c_promptly(hostile_hub: Any, tmp_path: Path) -> None:
    slow = json.dumps(info("evil/slow")).encode()
    for n in range(8):  # every worker stuck in a trickling answer
        hostile_hub.model(f"evil/slow-{n}", Answer(body=slow, trickle=0.5))
    manifest = tmp_path / "models.txt"
    manifest.write_text("".join(f"evil/slow-{n}\n" for n in range(8)), encoding="utf-8")
    env = {**os.environ, "HF_ENDPOINT": hostile_hub.url, "HF_HOME": str(tmp_path / "hf_home")}
    command = [sys.executable, "-m", "licscan", "scan", str(manifest), "--no-cache", "--timeout", "600"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while hostile_hub.arrived < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hostile_hub.arrived == 8, "every worker is waiting on a trickling answer"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)  # well before any 600 s timeout: the fetches stop at once
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "licscan: interrupted" in stderr and "Traceback" not in stderr


def test_help_documents_every_exit_code() -> None:
    result = invoke("--help")
    for line in ("0    scan complete", "1    the policy gate failed", "70   internal error", "130  interrupted"):
        assert line in result.output


# -- manifests and local files ---------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self/environ"])
def test_manifests_and_includes_read_only_regular_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    result = invoke("scan", target)
    assert result.exit_code == 2
    assert f"{target}: not a regular file (a system pseudo-file)" in result.output
    include = tmp_path / "models.txt"
    include.write_text(f"good/mit-model\n-r {target}\n", encoding="utf-8")
    result = invoke("scan", str(include), "--allow-outside-includes")
    assert result.exit_code == 2
    assert f"{include}:2: {target}: not a regular file" in result.output
    assert TOKEN not in result.output


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "models.txt"
    os.mkfifo(fifo)
    result = invoke("scan", str(fifo))
    assert result.exit_code == 2 and f"{fifo}: not a regular file" in result.output
    assert invoke("detect", str(fifo)).exit_code == 2


def test_includes_stay_inside_the_manifests_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    (tmp_path / "outside.txt").write_text("good/nc-model\n", encoding="utf-8")
    (repo / "common.txt").write_text("good/mit-model\n", encoding="utf-8")
    manifest = repo / "sub" / "models.txt"
    manifest.write_text("-r ../common.txt\n-r ../../outside.txt\n", encoding="utf-8")
    result = invoke("snapshot", str(manifest), "-o", str(tmp_path / "snap"))  # every manifest reader has the rule
    assert result.exit_code == 2
    assert f"{manifest}:2: -r {repo / 'sub' / '../../outside.txt'}: outside the manifest's repository" in result.output
    assert "--allow-outside-includes" in result.output
    (repo / "sub" / "link.txt").symlink_to(tmp_path / "outside.txt")  # a symlink does not leave either
    manifest.write_text("-r link.txt\n", encoding="utf-8")
    assert "outside the manifest's repository" in invoke("lock", str(manifest)).output


def test_allow_outside_includes(hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_good(hostile_hub)
    (tmp_path / "outside.txt").write_text("good/llama-base\n", encoding="utf-8")
    run = scan(tmp_path, monkeypatch, ["-r ../outside.txt"])
    assert run.result.exit_code == 2 and "outside the manifest's repository" in run.result.output
    run = scan(tmp_path, monkeypatch, ["-r ../outside.txt"], "--allow-outside-includes")
    assert run.result.exit_code == 0, run.result.output
    assert run.model("good/llama-base")["manifest"]["path"].endswith("outside.txt")
    assert_good_models_unchanged(run)


def test_an_included_secret_file_is_never_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    (tmp_path / ".env").write_text(f"HF_TOKEN={TOKEN}\nexport OTHER='secret value'\n", encoding="utf-8")
    manifest = tmp_path / "models.txt"
    manifest.write_text("-r .env\n", encoding="utf-8")
    result = invoke("scan", str(manifest))
    assert result.exit_code == 2
    assert f"{tmp_path / '.env'}:1: not a model reference" in result.output
    assert "the line is not shown" in result.output
    assert TOKEN not in result.output and "HF_TOKEN=" not in result.output
    (tmp_path / ".env").write_text("export OTHER='secret value'\n", encoding="utf-8")
    result = invoke("scan", str(manifest))
    assert "found 3 words" in result.output and "secret value" not in result.output


def test_symlink_loops_deep_chains_and_fan_outs_are_input_errors(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    result = invoke("scan", str(loop))
    assert result.exit_code == 2 and "symlink loop" in result.output
    for n in range(1200):
        (tmp_path / f"m{n}.txt").write_text(f"-r m{n + 1}.txt\n", encoding="utf-8")
    result = invoke("scan", str(tmp_path / "m0.txt"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'm32.txt'}:1: -r {tmp_path / 'm33.txt'}: includes nested more than 32 deep" in result.output
    for n in range(12):  # each file includes the next twice: 4,096 reads without a cap
        (tmp_path / f"f{n}.txt").write_text(f"-r f{n + 1}.txt\n-r f{n + 1}.txt\n", encoding="utf-8")
    (tmp_path / "f12.txt").write_text("good/mit-model\n", encoding="utf-8")
    result = invoke("scan", str(tmp_path / "f0.txt"))
    assert result.exit_code == 2 and "more than 1000 manifest files read" in result.output


def test_yaml_depth_and_duplicate_keys_are_input_errors(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("models:\n" + "  " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    result = invoke("scan", str(deep))
    assert result.exit_code == 2 and f"{deep}:2: nested deeper than 20 levels" in result.output
    twice = tmp_path / "twice.yaml"
    twice.write_text("models:\n  - good/a\nmodels:\n  - good/b\n", encoding="utf-8")
    result = invoke("scan", str(twice))
    assert result.exit_code == 2 and f"{twice}:3: 'models' given twice (first at line 1)" in result.output


def test_detect_reads_bounded_regular_files(tmp_path: Path) -> None:
    result = invoke("detect", "/dev/zero")
    assert result.exit_code == 2 and "/dev/zero: not a regular file" in result.output
    big = tmp_path / "LICENSE"
    big.write_bytes(b"x" * (4 * 1024 * 1024 + 1))
    result = invoke("detect", str(big))
    assert result.exit_code == 2 and "larger than the 4 MiB limit" in result.output


# -- licscan report trusts no saved scan -----------------------------------------------------------


def _saved(tmp_path: Path, change: Any) -> Path:
    doc = json.loads(GOLDEN_SCAN.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["models"][0].update({"class": "\x1b[31mevil"}), "$.models[0].class: "),
        (lambda d: d["models"][0]["license"].update({"source": "[x](javascript:alert(1))"}), "is not a Hub repo id"),
        (lambda d: d["models"][0]["license"].update({"id": "mit\nPackageName: injected"}), "is not a licence id"),
        (lambda d: d["models"][0].update({"findings": {"code": "x"}}), "$.models[0].findings: expected a list"),
        (lambda d: d["summary"].update({"models": "3"}), "$.summary.models: expected an integer"),
        (lambda d: d["models"][0].update({"verdict": "maybe"}), "is not one of allow, review, deny"),
        (lambda d: d.update({"warnings": [[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]}), "nested deeper than 16"),
    ],
)
def test_report_refuses_a_tampered_scan(tmp_path: Path, change: Any, message: str) -> None:
    result = invoke("report", str(_saved(tmp_path, change)), "--format", "spdx")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "\x1b" not in result.stderr


def test_report_of_very_deep_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = invoke("report", str(path))
    assert result.exit_code == 2 and "nested too deep" in result.stderr


def test_report_renders_a_valid_saved_scan(tmp_path: Path) -> None:
    result = invoke("report", str(_saved(tmp_path, lambda d: None)), "--format", "markdown")
    assert result.exit_code == 0, result.output


# -- the cache is an optimisation ------------------------------------------------------------------


def test_a_cache_folder_that_cannot_be_created_costs_one_warning(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / hostile_hub.url.split("://", 1)[1].replace(":", "%3A")).write_text("in the way")
    run = scan(tmp_path, monkeypatch, [])
    assert run.result.exit_code == 0, run.result.output
    assert run.result.stderr.count("licscan: warning: cannot use the cache folder") == 1
    assert_good_models_unchanged(run)


def test_a_cache_that_cannot_be_written_costs_one_warning(
    hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_good(hostile_hub)
    endpoint_dir = tmp_path / "cache" / hostile_hub.url.split("://", 1)[1].replace(":", "%3A")
    endpoint_dir.mkdir(parents=True)
    (endpoint_dir / "models").write_text("a file in the way", encoding="utf-8")
    run = scan(tmp_path, monkeypatch, [])
    assert run.result.exit_code == 0, run.result.output
    assert run.result.stderr.count("licscan: warning: cannot write to the cache folder") == 1
    assert_good_models_unchanged(run)


def test_a_corrupt_cache_entry_is_refetched(hostile_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_good(hostile_hub)
    first = scan(tmp_path, monkeypatch, [])
    for record in (tmp_path / "cache").rglob("record.json"):
        record.write_text('{"repo_id": "x", "sha": "../../etc", "card_data": []}', encoding="utf-8")
    again = scan(tmp_path, monkeypatch, [])
    assert again.result.exit_code == 0, again.result.output
    assert again.doc == {**first.doc, "generated_at": again.doc["generated_at"]} if first.doc and again.doc else False
