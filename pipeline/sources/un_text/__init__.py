"""UN General Assembly resolutions extracted from PDF to Markdown (or text), with or without YAML front
matter (``A/RES/80/16``): see :mod:`.reader`."""
from ..base import Reader
from .reader import read, sniff

READER = Reader(
    name="un-text",
    description="UN General Assembly resolution, Markdown or text extracted from the PDF",
    sniff=sniff,
    read=read,
    expects="not a General Assembly resolution (expected 'Resolution adopted by the General Assembly', "
            "'The General Assembly,' or front matter 'symbol: A/RES/…')",
)
