"""Renderers: one module per output format, each reading a finished ScanResult."""

from __future__ import annotations

from collections.abc import Callable

from licscan.types import ScanResult

Renderer = Callable[[ScanResult], str]


def get_renderer(fmt: str, *, color: bool = False) -> Renderer:
    """The renderer for ``fmt``; imported lazily so unused formats cost nothing."""
    if fmt == "json":
        from licscan.report.json_report import render_json

        return render_json
    if fmt == "table":
        from licscan.report.table import render_table

        return lambda result: render_table(result, color=color)
    raise ValueError(f"unknown format {fmt!r}")


FORMATS = ("table", "json")
