"""Parallel builds (issue 7, part 4): worker processes (``--jobs``) and a real
``dask.distributed.LocalCluster`` (``--scheduler``) publish exactly what a
single-process build publishes (sorted N-Quads of the store)."""
from __future__ import annotations

import pytest

from pipeline.build import BuildError, build, default_jobs

from test_incremental import corpus, nquads, settings_for


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parallel")
    _paths, src = corpus(tmp, 3)
    return src


@pytest.fixture(scope="module")
def single(sources, tmp_path_factory):
    s = settings_for(tmp_path_factory.mktemp("single"))
    res = build([sources], settings=s, jobs=1)
    return s, res


def test_worker_processes_publish_the_single_process_graph(sources, single, tmp_path):
    s1, res1 = single
    s2 = settings_for(tmp_path / "jobs2")
    res2 = build([sources], settings=s2, jobs=2)
    assert len(res2.built) == 3
    assert res2.counts == res1.counts
    assert nquads(s2) == nquads(s1)


def test_dask_local_cluster_publishes_the_single_process_graph(sources, single, tmp_path):
    distributed = pytest.importorskip("distributed")
    s1, res1 = single
    s2 = settings_for(tmp_path / "dask")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        res2 = build([sources], settings=s2, scheduler=cluster.scheduler_address)
        assert len(cluster.workers) == 2
    assert len(res2.built) == 3
    assert res2.counts == res1.counts
    assert nquads(s2) == nquads(s1)


def test_unreachable_scheduler_is_one_clear_error(sources, tmp_path):
    pytest.importorskip("distributed")
    with pytest.raises(BuildError, match="cannot reach the Dask scheduler"):
        build([sources], settings=settings_for(tmp_path / "x"), scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "x" / "CURRENT").exists()


def test_default_jobs_never_exceeds_documents_or_cores():
    assert default_jobs(1) == 1
    assert 1 <= default_jobs(1000) <= 1000


def test_cli_rejects_bad_jobs(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main
    r = CliRunner().invoke(main, ["build", "--jobs", "0", "--store", str(tmp_path / "s")])
    assert r.exit_code == 1
    assert "--jobs" in r.output and "Traceback" not in r.output
