"""Renderers: one module per output format.

Every renderer reads the finished scan as its schema-v1 JSON document (see
``json_report.to_json``) and nothing else, so ``licscan report SCAN.json``
re-renders a saved scan exactly as the scan itself would have.
"""

from __future__ import annotations

from typing import Any, Callable

Document = dict[str, Any]
Renderer = Callable[[Document], str]


def get_renderer(fmt: str, *, color: bool = False) -> Renderer:
    """The renderer for ``fmt``; imported lazily so unused formats cost nothing."""
    if fmt == "json":
        from licscan.report.json_report import render_document

        return render_document
    if fmt == "table":
        from licscan.report.table import render_table

        return lambda doc: render_table(doc, color=color)
    raise ValueError(f"unknown format {fmt!r}")


FORMATS = ("table", "json")
