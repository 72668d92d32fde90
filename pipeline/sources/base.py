"""What a reader is: one input format, recognised by its content, read into the document model."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..model import SourceDocument


@dataclass(frozen=True)
class Reader:
    """One input format.

    ``sniff(text)`` says whether ``text`` is in this format — from the content, never from the file
    name alone; it must be cheap (a regex over the start of the text) and must not raise.
    ``read(path, text, sha256, slug)`` returns the :class:`~pipeline.model.SourceDocument` (every
    node with its source span) or raises :class:`~pipeline.sources.limits.SourceError` with one line.
    ``expects``: what a document of this format holds, for the message when no reader recognises one.
    """

    name: str
    description: str
    sniff: Callable[[str], bool]
    read: Callable[[Path, str, str, str], SourceDocument]
    expects: str
