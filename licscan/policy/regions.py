"""Region codes: ISO 3166-1 alpha-2 and ``EU``, and whether two lists overlap.

``EU`` stands for its member states, so a product offered in ``DE`` meets a
licence restriction on ``EU``, and one offered in ``EU`` meets a restriction
on ``FR``.

Codes are checked against the ``iso3166`` package's table of assigned
alpha-2 codes (not a shape test: ``XX`` and ``UK`` are not countries), and a
code that is not one gets a did-you-mean: its upper-case form, the country
an alpha-3 code or an English name stands for (``USA``, ``Germany``), or the
assigned code of a reserved one (``UK``).
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
# Codes people write that ISO 3166 reserves for another country's assigned code: UK is "exceptionally
# reserved" for the United Kingdom (GB); EL is the EU's own code for Greece (GR). ISO itself assigns
# neither, so no table of assigned codes can answer them.
_RESERVED = {"UK": "GB", "EL": "GR"}


def valid_region(code: str) -> bool:
    """An assigned ISO 3166-1 alpha-2 code, in upper case, or ``EU``."""
    if code == EU:
        return True
    if not _CODE.match(code):
        return False
    import iso3166  # lazy: only policies with regions need the table

    return code in iso3166.countries_by_alpha2


def suggest_region(code: str) -> str | None:
    """The valid code ``code`` was probably meant to be, or None."""
    text = code.strip()
    upper = text.upper()
    if upper != code and valid_region(upper):
        return upper
    if upper in _RESERVED:
        return _RESERVED[upper]
    import iso3166

    # Alpha-3 ("USA"), numeric ("276") or the English name ("Germany"): the table's own lookup.
    try:
        return iso3166.countries.get(text).alpha2
    except (KeyError, ValueError):
        pass
    if upper in ("EUROPE", "EUROPEAN UNION"):
        return EU
    return None


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
