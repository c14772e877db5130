"""GGUF files: the header's ``general.base_model.N.repo_url`` names the Hub repo the weights come from.

Read with the ``gguf`` package (llama.cpp's own reader), which maps the file
and parses the key/value header and the tensor index; tensor data is never
read. ``gguf`` needs numpy, so it is an optional extra (``licscan[gguf]``):
without it, a GGUF file is skipped with a warning that says so.
"""

from __future__ import annotations

from typing import Any

from licscan.discover.hubids import hub_url_repo
from licscan.discover.model import FileFindings, Location, ModelUse, Unresolved

MAGIC = b"GGUF"


def gguf_available() -> bool:
    try:
        import gguf  # noqa: F401
    except ImportError:
        return False
    return True


def _text(field: Any) -> str | None:
    try:
        value = field.contents()
    except (AttributeError, IndexError, ValueError, TypeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, str) else None


def analyse_gguf(file: str, path: str) -> FileFindings:
    """``file`` is the path to open; ``path`` the one to report (relative to the root)."""
    try:
        with open(file, "rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        return FileFindings(warnings=(f"{path}: cannot read ({exc.strerror}); skipped",))
    if magic != MAGIC:
        return FileFindings(warnings=(f"{path}: not a GGUF file (a Git LFS pointer?); skipped",))
    try:
        from gguf import GGUFReader
    except ImportError:
        return FileFindings(warnings=(f"{path}: GGUF header not read: install licscan[gguf] (the gguf package)",))
    try:
        reader = GGUFReader(file, "r")
    except (ValueError, OSError, IndexError, KeyError, TypeError) as exc:
        return FileFindings(warnings=(f"{path}: unreadable GGUF header ({exc}); skipped",))
    fields = reader.fields
    licence = _text(fields["general.license"]) if "general.license" in fields else None
    name = _text(fields["general.name"]) if "general.name" in fields else None
    models: list[ModelUse] = []
    index = 0
    while f"general.base_model.{index}.repo_url" in fields or f"general.base_model.{index}.name" in fields:
        url = fields.get(f"general.base_model.{index}.repo_url")
        found = hub_url_repo(_text(url) or "") if url is not None else None
        if found is not None and found[2] == "model":
            note = f"GGUF header general.base_model.{index}.repo_url"
            if licence:
                note += f" (general.license: {licence[:60]})"
            models.append(ModelUse(found[0], None, Location(path, 1, note)))
        index += 1
    source = fields.get("general.source.repo_url")
    found = hub_url_repo(_text(source) or "") if source is not None else None
    if found is not None and found[2] == "model":
        models.append(ModelUse(found[0], None, Location(path, 1, "GGUF header general.source.repo_url")))
    if models:
        return FileFindings(models=tuple(models))
    what = f"GGUF weights {name!r}" if name else "GGUF weights"
    lic = f", general.license {licence!r}" if licence else ", no general.license"
    return FileFindings(unresolved=(Unresolved(path, 1, f"{what} name no Hub repo in the header{lic}"),))
