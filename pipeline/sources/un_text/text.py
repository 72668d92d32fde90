"""Text pieces of a UN resolution read from a PDF-to-Markdown extraction: a paragraph is joined
from several lines (or parts of lines), and every character of the joined text keeps the offset
it had in the document, so citations and footnote markers found in the joined text get true spans.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from ...model import Span


class Lines:
    """The document split on ``\\n``: 1-based line numbers and the char offset of each line."""

    def __init__(self, text: str):
        self.text = text
        self.raw = text.split("\n")
        self.starts: list[int] = []
        pos = 0
        for r in self.raw:
            self.starts.append(pos)
            pos += len(r) + 1

    def __len__(self) -> int:
        return len(self.raw)

    def line(self, no: int) -> str:
        return self.raw[no - 1]

    def line_of(self, offset: int) -> int:
        return max(1, bisect_right(self.starts, offset))

    def span(self, a: int, b: int) -> Span:
        """Lines a..b (1-based, inclusive)."""
        return Span(a, b, self.starts[a - 1], self.starts[b - 1] + len(self.raw[b - 1]))

    def char_span(self, start: int, end: int) -> Span:
        return Span(self.line_of(start), self.line_of(max(start, end - 1)), start, end)


class Joined:
    """A text joined from pieces of the document, each remembered with its document offset."""

    def __init__(self, lines: Lines):
        self.lines = lines
        self.parts: list[str] = []
        self.map: list[tuple[int, int]] = []   # (offset in the joined text, offset in the document)
        self.length = 0
        self.first_line = 0
        self.last_line = 0

    def add(self, doc_offset: int, s: str, glue: bool = False) -> None:
        """Append ``s`` (which stands at ``doc_offset`` in the document), a space before it unless ``glue``."""
        if not s:
            return
        if self.parts and not glue:
            self.parts.append(" ")
            self.length += 1
        self.map.append((self.length, doc_offset))
        self.parts.append(s)
        self.length += len(s)
        no = self.lines.line_of(doc_offset)
        self.first_line = self.first_line or no
        self.last_line = max(self.last_line, self.lines.line_of(doc_offset + len(s) - 1))

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def doc_offset(self, i: int) -> int:
        """Document offset of joined-text offset ``i``."""
        k = bisect_right([m[0] for m in self.map], i) - 1
        if k < 0:
            return self.map[0][1] if self.map else 0
        j, d = self.map[k]
        return d + (i - j)

    def char_span(self, a: int, b: int) -> Span:
        """Span (in the document) of joined-text offsets a..b."""
        da = self.doc_offset(a)
        db = self.doc_offset(max(a, b - 1)) + 1
        return self.lines.char_span(da, db)

    def span(self) -> Span:
        if not self.map:
            return Span(0, 0, 0, 0)
        return Span(self.first_line, self.last_line, self.map[0][1], self.doc_offset(self.length - 1) + 1)


def _norm(s: str) -> str:
    s = s.replace("\u2011", "-").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip().rstrip(" :").lower()
