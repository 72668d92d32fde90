"""``resgraph validate --format junit``: the report as JUnit XML, for CI test reports (GitLab's
``artifacts:reports:junit``, Jenkins' junit step).

One ``<testsuite>`` per source document (its file, else its slug; results about no one document
in a suite ``resgraph``), one ``<testcase>`` per result, named ``file:line:column rule`` with
``classname`` ``resgraph.<rule>`` and the ``file``/``line`` attributes GitLab shows: a violation
or warning is a ``<failure>`` (type = rule, message = the message, text = the quoted words and the
resource), a note passes with the message in ``<system-out>``.  A document without results is
one passing case ``validated``, so every validated file shows.

``tests/test_validate_ci.py`` reads it back with ``junitparser``.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .report import Report, ReportContext
from .sarif import rule_id

_FAILS = ("violation", "warning")


def write(report: Report, ctx: ReportContext) -> str:
    suites: dict[str, list] = {d: [] for d in ctx.documents}
    for r in report.results:
        suites.setdefault(r.file or r.document or "resgraph", []).append(r)
    root = ET.Element("testsuites", name="resgraph validate")
    total = fails = 0
    for name in sorted(suites):
        results = suites[name]
        suite = ET.SubElement(root, "testsuite", name=name)
        n_fail = 0
        for r in results:
            rid = rule_id(r)
            where = f"{r.file or r.document or ''}:{r.line or 0}" + (f":{r.column}" if r.column else "")
            case = ET.SubElement(suite, "testcase", name=f"{where} {rid}", classname=f"resgraph.{rid}")
            if r.file:
                case.set("file", r.file)
            if r.line:
                case.set("line", str(r.line))
            detail = "\n".join(x for x in (f"«{r.quote}»" if r.quote else "", r.focus,
                                           f"fingerprint {r.fingerprint}" if r.fingerprint else "") if x)
            if r.severity in _FAILS:
                n_fail += 1
                f = ET.SubElement(case, "failure", type=rid, message=f"{r.severity}: {r.message}")
                f.text = detail
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"note: {r.message}\n{detail}"
        if not results:
            ET.SubElement(suite, "testcase", name="validated", classname="resgraph", file=name)
        suite.set("tests", str(max(1, len(results))))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += max(1, len(results))
        fails += n_fail
    root.set("tests", str(total))
    root.set("failures", str(fails))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
