"""Readers during writes (issue 9, part 2): a real ``resgraph serve`` answers SPARQL in a
loop from several client threads while ``resgraph build`` replaces the graph, then while
``resgraph restore`` puts the old one back, then during three more builds (the last two
prune generations the server answered from a moment before).

Every answer must come from the old graph or the new one (the COUNT of all quads is one
of the two known values: v1 and v2 of the sources differ in size, see
:mod:`publish_helpers`), no request may fail, each client sees the value change only
when a swap happened (never back and forth within one writer's run), and after each
writer ends the server answers from what it published — without a restart.
"""
from __future__ import annotations

import threading
import time

import httpx
import pytest

from publish_helpers import BASE, build, published_state, run_cli, serve, start_watched, write_sources

pytestmark = pytest.mark.slow

CLIENTS = 4


def test_answers_come_from_the_old_or_the_new_graph_never_an_error(tmp_path):
    store, src = tmp_path / "store", tmp_path / "sources"
    write_sources(src, "v1")
    build(tmp_path, store, src)
    old = published_state(store).count
    served = serve(tmp_path, store)          # default: 2 query worker processes
    answers: list[list[tuple[float, object]]] = [[] for _ in range(CLIENTS)]
    stop = threading.Event()

    def reader(k: int) -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                try:
                    value = served.count(http)
                except Exception as e:  # noqa: BLE001 - every failure is recorded and fails the test
                    value = e
                answers[k].append((time.monotonic(), value))
                time.sleep(0.005)

    def wait_until_all_see(value: int, since: float, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(any(t > since and v == value for t, v in a) for a in answers):
                return
            time.sleep(0.05)
        raise AssertionError(f"not every client saw {value} within {timeout} s after the swap")

    threads = [threading.Thread(target=reader, args=(k,), daemon=True) for k in range(CLIENTS)]
    writes = []   # (what, started, ended, the count it published)
    try:
        for t in threads:
            t.start()
        wait_until_all_see(old, 0)

        # 1. a build replaces the graph (incremental: checkpoint, one document rebuilt)
        write_sources(src, "v2")
        t0 = time.monotonic()
        w = start_watched(tmp_path, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src))
        assert w.finish(timeout=120) == 0, w.text()
        new = published_state(store).count
        assert new != old
        writes.append(("build", t0, time.monotonic(), new))
        wait_until_all_see(new, writes[-1][2])

        # 2. restore puts the old graph back
        t0 = time.monotonic()
        out = run_cli(tmp_path, "restore", "--store", str(store), "--base", BASE)
        assert out.returncode == 0, out.stderr
        assert published_state(store).count == old
        writes.append(("restore", t0, time.monotonic(), old))
        wait_until_all_see(old, writes[-1][2])

        # 3. and a build replaces it again
        t0 = time.monotonic()
        w = start_watched(tmp_path, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src))
        assert w.finish(timeout=120) == 0, w.text()
        assert published_state(store).count == new
        writes.append(("build again", t0, time.monotonic(), new))
        wait_until_all_see(new, writes[-1][2])

        # 4. two more builds (v1, then v2): each prunes the oldest generation, which the
        #    server was answering from a few builds before
        for version, want in (("v1", old), ("v2", new)):
            write_sources(src, version)
            t0 = time.monotonic()
            w = start_watched(tmp_path, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src))
            assert w.finish(timeout=120) == 0, w.text()
            assert published_state(store).count == want
            writes.append((f"build {version}", t0, time.monotonic(), want))
            wait_until_all_see(want, writes[-1][2])
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        served.stop()

    errors = [v for a in answers for _, v in a if isinstance(v, Exception)]
    assert not errors, f"{len(errors)} requests failed, e.g. {errors[0]!r}"
    values = [v for a in answers for _, v in a]
    assert set(values) == {old, new}, f"answers from neither graph: {set(values) - {old, new}}"
    for k, a in enumerate(answers):
        # each client's value changes only once per writer, at most, and ends on the last graph
        changes = [i for i in range(1, len(a)) if a[i][1] != a[i - 1][1]]
        assert len(changes) == len(writes), f"client {k}: {len(changes)} changes for {len(writes)} swaps"
        for i, (what, started, ended, value) in zip(changes, writes):
            assert started <= a[i][0] and a[i][1] == value, f"client {k}: changed to {a[i][1]} outside {what}"
        assert a[-1][1] == new
    during = {what: sum(1 for a in answers for t, _ in a if started <= t <= ended)
              for what, started, ended, _ in writes}
    assert all(n > 0 for n in during.values()), f"no answers while a writer ran: {during}"
    server_log = "\n".join(served.watched.text())
    assert "Traceback" not in server_log and "could not be opened" not in server_log, server_log[-2000:]
    print(f"\n{len(values)} answers from {CLIENTS} clients, 0 errors; old graph {old} quads "
          f"({values.count(old)} answers), new {new} ({values.count(new)}); answered while writing: {during}")
