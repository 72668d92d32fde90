"""What a source may be: bytes read and decoded once, with limits, for every reader.

Every refusal is a :class:`SourceError`: one line for the user, saying what the file is and how
to fix it (tests/test_hostile_documents.py).
"""
from __future__ import annotations

import hashlib
from pathlib import Path


#: Limits of a source, chosen to sit far above any real ITU text export and far below what
#: would exhaust a build: the seed (PP-18 Document 64 Addendum 1) is 0.4 MiB with lines of
#: at most 1,300 characters; the longest ITU documents (Final Acts) export to a few MiB, and the
#: Final Acts as Akoma Ntoso hold a flattened annex table on one line of 34,681 characters.
#: At these limits a parse takes seconds and a few hundred MiB (tests/test_hostile_documents.py).
MAX_BYTES = 16 * 1024 * 1024
MAX_LINE_CHARS = 256 * 1024


class SourceError(Exception):
    """The source cannot be read as a resolution document (one line for the user)."""

    def __init__(self, message: str):
        # one line even when a file name holds a line break
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))


# ----------------------------------------------------------------- reading ---

#: Binary formats read as text: ``(recognises(path, data), to_text(path, data))`` pairs, filled in by
#: :mod:`pipeline.sources` for the readers that need one (the Word reader), so that this module,
#: which every reader imports, imports no reader.
BINARY_FORMATS: list[tuple] = []

def read_source(path: Path) -> tuple[str, str]:
    """Return (text, sha256) of a UTF-8 text file, or raise :class:`SourceError` (one line).

    A Word file (zip or OLE magic, or a ``.docx`` name) gives its plain-text export as a
    :class:`pipeline.sources.docx.DocxText`, which carries the file's bytes; the SHA-256 is the file's."""
    try:
        path = Path(path)
        if not path.exists():
            raise SourceError(f"{path}: no such file")
        if path.is_dir():
            raise SourceError(f"{path}: is a directory, not a document")
        if not path.is_file():
            raise SourceError(f"{path}: not a regular file (a device, pipe or socket), not a document")
        size = path.stat().st_size
        if size == 0:
            raise SourceError(f"{path}: the file is empty")
        if size > MAX_BYTES:
            raise SourceError(_too_big(path, size))
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except (OSError, ValueError) as e:  # unreadable, name too long, NUL in the name …
        raise SourceError(f"{path}: cannot be read ({getattr(e, 'strerror', None) or e})") from None
    return decode_source(path, data), hashlib.sha256(data).hexdigest()


def decode_source(path: Path, data: bytes) -> str:
    """The text of a source's bytes (UTF-8, BOM dropped), or :class:`SourceError` saying what they are.
    A Word file's text is its export carrying its bytes (:mod:`pipeline.sources.docx`)."""
    if not data:
        raise SourceError(f"{path}: the file is empty")
    if len(data) > MAX_BYTES:
        raise SourceError(_too_big(path, len(data)))
    for recognises, to_text in BINARY_FORMATS:
        if recognises(path, data):
            # a Word file: its text is its plain-text export, carrying the bytes (pipeline/sources/docx.py)
            text = to_text(path, data)
            check_limits(path, text)
            return text
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise SourceError(f"{path}: the file is UTF-32; convert it to UTF-8 (iconv -f UTF-32 -t UTF-8)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(f"{path}: the file is UTF-16; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)")
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            raise SourceError(f"{path}: the file looks like {utf16} without a byte-order mark; "
                              f"convert it to UTF-8 (iconv -f {utf16} -t UTF-8)")
        nul = data.index(b"\x00")
        raise SourceError(f"{path}: the file is binary (NUL byte at offset {nul}), not a text export")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SourceError(f"{path}: not valid UTF-8 at byte {e.start} (line {line}); convert it to UTF-8 "
                          f"(e.g. iconv -f WINDOWS-1252 -t UTF-8)") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise SourceError(f"{path}: the file holds only white space")
    if "\r" in text and "\n" not in text:
        raise SourceError(f"{path}: its lines end in CR only (classic Mac OS); convert them to LF (e.g. tr '\\r' '\\n')")
    check_limits(path, text)
    return text


def _too_big(path: Path, size: int) -> str:
    return (f"{path}: {size} bytes is more than the {MAX_BYTES // (1024 * 1024)} MiB a source may have "
            f"(one proposals document is a few MiB at most); split it into one file per document")


def _utf16_without_bom(data: bytes) -> str | None:
    """``UTF-16LE``/``UTF-16BE`` when NULs stand in every other byte of the first KiB (ASCII as UTF-16)."""
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 4:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs:
        return "UTF-16LE"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs:
        return "UTF-16BE"
    return None


def check_limits(path: Path, text: str, *, max_bytes: int | None = MAX_BYTES,
                 max_line: int | None = MAX_LINE_CHARS) -> None:
    """Raise :class:`SourceError` when ``text`` is beyond what a source may be (see ``MAX_BYTES``)."""
    if max_bytes is not None and len(text) > max_bytes // 4:   # cheap test first: a char is at most 4 bytes
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise SourceError(_too_big(path, size))
    if max_line is not None and len(text) > max_line:
        lengths = [len(line) for line in text.split("\n")]
        if max(lengths) > max_line:
            i = next(i for i, n in enumerate(lengths) if n > max_line)
            raise SourceError(f"{path}: line {i + 1} has {lengths[i]} characters, more than the {max_line} a line may have "
                              f"(a text export has one paragraph per line; is this a text export?)")
