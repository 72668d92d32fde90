"""A synthetic corpus: the seed turned into N distinct documents of the same shape (issue 7, part 5).

Document 0 is the seed itself.  Document k ≥ 1 is the seed with

* its proposal symbols moved to their own series: ``ACP/64A1/7`` → ``XAAB/1A1/7`` (a
  letter code per document, so ``pipeline.sources.document_slug`` no longer recognises
  PP-18 Document 64 Add. 1 and the slug comes from the file name, ``00001-synthetic``),
  and the draft new resolution ``[ACP-1]`` → ``[XAAB-1]``;
* every resolution number renumbered ``n`` → ``n + 1000·k`` (headings, annex headings and
  citations alike), so its resolutions, versions and clauses are its own — two documents
  never describe the same clause;
* its citations shuffled with a seeded RNG: the numbers of the resolutions cited as
  ``Resolution N`` are permuted among the citing places, and so are the UNGA symbols
  (``A/RES/70/1``, ``Resolution 70/1``), so every document cites differently while the
  multiset of targets — A/RES/70/1 the most popular — stays the seed's.

Tracked-change debris (``68/19872/200``, ``910``) is left exactly as in the seed, so every
document exercises the same parser paths.  Deterministic: the same N gives the same files.

    .venv/bin/python bench/corpus.py 10 /tmp/corpus10      # writes 10 .txt files
"""
from __future__ import annotations

import argparse
import random
import re
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"

HEADING_NUMBER = re.compile(r"\b(RESOLUTIONS?\s+)(\d+)\b(?![/\d])")
CITED_NUMBER = re.compile(r"\b(Resolutions?\s+)(\d+)\b(?![/\d])")
UN_SYMBOL = re.compile(r"(?<=A/RES/)(\d{2}/\d{1,3})\b(?![/\d])|(?<=[Rr]esolution )(\d{2}/\d{1,3})\b(?![/\d])")


def code(k: int) -> str:
    """``X`` + three letters: a proposal series of its own for document k (k < 17,576)."""
    letters = string.ascii_uppercase
    return "X" + letters[k // 676 % 26] + letters[k // 26 % 26] + letters[k % 26]


def variant(seed_text: str, k: int) -> str:
    """Document ``k`` of the corpus (``k = 0``: the seed, unchanged)."""
    if k == 0:
        return seed_text
    rng = random.Random(k)
    c = code(k)
    text = seed_text.replace("ACP/64A1/", f"{c}/{k}A1/").replace("[ACP-", f"[{c}-")
    text = HEADING_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1000 * k}", text)
    cited = [int(m.group(2)) + 1000 * k for m in CITED_NUMBER.finditer(text)]
    rng.shuffle(cited)
    it = iter(cited)
    text = CITED_NUMBER.sub(lambda m: f"{m.group(1)}{next(it)}", text)
    symbols = [m.group(0) for m in UN_SYMBOL.finditer(text)]
    rng.shuffle(symbols)
    it = iter(symbols)
    return UN_SYMBOL.sub(lambda m: next(it), text)


def file_name(k: int) -> str:
    return SEED.name if k == 0 else f"{k:05d}-synthetic.txt"


def write(n: int, out: Path, seed: Path = SEED) -> list[Path]:
    """Write documents 0 … n-1 into ``out`` (created); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    seed_text = seed.read_text(encoding="utf-8")
    paths = []
    for k in range(n):
        p = out / file_name(k)
        p.write_text(variant(seed_text, k), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of documents (1 = the seed alone)")
    ap.add_argument("out", type=Path, help="directory to write the .txt files into")
    a = ap.parse_args()
    paths = write(a.n, a.out)
    print(f"{len(paths)} document(s) in {a.out}")


if __name__ == "__main__":
    main()
