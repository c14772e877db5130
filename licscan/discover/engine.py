"""One discovery run: list the files, read each once, hand it to its reader, merge what they found.

Bad input never stops the run: a file too large, binary, undecodable,
unreadable, a symlink loop or a syntax error is skipped with a warning that
names it, and every other file is still read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from licscan.discover.model import (
    ApiUse,
    DatasetUse,
    DiscoveredApi,
    DiscoveredDataset,
    DiscoveredModel,
    Discovery,
    FileFindings,
    Location,
    ModelUse,
    Unresolved,
)
from licscan.discover.walk import kind_of, list_files

MAX_BYTES = 5 * 1024 * 1024
# A notebook's size is mostly its outputs (images as base64), which are never read: its code is worth the parse.
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_SNIFF = 8192
PARALLEL_FROM = 400  # files: below this, starting worker processes costs more than it saves


def _readers() -> dict[str, Callable[[str, str], FileFindings]]:
    from licscan.discover.configs import analyse_json, analyse_toml, analyse_yaml
    from licscan.discover.javascript import analyse_javascript
    from licscan.discover.modelfile import analyse_modelfile
    from licscan.discover.notebook import analyse_notebook
    from licscan.discover.python import analyse_python
    from licscan.discover.shell import analyse_dockerfile, analyse_env_file, analyse_procfile, analyse_shell

    return {
        "python": lambda text, path: analyse_python(text, path),
        "notebook": analyse_notebook,
        "yaml": analyse_yaml,
        "json": analyse_json,
        "toml": analyse_toml,
        "shell": analyse_shell,
        "dockerfile": analyse_dockerfile,
        "procfile": analyse_procfile,
        "env": analyse_env_file,
        "modelfile": analyse_modelfile,
        "javascript": analyse_javascript,
    }


def read_text(full: str, relative: str, limit: int = MAX_BYTES) -> tuple[str | None, str | None]:
    """(text, None) or (None, warning) for one file: size, binary, encoding and OS errors are warnings."""
    try:
        size = os.stat(full).st_size
        if size > limit:
            return None, f"{relative}: {size} bytes, over the {limit // (1024 * 1024)} MB limit; skipped"
        with open(full, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return None, f"{relative}: symlink loop; skipped"
        return None, f"{relative}: cannot read ({exc.strerror or exc}); skipped"
    if b"\0" in data[:_SNIFF]:
        return None, f"{relative}: binary file; skipped"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, f"{relative}: not UTF-8 text ({exc.reason} at byte {exc.start}); skipped"


def analyse_file(full: str, relative: str, kind: str, readers: dict[str, Callable[[str, str], FileFindings]]
                 ) -> FileFindings:
    if kind == "gguf":
        from licscan.discover.ggufheader import analyse_gguf

        return analyse_gguf(full, relative)
    if kind == "json":
        from licscan.discover.configs import skip_json

        if skip_json(relative):
            return FileFindings()
    text, warning = read_text(full, relative, MAX_NOTEBOOK_BYTES if kind == "notebook" else MAX_BYTES)
    if text is None:
        return FileFindings(warnings=(warning,) if warning else ())
    try:
        return readers[kind](text, relative)
    except RecursionError:
        return FileFindings(warnings=(f"{relative}: nested too deeply to read; skipped",))
    except Exception as exc:  # a reader's bug must cost this file only, never the run
        return FileFindings(warnings=(f"{relative}: could not be analysed ({type(exc).__name__}: {exc}); skipped",))


@lru_cache(maxsize=1)
def _worker_readers() -> dict[str, Callable[[str, str], FileFindings]]:
    return _readers()


def _job(job: tuple[str, str, str]) -> FileFindings:
    """One file, in a worker process (module level, so it pickles)."""
    return analyse_file(job[0], job[1], job[2], _worker_readers())


def _run(jobs: list[tuple[str, str, str]], workers: int | None) -> list[FileFindings]:
    """Every file's findings, in order: in worker processes for a large tree (files are independent)."""
    count = workers if workers is not None else (os.cpu_count() or 1) if len(jobs) >= PARALLEL_FROM else 1
    if count > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forkserver/spawn, not fork: the caller may run threads (a server, a progress bar) that fork would copy.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        try:
            with ProcessPoolExecutor(max_workers=min(count, 8), mp_context=context) as pool:
                return list(pool.map(_job, jobs, chunksize=max(1, min(256, len(jobs) // (count * 8)))))
        except (OSError, RuntimeError, ImportError):
            pass  # no worker processes here (a sandbox without semaphores): read the files in this process
    readers = _readers()
    return [analyse_file(full, shown, kind, readers) for full, shown, kind in jobs]


def discover(paths: Iterable[Path], workers: int | None = None) -> Discovery:
    """Discover every use under ``paths`` (folders or files). Locations are relative to the one PATH given,
    or to the working directory when there are several. ``workers``: processes (default: one per core for a
    large tree)."""
    roots = list(paths)
    jobs: list[tuple[str, str, str]] = []
    warnings: list[str] = []
    count = 0
    single = len(roots) == 1
    for root in roots:
        prefix = "" if single else _prefix(root)
        listing: list[str] = []
        if root.is_file() or (root.is_symlink() and not root.is_dir()):
            files = [root.name]
            base = root.parent
        elif root.is_dir():
            files, listing = list_files(root)
            base = root
        else:
            warnings.append(f"{root}: no such file or folder")
            continue
        warnings.extend(prefix + w for w in listing)
        for relative in files:
            kind = kind_of(relative)
            if kind is None:
                continue
            count += 1
            jobs.append((os.path.join(base, relative), prefix + relative, kind))
    parts = _run(jobs, workers)
    label = str(roots[0]) if single else "."
    return merge_findings(parts, label, warnings, count, tuple(str(r) for r in roots))


def _prefix(root: Path) -> str:
    base = root.parent if root.is_file() else root
    relative = os.path.relpath(base).replace(os.sep, "/")
    return "" if relative == "." else relative.rstrip("/") + "/"


def _locations(items: Iterable[Location]) -> tuple[Location, ...]:
    seen: dict[tuple[str, int], Location] = {}
    for location in items:
        seen.setdefault((location.path, location.line), location)
    return tuple(sorted(seen.values(), key=lambda loc: (loc.path, loc.line)))


def merge_findings(parts: list[FileFindings], root: str, warnings: list[str] | None = None, files: int = 0,
                   roots: tuple[str, ...] = ()) -> Discovery:
    """Group every file's uses: one model per (repo, revision), one API per (provider, model, serving)."""
    models: dict[tuple[str, str | None], list[ModelUse]] = {}
    datasets: dict[tuple[str, str | None], list[DatasetUse]] = {}
    apis: dict[tuple[str, str | None, str], list[ApiUse]] = {}
    unresolved: dict[tuple[str, int, str], Unresolved] = {}
    notes = list(warnings or [])
    for part in parts:
        for model in part.models:
            models.setdefault((model.repo_id.lower(), model.revision), []).append(model)
        for dataset in part.datasets:
            datasets.setdefault((dataset.repo_id.lower(), dataset.revision), []).append(dataset)
        for api in part.apis:
            apis.setdefault((api.provider, api.model, api.serving), []).append(api)
        for item in part.unresolved:
            unresolved.setdefault((item.path, item.line, item.reason), item)
        notes.extend(part.warnings)
    return Discovery(
        root=root,
        models=tuple(
            DiscoveredModel(uses[0].repo_id, key[1], _locations(u.location for u in uses))
            for key, uses in sorted(models.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        ),
        apis=tuple(
            DiscoveredApi(key[0], key[1], key[2], _locations(u.location for u in uses))
            for key, uses in sorted(apis.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2]))
        ),
        datasets=tuple(
            DiscoveredDataset(uses[0].repo_id, key[1], _locations(u.location for u in uses))
            for key, uses in sorted(datasets.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        ),
        unresolved=tuple(sorted(unresolved.values(), key=lambda u: (u.path, u.line, u.reason))),
        warnings=tuple(dict.fromkeys(notes)),
        files=files,
        roots=roots if len(roots) > 1 else (),
    )
