"""Crash safety of publishing (issue 9, part 1): ``resgraph build`` killed with SIGKILL at
random moments of its publish step, again and again on the same store.

Each trial starts a real ``resgraph build`` process that replaces the published graph
(version v1 ↔ v2 of two source documents, see :mod:`publish_helpers`), waits until it
reaches the publish step, sends SIGKILL at a random offset (fixed seed) and then shows:

* the store opens, and holds exactly the graph from before the build or the new one
  (quad count and SHA-256 of the sorted N-Quads equal one of the two known answers), and
  the one the step it was killed after implies (before the swap: old; after: new);
* every backup ``resgraph restore`` could bring back opens and is whole;
* a ``resgraph serve`` that kept running through all trials answers a SPARQL COUNT from
  that whole graph, and so does one started afresh on the store (every few kills);
* every few kills, an undisturbed build publishes the new graph, leaves no debris, keeps
  at most ``KEEP_GENERATIONS`` generations, and ``resgraph restore`` brings back the
  previous one exactly (same checksum).

Where the kills land.  The publish step is the ``staged`` block of :mod:`pipeline.store`:
the new generation is written (checkpoint of the published one, the changed document's
graph, the inferred graph) and then committed (flush, close, metadata, swap of
``CURRENT``, publish flag, pruning of old generations).  The commit takes ~30 ms, so most
trials set the test-only hook ``RESGRAPH_FAULT_PAUSE`` (see ``store._fault``): at each
named point of the step the build prints ``fault-point NAME`` and sleeps that long, so a
kill at a uniformly random offset lands between any two steps and we know which step it
followed.  A quarter of the trials run without the hook (pure wall-clock offsets after the
``reason`` progress line) to show the hook hides nothing.  Kills that arrive after the
step ended (the ``publish`` progress line was printed) or after the process exited are
reported and not counted; the test goes on until ``KILLS`` kills landed in the step.
"""
from __future__ import annotations

import os
import random
import re
import signal
import time
from collections import Counter

import httpx
import pytest

from pipeline.store import KEEP_GENERATIONS
from publish_helpers import (BASE, backup_states, build, published_state, run_cli, serve, start_watched,
                             write_sources)

pytestmark = pytest.mark.slow

KILLS = int(os.environ.get("RESGRAPH_CRASH_KILLS", "24"))
RANDOM_SEED = 20261128
PAUSE = 0.05                                 # seconds at each fault point (hook on)
FRESH_SERVER_EVERY = 6
CLEAN_BUILD_EVERY = 8

BEFORE_SWAP = {"locked", "checkpointed", "opened", "flushed", "closed"}
AFTER_SWAP = {"swapped", "marked", "unlinked-meta", "pruned"}


def other(version: str) -> str:
    return "v2" if version == "v1" else "v1"


def store_debris(store) -> list[str]:
    """What an undisturbed build must not leave: temp files, directories without metadata,
    generations never published."""
    import json
    gdir = store / "generations"
    bad = [p.name for p in [*store.glob("*.tmp-*"), *gdir.glob("*.tmp-*")]]
    for p in gdir.iterdir():
        if p.is_dir() and not (gdir / f"{p.name}.json").exists():
            bad.append(p.name + "/ (no metadata)")
        if p.suffix == ".json" and json.loads(p.read_text()).get("published") is False:
            bad.append(p.name + " (never published)")
    return bad


def prepare(tmp_path):
    """A store with three published generations (v1, v2, v1: the next publish prunes one),
    the two known answers, and the time an undisturbed build spends in each window."""
    store, src = tmp_path / "store", tmp_path / "sources"
    write_sources(src, "v1")
    build(tmp_path, store, src)
    known = {"v1": published_state(store)}
    write_sources(src, "v2")
    w = start_watched(tmp_path, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src),
                      RESGRAPH_FAULT_PAUSE=str(PAUSE))
    t_locked = w.wait_for(lambda line: line == "fault-point locked")[0]
    t_reason = w.wait_for(lambda line: "] reason" in line)[0]
    t_pruned = w.wait_for(lambda line: line == "fault-point pruned")[0]
    assert w.finish() == 0, w.text()
    known["v2"] = published_state(store)
    assert known["v1"].count != known["v2"].count, "the two versions must differ in size"
    write_sources(src, "v1")
    w = start_watched(tmp_path, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src))
    t0 = w.wait_for(lambda line: "] reason" in line)[0]
    t1 = w.wait_for(lambda line: "] publish" in line)[0]
    assert w.finish() == 0, w.text()
    assert published_state(store) == known["v1"]
    assert len(backup_states(store)) == 3
    # the calibration run pruned nothing (two generations); a trial also deletes the oldest one
    windows = {"write": t_reason - t_locked, "commit": t_pruned - t_reason + 2 * PAUSE, "commit-nohook": t1 - t0}
    print(f"\nknown answers: v1 {known['v1']}; v2 {known['v2']}")
    print("publish-step windows (s): " + ", ".join(f"{k} {v:.3f}" for k, v in windows.items()))
    return store, src, known, windows


def clean_build_then_restore(tmp_path, store, src, known, state, version):
    """An undisturbed build to the other version: no debris, at most KEEP generations; then
    ``resgraph restore`` brings back ``state`` exactly.  Returns the new (state, version)."""
    target = other(version)
    write_sources(src, target)
    build(tmp_path, store, src)
    assert published_state(store) == known[target]
    assert store_debris(store) == []
    assert len(backup_states(store)) <= KEEP_GENERATIONS
    out = run_cli(tmp_path, "restore", "--store", str(store), "--base", BASE)
    assert out.returncode == 0, out.stderr
    assert published_state(store) == state, "restore must bring back the previous graph exactly"
    return state, version


def test_sigkill_during_publish_leaves_old_or_new_graph(tmp_path):
    rng = random.Random(RANDOM_SEED)
    store, src, known, windows = prepare(tmp_path)

    served = serve(tmp_path, store, "--workers", "1")
    state, version = known["v1"], "v1"
    tried = survived = missed = 0
    outcomes, points, modes = Counter(), Counter(), Counter()
    fresh_servers = clean_builds = 0
    try:
        with httpx.Client(timeout=30) as http:
            assert served.count(http) == state.count
            attempt = 0
            while tried < KILLS:
                attempt += 1
                assert attempt <= 3 * KILLS, f"only {tried} of {attempt} kills landed in the publish step"
                target = other(version)
                write_sources(src, target)
                r = rng.random()
                mode = "write" if r < 0.25 else "commit-nohook" if r < 0.5 else "commit"
                hook = {} if mode == "commit-nohook" else {"RESGRAPH_FAULT_PAUSE": str(PAUSE)}
                w = start_watched(tmp_path, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src),
                                  **hook)
                start = w.wait_for(lambda line: line == "fault-point locked" if mode == "write"
                                   else "] reason" in line)
                assert start is not None, w.text()
                offset = rng.uniform(0, windows[mode])
                time.sleep(max(0.0, start[0] + offset - time.monotonic()))
                w.proc.send_signal(signal.SIGKILL)
                rc = w.finish()
                text = w.text()
                if rc != -signal.SIGKILL or any("] publish" in line for line in text):
                    missed += 1   # the step had ended: not a kill inside it (the build may have published)
                    now = published_state(store)
                    assert now in (state, known[target])
                    state, version = now, (target if now == known[target] else version)
                    continue
                tried += 1
                modes[mode] += 1
                fault = [line.split()[1] for line in text if line.startswith("fault-point ")]
                last = fault[-1] if fault else ("(no hook)" if mode == "commit-nohook" else "(before the lock)")
                points[last] += 1

                # 1. the store opens and holds the old graph or the new one, whole
                now = published_state(store)
                assert now in (state, known[target]), f"kill #{tried} after {last}: {now} is neither graph"
                if last in BEFORE_SWAP or not any("] reason" in line for line in text):
                    assert now == state, f"kill #{tried} after {last} (before the swap) must leave the old graph"
                if last in AFTER_SWAP:
                    assert now == known[target], f"kill #{tried} after {last} (after the swap) must leave the new graph"
                outcomes["new" if now == known[target] else "old"] += 1
                # 2. every backup opens and is one of the two whole graphs
                for name, b in backup_states(store).items():
                    assert b in known.values(), f"kill #{tried}: backup {name} is damaged: {b}"
                # 3. the running server answers from the whole graph
                assert served.count(http) == now.count
                # 4. now and then, a server started afresh on the store does too
                if tried % FRESH_SERVER_EVERY == 0:
                    fresh = serve(tmp_path, store, "--workers", "1")
                    try:
                        assert fresh.count() == now.count
                    finally:
                        fresh.stop()
                    fresh_servers += 1
                survived += 1
                state, version = now, (target if now == known[target] else version)
                print(f"kill {tried:2d} [{mode:13s}] +{offset:.3f}s after {last:15s} -> "
                      f"{'new' if now == known[target] else 'old'} graph ({now.count} quads)")

                # 5. now and then: an undisturbed build, no debris, restore brings back the previous graph
                if tried % CLEAN_BUILD_EVERY == 0:
                    state, version = clean_build_then_restore(tmp_path, store, src, known, state, version)
                    assert served.count(http) == state.count
                    clean_builds += 1
    finally:
        served.stop()

    # the store is still good for a normal build afterwards
    target = other(version)
    write_sources(src, target)
    build(tmp_path, store, src)
    assert published_state(store) == known[target] and store_debris(store) == []
    listing = run_cli(tmp_path, "restore", "--list", "--store", str(store))
    assert listing.returncode == 0 and len(re.findall(r"^[* ] g\d", listing.stdout, re.M)) <= KEEP_GENERATIONS

    print(f"\nkills survived: {survived} out of {tried} tried "
          f"({missed} more arrived after the publish step and are not counted)")
    print("kill modes: " + ", ".join(f"{k} {v}" for k, v in sorted(modes.items())))
    print("killed after: " + ", ".join(f"{k} {v}" for k, v in sorted(points.items())))
    print(f"left the old graph {outcomes['old']} times, the new one {outcomes['new']} times; "
          f"fresh servers {fresh_servers}, clean builds + restores {clean_builds}")
    assert outcomes["old"] > 0 and outcomes["new"] > 0, "kills must land on both sides of the swap"


POINTS = ["locked", "checkpointed", "opened", "flushed", "closed", "meta-written", "swapped", "marked",
          "unlinked-meta", "pruned"]


def test_sigkill_at_each_named_point(tmp_path):
    """Deterministic companion of the random test: one kill at each named point of the
    publish step (the build sleeps there, so the kill lands exactly after that step), each
    followed by the checks above and an undisturbed build + ``resgraph restore``.

    Regression: a kill after the metadata was written but before the swap left a complete,
    never-published generation, which ``resgraph restore`` then picked as "the previous
    one" (it brought back the graph of the killed build, not the one published before).
    """
    store, src, known, _windows = prepare(tmp_path)
    state, version = known["v1"], "v1"
    survived = 0
    for point in POINTS:
        target = other(version)
        write_sources(src, target)
        w = start_watched(tmp_path, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src),
                          RESGRAPH_FAULT_PAUSE=f"5@{point}")
        assert w.wait_for(lambda line: line == f"fault-point {point}") is not None, w.text()
        w.proc.send_signal(signal.SIGKILL)
        assert w.finish() == -signal.SIGKILL
        now = published_state(store)
        want = state if point in BEFORE_SWAP or point == "meta-written" else known[target]
        assert now == want, f"kill after {point}: {now}, expected {want}"
        for name, b in backup_states(store).items():
            assert b in known.values(), f"kill after {point}: backup {name} is damaged: {b}"
        if point in ("meta-written", "swapped", "marked"):  # around the swap: a server started afresh
            fresh = serve(tmp_path, store, "--workers", "1")
            try:
                assert fresh.count() == now.count
            finally:
                fresh.stop()
        state, version = clean_build_then_restore(tmp_path, store, src, known, now,
                                                  target if now == known[target] else version)
        survived += 1
        print(f"kill after {point:13s} -> {'new' if now == known[target] else 'old'} graph; "
              "clean build and restore fine")
    print(f"named-point kills survived: {survived} out of {len(POINTS)}")


def test_restore_goes_back_one_publish_at_a_time_and_refuses_a_damaged_generation(tmp_path):
    """``restore`` undoes publishes in order (also after a restore changed the order of names),
    checks a generation before publishing it, and repairs a ``CURRENT`` naming a missing one."""
    import pyoxigraph as ox

    from pipeline import store as store_mod
    from pipeline.settings import Settings

    s = Settings(base=BASE, store_dir=tmp_path / "store")

    def quads(n: int):
        return [ox.Quad(ox.NamedNode(f"{BASE}id/x/{i}"), ox.NamedNode(f"{BASE}p"), ox.Literal(str(n)),
                        ox.NamedNode(f"{BASE}graph/g")) for i in range(n)]

    def published() -> int:
        st, _ = store_mod.open_current(s)
        return store_mod.named_quads(st)

    a = store_mod.publish(quads(10), {}, settings=s)
    b = store_mod.publish(quads(20), {}, settings=s)
    store_mod.publish(quads(30), {}, settings=s)
    assert store_mod.restore(None, settings=s).name == b.name and published() == 20
    assert store_mod.restore(None, settings=s).name == a.name and published() == 10
    with pytest.raises(store_mod.StoreError, match="no earlier generation"):
        store_mod.restore(None, settings=s)
    d = store_mod.publish(quads(40), {}, settings=s)      # replaces a (restored), not the newest name
    assert store_mod.restore(None, settings=s).name == a.name and published() == 10
    assert len(store_mod.generations(s)) == store_mod.KEEP_GENERATIONS

    # CURRENT naming a generation that is gone: readers get a one-line error, and restore
    # publishes the newest generation kept
    (tmp_path / "store" / "CURRENT").write_text("g-gone\n")
    with pytest.raises(store_mod.StoreError, match="missing"):
        store_mod.open_current(s)
    assert store_mod.restore(None, settings=s).name == d.name and published() == 40

    # a damaged backup is refused and CURRENT stays as it was
    c = next(g for g in store_mod.generations(s) if g.name not in (a.name, d.name))
    for f in c.path.iterdir():
        if f.suffix == ".sst":
            f.unlink()
    with pytest.raises(store_mod.StoreError, match="not restored"):
        store_mod.restore(c.name, settings=s)
    assert store_mod.current(s).name == d.name and published() == 40
