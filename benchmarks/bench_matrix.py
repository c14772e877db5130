"""The scale matrix of ``bench_scan.py --matrix`` (see that file's docstring)."""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lowcpu_hub import running, synthetic_repos


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux ``/proc/<pid>/task/<tid>/children``)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the process ended meanwhile
                todo.extend(int(c) for c in task.read_text().split())
    return found


def _pss_kib(pid: int) -> int:
    """Proportional set size: a page shared by the forked processes counts once in their sum."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


# Reading smaps_rollup walks a process's page tables: at ten times a second, three processes of 200 MB
# cost the benchmark about 4 s of CPU over a 20,000-model scan, taken from the scan on a 2-core machine.
SAMPLE_SECONDS = 0.5


class TreeMemory:
    """Peak of the summed PSS of a process and its children, sampled every ``SAMPLE_SECONDS``: the
    memory a scan split across processes takes (``ru_maxrss`` is only its largest process's)."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, sum(_pss_kib(p) for p in _tree(self.pid)))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 1024


def run_licscan(
    url: str, manifest: Path, jobs: str, src: Path, cache: Path | None, python: str = sys.executable
) -> tuple[float, float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB of its largest process, peak PSS MiB of all its processes, exit code)
    of one ``licscan scan`` in a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    # A fresh client home each run: huggingface_hub's own file cache would otherwise answer later runs.
    home = tempfile.mkdtemp(prefix="hf-home-", dir=manifest.parent)
    env.update({"HF_ENDPOINT": url, "PYTHONPATH": str(src), "HF_HOME": home})
    cmd = [
        python,
        "-m",
        "licscan",
        "scan",
        str(manifest),
        "--jobs",
        jobs,
        "--format",
        "json",
        "-o",
        os.devnull,
        "--timeout",
        "600",
    ]
    cmd += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    start = time.perf_counter()
    # cwd: ``python -m`` puts the working directory first on sys.path, ahead of PYTHONPATH.
    proc = subprocess.Popen(cmd, env=env, cwd=manifest.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    memory = TreeMemory(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, memory.stop(), proc.returncode


def reference(url: str, requests: list[tuple[str, str]], jobs: int, processes: int = 1) -> tuple[float, float]:
    """(wall s, CPU s) of a minimal client making exactly ``requests``, ``jobs`` at a time, over one pool.

    Run in a process of its own, as licscan is: in this one it would share the interpreter lock with the
    server's thread, and look slower than it is. With ``processes`` > 1, the requests are dealt out to that
    many such clients at once, ``jobs`` shared between them: what the machine allows a client that uses
    its cores as a split licscan scan does (``licscan.shards``).
    """
    files = []
    for index in range(processes):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(requests[index::processes], handle)
        files.append(handle.name)
    try:
        start = time.perf_counter()
        clients = [
            subprocess.Popen(
                [sys.executable, "-c", _REFERENCE, url, name, str(max(1, jobs // processes))],
                stdout=subprocess.PIPE,
                text=True,
            )
            for name in files
        ]
        outs = [client.communicate()[0].split() for client in clients]
        wall = time.perf_counter() - start
    finally:
        for name in files:
            os.unlink(name)
    if any(client.returncode for client in clients):
        raise RuntimeError("a reference client failed")
    if processes == 1:
        wall = float(outs[0][0])  # its own timing, without the interpreter's start-up
    return wall, sum(float(out[1]) for out in outs)


def licscan_processes(src: Path, python: str, size: int, jobs: str) -> int:
    """How many processes the measured licscan splits a scan of ``size`` models into (1 before it could)."""
    code = (
        "import sys\ntry:\n    from licscan import shards\nexcept ImportError:\n    print(1)\n"
        f"else:\n    print(shards.process_count({size}, {jobs if jobs.isdigit() else repr(jobs)}))"
    )
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([python, "-c", code], env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
    return int(out.stdout.strip() or 1)


# Plain threads over one connection pool of the HTTP library huggingface_hub uses, nothing else.
_REFERENCE = """
import json, resource, sys, time
from concurrent.futures import ThreadPoolExecutor
try:
    import httpx2 as httpx
except ImportError:
    import httpx
url, path, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
requests = json.load(open(path))
client = httpx.Client(limits=httpx.Limits(max_connections=jobs, max_keepalive_connections=jobs), timeout=600)
def one(request):
    return client.request(request[0], url + request[1]).content
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
start, start_cpu = time.perf_counter(), cpu()
with ThreadPoolExecutor(max_workers=jobs) as pool:
    list(pool.map(one, requests))
print(time.perf_counter() - start, cpu() - start_cpu)
"""


def supports_auto(src: Path, python: str) -> bool:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [python, "-m", "licscan", "scan", "--help"], env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True
    )
    return "auto" in out.stdout


def matrix(
    sizes: list[int], jobs_list: list[str], latency: float, src: Path, warm: bool, python: str = sys.executable
) -> None:
    auto = supports_auto(src, python)
    print(f"licscan at {src} ({python}); low-CPU Hub, {latency * 1000:.0f} ms latency per answer")
    header = (
        f"{'models':>6} {'jobs':>5} {'run':<5} {'reqs':>6} {'floor s':>8} {'ref s':>7} {'licscan s':>9} "
        f"{'x floor':>7} {'x ref':>6} {'cpu ms/model':>12} {'ref cpu':>7} {'rss MiB':>8} {'all MiB':>8} {'exit':>4}"
        f" {'procs':>5} {'ref/p s':>7} {'x ref/p':>7}"
    )
    print(header)
    for size in sizes:
        repos, names = synthetic_repos(size)
        with tempfile.TemporaryDirectory(prefix="licscan-bench-") as tmp, running(repos, latency) as hub:
            manifest = Path(tmp) / "models.txt"
            manifest.write_text("\n".join(names) + "\n")
            shas = {r.repo_id: r.sha for r in repos}
            pinned = Path(tmp) / "pinned.txt"
            pinned.write_text("\n".join(f"{n}@{shas[n]}" for n in names) + "\n")
            for jobs in jobs_list:
                if jobs == "auto" and not auto:
                    continue
                hub.log.clear()
                wall, cpu, rss, tree, code = run_licscan(hub.url, manifest, jobs, src, None, python)
                made = list(hub.log)
                concurrency = 64 if jobs == "auto" else int(jobs)  # auto's cap: the best it may reach
                floor = math.ceil(len(made) / concurrency) * latency
                ref, ref_cpu = reference(hub.url, made, concurrency)
                procs = licscan_processes(src, python, size, jobs)
                split = f"{'-':>7} {'-':>7}"
                if procs > 1:  # the same requests, dealt out to as many clients as licscan has processes
                    ref_split, _ = reference(hub.url, made, concurrency, procs)
                    split = f"{ref_split:>7.1f} {wall / ref_split:>7.2f}"
                print(
                    f"{size:>6} {jobs:>5} {'cold':<5} {len(made):>6} {floor:>8.1f} {ref:>7.1f} {wall:>9.1f} "
                    f"{wall / floor:>7.2f} {wall / ref:>6.2f} {cpu * 1000 / size:>12.2f} {ref_cpu * 1000 / size:>7.2f} "
                    f"{rss:>8.0f} {tree:>8.0f} {code:>4} {procs:>5} {split}",
                    flush=True,
                )
                if not warm:
                    continue
                cache = Path(tmp) / f"cache-{jobs}"
                run_licscan(hub.url, pinned, jobs, src, cache, python)  # fills the cache
                hub.log.clear()
                wall, cpu, rss, tree, code = run_licscan(hub.url, pinned, jobs, src, cache, python)
                print(
                    f"{size:>6} {jobs:>5} {'warm':<5} {len(hub.log):>6} {'-':>8} {'-':>7} {wall:>9.1f} "
                    f"{'-':>7} {'-':>6} {cpu * 1000 / size:>12.2f} {'-':>7} {rss:>8.0f} {tree:>8.0f} {code:>4}"
                    f" {procs:>5}",
                    flush=True,
                )
