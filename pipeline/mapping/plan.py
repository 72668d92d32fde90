"""The ITU strategic plan of an annex (Annex 1 to PP Resolution 71) as a SKOS scheme: goals,
targets, objectives, outcomes, outputs, and the SDG targets and indicators each goal serves."""
from __future__ import annotations

from ..model import Finding
from ..rdf.terms import DCTERMS, PROV, RDF, SKOS, iri, lit
from ..reference import sdg as sdg_reference


class PlanMapper:
    """The strategic-plan part of :class:`pipeline.mapping.Mapper`."""

    def plan(self, annex: str, plan) -> None:
        """The strategic plan as a SKOS concept scheme; goals map to the SDG targets and
        indicators they serve (``skos:relatedMatch``, the plan's own linkage table)."""
        u = self.u
        scheme = iri(self.u.strategic_plan_scheme(plan.period))
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, SKOS.prefLabel, lit(f"ITU Strategic Plan {plan.period}", lang="en"))
        self.add(scheme, DCTERMS.source, annex)
        self.add(scheme, PROV.wasDerivedFrom, self.doc_uri)
        ref = sdg_reference()
        by_code = {(i.kind, i.code): iri(u.strategic_plan(plan.period, i.kind, i.code)) for i in plan.items}
        for kind in ("goal", "target", "objective", "outcome", "output"):
            coll = iri(self.u.part(scheme, kind))
            self.add(coll, RDF.type, SKOS.Collection)
            self.add(coll, SKOS.prefLabel, lit(f"{kind.capitalize()}s of the ITU Strategic Plan {plan.period}", lang="en"))
        parent_kind = {"target": "goal", "outcome": "objective", "output": "objective"}
        for i in plan.items:
            c = by_code[(i.kind, i.code)]
            self.add(c, RDF.type, SKOS.Concept)
            self.add(c, SKOS.inScheme, scheme)
            self.add(iri(self.u.part(scheme, i.kind)), SKOS.member, c)
            self.add(c, SKOS.notation, lit(i.code))
            label = {"goal": f"Goal {i.code}: {i.title}", "objective": f"{i.code} {i.title}"}.get(i.kind, f"{i.kind.capitalize()} {i.code}")
            self.add(c, SKOS.prefLabel, lit(label, lang="en"))
            self.add(c, SKOS.definition, lit(i.text, lang="en"))
            if i.kind in ("goal", "objective"):
                self.add(scheme, SKOS.hasTopConcept, c)
            parent = by_code.get((parent_kind.get(i.kind, ""), i.parent or ""))
            if parent is not None:
                self.add(c, SKOS.broader, parent)
            self.span(c, i.span)
            for level, codes in (("target", i.sdg_targets), ("indicator", i.sdg_indicators)):
                for code in codes:
                    e = ref.get((level, code))
                    if e is None:
                        self.findings.append(Finding("unknown-sdg", f"strategic plan goal {i.code} links SDG {level} {code}, "
                                                     "which the 2019 SDG framework does not have", code, i.span))
                    else:
                        self.add(c, SKOS.relatedMatch, iri(e.uri))

