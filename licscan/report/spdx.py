"""SPDX 2.3 (JSON and tag-value), built with the ``spdx-tools`` model and writers.

Each manifest model and each base model is a package (deduplicated by repo and
commit), and so is each dataset: the ones the manifests list, and the training
data model cards name (SPDX 2.3 has no purpose for data: ``OTHER``, with a
comment saying it is a dataset; a model is related to its training data by an
``OTHER`` relationship whose comment says "trained on", since 2.3 has no such
type either). Licences are SPDX ids when the SPDX licence list knows them, else
``LicenseRef-`` ids with an ``ExtractedLicensingInfo`` naming the licence. A
model ``DESCENDANT_OF`` its base: SPDX 2.3 defines that type as "same lineage
but postdates", which is what a fine-tune, quantisation or merge is, whereas
``VARIANT_OF`` ("not clear which came first") would lose the direction.

Everything that would vary between two renderings of the same scan is derived
from the scan document: ``created`` is its ``generated_at``, the namespace
carries its content hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from licscan.report.common import content_hash, hub_url, model_label, purl
from licscan.text import display

if TYPE_CHECKING:
    from license_expression import LicenseExpression
    from spdx_tools.spdx.model.document import Document
    from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion

NAMESPACE_BASE = "https://licscan.invalid/spdx/"
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")


def render_spdx_json(doc: dict[str, Any]) -> str:
    from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

    out = io.StringIO()
    write_document_to_stream(to_spdx(doc), out, validate=False)
    return out.getvalue() + "\n"


def render_spdx_tagvalue(doc: dict[str, Any]) -> str:
    from spdx_tools.spdx.writer.tagvalue.tagvalue_writer import write_document_to_stream

    out = io.StringIO()
    write_document_to_stream(to_spdx(doc), out, validate=False)
    return out.getvalue()


@dataclass
class _Node:
    """One package to write: a manifest model, or a base model first met in some lineage."""

    repo_id: str
    revision: str | None
    declared: dict[str, Any] | None
    concluded: dict[str, Any] | None
    comment: str
    in_manifest: bool
    spdx_id: str = ""
    bases: list[str] = field(default_factory=list)  # spdx ids of direct bases
    repo_type: str = "model"
    trained_on: list[tuple[tuple[str, str | None], str]] = field(default_factory=list)  # (dataset key, comment)


def to_spdx(doc: dict[str, Any]) -> Document:
    # Imported from the defining modules: spdx_tools' package __init__ re-exports are invisible to mypy.
    from spdx_tools.spdx.model.actor import Actor, ActorType
    from spdx_tools.spdx.model.document import CreationInfo, Document
    from spdx_tools.spdx.model.relationship import Relationship, RelationshipType

    nodes = _nodes(doc)
    licences = _Licences()
    packages = [_package(doc, node, licences) for node in nodes.values()]
    relationships = [
        Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, node.spdx_id)
        for node in nodes.values()
        if node.in_manifest
    ]
    for node in nodes.values():
        relationships.extend(
            Relationship(node.spdx_id, RelationshipType.DESCENDANT_OF, base_id) for base_id in node.bases
        )
        relationships.extend(
            Relationship(node.spdx_id, RelationshipType.OTHER, nodes[key].spdx_id, comment=comment)
            for key, comment in node.trained_on
        )
    manifests = ", ".join(str(m) for m in doc.get("manifests") or []) or "a manifest"
    creation = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=_one_line(f"licscan scan of {manifests}"),
        document_namespace=NAMESPACE_BASE + content_hash(doc),
        creators=[Actor(ActorType.TOOL, f"licscan-{doc['tool']['version']}")],
        created=_created(doc),
        creator_comment=_one_line(
            f"Licence database {doc.get('database_version')}; source {doc.get('source')}; "
            f"policy {doc.get('policy') or 'none'}. Concluded licences are the effective licences licscan "
            "found along each model's lineage."
        ),
    )
    return Document(
        creation, packages=packages, relationships=relationships, extracted_licensing_info=licences.extracted()
    )


def _created(doc: dict[str, Any]) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(str(doc.get("generated_at", "")).replace("Z", "+00:00"))
    except ValueError:
        when = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    # The writers print datetimes as given, with a Z: hand them naive UTC.
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _key(repo_id: str, revision: str | None, repo_type: str = "model") -> tuple[str, str | None]:
    prefix = "datasets/" if repo_type == "dataset" else ""  # a dataset may share a model's id
    return (prefix + repo_id.lower(), revision)


def _spdx_id(repo_id: str, revision: str | None, repo_type: str = "model") -> str:
    """``SPDXRef-<repo>-<hash>``: letters, digits, '.' and '-' only; the hash keeps ``a_b`` and ``a-b`` apart."""
    if repo_type == "dataset":
        digest = hashlib.sha256(f"datasets/{repo_id.lower()}@{revision}".encode()).hexdigest()[:10]
        return f"SPDXRef-dataset-{_ID_UNSAFE.sub('-', repo_id).strip('-')}-{digest}"
    digest = hashlib.sha256(f"{repo_id.lower()}@{revision}".encode()).hexdigest()[:10]
    return f"SPDXRef-{_ID_UNSAFE.sub('-', repo_id).strip('-')}-{digest}"


def _nodes(doc: dict[str, Any]) -> dict[tuple[str, str | None], _Node]:
    nodes: dict[tuple[str, str | None], _Node] = {}
    for model in doc["models"]:
        key = _key(model["repo_id"], model.get("revision"))
        if key not in nodes or not nodes[key].in_manifest:
            nodes[key] = _Node(
                repo_id=model["repo_id"],
                revision=model.get("revision"),
                declared=model.get("declared_license"),
                concluded=model.get("license") if model.get("class") != "unknown" else None,
                comment=_model_comment(model),
                in_manifest=True,
            )
    for model in doc["models"]:
        for base in model.get("base_models") or []:
            key = _key(base["repo_id"], base.get("revision"))
            if key not in nodes:
                state = "resolved" if base.get("resolved") else "could not be read"
                nodes[key] = _Node(
                    repo_id=base["repo_id"],
                    revision=base.get("revision"),
                    declared=base.get("license"),
                    concluded=None,  # licscan classifies a base by its own card only: no conclusion of its own
                    comment=_one_line(
                        f"Base model ({state}) in the lineage of {model_label(model)}; "
                        f"class of its declared licence: {base.get('class')}."
                    ),
                    in_manifest=False,
                )
    _dataset_nodes(doc, nodes)
    for key, node in nodes.items():
        node.spdx_id = _spdx_id(node.repo_id, key[1], node.repo_type)
    for model in doc["models"]:
        chain = {model["repo_id"].lower(): _key(model["repo_id"], model.get("revision"))}
        for base in model.get("base_models") or []:
            chain.setdefault(base["repo_id"].lower(), _key(base["repo_id"], base.get("revision")))
        for base in model.get("base_models") or []:
            parent = nodes.get(chain.get(str(base.get("parent", "")).lower(), ("", None)))
            child_id = nodes[_key(base["repo_id"], base.get("revision"))].spdx_id
            if parent is not None and child_id not in parent.bases and child_id != parent.spdx_id:
                parent.bases.append(child_id)
    return nodes


def _dataset_nodes(doc: dict[str, Any], nodes: dict[tuple[str, str | None], _Node]) -> None:
    """The listed datasets, and the training data each model names (the readable ones), as packages."""
    for dataset in doc.get("datasets") or []:
        key = _key(dataset["repo_id"], dataset.get("revision"), "dataset")
        nodes[key] = _Node(
            repo_id=dataset["repo_id"],
            revision=dataset.get("revision"),
            declared=dataset.get("declared_license"),
            concluded=dataset.get("license") if dataset.get("class") != "unknown" else None,
            comment=_one_line("Dataset (SPDX 2.3 has no package purpose for data). " + _model_comment(dataset)),
            in_manifest=True,
            repo_type="dataset",
        )
    for model in doc["models"]:
        node = nodes.get(_key(model["repo_id"], model.get("revision")))
        for entry in model.get("training_data") or []:
            if not entry.get("resolved") or not entry.get("repo_id") or node is None:
                continue
            key = _key(entry["repo_id"], entry.get("revision"), "dataset")
            if key not in nodes:
                nodes[key] = _Node(
                    repo_id=entry["repo_id"],
                    revision=entry.get("revision"),
                    declared=entry.get("license"),
                    concluded=None,  # read from its own card only, as training data: licscan concludes nothing
                    comment=_one_line(
                        "Dataset (SPDX 2.3 has no package purpose for data), named as training data by "
                        f"{entry.get('from')}; class of its declared licence: {entry.get('class')}"
                        + ("; gated on the Hub" if entry.get("gated") else "")
                        + "."
                    ),
                    in_manifest=False,
                    repo_type="dataset",
                )
            comment = _one_line(
                f"{model_label(model)} was trained on {entry['repo_id']} (named in the card datasets: of "
                f"{entry.get('from')}); SPDX 2.3 has no trained-on relationship type."
            )
            if all(existing != key for existing, _ in node.trained_on):
                node.trained_on.append((key, comment))


def _model_comment(model: dict[str, Any]) -> str:
    parts = [f"licscan class: {model.get('class')}"]
    lic = model.get("license")
    if lic and lic.get("source") and str(lic["source"]).lower() != str(model["repo_id"]).lower():
        parts.append(f"effective licence inherited from {lic['source']}")
    if model.get("declared_expression") and not model.get("declared_license"):
        parts.append(f"declared: {display(model['declared_expression'], 200)}")
    if model.get("verdict"):
        parts.append(f"policy verdict: {model['verdict']}")
    codes = sorted({str(f.get("code")) for f in model.get("findings") or []})
    if codes:
        parts.append("findings: " + ", ".join(codes))
    data = model.get("training_data") or []
    unread = [str(t.get("repo_id") or t.get("value")) for t in data if not t.get("resolved")]
    if unread:
        parts.append("training data that could not be read: " + ", ".join(unread[:10]))
    manifest = model.get("manifest") or {}
    parts.append(f"listed at {manifest.get('path')}:{manifest.get('line')}")
    return _one_line("; ".join(parts) + ".")


def _one_line(text: str) -> str:
    """Free text safe for both writers: one line (tag-value wraps multi-line text in <text> tags), no tags."""
    text = display(text, 2000).replace("\n", " ").replace("\t", " ")
    return re.sub(r"</?text>", "", text, flags=re.IGNORECASE)


class _Licences:
    """SPDX expressions for licscan licences, collecting the LicenseRef- ids they need."""

    def __init__(self) -> None:
        self._refs: dict[str, str] = {}  # LicenseRef id -> licence name

    def expression(self, lic: dict[str, Any] | None) -> LicenseExpression | SpdxNoAssertion:
        from spdx_tools.common.spdx_licensing import spdx_licensing  # type: ignore[import-untyped]
        from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion

        if not lic:
            return SpdxNoAssertion()
        spdx_id = lic.get("spdx_id")
        if (
            isinstance(spdx_id, str)
            and spdx_id
            and " " not in spdx_id
            and not spdx_id.startswith("LicenseRef-")
            and not spdx_licensing.validate(spdx_id).invalid_symbols
        ):
            return spdx_licensing.parse(spdx_id)
        ref = spdx_id if isinstance(spdx_id, str) and re.fullmatch(r"LicenseRef-[A-Za-z0-9.-]+", spdx_id) else None
        if ref is None:  # no SPDX id, or one this licence list does not know: refer to it by licscan's id
            ref = "LicenseRef-licscan-" + (_ID_UNSAFE.sub("-", str(lic.get("id", "unknown"))).strip("-") or "unknown")
        self._refs.setdefault(ref, str(lic.get("name") or lic.get("id")))
        return spdx_licensing.parse(ref)

    def extracted(self) -> list[Any]:
        from spdx_tools.spdx.model.extracted_licensing_info import ExtractedLicensingInfo

        return [
            ExtractedLicensingInfo(
                license_id=ref,
                license_name=_one_line(name),
                # SPDX requires a text for every LicenseRef; licscan records which licence, not its text.
                extracted_text=_one_line(
                    f"{name}: licscan identifies this licence by name and does not reproduce its text; "
                    "see the licence file in the model repository."
                ),
            )
            for ref, name in sorted(self._refs.items())
        ]


def _package(doc: dict[str, Any], node: _Node, licences: _Licences) -> Any:
    from spdx_tools.spdx.model.package import ExternalPackageRef, ExternalPackageRefCategory, Package, PackagePurpose
    from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
    from spdx_tools.spdx.validation.uri_validators import validate_download_location

    location: str | SpdxNoAssertion = SpdxNoAssertion()
    if node.revision:
        url = hub_url(doc, node.repo_id, node.revision, node.repo_type)
        if not validate_download_location(url):  # a loopback or odd endpoint is no valid SPDX location
            location = url
    refs = []
    if node.repo_type == "model":  # the purl type huggingface is defined for models only
        refs.append(
            ExternalPackageRef(
                ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", purl(doc, node.repo_id, node.revision)
            )
        )
    return Package(
        spdx_id=node.spdx_id,
        name=node.repo_id,
        download_location=location,
        version=node.revision,
        supplier=SpdxNoAssertion(),
        originator=SpdxNoAssertion(),
        files_analyzed=False,
        license_concluded=licences.expression(node.concluded),
        license_declared=licences.expression(node.declared),
        copyright_text=SpdxNoAssertion(),
        comment=node.comment,
        external_references=refs,
        primary_package_purpose=PackagePurpose.OTHER,  # SPDX 2.3 has no purpose for a model or for data
    )
