"""The GitHub Action's one entry point: ``python -m licscan.gha`` (see ``action.yml``).

Everything GitHub-specific lives here, in Python rather than in shell: the
action's inputs arrive as ``INPUT_*`` environment variables (never spliced
into a script, so a crafted input cannot run commands), and the results
leave as workflow commands on stdout (``::error file=...,line=...::``), step
outputs (``$GITHUB_OUTPUT``) and a Markdown job summary
(``$GITHUB_STEP_SUMMARY``).

In ``diff`` mode (the default on pull requests) the manifests are also read
as they are at the base of the pull request (``git cat-file`` at the merge
base of the base branch and HEAD) and scanned with the same policy; only
models the pull request adds or changes can fail the gate, so a model the
base branch already holds never blocks an unrelated change.

Exit codes are the CLI's: 0 passed, 1 the gate failed, 2 bad input (an
``::error::`` line says which), 3 an added or changed model could not be
fetched.
"""

from __future__ import annotations

import datetime
import glob
import json
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from licscan.diff import (
    ModelChange,
    annotate,
    api_violations,
    counts,
    diff_documents,
    exit_code,
    fails,
    fetch_failed,
    judged,
    judged_apis,
)
from licscan.errors import EXIT_INPUT_ERROR, InputError
from licscan.report.changes import (
    COMMENT_LIMIT,
    capped_rows,
    deciding_reason,
    label,
    md,
    render_changes_markdown,
    render_changes_table,
)
from licscan.types import ModelRef, ScanResult

MODES = ("auto", "diff", "full")
FAIL_ON = ("deny", "review")
PR_EVENTS = ("pull_request", "pull_request_target")
SUMMARY_LIMIT = 900_000  # GitHub refuses a step summary over 1 MiB; keep room for the header
# GitHub shows ten annotations of a kind per step and drops the rest: ten, then one that counts the others.
MAX_ANNOTATIONS = 10
_GLOB_CHARS = "*?["
FIX_HINT = "Fix: remove or replace it, pin a revision whose licence the policy allows, or ask legal for an exception."


class ActionError(Exception):
    """Bad input: reported as one ``::error::`` line (with file and line when known), exit 2."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line


# -- workflow commands -------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message: '%', CR and LF escaped, so untrusted text can never start a new command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, plus ':' and ',' which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v not in (None, ""))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def emit(line: str) -> None:
    print(line, flush=True)


def write_outputs(path: str | None, values: Mapping[str, str]) -> None:
    """Append step outputs to ``$GITHUB_OUTPUT`` with the ``name<<DELIMITER`` syntax, which any value survives."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"  # random: a value cannot end the block early
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_summary(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


# -- inputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    manifests: tuple[str, ...]
    policy: str
    fail_on: str
    mode: str
    base_ref: str
    report: str
    sarif: str
    snapshot: str
    discover: tuple[str, ...] = ()  # code to discover models in (empty: off)
    spdx: str = ""
    cyclonedx: str = ""


def read_inputs(env: Mapping[str, str]) -> Inputs:
    def get(name: str, default: str = "") -> str:
        return env.get(f"INPUT_{name}", "").strip() or default

    # Paths or globs, one per line or separated by spaces or commas.
    patterns = tuple(p for p in get("MANIFESTS", "models.txt").replace(",", " ").split() if p)
    inputs = Inputs(
        manifests=patterns,
        policy=get("POLICY"),
        fail_on=get("FAIL_ON", "deny").lower(),
        mode=get("MODE", "auto").lower(),
        base_ref=get("BASE_REF") or env.get("GITHUB_BASE_REF", "").strip(),
        report=get("REPORT"),
        sarif=get("SARIF"),
        snapshot=get("SNAPSHOT"),
        discover=tuple(p for p in get("DISCOVER").replace(",", " ").split() if p),
        spdx=get("SPDX"),
        cyclonedx=get("CYCLONEDX"),
    )
    if inputs.fail_on not in FAIL_ON:
        raise ActionError(f"input fail-on: {inputs.fail_on!r} is not one of {', '.join(FAIL_ON)}")
    if inputs.mode not in MODES:
        raise ActionError(f"input mode: {inputs.mode!r} is not one of {', '.join(MODES)} (auto: diff on pull requests)")
    if not patterns:
        raise ActionError("input manifests: no path given")
    return inputs


def relative_to(path: str, root: Path) -> str:
    """``path`` relative to ``root`` with '/', or ActionError when it lies outside."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        raise ActionError(f"input manifests: {path} is outside the workspace {root}")
    return relative.replace(os.sep, "/")


def expand_manifests(patterns: tuple[str, ...], cwd: Path) -> list[str]:
    """Every manifest the patterns name, relative to ``cwd``; a pattern that matches nothing is an error."""
    found: list[str] = []
    for pattern in patterns:
        if any(c in pattern for c in _GLOB_CHARS):
            matches = sorted(m for m in glob.glob(pattern, root_dir=cwd, recursive=True) if (cwd / m).is_file())
        else:
            matches = [pattern] if (cwd / pattern).is_file() else []
        if not matches:
            raise ActionError(f"input manifests: {pattern!r} matches no file in {cwd}")
        found.extend(relative_to(str(cwd / m), cwd) for m in matches)
    return list(dict.fromkeys(found))


def resolve_mode(mode: str, event: str) -> str:
    if mode == "auto":
        return "diff" if event in PR_EVENTS else "full"
    return mode


def renderer_for(fmt: str, root: str | None = None) -> Callable[[dict[str, Any]], str] | None:
    """The renderer of ``fmt`` (SARIF paths relative to ``root``), or None when this licscan cannot write it."""
    from licscan.report import FORMATS, MissingExtra, get_renderer

    if fmt not in FORMATS:
        return None
    try:
        return get_renderer(fmt, root=root)
    except MissingExtra as exc:  # the install step adds the sbom extra when an SBOM input is set
        emit(workflow_command("warning", str(exc)))
        return None
    except (ValueError, ImportError):
        return None


# -- git: the manifests at the base of the pull request ------------------------------------------


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def _rev_parse(cwd: Path, ref: str) -> str | None:
    done = git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def resolve_base(cwd: Path, base_ref: str) -> str:
    """The commit to compare with: the merge base of the base branch and HEAD.

    On a pull request, actions/checkout has ``origin/<base>`` (with
    ``fetch-depth: 0``); a local branch of that name comes next (it may be
    stale, so it is second). When neither exists the branch is fetched. The
    merge base, not the branch tip, so that a head checkout is not charged
    with what the base branch gained since it forked (for the default merge
    checkout both are the same commit).
    """
    if base_ref.startswith("-"):  # would read as an option of git
        raise ActionError(f"base ref {base_ref!r} is not a branch or commit")
    candidates = [base_ref] if base_ref.startswith(("origin/", "refs/")) else [f"origin/{base_ref}", base_ref]
    commit = next((c for c in (_rev_parse(cwd, r) for r in candidates) if c), None)
    if commit is None:
        git(cwd, "fetch", "--no-tags", "--quiet", "origin", f"+refs/heads/{base_ref}:refs/remotes/origin/{base_ref}")
        commit = _rev_parse(cwd, f"origin/{base_ref}")
    if commit is None:
        raise ActionError(
            f"base ref {base_ref!r} is not in the checkout and could not be fetched; "
            "use actions/checkout with fetch-depth: 0, or set the base-ref input"
        )
    merge_base = git(cwd, "merge-base", commit, "HEAD")
    return merge_base.stdout.decode().strip() if merge_base.returncode == 0 else commit


def _includes(text: str) -> list[str]:
    """``-r`` targets of a text manifest (the same syntax ``licscan.manifest.text`` reads)."""
    targets = []
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if words and words[0] in ("-r", "--requirement") and len(words) > 1:
            targets.append(" ".join(words[1:]))
        elif words and words[0].startswith("--requirement="):
            targets.append(words[0].split("=", 1)[1])
    return targets


def materialize_base(cwd: Path, commit: str, manifests: list[str], into: Path) -> list[str]:
    """Write the manifests (and their ``-r`` includes) as they are at ``commit`` under ``into``.

    Files keep their path relative to ``cwd``, so includes resolve as they
    do at HEAD. Returns the manifests that exist at ``commit``; one absent
    there is new, and all its models count as added.
    """
    top = Path(git(cwd, "rev-parse", "--show-toplevel").stdout.decode().strip() or cwd)
    seen: set[str] = set()

    def fetch(relative: str) -> bool:
        if relative in seen:
            return True
        seen.add(relative)
        in_repo = os.path.relpath(os.path.abspath(cwd / relative), top).replace(os.sep, "/")
        if in_repo.startswith("../"):
            return False
        shown = git(cwd, "cat-file", "blob", f"{commit}:{in_repo}")
        if shown.returncode != 0:
            return False
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
        if target.suffix.lower() not in (".yaml", ".yml"):
            for include in _includes(shown.stdout.decode("utf-8-sig", errors="replace")):
                nested = os.path.normpath(os.path.join(os.path.dirname(relative), include))
                if not nested.startswith("..") and not os.path.isabs(nested):
                    fetch(nested.replace(os.sep, "/"))
        return True

    return [m for m in manifests if fetch(m)]


def read_base_refs(into: Path, present: list[str]) -> tuple[list[ModelRef], list[str]]:
    """References of the base manifests, with their paths as HEAD's scan records them."""
    from licscan.manifest import read_manifest

    refs: list[ModelRef] = []
    notes: list[str] = []
    seen: set[tuple[str, str | None]] = set()
    for manifest in present:
        try:
            found = read_manifest(into / manifest, root=into)  # includes confined to the base checkout
        except InputError as exc:
            # Fail closed: an unreadable base means every model of this manifest is judged as new.
            notes.append(f"{manifest} at the base cannot be read ({exc.message}); its models count as added")
            continue
        for ref in found:
            if ref.key not in seen:
                seen.add(ref.key)
                refs.append(replace(ref, path=_relative_or_same(ref.path, into)))
    return refs, notes


def _relative_or_same(path: str, root: Path) -> str:
    """``path`` relative to ``root`` and normalised ('sub/../x.txt' is 'x.txt'), so HEAD and base paths compare."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


# -- scanning ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    db: Any
    policy: Any
    policy_name: str
    source: Any
    upstreams: Any = None


def load_setup(inputs: Inputs, cwd: Path, top: Path) -> Setup:
    from licscan.cli.common import DEFAULT_POLICY_FILENAME as DEFAULT_FILENAME
    from licscan.licensedb import DatabaseError, load_database
    from licscan.policy import read_policy

    policy_path = Path(inputs.policy) if inputs.policy else Path(DEFAULT_FILENAME)
    if not (cwd / policy_path).is_file():
        if inputs.policy:
            raise ActionError(f"input policy: {inputs.policy} does not exist")
        raise ActionError(f"no policy: set the policy input or add {DEFAULT_FILENAME}; a gate needs rules")
    try:
        db = load_database()
    except DatabaseError as exc:
        raise ActionError(str(exc)) from None
    policy, problems = read_policy(cwd / policy_path, db=db)
    where = _repo_path(str(cwd / policy_path), top)
    for problem in problems:
        kind = "error" if problem.severity == "error" else "warning"
        emit(workflow_command(kind, problem.message, file=where, line=problem.line, title="licscan policy"))
    if policy is None:
        raise ActionError(f"the policy {policy_path} has errors (see above)", file=where)
    from licscan.upstream import UpstreamError, load_upstreams

    try:
        upstreams = load_upstreams()
    except UpstreamError as exc:
        raise ActionError(str(exc)) from None
    return Setup(db, policy, str(policy_path), build_source(inputs, cwd), upstreams)


def build_source(inputs: Inputs, cwd: Path) -> Any:
    if inputs.snapshot:
        from licscan.sources.snapshot import SnapshotSource
        from licscan.sources.store import StoreError

        try:
            return SnapshotSource(cwd / inputs.snapshot)
        except StoreError as exc:
            raise ActionError(f"input snapshot: {exc}") from None
    from licscan.cli.common import make_source

    try:
        return make_source(None, None, False, 86400.0, 120.0)
    except InputError as exc:
        raise ActionError(exc.message) from None


def scan_refs(
    refs: list[ModelRef],
    manifests: list[str],
    warnings: list[str],
    setup: Setup,
    discovery: Any = None,
    unlisted: list[ModelRef] | None = None,
) -> tuple[ScanResult, tuple[str, ...]]:
    """The scan with the discovery attached, the policy's attestations applied and its verdicts (models and
    hosted-API uses), and the policy's warnings (expired or unused exceptions, attestations that do not apply)."""
    from licscan.openness import apply_attestations
    from licscan.policy import evaluate
    from licscan.scan import scan

    result = scan(
        refs, setup.source, setup.db, manifests=tuple(manifests), warnings=tuple(warnings), upstreams=setup.upstreams
    )
    if discovery is not None:
        from licscan.discover.gate import mark_unlisted

        result = mark_unlisted(result, unlisted or [], discovery)
    result, attested = apply_attestations(result, setup.policy.attestations, setup.db)
    outcome = evaluate(result, setup.policy, today=datetime.date.today(), policy_name=setup.policy_name)
    return outcome.result, (*attested, *outcome.warnings)


def _repo_path(path: str, top: Path) -> str:
    """A path as GitHub annotations want it: relative to the repository root, with '/' (as SARIF's are)."""
    from licscan.report.sarif import repo_relative

    return repo_relative(path, str(top))


# -- discovery: models the code loads --------------------------------------------------------------


def discover_head(paths: tuple[str, ...], cwd: Path) -> Any:
    """Discovery over the ``discover`` input at HEAD, paths relative to the workspace."""
    from licscan.discover.engine import discover
    from licscan.discover.gate import rebase

    for path in paths:
        if not (cwd / path).exists():
            raise ActionError(f"input discover: {path} does not exist in {cwd}")
        relative_to(str(cwd / path), cwd)
    return rebase(discover([Path(os.path.relpath(cwd / p)) for p in paths]))


def discover_base(paths: tuple[str, ...], cwd: Path, commit: str, into: Path) -> list[Any]:
    """Discoveries over the same paths as they are at ``commit`` (``git archive``: only what git tracks there)."""
    import io
    import tarfile

    from licscan.discover.engine import discover
    from licscan.discover.gate import rebase

    top = Path(git(cwd, "rev-parse", "--show-toplevel").stdout.decode().strip() or cwd)
    found = []
    for path in paths:
        in_repo = os.path.relpath(os.path.abspath(cwd / path), top).replace(os.sep, "/")
        archive = git(cwd, "archive", "--format=tar", commit, "--", in_repo)
        if archive.returncode != 0:
            continue  # not at the base: everything the PR's code loads there is new
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            members = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and not m.name.startswith(("/", ".."))
                       and "/../" not in m.name]
            tar.extractall(into, members=members)  # regular files and folders of our own repository only
        # Paths as HEAD's discovery records them: relative to the workspace, under the same input path.
        found.append(rebase(replace(discover([into / in_repo]), root=path)))
    return found


# -- reporting ---------------------------------------------------------------------------------------


def annotation(model: dict[str, Any], fail_on: str, policy: str, top: Path) -> str | None:
    """The ``::error``/``::warning`` line for a judged model, or None when it needs no attention."""
    failing = fails(model, fail_on)
    if not failing and model.get("verdict") != "review" and not fetch_failed(model):
        return None
    manifest = model.get("manifest") or {}
    lic = model.get("license")
    licence = f"{lic.get('id')} ({model.get('class')})" if isinstance(lic, dict) else f"no licence ({model['class']})"
    verdict = model.get("verdict") or "unjudged"
    change = f", {model['change']}" if model.get("change") else ""
    parts = [f"{label(model)}{change}: {verdict} under {policy}; licence {licence}.", deciding_reason(model)]
    if failing or model.get("verdict") == "review":
        from licscan.report.remedy import remedy

        advice = remedy({"models": [model]}, model)
        parts.append("What to do: " + " ".join(advice.actions) if advice else FIX_HINT)
    title = f"licscan: {model['repo_id']} " + ("fails the licence gate" if failing else f"needs attention ({verdict})")
    return workflow_command(
        "error" if failing else "warning",
        " ".join(p for p in parts if p),
        file=_repo_path(str(manifest.get("path") or ""), top),
        line=manifest.get("line"),
        title=title,
    )


def unlisted_annotation(model: dict[str, Any], top: Path) -> str | None:
    """A ``::warning`` at the code line of a model the code loads and no manifest lists (when nothing worse)."""
    finding = next((f for f in model.get("findings") or [] if f.get("code") == "unlisted-model"), None)
    if finding is None:
        return None
    where = model.get("manifest") or {}
    return workflow_command(
        "warning",
        str(finding.get("message") or ""),
        file=_repo_path(str(where.get("path") or ""), top),
        line=where.get("line"),
        title=f"licscan: {model['repo_id']} is not in any manifest",
    )


def capped_annotations(models: list[dict[str, Any]], fail_on: str, policy: str, top: Path) -> list[str]:
    """At most MAX_ANNOTATIONS lines, failing models first, then one that says how many were left out."""
    lines = [
        (fails(m, fail_on), a)
        for m in models
        if (a := annotation(m, fail_on, policy, top) or unlisted_annotation(m, top))
    ]
    lines.sort(key=lambda pair: not pair[0])  # stable: manifest order within failing and warnings
    shown = [a for _, a in lines[:MAX_ANNOTATIONS]]
    rest = lines[MAX_ANNOTATIONS:]
    if rest:
        failing = sum(1 for f, _ in rest if f)
        what = f"{failing} of them fail the licence gate" if failing else "none of them fails the licence gate"
        shown.append(
            workflow_command(
                "error" if failing else "warning",
                f"{len(rest)} more models need attention ({what}); they are not annotated (GitHub shows "
                f"{MAX_ANNOTATIONS} per step): see the job summary and the HTML report (report input).",
                title=f"licscan: {len(rest)} more models",
            )
        )
    return shown


def api_annotation(api: dict[str, Any], fail_on: str, top: Path) -> str | None:
    """The ``::error``/``::warning`` line at the code that calls a hosted API the policy denies or reviews."""
    verdict = api.get("verdict")
    if verdict not in ("deny", "review"):
        return None
    failing = bool(api_violations({"apis": [api]}, fail_on))
    where = (api.get("locations") or [{}])[0]
    what = f"{api.get('provider')}{' ' + str(api['model']) if api.get('model') else ''}"
    others = len(api.get("locations") or []) - 1
    more = f" (and {others} more place{'s' if others != 1 else ''})" if others > 0 else ""
    reason = next((str(r.get("message") or "") for r in api.get("reasons") or []), "")
    fix = " Fix: switch to a provider the policy allows, or ask legal to add it to apis.providers." if failing else ""
    return workflow_command(
        "error" if failing else "warning",
        f"{what} ({api.get('serving')}){more}: {verdict} under the policy. {reason}{fix}",
        file=_repo_path(str(where.get("path") or ""), top),
        line=where.get("line"),
        title=f"licscan: hosted API {what} " + ("fails the gate" if failing else "needs review"),
    )


def api_violation_json(api: dict[str, Any], top: Path) -> dict[str, Any]:
    where = (api.get("locations") or [{}])[0]
    return {
        "provider": api.get("provider"),
        "model": api.get("model"),
        "serving": api.get("serving"),
        "path": _repo_path(str(where.get("path") or ""), top),
        "line": where.get("line"),
        "change": api.get("change"),
        "verdict": api.get("verdict"),
        "lock_in": (api.get("lock_in") or {}).get("level"),
        "reason": next((r.get("message") for r in api.get("reasons") or []), None),
    }


def violation_json(model: dict[str, Any], top: Path) -> dict[str, Any]:
    manifest = model.get("manifest") or {}
    lic = model.get("license")
    return {
        "repo_id": model.get("repo_id"),
        "requested_revision": model.get("requested_revision"),
        "revision": model.get("revision"),
        "manifest": _repo_path(str(manifest.get("path") or ""), top),
        "line": manifest.get("line"),
        "change": model.get("change"),
        "verdict": model.get("verdict"),
        "class": model.get("class"),
        "license": lic.get("id") if isinstance(lic, dict) else None,
        "reason": deciding_reason(model),
    }


def minimal_markdown(doc: dict[str, Any]) -> str:
    # TODO(lead): drop once licscan.report.markdown ships everywhere; used only when that renderer is missing.
    rows = ["| Model | Manifest | Class | Licence | Verdict |", "|---|---|---|---|---|"]
    for m in doc["models"]:
        lic = m.get("license")
        where = f"{m['manifest']['path']}:{m['manifest']['line']}"
        lic_id = lic.get("id") if isinstance(lic, dict) else "-"
        rows.append(
            f"| {md(label(m))} | {md(where)} | {md(m['class'])} | {md(lic_id)} | {md(m.get('verdict') or '-')} |"
        )
    return "\n".join(rows) + "\n"


def summary_markdown(
    doc: dict[str, Any],
    changes: list[ModelChange] | None,
    failing: list[dict[str, Any]],
    context: str,
    fail_on: str,
    failing_apis: list[dict[str, Any]] | None = None,
) -> str:
    icon, verdict = ("❌", f"{len(failing)} licence violation(s)") if failing else ("✅", "no licence violation")
    if failing_apis:
        icon, verdict = "❌", f"{verdict}, {len(failing_apis)} hosted-API use(s) the policy does not allow"
    if changes is not None:
        verdict = verdict.replace("licence", "new licence")
    by_verdict = doc["summary"].get("by_verdict") or {}
    tally = ", ".join(f"{n} {v}" for v, n in by_verdict.items() if n) or "none"
    out = [
        f"## {icon} licscan: {verdict}",
        "",
        f"{md(context, 400)} · fail on **{fail_on}** · {doc['summary']['models']} models: {tally}",
        "",
    ]
    if changes is not None:
        out.append(render_changes_markdown(changes, str(doc["baseline"]["path"]), fail_on))
    elif failing:
        rows = []
        for m in failing:
            lic = m.get("license")
            lic_id = lic.get("id") if isinstance(lic, dict) else "-"
            where = f"{m['manifest']['path']}:{m['manifest']['line']}"
            rows.append(
                f"| {md(label(m))} | {md(where)} | {md(m.get('verdict'))} | {md(lic_id)} | {md(deciding_reason(m))} |"
            )
        head = ["| Model | Manifest | Verdict | Licence | Why |", "|---|---|---|---|---|"]
        out += [*capped_rows(head, rows, COMMENT_LIMIT, "failing models"), ""]
    if failing_apis:
        head = ["| Hosted API | Where | Serving | Verdict | Lock-in | Why |", "|---|---|---|---|---|---|"]
        rows = []
        for a in failing_apis:
            loc = (a.get("locations") or [{}])[0]
            what = f"{a.get('provider')} {a.get('model') or ''}".strip()
            why = next((str(r.get("message") or "") for r in a.get("reasons") or []), "")
            place = f"{loc.get('path')}:{loc.get('line')}"
            lock = (a.get("lock_in") or {}).get("level")
            cells = [md(what), md(place), md(a.get("serving")), md(a.get("verdict")), md(lock), md(why, 300)]
            rows.append("| " + " | ".join(cells) + " |")
        out += [*capped_rows(head, rows, COMMENT_LIMIT, "failing API uses"), ""]
    render = renderer_for("markdown")
    report = render(doc) if render is not None else minimal_markdown(doc)
    if len(report) > SUMMARY_LIMIT:
        report = "The full report is too large for a job summary; use the report input for an HTML file.\n"
    out += ["<details><summary>Full report</summary>", "", report, "</details>", ""]
    return "\n".join(out)


def write_report_files(inputs: Inputs, doc: dict[str, Any], cwd: Path, top: Path | None = None) -> dict[str, str]:
    written: dict[str, str] = {}
    for output, fmt, path in (
        ("report", "html", inputs.report),
        ("sarif", "sarif", inputs.sarif),
        ("spdx", "spdx-json", inputs.spdx),
        ("cyclonedx", "cyclonedx", inputs.cyclonedx),
    ):
        if not path:
            continue
        render = renderer_for(fmt, root=str(top or cwd)) if fmt == "sarif" else renderer_for(fmt)
        if render is None:
            emit(
                workflow_command("warning", f"input {output}: this licscan cannot write {fmt} yet; {path} not written")
            )
            continue
        target = cwd / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(doc), encoding="utf-8")
        written[output] = path
    return written


def print_log(doc: dict[str, Any], changes: list[ModelChange] | None, fail_on: str) -> None:
    """The table for whoever reads the log, with workflow commands switched off around card-derived text."""
    from licscan.report import get_renderer

    token = secrets.token_hex(16)
    emit(f"::stop-commands::{token}")
    emit(get_renderer("table")(doc).rstrip("\n"))
    if changes is not None:
        emit(render_changes_table(changes, str(doc["baseline"]["path"]), fail_on).rstrip("\n"))
    emit(f"::{token}::")


# -- the run ---------------------------------------------------------------------------------------------


def run(env: Mapping[str, str], cwd: Path) -> int:
    from licscan.manifest import read_manifests
    from licscan.report.json_report import to_json

    inputs = read_inputs(env)
    manifests = expand_manifests(inputs.manifests, cwd)
    top_text = git(cwd, "rev-parse", "--show-toplevel").stdout.decode().strip()
    top = Path(top_text) if top_text else cwd
    mode = resolve_mode(inputs.mode, env.get("GITHUB_EVENT_NAME", ""))
    if mode == "diff" and not inputs.base_ref:
        raise ActionError("mode diff needs a base: set the base-ref input (GITHUB_BASE_REF is set on pull requests)")
    try:  # relative paths, so messages and the report name files as the repository does
        refs, warnings = read_manifests([Path(os.path.relpath(cwd / m)) for m in manifests])
    except InputError as exc:
        raise ActionError(exc.message, file=_repo_path(exc.path, top), line=exc.line) from None
    # Paths as given (relative), as `licscan scan models.txt` records them; cwd is the workspace.
    refs = [replace(r, path=_relative_or_same(r.path, cwd)) for r in refs]
    setup = load_setup(inputs, cwd, top)
    for warning in warnings:
        emit(workflow_command("warning", warning))
    discovery = discover_head(inputs.discover, cwd) if inputs.discover else None
    unlisted: list[ModelRef] = []
    if discovery is not None:
        from licscan.discover.gate import unlisted_refs

        unlisted = unlisted_refs(discovery, refs)
        for warning in discovery.warnings:
            emit(workflow_command("warning", warning))
    result, policy_warnings = scan_refs(refs + unlisted, manifests, warnings, setup, discovery, unlisted)
    for warning in policy_warnings:
        emit(workflow_command("warning", warning))
    doc = to_json(result)

    changes: list[ModelChange] | None = None
    context = f"mode full · policy {setup.policy_name}"
    if mode == "diff":
        commit = resolve_base(cwd, inputs.base_ref)
        with tempfile.TemporaryDirectory(prefix="licscan-base-") as tmp:
            present = materialize_base(cwd, commit, manifests, Path(tmp))
            base_refs, notes = read_base_refs(Path(tmp), present)
            base_apis: list[dict[str, Any]] = []
            if inputs.discover:  # what the base's code already loaded (and called) is not new
                from licscan.discover.gate import unlisted_refs
                from licscan.openness.apis import assess
                from licscan.report.openness_json import api_json

                for base_code in discover_base(inputs.discover, cwd, commit, Path(tmp) / "code"):
                    base_refs += unlisted_refs(base_code, base_refs)
                    base_apis += [api_json(a) for a in assess(base_code.apis)]
        for note in notes:
            emit(workflow_command("warning", note))
        old_doc = to_json(scan_refs(base_refs, present, [], setup)[0])
        changes = diff_documents(old_doc, doc)
        annotate(doc, changes, f"{inputs.base_ref}@{commit[:12]}", old_apis=base_apis)
        context = f"mode diff against {inputs.base_ref} ({commit[:12]}) · policy {setup.policy_name}"

    failing = [m for m in judged(doc) if fails(m, inputs.fail_on)]
    failing_apis = api_violations(doc, inputs.fail_on)
    code = exit_code(doc, inputs.fail_on)
    print_log(doc, changes, inputs.fail_on)
    api_lines = [line for api in judged_apis(doc) if (line := api_annotation(api, inputs.fail_on, top))]
    for line in [*api_lines, *capped_annotations(judged(doc), inputs.fail_on, setup.policy_name, top)]:
        emit(line)
    written = write_report_files(inputs, doc, cwd, top)
    by_verdict = doc["summary"].get("by_verdict") or {}
    tally: dict[str, int] = counts(changes) if changes is not None else {}
    outputs: dict[str, str] = {
        "mode": mode,
        "models": str(doc["summary"]["models"]),
        **{v: str(by_verdict.get(v, 0)) for v in ("allow", "review", "deny")},
        **{k: str(tally[k]) for k in ("added", "changed", "removed") if k in tally},
        "violations": str(len(failing)),
        "new-violations": json.dumps([violation_json(m, top) for m in failing], ensure_ascii=False),
        "api-violations": json.dumps([api_violation_json(a, top) for a in failing_apis], ensure_ascii=False),
        "report": written.get("report", ""),
        "sarif": written.get("sarif", ""),
        "spdx": written.get("spdx", ""),
        "cyclonedx": written.get("cyclonedx", ""),
    }
    write_outputs(env.get("GITHUB_OUTPUT"), outputs)
    summary = summary_markdown(doc, changes, failing, context, inputs.fail_on, failing_apis)
    append_summary(env.get("GITHUB_STEP_SUMMARY"), summary)
    what = "new " if changes is not None else ""
    apis = f" and {len(failing_apis)} hosted-API use(s)" if failing_apis else ""
    emit(
        f"licscan: gate failed: {len(failing)} {what}violation(s){apis} (fail on {inputs.fail_on})"
        if failing or failing_apis
        else f"licscan: gate passed ({context}, exit {code})"
    )
    return code


def main() -> int:
    # The token leaves the inputs at once: masked in the log, handed to huggingface_hub as HF_TOKEN, never printed.
    token = os.environ.pop("INPUT_TOKEN", "").strip()
    if token:
        emit(f"::add-mask::{token}")
        os.environ["HF_TOKEN"] = token
    try:
        return run(os.environ, Path.cwd())
    except ActionError as exc:
        emit(workflow_command("error", exc.message, file=exc.file, line=exc.line, title="licscan"))
        return EXIT_INPUT_ERROR


if __name__ == "__main__":
    sys.exit(main())
