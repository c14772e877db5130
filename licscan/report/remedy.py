"""What to do about a model the policy denies or sends to review, derived from its reasons and findings.

Pure: reads one model of a scan document (and the document, to find allowed
models of the same family). Shared by the HTML report and the GitHub Action's
annotations, so both give the same advice. The advice names the act (replace,
buy a licence, sign off a duty, ask for an exception) and the facts legal
needs to decide, never a verdict of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_FETCH_ADVICE = {
    "gated": "Request access to the gated repo on the Hub, then scan with a token that has it (HF_TOKEN).",
    "not-found": "Check the repo id: it may have been renamed, deleted or made private (a token may be needed).",
    "revision-not-found": "Pin a revision (branch, tag or commit) that exists in the repo.",
    "fetch-failed": "Scan again: the Hub did not answer in time (network or rate limits).",
}
_STEM = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Remedy:
    """The acts that would let the model ship (first the likeliest), and the facts legal needs to decide."""

    actions: tuple[str, ...]
    facts: str


def remedy(doc: Mapping[str, Any], model: Mapping[str, Any]) -> Remedy | None:
    """Advice for a ``deny`` or ``review`` model (or one whose locked licence changed); None otherwise."""
    verdict = model.get("verdict")
    codes = [str(f.get("code")) for f in model.get("findings") or [] if isinstance(f, dict)]
    if verdict not in ("deny", "review") and "license-changed" not in codes:
        return None
    reasons = [r for r in model.get("reasons") or [] if isinstance(r, dict)]
    deciding = [r for r in reasons if r.get("decision") == verdict and r.get("rule") != "exception"]
    rules = [str(r.get("rule") or "") for r in deciding]
    actions: list[str] = []
    if "license-changed" in codes:
        actions.append(
            "Its licence or commit changed since the lock: review the change, then run `licscan lock` to accept it "
            "(or pin the revision that was locked)."
        )
    if "exception-expired" in codes:
        actions.append("Renew the expired policy exception (a new expiry date and approver), if legal still agrees.")
    if "fetch-error" in rules:
        code = next((c for c in codes if c in _FETCH_ADVICE), "fetch-failed")
        actions.append(_FETCH_ADVICE[code] + " Until then its licence is unknown and it cannot ship.")
    else:
        actions += _deny_actions(doc, model, rules) if verdict == "deny" else _review_actions(model, rules)
    return Remedy(tuple(dict.fromkeys(actions)), _facts(model, deciding))


def _deny_actions(doc: Mapping[str, Any], model: Mapping[str, Any], rules: list[str]) -> list[str]:
    out: list[str] = []
    repo = str(model.get("repo_id") or "")
    publisher = repo.split("/", 1)[0] if "/" in repo else "the licensor"
    if model.get("class") == "unknown" or "class:unknown" in rules:
        out.append(
            f"Find out its licence (ask {publisher}, or read the repo's files): licscan could not identify one. "
            "Then replace the model, or record legal's reading as a policy exception."
        )
        return out
    if any(r.startswith("context:user-threshold") for r in rules):
        out.append(
            f"The product is above the licence's user threshold: request a licence from {publisher} and record it "
            "as a policy exception, or replace the model."
        )
    if any(r.startswith("context:revenue-threshold") for r in rules):
        out.append(
            f"The business is above the licence's revenue threshold: buy {publisher}'s commercial licence and record "
            "it as a policy exception, or replace the model."
        )
    if any(r.startswith("context:region-restriction") for r in rules):
        out.append(
            "The licence grants no rights in a region the product is offered in: do not offer the model there, or "
            "replace it; ask legal whether the clause binds you (some bind by where the licensee is established)."
        )
    if "context:non-commercial-use" in rules or "class:non-commercial" in rules:
        out.append(_replace(doc, model))
        out.append(f"Or buy a commercial licence from {publisher} and record it as a policy exception.")
    licence_rules = [r.split(":", 1)[1] for r in rules if r.startswith("license:")]
    if licence_rules:
        out.append(_replace(doc, model))
        out.append(f"Or ask legal for a policy exception: the policy denies {', '.join(licence_rules)}.")
    if not out:
        out.append(_replace(doc, model))
        out.append("Or ask legal for a policy exception with the facts below.")
    return out


def _review_actions(model: Mapping[str, Any], rules: list[str]) -> list[str]:
    out: list[str] = []
    lic = model.get("license") if isinstance(model.get("license"), dict) else {}
    lic_id = str(lic.get("id")) if lic and lic.get("id") else None
    classes = [r.split(":", 1)[1] for r in rules if r.startswith("class:")]
    if classes or any(r.startswith("license:") for r in rules):
        where = f"licenses.{lic_id}: allow" if lic_id else "a licence rule"
        out.append(
            f"Legal to read the licence ({_licence_text(model)}) and either allow it in the policy ({where}) or "
            "record a policy exception for this model."
        )
    kinds = [r.split(":", 1)[1] for r in rules if r.startswith("obligation:")]
    if kinds:
        out.append(
            f"Legal to sign off its {_join(kinds)} {'duty' if len(kinds) == 1 else 'duties'}: add "
            f"{'it' if len(kinds) == 1 else 'them'} to obligations.accepted in the policy, or record an exception."
        )
    context = [r.split(":", 1)[1] for r in rules if r.startswith("context:")]
    if context:
        out.append(
            f"Legal to decide on the {_join(context)} rule (the policy's context does not settle it), then record "
            "the decision as a policy exception."
        )
    if "finding:lineage-unresolved" in rules or "finding:lineage-too-deep" in rules:
        out.append(
            "Find the licence of the base model that could not be followed (see the findings): it may bind this "
            "model too."
        )
    if "finding:license-unrecognized" in rules or "finding:license-invalid" in rules:
        out.append(
            "Legal to read the licence the card names (licscan does not know it) and decide by a policy exception."
        )
    if not out:
        out.append("Legal to review the reasons below and record the decision as a policy exception.")
    return out


def _replace(doc: Mapping[str, Any], model: Mapping[str, Any]) -> str:
    kin = list(_allowed_kin(doc, model))[:2]
    if kin:
        return f"Replace it with an allowed model of the same family: {' or '.join(kin)} (allowed in this scan)."
    return "Replace it with a model the policy allows (a permissive or accepted licence, for the same task)."


def _allowed_kin(doc: Mapping[str, Any], model: Mapping[str, Any]) -> Iterable[str]:
    """Allowed models of the scan from the same publisher whose name starts with the same word (FLUX, Llama)."""
    org, stem = _org(model), _stem(model)
    if not org or not stem:
        return
    for other in doc.get("models") or []:
        if (
            isinstance(other, dict)
            and other is not model
            and other.get("verdict") == "allow"
            and _org(other) == org
            and _stem(other) == stem
        ):
            yield str(other.get("repo_id"))


def _org(model: Mapping[str, Any]) -> str | None:
    repo = str(model.get("repo_id") or "")
    return repo.split("/", 1)[0].lower() if "/" in repo else None


def _stem(model: Mapping[str, Any]) -> str | None:
    found = _STEM.match(str(model.get("repo_id") or "").rsplit("/", 1)[-1])
    return found.group(0).lower() if found else None


def _licence_text(model: Mapping[str, Any]) -> str:
    lic = model.get("license") if isinstance(model.get("license"), dict) else None
    return f"{lic.get('name')}, {lic.get('id')}" if lic else "none identified"


def _facts(model: Mapping[str, Any], deciding: list[dict[str, Any]]) -> str:
    lic = model.get("license") if isinstance(model.get("license"), dict) else None
    source = lic.get("source") if lic else None
    manifest = model.get("manifest") if isinstance(model.get("manifest"), dict) else {}
    parts = [f"licence {_licence_text(model)}", f"class {model.get('class')}"]
    if source and str(source).lower() != str(model.get("repo_id")).lower():
        parts.append(f"inherited from {source}")
    declared = model.get("declared_expression")
    if declared:
        parts.append(f"the card declares {declared}")
    if model.get("revision"):
        parts.append(f"commit {str(model['revision'])[:12]}")
    if manifest:
        parts.append(f"listed at {manifest.get('path')}:{manifest.get('line')}")
    if deciding:
        parts.append("decided by " + ", ".join(str(r.get("rule")) for r in deciding))
    return "; ".join(parts)


def _join(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
