"""One safe, fast YAML loader for data files and card front matter.

libyaml's CSafeLoader is about ten times faster than the pure-Python
SafeLoader and just as safe (no Python object tags); PyYAML built without
libyaml falls back to SafeLoader.
"""

from __future__ import annotations

from typing import Any

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def safe_load(text: str | bytes) -> Any:
    """Parse one YAML document with the safe loader (what ``yaml.safe_load`` does, faster)."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
