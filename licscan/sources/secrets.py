"""Keeping secrets out of everything an endpoint sends back.

A hostile or careless endpoint can echo the token it was sent (in card data,
a tag, a licence file, an error body). Every value from the network passes
through one ``Scrubber`` in the Hub source before it becomes a ``ModelRecord``,
a file text or an error message, so the reports, the snapshot, the cache and
the lock never see the token, whatever renders them later.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

MASK = "***"
MIN_SECRET_CHARS = 8  # shorter "secrets" would mangle ordinary text and protect nothing
TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
_SURROGATE = re.compile("[\ud800-\udfff]")


def environment_secrets() -> list[str]:
    """The tokens the environment holds (the Action hands its ``token`` input over as ``HF_TOKEN``)."""
    return [value.strip() for name in TOKEN_VARIABLES if (value := os.environ.get(name, "")).strip()]


class Scrubber:
    """Replaces every known secret (plain and percent-encoded) by ``***``, and lone surrogates by U+FFFD.

    Lone surrogates come from JSON escapes such as ``"\\ud800"``; no output can encode them, so they
    are replaced here rather than crash a writer later.
    """

    def __init__(self, secrets: Iterable[str | None]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_CHARS:
                forms.update({secret, quote(secret, safe=""), quote(secret)})
        # Longest first, so a form that contains another is replaced whole.
        alternatives = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(f) for f in alternatives)) if alternatives else None

    def text(self, value: str) -> str:
        if self._pattern is not None:
            value = self._pattern.sub(MASK, value)
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value

    def value(self, value: Any) -> Any:
        """``value`` with every string (mapping keys included) scrubbed. Depth is bounded by the caller."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value
