"""Validators and conditional requests (RFC 9110 §8.8, §13): ``ETag``, ``Last-Modified``, 304.

What ``/doc/…``, ``/ontology…`` and ``/context.jsonld`` send depends on a few things only: the
published generation (or the ontology files), the path, the format, the server root the
request came through (links and the JSON-LD ``@context`` name it) and the server's own code
(templates, writers).  The entity tag is a digest of exactly those, so it is known *before*
the body is made: a revalidation costs a digest, not a description.  A rebuild publishes a new
generation, hence new tags; a new release of the server changes :data:`CODE_STAMP`, hence new
tags too.

The tag is strong for the bytes we send uncompressed; :class:`.middleware.Compress` weakens it
(``W/"…"``) when it gzips the body, as a strong tag must not name two encodings.  Comparison
for ``If-None-Match`` is weak (§13.1.2), so either form revalidates.

Static files (``/static/…``) get the same from Starlette's ``StaticFiles`` (a tag from the
file's size and time), which this module leaves alone.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

HERE = Path(__file__).resolve().parent


def _code_stamp() -> str:
    """A digest of the server's code and templates (names, sizes, times): pages change with them."""
    h = hashlib.sha256()
    roots = [HERE, HERE.parent / "export"]
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.suffix in (".py", ".html") and p.is_file():
                st = p.stat()
                h.update(f"{p.relative_to(root.parent)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:12]


CODE_STAMP = _code_stamp()


def etag(*parts: str) -> str:
    """A strong entity tag over ``parts`` (and the code stamp)."""
    digest = hashlib.sha256("\x1f".join((CODE_STAMP, *parts)).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f'"{digest}"'


def http_date(when: datetime | float | str | None) -> str | None:
    """An IMF-fixdate (``Tue, 04 Dec 2026 10:00:00 GMT``) from a datetime, a POSIX time or the
    ISO time a generation records (``2026-12-04T10:00:00Z``); None for what does not parse."""
    if when is None:
        return None
    try:
        if isinstance(when, str):
            when = datetime.fromisoformat(when.replace("Z", "+00:00"))
        elif isinstance(when, (int, float)):
            when = datetime.fromtimestamp(when, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return format_datetime(when.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def validators(tag: str, last_modified: str | None) -> dict[str, str]:
    out = {"ETag": tag}
    if last_modified:
        out["Last-Modified"] = last_modified
    return out


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def not_modified(request: Request, tag: str, last_modified: str | None) -> bool:
    """Whether a GET/HEAD with these validators is answered 304 (RFC 9110 §13.2.2).

    ``If-None-Match`` wins over ``If-Modified-Since`` when both are sent; a date that does not
    parse is ignored (the full answer is sent), as the RFC asks.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    inm = request.headers.get("if-none-match")
    if inm is not None:
        if inm.strip() == "*":
            return True
        return _opaque(tag) in {_opaque(t) for t in inm.split(",") if t.strip()}
    ims = request.headers.get("if-modified-since")
    if ims and last_modified:
        try:
            since = parsedate_to_datetime(ims)
            modified = parsedate_to_datetime(last_modified)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            return False  # not an HTTP date (those are GMT)
        return modified <= since
    return False


def not_modified_response(headers: dict[str, str]) -> Response:
    """304: no body, and the headers a 200 would have carried that a cache needs (§15.4.5)."""
    keep = {k: v for k, v in headers.items()
            if k.lower() in ("etag", "last-modified", "vary", "content-location", "cache-control", "link")}
    return Response(status_code=304, headers=keep)


__all__ = ["CODE_STAMP", "etag", "http_date", "validators", "not_modified", "not_modified_response"]
