"""Regenerate docs/ontology.html, the pyLODE documentation of ontology/resgraph.ttl.

    .venv/bin/pip install 'pylode==3.3.4'     # not a runtime dependency of resgraph
    .venv/bin/python docs/make_ontology_html.py

The page is checked in: ``resgraph serve`` answers it at ``/ontology`` (Accept: text/html,
or ``/ontology.html``) without pyLODE installed.  It is self-contained (pyLODE inlines its
CSS; icons are data: URIs), so it works offline.

pyLODE 3.4.1, the newest release, cannot be imported from a wheel (it reads pyproject.toml
from site-packages: RDFLib/pyLODE#260, fixed after the release), hence 3.3.4.

Only resgraph.ttl is documented: with concepts.ttl merged in, pyLODE's OntPub profile shows
none of the SKOS concepts and takes the page title from the last concept scheme it meets.

Fragment ids: pyLODE derives them from labels ("#Resolutionversion"); we hand it the local
names of our own terms first, so ``https://w3id.org/resgraph/ontology#ResolutionVersion``
and ``/ontology#ResolutionVersion`` land on the term.  Terms of other vocabularies keep
pyLODE's ids (eli:cites and cito:cites share a local name).
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rdflib import Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "resgraph.ttl"
OUTPUT = ROOT / "docs" / "ontology.html"
NAMESPACE = "https://w3id.org/resgraph/ontology#"
PYLODE_VERSION = "3.3.4"


def render(ontology: Path = ONTOLOGY) -> str:
    """The HTML page for ``ontology``, as pyLODE's OntPub profile writes it."""
    from pylode import OntPub  # imported here: only this script needs pyLODE

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE sets the root logger to DEBUG

    g = Graph().parse(ontology, format="turtle")
    doc = OntPub(g)
    ours = sorted({s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NAMESPACE)}, key=str)
    for term in ours:
        doc.fids[str(term)] = str(term)[len(NAMESPACE):]
    return doc.make_html(include_css=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path, default=OUTPUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if the output file is not up to date")
    args = ap.parse_args(argv)
    html = render()
    if not html.endswith("\n"):
        html += "\n"
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != html:
            print(f"{args.output} is out of date; run docs/make_ontology_html.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(html, encoding="utf-8")
    print(f"wrote {args.output} ({len(html):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
