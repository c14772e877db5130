"""Whether a model is multimodal, from the Hub's pipeline tag and tags.

The Llama 3.2 EU clause binds only its multimodal models, so a region rule
needs to know. Only the model's own record is read; when it says nothing
either way the answer is ``None`` and the policy asks for review.
"""

from __future__ import annotations

from licscan.types import ModelRecord

MULTIMODAL_PIPELINES = frozenset(
    {
        "image-text-to-text",
        "visual-question-answering",
        "document-question-answering",
        "image-to-text",
        "any-to-any",
        "video-text-to-text",
        "audio-text-to-text",
        "visual-document-retrieval",
    }
)
# Tags the Hub or model authors use for vision-language models ("mllama" is
# the architecture tag of the Llama 3.2 Vision models).
MULTIMODAL_TAGS = MULTIMODAL_PIPELINES | {"multimodal", "vision", "vision-language", "vlm", "mllama", "llava"}


def is_multimodal(record: ModelRecord | None) -> bool | None:
    """True, False, or None when the record cannot tell."""
    if record is None:
        return None
    tags = {t.strip().lower() for t in record.tags}
    pipeline = (record.pipeline_tag or "").strip().lower()
    if pipeline in MULTIMODAL_PIPELINES or tags & MULTIMODAL_TAGS:
        return True
    if pipeline:
        return False  # a declared single-modality task, e.g. text-generation
    return None


def describe(record: ModelRecord | None) -> str:
    """How the answer was reached, for a reason a lawyer reads."""
    if record is None:
        return "its metadata could not be read"
    found = sorted({t for t in record.tags if t.strip().lower() in MULTIMODAL_TAGS})
    if record.pipeline_tag and record.pipeline_tag.lower() in MULTIMODAL_PIPELINES:
        return f"its pipeline tag is {record.pipeline_tag}"
    if found:
        return f"it is tagged {', '.join(found)}"
    if record.pipeline_tag:
        return f"its pipeline tag is {record.pipeline_tag}"
    return "it declares no pipeline tag and no multimodal tag"
