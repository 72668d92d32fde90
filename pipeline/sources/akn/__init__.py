"""Akoma Ntoso 3.0 (a document or a ``documentCollection``; the PP-18 Final Acts): see :mod:`.reader`."""
from ..base import Reader
from .reader import read, sniff

READER = Reader(
    name="akn",
    description="Akoma Ntoso 3.0 XML (adopted resolutions, decisions, recommendations; one document or a collection)",
    sniff=sniff,
    read=read,
    expects="an <akomaNtoso> root in the AKN 3.0 namespace (http://docs.oasis-open.org/legaldocml/ns/akn/3.0)",
)
