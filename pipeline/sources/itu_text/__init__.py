"""ITU proposals as a plain-text Word export with flattened tracked changes (the seed, PP-18
Document 64 Addendum 1): see :mod:`.reader`."""
from ..base import Reader
from .reader import read, sniff

READER = Reader(
    name="itu-text",
    description="ITU proposals, text export of a Word document (NOC/MOD/ADD/SUP proposals)",
    sniff=sniff,
    read=read,
    expects="no proposals found (expected lines such as 'MOD<TAB>ACP/64A1/7'); is this an ITU proposals document?",
)
