"""Renderers: one module per output format.

Every renderer reads the finished scan as its schema-v1 JSON document (see
``json_report.to_json``) and nothing else, so ``licscan report SCAN.json``
re-renders a saved scan exactly as the scan itself would have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    if fmt == "html":
        from licscan.report.html import render_html

        return render_html
    if fmt == "markdown":
        from licscan.report.markdown import render_markdown

        return render_markdown
    if fmt == "sarif":
        from licscan.report.sarif import render_sarif

        return render_sarif
    if fmt == "spdx-json":
        from licscan.report.spdx import render_spdx_json

        return render_spdx_json
    if fmt == "spdx":
        from licscan.report.spdx import render_spdx_tagvalue

        return render_spdx_tagvalue
    if fmt == "cyclonedx":
        from licscan.report.cyclonedx import render_cyclonedx

        return render_cyclonedx
    raise ValueError(f"unknown format {fmt!r}")


FORMATS = ("table", "json", "html", "markdown", "sarif", "spdx-json", "spdx", "cyclonedx")
