"""A large scan split across processes: one per core, each a whole ``scan`` of a slice.

A scan of thousands of models is CPU-bound long before the network is: each
request costs the HTTP client about a millisecond and a half of interpreter
time, each model about one more of classification, and one interpreter runs
one thread at a time. Threads cannot use a second core; processes can. So a
manifest of at least ``MIN_MODELS`` models is cut into contiguous slices (a
fine-tune and its siblings, usually listed together, share bases within a
slice), each slice scanned by a forked child with its share of ``--jobs``,
and the results are joined in manifest order. A slice's answers are the
same as a single scan's: each child fetches, follows lineage and classifies
its models exactly as ``scan`` does, so only a base two slices share is
asked for twice. A child hands its results over in one piece at the end,
and exits before the parent unpickles them: streaming them in batches
while the children build saved under a second at 20,000 models, but the
parent then grew while both children were at their largest (the summed
peak went from 270 MB to 390-400 MB), so what stays serial is the
hand-over and the parent's report.

Forking (not spawning) keeps the database, the source and every import of
the parent, at no cost. It is done only on Linux with no other thread
alive (forking a threaded process can copy a held lock); anywhere else, or
with ``LICSCAN_PROCESSES=1``, the scan runs in one process, as it always did.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from licscan.concurrency import limiter_for

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from licscan.scan import Progress
    from licscan.types import ModelRef, ScanResult

MIN_MODELS = 1000  # below: a scan takes seconds, and a process's start-up would be a real share of it
PER_PROCESS = 500  # at least this many models per process
MAX_PROCESSES = 4  # the Hub sees the same total concurrency; more processes only add start-ups
ENV = "LICSCAN_PROCESSES"  # a number: exactly that many (1: one process); unset: by cores and size
PROGRESS_SECONDS = 0.1  # a child reports its progress at most this often

# (slice, limiter, progress, warn) -> the slice's result
Run = Callable[[Sequence["ModelRef"], Any, "Progress", Callable[[str], None]], "ScanResult"]


def requested(env: str | None) -> int | None:
    """The number of processes ``LICSCAN_PROCESSES`` asks for; None when unset, blank or not a number."""
    if env is None or not env.strip():
        return None
    try:
        return max(1, int(env))
    except ValueError:
        return None


def process_count(models: int, jobs: int | str, *, cpus: int | None = None, env: str | None = None) -> int:
    """How many processes a scan of ``models`` models uses (1: no split)."""
    if not _can_fork():
        return 1
    wanted = requested(env)
    if wanted is None:
        if models < MIN_MODELS:
            return 1
        wanted = min(cpus if cpus is not None else _cpus(), MAX_PROCESSES, models // PER_PROCESS)
    if isinstance(jobs, int):
        wanted = min(wanted, jobs)  # every process needs a job of its own
    return max(1, min(wanted, models))


def slices(refs: Sequence[ModelRef], processes: int) -> list[Sequence[ModelRef]]:
    """Contiguous slices of near-equal size, in order."""
    size, extra = divmod(len(refs), processes)
    out: list[Sequence[ModelRef]] = []
    start = 0
    for i in range(processes):
        end = start + size + (1 if i < extra else 0)
        out.append(refs[start:end])
        start = end
    return out


def scan_in_processes(
    refs: Sequence[ModelRef],
    run: Run,
    *,
    jobs: int | str,
    processes: int,
    envelope: Callable[[], ScanResult],
    display: AbstractContextManager[Progress] | None = None,
    warn: Callable[[str], None] | None = None,
) -> ScanResult:
    """``run`` over each slice of ``refs`` in a forked child, joined into one result in manifest order.

    ``envelope()`` is the scan of no model (``licscan.scan.scan_envelope``: its
    manifests, versions, source, warnings and time), made once the slices are
    in: the joined result is it with every slice's models. ``display``, the
    parent's progress display, is entered only once the children are forked
    (it may start a thread, and a process is forked with none). What a child
    warns of reaches ``warn`` in the parent, so a warning said once is said
    once, not once per process.

    A child that fails (a licscan bug, killed by the system) costs only its
    slice: those models are ``internal-error`` results, the others stand.
    """
    import multiprocessing

    from licscan.heap import frozen_for_fork

    context = multiprocessing.get_context("fork")
    parts = slices(refs, processes)
    for stream in (sys.stdout, sys.stderr):  # what is buffered now would be written by every child too
        stream.flush()
    children: list[tuple[Any, Connection]] = []
    try:
        with frozen_for_fork():
            for index, part in enumerate(parts):
                mine, theirs = context.Pipe(duplex=False)
                limiter = limiter_for(jobs, share=processes, index=index)
                child = context.Process(target=_child, args=(theirs, run, part, limiter), daemon=True)
                children.append((child, mine))
                child.start()
                theirs.close()
        with display if display is not None else nullcontext() as progress:
            results = _collect(children, progress, warn)
    except BaseException:  # Ctrl-C, or a fork that failed: no child outlives the run
        for child, _ in children:
            if child.pid is not None and child.is_alive():
                child.terminate()
        raise
    finally:
        for child, conn in children:
            conn.close()
            if child.pid is not None:
                child.join(timeout=5)
    return _join(list(zip(parts, results, strict=True)), envelope())


def _child(conn: Connection, run: Run, part: Sequence[ModelRef], limiter: Any) -> None:
    """In the child: scan the slice, send the result (or what went wrong) and exit."""
    last = 0.0
    sending = threading.Lock()  # progress comes from the scan's thread, warnings from fetch threads too

    def send(message: tuple[Any, ...]) -> None:
        with sending:
            conn.send(message)

    def report(done: int, total: int, label: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS or done == total:
            last = now
            send(("progress", done, total, label))

    def warn(message: str) -> None:
        send(("warning", message))

    try:
        result = run(part, limiter, report, warn)
        send(("result", result))
    except KeyboardInterrupt:  # Ctrl-C reached the whole process group: the parent reports it
        os._exit(130)
    except BaseException as exc:  # a bug: the parent turns this slice into internal-error results
        send(("error", "".join(traceback.format_exception_only(type(exc), exc)).strip()))
    finally:
        conn.close()


def _collect(
    children: list[tuple[Any, Connection]], progress: Progress | None, warn: Callable[[str], None] | None
) -> list[ScanResult | Exception]:
    """Read every child's messages until each has sent its result or gone; a child that failed is the exception."""
    from multiprocessing.connection import wait

    index = {conn: i for i, (_, conn) in enumerate(children)}
    counts = [(0, 0)] * len(children)
    results: dict[int, ScanResult | Exception] = {}
    open_ = list(index)
    while open_:
        for ready in wait(open_):
            conn = cast("Connection", ready)
            i = index[conn]
            try:
                message: tuple[Any, ...] = conn.recv()
            except (EOFError, OSError):
                if i not in results:  # it died before sending: say how (the pipe closes a moment before it is reaped)
                    child = children[i][0]
                    child.join(timeout=5)
                    results[i] = RuntimeError(f"a scan process ended without a result (exit {child.exitcode})")
                open_.remove(conn)
                continue
            except Exception as exc:  # a result that does not unpickle costs its slice, not the scan
                results[i] = exc
                continue
            if message[0] == "progress" and progress is not None:
                counts[i] = (message[1], message[2])
                progress(sum(d for d, _ in counts), sum(t for _, t in counts), message[3])
            elif message[0] == "warning" and warn is not None:
                warn(message[1])
            elif message[0] == "result":
                results[i] = message[1]
            elif message[0] == "error":
                results[i] = RuntimeError(message[1])
    return [results[i] for i in range(len(children))]


def _join(parts: list[tuple[Sequence[ModelRef], ScanResult | Exception]], envelope: ScanResult) -> ScanResult:
    """The slices' models and datasets, in order, in ``envelope``; a failed slice's are internal-error results."""
    from licscan.scan import failed_result
    from licscan.types import DATASET

    models: list[Any] = []
    datasets: list[Any] = []
    lookups: Counter[str] = Counter()
    for part, found in parts:
        if isinstance(found, Exception):
            failed = [failed_result(ref, None, found) for ref in part]
            models.extend(r for r in failed if r.ref.repo_type != DATASET)
            datasets.extend(r for r in failed if r.ref.repo_type == DATASET)
            continue
        models.extend(found.models)
        datasets.extend(found.datasets)
        lookups.update(found.lookups)
    return replace(envelope, models=tuple(models), datasets=tuple(datasets), lookups=dict(lookups))


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - every Linux has it
        return os.cpu_count() or 1


__all__ = ["ENV", "MIN_MODELS", "process_count", "requested", "scan_in_processes", "slices"]
