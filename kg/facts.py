"""The one currency between extraction and the graph: frozen dataclasses.

Input: nothing (definitions only). Output: the types every stage exchanges.
No rdflib or spaCy object ever sits in one of these; values are plain Python
(``Decimal`` for numbers, ``date`` for dates) so extraction stays pure and
picklable for process pools.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

_set_attr = object.__setattr__  # how a frozen dataclass writes its own fields

# Contract entity types (queries/entities.rq returns these names) plus Segment,
# the reporting segment a table row can be about ("Silver operations"), and DrillHole, the
# subject of drill intercepts ("CT-09-004").
ENTITY_TYPES = (
    "Company",
    "MiningUnit",
    "Mine",
    "OreBody",
    "Property",
    "Project",
    "Facility",
    "Person",
    "Organization",
    "Place",
    "Commodity",
    "Segment",
    "DrillHole",
)

RELATION_PREDICATES = (
    "holdsPosition",
    "locatedIn",
    "ownershipInterest",
    "operatedBy",
    "subsidiaryOf",
    "partOf",
    "jointVenturePartner",
    "sold",
    "soldTo",
    "acquired",
    "producedAt",
    "distanceFrom",
)

CATEGORIES = (
    "proven-probable",
    "mineralized-material",
    "other-resources",
    "proven",
    "probable",
    "measured",
    "indicated",
    "measured-indicated",
    "inferred",
)


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocumentMeta:
    """What the header of a release says about itself."""

    title: str = ""
    release_date: date | None = None
    period_end: date | None = None  # "For the Period Ended ..." when printed
    company: str = ""
    ticker: str = ""
    exhibit: str = ""
    # the names the release gives the company ("Bitterroot", "the Company")
    aliases: tuple[str, ...] = ()
    tickers: tuple[tuple[str, str], ...] = ()  # (exchange, symbol) pairs, as listed
    period_start: date | None = None  # with period_end: the period the release reports
    # (month, day) a fiscal year ends on when the release states one that is not December 31
    fiscal_year_end: tuple[int, int] | None = None
    # what the header does not say, and why ("release date: no dateline ..."): reported as problems
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One source file as text lines, with its original line numbers kept.

    ``lines[i]`` is analysis line ``i + 1``; ``source_lines[i]`` is the 1-based
    line of the source file it came from (identity for plain text, a mapping for
    HTML). ``furniture`` holds analysis line numbers of page furniture (footers,
    ``[LOGO]``, SGML markers) that analysis must skip; their text stays in
    ``lines`` so numbering never shifts.
    """

    name: str  # the file's name, e.g. 000_ab7ab8a88c10b9e9.txt (the contract's `doc`)
    id: str  # stable slug used in IRIs
    path: str
    sha256: str
    format: str  # "text" or "html"
    encoding: str
    lines: tuple[str, ...]
    source_lines: tuple[int, ...]
    furniture: frozenset[int] = frozenset()
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    # HTML: per analysis line, the (start, end, source line) column span of each table cell it
    # prints, as the cells of one row can stand on different source lines; () for text.
    cell_lines: tuple[tuple[tuple[int, int, int], ...], ...] = ()

    def source_line(self, n: int) -> int:
        """Map analysis line ``n`` (1-based) to the source file's line."""
        return self.source_lines[n - 1]

    def source_line_at(self, n: int, column: int) -> int:
        """The source line of what analysis line ``n`` prints at ``column``: the line of the
        table cell there in an HTML exhibit, else the line's own."""
        if self.cell_lines:
            for start, end, line in self.cell_lines[n - 1]:
                if start <= column < end:
                    return line
        return self.source_lines[n - 1]

    def text(self, n: int) -> str:
        """Analysis line ``n`` (1-based), empty when it is page furniture."""
        return "" if n in self.furniture else self.lines[n - 1]


@dataclass(frozen=True)
class Block:
    """A layout block: a heading, a prose paragraph or a table, with its line span."""

    kind: str  # "heading" | "prose" | "table" | "boilerplate"
    first_line: int  # analysis line numbers, inclusive
    last_line: int
    lines: tuple[str, ...]
    section: str = ""  # the capitalised section heading it sits under, if any


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class Source:
    """Provenance of one fact: document, source-file line, extractor, table."""

    doc: str  # file name
    line: int  # 1-based line of the source file
    extractor: str  # "table" | "prose" | "header"
    table: str = ""  # table id within the document (t01, t02, ...) for table facts


@dataclass(frozen=True)
class Period:
    """A duration [start, end] or, with no start, an instant at ``end``."""

    end: date
    start: date | None = None

    @property
    def is_instant(self) -> bool:
        return self.start is None


@dataclass(frozen=True)
class EntityRef:
    """An entity as named in one place, before resolution."""

    label: str
    type: str  # one of ENTITY_TYPES


@dataclass(frozen=True)
class Footnote:
    marker: str  # "1", "a", "*"
    text: str
    line: int  # source line where the footnote text starts


@dataclass(frozen=True, init=False)  # __init__ below: a corpus builds tens of thousands
class Observation:
    """One printed number: subject, metric, period, value in base units, provenance.

    ``decimals`` is the printed precision expressed in base units, as in XBRL:
    ``70,272`` in thousands of dollars has decimals -3, ``0.17`` has 2, prose
    "2.9 million" has -5. The printed value stands for ``value ± 0.5·10^-decimals``.
    """

    subject: EntityRef
    metric: str  # skos:notation of the metric (contract codes, or a minted one)
    period: Period | None  # None where no period applies (a drill intercept)
    value: Decimal
    unit: str  # unit code from metrics.csv (USD, OZ, TON, USD-PER-OZ, ...)
    decimals: int
    source: Source
    printed: str = ""  # the token as printed, e.g. "(3.70)"
    label: str = ""  # the row label as printed (wrapped lines joined)
    category: str = ""  # reserve/resource category or ""
    column: str = ""  # the column header as printed, joined
    footnotes: tuple[Footnote, ...] = ()
    estimate: bool = False  # guidance / forecast, not a result
    basis: str = ""  # price basis ("London Fix", "Handy & Harman") or calculation basis
    share: Decimal | None = None  # the ownership share the row reflects (0.2973), when stated
    mapped: bool = True  # False when the metric was minted from an unknown row label
    # The row an interval's figures share (a drill intercept: from, to, length, grades), and the
    # row of the interval it lies within ("including" a higher-grade part); "" for other rows.
    interval: str = ""
    within: str = ""
    unit_guessed: bool = False  # True when no label, header or caption printed the unit
    # A prose figure stated as a bound: "lower" ("more than 3 million ounces": at least that),
    # "upper" ("nearly 12,000 ounces"); "" for a figure good to its decimals either way.
    bound: str = ""
    minted_from: str = ""  # for a minted metric, the row label or column header it was minted from
    # The line item, where one table prints two rows of the same subject, metric and period (DD&A
    # in cost of sales and again under "Other operating expenses:"; an "Other (6 properties)" row
    # above the total): the row's family and label as printed. "" for a row its table prints once.
    context: str = ""
    # The family row the printed line stands under ("Other operating expenses:"), None at a
    # statement's top level and for prose: two line items of one metric stay two facts.
    family: str | None = None

    def __init__(
        self,
        subject: EntityRef,
        metric: str,
        period: Period | None,
        value: Decimal,
        unit: str,
        decimals: int,
        source: Source,
        printed: str = "",
        label: str = "",
        category: str = "",
        column: str = "",
        footnotes: tuple[Footnote, ...] = (),
        estimate: bool = False,
        basis: str = "",
        share: Decimal | None = None,
        mapped: bool = True,
        interval: str = "",
        within: str = "",
        unit_guessed: bool = False,
        bound: str = "",
        minted_from: str = "",
        context: str = "",
        family: str | None = None,
    ) -> None:
        # One write of the instance dict instead of the generated frozen __init__'s sixteen
        # object.__setattr__ calls: half the cost, and the table stage makes one per printed number.
        # tests/test_facts.py checks this signature against the fields above.
        _set_attr(
            self,
            "__dict__",
            {
                "subject": subject,
                "metric": metric,
                "period": period,
                "value": value,
                "unit": unit,
                "decimals": decimals,
                "source": source,
                "printed": printed,
                "label": label,
                "category": category,
                "column": column,
                "footnotes": footnotes,
                "estimate": estimate,
                "basis": basis,
                "share": share,
                "mapped": mapped,
                "interval": interval,
                "within": within,
                "unit_guessed": unit_guessed,
                "bound": bound,
                "minted_from": minted_from,
                "context": context,
                "family": family,
            },
        )


@dataclass(frozen=True)
class Mention:
    """An entity named in a document at a line."""

    doc: str
    line: int
    entity: EntityRef
    text: str  # the surface form as written


@dataclass(frozen=True)
class Relation:
    """A stated relation between two entities (or an entity and a value)."""

    subject: EntityRef
    predicate: str  # one of RELATION_PREDICATES
    object: EntityRef | None
    source: Source
    value: str = ""  # organisation for holdsPosition, percent, price, distance
    value_decimals: int | None = None
    date: date | None = None
    text: str = ""  # the sentence (or clause) it was read from
    date_precision: str = "day"  # "month" or "year" when the text names no day ("In April 2007")
    # what kind of relation of its predicate: an ownershipInterest's "equity", "royalty", "option"
    # or "earn-in"; a holdsPosition's "former" (who retired, was succeeded); "royalty" on acquired,
    # sold and soldTo when what changed hands is a royalty on the site, not the site; "" when not stated
    kind: str = ""


@dataclass(frozen=True)
class UnreadNumber:
    """A number a table prints that became no observation, and why."""

    line: int  # source line it is printed on
    printed: str  # as printed, e.g. "(5)"
    reason: str  # "its column has no period (header 'Change %')", ...


@dataclass(frozen=True)
class TableInfo:
    """A parsed table's identity and shape, for provenance and reports."""

    id: str
    kind: str  # highlights, operations, balance-sheet, cash-flows, production, reconciliation, reserves, ...
    caption: str
    first_line: int  # source lines
    last_line: int
    scale: str = ""  # the caption's scale line as printed
    numbers: int = 0  # numbers printed in its cells ("n/a" and "-" are none)
    unread: tuple[UnreadNumber, ...] = ()  # those that became no observation


@dataclass(frozen=True)
class Problem:
    """Something a person should know about a document: skipped table, unmapped label, ..."""

    doc: str
    line: int
    message: str
    severity: str = "warning"  # "error" | "warning" | "info"

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}: {self.severity}: {self.message}" if self.line else f"{self.doc}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class DocumentFacts:
    """Everything extracted from one document: the unit of work of a build."""

    doc: str
    doc_id: str
    meta: DocumentMeta
    sha256: str = ""
    observations: tuple[Observation, ...] = ()
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    tables: tuple[TableInfo, ...] = ()
    problems: tuple[Problem, ...] = ()


# ---------------------------------------------------------------- resolution


def slugify(text: str) -> str:
    """A stable IRI-safe slug: ASCII, lower case, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def entity_key(type_: str, label: str) -> str:
    """The resolution key (and IRI tail) of an entity: ``{type-lowercase}/{slug}``."""
    return f"{type_.lower()}/{slugify(label)}"


@dataclass(frozen=True)
class ResolvedEntity:
    """One real thing across all documents: a stable key, its canonical label and aliases."""

    key: str  # stable slug, e.g. "miningunit/lucky-friday-unit"; the graph mints the IRI from it
    label: str
    type: str  # one of ENTITY_TYPES, or "Position" for a post's title
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolution: every EntityRef seen, mapped to a ResolvedEntity key."""

    entities: tuple[ResolvedEntity, ...]
    index: dict[EntityRef, str]  # EntityRef → ResolvedEntity.key
    # A reference that means another entity in one document only: a table's section heading
    # ("YARRABEE (100%)") joined to the site the same release's prose names ("Yarrabee mine").
    # (document file name, EntityRef) → ResolvedEntity.key; consulted before ``index``.
    by_doc: dict[tuple[str, EntityRef], str] = field(default_factory=dict)

    def key(self, ref: EntityRef, doc: str = "") -> str:
        """The resolved key of ``ref`` as document ``doc`` uses it."""
        return self.by_doc.get((doc, ref)) or self.index[ref]

    def lookup(self, ref: EntityRef, doc: str = "") -> ResolvedEntity:
        key = self.key(ref, doc)
        return self._by_key()[key]

    def _by_key(self) -> dict[str, ResolvedEntity]:
        cached = self.__dict__.get("_cache")
        if cached is None:
            cached = {e.key: e for e in self.entities}
            object.__setattr__(self, "_cache", cached)
        return cached


# ---------------------------------------------------------------- facts and their printings


@dataclass(frozen=True)
class ResolvedFact:
    """One reported fact: what is measured, of what, when, in which basis, with one value.

    Every printed number (an :class:`Observation`: a table cell, a prose figure, the same figure in
    a later release) is a printing of exactly one fact. ``value`` and ``decimals`` are those of the
    printing chosen to stand for it (see :func:`kg.resolve.resolve_facts`).
    """

    key: str  # stable digest of the fields below; the graph mints the fact's IRI from it
    subject: str  # ResolvedEntity.key
    metric: str
    period: Period | None
    interval: str  # "doc_id/interval key" for a drill interval's figure, else ""
    category: str  # "" when none applies
    share: Decimal | None
    basis: str  # price basis as printed, "" when none
    estimate: bool
    unit: str
    context: str  # the family row the line items stand under, "" at top level
    value: Decimal
    decimals: int
    bound: str
    printings: tuple[tuple[str, int], ...]  # (document file name, index in its observations)


@dataclass(frozen=True)
class FactIndex:
    """The outcome of fact resolution: the facts and, per printing, the key of its fact."""

    facts: tuple[ResolvedFact, ...]
    of: dict[tuple[str, int], str]  # (document file name, observation index) → ResolvedFact.key
