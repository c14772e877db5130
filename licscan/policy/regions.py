"""Region codes: ISO 3166-1 alpha-2 and ``EU``, and whether two lists overlap.

``EU`` stands for its member states, so a product offered in ``DE`` meets a
licence restriction on ``EU``, and one offered in ``EU`` meets a restriction
on ``FR``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EU = "EU"
# The 27 member states (ISO codes; Greece is GR, not the EU's own "EL").
# fmt: off
EU_MEMBERS = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})
# fmt: on
_CODE = re.compile(r"^[A-Z]{2}$")


def valid_region(code: str) -> bool:
    """Two upper-case letters (ISO 3166-1 alpha-2 shape) or ``EU``."""
    return bool(_CODE.match(code))


def expand(regions: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for code in regions:
        code = code.strip().upper()
        out.add(code)
        if code == EU:
            out |= EU_MEMBERS
    return frozenset(out)


def overlap(ours: Iterable[str], restricted: Iterable[str]) -> tuple[str, ...]:
    """Regions of ``ours`` that fall under ``restricted`` (as written in ``ours``)."""
    hit = expand(restricted)
    return tuple(code for code in ours if expand([code]) & hit)
