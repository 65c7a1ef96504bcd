"""Vocabulary loader: ontology/metrics.ttl, units.ttl and table-terms.ttl → plain Python.

Input: the Turtle files of the ontology folder. Output: frozen dataclasses
(:class:`Metric`, :class:`TableKind`, :class:`Term`) that the extraction stages
read, cached per process. rdflib is used only here, to read the files; nothing
RDF leaves this module, so the table parser stays pure.

Row labels are matched in a normalised form (:func:`norm`): lower case, ``&`` as
"and", ``%`` as "percent", footnote markers dropped, punctuation as spaces.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from kg.errors import ConfigError
from kg.resources import ontology_file

log = logging.getLogger(__name__)

_MARKERS = re.compile(r"\(\s*\d{1,2}\s*\)|\*+")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=16384)  # labels recur from table to table; bounded, as prose passes through too
def norm(text: str) -> str:
    """Normalised form of a label for matching ("Treatment & freight costs (2)" → "treatment and freight costs")."""
    text = text.lower()
    # Each step only where it can change something: most labels hold no marker, "&" or "%".
    if "(" in text or "*" in text:
        text = _MARKERS.sub(" ", text)
    if "&" in text:
        text = text.replace("&", " and ")
    if "%" in text:
        text = text.replace("%", " percent ")
    return " ".join(_WORD.findall(text))  # the runs of [a-z0-9] between everything else


def unit_key(text: str) -> str:
    """How a unit printed in a parenthetical is looked up: lower case, without the parentheses,
    blanks collapsed, a final full stop dropped ("(Oz. per  ton)" -> "oz. per ton"). Unlike
    :func:`norm` it keeps "$" and "/", so "($/oz.)" never reads as ounces."""
    return " ".join(text.lower().replace("(", " ").replace(")", " ").split()).rstrip(".")


@dataclass(frozen=True)
class Metric:
    """One metric concept: its code, unit, period kind and how to recognise its rows."""

    code: str
    label: str
    unit: str
    period_kind: str  # "duration" | "instant"
    alt_labels: frozenset[str]  # normalised
    alt_texts: frozenset[str] = frozenset()  # as written in metrics.ttl (kg/tables/labels.py reads them)
    cues: tuple[tuple[str, ...], ...] = ()  # all groups must match; a group is alternatives
    excludes: tuple[str, ...] = ()
    tables: frozenset[str] = frozenset()  # kinds of table the labels apply in; empty = all
    families: frozenset[str] = frozenset()  # normalised family-row labels for segment rows
    operational: bool = False  # measured at a mine or plant (see mkg:operational)


@dataclass(frozen=True)
class TableKind:
    code: str
    rank: int
    cues: tuple[str, ...]  # normalised caption cues
    shape: str = "periods"  # which reader reads it (kg/tables/__init__.py)
    period_kind: str = ""  # "instant" when every figure of such a table is at an instant
    scope: str = ""  # "company" when such a table reports the company as a whole (a statement)


@dataclass(frozen=True)
class Term:
    """A labelled term (segment, category, price basis) and its normalised variants."""

    code: str  # notation, or the local name of the IRI when there is none
    label: str
    variants: frozenset[str]


@dataclass(frozen=True)
class LabelTerms:
    """How row labels are compared (table-terms.ttl): word forms, abbreviations, noise and sign
    words, and the metals tables name, each keyed by its printed form in lower case (symbols such
    as "Au" and "Co" as printed, since "co" is also a word)."""

    forms: dict[str, str] = field(default_factory=dict)  # printed form -> canonical word
    abbreviations: dict[str, str] = field(default_factory=dict)  # abbreviation -> the words it stands for
    noise: frozenset[str] = frozenset()
    sign_words: frozenset[str] = frozenset()
    metals: dict[str, str] = field(default_factory=dict)  # name or name form -> canonical metal
    metal_symbols: dict[str, str] = field(default_factory=dict)  # "Au" -> "gold" (case as printed)


@dataclass(frozen=True)
class Vocabulary:
    metrics: tuple[Metric, ...]
    units: frozenset[str]
    table_kinds: tuple[TableKind, ...]
    segments: tuple[Term, ...]
    company_terms: frozenset[str]
    categories: tuple[Term, ...]
    price_bases: tuple[Term, ...]
    estimate_words: frozenset[str] = frozenset()  # column-header words of forecasts ("guidance")
    title_words: frozenset[str] = frozenset()  # words of section titles ("review", "highlights")
    # unit_key(printed form) -> unit code, from the altLabels of units.ttl ("oz per ton" -> OZ-PER-TON)
    unit_labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)
    # unit code -> QUDT quantity kind, lower case ("currency", "mass", "length", "time", "count")
    unit_dimensions: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)
    # a currency's printed form without blanks, lower case ("us$", "a$", "u.s.dollars") -> code
    currency_labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)
    label_terms: LabelTerms = field(default_factory=LabelTerms, compare=False, hash=False, repr=False)
    # Lookup tables built once with the vocabulary (hashing the whole vocabulary per lookup is slow).
    _codes: dict[str, Metric] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _labels: dict[str, tuple[Metric, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    # normalised variant -> the first segment / category that has it (tables look one up per row)
    _segment_terms: dict[str, Term] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _category_terms: dict[str, Term] = field(default_factory=dict, compare=False, hash=False, repr=False)
    # (table kind code, its cues each after a blank), by rank: padded once, not per caption
    _kind_cues: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default=(), compare=False, hash=False, repr=False
    )

    def metric(self, code: str) -> Metric | None:
        return self._codes.get(code)

    def by_label(self, label: str) -> tuple[Metric, ...]:
        """Metrics one of whose labels equals ``label`` once normalised."""
        return self._labels.get(norm(label), ())

    def segment(self, key: str) -> str:
        """The label of the segment one of whose variants is ``key`` (normalised), else ""."""
        term = self._segment_terms.get(key)
        return term.label if term else ""

    def table_kind(self, key: str) -> str:
        """The code of the first table kind (by rank) with a cue that starts a word of ``key``
        (normalised), else "". A prefix: "balance sheet" finds "balance sheets"."""
        padded = " " + key
        for code, cues in self._kind_cues:
            if any(cue in padded for cue in cues):
                return code
        return ""

    def table_shape(self, kind: str) -> str:
        """The shape that reads tables of ``kind`` ("periods" when the vocabulary says none)."""
        for k in self.table_kinds:
            if k.code == kind:
                return k.shape
        return "periods"

    def table_period_kind(self, kind: str) -> str:
        """ "instant" when every figure of a table of ``kind`` is at an instant (a balance sheet),
        else ""."""
        for k in self.table_kinds:
            if k.code == kind:
                return k.period_kind
        return ""

    def table_scope(self, kind: str) -> str:
        """ "company" when a table of ``kind`` reports the company as a whole, else ""."""
        return next((k.scope for k in self.table_kinds if k.code == kind), "")

    def category(self, key: str) -> str:
        """The code of the category one of whose variants is ``key`` (normalised), else ""."""
        term = self._category_terms.get(key)
        return term.code if term else ""


def _variant_index(terms: tuple[Term, ...]) -> dict[str, Term]:
    out: dict[str, Term] = {}
    for term in terms:
        for variant in term.variants:
            out.setdefault(variant, term)
    return out


def _label_index(metrics: tuple[Metric, ...]) -> dict[str, tuple[Metric, ...]]:
    out: dict[str, list[Metric]] = {}
    for m in metrics:
        for label in sorted(m.alt_labels | {norm(m.label)}):
            out.setdefault(label, []).append(m)
    return {k: tuple(ms) for k, ms in out.items()}


@cache
def vocabulary() -> Vocabulary:
    """Load (once per process) the metric, unit and table-term vocabularies."""
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    graphs = {}
    for name in ("metrics.ttl", "units.ttl", "table-terms.ttl"):
        path = ontology_file(name)
        try:
            graphs[name] = Graph().parse(path, format="turtle")
        except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds; report the file
            raise ConfigError(f"cannot read vocabulary {path.name}: {exc}") from exc
    # The project's namespaces come from the files' own prefixes, never typed here.
    g = graphs["metrics.ttl"]
    mkg = Namespace(dict(g.namespaces())["mkg"])
    tt = Namespace(dict(graphs["table-terms.ttl"].namespaces())["tt"])

    def text(graph: Graph, s: URIRef, p: URIRef) -> str:
        value = graph.value(s, p)
        return "" if value is None else str(value)

    metrics = []
    for s in sorted(set(g.subjects(SKOS.inScheme, None))):
        code = text(g, s, SKOS.notation)
        if not code:
            continue
        unit_iri = g.value(s, mkg.unit)
        unit_code = str(unit_iri).rsplit("/", 1)[-1] if unit_iri is not None else ""
        metrics.append(
            Metric(
                code=code,
                label=text(g, s, SKOS.prefLabel),
                unit=unit_code,
                period_kind=text(g, s, mkg.periodKind) or "duration",
                alt_labels=frozenset(norm(str(o)) for o in g.objects(s, SKOS.altLabel)),
                alt_texts=frozenset(str(o) for o in g.objects(s, SKOS.altLabel)),
                cues=tuple(
                    tuple(a.strip().lower() for a in str(o).split("|"))
                    for o in sorted(g.objects(s, mkg.contextCue))
                ),
                excludes=tuple(
                    a.strip().lower() for o in g.objects(s, mkg.contextExclude) for a in str(o).split("|")
                ),
                tables=frozenset(str(o) for o in g.objects(s, mkg.appliesInTable)),
                families=frozenset(norm(str(o)) for o in g.objects(s, mkg.segmentFamily)),
                operational=text(g, s, mkg.operational).lower() == "true",
            )
        )
    if not metrics:
        raise ConfigError(
            "ontology/metrics.ttl defines no metrics (expected skos:Concept with skos:notation)"
        )

    ug = graphs["units.ttl"]
    units = frozenset(str(o) for s in ug.subjects(SKOS.inScheme, None) for o in ug.objects(s, SKOS.notation))
    unit_labels: dict[str, str] = {}
    for s in sorted(set(ug.subjects(SKOS.altLabel, None))):
        code = text(ug, s, SKOS.notation)
        for label in sorted(str(o) for o in ug.objects(s, SKOS.altLabel)):
            key = unit_key(label)
            if unit_labels.setdefault(key, code) != code:
                raise ConfigError(f"units.ttl: the printed form {label!r} names two units")

    qudt = Namespace("http://qudt.org/schema/qudt/")
    unit_dimensions = {}
    for s in sorted(set(ug.subjects(qudt.hasQuantityKind, None))):
        kind = ug.value(s, qudt.hasQuantityKind)
        unit_dimensions[text(ug, s, SKOS.notation)] = str(kind).rsplit("/", 1)[-1].lower()
    currency_labels = {
        key.replace(" ", ""): code
        for key, code in unit_labels.items()
        if unit_dimensions.get(code) == "currency"
    }
    currency_labels.update(
        {code.lower(): code for code, kind in unit_dimensions.items() if kind == "currency"}
    )

    tg = graphs["table-terms.ttl"]
    kinds = []
    for s in tg.subjects(RDF.type, tt.TableKind):
        kinds.append(
            TableKind(
                code=text(tg, s, SKOS.notation),
                rank=int(text(tg, s, tt.rank) or 99),
                cues=tuple(sorted(norm(str(o)) for o in tg.objects(s, tt.captionCue))),
                shape=text(tg, s, tt.shape) or "periods",
                period_kind=text(tg, s, tt.periodKind) or "",
                scope=text(tg, s, tt.scope) or "",
            )
        )
    kinds.sort(key=lambda k: (k.rank, k.code))

    def terms(cls: URIRef) -> tuple[Term, ...]:
        out = []
        for s in sorted(tg.subjects(RDF.type, cls)):
            label = text(tg, s, SKOS.prefLabel) or text(tg, s, RDFS.label)
            variants = frozenset(norm(str(o)) for o in tg.objects(s, SKOS.altLabel)) | {norm(label)}
            out.append(Term(code=str(s).rsplit("#", 1)[-1], label=label, variants=variants))
        return tuple(out)

    categories = []
    for s in sorted(set(tg.subjects(SKOS.altLabel, None))):
        if not str(s).startswith(str(mkg)):
            continue
        notation = text(tg, s, SKOS.notation)
        code = notation or _category_code(str(s).rsplit("#", 1)[-1])
        variants = frozenset(norm(str(o)) for o in tg.objects(s, SKOS.altLabel))
        categories.append(Term(code=code, label=code, variants=variants))

    company = frozenset(v for t in terms(tt.CompanyTerm) for v in t.variants)
    segments = terms(tt.SegmentTerm)
    return Vocabulary(
        _codes={m.code: m for m in metrics},
        _labels=_label_index(tuple(metrics)),
        _segment_terms=_variant_index(segments),
        _category_terms=_variant_index(tuple(categories)),
        _kind_cues=tuple((k.code, tuple(" " + cue for cue in k.cues)) for k in kinds),
        metrics=tuple(metrics),
        units=units,
        table_kinds=tuple(kinds),
        segments=segments,
        company_terms=company,
        categories=tuple(categories),
        price_bases=terms(tt.PriceBasis),
        estimate_words=frozenset(v for t in terms(tt.EstimateTerm) for v in t.variants),
        title_words=frozenset(v for t in terms(tt.TitleTerm) for v in t.variants),
        unit_labels=unit_labels,
        unit_dimensions=unit_dimensions,
        currency_labels=currency_labels,
        label_terms=_label_terms(tg, tt),
    )


def _label_terms(tg, tt) -> LabelTerms:  # noqa: ANN001 - an rdflib Graph and Namespace, local to vocabulary()
    """The word forms, abbreviations, noise, sign words and metals of table-terms.ttl."""
    from rdflib.namespace import RDF, SKOS

    def each(cls):  # noqa: ANN001, ANN202
        for s in sorted(tg.subjects(RDF.type, cls)):
            pref = tg.value(s, SKOS.prefLabel)
            yield (
                (str(pref) if pref is not None else ""),
                sorted(str(o) for o in tg.objects(s, SKOS.altLabel)),
            )

    forms: dict[str, str] = {}
    for canonical, alts in each(tt.WordForm):
        for alt in alts:
            forms[alt.lower()] = canonical.lower()
    abbreviations = {alt: canonical.lower() for canonical, alts in each(tt.Abbreviation) for alt in alts}
    metals: dict[str, str] = {}
    symbols: dict[str, str] = {}
    for canonical, alts in each(tt.MetalTerm):
        metals[canonical.lower()] = canonical.lower()
        for alt in alts:
            if len(alt) <= 2 and alt[:1].isupper():  # a chemical symbol: "Au", "Co" (as printed)
                symbols[alt] = canonical.lower()
            else:
                metals[alt.lower()] = canonical.lower()
    return LabelTerms(
        forms=forms,
        abbreviations=abbreviations,
        noise=frozenset(a.lower() for _, alts in each(tt.NoiseWords) for a in alts),
        sign_words=frozenset(a.lower() for _, alts in each(tt.SignWords) for a in alts),
        metals=metals,
        metal_symbols=symbols,
    )


def _category_code(local: str) -> str:
    """mkg:ProvenProbable → "proven-probable" (the notation mining.ttl gives the category)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()


@cache
def lexicon() -> dict:
    """The word lists of ``ontology/patterns/lexicon.json`` (head words of names, descriptive
    modifiers, position titles ...), read once per process."""
    import json

    path = ontology_file("patterns") / "lexicon.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}") from exc


def metrics() -> tuple[Metric, ...]:
    """All metric concepts of ontology/metrics.ttl."""
    return vocabulary().metrics
