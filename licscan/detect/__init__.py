"""Text detection: which licence a text is, how much of it, and what was changed.

Pure functions over strings and the licence database; no network. The
fingerprints in ``license_db/fingerprints/`` are read on first use.
"""

from licscan.detect.card import Hint, card_hints
from licscan.detect.engine import Candidate, Detection, detect_text
from licscan.detect.fingerprint import Fingerprints, default_fingerprints, load_fingerprints
from licscan.detect.normalize import normalize
from licscan.detect.report import detection_evidence, detection_findings

__all__ = [
    "Candidate",
    "Detection",
    "Fingerprints",
    "Hint",
    "card_hints",
    "default_fingerprints",
    "detect_text",
    "detection_evidence",
    "detection_findings",
    "load_fingerprints",
    "normalize",
]
