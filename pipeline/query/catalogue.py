"""The query library: ``queries/*.rq``, one question per file with a ``# key: value`` header."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


from ..settings import Settings


HEADER_LINE = re.compile(r"^#\s*(?P<key>[a-z-]+):\s*(?P<value>.*)$")
PARAM = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s*\((?P<type>[a-z-]+)(?:\s*,\s*(?P<optional>optional))?\)\s*(?P<doc>.*)$")
#: parameter types bound from a concept scheme of ontology/concepts.ttl (type name = scheme)
CONCEPT_TYPES = ("action", "finding-kind", "label-change", "body", "verb", "text-status")
PARAM_TYPES = ("citation", "sdg", "document", "addressee", "iri", "string", "integer") + CONCEPT_TYPES
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
IRI = re.compile(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+", re.I)


class QueryError(Exception):
    """A user-facing problem with a query or its parameters (one line)."""


@dataclass
class Param:
    name: str
    type: str
    doc: str
    optional: bool = False


@dataclass
class CannedQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    notes: str = ""

    @property
    def header(self) -> str:
        return "\n".join(line for line in self.text.splitlines() if line.startswith("#"))

    def example_values(self) -> dict[str, str]:
        """The ``-p name=value`` pairs of the first example call (for forms and tests)."""
        return example_values(self.examples[0]) if self.examples else {}


def example_values(call: str) -> dict[str, str]:
    """``resgraph query cites -p target="UNGA 70/1"`` → ``{"target": "UNGA 70/1"}``.

    >>> example_values('resgraph query proposals -p document=pp18-64-add1 -p action=SUP --format csv')
    {'document': 'pp18-64-add1', 'action': 'SUP'}
    """
    import shlex
    words = shlex.split(call.split("|")[0])
    out = {}
    for i, w in enumerate(words):
        if w in ("-p", "--param") and i + 1 < len(words) and "=" in words[i + 1]:
            k, v = words[i + 1].split("=", 1)
            out[k] = v
    return out


def load(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    q = CannedQuery(name=path.stem, path=path, text=text)
    for line in text.splitlines():
        m = HEADER_LINE.match(line)
        if not m:
            continue
        key, value = m.group("key"), m.group("value").strip()
        if key == "name" and value != path.stem:
            raise QueryError(f"{path}: header says name {value!r} but the file is {path.stem}.rq")
        if key == "summary":
            q.summary = value
        elif key == "param":
            pm = PARAM.match(value)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise QueryError(f"{path}: malformed param header {value!r}; expected 'name (type) doc' or "
                                 f"'name (type, optional) doc' with type in {', '.join(PARAM_TYPES)}")
            q.params.append(Param(pm.group("name"), pm.group("type"), pm.group("doc"), bool(pm.group("optional"))))
        elif key == "example":
            q.examples.append(value)
        elif key == "notes":
            q.notes = value
    return q


def catalogue(settings: Settings) -> dict[str, CannedQuery]:
    return {p.stem: load(p) for p in sorted(Path(settings.queries_dir).glob("*.rq"))}


def get(name: str, settings: Settings) -> CannedQuery:
    cat = catalogue(settings)
    if name not in cat:
        close = [n for n in cat if n.startswith(name[:3])] or list(cat)
        raise QueryError(f"no canned query named {name!r}; try one of: {', '.join(close)} (resgraph query --list)")
    return cat[name]
