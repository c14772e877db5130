"""Jupyter notebooks: code cells read as Python (locations are lines of the .ipynb file), ``!``/``%%bash`` as shell.

Markdown cells and outputs are never read: a model named in prose or in a
printed result is not a use.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
from collections.abc import Callable

from licscan.discover.model import FileFindings
from licscan.discover.python import analyse_python, might_use
from licscan.discover.shell import analyse_shell_lines

_SHELL_CELL = re.compile(r"^\s*%%(?:bash|sh|script\s+(?:bash|sh))\b")
_MAGIC = re.compile(r"^\s*(?:[!%]|\w+\s*=\s*!)")


def _source_lines(raw: str, cells: list[dict[str, object]]) -> list[list[tuple[str, int]]]:
    """Each cell's source as (text, line in the .ipynb file) pairs.

    The parsed JSON has no positions, so each cell's ``"source"`` value is
    found in the raw text, in order, and checked by decoding it there.
    """
    newlines = [i for i, c in enumerate(raw) if c == "\n"]

    def line_at(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    decoder = json.JSONDecoder()
    out: list[list[tuple[str, int]]] = []
    cursor = 0
    for cell in cells:
        source = cell.get("source", "")
        pairs: list[tuple[str, int]] = []
        pattern = re.compile(r'"source"\s*:\s*')
        while True:
            match = pattern.search(raw, cursor)
            if match is None:
                break
            start = match.end()
            try:
                value, end = decoder.raw_decode(raw, start)
            except ValueError:
                cursor = start
                continue
            cursor = end
            if value != source:
                continue
            if isinstance(value, list):
                position = start + 1
                for element in value:
                    while position < len(raw) and raw[position] in " \t\r\n,":
                        position += 1
                    _, element_end = decoder.raw_decode(raw, position)
                    pairs.append((str(element), line_at(position)))
                    position = element_end
            else:
                # One string: its lines all sit on the line where it starts (written as "a\nb").
                text = str(value)
                pairs = [(part + "\n", line_at(start)) for part in text.split("\n")]
            break
        out.append(pairs)
    return out


def analyse_notebook(raw: str, path: str) -> FileFindings:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        return FileFindings(warnings=(f"{path}: not a readable notebook (invalid JSON: {exc}); skipped",))
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return FileFindings(warnings=(f"{path}: not a notebook (no cells list); skipped",))
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    try:
        sources = _source_lines(raw, code)
    except ValueError:
        return FileFindings(warnings=(f"{path}: broken notebook source; skipped",))
    python: list[tuple[str, int]] = []
    shell: list[tuple[str, int]] = []
    for pairs in sources:
        if pairs and _SHELL_CELL.match(pairs[0][0]):
            shell.extend(pairs[1:])
            continue
        for text, line in pairs:
            if _MAGIC.match(text):
                command = re.sub(r"^\s*(?:\w+\s*=\s*)?[!%]+\s*", "", text)
                shell.append((command, line))
                python.append(("\n", line))  # keep the line count, drop the magic
            else:
                python.append((text if text.endswith("\n") else text + "\n", line))
        python.append(("\n", pairs[-1][1] if pairs else 1))
    findings = [analyse_shell_lines(shell, path)] if shell else []
    source = "".join(text for text, _ in python)
    if might_use(source):
        findings.append(_analyse_cells(source, python, path, sources))
    return merge(findings)


def _analyse_cells(source: str, python: list[tuple[str, int]], path: str,
                   sources: list[list[tuple[str, int]]]) -> FileFindings:
    # Logical line n of the joined source is python[n - 1]; a text element may hold several physical lines.
    physical: list[int] = []
    for text, line in python:
        physical.extend([line] * max(1, text.count("\n")))

    def line_of(n: int) -> int:
        return physical[n - 1] if 0 < n <= len(physical) else (physical[-1] if physical else 1)

    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        where = line_of(exc.lineno or 1)
        warning = f"{path}:{where}: Python syntax error in a code cell ({exc.msg}); that cell skipped"
        cells = _cell_by_cell(path, sources)
        return merge([FileFindings(warnings=(warning,)), cells])
    return analyse_python(source, path, line_of, tree=tree)


def _cell_by_cell(path: str, sources: list[list[tuple[str, int]]]) -> FileFindings:
    """A cell that does not parse costs only itself: the others are read one by one."""
    results: list[FileFindings] = []
    for pairs in sources:
        kept = [("\n" if _MAGIC.match(t) else (t if t.endswith("\n") else t + "\n"), n) for t, n in pairs]
        text = "".join(t for t, _ in kept)
        physical: list[int] = []
        for t, n in kept:
            physical.extend([n] * max(1, t.count("\n")))
        found = analyse_python(text, path, _mapper(physical))
        results.append(FileFindings(found.models, found.datasets, found.apis, found.unresolved))
    return merge(results)


def _mapper(physical: list[int]) -> Callable[[int], int]:
    def line_of(n: int) -> int:
        return physical[n - 1] if 0 < n <= len(physical) else (physical[-1] if physical else 1)

    return line_of


def merge(parts: list[FileFindings]) -> FileFindings:
    return FileFindings(
        models=tuple(m for p in parts for m in p.models),
        datasets=tuple(d for p in parts for d in p.datasets),
        apis=tuple(a for p in parts for a in p.apis),
        unresolved=tuple(u for p in parts for u in p.unresolved),
        warnings=tuple(w for p in parts for w in p.warnings),
    )
