"""The opening words of a UN resolution paragraph ("Recalling also", "Deeply concerned", "Calls upon")
and the addressees of an operative paragraph ("Requests the Secretary-General" → secretary-general)."""
from __future__ import annotations

import re

from ...rdf.uris import slug
from ..verbs import addressees_of

#: adverbs dropped from the normalised verb (kept in the phrase as printed)
DROPPED = {"also", "further", "moreover", "again", "once", "furthermore", "finally", "lastly"}
_LEAD = r"(?:(?:Also|Further|Furthermore|Moreover|Once\s+again|Again|Finally|Lastly)\s+)?" \
        r"(?:(?:Urgently|Deeply|Gravely|Seriously|Strongly|Firmly|Profoundly|Greatly|Fully|Particularly|Extremely|Highly|Equally|Most|Sincerely|Further)\s+)?"
_TAIL_ADV = r"(?:\s+(?:also|further|moreover|once\s+again|again|furthermore|in\s+this\s+regard|in\s+that\s+regard))?"
_COMPLEMENT = (r"(?:\s+(?:in\s+mind|note|into\s+(?:account|consideration)|fully\s+into\s+account|upon|on(?=\s+(?:all|the|Member|States|every|each))"
               r"|with\s+(?:(?:grave|deep|serious|great|particular|profound)\s+)?(?:concern|appreciation|satisfaction|interest|alarm)"
               r"|its\s+(?:(?:deep|grave|profound|sincere|full|strong|firm|unwavering|serious)\s+)?"
               r"(?:appreciation|concern|gratitude|support|call|commitment|condolences|solidarity|condemnation|determination|regret)"
               r"|(?:considered|examined|reviewed|received|noted|adopted|welcomed|decided|heard)\b))?")
_OPENING = re.compile(r"^(?P<phrase>" + _LEAD + r"(?:Having\s+)?(?:Re-)?[A-Za-z][a-z]+(?:-[a-z]+)?" + _COMPLEMENT + _TAIL_ADV + _COMPLEMENT + r")(?=[\s,;:]|$)")
#: operative verbs that take the addressee as object ("Requests the Secretary-General to …")
_OBJECT_VERBS = {"requests", "calls-upon", "calls-on", "urges", "invites", "encourages", "appeals-to", "authorizes",
                 "reiterates-its-call", "strongly-encourages", "strongly-urges", "also-requests"}


def opening(text: str) -> tuple[str, str] | None:
    """(opening as printed, normalised verb) of a paragraph, or None."""
    m = _OPENING.match(text)
    if m is None:
        return None
    phrase = m.group("phrase").strip()
    words = [w for w in re.split(r"\s+", phrase) if w.lower() not in DROPPED]
    verb = slug(" ".join(words)) or slug(phrase)
    return phrase, verb


def addressees(verb: str, rest: str) -> list[str]:
    """Addressees of an operative paragraph opened by ``verb``; ``rest`` is the text after its opening."""
    if verb not in _OBJECT_VERBS and not verb.endswith(("requests", "urges", "invites", "encourages", "calls-upon")):
        return []
    rest = rest.strip()
    if not rest or rest.startswith(("that ", "to ", "the importance", "its ", ":")):
        return []
    obj = re.split(r"\s+to\s+|[,;:(]|\s+that\s+|\s+with\s+|\s+in\s+(?:order|accordance|particular|a\s+position)\b|\s+for\s+", rest, maxsplit=1)[0].strip()
    if not obj or len(obj) > 160:
        return []
    codes, unknown = addressees_of(obj)
    out = list(codes)
    for u in unknown:
        s = slug(re.sub(r"^the\s+", "", u.strip(), flags=re.I)) if len(u) < 100 else ""
        if s and s not in out:
            out.append(s)
    return out
