"""Canned SPARQL queries (``queries/*.rq``): read, describe, bind, run.

Each file holds one question and a header of ``# key: value`` lines (name, summary,
param, example, notes).  Parameters are *bound* as typed terms with pyoxigraph's
``substitutions=`` (SEP-0007), never pasted into the query text; on a remote endpoint and
on the web page the same terms travel as a ``VALUES`` block that opens the outermost
WHERE group (:func:`bound_text`), which joins like a substitution.

A parameter header is ``# param: NAME (TYPE) doc`` or ``# param: NAME (TYPE, optional) doc``.
An optional parameter that is not given leaves its variable unbound, so the query answers
for every value (``proposals`` without ``action`` lists every proposal).  Types:

``citation``     normalised by :func:`pipeline.citations.parse_target` (the same code that
                 reads citations in documents) and bound to the cited resource's IRI; an
                 absolute IRI is taken as it is;
``sdg``          an SDG goal, target or indicator ("SDG 11", "Goal 11", "9.c", "target 9.c",
                 "17.8.1", "C170801" or the UN IRI), checked against the SDG framework in
                 ``data/reference`` and bound to the UN's IRI (``http://metadata.un.org/sdg/9.c``);
``document``     a source document by slug (``pp18-64-add1``) or IRI;
``addressee``    a code, label or printed form from ``data/reference/addressees.csv``
                 ("Council", "council", "the ITU Council", "Director of the Telecommunication
                 Development Bureau", "director-bdt", "BDT"), bound as the code (a literal that
                 queries match with ``skos:notation``);
``action``, ``finding-kind``, ``label-change``, ``body``, ``verb``, ``text-status``
                 a concept of that scheme in ``ontology/concepts.ttl``, by code or label
                 ("SUP" or "suppression"; "wtdc" or "World Telecommunication Development
                 Conference");
``iri``          an absolute IRI; ``string`` (a plain literal); ``integer``.

Prefixes are declared once, in :data:`pipeline.rdf.vocab.PREFIXES`; ``.rq`` files carry none.

>>> from pipeline.settings import Settings
>>> q = get("proposals", Settings())
>>> [(p.name, p.type, p.optional) for p in q.params]
[('document', 'document', False), ('action', 'action', True)]
"""
from .catalogue import (CONCEPT_TYPES, PARAM_TYPES, CannedQuery, Param, QueryError, catalogue, example_values, get,
                        load)
from .params import _terms, addressee_code, bind, concept_iri, sdg_iri, target_iri
from .run import bound_text, render, run

__all__ = ["CONCEPT_TYPES", "PARAM_TYPES", "CannedQuery", "Param", "QueryError", "_terms", "addressee_code", "bind",
           "bound_text", "catalogue", "concept_iri", "example_values", "get", "load", "render", "run", "sdg_iri",
           "target_iri"]
