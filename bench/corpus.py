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

**UN-shaped documents** (``--un M``, issue 19 item 3): General Assembly resolutions made from
the 41 real ones of ``data/sources/un-ga-80/*.md``.  UN document ``j`` is template
``j mod 41`` renumbered ``A/RES/{s}/{n}`` with session ``s = j mod 80 + 1`` and number
``n = j div 80 + 1`` (10,000 documents: sessions 1–80, 125 each), written ``A_RES_{s}_{n}.md``:

* its symbol (front matter, the ``80/1.`` heading), session line ("Twelfth session"),
  record id and adoption date (year ``1945 + s``, day and month drawn) are its own, and its
  title gains the year (``…, 1957``: varied, and a running page header still a prefix of it);
* every other ``NN/NNN`` resolution or decision number it cites (``resolution 70/1``,
  ``resolutions 53/72 of …, 54/47 …``, ``A/RES/70/1``) is replaced by the symbol of a
  generated document, drawn from the cited number and ``j mod 7`` — so a resolution many
  templates cite stays a hub of the citation web, with seven generated stand-ins;
* its SDG targets (``target 16.4``) and 2030 Agenda goals (``Goal 16``) are drawn from the
  real ones (``data/reference/sdg-goals-targets-indicators.csv``).

A mixed corpus (``N`` ITU-shaped + ``M`` UN-shaped) puts both in one folder; its ITU documents'
citations of ``A/RES/70/1`` then resolve to generated UN document 69 once ``M`` ≥ 70.

    .venv/bin/python bench/corpus.py 10 /tmp/corpus10           # 10 ITU-shaped .txt files
    .venv/bin/python bench/corpus.py --un 10000 /tmp/un10k      # 10,000 UN-shaped .md files
    .venv/bin/python bench/corpus.py 100 --un 1000 /tmp/mixed   # both
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
UN_TEMPLATES = ROOT / "data" / "sources" / "un-ga-80"
SDG_CSV = ROOT / "data" / "reference" / "sdg-goals-targets-indicators.csv"

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


# ------------------------------------------------------------- UN-shaped ---

UN_SESSIONS = 80
_ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ONES_TH = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS_TH = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
             "seventeenth", "eighteenth", "nineteenth"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
#: a resolution or decision number standing alone (not part of A/80/534, 2015/16 or 1.2/3)
UN_NUMBER = re.compile(r"(?<![\w/.\-])(\d{1,2}/\d{1,3})(?![\w/]|\.\d)")
UN_RES_SYMBOL = re.compile(r"(?<=A/RES/)(\d{1,2}/\d{1,3})(?![\w/]|\.\d)")
UN_HEADING = re.compile(r"^(\d+/\d+)\.(\s+)(.*)$")
UN_SESSION = re.compile(r"^[A-Z][a-z]+(?:-[a-z]+)?(?=\s+session\b)")
UN_ADOPTED = re.compile(r"(Resolution\s+adopted\s+by\s+the\s+General\s+Assembly\s+on\s+)\d{1,2}\s+[A-Z][a-z]+\s+\d{4}")
SDG_TARGET = re.compile(r"(?<=\b[Tt]arget )\d{1,2}\.[0-9a-z]{1,2}\b(?!\.\d)")
SDG_GOAL = re.compile(r"(?<=\bGoal )\d{1,2}\b(?![\d.])")


def ordinal(n: int) -> str:
    """``12`` → ``Twelfth``, ``80`` → ``Eightieth`` (as a session line spells it; 1 ≤ n < 100)."""
    if n < 10:
        w = _ONES_TH[n]
    elif n < 20:
        w = _TEENS_TH[n - 10]
    elif n % 10 == 0:
        w = _TENS[n // 10][:-1] + "ieth"
    else:
        w = f"{_TENS[n // 10]}-{_ONES_TH[n % 10]}"
    return w[0].upper() + w[1:]


def un_number(j: int) -> str:
    """The ``session/number`` of UN document ``j``: sessions 1–80 in turn."""
    return f"{j % UN_SESSIONS + 1}/{j // UN_SESSIONS + 1}"


def un_file_name(j: int) -> str:
    return "A_RES_" + un_number(j).replace("/", "_") + ".md"


def un_templates(folder: Path = UN_TEMPLATES) -> list[tuple[str, str]]:
    """(file stem, text) of the real GA resolutions, in a fixed order."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.md"))]


def _sdg_codes() -> tuple[list[str], list[str]]:
    goals, targets = [], []
    with open(SDG_CSV, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            (goals if row["kind"] == "goal" else targets if row["kind"] == "target" else []).append(row["code"])
    return goals, targets


def un_variant(template: tuple[str, str], j: int, m: int, sdg: tuple[list[str], list[str]] | None = None) -> str:
    """UN document ``j`` of ``m``, made from ``template`` (see the module docstring)."""
    from pipeline.sources.un_text.text import _norm
    stem, text = template
    goals, targets = sdg or _sdg_codes()
    rng = random.Random(f"un/{j}")
    s, n = (int(x) for x in un_number(j).split("/"))
    year = 1945 + s
    month, day = rng.randrange(12), rng.randrange(1, 29)
    suffix = f", {year}"

    def target(cited: str) -> str:
        k = random.Random(f"{cited}|{j % 7}").randrange(m)
        return un_number((k + 1) % m if k == j and m > 1 else k)

    lines = text.split("\n")
    body = 0
    fm_title = None
    if lines and lines[0].strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        body = end + 1
        for i in range(1, end):
            key = lines[i].split(":", 1)[0]
            if key == "symbol":
                lines[i] = f"symbol: A/RES/{s}/{n}"
            elif key == "record_id":
                lines[i] = f'record_id: "{9000000 + j}"'
            elif key == "date":
                lines[i] = f'date: "{year}-{month + 1:02d}-{day:02d}"'
            elif key == "source_pdf":
                lines[i] = lines[i].replace(stem, un_file_name(j)[:-3])
            elif key == "title":
                fm_title = i
    head = next(i for i in range(body, len(lines)) if UN_HEADING.match(lines[i].strip()))
    hm = UN_HEADING.match(lines[head].strip())
    head_title = hm.group(3)
    cut = False
    if fm_title is not None:
        m_fm = re.match(r'^title:\s*"(.*?)(\s*:)?"\s*$', lines[fm_title])
        if m_fm:
            full = m_fm.group(1)
            cut = _norm(full) != _norm(head_title) and _norm(full).startswith(_norm(head_title))
            lines[fm_title] = f'title: "{full}{suffix}{m_fm.group(2) or ""}"'
    lines[head] = f"{s}/{n}.{hm.group(2)}{head_title}{'' if cut else suffix}"
    session_done = False
    for i in range(body, len(lines)):
        if i == head:
            continue
        line = lines[i]
        if not session_done and i < head and UN_SESSION.match(line):
            line = UN_SESSION.sub(ordinal(s), line, count=1)
            session_done = True
        line = UN_ADOPTED.sub(lambda x: f"{x.group(1)}{day} {_MONTHS[month]} {year}", line)
        line = UN_RES_SYMBOL.sub(lambda x: target(x.group(1)), line)
        line = UN_NUMBER.sub(lambda x: target(x.group(1)), line)
        line = SDG_TARGET.sub(lambda x: rng.choice(targets), line)
        line = SDG_GOAL.sub(lambda x: rng.choice(goals), line)
        lines[i] = line
    return "\n".join(lines)


def write(n: int, out: Path, seed: Path = SEED, *, un: int = 0) -> list[Path]:
    """Write ITU-shaped documents 0 … n-1 and UN-shaped documents 0 … un-1 into ``out``
    (created); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    if n:
        seed_text = seed.read_text(encoding="utf-8")
        for k in range(n):
            p = out / file_name(k)
            p.write_text(variant(seed_text, k), encoding="utf-8")
            paths.append(p)
    if un:
        templates, sdg = un_templates(), _sdg_codes()
        for j in range(un):
            p = out / un_file_name(j)
            p.write_text(un_variant(templates[j % len(templates)], j, un, sdg), encoding="utf-8")
            paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, nargs="?", default=None,
                    help="number of ITU-shaped documents (1 = the seed alone; default 0 with --un, else required)")
    ap.add_argument("out", type=Path, help="directory to write the files into")
    ap.add_argument("--un", type=int, default=0, metavar="M", help="also write M UN-shaped resolutions (.md)")
    a = ap.parse_args()
    if a.n is None and not a.un:
        ap.error("give the number of ITU-shaped documents, --un M, or both")
    if (a.n or 0) < 0 or a.un < 0:
        ap.error("the numbers of documents cannot be negative")
    paths = write(a.n or 0, a.out, un=a.un)
    print(f"{len(paths)} document(s) in {a.out}")


if __name__ == "__main__":
    main()
