"""Where documents are built: in this process, in a pool of worker processes (``jobs``), or as
tasks on a ``dask.distributed`` cluster (``scheduler``)."""
from __future__ import annotations

import os
from collections import deque
from typing import Iterator


from ..settings import Settings
from .document import _build_document_task, build_document
from .results import BuildError, DocResult, Source



def _forkserver_context():
    """Workers start from a fork server that imported the pipeline once (not from this
    process, which may hold an open RocksDB store and its threads)."""
    import multiprocessing as mp
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.build"])
    return ctx


def default_jobs(n_docs: int) -> int:
    """One worker per usable core, never more than there are documents to build.

    One document (the usual rebuild after an edit) is built in this process: a worker
    would add its start-up (~1 s of imports) and nothing else.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_docs))


def run_documents(todo: list[Source], *, settings: Settings, jobs: int | None = None, scheduler: str | None = None,
                  keep: bool = False, evidence: dict[str, dict[int, str]] | None = None) -> Iterator[DocResult]:
    """Build each source's document graph, yielding results as they finish (any order).

    ``scheduler``: address of a running ``dask.distributed`` scheduler; each document is
    one task.  Otherwise ``jobs`` worker processes (``None``: :func:`default_jobs`; 1: here).
    At most two tasks per worker are in flight, so memory stays flat on large corpora.
    ``evidence``: per slug, the adopted wording of its draft clauses (:func:`pipeline.outcomes.evidence`).
    """
    evidence = evidence or {}
    args = [(str(s.path), s.text, s.sha256, settings, keep, evidence.get(s.slug)) for s in todo]
    if not args:
        return
    if scheduler:
        yield from _run_dask(args, scheduler)
        return
    jobs = default_jobs(len(args)) if not jobs else jobs
    if jobs <= 1 or len(args) == 1:
        for a in args:
            yield build_document(*a)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_forkserver_context()) as pool:
        pending, queue = set(), deque(args)
        while queue or pending:
            while queue and len(pending) < 2 * jobs:
                pending.add(pool.submit(build_document, *queue.popleft()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()


def _run_dask(args: list[tuple], scheduler: str) -> Iterator[DocResult]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BuildError("--scheduler needs dask.distributed: pip install 'distributed'") from None
    try:
        client = Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as e:
        raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        queue = deque(args)
        ac = as_completed()
        for _ in range(min(len(queue), 2 * n)):
            ac.add(client.submit(_build_document_task, queue.popleft(), pure=False))
        for fut in ac:
            res = fut.result()
            fut.release()
            if queue:
                ac.add(client.submit(_build_document_task, queue.popleft(), pure=False))
            yield res
    finally:
        client.close()
