"""Walking the Markdown body of a model card (README.md): past its YAML front matter, outside code fences."""

from __future__ import annotations

from collections.abc import Iterator


def body_start(lines: list[str]) -> int:
    """The index of the first line after the YAML front matter (0 when there is none): the Hub reads that."""
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0


def prose_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, line) of every body line outside a code fence (fences themselves included): code says nothing."""
    fenced = False
    for number in range(body_start(lines), len(lines)):
        line = lines[number]
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line
