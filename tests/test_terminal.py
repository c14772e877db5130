"""The terminal: a table that fits, one progress line on a TTY, a heartbeat in CI logs, a summary line with -o.

The pseudo-terminal test runs ``licscan scan`` in a subprocess whose stderr is
a pty (as a developer's shell is) against the loopback fake Hub, so the real
huggingface_hub client runs and any bar of its own would show.
"""

from __future__ import annotations

import io
import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_reports import GOLDEN, hostile_document, load_scan

from licscan.cli import main
from licscan.cli import progress as progress_module
from licscan.cli.progress import ProgressDisplay, heartbeat_line
from licscan.report.table import render_table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = [str(ROOT / "examples/models.txt"), "--snapshot", str(ROOT / "examples/snapshot")]


# -- the table -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [120, 100, 80, 60])
@pytest.mark.parametrize("source", ["golden", "hostile"])
def test_the_table_fits_its_width(width: int, source: str) -> None:
    doc = load_scan() if source == "golden" else hostile_document()
    text = render_table(doc, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    header = text.splitlines()[0].split()
    assert header == ["#", "MODEL", "VERDICT", *(["CLASS"] if width >= 80 else []), "LICENCE", "WHY"]


def test_the_verdict_and_its_reason_are_visible() -> None:
    lines = render_table(load_scan()).splitlines()
    flux = next(i for i, line in enumerate(lines) if "black-forest-labs/FLUX.1-dev" in line)
    row = " ".join(" ".join(line.split()) for line in lines[flux : flux + 3])
    assert row.startswith("10 black-forest-labs/FLUX.1-dev DENY non-commercial")
    assert "class non-commercial (deny)" in row and "[exception-" in row
    gemma = next(line for line in lines if "google/gemma-2-9b-it" in line)
    assert " REVIEW " in gemma and "class open-weights-restricted" in " ".join(lines)


def test_the_scan_table_is_120_columns_on_the_example() -> None:
    args = ["scan", *EXAMPLE, "--policy", str(ROOT / "examples/licscan.policy.yaml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120
    assert lines[0].split() == ["#", "MODEL", "VERDICT", "CLASS", "LICENCE", "WHY"]
    assert any(line.startswith("13  black-forest-labs/FLUX.1-dev") and " DENY " in line for line in lines)


# -- the summary line with -o ----------------------------------------------------------------------------


def test_a_failing_gate_with_o_says_so_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = [
        "scan",
        *EXAMPLE,
        "--policy",
        str(ROOT / "examples/licscan.policy.yaml"),
        "--format",
        "html",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"licscan: 20 models: 17 allow, 3 deny; gate FAILED (fail on deny); html report written to {out}\n"
    )


def test_the_summary_line_without_a_policy_and_against_a_baseline(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    first = CliRunner().invoke(main, ["scan", *EXAMPLE, "--format", "json", "-o", str(base)])
    assert first.exit_code == 0
    assert first.stderr == (
        "licscan: 20 models: 7 permissive, 10 open-weights-restricted, 3 non-commercial; no policy, no gate; "
        f"json report written to {base}\n"
    )
    again = tmp_path / "again.md"
    result = CliRunner().invoke(
        main, ["scan", *EXAMPLE, "--baseline", str(base), "--format", "markdown", "-o", str(again)]
    )
    assert result.exit_code == 0
    assert result.stderr.endswith(
        f"against {base}: 0 added, 0 changed, 0 removed; no policy, no gate; markdown report written to {again}\n"
    )


def test_report_and_notice_summarise_too(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = CliRunner().invoke(main, ["report", str(GOLDEN / "scan.json"), "--format", "markdown", "-o", str(out)])
    assert result.stderr == (
        f"licscan: 18 models: 8 allow, 3 review, 7 deny; 2 could not be fetched; 5 datasets: 1 allow, 1 review, "
        f"3 deny; markdown report written to {out}\n"
    )
    notice = tmp_path / "NOTICE.md"
    result = CliRunner().invoke(main, ["notice", str(GOLDEN / "scan.json"), "-o", str(notice)])
    assert result.stderr == (
        "licscan: 8 models ship; 10 are left out (7 denied, 3 waiting for legal review); "
        f"markdown notice written to {notice}\n"
    )


# -- progress: heartbeat and bar -------------------------------------------------------------------------


def test_the_heartbeat_prints_a_line_per_interval_off_a_terminal() -> None:
    stream = io.StringIO()
    with ProgressDisplay(stream, tty=False, interval=0.05) as show:
        show(3, 10, "org/a@main")
        time.sleep(0.18)
        show(7, 12, "org/b@main")
        time.sleep(0.08)
    lines = stream.getvalue().splitlines()
    assert len(lines) >= 3
    assert all(
        re.fullmatch(r"licscan: \d+/\d+ requests done after \d+s \(last: org/[ab]@main\)", line) for line in lines
    )
    assert lines[-1].startswith("licscan: 7/12 requests done")
    assert "\r" not in stream.getvalue()  # a log gets whole lines, never redraws


def test_no_heartbeat_for_a_short_scan_and_a_readable_line() -> None:
    stream = io.StringIO()
    with ProgressDisplay(stream, tty=False, interval=5) as show:
        show(1, 1, "org/a@main")
    assert stream.getvalue() == ""
    assert (
        heartbeat_line(120, 480, "org/x@main", 70.4) == "licscan: 120/480 requests done after 1m 10s (last: org/x@main)"
    )


def test_the_bar_is_redrawn_in_place_and_cleared() -> None:
    stream = io.StringIO()
    with ProgressDisplay(stream, tty=True) as show:
        for done in range(1, 6):
            show(done, 5 + done, f"org/model-{done}@main")
    text = stream.getvalue()
    assert "licscan [" in text and "org/model-" in text
    assert "\n" not in text  # redrawn with carriage returns, never scrolled
    assert text.endswith("\r")  # and cleared at the end: nothing stale stays behind
    assert text.rsplit("\r", 2)[-2].strip() == ""


def test_a_slow_scan_in_ci_shows_the_heartbeat(fake_hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "HEARTBEAT_SECONDS", 0.1)
    fake_hub.latency = 0.15
    manifest = tmp_path / "models.txt"
    manifest.write_text("mistralai/Mistral-7B-v0.1\nmicrosoft/phi-2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", str(manifest), "--no-cache", "--jobs", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    beats = [line for line in result.stderr.splitlines() if line.startswith("licscan: ")]
    assert beats and all(re.fullmatch(r"licscan: \d+/\d+ requests done after \d+s( \(last: .+\))?", b) for b in beats)
    assert json.loads(result.stdout)["summary"]["models"] == 2  # stdout stays the report alone


def run_on_a_pty(argv: list[str], env: dict[str, str], columns: int = 80) -> tuple[int, bytes]:
    """Run ``argv`` with stdin, stdout and stderr on a pseudo-terminal of ``columns``; its exit code and output."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            out += data
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_only_licscan_draws_and_it_clears_its_line(fake_hub: Any, tmp_path: Path) -> None:
    fake_hub.latency = 0.02
    out = tmp_path / "scan.json"
    env = {
        **os.environ,
        "HF_ENDPOINT": fake_hub.url,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_CACHE": str(tmp_path / "hf" / "hub"),
        "LICSCAN_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm",
    }
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "licscan", "scan", str(ROOT / "examples/models.txt"), "--verify-text"]
    code, raw = run_on_a_pty([*argv, "--no-cache", "--format", "json", "-o", str(out)], env, columns=80)
    assert code == 0, raw[-2000:]
    text = raw.decode("utf-8", errors="replace")
    assert "licscan [" in text  # licscan's own bar was drawn
    # Every redraw starts with a carriage return and stays within the 80 columns: the line never wraps.
    frames = [frame for frame in text.split("\r") if frame.startswith("licscan [")]
    assert frames
    assert all(len(frame) <= 80 for frame in frames), max(frames, key=len)
    # Nothing else reached the terminal: no huggingface_hub bar (not even the blank line it leaves per file),
    # no stale "[500/500]" line; only the cleared bar and the one summary line.
    assert text.endswith("\r\n")  # the summary line (the terminal turns its "\n" into "\r\n")
    before, summary = text[:-2].rsplit("\r", 1)
    assert "\n" not in before, before[-500:]
    assert "%|" not in text and "it/s" not in text and "B/s" not in text
    assert before.rsplit("\r", 1)[-1].strip() == ""  # the cleared line
    assert summary.strip().startswith("licscan: 20 models: ")
    assert summary.strip().endswith(f"json report written to {out}")


def all_commands() -> list[list[str]]:
    import click

    out: list[list[str]] = [[]]
    for name, command in main.commands.items():
        out.append([name])
        if isinstance(command, click.Group):
            out += [[name, sub] for sub in command.commands]
    return out


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "licscan")
def test_every_command_has_examples_in_its_help(path: list[str]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    start = lines.index("  Examples:")
    examples = [line.strip() for line in lines[start + 1 :] if line.startswith("    licscan ")]
    assert examples, result.stdout
    assert all(example.startswith("licscan ") for example in examples)
