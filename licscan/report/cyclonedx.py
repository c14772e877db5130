"""CycloneDX 1.6 JSON: one ``machine-learning-model`` component per manifest model, base models as pedigree.

Datasets are ``data`` components: the ones the manifests list, and every training-data entry a model
card names (an entry that is no readable Hub dataset is still a component, marked unresolved, so the
inventory says what the card claims). Each model's ``modelCard.modelParameters.datasets`` references its
training data by bom-ref; cyclonedx-python-lib does not model ``modelCard`` yet, so it is added to the
library's JSON output (and the whole BOM is checked against the 1.6 schema by the tests).

Built with ``cyclonedx-python-lib`` rather than by hand: it is the CycloneDX
project's own library, actively maintained, models 1.6 (the
``machine-learning-model`` type, licence acknowledgements, nested pedigree),
knows which licence ids the CycloneDX schema accepts, and ships the JSON
schemas its validator checks against; hand-written JSON would have to
re-learn all of that at each spec revision.

The serial number and timestamp come from the scan document (content hash,
``generated_at``), so one scan always renders the same BOM.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from licscan.report.common import content_hash, hub_url, model_label, purl

if TYPE_CHECKING:
    from cyclonedx.model.component import Component


def render_cyclonedx(doc: dict[str, Any]) -> str:
    import json

    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion

    text = make_outputter(to_bom(doc), OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=2)
    cards = _model_cards(doc)
    if not cards:
        return str(text) + "\n"
    bom = json.loads(text)
    for component in bom.get("components") or []:
        refs = cards.get(component.get("bom-ref"), [])
        if refs:
            component["modelCard"] = {"modelParameters": {"datasets": [{"ref": r} for r in refs]}}
    return json.dumps(bom, indent=2) + "\n"


def _dataset_ref(entry: dict[str, Any], index: int) -> str:
    """bom-ref of a dataset: ``datasets/org/name@commit``, or the card's value for an entry no Hub id names."""
    if entry.get("repo_id"):
        return "datasets/" + _bom_ref(str(entry["repo_id"]), entry.get("revision"))
    return f"datasets/unresolved-{index}:{entry.get('value')}"


def _model_cards(doc: dict[str, Any]) -> dict[str, list[str]]:
    """bom-ref of each model that names training data -> the bom-refs of its data components."""
    out: dict[str, list[str]] = {}
    for index, model in enumerate(doc["models"]):
        refs = [_dataset_ref(t, index) for t in model.get("training_data") or []]
        if refs:
            out[_bom_ref(model["repo_id"], model.get("revision") or model.get("requested_revision"))] = list(
                dict.fromkeys(refs)
            )
    return out


def to_bom(doc: dict[str, Any]) -> Any:
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType

    tool = Component(type=ComponentType.APPLICATION, name="licscan", version=str(doc["tool"]["version"]))
    metadata = BomMetaData(
        timestamp=_timestamp(doc),
        properties=[
            Property(name=f"licscan:{key}", value=str(doc.get(key)))
            for key in ("database_version", "source", "policy")
            if doc.get(key) is not None
        ]
        + [Property(name="licscan:manifest", value=str(m)) for m in doc.get("manifests") or []],
    )
    metadata.tools.components.add(tool)
    bom = Bom(serial_number=uuid.uuid5(uuid.NAMESPACE_URL, "licscan:" + content_hash(doc)), metadata=metadata)
    for model in doc["models"]:
        bom.components.add(_model_component(doc, model))
    for component in _data_components(doc):
        bom.components.add(component)
    return bom


def _data_components(doc: dict[str, Any]) -> list[Component]:
    """A ``data`` component per listed dataset and per training-data entry, each bom-ref once."""
    from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.license import LicenseAcknowledgement

    out: dict[str, Component] = {}
    listed = [(d, None, _bom_ref_of_dataset(d)) for d in doc.get("datasets") or []]
    trained = [
        (t, model, _dataset_ref(t, index))
        for index, model in enumerate(doc["models"])
        for t in model.get("training_data") or []
    ]
    for entry, model, ref in [*listed, *trained]:
        if ref in out:
            continue
        repo_id = entry.get("repo_id")
        group, _, name = str(repo_id or "").rpartition("/")
        properties = [Property(name="licscan:class", value=str(entry.get("class")))]
        licences = []
        if model is None:  # listed in a manifest: concluded and declared, like a model
            if entry.get("class") != "unknown" and entry.get("license"):
                licences.append(_licence(entry["license"], LicenseAcknowledgement.CONCLUDED))
            if entry.get("declared_license"):
                licences.append(_licence(entry["declared_license"], LicenseAcknowledgement.DECLARED))
            if entry.get("verdict"):
                properties.append(Property(name="licscan:verdict", value=str(entry["verdict"])))
            properties += [Property(name="licscan:finding", value=str(f["code"])) for f in entry.get("findings") or []]
            manifest = entry.get("manifest") or {}
            properties.append(Property(name="licscan:manifest", value=f"{manifest.get('path')}:{manifest.get('line')}"))
        else:
            if entry.get("license"):
                licences.append(_licence(entry["license"], LicenseAcknowledgement.DECLARED))
            properties.append(Property(name="licscan:training-data-of", value=str(entry.get("from"))))
            if not entry.get("resolved"):
                properties.append(Property(name="licscan:unresolved", value=str(entry.get("failure") or "true")))
        if entry.get("gated"):
            properties.append(Property(name="licscan:gated", value=str(entry["gated"])))
        references = []
        if repo_id:
            references.append(
                ExternalReference(
                    type=ExternalReferenceType.WEBSITE,
                    url=XsUri(hub_url(doc, str(repo_id), entry.get("revision"), "dataset")),
                )
            )
        out[ref] = Component(
            type=ComponentType.DATA,
            group=group or None,
            name=name or str(entry.get("value") or "unnamed"),
            version=entry.get("revision"),
            bom_ref=ref,
            licenses=licences,
            external_references=references,
            properties=properties,
        )
    return list(out.values())


def _bom_ref_of_dataset(dataset: dict[str, Any]) -> str:
    return "datasets/" + _bom_ref(str(dataset["repo_id"]), dataset.get("revision") or dataset.get("requested_revision"))


def _timestamp(doc: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(doc.get("generated_at", "")).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _bom_ref(repo_id: str, revision: str | None) -> str:
    return f"{repo_id}@{revision}" if revision else repo_id


def _model_component(doc: dict[str, Any], model: dict[str, Any]) -> Component:
    from cyclonedx.model import Property
    from cyclonedx.model.component import Pedigree
    from cyclonedx.model.license import LicenseAcknowledgement

    ref = _bom_ref(model["repo_id"], model.get("revision") or model.get("requested_revision"))
    licences = []
    if model.get("class") != "unknown" and model.get("license"):
        licences.append(_licence(model["license"], LicenseAcknowledgement.CONCLUDED))
    if model.get("declared_license"):
        licences.append(_licence(model["declared_license"], LicenseAcknowledgement.DECLARED))
    properties = [Property(name="licscan:class", value=str(model["class"]))]
    if model.get("verdict"):
        properties.append(Property(name="licscan:verdict", value=str(model["verdict"])))
    properties += [Property(name="licscan:finding", value=str(f["code"])) for f in model.get("findings") or []]
    manifest = model.get("manifest") or {}
    properties.append(Property(name="licscan:manifest", value=f"{manifest.get('path')}:{manifest.get('line')}"))
    if model.get("requested_revision"):
        properties.append(Property(name="licscan:requested-revision", value=str(model["requested_revision"])))
    counter = iter(range(1, 10_000))
    ancestors = _ancestors(doc, model, str(model["repo_id"]), ref, counter, set())
    return _component(
        doc,
        model["repo_id"],
        model.get("revision"),
        ref,
        licences,
        properties,
        Pedigree(ancestors=ancestors) if ancestors else None,
    )


def _ancestors(
    doc: dict[str, Any], model: dict[str, Any], parent: str, root_ref: str, counter: Any, path: set[str]
) -> list[Component]:
    """The direct bases of ``parent`` within ``model``'s lineage, each with its own bases as pedigree."""
    from cyclonedx.model import Property
    from cyclonedx.model.component import Pedigree
    from cyclonedx.model.license import LicenseAcknowledgement

    out = []
    for base in model.get("base_models") or []:
        if str(base.get("parent", "")).lower() != parent.lower() or base["repo_id"].lower() in path:
            continue  # not a direct base, or a cycle the lineage already reported
        # bom-refs must be unique in the whole BOM, and one base can sit in several lineages.
        ref = f"{root_ref}#base-{next(counter)}:{_bom_ref(base['repo_id'], base.get('revision'))}"
        deeper = _ancestors(doc, model, base["repo_id"], root_ref, counter, path | {parent.lower()})
        licences = [_licence(base["license"], LicenseAcknowledgement.DECLARED)] if base.get("license") else []
        properties = [
            Property(name="licscan:class", value=str(base.get("class"))),
            Property(name="licscan:depth", value=str(base.get("depth"))),
            Property(name="licscan:base-of", value=model_label(model)),
        ]
        if base.get("relation"):
            properties.append(Property(name="licscan:relation", value=str(base["relation"])))
        if not base.get("resolved"):
            properties.append(Property(name="licscan:unresolved", value="true"))
        out.append(
            _component(
                doc,
                base["repo_id"],
                base.get("revision"),
                ref,
                licences,
                properties,
                Pedigree(ancestors=deeper) if deeper else None,
            )
        )
    return out


def _component(
    doc: dict[str, Any],
    repo_id: str,
    revision: str | None,
    ref: str,
    licences: list[Any],
    properties: list[Any],
    pedigree: Any,
) -> Component:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri
    from cyclonedx.model.component import Component, ComponentType
    from packageurl import PackageURL

    group, _, name = repo_id.rpartition("/")
    references = [ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(hub_url(doc, repo_id, None)))]
    if revision:
        references.append(
            ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(hub_url(doc, repo_id, revision)))
        )
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        group=group or None,
        name=name,
        version=revision,
        bom_ref=ref,
        purl=PackageURL.from_string(purl(doc, repo_id, revision)),
        licenses=licences,
        external_references=references,
        properties=properties,
        pedigree=pedigree,
    )


def _licence(lic: dict[str, Any], acknowledgement: Any) -> Any:
    """An SPDX id where CycloneDX's licence list has it, else the licence by name."""
    from cyclonedx.model.license import DisjunctiveLicense
    from cyclonedx.spdx import is_supported_id

    spdx_id = lic.get("spdx_id")
    if isinstance(spdx_id, str) and is_supported_id(spdx_id):
        return DisjunctiveLicense(id=spdx_id, acknowledgement=acknowledgement)
    return DisjunctiveLicense(name=str(lic.get("name") or lic.get("id")), acknowledgement=acknowledgement)
