"""Issue 20: validation runs in CI — SARIF and JUnit reports, --baseline, the pre-commit hook, the
finding-kind documentation.

Every run is the real ``resgraph validate`` in a subprocess on the seed
(``data/sources/000_e6762f12f0311554.txt``) or on a damaged copy of it: a blank line inserted
above every result (the seed's first result is on line 44) and, after clause 7 of "instructs the
Council" of Proposal ACP/64A1/3 (seed line 132), a new clause 8 citing Resolution 999 of the
Plenipotentiary Conference, a number PP never reached.  Expected places were read in the seed by
hand: "g)<TAB>Resolution<NBSP>1306 adopted by the 2009 session of the Council" is line 2421, so the
cited words stand at columns 4 to 19 (end exclusive); the injected clause lands on line 134
(132 + the blank line + itself), its words "Resolution 999 (Rev. Dubai, 2018)" after
"8<TAB>to take into account " at column 24.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.settings import PROJECT_ROOT

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
SEED_REL = "data/sources/000_e6762f12f0311554.txt"
SARIF_SCHEMA = PROJECT_ROOT / "tests/node/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"
FP = "resgraphContent/v1"
INJECTED = "8\tto take into account Resolution 999 (Rev. Dubai, 2018) of the Plenipotentiary Conference;"


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def resgraph(*args, cwd=PROJECT_ROOT, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=str(cwd), env=_env(), timeout=timeout)


def damage(text: str) -> str:
    lines = text.split("\n")
    assert lines[131].startswith("7\tto report on the future of these events"), "the seed changed: re-read line 132"
    lines.insert(132, INJECTED)
    lines.insert(4, "")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("damaged")
    p = d / SEED.name
    p.write_text(damage(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def seed_sarif(tmp_path_factory) -> tuple[dict, Path, str]:
    cp = resgraph("validate", SEED_REL, "--format", "sarif")
    assert cp.returncode == 0, cp.stderr          # findings, no violations, not --strict
    p = tmp_path_factory.mktemp("sarif") / "seed.sarif"
    p.write_text(cp.stdout, encoding="utf-8")
    return json.loads(cp.stdout), p, cp.stderr


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory) -> tuple[list, Path]:
    cp = resgraph("validate", SEED_REL, "--format", "json")
    assert cp.returncode == 0, cp.stderr
    p = tmp_path_factory.mktemp("json") / "seed.json"
    p.write_text(cp.stdout, encoding="utf-8")
    return json.loads(cp.stdout), p


def _sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} missing: run scripts/test (npm ci in tests/node)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def _region_text(lines: list[str], reg: dict) -> str:
    a, b = reg["startLine"] - 1, reg["endLine"] - 1
    if a == b:
        return lines[a][reg["startColumn"] - 1:reg["endColumn"] - 1]
    return "\n".join([lines[a][reg["startColumn"] - 1:]] + lines[a + 1:b] + [lines[b][:reg["endColumn"] - 1]])


# ------------------------------------------------------------------------------ SARIF ---

def test_sarif_is_valid_sarif_2_1_0(seed_sarif):
    log, _p, _err = seed_sarif
    errors = sorted(_sarif_validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "resgraph"
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_counts_levels_rules_and_fingerprints(seed_sarif):
    log, _p, err = seed_sarif
    results = log["runs"][0]["results"]
    v, w, i = map(int, re.search(r"(\d+) violation\(s\), (\d+) warning\(s\), (\d+) note\(s\)", err).groups())
    levels = [r["level"] for r in results]
    assert (levels.count("error"), levels.count("warning"), levels.count("note")) == (v, w, i)
    assert w > 0 and i > 0
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    by_id = {r["id"]: r for r in rules}
    # described from ontology/concepts.ttl's finding-kind scheme
    assert by_id["impossible-reference"]["shortDescription"]["text"] == "reference that cannot exist"
    assert "had not reached" in by_id["impossible-reference"]["fullDescription"]["text"]
    # a SHACL result names its shape
    assert by_id["DeletedClause-labelChange"]["properties"]["shape"].endswith("shapes#DeletedClause-labelChange")
    fps = [r["partialFingerprints"][FP] for r in results]
    assert len(fps) == len(set(fps)) == len(results)


def test_sarif_region_is_where_the_words_stand(seed_sarif):
    log, _p, _err = seed_sarif
    results = log["runs"][0]["results"]
    hits = [r for r in results if r["properties"].get("quote") == "Resolution 1306"]
    assert len(hits) == 1
    r = hits[0]
    assert (r["ruleId"], r["level"]) == ("impossible-reference", "warning")
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": SEED_REL, "uriBaseId": "SRCROOT"}
    assert loc["region"] == {"startLine": 2421, "startColumn": 4, "endLine": 2421, "endColumn": 19}
    assert r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("http://127.0.0.1:8000/id/finding/")
    # every cited resolution's region holds the cited words (the seed has no-break spaces in them)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    cited = [r for r in results if r["properties"].get("quote", "").startswith("Resolution ")
             and r["ruleId"] in ("impossible-reference", "ambiguous-reference", "unresolved-reference")]
    assert len(cited) > 20
    for r in cited:
        reg = r["locations"][0]["physicalLocation"]["region"]
        assert " ".join(_region_text(lines, reg).split()) == r["properties"]["quote"], reg


# ---------------------------------------------------------------------------- baseline ---

def test_json_report_has_fingerprints_and_places(seed_json):
    results, _p = seed_json
    assert all(r.get("fingerprint") for r in results)
    assert min(r["line"] for r in results) > 5      # the blank line of `damage` shifts every one
    r = [r for r in results if r.get("quote") == "Resolution 1306"][0]
    assert (r["file"], r["line"], r["column"], r["end_column"], r["kind"]) == (SEED_REL, 2421, 4, 19, "impossible-reference")


def _only_the_injected(r: dict, damaged: Path) -> None:
    assert r["kind"] == "impossible-reference" and r["severity"] == "warning"
    assert r["quote"] == "Resolution 999 (Rev. Dubai, 2018)"
    assert (r["file"], r["line"], r["column"], r["end_column"]) == (str(damaged), 134, 24, 24 + len(r["quote"]))
    assert "999" in r["message"]


def test_baseline_json_report_junit_output(seed_json, damaged):
    """Against the seed's JSON report: the one injected reference, as JUnit read by junitparser."""
    junitparser = pytest.importorskip("junitparser")
    cp = resgraph("validate", damaged, "--baseline", seed_json[1], "--strict", "--format", "junit")
    assert cp.returncode == 1, cp.stderr
    assert re.search(rf"^1 new since {re.escape(str(seed_json[1]))}: 0 violation\(s\), 1 warning\(s\), 0 note\(s\) "
                     rf"\({len(seed_json[0])} known", cp.stderr, re.M), cp.stderr
    xml = junitparser.JUnitXml.fromstring(cp.stdout.encode("utf-8"))
    suites = list(xml)
    assert [s.name for s in suites] == [str(damaged)]
    cases = list(suites[0])
    assert len(cases) == 1 and suites[0].tests == 1 and suites[0].failures == 1
    case = cases[0]
    assert case.classname == "resgraph.impossible-reference"
    assert case.name == f"{damaged}:134:24 impossible-reference"
    (failure,) = case.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.type == "impossible-reference" and "Resolution 999" in failure.message
    assert "Resolution 999 (Rev. Dubai, 2018)" in failure.text
    assert case._elem.get("file") == str(damaged) and case._elem.get("line") == "134"


def test_baseline_sarif_log(seed_sarif, damaged):
    """Against the seed's SARIF log, without --strict: one new warning, exit 0; a valid SARIF log."""
    cp = resgraph("validate", damaged, "--baseline", seed_sarif[1], "--format", "sarif")
    assert cp.returncode == 0, cp.stderr
    log = json.loads(cp.stdout)
    assert not list(_sarif_validator().iter_errors(log))
    (r,) = log["runs"][0]["results"]
    assert r["baselineState"] == "new" and r["ruleId"] == "impossible-reference"
    reg = r["locations"][0]["physicalLocation"]["region"]
    assert (reg["startLine"], reg["startColumn"]) == (134, 24)
    assert _region_text(damaged.read_text(encoding="utf-8").split("\n"), reg) == "Resolution 999 (Rev. Dubai, 2018)"
    assert r["partialFingerprints"][FP] not in {x["partialFingerprints"][FP] for x in seed_sarif[0]["runs"][0]["results"]}
    assert log["runs"][0]["properties"]["baseline"] == {"source": str(seed_sarif[1]),
                                                        "known": len(seed_sarif[0]["runs"][0]["results"])}


def test_baseline_published_generation(seed_build, damaged):
    from pipeline.store import current
    res, settings = seed_build
    gen = current(settings).name
    cp = resgraph("validate", damaged, "--baseline", gen, "--strict", "--format", "json", "--store", settings.store_dir)
    assert cp.returncode == 1, cp.stderr
    (r,) = json.loads(cp.stdout)
    _only_the_injected(r, damaged)
    assert f"1 new since {gen}" in cp.stderr


# --------------------------------------------------------------------------- error paths ---

def _one_error(cp: subprocess.CompletedProcess, *words: str) -> None:
    assert cp.returncode != 0
    assert "Traceback" not in cp.stderr
    lines = cp.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), cp.stderr
    for w in words:
        assert w in lines[0], lines[0]
    assert cp.stdout == ""


@pytest.mark.parametrize("content,words", [
    (None, ("not found",)),
    ("{not json", ("is not JSON",)),
    (b"\xff\xfe\x00garbage", ("not UTF-8",)),
    ('[{"severity": "warning", "focus": "x", "message": "m"}]', ("no fingerprints",)),
    ('{"a": 1}', ("neither a JSON report nor a SARIF log",)),
    ("42", ("neither a JSON report nor a SARIF log",)),
])
def test_bad_baseline_file(tmp_path, content, words):
    p = tmp_path / "baseline.json"
    if isinstance(content, bytes):
        p.write_bytes(content)
    elif content is not None:
        p.write_text(content, encoding="utf-8")
    _one_error(resgraph("validate", SEED_REL, "--baseline", p, "--store", tmp_path / "store"), *words)


def test_unknown_generation(tmp_path):
    _one_error(resgraph("validate", SEED_REL, "--baseline", "g20990101T000000-1", "--store", tmp_path / "store"),
               "neither a file nor a published generation")


def test_baseline_with_turtle_refused(tmp_path, seed_json):
    _one_error(resgraph("validate", SEED_REL, "--baseline", seed_json[1], "--format", "turtle"), "turtle")


# -------------------------------------------------------------------------- pre-commit ---

def _git(repo: Path, *args):
    env = _env() | {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                    "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=str(repo), env=env, check=True, capture_output=True, timeout=60)


def test_pre_commit_hook(tmp_path, seed_sarif):
    """The hook of .pre-commit-hooks.yaml, run by pre-commit on a repository of documents with a
    committed baseline: the seed passes, the damaged seed fails on its one new finding.

    The hook run is ``resgraph-validate-system`` (``language: system``), taken from the manifest
    into a ``repo: local`` configuration with the repository's baseline as ``args``: the
    ``language: python`` hook would make pre-commit build a fresh virtualenv and download
    resgraph's dependencies, which a test must not; both share the entry, files and exclusions
    (asserted here), and pre-commit itself checks the manifest.
    """
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git missing")
    pc = lambda *a, cwd: subprocess.run([sys.executable, "-m", "pre_commit", *a], cwd=str(cwd),  # noqa: E731
                                        env=_env() | {"PRE_COMMIT_HOME": str(tmp_path / "pc-home")},
                                        capture_output=True, text=True, timeout=900)
    manifest_path = PROJECT_ROOT / ".pre-commit-hooks.yaml"
    cp = pc("validate-manifest", str(manifest_path), cwd=PROJECT_ROOT)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    hooks = {h["id"]: h for h in yaml.safe_load(manifest_path.read_text(encoding="utf-8"))}
    py, system = hooks["resgraph-validate"], hooks["resgraph-validate-system"]
    assert (py["language"], system["language"]) == ("python", "system")
    for k in ("entry", "files", "exclude", "require_serial"):
        assert py[k] == system[k]
    assert re.search(system["files"], "docs/seed.txt") and re.search(system["exclude"], "docs/README.md")

    repo = tmp_path / "resolutions"
    (repo / "docs").mkdir(parents=True)
    shutil.copy(SEED, repo / "docs" / SEED.name)
    (repo / "docs" / "README.md").write_text("Our resolutions.\n", encoding="utf-8")   # not a document: excluded
    shutil.copy(seed_sarif[1], repo / "validation-baseline.sarif")
    hook = dict(system, args=["--baseline", "validation-baseline.sarif"])
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}),
                                                  encoding="utf-8")
    assert pc("validate-config", ".pre-commit-config.yaml", cwd=repo).returncode == 0
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "seed")

    cp = pc("run", "--all-files", "--color", "never", cwd=repo)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert re.search(r"resgraph validate \(resgraph on PATH\)\.+Passed", cp.stdout), cp.stdout

    doc = repo / "docs" / SEED.name
    doc.write_text(damage(doc.read_text(encoding="utf-8")), encoding="utf-8")
    _git(repo, "add", "-A")
    cp = pc("run", "--all-files", "--color", "never", cwd=repo)
    assert cp.returncode == 1, cp.stdout + cp.stderr
    assert re.search(r"resgraph validate \(resgraph on PATH\)\.+Failed", cp.stdout), cp.stdout
    found = [ln for ln in cp.stdout.splitlines() if ln.startswith(("WARNING", "INFO", "VIOLATION"))]
    assert len(found) == 1, cp.stdout
    assert f"docs/{SEED.name}:134:24: impossible-reference" in found[0] and "«Resolution 999 (Rev. Dubai, 2018)»" in found[0]
    assert "1 new since validation-baseline.sarif" in cp.stdout


# ------------------------------------------------------------------------------- docs ---

def test_every_finding_kind_is_documented():
    from pipeline.checks.sarif import finding_kinds
    doc = (PROJECT_ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    kinds = finding_kinds()
    assert len(kinds) >= 13          # ontology/concepts.ttl lists 13 today
    sections = re.split(r"^### ", doc, flags=re.M)
    by_kind = {}
    for s in sections[1:]:
        m = re.match(r"`([a-z-]+)`", s)
        if m:
            by_kind[m.group(1)] = s
    assert set(kinds) <= set(by_kind), sorted(set(kinds) - set(by_kind))
    for k in kinds:
        s = by_kind[k]
        assert "**Example**" in s and "**Means**" in s and "**Fix**" in s, k
