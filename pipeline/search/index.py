"""The search index of one generation: SQLite FTS5, one file, built once, then read-only.

Why FTS5 and not Tantivy (``bench/search.py`` measures both on the default corpus: 5,679
entries, the same hit counts for all 12 test queries).  Tantivy is faster and smaller:
a /search page's work (hits, count, facet counts, 20 snippets) p50 0.8 ms against 2.7 ms
(both ≤ 0.05 × a SPARQL ``CONTAINS`` scan of the same texts), the worst query (``the``,
4,776 hits) 1 ms against 80 ms; 1.8 MB on disk against 6.4 MB.  Both build in ~0.25 s
once the entries are read (~2 s, the same for both).  We chose FTS5 anyway: every figure
is far below what a person notices, and FTS5 is in the standard library's ``sqlite3``
(:func:`fts5_available`), so search adds no dependency and no native wheel to the
server; the index is one file, written under a temporary name and renamed (the store's
own atomic step); entries, labels and facet values live beside the text index in the same
file.  Tantivy's query parser refuses what users type as often as FTS5's does (a single-
word ``cyber*`` is an error there), so neither spares us :func:`parse_query`.  FTS5's
query language is strict (a stray quote or ``NEAR(`` is a syntax error), which is why
users' queries never reach it as typed: :func:`parse_query` reads them and writes an
expression that quotes every word.

Where it lives: ``{store_dir}/search/{generation}.sqlite3`` — keyed by the generation's name,
so a new build can never be answered from an older index; the ``meta`` table repeats the
name and :meth:`Index.open` refuses a file that names another one.

>>> parse_query('"2030 Agenda" developing countr* -gender').expression
'"2030 agenda" AND "developing" AND "countr"* NOT ("gender")'
>>> parse_query('A/RES/70/1 OR cybersecurity').expression
'("a res 70 1" OR "cybersecurity")'
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .extract import FACETS, Entry

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
PAGE_SIZE = 20
MAX_PAGE = 1000
SNIPPET_TOKENS = 28
_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"   # marks around hits in snippets; never in our texts
TOKENIZER = "porter unicode61 remove_diacritics 2"
SCHEMA_VERSION = "1"


class QueryError(ValueError):
    """A query the index cannot run, with a message for the user (HTTP 400)."""


class IndexUnavailable(RuntimeError):
    """There is no usable index for this generation (HTTP 503)."""


def fts5_available() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        con.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        con.close()
        return True
    except sqlite3.Error:
        return False


# ------------------------------------------------------------------ query ---

@dataclass
class ParsedQuery:
    expression: str          # FTS5 MATCH expression ("" when the query has no words)
    words: list[str]         # what was understood, for the page ("gender", "\"2030 agenda\"", "countr*")
    ignored: bool = False    # the query had characters but no word to search for


# a quoted phrase (an unclosed quote runs to the end), or a run of characters that are not
# space and not brackets or separators (``NEAR(x, y)`` is three words; ``A/RES/70/1`` one token)
_CHUNK = re.compile(r'"([^"]*)"?|([^\s"()\[\]{},;!?^<>]+)')
_WORD = re.compile(r"\w+")


def parse_query(q: str) -> ParsedQuery:
    """Read what a user typed into a safe FTS5 expression.

    Understood: words (all must occur, any form: ``countries`` finds ``country``), phrases in
    double quotes (an unclosed quote runs to the end), a trailing ``*`` for a prefix
    (``cyber*``), ``OR`` between two terms, ``-word`` or ``NOT word`` to exclude.  A token
    that holds several words, such as ``A/RES/70/1`` or ``ICTs/telecommunications``, is a
    phrase.  Everything else (parentheses, ``NEAR``, ``:``, ``^``, ``+``) is read as
    punctuation.  Each word is written as an FTS5 string, so no user text is ever an FTS5
    operator.
    """
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}")
    groups: list[list[str]] = []     # AND of (OR of terms)
    negated: list[str] = []
    words: list[str] = []
    pending_or = pending_not = False
    for m in _CHUNK.finditer(q):
        phrase, raw = m.group(1), m.group(2)
        if raw is not None and raw in ("OR", "AND", "NOT"):
            pending_or = raw == "OR" and bool(groups)
            pending_not = raw == "NOT"
            continue
        negate = pending_not
        prefix = False
        if phrase is not None:
            tokens = _WORD.findall(phrase.lower())
            shown = '"' + " ".join(tokens) + '"'
        else:
            if raw.startswith("-") and len(raw) > 1:
                negate, raw = True, raw[1:]
            prefix = raw.endswith("*")
            tokens = _WORD.findall(raw.lower())
            shown = " ".join(tokens) if len(tokens) == 1 else '"' + " ".join(tokens) + '"'
        if not tokens:
            continue
        term = '"' + " ".join(tokens) + '"' + ("*" if prefix else "")
        shown += "*" if prefix else ""
        if negate:
            negated.append(term)
            words.append("-" + shown)
        elif pending_or and groups:
            groups[-1].append(term)
            words.append("OR " + shown)
        else:
            groups.append([term])
            words.append(shown)
        pending_or = pending_not = False
        if len(groups) + len(negated) > MAX_TERMS:
            raise QueryError(f"the query has more than {MAX_TERMS} terms; use fewer words")
    if not groups:
        if negated:
            raise QueryError("a query needs at least one word to find: '-word' and NOT only exclude")
        return ParsedQuery("", words, bool(q.strip()))
    parts = [g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups]
    expression = " AND ".join(parts)
    if negated:
        expression += " NOT (" + " OR ".join(negated) + ")"
    return ParsedQuery(expression, words)


# ------------------------------------------------------------------ build ---

def build(entries: Iterable[Entry], path: Path, *, generation: str, facet_labels: dict[tuple[str, str], str]) -> Path:
    """Write the index of ``entries`` to ``path`` atomically (a temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}-{time.time_ns()}")
    con = sqlite3.connect(tmp)
    try:
        con.executescript(f"""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE entry (id INTEGER PRIMARY KEY, uri TEXT NOT NULL, text_uri TEXT NOT NULL,
                resolution_uri TEXT NOT NULL, label TEXT NOT NULL, text_label TEXT NOT NULL,
                field TEXT NOT NULL, content TEXT NOT NULL, body TEXT NOT NULL, kind TEXT NOT NULL,
                verb TEXT NOT NULL, year TEXT NOT NULL);
            CREATE TABLE addressee (entry INTEGER NOT NULL, value TEXT NOT NULL);
            CREATE INDEX addressee_value ON addressee (value, entry);
            CREATE TABLE facet_label (facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL,
                PRIMARY KEY (facet, value));
            CREATE VIRTUAL TABLE fts USING fts5(content, content='entry', content_rowid='id',
                tokenize='{TOKENIZER}', prefix='2 3');
        """)
        n = 0
        for i, e in enumerate(entries, 1):
            content = e.content if e.field == "text" else f"{e.label}. {e.content}"
            con.execute("INSERT INTO entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        (i, e.uri, e.text_uri, e.resolution_uri, e.label, e.text_label, e.field, content,
                         e.body, e.kind, e.verb, e.year))
            con.executemany("INSERT INTO addressee VALUES (?,?)", [(i, a) for a in e.addressees])
            n = i
        con.execute("INSERT INTO fts (fts) VALUES ('rebuild')")
        con.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        con.executemany("INSERT OR REPLACE INTO facet_label VALUES (?,?,?)",
                        [(f, v, label) for (f, v), label in facet_labels.items()])
        con.executemany("INSERT INTO meta VALUES (?,?)", [
            ("generation", generation), ("entries", str(n)), ("schema", SCHEMA_VERSION),
            ("built_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))])
        con.commit()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    return path


# ----------------------------------------------------------------- search ---

@dataclass
class Hit:
    uri: str
    text_uri: str
    resolution_uri: str
    label: str
    text_label: str
    field: str
    body: str
    kind: str
    verb: str
    year: str
    addressees: list[str]
    snippet: list[tuple[str, bool]]   # (text, is a hit) segments

    @property
    def snippet_text(self) -> str:
        return "".join(t for t, _ in self.snippet)


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict]] = field(default_factory=dict)


def _segments(marked: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{_HIT_OPEN}{_HIT_CLOSE}]", marked)):
        if part:
            out.append((part, i % 2 == 1))
    return out


class Index:
    """A read-only view of one index file.

    Each thread keeps its own connection (``sqlite3`` connections are not shared across
    threads), so its page cache stays warm: a connection opened per search read the
    term lists from the file again each time, ~5× slower on the corpus.
    """

    def __init__(self, path: Path, generation: str):
        self.path, self.generation = Path(path), generation
        self._local = threading.local()
        self._labels: dict[tuple[str, str], str] | None = None
        self._rows: dict[int, dict[str, object]] | None = None   # see _facts

    @classmethod
    def open(cls, path: Path, generation: str) -> "Index":
        """The index at ``path`` if it is complete and was built for ``generation``."""
        try:
            con = cls._connect(path)
            try:
                meta = dict(con.execute("SELECT key, value FROM meta"))
            finally:
                con.close()
        except sqlite3.Error as e:
            raise IndexUnavailable(f"cannot read the search index {path}: {e}") from None
        if meta.get("generation") != generation or meta.get("schema") != SCHEMA_VERSION:
            raise IndexUnavailable(f"the search index {path} belongs to generation {meta.get('generation')!r}")
        return cls(path, generation)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        if not Path(path).is_file():
            raise sqlite3.OperationalError("no such file")
        # immutable: the file is never written after the rename, so no locking is needed
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._connect(self.path)
        return con

    def facet_labels(self) -> dict[tuple[str, str], str]:
        if self._labels is None:
            self._labels = {(f, v): label for f, v, label in self._con().execute("SELECT facet, value, label FROM facet_label")}
        return self._labels

    def _facts(self, con: sqlite3.Connection) -> dict[int, dict[str, object]]:
        """entry id → its facet values (5,700 small rows on the corpus: read once per index)."""
        if self._rows is None:
            rows: dict[int, dict[str, object]] = {}
            for i, body, kind, verb, year in con.execute("SELECT id, body, kind, verb, year FROM entry"):
                rows[i] = {"body": body, "kind": kind, "verb": verb, "year": year, "addressee": ()}
            for entry, value in con.execute("SELECT entry, value FROM addressee ORDER BY value"):
                rows[entry]["addressee"] = (*rows[entry]["addressee"], value)
            self._rows = rows
        return self._rows

    def search(self, query: ParsedQuery, filters: dict[str, str], *, page: int = 1,
               page_size: int = PAGE_SIZE) -> Results:
        """Hits for ``query`` (or, for an empty query with filters, every entry they select, in
        document order), one page of them, and the facet counts over all of them.

        One ``MATCH`` gives the matching ids, best first (BM25); the filters and the facet
        counts work on the facet values held in memory, and only the page's rows are read
        with their snippets.  No part of the request becomes SQL text: the expression and
        the ids are bound parameters.
        """
        if not query.expression and not filters:
            return Results(0, [])
        con = self._con()
        facts = self._facts(con)
        try:
            if query.expression:
                ids = [r[0] for r in con.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts), rowid",
                                                 [query.expression])]
            else:
                ids = sorted(facts)
        except sqlite3.OperationalError as e:
            # parse_query writes only quoted words; should FTS5 still refuse one, the user
            # gets a message, not a traceback
            raise QueryError(f"the search engine could not read this query ({e}); try plain words") from None
        for name, want in filters.items():
            if name == "addressee":
                ids = [i for i in ids if want in facts[i]["addressee"]]
            else:
                ids = [i for i in ids if facts[i][name] == want]
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for i in ids:
            f = facts[i]
            for name in FACETS:
                values = f[name] if name == "addressee" else (f[name],)
                c = counts[name]
                for v in values:
                    c[v] = c.get(v, 0) + 1
        shown = ids[(page - 1) * page_size: page * page_size]
        rows: dict[int, tuple] = {}
        snippets: dict[int, str] = {}
        if shown:
            marks = ",".join("?" * len(shown))
            for r in con.execute("SELECT id, uri, text_uri, resolution_uri, label, text_label, field, body, kind,"
                                 f" verb, year, content FROM entry WHERE id IN ({marks})", shown):
                rows[r[0]] = r
            if query.expression:
                sql = (f"SELECT rowid, snippet(fts, 0, '{_HIT_OPEN}', '{_HIT_CLOSE}', '…', {SNIPPET_TOKENS}) "
                       f"FROM fts WHERE fts MATCH ? AND rowid IN ({marks})")
                snippets = dict(con.execute(sql, [query.expression, *shown]))
        hits = []
        for i in shown:
            r = rows[i]
            if query.expression:
                snippet = _segments(snippets.get(i, ""))
            else:
                snippet = [(r[11] if len(r[11]) <= 240 else r[11][:239] + "…", False)]
            hits.append(Hit(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                            list(facts[i]["addressee"]), snippet))
        ordered = {}
        for name, c in counts.items():
            if name == "year":
                items = sorted(c.items(), key=lambda kv: kv[0], reverse=True)
            else:
                items = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
            ordered[name] = [{"value": v, "count": n} for v, n in items]
        return Results(len(ids), hits, ordered)


__all__ = ["build", "Index", "IndexUnavailable", "QueryError", "ParsedQuery", "parse_query", "fts5_available",
           "MAX_QUERY_CHARS", "PAGE_SIZE", "MAX_PAGE", "FACETS"]
