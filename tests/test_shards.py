"""A large scan split across processes (``licscan.shards``): same answers, failures contained, Ctrl-C honoured.

The processes are forked from a licscan run as a subprocess: this test process
runs the fake Hub's thread, and licscan forks only a process with no other thread.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from licscan import shards
from licscan.concurrency import AUTO_CAP, AUTO_START, Adaptive, Fixed, limiter_for
from licscan.types import DATASET, ModelRef

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="licscan forks scan processes on Linux")


@pytest.fixture
def forkable(monkeypatch: pytest.MonkeyPatch) -> None:
    # This test process has threads (pytest's, the fake Hub's); the decision is what is tested here.
    monkeypatch.setattr(shards, "_can_fork", lambda: True)


def test_small_scans_stay_in_one_process(forkable: None) -> None:
    assert shards.process_count(shards.MIN_MODELS - 1, "auto", cpus=8) == 1
    assert shards.process_count(20, 64, cpus=2) == 1


def test_large_scans_use_a_process_per_core(forkable: None) -> None:
    assert shards.process_count(5000, "auto", cpus=2) == 2
    assert shards.process_count(5000, 64, cpus=1) == 1
    assert shards.process_count(20000, "auto", cpus=16) == shards.MAX_PROCESSES
    assert shards.process_count(1200, "auto", cpus=16) == 1200 // shards.PER_PROCESS
    assert shards.process_count(5000, 1, cpus=8) == 1  # --jobs 1: one request at a time, one process


def test_the_environment_decides_when_set(forkable: None) -> None:
    assert shards.process_count(10, "auto", cpus=1, env="3") == 3
    assert shards.process_count(2, "auto", cpus=8, env="3") == 2  # never more processes than models
    assert shards.process_count(5000, "auto", cpus=8, env="1") == 1
    assert shards.process_count(5000, "auto", cpus=2, env="many") == 2  # not a number: as if unset
    assert shards.process_count(10, 2, cpus=8, env="4") == 2  # every process needs a job


def test_no_fork_where_it_is_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert shards.process_count(20000, "auto", cpus=8) == 1
    monkeypatch.setattr(sys, "platform", "linux")
    # This process runs threads (pytest's, a fake Hub's): forking it could copy a held lock.
    import threading

    started = threading.Event()
    thread = threading.Thread(target=started.wait, daemon=True)
    thread.start()
    try:
        assert shards.process_count(20000, "auto", cpus=8) == 1
    finally:
        started.set()
        thread.join()


def test_the_processes_share_the_concurrency_one_would_use() -> None:
    parts = [limiter_for(64, share=2, index=i) for i in range(2)]
    assert all(isinstance(p, Fixed) for p in parts) and sum(p.limit() for p in parts) == 64
    odd = [limiter_for(5, share=2, index=i).limit() for i in range(2)]
    assert odd == [3, 2]
    auto = limiter_for("auto", share=2, index=0)
    assert isinstance(auto, Adaptive) and auto.cap == AUTO_CAP // 2 and auto.start == AUTO_START // 2
    alone = limiter_for("auto")
    assert isinstance(alone, Adaptive) and (alone.start, alone.cap) == (AUTO_START, AUTO_CAP)


@pytest.mark.parametrize(
    ("setting", "wanted"), [(None, None), ("", None), (" 3 ", 3), ("0", 1), ("-2", 1), ("+2", 2), ("many", None)]
)
def test_one_reading_of_the_setting(setting: str | None, wanted: int | None) -> None:
    # The CLI warns exactly when this is None for a non-blank value; process_count uses the same reading.
    assert shards.requested(setting) == wanted


def test_slices_are_contiguous_and_cover_every_model() -> None:
    refs = [ModelRef(f"org/m{i}", None, "models.txt", i + 1) for i in range(7)]
    parts = shards.slices(refs, 3)
    assert [len(p) for p in parts] == [3, 2, 2]
    assert [r for p in parts for r in p] == refs


def _scan(manifest: Path, hub_url: str, home: Path, processes: int, *extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update({"HF_ENDPOINT": hub_url, "HF_HOME": str(home), shards.ENV: str(processes)})
    out = manifest.parent / f"scan-{processes}.json"
    command = [sys.executable, "-m", "licscan", "scan", str(manifest), "--no-cache", "--format", "json", "-o", str(out)]
    done = subprocess.run([*command, *extra], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 3), done.stderr
    assert "Traceback" not in done.stderr
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def test_a_scan_in_processes_answers_as_one_process_does(fake_hub: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "models.txt"
    repos = sorted(fake_hub.repo_ids)
    manifest.write_text("\n".join(repos) + "\n", encoding="utf-8")
    one = _scan(manifest, fake_hub.url, tmp_path / "home-1", 1)
    three = _scan(manifest, fake_hub.url, tmp_path / "home-3", 3)
    assert [m["repo_id"] for m in three["models"]] == [m["repo_id"] for m in one["models"]]
    assert three["models"] == one["models"]
    # Every count but the lookups: a base two slices share is asked for by both.
    lookups_one, lookups_three = one["summary"].pop("lookups"), three["summary"].pop("lookups")
    assert three["summary"] == one["summary"]
    assert lookups_three.keys() == lookups_one.keys()
    assert all(lookups_three[k] >= n for k, n in lookups_one.items())
    assert three["datasets"] == one["datasets"]


def test_a_failed_process_costs_only_its_slice(tmp_path: Path) -> None:
    # A child that raises (a licscan bug) or dies: its models are internal-error results, the others stand.
    code = textwrap.dedent(
        """
        import json, os, sys
        from licscan import shards
        from licscan.types import ModelRef, ScanResult

        refs = [ModelRef(f"org/m{i}", None, "m.txt", i + 1) for i in range(6)]

        def envelope():
            return ScanResult(models=(), manifests=("m.txt",), tool_version="t", database_version="d",
                              generated_at="now", source="test")

        def run(part, limiter, report, warn):
            warn("the cache is read-only")  # every slice says it: the parent says it once
            if part[0].repo_id == "org/m2":
                raise ZeroDivisionError("slice two exploded")
            if part[0].repo_id == "org/m4":
                os._exit(9)  # killed, say by the OOM killer
            from licscan.scan import failed_result
            report(len(part), len(part), part[0].repo_id)
            # Stand-ins for real results: failed_result needs no network; the finding tells them apart.
            return ScanResult(models=tuple(failed_result(r, None, ValueError("fine")) for r in part),
                              manifests=(), tool_version="t", database_version="d", generated_at="x",
                              source="test", lookups={"model_info": len(part)})

        seen, warned = [], []
        class Display:
            def __enter__(self): return lambda d, t, label: seen.append((d, t))
            def __exit__(self, *a): return None

        def warn_once(message):
            if message not in warned:
                warned.append(message)

        result = shards.scan_in_processes(
            refs, run, jobs="auto", processes=3, envelope=envelope, display=Display(), warn=warn_once
        )
        print(json.dumps({
            "models": [[m.ref.repo_id, m.findings[0].message] for m in result.models],
            "lookups": dict(result.lookups), "manifests": list(result.manifests), "seen": seen,
            "warned": warned, "generated_at": result.generated_at,
        }))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    models = dict(out["models"])
    assert list(models) == [f"org/m{i}" for i in range(6)]  # manifest order, every model
    assert "ValueError: fine" in models["org/m0"] and "ValueError: fine" in models["org/m1"]
    assert "ZeroDivisionError: slice two exploded" in models["org/m2"] and "licscan bug" in models["org/m3"]
    assert "ended without a result (exit 9)" in models["org/m4"] and "exit 9" in models["org/m5"]
    assert out["lookups"] == {"model_info": 2} and out["manifests"] == ["m.txt"]
    assert out["generated_at"] == "now"  # the envelope, made once the slices are in
    assert [2, 2] in out["seen"]  # the survivor's progress reached the parent's display
    assert out["warned"] == ["the cache is read-only"]


@pytest.mark.parametrize("group", [False, True], ids=["parent-only", "whole-group"])
def test_ctrl_c_stops_every_process(hostile_hub: Any, tmp_path: Path, group: bool) -> None:
    from hostilehub import Answer, info

    slow = json.dumps(info("evil/slow")).encode()
    for n in range(8):  # every fetch stuck in a trickling answer
        hostile_hub.model(f"evil/slow-{n}", Answer(body=slow, trickle=0.5))
    manifest = tmp_path / "models.txt"
    manifest.write_text("".join(f"evil/slow-{n}\n" for n in range(8)), encoding="utf-8")
    env = {**os.environ, "HF_ENDPOINT": hostile_hub.url, "HF_HOME": str(tmp_path / "hf_home"), shards.ENV: "2"}
    command = [sys.executable, "-m", "licscan", "scan", str(manifest), "--no-cache", "--timeout", "600"]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        while hostile_hub.arrived < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hostile_hub.arrived == 8, "both processes are waiting on trickling answers"
        if group:  # Ctrl-C in a terminal: every process of the foreground group
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "licscan: interrupted" in stderr and "Traceback" not in stderr
    # The parent joins its children before it exits; a terminated child may take a moment to be gone.
    deadline = time.monotonic() + 10
    while (alive := _session(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, "no scan process outlives the run"


def _session(sid: int) -> str:
    return subprocess.run(["pgrep", "-s", str(sid)], capture_output=True, text=True, check=False).stdout.strip()


def test_dataset_results_keep_their_place() -> None:
    refs = [
        ModelRef("org/a", None, "m", 1),
        ModelRef("org/d", None, "m", 2, repo_type=DATASET),
        ModelRef("org/b", None, "m", 3),
    ]
    from licscan.types import ScanResult

    envelope = ScanResult(models=(), manifests=(), tool_version="t", database_version="d", generated_at="x", source="s")
    joined = shards._join([(refs[:2], RuntimeError("x")), (refs[2:], RuntimeError("y"))], envelope)
    assert [m.ref.repo_id for m in joined.models] == ["org/a", "org/b"]
    assert [d.ref.repo_id for d in joined.datasets] == ["org/d"]
    assert all(f.code == "internal-error" for m in (*joined.models, *joined.datasets) for f in m.findings)
