"""Reference data as data: conferences, aliases, the SDG framework (``data/reference/``)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .settings import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"

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


@lru_cache(maxsize=None)
def conferences(ref_dir: Path = REFERENCE_DIR) -> tuple[Conference, ...]:
    with open(ref_dir / "conferences.csv", encoding="utf-8", newline="") as fh:
        return tuple(Conference(r["body"], r["place"], r["year"], r["name"], r.get("revises", "true") == "true")
                     for r in csv.DictReader(fh))


@lru_cache(maxsize=None)
def known_places(ref_dir: Path = REFERENCE_DIR) -> dict[str, str]:
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


@lru_cache(maxsize=None)
def aliases(ref_dir: Path = REFERENCE_DIR) -> tuple[Alias, ...]:
    with open(ref_dir / "aliases.csv", encoding="utf-8", newline="") as fh:
        return tuple(Alias(r["pattern"], r["kind"], r["target"], r["note"], r.get("title") or "", r.get("defined_by") or "") for r in csv.DictReader(fh))


@dataclass(frozen=True)
class SDGEntry:
    kind: str
    code: str
    title: str
    uri: str


@lru_cache(maxsize=None)
def sdg(ref_dir: Path = REFERENCE_DIR, edition: str = "sdg-goals-targets-indicators-2019-kos.csv") -> dict[tuple[str, str], SDGEntry]:
    """The SDG framework closest to what 2018 texts cite (the 2019 UN SDG KOS), by (kind, code)."""
    out = {}
    with open(ref_dir / edition, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[(r["kind"], r["code"])] = SDGEntry(r["kind"], r["code"], r["title"], r["uri"])
    return out
