"""Regenerate docs/classes.svg and docs/classes.png, the diagram of resgraph's main classes.

    .venv/bin/python docs/make_diagram.py            # needs Graphviz `dot` (Debian: graphviz)
    .venv/bin/python docs/make_diagram.py --dot      # print the DOT only

Everything drawn is read, not typed in:

* nodes: the classes declared in ``ontology/resgraph.ttl`` (ours blue, reused ones white);
  the controlled-list classes (members of a SKOS scheme in ``concepts.ttl``) are grouped in
  one box;
* dashed edges with a hollow arrow: ``rdfs:subClassOf`` — our alignments to ELI, CiTO,
  SKOS, PROV, DCTERMS;
* solid edges, labelled with the property: an object property from its ``rdfs:domain`` to
  its ``rdfs:range`` (resgraph.ttl, and the UN SDG ontology for the ``sdgo:`` properties we
  declare), and the links the SHACL shapes (``shapes/resgraph.ttl``) require between
  classes (``sh:targetClass`` → ``sh:path`` → ``sh:class``, or each ``sh:class`` of an
  ``sh:or``) — most of our properties leave domain or range open, and the shapes are where
  "a section is part of a version or an annex" is stated.

Strategic-plan items are plain ``skos:Concept``s (the plan is a SKOS scheme) and have no
class of their own; they appear as ``skos:Concept``.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "resgraph.ttl"
CONCEPTS = ROOT / "ontology" / "concepts.ttl"
SHAPES = ROOT / "shapes" / "resgraph.ttl"
SDG_ONTOLOGY = ROOT / "data" / "reference" / "sdgs-ontology.ttl"
OUT = ROOT / "docs"

SH = Namespace("http://www.w3.org/ns/shacl#")
RG = "https://w3id.org/resgraph/ontology#"
PREFIXES = {
    "rg": RG,
    "eli": "http://data.europa.eu/eli/ontology#",
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": str(SKOS),
    "prov": "http://www.w3.org/ns/prov#",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "rdfs": str(RDFS),
}


def curie(iri) -> str:
    s = str(iri)
    for p, ns in PREFIXES.items():
        if s.startswith(ns):
            return f"{p}:{s[len(ns):]}"
    return s


def _id(iri) -> str:
    return '"' + curie(iri) + '"'


def model(ontology: Path = ONTOLOGY, concepts: Path = CONCEPTS, shapes: Path = SHAPES,
          sdg_ontology: Path = SDG_ONTOLOGY) -> dict:
    """Classes, alignments and links, as read from the files (see the module docstring)."""
    onto = Graph().parse(ontology, format="turtle")
    classes = {c for c in onto.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    labels = {c: str(onto.value(c, RDFS.label)) for c in classes if onto.value(c, RDFS.label) is not None}

    subclass = set()
    for c in classes:
        for sup in onto.objects(c, RDFS.subClassOf):
            if isinstance(sup, URIRef):
                subclass.add((c, sup))
    supers = {sup for _, sup in subclass}

    # controlled lists: classes whose members are SKOS concepts of concepts.ttl
    concept_graph = Graph().parse(concepts, format="turtle")
    lists = {c for c in classes if (None, RDF.type, c) in concept_graph
             and any(True for _ in concept_graph.subjects(RDF.type, c))}

    links: dict[tuple[URIRef, URIRef], set[str]] = defaultdict(set)  # (from, to) -> property CURIEs
    object_props = {p for p in onto.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)}
    sdg = Graph().parse(sdg_ontology, format="turtle") if sdg_ontology.exists() else Graph()
    for p in object_props:
        src = sdg if str(p).startswith(PREFIXES["sdgo"]) else onto
        if str(p).startswith(PREFIXES["sdgo"]) and any(True for _ in onto.subjects(OWL.inverseOf, p)):
            continue  # draw sdgo:hasTarget, not also its inverse sdgo:isTargetOf
        for d in src.objects(p, RDFS.domain):
            for r in src.objects(p, RDFS.range):
                if isinstance(d, URIRef) and isinstance(r, URIRef):
                    links[(d, r)].add(curie(p))

    sg = Graph().parse(shapes, format="turtle")
    for shape in set(sg.subjects(SH.targetClass, None)):
        for target in sg.objects(shape, SH.targetClass):
            for ps in sg.objects(shape, SH.property):
                path = sg.value(ps, SH.path)
                if not isinstance(path, URIRef):
                    continue
                ranges = set(sg.objects(ps, SH["class"]))
                for alternatives in sg.objects(ps, SH["or"]):
                    for alt in Collection(sg, alternatives):
                        if sg.value(alt, SH.path) is None:
                            ranges.update(sg.objects(alt, SH["class"]))
                for r in ranges:
                    if r in classes:
                        links[(target, r)].add(curie(path))

    # a link a superclass already has (rg:UNDocument rg:body rg:Body) is not drawn again on
    # its subclasses (rg:UNResolution)
    ancestors = defaultdict(set)
    for c in classes:
        todo = [c]
        while todo:
            for sup in onto.objects(todo.pop(), RDFS.subClassOf):
                if isinstance(sup, URIRef) and sup not in ancestors[c]:
                    ancestors[c].add(sup)
                    todo.append(sup)
    for (d, r), props in list(links.items()):
        props -= {p for a in ancestors[d] for p in links.get((a, r), ())}
        if not props:
            del links[(d, r)]

    nodes = classes | supers | {c for pair in links for c in pair}
    return {"classes": classes, "labels": labels, "subclass": subclass, "lists": lists,
            "links": dict(links), "nodes": nodes}


# Properties that point from a part to its whole (or to its source): drawn with the whole
# first (``whole -> part [dir=back]``), so the diagram reads work → version → section →
# clause from top to bottom while each arrow still points the way the property reads.
TOWARDS_WHOLE = {"eli:is_part_of", "dcterms:isVersionOf", "dcterms:isPartOf", "prov:wasDerivedFrom",
                 "cito:hasCitingEntity"}


def make_dot(m: dict | None = None) -> str:
    """The diagram as Graphviz DOT, top to bottom: work, version, section, clause."""
    m = m or model()
    ours = {c for c in m["nodes"] if str(c).startswith(RG)}
    out = [
        "digraph resgraph {",
        '  graph [rankdir=TB, nodesep=0.3, ranksep=0.5, fontname="Helvetica", fontsize=11, compound=true, newrank=true,',
        '         label="resgraph ontology: main classes (blue: rg:, white: reused).  Solid arrows: object properties (domain → range, '
        'and the links the SHACL shapes require).  Dashed, hollow arrows: rdfs:subClassOf.", labelloc=b];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.12,0.05"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#444444", fontcolor="#1f4e79"];',
    ]

    def node(c) -> str:
        label = m["labels"].get(c)
        name = curie(c)
        if c in ours:
            text = f"<<b>{label}</b><br/><font point-size=\"9\">{name}</font>>" if label else f"<{name}>"
            return f'  {_id(c)} [label={text}, fillcolor="#dbe9f6", color="#1f4e79"];'
        return f'  {_id(c)} [label=<{name}>, fillcolor="#ffffff", color="#888888", fontcolor="#333333"];'

    lists = sorted(m["lists"] & m["nodes"], key=str)
    list_supers = {sup for c, sup in m["subclass"] if c in m["lists"]}
    if lists:
        out.append('  subgraph cluster_lists {')
        out.append('    label="controlled lists (SKOS concept schemes, ontology/concepts.ttl)"; '
                   'style="rounded,dashed"; color="#888888"; fontsize=10;')
        out.append("    {rank=same; " + " ".join(_id(c) for c in lists) + "}")
        out.extend("  " + node(c) for c in lists)
        out.append("  }")
    for c in sorted(m["nodes"] - set(lists), key=str):
        out.append(node(c))

    for c, sup in sorted(m["subclass"], key=lambda e: (str(e[0]), str(e[1]))):
        attrs = 'style=dashed, arrowhead=empty, color="#888888"'
        if c in m["lists"] and len(list_supers) == 1:
            # one arrow from the box of lists to the class they all specialise
            if c != lists[len(lists) // 2]:
                continue
            attrs += ", ltail=cluster_lists"
        out.append(f"  {_id(c)} -> {_id(sup)} [{attrs}];")

    for (d, r), props in sorted(m["links"].items(), key=lambda e: (str(e[0][0]), str(e[0][1]))):
        label = "\\n".join(sorted(props))
        if d == r:
            out.append(f'  {_id(d)} -> {_id(r)} [label="{label}"];')
        elif props <= TOWARDS_WHOLE:
            out.append(f'  {_id(r)} -> {_id(d)} [label="{label}", dir=back];')
        else:
            out.append(f'  {_id(d)} -> {_id(r)} [label="{label}"];')
    out.append("}")
    return "\n".join(out) + "\n"


def render(dot: str, out_dir: Path = OUT) -> list[Path]:
    exe = shutil.which("dot")
    if exe is None:
        raise SystemExit("error: Graphviz `dot` is not installed (Debian package graphviz)")
    written = []
    for fmt, extra in (("svg", []), ("png", ["-Gdpi=110"])):
        path = out_dir / f"classes.{fmt}"
        subprocess.run([exe, f"-T{fmt}", *extra, "-o", str(path)], input=dot.encode(), check=True)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dot", action="store_true", help="print the DOT and stop")
    ap.add_argument("-o", "--out-dir", type=Path, default=OUT)
    args = ap.parse_args(argv)
    dot = make_dot()
    if args.dot:
        sys.stdout.write(dot)
        return 0
    for p in render(dot, args.out_dir):
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
