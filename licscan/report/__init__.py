"""Renderers: one module per output format.

Every renderer reads the finished scan as its schema-v1 JSON document (see
``json_report.to_json``) and nothing else, so ``licscan report SCAN.json``
re-renders a saved scan exactly as the scan itself would have.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

Document = dict[str, Any]
Renderer = Callable[[Document], str]
PieceRenderer = Callable[[Document], Iterable[str]]


# format -> (module, function); imported on first use so unused formats cost nothing.
_RENDERERS: dict[str, tuple[str, str]] = {
    "table": ("licscan.report.table", "render_table"),
    "json": ("licscan.report.json_report", "render_document"),
    "html": ("licscan.report.html", "render_html"),
    "markdown": ("licscan.report.markdown", "render_markdown"),
    "sarif": ("licscan.report.sarif", "render_sarif"),
    "spdx-json": ("licscan.report.spdx", "render_spdx_json"),
    "spdx": ("licscan.report.spdx", "render_spdx_tagvalue"),
    "cyclonedx": ("licscan.report.cyclonedx", "render_cyclonedx"),
}
FORMATS = tuple(_RENDERERS)
# Formats that also render a piece at a time (a 20,000-model document is never one string): the same text,
# since the format's renderer is these pieces joined (``render_document`` is ``jsonfmt.pretty``).
_PIECES: dict[str, tuple[str, str]] = {"json": ("licscan.jsonfmt", "pretty_chunks")}


# Formats whose libraries are an extra (`pip install 'licscan[sbom]'`): format -> (extra, module to import).
_EXTRAS: dict[str, tuple[str, str]] = {
    "spdx-json": ("sbom", "spdx_tools"),
    "spdx": ("sbom", "spdx_tools"),
    "cyclonedx": ("sbom", "cyclonedx"),
}


class MissingExtra(Exception):
    """The format needs an optional extra that is not installed."""

    def __init__(self, fmt: str, extra: str) -> None:
        super().__init__(
            f"--format {fmt} needs the {extra!r} extra, which is not installed: pip install 'licscan[{extra}]'"
        )
        self.fmt = fmt
        self.extra = extra


def check_format(fmt: str) -> None:
    """Raise MissingExtra when ``fmt``'s libraries are not installed (cheap: nothing is imported)."""
    import importlib.util

    if fmt in _EXTRAS:
        extra, module = _EXTRAS[fmt]
        if importlib.util.find_spec(module) is None:
            raise MissingExtra(fmt, extra)


def get_renderer(fmt: str, *, color: bool = False, root: str | None = None, width: int | None = None) -> Renderer:
    """The renderer for ``fmt`` (only the table takes ``color`` and ``width``, only SARIF the repository ``root``)."""
    try:
        module_name, function = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}") from None
    check_format(fmt)
    render: Callable[..., str] = getattr(importlib.import_module(module_name), function)
    if fmt == "table":
        return lambda doc: render(doc, color=color, **({"width": width} if width else {}))
    if fmt == "sarif":
        return lambda doc: render(doc, root=root)
    return render


def piece_renderer(fmt: str, render: Renderer) -> PieceRenderer:
    """``render`` (the renderer of ``fmt``) as pieces: the format's own piece renderer, else its one text."""
    if fmt in _PIECES:
        module_name, function = _PIECES[fmt]
        pieces: PieceRenderer = getattr(importlib.import_module(module_name), function)
        return pieces
    return lambda doc: (render(doc),)
