"""Validation results → the sh:ValidationReport graph, findings and the readable text.

Input: a list of engine Results (either engine), the shapes graph (for rule
titles), a ``cite`` function giving a focus node's ``FILE:LINE`` and each
shape's Coverage. Output: a :class:`ValidationResult` whose ``text`` groups
findings by severity then rule, one self-contained line each, then says per
shape how many identities were evaluated, held and could not be evaluated (and
why), and ends with a summary line of counts per severity; and whose ``graph``
is the sh:ValidationReport (serialised deterministically), carrying the same
counts per shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.graph.namespace import KGID, SHAPES
from kg.validate.coverage import Coverage
from kg.validate.engine import Result
from kg.validate.shapes import local_name

SEVERITIES = (SH.Violation, SH.Warning, SH.Info)
_TITLE = {SH.Violation: "Violations", SH.Warning: "Warnings", SH.Info: "Info"}
CITATION = re.compile(r"[\w.\-]+\.(?:txt|html?):\d+")


@dataclass(frozen=True)
class Finding:
    """One finding, readable on its own."""

    severity: str  # "Violation" | "Warning" | "Info"
    rule: str  # the source shape's name, e.g. SegmentSumShape
    message: str
    focus: str  # the focus node's IRI
    sources: tuple[str, ...]  # every number involved, as FILE:LINE

    @property
    def line(self) -> str:
        text = self.message
        if self.sources and not CITATION.search(text):
            text += " at " + ", ".join(self.sources)
        elif not self.sources:
            text += f" [{self.focus}]"
        return text


@dataclass
class ValidationResult:
    """What ``validate_dir`` returns: conforms means no sh:Violation (warnings and notes allowed)."""

    conforms: bool
    text: str
    findings: list[Finding] = field(default_factory=list)
    graph: Graph | None = None
    engine: str = ""
    coverage: list[Coverage] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def coverage_of(self, rule: str) -> Coverage | None:
        return next((c for c in self.coverage if c.name == rule), None)


def _sort_key(r: Result) -> tuple:
    return (
        SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9,
        local_name(r.source_shape),
        r.message,
        str(r.focus),
        str(r.value),
    )


def _ordered(sources: tuple[str, ...]) -> tuple[str, ...]:
    """The focus's own source first, the others by file and line: SPARQL's GROUP_CONCAT has no
    order, so without this two engines (or two versions of one) cite the same numbers differently."""
    if len(sources) < 3:
        return sources

    def key(citation: str) -> tuple[str, int]:
        name, _, line = citation.rpartition(":")
        return name, int(line)

    return (sources[0], *sorted(sources[1:], key=key))


def build_report(
    results: Sequence[Result],
    shapes: Graph,
    cite: Callable[[object], tuple[str, ...]],
    engine: str,
    coverage: Sequence[Coverage] = (),
) -> ValidationResult:
    results = sorted(set(results), key=_sort_key)
    findings = []
    seen: set[tuple[str, str]] = set()
    for r in results:
        # several focus nodes can tell the same story (one row printed in four columns, a
        # repeated reconciliation line): the text says it once, the report graph keeps all
        if (str(r.source_shape), r.message) in seen:
            continue
        seen.add((str(r.source_shape), r.message))
        sources = _ordered(tuple(dict.fromkeys(CITATION.findall(r.message))) or cite(r.focus))
        findings.append(
            Finding(local_name(r.severity), local_name(r.source_shape), r.message, str(r.focus), sources)
        )
    graph = report_graph(results, coverage)
    conforms = not any(r.severity == SH.Violation for r in results)
    text = render_text(findings, shapes, engine, coverage)
    return ValidationResult(conforms, text, findings, graph, engine, list(coverage))


def report_graph(results: Sequence[Result], coverage: Sequence[Coverage] = ()) -> Graph:
    """The sh:ValidationReport, with blank-node ids fixed by sort order so output is byte-stable."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("mkgsh", SHAPES)
    g.bind("kgid", KGID)
    report = BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not results)))
    for i, r in enumerate(results):
        node = BNode(f"r{i:06d}")
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, r.focus))
        g.add((node, SH.resultSeverity, r.severity))
        g.add((node, SH.resultMessage, Literal(r.message)))
        g.add((node, SH.sourceShape, r.source_shape))
        g.add((node, SH.sourceConstraintComponent, r.component))
        if r.path is not None:
            g.add((node, SH.resultPath, r.path))
        if r.value is not None:
            g.add((node, SH.value, r.value))
        if isinstance(r.source_constraint, URIRef):
            g.add((node, SH.sourceConstraint, r.source_constraint))
    # not SHACL: how many identities each shape evaluated, held and could not evaluate (and why)
    for i, c in enumerate(coverage):
        node = BNode(f"c{i:04d}")
        g.add((report, SHAPES.coverage, node))
        g.add((node, SH.sourceShape, c.shape))
        g.add((node, SHAPES.candidates, Literal(c.candidates)))
        g.add((node, SHAPES.evaluated, Literal(c.evaluated)))
        g.add((node, SHAPES.held, Literal(c.held)))
        g.add((node, SHAPES.failed, Literal(c.failed)))
        g.add((node, SHAPES.notEvaluated, Literal(c.unevaluated)))
        g.add((node, SHAPES.identity, Literal(c.identity)))
        for j, (why, n) in enumerate(sorted(c.not_evaluable.items())):
            reason = BNode(f"c{i:04d}r{j:02d}")
            g.add((node, SHAPES.reason, reason))
            g.add((reason, RDFS.label, Literal(why)))
            g.add((reason, SHAPES["count"], Literal(n)))
    return g


def render_coverage(coverage: Sequence[Coverage]) -> list[str]:
    """Per identity shape: identities evaluated (held, failed) and not evaluable, with the reasons, most
    frequent first; per other shape (form, agreement across tables and releases): figures checked."""
    if not coverage:
        return []
    identities = [c for c in coverage if c.identity]
    evaluated = sum(c.evaluated for c in identities)
    held = sum(c.held for c in identities)
    missing = sum(c.unevaluated for c in identities)
    lines = [f"Identities: {evaluated} evaluated ({held} held, {evaluated - held} failed), {missing} not evaluable"]
    for c in identities:
        line = f"  {c.name}: {c.evaluated} evaluated, {c.held} held"
        if c.failed:
            line += f", {c.failed} failed"
        if c.unevaluated:
            reasons = sorted(c.not_evaluable.items(), key=lambda kv: (-kv[1], kv[0]))
            line += f"; {c.unevaluated} not evaluable (" + "; ".join(f"{n}: {why}" for why, n in reasons) + ")"
        lines.append(line)
    others = [c for c in coverage if not c.identity]
    if others:
        lines.append("Other checks (structure, agreement between printings): " + ", ".join(
            f"{c.name} {c.candidates}" + (f" ({c.failed} failed)" if c.failed else "") for c in others
        ))
    return [*lines, ""]


def render_text(findings: Sequence[Finding], shapes: Graph, engine: str, coverage: Sequence[Coverage] = ()) -> str:
    lines: list[str] = []
    for severity in SEVERITIES:
        name = local_name(severity)
        group = [f for f in findings if f.severity == name]
        if not group:
            continue
        lines.append(f"{_TITLE[severity]} ({len(group)})")
        for rule in sorted({f.rule for f in group}):
            in_rule = [f for f in group if f.rule == rule]
            title = shapes.value(URIRef("https://w3id.org/mining-kg/shapes#" + rule), RDFS.label)
            lines.append(f"  {rule}" + (f": {title}" if title else "") + f" ({len(in_rule)})")
            lines.extend(f"    {f.line}" for f in in_rule)
        lines.append("")
    lines.extend(render_coverage(coverage))
    counts = ", ".join(
        f"{sum(1 for f in findings if f.severity == local_name(s))} {_TITLE[s].lower()}" for s in SEVERITIES
    )
    verdict = "no sh:Violation" if not any(f.severity == "Violation" for f in findings) else "FAILED"
    lines.append(f"validation ({engine}): {counts}; {verdict}")
    return "\n".join(lines) + "\n"


def results_from_graph(report: Graph) -> list[Result]:
    """Read Results back from any sh:ValidationReport graph (pySHACL's, or ours)."""
    out = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        # pySHACL writes the shape's generic message beside the constraint's filled-in
        # template; the filled-in one (with its FILE:LINE citations) is the longest
        messages = sorted(
            (str(m) for m in report.objects(node, SH.resultMessage)), key=lambda m: (-len(m), m)
        )
        message = messages[0] if messages else None
        out.append(
            Result(
                focus=report.value(node, SH.focusNode),
                severity=report.value(node, SH.resultSeverity),
                message=str(message) if message is not None else "",
                source_shape=report.value(node, SH.sourceShape),
                component=report.value(node, SH.sourceConstraintComponent),
                path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
                source_constraint=report.value(node, SH.sourceConstraint),
            )
        )
    return out


__all__ = ["Finding", "ValidationResult", "build_report", "render_coverage", "report_graph", "results_from_graph"]
