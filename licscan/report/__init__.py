"""Renderers: one module per output format.

Every renderer reads the finished scan as its schema-v1 JSON document (see
``json_report.to_json``) and nothing else, so ``licscan report SCAN.json``
re-renders a saved scan exactly as the scan itself would have.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Document = dict[str, Any]
Renderer = Callable[[Document], str]


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


def get_renderer(fmt: str, *, color: bool = False) -> Renderer:
    """The renderer for ``fmt`` (only the table takes ``color``)."""
    try:
        module_name, function = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}") from None
    render: Callable[..., str] = getattr(importlib.import_module(module_name), function)
    if fmt == "table":
        return lambda doc: render(doc, color=color)
    return render
