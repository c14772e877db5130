"""Which licences count as open for a MOF component: a reviewed table, keyed by SPDX id and licscan id.

MOF accepts, per component type, OSI-approved licences for code, open-data
licences for data and weights, open-content licences for documentation, and
OpenMDW for all of them. licscan reads any of these as ``open`` for every
component (the issue of "type-appropriate" licences is MOT's warning, not a
condition of openness), and anything else as not open: a permissive licence
class is not enough (WTFPL, Apple's sample-code licence and the many
"permissive" model licences are neither OSI-approved nor open-data).

Sources: the SPDX licence list's ``isOsiApproved`` flags; the Open Knowledge
Foundation's conformant open-data licences; the MOF specification and the
Model Openness Tool's licence catalogue; OpenMDW 1.0 (SPDX ``OpenMDW-1.0``)
and 1.1. A licence missing here reads as not open (the grade errs low):
add it, with its basis, when it is reviewed.
"""

from __future__ import annotations

from licscan.types import License, LicenseClass

OSI = "OSI-approved"
OPEN_DATA = "open-data licence"
OPENMDW = "OpenMDW"
# How evidence lines say it: "apache-2.0 is OSI-approved".
PHRASE = {OSI: "OSI-approved", OPEN_DATA: "an open-data licence", OPENMDW: "the OpenMDW licence"}

def _ids(text: str) -> frozenset[str]:
    """A table written as whitespace-separated ids (easier to review than a list of quoted strings)."""
    return frozenset(text.split())


# SPDX ids the OSI has approved (SPDX licence list, isOsiApproved). Deprecated bare GPL ids are listed
# too, since older SPDX data still uses them.
_OSI_APPROVED = _ids(
    """
    0BSD AAL AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0 AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later APL-1.0
    APSL-1.0 APSL-1.1 APSL-1.2 APSL-2.0 Apache-1.1 Apache-2.0 Artistic-1.0 Artistic-1.0-Perl Artistic-1.0-cl8
    Artistic-2.0 BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-3-Clause BSD-3-Clause-LBNL BSL-1.0
    BlueOak-1.0.0 CAL-1.0 CAL-1.0-Combined-Work-Exception CATOSL-1.1 CDDL-1.0 CECILL-2.1 CERN-OHL-P-2.0
    CERN-OHL-S-2.0 CERN-OHL-W-2.0 CNRI-Python CPAL-1.0 CPL-1.0 CUA-OPL-1.0 ECL-1.0 ECL-2.0 EFL-1.0 EFL-2.0
    EPL-1.0 EPL-2.0 EUDatagrid EUPL-1.1 EUPL-1.2 Entessa Fair Frameworx-1.0 GPL-2.0 GPL-2.0-only
    GPL-2.0-or-later GPL-3.0 GPL-3.0-only GPL-3.0-or-later HPND ICU IPA IPL-1.0 ISC Intel LGPL-2.0
    LGPL-2.0-only LGPL-2.0-or-later LGPL-2.1 LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0-only
    LGPL-3.0-or-later LPL-1.0 LPL-1.02 LPPL-1.3c LiLiQ-P-1.1 LiLiQ-R-1.1 LiLiQ-Rplus-1.1 MIT MIT-0
    MIT-Modern-Variant MPL-1.0 MPL-1.1 MPL-2.0 MPL-2.0-no-copyleft-exception MS-PL MS-RL MirOS Motosoto
    MulanPSL-2.0 Multics NASA-1.3 NCSA NGPL NPOSL-3.0 NTP Naumen Nokia OCLC-2.0 OFL-1.1 OFL-1.1-RFN
    OFL-1.1-no-RFN OGTSL OLDAP-2.8 OSET-PL-2.1 OSL-1.0 OSL-2.0 OSL-2.1 OSL-3.0 PHP-3.0 PHP-3.01 PostgreSQL
    Python-2.0 QPL-1.0 RPL-1.1 RPL-1.5 RPSL-1.0 RSCPL SISSL SPL-1.0 SimPL-2.0 Sleepycat UCL-1.0 UPL-1.0
    Unicode-3.0 Unicode-DFS-2016 Unlicense VSL-1.0 W3C Watcom-1.0 Xnet ZPL-2.0 ZPL-2.1 Zlib
    """
)

# Open-data (and open-content) licences by SPDX id: Creative Commons BY and BY-SA, the public-domain
# tools, Open Data Commons, the Linux Foundation's CDLA, and governments' open licences the OKF lists.
_OPEN_DATA = _ids(
    """
    CC-BY-1.0 CC-BY-2.0 CC-BY-2.5 CC-BY-2.5-AU CC-BY-3.0 CC-BY-3.0-AT CC-BY-3.0-AU CC-BY-3.0-DE CC-BY-3.0-IGO
    CC-BY-3.0-NL CC-BY-3.0-US CC-BY-4.0 CC-BY-SA-1.0 CC-BY-SA-2.0 CC-BY-SA-2.0-UK CC-BY-SA-2.1-JP CC-BY-SA-2.5
    CC-BY-SA-3.0 CC-BY-SA-3.0-AT CC-BY-SA-3.0-DE CC-BY-SA-3.0-IGO CC-BY-SA-4.0 CC0-1.0 CC-PDDC PDDL-1.0
    ODC-By-1.0 ODbL-1.0 CDLA-Permissive-1.0 CDLA-Permissive-2.0 CDLA-Sharing-1.0 OGL-UK-3.0 OGL-Canada-2.0
    etalab-2.0 DL-DE-BY-2.0 DL-DE-ZERO-2.0 NLOD-1.0 NLOD-2.0
    """
)

# licscan ids whose entry has no exact SPDX id but whose licence is certain: Hub "family" ids that in
# practice name one version (odbl and odc-by are only ever 1.0), every LGPL (all OSI-approved), OpenMDW.
_BY_ID: dict[str, str] = {
    "odbl": OPEN_DATA,
    "odc-by": OPEN_DATA,
    "pddl": OPEN_DATA,
    "lgpl": OSI,
    "openmdw-1.0": OPENMDW,
    "openmdw-1.1": OPENMDW,
}


def open_basis(lic: License) -> str | None:
    """Why ``lic`` counts as open (OSI-approved, open-data licence, OpenMDW), or None when it does not.

    A Hub family id (``gpl``, ``bsd``, ``cc``) names no single licence, so it is not open unless every
    member is (``lgpl``); its class is checked too, so that a table entry can never lift a licence the
    database reads as restricted.
    """
    if lic.license_class in (LicenseClass.NON_COMMERCIAL, LicenseClass.OPEN_WEIGHTS_RESTRICTED, LicenseClass.UNKNOWN):
        return None
    if lic.id in _BY_ID:
        return _BY_ID[lic.id]
    if lic.family or not lic.spdx_id:
        return None
    if lic.spdx_id.startswith("OpenMDW-"):
        return OPENMDW
    if lic.spdx_id in _OSI_APPROVED:
        return OSI
    if lic.spdx_id in _OPEN_DATA:
        return OPEN_DATA
    return None
