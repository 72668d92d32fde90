"""Section verbs of ITU resolutions: the preambular ("considering", "recalling further" …) and
operative ("resolves", "instructs the Secretary-General" …) phrases that open a section, and the
addressees of an operative verb (``data/reference/addressees.csv``).  Shared by every reader of ITU
texts, whatever the format.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..reference import rows as reference_rows


PREAMBULAR = [
    ("considering", r"considering"), ("recalling", r"recalling"),
    ("noting", r"noting|having\s+noted|notes\s+with\s+appreciation"),
    ("recognizing", r"recognizing"), ("bearing-in-mind", r"bearing\s+in\s+mind"),
    ("emphasizing", r"emphasizing"), ("convinced", r"convinced"), ("concerned", r"concerned"),
    ("aware", r"aware"), ("appreciating", r"appreciating"), ("mindful", r"mindful"),
    ("highlighting", r"highlighting"), ("stressing", r"stressing"),
    ("taking-into-account", r"taking\s+into\s+account"), ("welcoming", r"welcoming"),
    ("endorsing", r"endorsing"), ("acknowledging", r"acknowledging"), ("reaffirming", r"reaffirming"),
    ("observing", r"observing"),
]
OPERATIVE = [
    ("instructs", r"resolves\s+to\s+instruct|instructs"), ("resolves", r"resolves|decides"),
    ("invites", r"invites|continues\s+to\s+invite"), ("encourages", r"encourages|continues\s+to\s+encourage"),
    ("requests", r"requests"), ("urges", r"urges"), ("calls-upon", r"calls\s+upon"),
]
_MOD = r"(?:\s+(?:further|also|with\s+appreciation|with\s+concern))?"
VERB_LINE = re.compile(
    r"^(?P<pre>further\s+)?(?:(?P<p>" + "|".join(f"(?P<p_{i}>{p})" for i, (_, p) in enumerate(PREAMBULAR)) + r")" + _MOD +
    r"|(?P<o>" + "|".join(f"(?P<o_{i}>{p})" for i, (_, p) in enumerate(OPERATIVE)) + r"))(?P<rest>\b.*)?$")




@lru_cache(maxsize=1)
def _addressee_patterns() -> list[tuple[str, re.Pattern]]:
    return [(r["code"], re.compile(r["pattern"], re.I)) for r in reference_rows("addressees.csv")]


def addressees_of(rest: str) -> tuple[list[str], list[str]]:
    """Addressee codes of an operative verb phrase's remainder, and the parts not understood."""
    main = re.split(r",?\s+in\s+(?:close\s+)?(?:cooperation|consultation|coordination|collaboration)\b", rest)[0]
    main = main.strip(" ,")
    if not main:
        return [], []
    codes, unknown = [], []
    whole = [c for c, p in _addressee_patterns() if p.match(main)]
    if whole:
        return whole[0].split(";"), []
    for part in re.split(r"\s*,\s*|\s+and\s+(?=the\s|Sector|Associates|Academia|Member|Director)", main):
        part = part.strip()
        if not part:
            continue
        hit = [c for c, p in _addressee_patterns() if p.match(part)]
        if hit:
            codes.extend(hit[0].split(";"))
        else:
            unknown.append(part)
    return codes, unknown




def section_verb(line: str):
    """(verb code, preambular|operative, the rest of the line) when ``line`` opens a section."""
    m = VERB_LINE.match(line)
    if not m:
        return None
    rest = (m.group("rest") or "").strip()
    if m.group("p") is not None:
        if rest:
            return None
        i = next(i for i in range(len(PREAMBULAR)) if m.group(f"p_{i}") is not None)
        return PREAMBULAR[i][0], "preambular", ""
    i = next(i for i in range(len(OPERATIVE)) if m.group(f"o_{i}") is not None)
    code = OPERATIVE[i][0]
    if rest.startswith(("that ", "to ")) and not re.match(r"to\s+(?:express|instruct)\b", rest):
        return None
    if len(rest) > 300 or line.rstrip().endswith((";", ".")):
        return None
    if code == "resolves" and rest and not rest.startswith(("to express",)):
        return None
    return code, "operative", rest
