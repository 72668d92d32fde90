"""The command line as a user meets it: one clear error line, non-zero exit, store untouched."""
import subprocess
import sys

import pytest

from pipeline.settings import PROJECT_ROOT

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"

RESGRAPH = [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.argv[0] = 'resgraph'; main()"]


def run(*args, store):
    return subprocess.run(RESGRAPH + list(args) + ["--store", str(store)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli-store")
    r = run("build", "-q", str(SEED), store=store)
    assert r.returncode == 0, r.stderr
    cur = (store / "CURRENT").read_text()
    return store, cur


def bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text("Proposal ACP/64A1/1 - Summary:\nNOC\tACP/64A1/1\n", encoding="utf-16")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("MOD\tACP/64A1/3\nR\xe9solution".encode("latin-1"))
    prose = tmp_path / "prose.txt"
    prose.write_text("Just a letter, with no proposals in it.\n", encoding="utf-8")
    return {"empty": empty, "binary": binary, "utf16": utf16, "latin1": latin1, "prose": prose,
            "missing": tmp_path / "no-such-file.txt"}


@pytest.mark.parametrize("kind,words", [
    ("empty", "empty"), ("binary", "binary"), ("utf16", "UTF-16"), ("latin1", "UTF-8"),
    ("prose", "no proposals"), ("missing", "no such file"),
])
def test_bad_source_one_line_nonzero_store_untouched(published, tmp_path, kind, words):
    store, cur = published
    path = bad_inputs(tmp_path)[kind]
    r = run("build", str(path), store=store)
    assert r.returncode != 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error:") and words in lines[-1], r.stderr
    assert "Traceback" not in r.stderr
    assert (store / "CURRENT").read_text() == cur


@pytest.mark.parametrize("args,words", [
    (["query", "no-such-query"], "no canned query"),
    (["query", "cites"], "needs -p target"),
    (["query", "cites", "-p", "target"], "key=value"),
    (["query", "cites", "-p", "target=Resolution 23"], "which body"),
    (["query", "-q", "SELECT WHERE {"], "syntax"),
])
def test_bad_queries(published, args, words):
    store, _cur = published
    r = run(*args, store=store)
    assert r.returncode != 0
    assert r.stderr.strip().splitlines()[-1].startswith("error:") and words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_query_cites_csv_has_full_uris(published):
    store, _cur = published
    r = run("query", "cites", "-p", "target=UNGA 70/1", "--format", "csv", store=store)
    assert r.returncode == 0, r.stderr
    rows = r.stdout.splitlines()
    assert rows[0].startswith("resolution,number,title,clause,label")
    assert "http://127.0.0.1:8000/id/resolution/pp/25,25," in r.stdout


def test_export_nt_has_plain_cito_cites(published):
    store, _cur = published
    r = subprocess.run(RESGRAPH + ["export", "--format", "nt", "--store", str(store)], capture_output=True, timeout=300)
    assert r.returncode == 0
    text = r.stdout.decode()
    # a generic consumer, knowing only CiTO, finds the resolution-level citation (rolled up by reasoning)
    assert ("<http://127.0.0.1:8000/id/resolution/pp/25> <http://purl.org/spar/cito/cites> "
            "<http://127.0.0.1:8000/id/un/A/RES/70/1> .") in text


def test_failed_build_keeps_previous_graph(published, tmp_path):
    """A graph with a SHACL violation is not published (a shape made stricter than the data)."""
    import shutil
    store, cur = published
    shapes = tmp_path / "shapes"
    shutil.copytree(SEED.parent.parent.parent / "shapes", shapes)
    (shapes / "strict.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix rg: <https://w3id.org/resgraph/ontology#> .\n"
        "<urn:x:S> a sh:NodeShape ; sh:targetClass rg:Proposal ; sh:property [ sh:path rg:anchor ; sh:minCount 1 ; "
        "sh:message \"every proposal needs an anchor (test)\" ] .\n", encoding="utf-8")
    from pipeline.build import BuildError, build
    from pipeline.settings import Settings
    settings = Settings(base="http://127.0.0.1:8000/", store_dir=store, shapes_dir=shapes)
    with pytest.raises(BuildError) as e:
        build([SEED], settings=settings)
    assert "nothing was published" in str(e.value)
    assert any("anchor (test)" in r.message for r in e.value.report.violations)
    assert (store / "CURRENT").read_text() == cur


def test_a_build_while_another_holds_the_store_is_one_line(published, tmp_path):
    """Another build publishing to the same store (its lock held): one `error:` line, exit 1, the
    published generation untouched — not a traceback."""
    import fcntl
    store, _ = published
    before = (store / "CURRENT").read_text()
    with open(store / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = run("build", "-q", "--full", str(SEED), store=store)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: another resgraph build is publishing"), r.stderr
    assert (store / "CURRENT").read_text() == before
