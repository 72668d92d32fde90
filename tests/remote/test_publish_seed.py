"""The real seed build, published to each real server, answers as the embedded store does."""

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.query import bind, get, run
from pipeline.publish import run_remote_query

pytestmark = pytest.mark.server


def rows(result):
    return sorted(tuple(str(t) for t in row) for row in result[1])


def test_seed_published_answers_like_embedded(seed_build, seed_store, server, monkeypatch):
    res, settings = seed_build
    for k, v in server.cli_env().items():
        monkeypatch.setenv(k, v)
    args = ["publish", *server.cli_args(), "--store", str(settings.store_dir), "--base", settings.base]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "remote counts match" in r.output
    q = get("cites", settings)
    for target in ("UNGA 70/1", "WTDC 23", "A/RES/71/243"):
        b = bind(q, {"target": target}, settings)
        local = run(q, seed_store, b)
        remote = run_remote_query(server.endpoints().query, q.text, b)
        assert local[1], target
        assert rows(remote) == rows(local), target
    # publishing again changes nothing
    r2 = CliRunner().invoke(main, args)
    assert r2.exit_code == 0, r2.output
