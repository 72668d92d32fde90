"""Reference data as data (``data/reference/``): conferences, aliases, the SDG framework, the
known source documents, repairs, addressees, the ITU lists — the one road to that folder.

Every reader takes the folder as ``ref_dir``; left out, it is the reference folder of the
settings in force (:attr:`pipeline.settings.Settings.reference_dir`, i.e. ``$RESGRAPH_DATA/reference``),
the same folder the build fingerprint hashes.  Results are cached per folder.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..settings import Settings


def reference_dir(ref_dir: Path | None = None) -> Path:
    """``ref_dir``, or the reference folder of the settings in force (read from the environment
    as :class:`Settings` reads it; remembered per value of ``RESGRAPH_DATA``)."""
    return Path(ref_dir) if ref_dir is not None else _settings_reference_dir(os.environ.get("RESGRAPH_DATA"))


@lru_cache(maxsize=8)
def _settings_reference_dir(_data_env: str | None) -> Path:
    return Settings().reference_dir


def rows(name: str, ref_dir: Path | None = None) -> tuple[dict, ...]:
    """The rows of ``data/reference/{name}`` (a CSV with a header row), as dicts."""
    return _rows(reference_dir(ref_dir) / name)


@lru_cache(maxsize=None)
def _rows(path: Path) -> tuple[dict, ...]:
    with open(path, encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))

#: The ITU bodies whose resolutions resgraph names (``{body}`` of the URI scheme) and how labels name them.
BODY_NAMES = {"pp": "Plenipotentiary Conference", "wtdc": "WTDC", "wtsa": "WTSA", "ra": "Radiocommunication Assembly",
              "council": "Council", "wrc": "WRC", "wcit": "WCIT", "wtpf": "WTPF"}


@dataclass(frozen=True)
class Conference:
    body: str
    place: str
    year: str
    name: str
    revises: bool = True   # False for WCIT-12, which adopted only new resolutions


def conferences(ref_dir: Path | None = None) -> tuple[Conference, ...]:
    return _conferences(reference_dir(ref_dir))


@lru_cache(maxsize=None)
def _conferences(ref_dir: Path) -> tuple[Conference, ...]:
    return tuple(Conference(r["body"], r["place"], r["year"], r["name"], r.get("revises", "true") == "true")
                 for r in rows("conferences.csv", ref_dir))


def known_places(ref_dir: Path | None = None) -> dict[str, str]:
    return _known_places(reference_dir(ref_dir))


@lru_cache(maxsize=None)
def _known_places(ref_dir: Path) -> dict[str, str]:
    """lower-case place → canonical spelling (``"dubai"`` → ``"Dubai"``)."""
    out = {}
    for c in conferences(ref_dir):
        out[c.place.lower()] = c.place
        out[c.place.lower().replace("ó", "o")] = c.place
    return out


def bodies_for(place: str, year: str, *, revision: bool = False) -> list[str]:
    """Bodies that met at ``place`` in ``year`` (``Geneva 2015`` → ``["ra", "wrc"]``).

    With ``revision=True`` (the citation says "Rev."), only bodies whose conference that
    year revised resolutions: "Rev. Dubai, 2012" is WTSA-12, never WCIT-12.
    """
    return sorted({c.body for c in conferences() if c.place.lower() == place.lower() and c.year == str(year)
                   and (c.revises or not revision)})


@dataclass(frozen=True)
class Alias:
    """An instrument cited by its title; ``pattern`` is a regular expression."""

    pattern: str
    kind: str
    target: str
    note: str
    title: str = ""
    defined_by: str = ""   # "pp/200": the resolution that adopted it (its own mentions are not citations)


def aliases(ref_dir: Path | None = None) -> tuple[Alias, ...]:
    return _aliases(reference_dir(ref_dir))


@lru_cache(maxsize=None)
def _aliases(ref_dir: Path) -> tuple[Alias, ...]:
    return tuple(Alias(r["pattern"], r["kind"], r["target"], r["note"], r.get("title") or "", r.get("defined_by") or "")
                 for r in rows("aliases.csv", ref_dir))


@dataclass(frozen=True)
class SDGEntry:
    kind: str
    code: str
    title: str
    uri: str


def sdg(ref_dir: Path | None = None, edition: str = "sdg-goals-targets-indicators-2019-kos.csv") -> dict[tuple[str, str], SDGEntry]:
    """The SDG framework closest to what 2018 texts cite (the 2019 UN SDG KOS), by (kind, code)."""
    return _sdg(reference_dir(ref_dir), edition)


@lru_cache(maxsize=None)
def _sdg(ref_dir: Path, edition: str) -> dict[tuple[str, str], SDGEntry]:
    """The SDG framework closest to what 2018 texts cite (the 2019 UN SDG KOS), by (kind, code)."""
    return {(r["kind"], r["code"]): SDGEntry(r["kind"], r["code"], r["title"], r["uri"]) for r in rows(edition, ref_dir)}


# ------------------------------------------------------------ source documents ---

@dataclass(frozen=True)
class KnownDocument:
    """A source document resgraph knows by its content (``documents.csv``): the slug its graphs
    are named by, its title, identifier and landing page.  ``pattern`` is a regular expression
    the document's text matches."""

    slug: str
    pattern: str
    title: str
    identifier: str = ""
    see_also: str = ""


def known_documents(ref_dir: Path | None = None) -> tuple[KnownDocument, ...]:
    return _known_documents(reference_dir(ref_dir))


@lru_cache(maxsize=None)
def _known_documents(ref_dir: Path) -> tuple[KnownDocument, ...]:
    return tuple(KnownDocument(r["slug"], r["pattern"], r["title"], r.get("identifier") or "", r.get("see_also") or "")
                 for r in rows("documents.csv", ref_dir))


def known_document(text: str) -> KnownDocument | None:
    """The known document ``text`` is, if any."""
    return next((d for d in known_documents() if re.search(d.pattern, text)), None)


def document_by_slug(slug: str) -> KnownDocument | None:
    return next((d for d in known_documents() if d.slug == slug), None)


# ------------------------------------------------------------ ITU lists ---

@dataclass(frozen=True)
class PlanAdoption:
    """A resolution that adopts an ITU strategic plan in an annex (``strategic-plans.csv``): in it,
    the plan's goals are its own text, not citations, and the annex is read as the plan."""

    body: str
    number: str
    annex: str


def strategic_plan_adoptions(ref_dir: Path | None = None) -> tuple[PlanAdoption, ...]:
    return tuple(PlanAdoption(r["body"], r["number"], r["annex"]) for r in rows("strategic-plans.csv", ref_dir))


def adopts_strategic_plan(body: str | None, number: str | None) -> bool:
    return any((a.body, a.number) == (body, number) for a in strategic_plan_adoptions())


def final_acts_titles(ref_dir: Path | None = None) -> dict[tuple[str, str, str], str | None]:
    """``(body, kind, number)`` → the title PP-18's Final Acts give it (``data/reference/
    itu-pp18-final-acts-list.csv``); ``None`` where the list marks the title truncated."""
    return _final_acts_titles(reference_dir(ref_dir))


@lru_cache(maxsize=None)
def _final_acts_titles(ref_dir: Path) -> dict[tuple[str, str, str], str | None]:
    return {(r["body"].lower(), r["doc_type"], r["number"]): (None if r["title_truncated"] == "true" else r["title"])
            for r in rows("itu-pp18-final-acts-list.csv", ref_dir)}
