"""Validation and reasoning: SHACL per document, graph-wide checks, findings, the report as
linked data, and the forward chainer.

``report`` (the result types) imports nothing else of ``pipeline``; every other module here
depends on it, never the other way round.
"""
from .findings import REFERENCE_FINDINGS, finding_results, findings_of
from .graph_checks import SparqlCheck, graph_checks, sparql_checks
from .report import SEVERITY, Report, Result
from .report_graph import report_graph, report_quads, results_by_document
from .shacl import all_shapes, compiled_checks, shacl, shacl_store, shapes_graph

__all__ = ["REFERENCE_FINDINGS", "SEVERITY", "Report", "Result", "SparqlCheck", "all_shapes", "compiled_checks",
           "finding_results", "findings_of", "graph_checks", "report_graph", "report_quads", "results_by_document", "shacl",
           "shacl_store", "shapes_graph", "sparql_checks"]
