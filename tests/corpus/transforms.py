"""Ways real copies of a licence differ from its reference text (used by the tests and benchmarks).

Each function takes a licence text and returns it as it is met in the wild:
rewrapped, converted to markdown, with CRLF line ends, wrapped in a header
and footer, pasted into a model card README, or cut to an excerpt. None of
them changes a word of the licence: detection must give the same answer.
"""

from __future__ import annotations

import re
import textwrap


def rewrap(text: str, width: int = 50) -> str:
    """Re-flow every paragraph to ``width`` columns (list items of a paragraph merge)."""
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), width, break_long_words=False, break_on_hyphens=False)
        for p in paragraphs
        if p.strip()
    )


_NUMBERED = re.compile(r"^\s*\d+\.\s+(.*)$")
_LETTERED = re.compile(r"^\s*\(?(?:[a-z]|[ivx]{1,4})[.)]\s+(.*)$")
_DEFINED = re.compile(r"([“\"][A-Z][^”\"\n]{0,40}[”\"])")


def markdown(text: str) -> str:
    """Short lines become ``## `` headings, numbered lines ``1. ``, lettered ones bullets, defined terms bold."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        numbered, lettered = _NUMBERED.match(s), _LETTERED.match(s)
        if numbered:
            s = "1. " + numbered.group(1)
        elif lettered:
            s = "- " + lettered.group(1)
        elif len(s.split()) <= 8 and not s.endswith((".", ",", ";", ":")):
            s = "## " + s
        out.append(_DEFINED.sub(r"**\1**", s))
    return "\n\n".join(out) + "\n"


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def wrapped(text: str) -> str:
    return (
        "# LICENSE\nThis model is released under the following terms:\n\n"
        + text
        + "\n\n---\nCopyright 2024 Example Corp\n"
    )


def readme(text: str) -> str:
    """The licence pasted into the licence section of a model card."""
    return (
        "---\npipeline_tag: text-generation\nlanguage: [en]\n---\n\n"
        "# Example-7B\n\nExample-7B is a decoder-only language model trained on public web text and code. "
        "It is meant for chat assistants and summarisation.\n\n"
        "## Evaluation\n\n| task | score |\n| --- | --- |\n| MMLU | 61.2 |\n| GSM8K | 48.0 |\n\n"
        "## License\n\n" + text + "\n\n## Citation\n\n```bibtex\n@misc{example2024,\n  title={Example-7B},\n"
        "  year={2024}\n}\n```\n"
    )


def excerpt(text: str, share: float = 0.35, where: float = 0.5) -> str:
    size = int(len(text) * share)
    start = int((len(text) - size) * where)
    return text[start : start + size]


FORMATTING = {"rewrap": rewrap, "markdown": markdown, "crlf": crlf, "header-footer": wrapped, "readme": readme}
