"""Row labels → metrics: a read label (:mod:`kg.tables.labels`) compared with the vocabulary.

Input: a :class:`kg.tables.labels.Label`, the kind of table it stands in and its context
(family row, the metals its section, caption and release name). Output: the
:class:`kg.vocab.Metric` it names, or None.

Every altLabel of ``ontology/metrics.ttl`` is read by the same normaliser as row labels and
indexed by its words; a label names a metric when their words are equal, no near miss. A unit
the label prints must fit the metric's dimension; a metric whose labels mean it only in this
kind of table wins over a general one; context cues and exclusions of the vocabulary choose
among the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from kg.tables.labels import BASIS_100, Label, read_label
from kg.tables.units import compatible
from kg.vocab import Metric, vocabulary


@cache
def metric_index() -> dict[frozenset[str], tuple[Metric, ...]]:
    """Each metric under the words of its prefLabel and every altLabel."""
    out: dict[frozenset[str], list[Metric]] = {}
    for metric in vocabulary().metrics:
        for text in sorted(metric.alt_texts | {metric.label}):
            label = read_label(text)
            keys = {label.words}
            if label.per and label.per not in label.words:
                keys.add(label.words | {label.per})
            for key in keys:
                bucket = out.setdefault(key, [])
                if metric not in bucket:
                    bucket.append(metric)
    return {k: tuple(v) for k, v in out.items()}


@dataclass
class MatchContext:
    """What a row's context says: the kind of table, its family row, and the metals the context
    names (family row, section, caption, the release), nearest first."""

    kind: str
    family: str = ""
    metals: Callable[[], Sequence[str]] = tuple


@lru_cache(maxsize=16384)
def _candidates(label: Label) -> list[tuple[frozenset[str], tuple[Metric, ...]]]:
    return candidates(label)


def candidates(label: Label) -> list[tuple[frozenset[str], tuple[Metric, ...]]]:
    """The metrics a label's words name, most specific reading first."""
    index = metric_index()
    keys: list[frozenset[str]] = []
    readings = [label.words, label.core]
    if BASIS_100 in label.words:
        readings += [label.words - {BASIS_100}, label.core - {BASIS_100}]
    for words in readings:
        if label.per and label.per not in words:
            keys.append(words | {label.per})
        keys.append(words)
    out = []
    for key in dict.fromkeys(keys):
        found = index.get(key)
        if found:
            out.append((key, found))
    return out


def match(label: Label, ctx: MatchContext, allow: Callable[[Metric], bool]) -> Metric | None:
    """The metric ``label`` names in ``ctx``: its own words first, then with the metal of its
    context when it names none ("Head grade (g/t)" under a gold mine), then joined with its
    family row ("Average realized price -" over "Palladium ($/oz)"). Metrics whose labels mean
    them only in this kind of table are tried before the others, whichever reading finds them
    ("Grade (g/t)" in a reserves table is a reserve grade before it is a head grade)."""
    if not _kind_specific(ctx.kind):
        return _match(label, ctx, allow)  # no metric is this kind's own: one pass
    specific = _match(label, ctx, lambda m: bool(m.tables) and ctx.kind in m.tables and allow(m))
    return specific if specific is not None else _match(label, ctx, allow)


@lru_cache(maxsize=64)
def _kind_specific(kind: str) -> bool:
    """Whether some metric's labels mean it only in tables of ``kind``."""
    return any(kind in m.tables for m in vocabulary().metrics)


def _match(label: Label, ctx: MatchContext, allow: Callable[[Metric], bool]) -> Metric | None:
    found = _pick(label, _candidates(label), ctx, allow)
    if found is not None:
        return found
    if not label.metals:
        for metal in ctx.metals():
            with_metal = Label(
                label.text,
                label.words | {metal},
                label.core | {metal},
                (metal,),
                label.unit,
                label.per,
                label.percents,
                label.basis,
            )
            found = _pick(with_metal, _candidates(with_metal), ctx, allow)
            if found is not None:
                return found
    if ctx.family:
        family = read_label(ctx.family.rstrip(":- "))
        joined = Label(
            label.text,
            label.words | family.words,
            label.core | family.core,
            label.metals or family.metals,
            label.unit or family.unit,
            label.per or family.per,
            label.percents,
            label.basis,
        )
        found = _pick(joined, _candidates(joined), ctx, allow)
        if found is not None:
            return found
    return None


def _pick(
    label: Label,
    found: list[tuple[frozenset[str], tuple[Metric, ...]]],
    ctx: MatchContext,
    allow: Callable[[Metric], bool],
) -> Metric | None:
    for _key, metrics in found:
        usable = [
            m
            for m in metrics
            if allow(m)
            and (not m.tables or ctx.kind in m.tables)
            and (label.unit is None or not label.unit.code or compatible(label.unit.code, m.unit))
            and not _metal_unit_for_ore(label, m)
        ]
        if not usable:
            continue
        # a metric whose labels mean it only in this kind of table before one meant anywhere
        # ("Gold (ounces)" in a reserves table is contained gold, not gold produced)
        specific = [m for m in usable if m.tables]
        if specific:
            usable = specific
        if len(usable) == 1 and not usable[0].cues and not usable[0].excludes:
            return usable[0]
        local = f"{label.text} {ctx.family}".lower()
        metals = " ".join(label.metals) or " ".join(ctx.metals()[:1])
        # the rate a label states in any form ("per silver ounce", "($/oz)") is a cue as printed
        rate = {"per-oz": " per ounce", "per-lb": " per pound", "per-ton": " per ton"}.get(label.per, "")
        # with the label's normalised words: "GEO" reads as "gold equivalent ounce"
        cue_text = f"{local} {metals}{rate} {' '.join(sorted(label.words))}"
        scored = []
        for m in usable:
            if m.excludes and any(x in local for x in m.excludes):
                continue
            if m.cues and not all(any(alt in cue_text for alt in group) for group in m.cues):
                continue
            scored.append((len(m.cues), m.code, m))
        if scored:
            scored.sort(key=lambda t: (-t[0], t[1]))
            return scored[0][2]
    return None


def _metal_unit_for_ore(label: Label, metric: Metric) -> bool:
    """A label in ounces or pounds that names no metal ("Moz", "(000 lbs)") against a tonnage
    metric: ounces and pounds weigh metal, never ore."""
    return (
        label.unit is not None
        and label.unit.code in ("OZ", "LB")
        and not label.metals
        and metric.unit in ("TON", "TONNE")
    )


def ambiguous_keys() -> dict[frozenset[str], tuple[str, ...]]:
    """Label words that name two metrics which nothing tells apart: no context cue, no unit (of
    different dimensions), and the kinds of table they apply in, both every kind or one in
    common (a metric of one kind of table wins over a general one there). A vocabulary defect;
    tests/test_labels.py keeps the vocabulary free of them."""
    out = {}
    for key, metrics in metric_index().items():
        plain = [m for m in metrics if not m.cues and not m.excludes]
        clashing: set[str] = set()
        for i, m in enumerate(plain):
            for n in plain[i + 1 :]:
                same_tables = (not m.tables and not n.tables) or bool(m.tables & n.tables)
                if same_tables and compatible(m.unit, n.unit):
                    clashing.update((m.code, n.code))
        if clashing:
            out[key] = tuple(sorted(clashing))
    return out
