"""Sources: every input format is one reader (one module, one line in :data:`READERS`), chosen by
sniffing the content; every reader produces the same document model (:mod:`pipeline.model`), and
everything after the model is shared.

Reading a source is: bytes → text with the limits every source obeys (:mod:`.limits`), the reader
whose ``sniff`` recognises the text, its ``read`` → :class:`~pipeline.model.SourceDocument`.  The
format-neutral parts of a document's structure are in :mod:`.structure` (nesting, labels through
flattened tracked changes, keys) and :mod:`.verbs` (section verbs and addressees of ITU texts).

To add a reader, see ``docs/architecture.md``.
"""
from __future__ import annotations

import gc
import hashlib
from pathlib import Path

from ..model import SourceDocument
from ..rdf.uris import slug as _slug
from ..reference import known_document
from . import akn, docx, itu_text, un_text
from .base import Reader
from .limits import BINARY_FORMATS, MAX_BYTES, MAX_LINE_CHARS, SourceError, check_limits, decode_source, read_source

__all__ = ["READERS", "Reader", "SourceError", "MAX_BYTES", "MAX_LINE_CHARS", "check_limits", "decode_source",
           "read_source", "document_slug", "reader_for", "parse"]

#: Every reader, most specific first: the first whose ``sniff`` recognises a text reads it.
READERS: list[Reader] = [
    docx.READER,
    akn.READER,
    un_text.READER,
    itu_text.READER,
]

#: A Word file is read as its plain-text export carrying its bytes (see :mod:`.docx`).
BINARY_FORMATS.append((docx.is_binary_office, docx.to_text))


def reader_for(path: Path, text: str) -> Reader:
    """The reader that recognises ``text``, or :class:`SourceError` saying what each expects."""
    for r in READERS:
        if r.sniff(text):
            return r
    if len(READERS) == 1:
        raise SourceError(f"{path}: {READERS[0].expects}")
    raise SourceError(f"{path}: no reader recognises this document (" + "; ".join(f"{r.name}: {r.expects}" for r in READERS) + ")")


def document_slug(path: Path, text: str) -> str:
    """A stable slug for the document: from its content where we know it
    (``data/reference/documents.csv``), else from the file name."""
    known = known_document(text)
    if known is not None:
        return known.slug
    return _slug(Path(path).stem) or "document"


def parse(path: Path, *, text: str | None = None, sha256: str | None = None, limits: bool = True) -> SourceDocument:
    """Read one source document into the document model. Raises :class:`SourceError` when it is not one.

    ``limits``: refuse a text beyond ``MAX_BYTES`` or with a line beyond ``MAX_LINE_CHARS``
    (bench/parse.py turns this off to time the parser on 40 MB).

    The cyclic garbage collector is paused while the document is read: a reader builds
    hundreds of thousands of objects and leaves no reference cycles behind (see the end of
    :func:`pipeline.sources.labels.reconcile`), so every collection during it would walk the
    growing model for nothing (about a sixth of the time of a 10 MB parse).  It is resumed as it was.
    """
    if text is None:
        text, sha256 = read_source(path)
    elif limits:
        check_limits(path, text)
    data = getattr(text, "data", None)   # a Word file's export carries the file (pipeline/sources/docx.py)
    sha256 = sha256 or hashlib.sha256(data if isinstance(data, bytes) else text.encode("utf-8", "surrogatepass")).hexdigest()
    reader = reader_for(path, text)
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return reader.read(Path(path), text, sha256, document_slug(path, text))
    finally:
        if paused:
            gc.enable()
