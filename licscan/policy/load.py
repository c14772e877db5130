"""Read a policy file: every problem named by line, nothing expanded.

The YAML is composed to a node tree (as for manifests) rather than loaded to
Python objects: every problem keeps its line, aliases are never expanded (an
anchor bomb stays a handful of nodes, and the walk below only descends where
the schema allows), and plain scalars keep their text (``NO`` stays the
region code for Norway instead of YAML 1.1's ``false``).

``check_policy`` reports every problem, warnings included; ``load_policy``
raises the first error and ignores warnings.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from licscan.errors import InputError
from licscan.manifest.refs import split_reference
from licscan.openness.model import COMPONENTS, LEVEL_UNKNOWN, LEVELS, Attestation
from licscan.policy.model import (
    DEFAULT_CLASS_DECISIONS,
    DEFAULT_TRAINING_DATA_DECISIONS,
    DISTRIBUTIONS,
    USES,
    ApiRules,
    Context,
    DatasetRules,
    Decision,
    ExceptionRule,
    OpennessRule,
    Policy,
)
from licscan.policy.regions import suggest_region, valid_region
from licscan.types import DATASET, MODEL, OBLIGATION_KINDS, LicenseClass

if TYPE_CHECKING:
    from licscan.licensedb import LicenseDB

MAX_BYTES = 1024 * 1024

TOP_KEYS = (
    "version",
    "context",
    "classes",
    "licenses",
    "obligations",
    "exceptions",
    "on_fetch_error",
    "datasets",
    "training_data",
    "openness",
    "apis",
)
DATASETS_KEYS = ("classes", "licenses")
OPENNESS_KEYS = ("minimum", "decision", "attestations")
APIS_KEYS = ("default", "providers", "serving")
ATTESTATION_KEYS = ("model", "component", "license", "source", "checked_by", "date")
ATTESTATIONS_FILE_KEYS = ("version", "attestations")
CONTEXT_KEYS = ("use", "monthly_active_users", "regions", "distribution", "annual_revenue_usd")
OBLIGATIONS_KEYS = ("accepted",)
EXCEPTION_KEYS = ("model", "dataset", "decision", "reason", "expires", "approved_by")
CLASS_NAMES = tuple(c.value for c in LicenseClass)
DECISIONS = tuple(d.value for d in Decision)

_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


def load_policy(path: Path) -> Policy:
    """The policy in ``path``; raises InputError for its first error."""
    policy, problems = read_policy(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or policy is None:
        first = errors[0] if errors else Problem(str(path), None, "error", "unreadable policy")
        raise InputError(first.path, first.line, first.message)
    return policy


def check_policy(path: Path, today: _dt.date, db: LicenseDB | None = None) -> list[Problem]:
    """Every problem in ``path``, errors and warnings, in line order.

    Licence ids are checked against ``db`` (default: the bundled database).
    """
    if db is None:
        from licscan.licensedb import DatabaseError, load_database

        try:
            db = load_database()
        except DatabaseError:
            db = None  # the database's own checks report it; the policy is still checked
    return read_policy(path, today=today, db=db)[1]


def read_policy(
    path: Path, *, today: _dt.date | None = None, db: LicenseDB | None = None
) -> tuple[Policy | None, list[Problem]]:
    """Parse ``path``: the policy (None if it has errors) and every problem found.

    Warnings that need a date (expired exceptions) or the licence database
    (unknown licence ids) are only given when ``today`` / ``db`` are.
    """
    where = str(path)
    text, problem = _read_text(path, "policy")
    if text is None:
        return None, [problem] if problem else []
    parser = _Parser(where, today, db)
    policy = parser.parse(text)
    problems = sorted(parser.problems, key=lambda p: (p.line or 0, p.severity != "error"))
    if any(p.severity == "error" for p in problems):
        policy = None
    return policy, problems


def _read_text(path: Path, what: str) -> tuple[str | None, Problem | None]:
    where = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, Problem(where, None, "error", f"cannot read the {what}: {exc.strerror or exc}")
    if len(raw) > MAX_BYTES:
        return None, Problem(where, None, "error", f"the {what} is larger than {MAX_BYTES // 1024} KiB")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, Problem(where, None, "error", f"the {what} is not UTF-8 text (byte {exc.start})")


def read_attestations(
    path: Path, *, db: LicenseDB | None = None
) -> tuple[tuple[Attestation, ...] | None, list[Problem]]:
    """An ``openness.yaml``: ``version: 1`` and ``attestations:`` (the policy's ``openness.attestations`` shape).

    The attestations (None when the file has errors) and every problem found, by line.
    """
    text, problem = _read_text(path, "attestations file")
    if text is None:
        return None, [problem] if problem else []
    parser = _Parser(str(path), None, db)
    found = parser.parse_attestations(text)
    problems = sorted(parser.problems, key=lambda p: (p.line or 0, p.severity != "error"))
    return (None if any(p.severity == "error" for p in problems) else found), problems


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def suggest(value: str, valid: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the nearest valid value, else the valid list."""
    options = list(valid)
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    if len(options) <= 8:
        return f"; expected one of: {', '.join(options)}"
    return ""


def _kind(node: yaml.Node) -> str:
    """A node's type in words, for 'must be X, not Y' messages."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    words = {
        _NULL: "empty",
        _INT: "a number",
        "tag:yaml.org,2002:float": "a number",
        "tag:yaml.org,2002:bool": "true/false",
        _TIMESTAMP: "a date",
    }
    word = words.get(node.tag, "text")
    return word if word == "empty" else f"{word} ({_clip(str(node.value))!r})"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Parser:
    """Walks the node tree once, collecting every problem and building the policy."""

    def __init__(self, where: str, today: _dt.date | None, db: LicenseDB | None) -> None:
        self.where = where
        self.today = today
        self.db = db
        self.problems: list[Problem] = []

    # -- problems --------------------------------------------------------------
    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.where, line, "error", message))

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.where, line, "warning", message))

    # -- node helpers ------------------------------------------------------------
    def mapping(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """(key, key node, value node) of a mapping; empty (after an error) otherwise."""
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, yaml.MappingNode):
            self.error(_line(node), f"{what} must be a mapping, not {_kind(node)}")
            return []
        out: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(_line(key_node), f"{what}: a key must be plain text, not {_kind(key_node)}")
                continue
            key = str(key_node.value)
            if key in seen:
                self.error(_line(key_node), f"{what}: duplicate key {key!r} (first on line {seen[key]})")
                continue
            seen[key] = _line(key_node)
            out.append((key, key_node, value_node))
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(_line(node), f"{what} must be a list, not {_kind(node)}")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL:
            self.error(_line(node), f"{what} must be text, not {_kind(node)}")
            return None
        return str(node.value)

    def integer(self, node: yaml.Node, what: str) -> int | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            self.error(_line(node), f"{what} must be a whole number, not {_kind(node)}")
            return None
        try:
            value = SafeConstructor().construct_yaml_int(node)
        except (ValueError, ConstructorError):
            self.error(_line(node), f"{what} is not a number this tool can read")
            return None
        if not isinstance(value, int) or value < 0:
            self.error(_line(node), f"{what} must not be negative")
            return None
        return value

    def choice(self, node: yaml.Node, what: str, valid: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value not in valid:
            self.error(_line(node), f"{what}: {_clip(value)!r} is not valid{suggest(value, valid)}")
            return None
        return value

    def decision(self, node: yaml.Node, what: str) -> Decision | None:
        value = self.choice(node, what, DECISIONS)
        return Decision(value) if value is not None else None

    def date(self, node: yaml.Node, what: str) -> _dt.date | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
            try:
                value: Any = SafeConstructor().construct_yaml_timestamp(node)
            except (ValueError, ConstructorError):
                value = None
            if isinstance(value, _dt.datetime):
                return value.date()
            if isinstance(value, _dt.date):
                return value
        elif isinstance(node, yaml.ScalarNode) and node.tag != _NULL:
            try:
                return _dt.date.fromisoformat(str(node.value).strip())
            except ValueError:
                pass
        self.error(_line(node), f"{what} must be a date YYYY-MM-DD, not {_kind(node)}")
        return None

    def keys(self, node: yaml.Node, what: str, valid: tuple[str, ...]) -> dict[str, tuple[int, yaml.Node]]:
        """A mapping with a closed key set: unknown keys are errors with a suggestion."""
        out: dict[str, tuple[int, yaml.Node]] = {}
        for key, key_node, value_node in self.mapping(node, what):
            if key not in valid:
                self.error(_line(key_node), f"{what}: unknown key {key!r}{suggest(key, valid)}")
            else:
                out[key] = (_line(key_node), value_node)
        return out

    # -- the document ------------------------------------------------------------
    def compose(self, text: str, what: str, hint: str) -> yaml.MappingNode | None:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
            self.error(mark.line + 1 if mark else None, f"invalid YAML: {problem}")
            return None
        except RecursionError:
            self.error(None, f"the {what} is nested too deeply to be a {what}")
            return None
        if root is None:
            self.error(None, f"the {what} is empty; {hint}")
            return None
        if not isinstance(root, yaml.MappingNode):
            self.error(_line(root), f"a {what} must be a mapping with 'version: 1', not {_kind(root)}")
            return None
        return root

    def version(self, sections: dict[str, tuple[int, yaml.Node]], root: yaml.Node) -> None:
        if "version" not in sections:
            self.error(_line(root), "missing 'version: 1'")
        else:
            line, node = sections["version"]
            if not (isinstance(node, yaml.ScalarNode) and str(node.value).strip() == "1"):
                self.error(
                    line,
                    f"unsupported policy version {_clip(str(getattr(node, 'value', '')))!r}; "
                    "this licscan reads version 1",
                )

    def parse(self, text: str) -> Policy | None:
        root = self.compose(text, "policy", "start from 'licscan policy init'")
        if root is None:
            return None
        sections = self.keys(root, "policy", TOP_KEYS)
        self.version(sections, root)
        policy = Policy()
        builders: dict[str, Callable[[yaml.Node, Policy], Policy]] = {
            "context": self.context,
            "classes": self.classes,
            "licenses": self.licenses,
            "obligations": self.obligations,
            "exceptions": self.exceptions,
            "on_fetch_error": self.on_fetch_error,
            "datasets": self.datasets,
            "training_data": self.training_data,
            "openness": self.openness,
            "apis": self.apis,
        }
        for key, build in builders.items():
            if key in sections:
                policy = build(sections[key][1], policy)
        return policy

    def context(self, node: yaml.Node, policy: Policy) -> Policy:
        fields = self.keys(node, "context", CONTEXT_KEYS)
        ctx = Context()
        if "use" in fields:
            ctx = replace(ctx, use=self.choice(fields["use"][1], "context.use", USES) or ctx.use)
        if "monthly_active_users" in fields:
            ctx = replace(
                ctx,
                monthly_active_users=self.integer(fields["monthly_active_users"][1], "context.monthly_active_users"),
            )
        if "annual_revenue_usd" in fields:
            ctx = replace(
                ctx, annual_revenue_usd=self.integer(fields["annual_revenue_usd"][1], "context.annual_revenue_usd")
            )
        if "distribution" in fields:
            ctx = replace(
                ctx, distribution=self.choice(fields["distribution"][1], "context.distribution", DISTRIBUTIONS)
            )
        if "regions" in fields:
            ctx = replace(ctx, regions=self.regions(fields["regions"][1]))
        return replace(policy, context=ctx)

    def regions(self, node: yaml.Node) -> tuple[str, ...]:
        out: list[str] = []
        for item in self.sequence(node, "context.regions"):
            code = self.text(item, "a region")
            if code is None:
                continue
            if not valid_region(code):
                suggestion = suggest_region(code)
                hint = f"; did you mean {suggestion!r}?" if suggestion else ""
                self.error(_line(item), f"region {_clip(code)!r} is not an ISO 3166 two-letter code or EU{hint}")
            elif code not in out:
                out.append(code)
        return tuple(out)

    def class_decisions(self, node: yaml.Node, what: str) -> dict[LicenseClass, Decision]:
        """``{class: decision}`` for the classes a mapping names (closed key set)."""
        out: dict[LicenseClass, Decision] = {}
        for name, (_, value) in self.keys(node, what, CLASS_NAMES).items():
            decision = self.decision(value, f"{what}.{name}")
            if decision is not None:
                out[LicenseClass(name)] = decision
        return out

    def classes(self, node: yaml.Node, policy: Policy) -> Policy:
        given = self.class_decisions(node, "classes")
        decisions = {**DEFAULT_CLASS_DECISIONS, **given}
        return replace(policy, classes=decisions, explicit_classes=frozenset(given))

    def datasets(self, node: yaml.Node, policy: Policy) -> Policy:
        fields = self.keys(node, "datasets", DATASETS_KEYS)
        classes = self.class_decisions(fields["classes"][1], "datasets.classes") if "classes" in fields else {}
        licenses = self.licence_rules(fields["licenses"][1], "datasets.licenses") if "licenses" in fields else {}
        return replace(policy, datasets=DatasetRules(classes=classes, licenses=licenses))

    def training_data(self, node: yaml.Node, policy: Policy) -> Policy:
        given = self.class_decisions(node, "training_data")
        decisions = {**DEFAULT_TRAINING_DATA_DECISIONS, **given}
        return replace(policy, training_data=decisions, explicit_training_data=frozenset(given))

    def licenses(self, node: yaml.Node, policy: Policy) -> Policy:
        return replace(policy, licenses=self.licence_rules(node, "licenses"))

    def licence_rules(self, node: yaml.Node, what: str) -> dict[str, Decision]:
        rules: dict[str, Decision] = {}
        for key, key_node, value in self.mapping(node, what):
            decision = self.decision(value, f"{what}.{key}")
            if decision is not None:
                rules[key] = decision
            if self.db is not None and self.db.get(key) is None:
                known = self.db.lookup(key)
                hint = f"; did you mean {known.id!r}?" if known else suggest(key, [lic.id for lic in self.db.licenses])
                self.warn(
                    _line(key_node),
                    f"{what}: {key!r} is not a licence id in the database, so this rule never applies{hint}",
                )
        return rules

    def obligations(self, node: yaml.Node, policy: Policy) -> Policy:
        fields = self.keys(node, "obligations", OBLIGATIONS_KEYS)
        accepted: set[str] = set()
        if "accepted" in fields:
            valid = sorted(OBLIGATION_KINDS)
            for item in self.sequence(fields["accepted"][1], "obligations.accepted"):
                kind = self.text(item, "an obligation kind")
                if kind is None:
                    continue
                if kind not in OBLIGATION_KINDS:
                    self.error(
                        _line(item),
                        f"obligations.accepted: unknown obligation kind {_clip(kind)!r}{suggest(kind, valid)}",
                    )
                else:
                    accepted.add(kind)
        return replace(policy, accepted_obligations=frozenset(accepted))

    def parse_attestations(self, text: str) -> tuple[Attestation, ...]:
        root = self.compose(text, "attestations file", "write 'version: 1' and an 'attestations:' list")
        if root is None:
            return ()
        sections = self.keys(root, "attestations file", ATTESTATIONS_FILE_KEYS)
        self.version(sections, root)
        return self.attestations(sections["attestations"][1]) if "attestations" in sections else ()

    def openness(self, node: yaml.Node, policy: Policy) -> Policy:
        fields = self.keys(node, "openness", OPENNESS_KEYS)
        rule = OpennessRule(line=_line(node))
        if "minimum" in fields:
            minimum = self.choice(fields["minimum"][1], "openness.minimum", tuple(lv for lv in LEVELS
                                                                                  if lv != LEVEL_UNKNOWN))
            rule = replace(rule, minimum=minimum, line=fields["minimum"][0])
        if "decision" in fields:
            rule = replace(rule, decision=self.decision(fields["decision"][1], "openness.decision") or rule.decision)
        if "decision" in fields and "minimum" not in fields:
            self.warn(fields["decision"][0], "openness.decision without openness.minimum never applies")
        found = self.attestations(fields["attestations"][1]) if "attestations" in fields else ()
        return replace(policy, openness=rule, attestations=found)

    def attestations(self, node: yaml.Node) -> tuple[Attestation, ...]:
        out: list[Attestation] = []
        for index, item in enumerate(self.sequence(node, "attestations")):
            what = f"attestations[{index}]"
            fields = self.keys(item, what, ATTESTATION_KEYS)
            if not isinstance(item, yaml.MappingNode):
                continue
            values: dict[str, str] = {}
            for key in ("model", "component", "license", "source", "checked_by"):
                if key not in fields:
                    self.error(_line(item), f"{what}: missing {key!r}")
                    continue
                text = self.text(fields[key][1], f"{what}.{key}")
                if text is not None and text.strip():
                    values[key] = text.strip()
                elif text is not None:
                    self.error(fields[key][0], f"{what}.{key} is empty")
            if "model" in values:
                _, _, problem = split_reference(values["model"])
                if problem:
                    self.error(fields["model"][0], f"{what}.model: {problem}")
                    values.pop("model")
            if "component" in values and values["component"] not in COMPONENTS:
                self.error(
                    fields["component"][0],
                    f"{what}.component: {_clip(values['component'])!r} is not a MOF component"
                    f"{suggest(values['component'], COMPONENTS)}",
                )
                values.pop("component")
            if "license" in values and self.db is not None and self.db.get(values["license"]) is None:
                known = self.db.lookup(values["license"])
                hint = f"; did you mean {known.id!r}?" if known else ""
                self.error(fields["license"][0], f"{what}.license: {_clip(values['license'])!r} is not a licence id "
                           f"in the database{hint}")
                values.pop("license")
            date = None
            if "date" in fields:
                parsed = self.date(fields["date"][1], f"{what}.date")
                date = parsed.isoformat() if parsed else None
            if len(values) == 5:
                out.append(Attestation(values["model"], values["component"], values["license"], values["source"],
                                       values["checked_by"], date, f"{self.where}:{_line(item)}"))
        return tuple(out)

    def apis(self, node: yaml.Node, policy: Policy) -> Policy:
        from licscan.discover.model import SERVING
        from licscan.discover.providers import PROVIDERS

        fields = self.keys(node, "apis", APIS_KEYS)
        rules = ApiRules()
        if "default" in fields:
            rules = replace(rules, default=self.decision(fields["default"][1], "apis.default") or rules.default)
        providers: dict[str, Decision] = {}
        for key, key_node, value in self.mapping(fields["providers"][1], "apis.providers") if "providers" in fields \
                else []:
            decision = self.decision(value, f"apis.providers.{key}")
            if key not in PROVIDERS:
                self.warn(_line(key_node), f"apis.providers: {_clip(key)!r} is not a provider licscan names, so this "
                          f"rule never applies{suggest(key, sorted(PROVIDERS))}")
            if decision is not None:
                providers[key] = decision
        serving: dict[str, Decision] = {}
        for key, key_node, value in self.mapping(fields["serving"][1], "apis.serving") if "serving" in fields else []:
            decision = self.decision(value, f"apis.serving.{key}")
            if key not in SERVING:
                self.error(_line(key_node), f"apis.serving: unknown serving {_clip(key)!r}{suggest(key, SERVING)}")
            elif decision is not None:
                serving[key] = decision
        return replace(policy, apis=replace(rules, providers=providers, serving=serving))

    def on_fetch_error(self, node: yaml.Node, policy: Policy) -> Policy:
        decision = self.decision(node, "on_fetch_error")
        return replace(policy, on_fetch_error=decision) if decision is not None else policy

    def exceptions(self, node: yaml.Node, policy: Policy) -> Policy:
        rules: list[ExceptionRule] = []
        seen: dict[tuple[str, str | None], int] = {}
        for index, item in enumerate(self.sequence(node, "exceptions")):
            rule = self.exception(item, f"exceptions[{index}]")
            if rule is None:
                continue
            key = (rule.repo_type + ":" + rule.repo_id.lower(), rule.revision)
            if key in seen:
                self.warn(
                    rule.line, f"a second exception for {rule} (first on line {seen[key]}); only the first one applies"
                )
            else:
                seen[key] = rule.line or 0
            rules.append(rule)
        return replace(policy, exceptions=tuple(rules))

    def exception(self, node: yaml.Node, what: str) -> ExceptionRule | None:
        line = _line(node)
        fields = self.keys(node, what, EXCEPTION_KEYS)
        if not isinstance(node, yaml.MappingNode):
            return None
        ok = True
        repo_id, revision = "", None
        subject = "dataset" if "dataset" in fields and "model" not in fields else "model"
        if "model" in fields and "dataset" in fields:
            self.error(line, f"{what}: give 'model' or 'dataset', not both (one exception per repo)")
            ok = False
        elif subject not in fields:
            self.error(line, f"{what}: missing 'model' (org/name or org/name@revision), or 'dataset'")
            ok = False
        else:
            named = self.text(fields[subject][1], f"{what}.{subject}")
            if named is None:
                ok = False
            else:
                text = named.strip()
                if subject == "dataset" and text.startswith("datasets/"):
                    text = text[len("datasets/") :]
                repo_id, revision, problem = split_reference(text)
                if problem:
                    self.error(fields[subject][0], f"{what}.{subject}: {problem}")
                    ok = False
        decision = None
        if "decision" not in fields:
            self.error(line, f"{what}: missing 'decision' (allow, review or deny)")
        else:
            decision = self.decision(fields["decision"][1], f"{what}.decision")
        reason = ""
        if "reason" in fields:
            reason = (self.text(fields["reason"][1], f"{what}.reason") or "").strip()
        if not reason:
            self.warn(
                line,
                f"{what}: exception for {repo_id or 'a model'} gives no reason; a lawyer reading the report needs one",
            )
        expires = None
        if "expires" in fields:
            expires = self.date(fields["expires"][1], f"{what}.expires")
            if expires is not None and self.today is not None and expires < self.today:
                self.warn(
                    fields["expires"][0],
                    f"{what}: exception for {repo_id} expired on {expires.isoformat()} and no longer applies",
                )
        else:
            self.warn(
                line,
                f"{what}: exception for {repo_id or 'a model'} has no 'expires' date; exceptions should be re-reviewed",
            )
        approved_by = None
        if "approved_by" in fields:
            approved_by = self.text(fields["approved_by"][1], f"{what}.approved_by")
        if not ok or decision is None:
            return None
        repo_type = DATASET if subject == "dataset" else MODEL
        return ExceptionRule(repo_id, revision, decision, reason, expires, approved_by, line, repo_type)
