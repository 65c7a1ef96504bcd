"""Shapes + store + results → how many identities each shape evaluated, held, and could not evaluate.

Input: the compiled shapes, the Store validated and the engine's Results (either
engine). Output: one :class:`Coverage` per shape with at least one focus node.
A shape's focus nodes are its candidate identities; its census queries
(``mkgsh:notEvaluable`` in shapes/*.ttl) name those that cannot be evaluated
because a term is missing or ambiguous, with the reason; the rest were
evaluated, and an evaluated one failed when the engine reported it. A check
that finds nothing is then told apart from a check that could not look.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.validate.engine import OxigraphEngine, Result, to_rdflib
from kg.validate.shapes import NodeShapeSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Coverage:
    """The identities one shape checked."""

    shape: URIRef
    name: str
    candidates: int  # focus nodes
    failed: int  # evaluated focus nodes with at least one result
    not_evaluable: Counter[str] = field(default_factory=Counter)  # reason → focus nodes
    identity: bool = True  # False for a shape with no census: a form or agreement check, every focus checked

    @property
    def evaluated(self) -> int:
        return self.candidates - sum(self.not_evaluable.values())

    @property
    def held(self) -> int:
        return self.evaluated - self.failed

    @property
    def unevaluated(self) -> int:
        return sum(self.not_evaluable.values())


def coverage(engine: OxigraphEngine, shapes: Iterable[NodeShapeSpec], results: Sequence[Result]) -> list[Coverage]:
    """One Coverage per shape with focus nodes, by shape name."""
    failed_by_shape: dict[URIRef, set[object]] = {}
    for r in results:
        failed_by_shape.setdefault(r.source_shape, set()).add(r.focus)
    out = []
    for shape in shapes:
        focus = {to_rdflib(n) for n in engine.focus_nodes(shape)}
        if not focus:
            continue
        failed = failed_by_shape.get(shape.node, set()) & focus
        missing = engine.not_evaluable(shape) if shape.census else {}
        both = failed & missing.keys()
        if both:
            # a census that disagrees with its constraint is a defect of the shapes file
            log.warning("%s: %d focus node(s) failed although its census says they cannot be evaluated, e.g. %s",
                        shape.name, len(both), sorted(map(str, both))[0])
            missing = {f: why for f, why in missing.items() if f not in both}
        out.append(
            Coverage(shape.node, shape.name, len(focus), len(failed), Counter(missing.values()), bool(shape.census))
        )
    return sorted(out, key=lambda c: c.name)


__all__ = ["Coverage", "coverage"]
