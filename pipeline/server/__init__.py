"""``resgraph serve``: the SPARQL endpoint and linked-data pages (ARCHITECTURE.md, "HTTP").

Kept import-light on purpose: query worker processes import :mod:`.worker` through this
package and should not pay for Starlette, Jinja2 or rdflib.  The application lives in
:mod:`.app`, the command in :mod:`.command`.
"""
