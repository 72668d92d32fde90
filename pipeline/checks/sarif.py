"""``resgraph validate --format sarif``: the report as a SARIF 2.1.0 log, for code scanning.

One run, tool ``resgraph``; one rule per finding kind (described from the finding-kind scheme of
``ontology/concepts.ttl``) and per SHACL shape met; one result per report result with its level
(violation → ``error``, warning → ``warning``, note → ``note``), its file relative to the working
directory (``uriBaseId: SRCROOT``), its region (lines, and columns in code points from the
character span: ``columnKind: unicodeCodePoints``), the resource it is about as a logical
location, the quoted words in ``properties.quote``, and its content fingerprint
(:data:`.locate.FINGERPRINT_KEY`) in ``partialFingerprints``, which ``--baseline`` reads back.
After ``--baseline`` every result shown is ``baselineState: new``.

``tests/test_validate_ci.py`` validates the output against the SARIF 2.1.0 JSON schema
(``@microsoft/jest-sarif`` ships it) and reads each region back out of the source.
"""
from __future__ import annotations

import json
from pathlib import Path

from functools import lru_cache

from .locate import FINGERPRINT_KEY
from .report import Report, ReportContext, Result

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"violation": "error", "warning": "warning", "info": "note"}


def _local(iri: str | None) -> str:
    if not iri:
        return ""
    return iri.replace("#", "/").rstrip("/").rsplit("/", 1)[-1]


def rule_id(r: Result) -> str:
    """The finding kind, or the SHACL shape's local name (else its constraint component's)."""
    if r.source == "finding":
        return r.kind or r.message.split(":", 1)[0]
    return _local(r.shape if r.shape and r.shape.startswith(("http", "urn:")) else None) or _local(r.component) or r.source


def artifact_uri(file: str, root: Path) -> tuple[str, bool]:
    """(uri, relative to SRCROOT?) of a source file."""
    p = Path(file)
    try:
        return p.resolve().relative_to(root.resolve()).as_posix(), True
    except ValueError:
        return p.resolve().as_uri(), False


def _rule(rid: str, r: Result) -> dict:
    kinds = finding_kinds()
    if r.source == "finding" and rid in kinds:
        label, definition = kinds[rid]
        short, full = label, definition
    else:
        short, full = f"SHACL shape {rid}" if r.shape else rid, r.message
    rule = {"id": rid, "name": rid, "shortDescription": {"text": short}, "fullDescription": {"text": full or short},
            "defaultConfiguration": {"level": LEVEL.get(r.severity, "warning")},
            "help": {"text": f"What a {rid} result means and how to fix the source: docs/validation.md"}}
    if r.shape and r.shape.startswith(("http", "urn:")):
        rule["properties"] = {"shape": r.shape}
    return rule


def _result(r: Result, rule_index: int, rid: str, root: Path, baseline: bool) -> dict:
    out: dict = {"ruleId": rid, "ruleIndex": rule_index, "level": LEVEL.get(r.severity, "warning"),
                 "message": {"text": r.message}}
    loc: dict = {}
    if r.file:
        uri, relative = artifact_uri(r.file, root)
        art = {"uri": uri, **({"uriBaseId": "SRCROOT"} if relative else {})}
        phys: dict = {"artifactLocation": art}
        if r.line:
            region: dict = {"startLine": r.line}
            if r.column:
                region["startColumn"] = r.column
            if r.line_end:
                region["endLine"] = r.line_end
            if r.end_column:
                region["endColumn"] = r.end_column
            phys["region"] = region
        loc["physicalLocation"] = phys
    if r.focus.startswith(("http://", "https://", "urn:")):
        loc["logicalLocations"] = [{"fullyQualifiedName": r.focus, "kind": "resource"}]
    if loc:
        out["locations"] = [loc]
    if r.fingerprint:
        out["partialFingerprints"] = {FINGERPRINT_KEY: r.fingerprint}
    if baseline:
        out["baselineState"] = "new"
    props = {"severity": r.severity, "source": r.source, "focus": r.focus}
    if r.quote:
        props["quote"] = r.quote       # the words as the finding quotes them (spaces folded), not always the region's
    if r.document:
        props["document"] = r.document
    out["properties"] = props
    return out


def log(report: Report, ctx: ReportContext) -> dict:
    """The SARIF log as a dict."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        v = version("resgraph")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
        v = "0"
    rules: list[dict] = []
    index: dict[str, int] = {}
    results = []
    for r in report.results:
        rid = rule_id(r)
        if rid not in index:
            index[rid] = len(rules)
            rules.append(_rule(rid, r))
        results.append(_result(r, index[rid], rid, ctx.root, ctx.baseline is not None))
    run = {"tool": {"driver": {"name": "resgraph", "version": v, "semanticVersion": v,
                               "informationUri": "https://w3id.org/resgraph/ontology", "rules": rules}},
           "originalUriBaseIds": {"SRCROOT": {"uri": ctx.root.resolve().as_uri() + "/"}},
           "columnKind": "unicodeCodePoints",
           "results": results}
    if ctx.baseline is not None:
        run["properties"] = {"baseline": ctx.baseline}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def write(report: Report, ctx: ReportContext) -> str:
    return json.dumps(log(report, ctx), indent=2, ensure_ascii=False)


def fingerprints(data: dict) -> list[str] | None:
    """The content fingerprints of a SARIF log this module wrote (None: not such a log)."""
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        return None
    out = []
    for run in data["runs"]:
        for res in (run.get("results") or []) if isinstance(run, dict) else []:
            fp = (res.get("partialFingerprints") or {}).get(FINGERPRINT_KEY) if isinstance(res, dict) else None
            if isinstance(fp, str):
                out.append(fp)
    return out


@lru_cache(maxsize=1)
def finding_kinds() -> dict[str, tuple[str, str]]:
    """Code → (label, definition) of every finding kind (``ontology/concepts.ttl``), for rule
    descriptions."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    from ..rdf.vocab import CONCEPT_BASE
    from ..settings import PROJECT_ROOT

    g = Graph().parse(PROJECT_ROOT / "ontology" / "concepts.ttl", format="turtle")
    scheme = URIRef(f"{CONCEPT_BASE}finding-kind")
    out = {}
    for c in g.subjects(SKOS.inScheme, scheme):
        code = str(g.value(c, SKOS.notation))
        out[code] = (str(g.value(c, SKOS.prefLabel) or code), str(g.value(c, SKOS.definition) or ""))
    return dict(sorted(out.items()))
