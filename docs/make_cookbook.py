"""Regenerate docs/cookbook.md by running each call on a fresh build of the default corpus
(data/sources: the APT's proposals, PP-18's Final Acts, 41 GA resolutions).

    .venv/bin/python docs/make_cookbook.py        # builds the corpus into /tmp/q8store first

Every output in the cookbook is what the command printed; nothing is edited by hand.
"""
import subprocess, textwrap
from pipeline import query as qmod
from pipeline.settings import Settings

STORE = "/tmp/q8store"
subprocess.run(f"rm -rf {STORE} && .venv/bin/resgraph build -q --store {STORE}", shell=True, check=True)
cat = qmod.catalogue(Settings())
# (name, call args, shell tail, remark)
RECIPES = [
 ("Citations", [
  ("cites", '-p target="UNGA 70/1" --format tsv', "| cut -f2 | sort | uniq -c | sort -rn | head -8",
   "Who cites the 2030 Agenda? `target` takes any form a librarian types (\"A/RES/70/1\", \"Resolution 70/1 of the United Nations General Assembly\", \"WTDC 23\", \"SDG 9\")."),
  ("cited-by", '-p source="PP Resolution 197" --format tsv', "| cut -f3,5,6,7",
   "The reverse: what Resolution 197 (IoT) cites, with the words as printed and the source line."),
  ("co-cited", '-p target="A/RES/70/1" --format tsv', "| cut -f3-5 | head -8",
   "What travels with the 2030 Agenda: instruments cited in the same clause and in the same resolution."),
  ("most-cited", "--format tsv", "| cut -f2-5 | head -8", "The most cited instruments."),
  ("cited-itu-resolutions", "-p body=wtdc --format tsv", "| cut -f2,3,5,7,8 | head -8",
   "Which WTDC resolutions are cited, in which revision, by which PP resolution (the body is read from the text, never guessed from the number)."),
  ("unregistered-un-documents", "--format tsv", "| cut -f1-5 | head -8",
   "UN documents cited but not in the registry. \"Registry\" = a UN document that the graph describes with a title (dcterms:title): today only those known by title in data/reference/aliases.csv (A/RES/70/1), so almost every cited UN document is listed."),
  ("dropped-citations", '-p resolution="PP Resolution 30" --format tsv', "| cut -f2,4,6,7",
   "References the proposal took out of the text: `68/19872/200` is 68/198 deleted and 72/200 inserted."),
 ]),
 ("Operative clauses and addressees", [
  ("addressees", "--format tsv", "| cut -f1,3-5 | head -8", "Whom the operative sections address, with counts; the codes and labels are what `instructions` accepts."),
  ("instructions", '-p addressee=Council -p verb=instructs --format tsv', "| cut -f2,5,7,10 | head -9",
   "What the Council is instructed to do (labels as well as codes: \"Council\", \"Secretary-General\", \"Director of the Telecommunication Development Bureau\" or \"BDT\", \"Member States\")."),
  ("instructions", '-p addressee="Director of the Telecommunication Development Bureau" --format tsv', "| cut -f2,5,7 | head -5", None),
 ]),
 ("The SDGs and the strategic plan", [
  ("sdg-links", '-p target="SDG 11" --format tsv', "| cut -f2,4,5,7,8,9 | head -8",
   "Clauses linked to SDG 11, directly (`cites`) or through the ITU Strategic Plan 2020-2023 (Resolution 71 Annex 1), whose goals are linked to SDG targets."),
  ("sdg-links", '-p target="9.c" --format tsv', "| cut -f2,5,7,8,9", "A target …"),
  ("sdg-links", '-p target="17.8.1" --format tsv', "| cut -f2,5,7,8,9",
   "… and an indicator: 17.8.1 is cited directly at line 1427 (ITU's five custodian indicators) and served through the strategic plan."),
  ("strategic-plan-sdg-targets", "--format tsv", "| cut -f1,3,5 | head -8", "Which SDG targets each strategic goal serves."),
 ]),
 ("Proposals, versions and changes", [
  ("proposals", "-p document=pp18-64-add1 --format tsv", "| cut -f1,2,4,6 | head -8", "The proposals of PP-18 Document 64 (Add.1)."),
  ("proposals", "-p document=pp18-64-add1 -p action=SUP --format tsv", "| cut -f1,2,3,6", "Only the suppressions."),
  ("resolutions", "-p body=pp --format tsv", "| cut -f2,4,5,6 | head -8", "The resolutions the graph knows; `withText` marks those whose text a proposal sets out."),
  ("revisions", '-p resolution="PP Resolution 25" --format tsv', "| cut -f4-12",
   "The versions of Resolution 25 and how many clauses the proposed revision renumbered, inserted and probably deleted."),
  ("clause-changes", '-p resolution="PP Resolution 11" --format tsv', "| cut -f2-7",
   "Which clauses: `910` printed = old 9, new 10."),
  ("clause-changes", '-p resolution="PP Resolution 25" -p change=deleted --format tsv', "| cut -f2,4,6,7", "Only the clauses probably deleted."),
 ]),
 ("What the conference did with the proposals", [
  ("proposal-outcomes", "-p document=pp18-64-add1 --format tsv", "| cut -f1-8 | head -10",
   "Each APT proposal against what PP-18 adopted (the Final Acts): clauses adopted as proposed, changed, not adopted, and added by the conference."),
  ("resolution-changes", '-p resolution="PP Resolution 70" --format tsv', "| cut -f1-4,7 | head -12",
   "What PP-18 changed in Resolution 70, clause by clause, with the words substituted, inserted or repealed."),
  ("clauses-not-adopted", "-p document=pp18-64-add1 --format tsv", "| cut -f1-4 | head -8",
   "Clauses the APT's drafts wanted that PP-18 did not adopt (Resolution 11 lost many of the old clauses APT had kept)."),
  ("clauses-added", '-p resolution="PP Resolution 70" --format tsv', "| cut -f1,2,5 | head -8",
   "Clauses of Resolution 70 that PP-18 added and no draft had."),
  ("clause-history", '-p clause="http://127.0.0.1:8000/id/proposal/ACP/64A1/23/text/resolves/1" --format tsv', "| cut -f1,2",
   "One clause through its versions: the words the APT's draft replaces (as far as the flattened changes let them be recovered), the draft, and what PP-18 adopted."),
 ]),
 ("Reading the texts", [
  ("outline", '-p resolution="PP Resolution 11" --format tsv', "| cut -f3-7", "How a resolution is laid out."),
  ("annex-contents", '-p resolution="PP Resolution 25" --format tsv', "| cut -f2,5,6,7 | head -8", "Everything an annex contains, in order."),
  ("clauses-mentioning", '-p phrase="digital divide" --format tsv', "| cut -f2,4,6 | head -6",
   "Clauses mentioning a phrase (bound as a literal, compared case-insensitively)."),
 ]),
 ("Validation findings", [
  ("broken-references", "-p document=pp18-64-add1 --format tsv", "| tail -n +2 | cut -f1 | sort | uniq -c",
   "What validation found in the document, by kind …"),
  ("broken-references", "-p document=pp18-64-add1 -p kind=unresolved-reference --format tsv", "| cut -f1-3 | head -6",
   "… and the unresolved references, with line and quote."),
 ]),
]

out = ["""# The query library: a cookbook

Each question a librarian asks is one canned query in `queries/` (one `.rq` file, with a
header: summary, parameters and their types, an example call, notes on what the data can and
cannot say). Run them with `resgraph query NAME -p key=value`, list them with
`resgraph query --list`, read one's header with `resgraph query --describe NAME`, and
print the plain SPARQL (PREFIX lines, parameters bound as a VALUES block) for another tool
with `--sparql`. The same questions, with a form for their parameters, are on the query
page of `resgraph serve` (`/query`; `/query?name=cites&target=UNGA+70/1&run=1`, or
`&format=csv|tsv|json`).

Every output below is real: the seed document (`data/sources/`, PP-18 Document 64 Add.1)
built with `resgraph build`, each command run as shown (`--format tsv | cut` picks a few
columns; `| head` keeps it short). The texts are those the APT **proposed** for PP-18, not
the texts PP-18 adopted.

**Parameters** are bound as typed RDF terms, never pasted into the query: `citation` (any
form a librarian types, read by the same code that reads the documents), `sdg` ("SDG 11",
"9.c", "17.8.1"), `addressee` (code or label from `data/reference/addressees.csv`),
`document` (slug or IRI), controlled lists by code or label (`action`, `finding-kind`,
`label-change`, `body`, `verb`), `string`, `iri`, `integer`. A parameter marked
*optional* may be left out: the question is then answered for every value.

**Running a `.rq` file elsewhere.** The files declare no prefixes: the prefixes are declared
once, in `pipeline.rdf.vocab.PREFIXES`. For another SPARQL tool, print the self-contained query
with `resgraph query NAME -p … --sparql`, or prepend these lines to the file:

```
PREFIX rg: <https://w3id.org/resgraph/ontology#>
PREFIX rgc: <https://w3id.org/resgraph/concept/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
```

and query the union of the named graphs as the default graph (Oxigraph:
`union-default-graph`; Fuseki: `urn:x-arq:UnionGraph`), as `resgraph query` does.

## The questions

"""]
lines = []
for q in cat.values():
    lines.append(f"- `{q.name}` — {q.summary}")
out.append("\n".join(lines) + "\n")
for title, recipes in RECIPES:
    out.append(f"\n## {title}\n")
    for name, args, tail, remark in recipes:
        q = cat[name]
        cmd = f"resgraph query {name} {args} {tail}".strip()
        res = subprocess.run(f".venv/bin/{cmd.replace('resgraph query', 'resgraph query --store ' + STORE, 1)}",
                             shell=True, capture_output=True, text=True)
        assert res.returncode == 0, (cmd, res.stderr)
        if remark is not None:
            out.append(f"\n### {q.summary}\n\n{remark}\n" if remark else f"\n### {q.summary}\n")
        out.append(f"\n```console\n$ {cmd}\n{res.stdout.rstrip()}\n```\n")
out.append("""
## Errors

Every user error is one line on stderr starting with `error:` and a non-zero exit status:

```console
""")
for cmd in ['resgraph query no-such-query', 'resgraph query cites', 'resgraph query cites -p target="Resolution 23"',
            'resgraph query proposals -p document=pp18-64-add1 -p action=DELETE', 'resgraph query sdg-links -p target="SDG 18"',
            'resgraph query instructions -p addressee="the Pope"']:
    res = subprocess.run(f".venv/bin/{cmd} --store {STORE}", shell=True, capture_output=True, text=True)
    assert res.returncode != 0
    out.append(f"$ {cmd}\n{res.stderr.strip()}\n")
out.append("```\n")
open("docs/cookbook.md", "w").write("".join(out))
