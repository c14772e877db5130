"""Every bound licscan puts on what strangers write, in one place (listed in README, "Limits").

Each is far above what any real card, licence file or manifest needs, and low
enough that a hostile endpoint or file costs one model its result (or one run
an input error), never the memory, the time or the results of the rest.
"""

from __future__ import annotations

# -- what an endpoint answers (licscan.sources) --------------------------------------------------
# A model-info answer of a 100,000-file repo is about 6 MB of JSON; cards are a few KB.
INFO_WIRE_BYTES = 8 * 1024 * 1024  # model-info body as sent (compressed)
INFO_BYTES = 16 * 1024 * 1024  # ... and after decompression
# The longest real licence texts (AGPL, Llama 4) are 35 KB; large model cards reach a few hundred KB.
FILE_WIRE_BYTES = 2 * 1024 * 1024
FILE_BYTES = 2 * 1024 * 1024
ERROR_BODY_BYTES = 64 * 1024  # an error answer is read only for its message
CARD_DEPTH = 32  # nesting of card metadata (model-index, the deepest real part, is about 7)
FILES_PER_REPO = 200_000  # the Hub advises at most 100,000 files per repo
FILE_NAME_CHARS = 1024
REFS_PER_REPO = 100_000  # branches and tags of one repo (OLMo and Pythia keep a few hundred checkpoint branches)
REF_NAME_CHARS = 256
TAG_CHARS = 512
INT_DIGITS = 100  # a JSON number longer than this is no card value (and costs quadratic time to parse)

# -- licence expressions (licscan.classify) -----------------------------------------------------
EXPRESSION_CHARS = 2_000  # the longest real `license:` expressions are under 100 characters
EXPRESSION_DEPTH = 16  # parentheses nesting
EXPRESSION_OPERANDS = 64

# -- local files (manifests, includes, `detect`, `report`) ----------------------------------------
MANIFEST_BYTES = 5 * 1024 * 1024
INCLUDE_DEPTH = 32  # -r chains
INCLUDED_FILES = 1_000  # files read for one run's manifests, includes counted (diamonds included)
YAML_DEPTH = 20  # a YAML manifest nests three levels
DETECT_BYTES = 4 * 1024 * 1024  # `licscan detect FILE`
SCAN_DOCUMENT_BYTES = 64 * 1024 * 1024  # `licscan report SCAN.json` and saved baselines
SCAN_DOCUMENT_DEPTH = 16  # a scan document nests about 6 levels
