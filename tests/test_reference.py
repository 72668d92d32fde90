"""``pipeline.reference`` is the one road to ``data/reference``, and it follows the settings."""
from __future__ import annotations

import re
import shutil

from pipeline.reference import aliases, known_document, reference_dir
from pipeline.settings import PROJECT_ROOT, Settings


def test_reference_folder_follows_the_settings(tmp_path, monkeypatch):
    """With ``RESGRAPH_DATA`` elsewhere, the readers read that folder — the one the build
    fingerprint hashes (``Settings.reference_dir``), not the repository's."""
    shutil.copytree(PROJECT_ROOT / "data" / "reference", tmp_path / "reference")
    with open(tmp_path / "reference" / "aliases.csv", "a", encoding="utf-8") as fh:
        fh.write('Toy\\s+Accord,instrument,un/toy-accord,a row only this copy has,The Toy Accord,\n')
    monkeypatch.setenv("RESGRAPH_DATA", str(tmp_path))
    assert reference_dir() == Settings().reference_dir == tmp_path / "reference"
    assert any(a.target == "un/toy-accord" for a in aliases())
    monkeypatch.delenv("RESGRAPH_DATA")
    assert not any(a.target == "un/toy-accord" for a in aliases())


def test_the_seed_is_known_by_its_content():
    text = (PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt").read_text(encoding="utf-8")
    doc = known_document(text)
    assert doc is not None and doc.slug == "pp18-64-add1"
    assert doc.identifier == "PP-18 Document 64 (Add.1)"
    assert known_document("Dear colleagues, please find attached our proposals.") is None


def test_no_other_module_opens_reference_files():
    offenders = []
    for f in sorted((PROJECT_ROOT / "pipeline").rglob("*.py")):
        if f.parent.name == "reference":
            continue
        text = f.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"""["'][\w-]+\.csv["']""", line) and "rows(" not in line:
                offenders.append(f"{f.relative_to(PROJECT_ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
