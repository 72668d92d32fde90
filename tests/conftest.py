"""Shared fixtures: the seed built once per test session into a temporary store.

Expected values in these tests come from reading the seed by hand
(``tests/fixtures/seed_facts.json`` and ``SEED_FACTS.md``), not from running the code.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_ROOT, Settings

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
FACTS = Path(__file__).parent / "fixtures" / "seed_facts.json"
BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="session")
def facts() -> dict:
    return json.loads(FACTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_doc():
    from pipeline.sources import parse
    return parse(SEED)


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory) -> Settings:
    return Settings(base=BASE, store_dir=tmp_path_factory.mktemp("seed-store"))


@pytest.fixture(scope="session")
def seed_build(seed_settings):
    """The seed built and published once; returns (BuildResult, Settings)."""
    from pipeline.build import build
    res = build([SEED], settings=seed_settings)
    return res, seed_settings


@pytest.fixture(scope="session")
def seed_store(seed_build):
    from pipeline.store import open_current
    st, _gen = open_current(seed_build[1])
    return st
