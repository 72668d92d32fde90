"""The search index of one generation: SQLite FTS5, one file, built once, then read-only.

Why FTS5 and not Tantivy (``bench/search.py`` measures both on the default corpus, 5,679
entries): both build the index in well under a second once the entries are read (reading
them from the store, ~2 s, is the same for both), both answer every test query in well under
a millisecond, so speed does not decide it.  FTS5 is in the standard library's ``sqlite3``
(compiled in on every CPython we run; checked by :func:`fts5_available`), so search adds no
dependency and no native wheel; the index is one file, written under a temporary name and
renamed (the same atomic step as the store's ``CURRENT``); and the facets are plain SQL
(``GROUP BY`` over the rows the ``MATCH`` selects) rather than a second mechanism.  Its query
language is strict (a stray quote or ``NEAR(`` is a syntax error), which is why users'
queries never reach it as typed: :func:`parse_query` reads them and writes an expression
that quotes every word.

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
    ignored: bool = False    # some characters could not be read as words and were dropped


_CHUNK = re.compile(r'"([^"]*)"?|(\S+)')
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
    ignored = False
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
            if not tokens:
                ignored = True
                continue
            shown = " ".join(tokens) if len(tokens) == 1 else '"' + " ".join(tokens) + '"'
            if re.sub(r"\w", "", raw.rstrip("*")).strip() and len(tokens) == 1:
                ignored = True  # punctuation around a single word (``NEAR(``, ``a:b`` is a phrase)
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
        return ParsedQuery("", words, ignored or bool(q.strip()))
    parts = [g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups]
    expression = " AND ".join(parts)
    if negated:
        expression += " NOT (" + " OR ".join(negated) + ")"
    return ParsedQuery(expression, words, ignored)


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
    """A read-only view of one index file (a new connection per search: safe across threads)."""

    def __init__(self, path: Path, generation: str):
        self.path, self.generation = Path(path), generation
        self._addr: dict[int, list[str]] | None = None   # entry → addressees (small: read once)

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
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)

    def facet_labels(self) -> dict[tuple[str, str], str]:
        con = self._connect(self.path)
        try:
            return {(f, v): label for f, v, label in con.execute("SELECT facet, value, label FROM facet_label")}
        finally:
            con.close()

    def _addressees(self, con: sqlite3.Connection) -> dict[int, list[str]]:
        if self._addr is None:
            addr: dict[int, list[str]] = {}
            for entry, value in con.execute("SELECT entry, value FROM addressee ORDER BY value"):
                addr.setdefault(entry, []).append(value)
            self._addr = addr
        return self._addr

    def search(self, query: ParsedQuery, filters: dict[str, str], *, page: int = 1,
               page_size: int = PAGE_SIZE) -> Results:
        """Hits for ``query`` (or, for an empty query with filters, every entry they select, in
        document order), one page of them, and the facet counts over all of them.

        One ``MATCH`` selects the matching rows with their facet values, best first (BM25);
        the facets are counted from those rows, and only the page's rows get a snippet.
        """
        if not query.expression and not filters:
            return Results(0, [])
        where, args = [], []
        for name, value in filters.items():
            if name != "addressee":
                where.append(f"e.{_COLUMNS[name]} = ?")
                args.append(value)
        cols = "e.id, e.uri, e.text_uri, e.resolution_uri, e.label, e.text_label, e.field, e.body, e.kind, e.verb, e.year"
        con = self._connect(self.path)
        try:
            addr = self._addressees(con)
            try:
                if query.expression:
                    cond = " AND ".join(["fts MATCH ?", *where])
                    rows = con.execute(f"SELECT {cols} FROM fts JOIN entry e ON e.id = fts.rowid WHERE {cond} "
                                       "ORDER BY bm25(fts), e.id", [query.expression, *args]).fetchall()
                else:
                    cond = " AND ".join(where) or "1"
                    rows = con.execute(f"SELECT {cols} FROM entry e WHERE {cond} ORDER BY e.id", args).fetchall()
                if "addressee" in filters:
                    want = filters["addressee"]
                    rows = [r for r in rows if want in addr.get(r[0], ())]
                facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
                for r in rows:
                    for name, i in _FACET_AT.items():
                        facets[name][r[i]] = facets[name].get(r[i], 0) + 1
                    for a in addr.get(r[0], ()):
                        facets["addressee"][a] = facets["addressee"].get(a, 0) + 1
                shown = rows[(page - 1) * page_size: page * page_size]
                ids = [r[0] for r in shown]
                snippets: dict[int, str] = {}
                if ids:
                    marks = ",".join("?" * len(ids))
                    if query.expression:
                        sql = (f"SELECT rowid, snippet(fts, 0, '{_HIT_OPEN}', '{_HIT_CLOSE}', '…', {SNIPPET_TOKENS}) "
                               f"FROM fts WHERE fts MATCH ? AND rowid IN ({marks})")
                        snippets = dict(con.execute(sql, [query.expression, *ids]))
                    else:
                        sql = f"SELECT id, content FROM entry WHERE id IN ({marks})"
                        snippets = {i: (c if len(c) <= 240 else c[:239] + "…") for i, c in con.execute(sql, ids)}
            except sqlite3.OperationalError as e:
                # parse_query writes only quoted words; should FTS5 still refuse one, the user
                # gets a message, not a traceback
                raise QueryError(f"the search engine could not read this query ({e}); try plain words") from None
        finally:
            con.close()
        hits = []
        for r in shown:
            text = snippets.get(r[0], "")
            snippet = _segments(text) if query.expression else [(text, False)]
            hits.append(Hit(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], list(addr.get(r[0], [])),
                            snippet))
        ordered = {}
        for name, counts in facets.items():
            if name == "year":
                items = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
            else:
                items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            ordered[name] = [{"value": v, "count": n} for v, n in items]
        return Results(len(rows), hits, ordered)


#: facet name → column of ``entry`` (fixed strings: never from the request)
_COLUMNS = {"kind": "kind", "body": "body", "verb": "verb", "year": "year"}
#: facet name → its position in the selected row
_FACET_AT = {"body": 7, "kind": 8, "verb": 9, "year": 10}

__all__ = ["build", "Index", "IndexUnavailable", "QueryError", "ParsedQuery", "parse_query", "fts5_available",
           "MAX_QUERY_CHARS", "PAGE_SIZE", "MAX_PAGE", "FACETS"]
