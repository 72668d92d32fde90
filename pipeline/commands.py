"""The commands of ``resgraph`` (registered by :mod:`pipeline.cli`)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import pyoxigraph as ox

from .cliutil import UserError, make_settings, settings_options
from .checks.formats import FORMATS
from .export import WRITERS, writer


def _echo_err(msg: str) -> None:
    click.echo(msg, err=True)


def _print_report(report, fmt: str, limit: int | None = 40) -> None:
    from .checks.formats import report_format
    from .checks.report import ReportContext
    click.echo(report_format(fmt).write(report, ReportContext(limit=limit)))


def _jobs(value):
    if value in (None, "auto"):
        return None
    try:
        n = int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number; give a count of worker processes (e.g. 2) or 'auto'") from None
    if n < 1:
        raise click.BadParameter("must be 1 or more (1 builds in this process); or 'auto' for one per core")
    return n


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@settings_options
@click.option("--quiet", "-q", is_flag=True, help="Print only the closing summary.")
@click.option("--jobs", "-j", default="auto", show_default=True, metavar="N|auto",
              help="Worker processes for the per-document work (parse, map, SHACL); 'auto' = one per core, "
                   "at most one per changed document; 1 = in this process.")
@click.option("--scheduler", metavar="ADDRESS", envvar="RESGRAPH_DASK_SCHEDULER",
              help="Run the per-document work as tasks on this dask.distributed scheduler "
                   "(e.g. tcp://10.0.0.5:8786) instead of local processes.")
@click.option("--full", is_flag=True, help="Rebuild every document, even those unchanged since the published build.")
def build(sources, base, store_dir, quiet, jobs, scheduler, full):
    """Parse, map, reason, validate and publish SOURCES (default: data/sources/).

    Incremental: only sources whose content changed since the published build are parsed
    again; the graphs of the others are kept, a removed source's graph is dropped, and the
    inferred graph is recomputed.  Publishing is atomic: a failed or interrupted build
    leaves the previous graph published.  Exit status 1 when a source cannot be read or
    the graph has SHACL violations.
    """
    from .build import BuildError, build as run_build
    from .store import StoreError

    settings = make_settings(base, store_dir)
    t0 = time.perf_counter()
    try:
        n_jobs = _jobs(jobs)
    except click.BadParameter as e:
        raise UserError(f"--jobs: {e.format_message()}") from None

    def progress(stage, msg):
        if not quiet:
            _echo_err(f"[{time.perf_counter() - t0:6.2f}s] {stage:9} {msg}")

    try:
        res = run_build(list(sources) or None, settings=settings, progress=progress, jobs=n_jobs,
                        scheduler=scheduler, incremental=not full)
    except BuildError as e:
        if e.report is not None:
            rep = e.report
            rep.results = rep.violations
            _print_report(rep, "text", limit=20)
        raise UserError(str(e)) from None
    except StoreError as e:     # another build holds the store's lock, the store cannot be written …
        raise UserError(str(e)) from None
    c = res.counts
    if res.up_to_date:
        what = f"up to date, {c['documents']} document(s)"
    elif res.reused or res.removed:
        what = f"built {len(res.built)}, kept {len(res.reused)}, removed {len(res.removed)}: {c['documents']} document(s)"
    else:
        what = f"built {c['documents']} document(s)"
    _echo_err(f"{what}: "
              f"{c['proposals']} proposals, {c['resolutions']} resolution texts ({c.get('adopted', 0)} adopted), "
              f"{c['clauses']} clauses, {c['citations']} citations, {c['triples']} triples, "
              f"{c['violations']} violations, {c['findings']} findings, {time.perf_counter() - t0:.2f} s")


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@settings_options
@click.option("--format", "fmt", type=click.Choice([f.name for f in FORMATS]), default="text", show_default=True,
              help="Report format: text; json; turtle (the published report graphs); sarif (code scanning); "
                   "junit (CI test reports).")
@click.option("--strict", is_flag=True, help="Also exit 1 on findings about the sources (broken or ambiguous references).")
@click.option("--baseline", metavar="FILE|GENERATION",
              help="Report, and fail on, only results not in this earlier run: a saved report (--format json or "
                   "sarif) or a published store generation (resgraph restore --list). Matched by content (kind, "
                   "quoted words, document, resolution and clause), not by line.")
def validate(sources, base, store_dir, fmt, strict, baseline):
    """Validate SOURCES (parsed and mapped, nothing published) or, with none, the published graph.

    Prints SHACL results and the findings about the source documents, each with its
    source file, line and columns.  Exit 1 on violations, and with --strict on findings too;
    with --baseline, on new ones only.  docs/validation.md explains every finding kind.
    """
    from .build import BuildError, build as run_build, find_sources, read_sources
    from .checks import Report
    from .checks.formats import report_format
    from .checks.report import ReportContext
    from .checks.locate import locate
    from .sources import SourceError

    settings = make_settings(base, store_dir)
    f = report_format(fmt)
    if baseline is not None and not f.baseline:
        raise UserError(f"--baseline works with --format {', '.join(x.name for x in FORMATS if x.baseline)}, not {fmt}")
    known = _baseline(baseline, settings) if baseline is not None else None   # a bad baseline fails before the build
    store, texts, rbase, documents = None, {}, settings.base, []
    if sources:
        try:
            srcs = read_sources(find_sources(list(sources), settings))
        except SourceError as e:
            raise UserError(str(e)) from None
        texts = {s.slug: (str(s.path), s.text) for s in srcs}
        documents = [str(s.path) for s in srcs]
        try:
            res = run_build(list(sources), settings=settings, publish=False)
            report = res.report          # SHACL, graph checks and findings (build_document adds them)
            store = res.store
        except BuildError as e:
            if e.report is None:
                raise UserError(str(e)) from None
            report = e.report
    else:
        from .store import StoreError, open_current
        try:
            store, gen = open_current(settings)
        except StoreError as e:
            raise UserError(str(e)) from None
        report = _generation_report(gen, store)
        rbase = gen.meta.get("base", settings.base)
        texts = _published_texts(gen)
        documents = [p for p, _t in texts.values()]
    if f.located:
        locate(report.results, store, base=rbase, texts=texts)
    ctx = ReportContext(store=store, documents=documents)
    shown = report
    if known is not None:
        shown = Report([r for r in report.results if r.fingerprint not in known])
        ctx.baseline = {"source": baseline, "known": len(report.results) - len(shown.results)}
    if fmt == "turtle" and store is None:
        from .store import open_current
        ctx.store, _gen = open_current(settings)
    click.echo(f.write(shown, ctx))
    v = len(shown.violations)
    w = shown.count("warning")
    i = shown.count("info")
    if known is not None:
        _echo_err(f"{len(shown.results)} new since {baseline}: {v} violation(s), {w} warning(s), {i} note(s) "
                  f"({ctx.baseline['known']} known result(s) not shown)")
    else:
        _echo_err(f"{v} violation(s), {w} warning(s), {i} note(s)")
    if v or (strict and (w or i)):
        sys.exit(1)


def _baseline(spec: str, settings) -> set[str]:
    """The fingerprints of ``spec``: a saved report file, else a published generation's name."""
    from .checks.baseline import BaselineError, file_fingerprints
    from .checks.locate import locate
    from .store import StoreError, generations

    p = Path(spec)
    if p.exists():
        try:
            return file_fingerprints(p)
        except BaselineError as e:
            raise UserError(str(e)) from None
    try:
        gens = {g.name: g for g in generations(settings)}
    except (StoreError, OSError) as e:
        raise UserError(f"baseline {spec!r}: {e}") from None
    gen = gens.get(spec)
    if gen is None:
        if p.suffix or "/" in spec or "\\" in spec:
            raise UserError(f"baseline file {spec} not found")
        known = ", ".join(sorted(gens)) or f"none in {settings.store_dir}"
        raise UserError(f"baseline {spec!r} is neither a file nor a published generation (generations: {known})")
    try:
        st = ox.Store.read_only(str(gen.path))
    except (OSError, RuntimeError) as e:
        raise UserError(f"cannot open generation {gen.name}: {e}") from None
    report = _generation_report(gen, st)
    locate(report.results, st, base=gen.meta.get("base", settings.base))
    return {r.fingerprint for r in report.results if r.fingerprint}


def _generation_report(gen, st):
    """The report of a published generation: the results its build kept in the metadata (each
    document's SHACL results and findings with their own severity, and the graph checks); for a
    generation without them, the graph checks run again and the finding records read back."""
    from .checks import Report, Result

    entries = gen.meta.get("sources") or []
    if entries and all("results" in e for e in entries):
        return Report([Result.from_dict(r) for e in entries for r in e["results"]]
                      + [Result.from_dict(r) for r in gen.meta.get("checks", [])])
    return _published_findings(st)


def _published_texts(gen) -> dict[str, tuple[str, str]]:
    """Slug → (path, text) of the published sources still on disk unchanged (same SHA-256), for columns."""
    from .sources import SourceError, read_source

    out = {}
    for e in gen.meta.get("sources") or []:
        try:
            text, sha = read_source(Path(e["path"]))
        except (SourceError, OSError, KeyError):
            continue
        if sha == e.get("sha256"):
            out[e["slug"]] = (e["path"], text)
    return out


def _published_findings(st):
    from .query import run
    from .checks import Result, graph_checks

    report = graph_checks(st)
    q = """SELECT ?f ?kind ?msg ?line ?quote WHERE {
        ?f a rg:Finding ; rg:findingKind ?k ; rg:message ?msg ; rg:lineStart ?line .
        ?k skos:notation ?kind . OPTIONAL { ?f rg:quote ?quote } } ORDER BY ?line"""
    _vars, rows = run(q, st)
    for f, kind, msg, line, quote in rows:
        report.results.append(Result("warning", f.value, f"{kind.value}: {msg.value}", line=int(line.value),
                                     quote=quote.value[:160] if quote else None, source="finding"))
    return report


def _parse_params(params) -> dict[str, str]:
    out = {}
    for p in params:
        if "=" not in p:
            raise UserError(f"parameter {p!r} must be key=value, e.g. -p target=\"UNGA 70/1\"")
        k, v = p.split("=", 1)
        if not k.strip():
            raise UserError(f"parameter {p!r} has no name")
        out[k.strip()] = v
    return out


@click.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter; repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True,
              help="Output format; csv, tsv and json always carry full URIs.")
@click.option("--list", "list_", is_flag=True, help="List the canned queries, one line each.")
@click.option("--describe", metavar="NAME", help="Print a canned query's header (summary, parameters, example).")
@click.option("--sparql", "show_sparql", is_flag=True,
              help="Print the query as plain SPARQL (PREFIX lines, parameters bound in a VALUES block) instead of "
                   "running it: for other SPARQL tools.")
@click.option("-q", "--query", "adhoc", metavar="SPARQL", help="Run ad-hoc SPARQL instead of a canned query.")
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL endpoint instead of the embedded store.")
@settings_options
def query(name, params, fmt, list_, describe, show_sparql, adhoc, endpoint, base, store_dir):
    """Run the canned query NAME from queries/ (or -q SPARQL) and print the answer.

    \b
    Examples:
      resgraph query --list
      resgraph query cites -p target="UNGA 70/1"
      resgraph query instructions -p addressee=Council --format csv
      resgraph query proposals -p document=pp18-64-add1 -p action=SUP
    """
    from . import query as qmod
    from .store import StoreError, open_current

    settings = make_settings(base, store_dir)
    try:
        if list_:
            for q in qmod.catalogue(settings).values():
                click.echo(f"{q.name:28} {q.summary}")
            return
        if describe:
            q = qmod.get(describe, settings)
            click.echo(q.header)
            return
        if adhoc and name:
            raise UserError("give either a query NAME or -q SPARQL, not both")
        if not adhoc and not name:
            raise UserError("name a canned query (resgraph query --list) or give -q SPARQL")
        seen = set()
        for p in params:
            key = p.split("=", 1)[0].strip()
            if "=" in p and key in seen:
                raise UserError(f"parameter {key!r} given twice; give each -p once")
            seen.add(key)
        values = _parse_params(params)
        if adhoc:
            if values:
                raise UserError("-p parameters apply to canned queries only")
            q, bindings = adhoc, None
        else:
            q = qmod.get(name, settings)
            bindings = qmod.bind(q, values, settings)
        if show_sparql:
            try:
                click.echo(qmod.bound_text(q, bindings))
            except ValueError as e:
                raise UserError(str(e)) from None
            return
        if endpoint:
            try:
                from .publish import run_remote_query
            except ImportError:
                raise UserError("remote endpoints are not supported in this build") from None
            variables, rows = run_remote_query(endpoint, q.text if hasattr(q, "text") else q, bindings or [{}])
        else:
            try:
                st, _gen = open_current(settings)
            except StoreError as e:
                raise UserError(str(e)) from None
            variables, rows = qmod.run(q, st, bindings)
        click.echo(qmod.render(variables, rows, fmt), nl=False)
    except qmod.QueryError as e:
        raise UserError(str(e)) from None


@click.command()
@click.option("--format", "fmt", type=click.Choice(sorted(w.cli for w in WRITERS if w.cli and (w.dataset or w.compare))),
              default="nq", show_default=True,
              help="nq/trig keep the named graphs; nt/ttl/jsonld merge them; akn: Akoma Ntoso; docx: a redline (--compare).")
@click.option("--output", "output", default=None,
              help="akn: one file per text and collection.akn.xml into this directory (else one collection to stdout); "
                   "docx: the .docx file, or a directory to write it into.")
@click.option("--compare", "compare", nargs=2, metavar="DRAFT VERSION", default=None,
              help="docx: the redline of a proposal's draft (its symbol, e.g. ACP/64A1/7, or its URI) against an adopted "
                   "text (its URI, or e.g. 'Resolution 70 (Rev. Dubai, 2018)'), the conference's changes as tracked changes.")
@settings_options
def export(fmt, output, compare, base, store_dir):
    """Write the published graph (asserted + inferred) to stdout, or one file per text (--output);
    with --format docx --compare DRAFT VERSION, a Word redline of what the conference changed."""
    from .store import StoreError, open_current

    settings = make_settings(base, store_dir)
    w = writer(fmt)
    if compare is not None and w.compare is None:
        raise UserError(f"--compare writes a redline; use it with --format docx, not {fmt}")
    if w.compare is not None and compare is None:
        raise UserError(f"--format {fmt} writes a redline: give --compare DRAFT VERSION "
                        f"(e.g. --compare ACP/64A1/7 'Resolution 70 (Rev. Dubai, 2018)')")
    if w.compare is None and output is not None and Path(output).exists() and not Path(output).is_dir():
        raise UserError(f"--output {output} is a file; {fmt} writes into a directory")
    try:
        st, _gen = open_current(settings)
    except StoreError as e:
        raise UserError(str(e)) from None
    if w.compare is not None:
        _export_compare(w, st, compare, output, settings)
        return
    if output is not None:
        if w.files is None:
            raise UserError(f"--output is for a format written one file per text (akn), not {fmt}")
        stats = w.files(st, Path(output))
        click.echo(f"wrote {stats['files']} text(s) and collection.akn.xml to {output} in {stats['seconds']:.2f} s", err=True)
        return
    w.dataset(st, sys.stdout.buffer)


def _export_compare(w, st, compare, output, settings) -> None:
    from .export.docx import CompareError
    if output is None and sys.stdout.isatty():
        raise UserError("a .docx is not for the terminal: give --output FILE.docx (or a directory), or redirect stdout")
    target = Path(output) if output is not None else None
    if target is not None and not target.is_dir() and not target.parent.is_dir():
        raise UserError(f"cannot write {target}: {target.parent} is not a directory")
    try:
        r, path = w.compare(st, compare[0], compare[1], settings.base, target)
    except CompareError as e:
        raise UserError(str(e)) from None
    if path is None:
        sys.stdout.buffer.write(r.data)
        sys.stdout.buffer.flush()
    c = r.counts
    click.echo(f"wrote {path or 'stdout'}: {r.insertions} insertion(s), {r.deletions} deletion(s) by {r.author} "
               f"({c['changed']} clause(s) changed, {c['inserted']} added, {c['deleted']} dropped, {c['unchanged']} "
               f"unchanged), {len(r.data)} bytes in {r.seconds:.2f} s", err=True)


@click.command()
@click.argument("generation", required=False)
@click.option("--list", "list_", is_flag=True, help="List the generations kept on disk.")
@settings_options
def restore(generation, list_, base, store_dir):
    """Publish an earlier generation again (default: the one the current one replaced).

    Undoes the last publish: the generation the current one replaced is opened, its quad
    count checked against its metadata, and ``CURRENT`` swapped to it (atomic; a running
    ``resgraph serve`` switches on its next request).  Run it again to go back further.
    The last few published generations are kept (see --list); what an interrupted build
    left behind is never a candidate.
    """
    from .store import StoreError, current, generations, restore as do_restore

    settings = make_settings(base, store_dir)
    try:
        if list_:
            cur = current(settings)
            for g in generations(settings):
                mark = "*" if cur and g.name == cur.name else " "
                click.echo(f"{mark} {g.name}  {g.meta.get('quads', '?')} quads  {g.meta.get('published_at', '')}")
            return
        g = do_restore(generation, settings=settings)
        _echo_err(f"published generation {g.name} again ({g.meta.get('quads', '?')} quads)")
    except StoreError as e:
        raise UserError(str(e)) from None
