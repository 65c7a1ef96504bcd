"""Grid → observations: rows read in context (subject, family, category) and mapped to metrics.

Input: one table block of a Document, parsed into a :class:`kg.tables.grid.Grid`,
and the document-wide state (:class:`DocState`). Output: observations, the
table's :class:`kg.facts.TableInfo` and problems.

Rows are read top to bottom with a small context:

- a *section row* in capitals sets the subject: a mining unit ("LUCKY FRIDAY
  UNIT", "GREENS CREEK UNIT (Reflects Hecla's 29.73% share)" → share 0.2973), a
  segment ("GOLD OPERATIONS"), the company ("... ALL OPERATIONS") or nothing in
  particular ("FINANCIAL DATA");
- a *family row* ("Average cost per ounce of silver produced (1):", "Sales:")
  gives the rows below it their family: which metal a cost is for, or which
  metric a row naming a segment reports;
- a *category row* ("Proven and Probable") sets the reserve category.

Wrapped labels are joined with the line that carries the numbers; a row label
matches a metric through the altLabels of ontology/metrics.ttl, checked against
the concept's context cues. Labels that match nothing still give observations,
under a metric code minted from the label (``x-...``, ``mapped=False``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, lru_cache

from kg.facts import Document, EntityRef, Footnote, Observation, Period, Problem, Source, TableInfo
from kg.tables.grid import BLANK, DATA, RULE, TEXT, Grid, Line, SubTable, assign
from kg.tables.numbers import NA, NUMBER, ZERO, Cell, glued_marker
from kg.tables.periods import ColumnHeader, as_of_date, column_headers, parse_date, period_for, phrase_months
from kg.vocab import Metric, Vocabulary, norm, unit_key

log = logging.getLogger(__name__)

_MARKER = re.compile(r"\(\s*(\d{1,2})\s*\)|(\*+)")
_SHARE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_PAREN = re.compile(r"\([^()]*\)?")
_SCALE = re.compile(
    r"\(?\s*((?:dollars|shares|ounces|tons)(?:\s*(?:,|and)\s*(?:dollars|shares|ounces|tons))*)\s+in\s+(thousands|millions)",
    re.I,
)
_SCALE_OF_DOLLARS = re.compile(r"\bin\s+(thousands|millions)\s+of\s+(?:U\.?S\.?\s*)?(?:dollars|\$)", re.I)
_DOLLAR_THOUSANDS = re.compile(r"\(\s*(?:US)?\$\s*0{3}'?s?\s*(?:omitted)?\s*\)|\b0{3}'s\s+omitted\b", re.I)
_BARE_SCALE = re.compile(r"\(\s*in\s+(thousands|millions)\b(?!\s+of\b)", re.I)
_EXCEPT_SHARES = re.compile(r"\bexcept\s+(?:for\s+)?(?:number\s+of\s+)?shares?\b", re.I)
_SHARE_COUNT = re.compile(r"\b(?:number\s+of|weighted\s+average)\b.*\bshares\b|\bshares\s+outstanding\b")
_SCALE_WORD_UNIT = {"dollars": "USD", "shares": "SHARES", "ounces": "OZ", "tons": "TON"}
_ROW_SCALE = re.compile(r"\(\s*in\s+(thousands|millions)\s*\)?|\bin\s+(thousands|millions)\)", re.I)
# Scale printed with the unit in a row label: "(000 tonnes)", "('000 oz)", "($000)", "(thousands of ounces)".
_ROW_SCALE_UNIT = re.compile(
    r"\(\s*(?:US)?\$?\s*(?P<k>'?000'?s?)(?:\s+(?P<u1>[\w./ ]+?))?\s*\)|\(\s*(?P<w>thousands|millions)\s+of\s+(?P<u2>[\w./ ]+?)\s*\)",
    re.I,
)
# Unit parentheticals of row labels: "($/oz.)", "(oz./ton)", "(cents/pound)", "(tons)", "(in thousands)".
_UNIT_PAREN = re.compile(
    r"\(\s*(?:US)?\$?\s*'?000'?s?(?:\s+[\w./ ]+?)?\s*\)|\(\s*(?:thousands|millions)\s+of\s+[\w./ ]+?\s*\)|"
    r"\(\s*(?:[$\w.]*/[\w.]+|oz\.?|ounces|tons?|in\s+thousands|in\s+millions|%|[$]|cents)\s*\)?|\bin\s+thousands\)",
    re.I,
)
_COUNTRY_TAIL = re.compile(r",\s*[A-Z][A-Za-z .]*$")
_UNIT_WORDS = re.compile(r"\b(?:unit|mine|mines|project|property|properties|division|complex)\b", re.I)
_FINANCIAL_KINDS = {
    "highlights",
    "operations",
    "balance-sheet",
    "cash-flows",
    "reconciliation",
    "capital-additions",
}


# one column as a row's numbers take it: its period (None when it has none), header text, forecast flag
_Column = tuple[Period | None, str, bool]
# per column: as the header prints it, as the instant at its end, as the period of a flow metric
_ColumnInfo = tuple[list[_Column], list[_Column], list[_Column]]


@dataclass
class DocState:
    """What one table passes to the next within a document."""

    doc: Document
    vocab: Vocabulary
    company: EntityRef
    default_scale: dict[str, int]
    last_headers: list[ColumnHeader] = field(default_factory=list)
    last_kind: str = ""
    reserves_date: date | None = None
    metal_of: dict[str, str] = field(default_factory=dict)  # subject label -> metal its unit costs are for
    metals: tuple[str, ...] = ()  # the metals unit costs are told apart by (set by the first table)
    # (table kind, row label) -> the metrics its unit-free form names there (labels repeat from
    # table to table)
    label_metrics: dict[tuple[str, str], list[Metric]] = field(default_factory=dict)
    caption_scales: dict[str, dict[str, int]] = field(default_factory=dict)  # caption -> caption_scale()


@dataclass
class _Context:
    subject: EntityRef
    share: Decimal | None = None
    section: str = ""  # section row as printed
    section_labels: list[str] = field(default_factory=list)
    family: str = ""  # family row as printed
    family_indent: int = -1
    family_rows: int = 0  # data rows read since the family row
    category: str = ""


@dataclass
class TableResult:
    observations: list[Observation]
    info: TableInfo
    problems: list[Problem]


def document_scales(scales: Iterable[dict[str, int]]) -> dict[str, int]:
    """The scale a release states for money and shares in any table caption (``scales``: their
    :func:`caption_scale`): a release keeps one convention, so a table that prints no scale
    line (production data) follows it."""
    out: dict[str, int] = {}
    for scale in scales:
        for unit, factor in scale.items():
            if unit in ("USD", "SHARES"):
                out.setdefault(unit, factor)
    return out


def caption_scale(text: str) -> dict[str, int]:
    """Unit code → factor from "(dollars and shares in thousands, ...)"."""
    out: dict[str, int] = {}
    joined = " ".join(text.split())
    if not _may_state_scale(joined):
        return out  # most captions: a title and a date
    for m in _SCALE.finditer(joined):
        factor = _scale_factor(m.group(2))
        for word in re.findall(r"dollars|shares|ounces|tons", m.group(1), re.I):
            out[_SCALE_WORD_UNIT[word.casefold()]] = factor  # casefold: re.I lets "ſ" stand for "s"
    # Other ways of saying it: "(in thousands of U.S. dollars)", "($000)", "(US$ 000's)".
    m = _SCALE_OF_DOLLARS.search(joined)
    if m:
        out.setdefault("USD", _scale_factor(m.group(1)))
    if _DOLLAR_THOUSANDS.search(joined):
        out.setdefault("USD", 1000)
    m = _BARE_SCALE.search(joined)
    if m and not out:
        # "(In thousands, except per share amounts)": a statement's money, and its share counts
        # unless they are excepted too ("except share and per share amounts")
        factor = _scale_factor(m.group(1))
        out["USD"] = factor
        if not _EXCEPT_SHARES.search(joined):
            out["SHARES"] = factor
    return out


def _scale_factor(word: str) -> int:
    """The factor of a scale word the patterns matched ("thousands" or "millions", any case).
    Told by its first letter, not looked up as spelled: re.I also lets "ſ" stand for "s", so
    "thouſands" matches and is no key of any table."""
    return 1000 if word[:1].lower() == "t" else 1_000_000


def _may_state_scale(text: str) -> bool:
    """Whether ``text`` can hold a scale phrase: each names thousands or millions, or prints 000.
    Non-ASCII text always can, as re.I also matches "ſ" for "s" and "ı" for "i"."""
    if not text.isascii():
        return True
    low = text.lower()
    return "thousands" in low or "millions" in low or "000" in text


def table_kind(vocab: Vocabulary, text: str) -> str:
    return vocab.table_kind(norm(text))


def title_name(text: str) -> str:
    """A capitalised section name as a label: "LUCKY FRIDAY UNIT" → "Lucky Friday Unit"."""
    words = text.split()
    out = []
    for w in words:
        if w.isupper() and len(w) > 1:
            w = w.capitalize()
        out.append(w)
    return " ".join(out)


@lru_cache(maxsize=8192)  # row labels repeat from table to table and release to release
def _without_units(label: str) -> str:
    """A row label without footnote markers and unit parentheticals, as metric labels are written."""
    label = _strip_markers(label)
    # every unit parenthetical has a parenthesis; most labels have none
    return _UNIT_PAREN.sub(" ", label) if "(" in label or ")" in label else label


@lru_cache(maxsize=8192)
def _strip_markers(text: str) -> str:
    if "(" in text or "*" in text:  # most labels have no marker
        text = _MARKER.sub(" ", text)
    return " ".join(text.split())


def _markers(text: str) -> list[str]:
    if "(" not in text and "*" not in text:
        return []
    return [m.group(1) or m.group(2) for m in _MARKER.finditer(text)]


def _is_caps(text: str) -> bool:
    bare = _PAREN.sub("", text)
    if bare.isascii():
        return bare.isupper()  # the same test where every letter is cased, without a loop
    letters = [c for c in bare if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _share(text: str) -> Decimal | None:
    for paren in _PAREN.findall(text):
        m = _SHARE.search(paren)
        if m:
            return Decimal(m.group(1)) / 100
    return None


@lru_cache(maxsize=8192)
def entity_name(label: str) -> tuple[str, Decimal | None]:
    """A row or section label naming a unit → (name, share): "Greens Creek (29.73%), USA(5)" →
    ("Greens Creek", 0.2973). Parentheticals, markers and a trailing country go."""
    share = _share(label)
    name = _PAREN.sub(" ", label)
    name = " ".join(name.replace("*", " ").split()).strip(" ,;:-")
    name = _COUNTRY_TAIL.sub("", name).strip(" ,")
    return name, share


class TableReader:
    """Reads one grid into observations."""

    def __init__(self, state: DocState, grid: Grid, table_id: str, first_line: int, last_line: int) -> None:
        self.state = state
        self.doc = state.doc
        self.vocab = state.vocab
        self.grid = grid
        self.table_id = table_id
        self.first_line = first_line
        self.last_line = last_line
        self.caption = " ".join(ln.stripped for ln in grid.caption)
        header_text = " ".join(ln.stripped for part in grid.parts for ln in part.header)
        self.kind = table_kind(self.vocab, self.caption + " " + header_text)
        if not self.kind and not grid.caption and not any(p.header for p in grid.parts):
            # A headerless table under a footnote reconciles a figure of the table above (non-GAAP).
            self.kind = "reconciliation"
        if self.caption not in state.caption_scales:
            state.caption_scales[self.caption] = caption_scale(self.caption)
        self.scale = state.caption_scales[self.caption]
        self.observations: list[Observation] = []
        self.problems: list[Problem] = []
        self.footnotes: dict[str, Footnote] = {}
        self.unmapped: dict[str, int] = {}
        self._estimates: dict[str, bool] = {}
        if not state.metals:
            # The metals whose costs are told apart by context: single-word cues of the metric
            # vocabulary (worked out once per document, not per table).
            state.metals = tuple(sorted({g[0] for m in self.vocab.metrics for g in m.cues if len(g) == 1}))
        self.metals = state.metals
        self._no_period: set[tuple[int, int]] = set()  # (id of the header list, column) already noted
        self.ctx = _Context(subject=state.company)
        self._family_metric_cache: dict[str, Metric | None] = {}
        self._context_notes: tuple[str, str, tuple[Footnote, ...]] = ("", "", ())  # family, section, notes
        self._column_metrics: dict[str, tuple[str, str, bool]] = {}  # column header -> code, unit, mapped
        # id(headers) -> (headers, per-column info); the list is kept so its id cannot be reused
        self._columns: dict[int, tuple[list[ColumnHeader], _ColumnInfo]] = {}

    # ------------------------------------------------------------ entry

    def read(self, footnotes: dict[str, Footnote]) -> TableResult:
        self.footnotes = footnotes
        for line in self.grid.caption:
            self._caption_line(line)
        if self.kind == "capital-additions":
            self.ctx.family = "capital additions"
            self.ctx.family_indent = -1
        for part in self.grid.parts:
            headers = self._headers(part)
            if headers is None:
                continue
            self._read_part(part, headers)
        scale_lines = (ln.stripped for ln in self.grid.caption if _may_state_scale(ln.stripped))
        info = TableInfo(
            id=self.table_id,
            kind=self.kind or "other",
            caption=self.caption,
            first_line=self.doc.source_line(self.first_line),
            last_line=self.doc.source_line(self.last_line),
            scale=next((text for text in scale_lines if _SCALE.search(text)), ""),
        )
        if self.kind:
            self.state.last_kind = self.kind
        if self.unmapped:
            # One note per table, not per row: unmapped labels are expected (balance-sheet detail).
            first = min(self.unmapped.values())
            labels = "; ".join(sorted(self.unmapped))
            self._problem(
                first,
                f"table {self.table_id}: {len(self.unmapped)} row label(s) match no known metric "
                f"(observations kept under minted x- codes): {labels}",
                "info",
            )
        return TableResult(self.observations, info, self.problems)

    def _caption_line(self, line: Line) -> None:
        category = self._category(line.stripped) or self._leading_category(line.stripped)
        if category:
            self.ctx.category = category
        when = as_of_date(line.stripped)
        if when and self.kind in ("reserves", "hedges"):
            self.state.reserves_date = when if self.kind == "reserves" else self.state.reserves_date

    def _leading_category(self, text: str) -> str:
        """The category a caption opens with ("PROVEN AND PROBABLE RESERVES AT DECEMBER 31, 2010");
        only names of several words count, so "RESERVES AND RESOURCES" names no category."""
        key = norm(_strip_markers(text))
        best = ("", "")
        for term in self.vocab.categories:
            for variant in term.variants:
                if " " in variant and (key == variant or key.startswith(variant + " ")) and len(variant) > len(best[0]):
                    best = (variant, term.code)
        return best[1]

    def _problem(self, n: int, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(self.doc.name, self.doc.source_line(n) if n else 0, message, severity))

    # ------------------------------------------------------------ columns

    def _headers(self, part: SubTable) -> list[ColumnHeader] | None:
        if not part.columns:
            return None
        lines = [ln.text for ln in part.header]
        rules = [ln.text for ln in part.rules]
        if self.kind in ("reserves", "drill-intercepts"):
            return column_headers(lines, part.columns, part.label_end, rules=rules) if lines else None
        if lines:
            headers = column_headers(lines, part.columns, part.label_end, self._default_month_day(), rules)
            if any(h.period for h in headers):
                self.state.last_headers = headers
                return headers
        if self.state.last_headers and len(self.state.last_headers) == len(part.columns):
            return self.state.last_headers
        first = part.data[0].n if part.data else self.first_line
        self._problem(
            first, f"table {self.table_id}: no column periods found over {len(part.columns)} columns"
        )
        return None

    def _default_month_day(self) -> tuple[int, int] | None:
        end = self.doc.meta.period_end
        return (end.month, end.day) if end else None

    def _instant(self) -> date | None:
        """The date of a reserves or positions table: its caption, the reserves table before, the period."""
        when = as_of_date(self.caption) or (parse_date(self.caption) if self.kind == "reserves" else None)
        if when:
            return when  # "(as of December 31, 2006)", or "RESERVES AT JUNE 30, 2010"
        if self.state.reserves_date:
            return self.state.reserves_date
        if self.doc.meta.period_end:
            return self.doc.meta.period_end
        release = self.doc.meta.release_date
        if release:
            return date(release.year - 1, 12, 31)
        return None

    # ------------------------------------------------------------ rows

    def _read_part(self, part: SubTable, headers: list[ColumnHeader]) -> None:
        pending: list[Line] = []
        for line in part.lines:
            if line.role in (BLANK, RULE):
                if pending:
                    self._close(pending)
                    pending = []
                if (
                    line.role == BLANK
                    and self.ctx.family
                    and self.ctx.family_rows
                    and self.kind != "capital-additions"
                ):
                    # A blank line ends a family once rows have been read under it ("SALE OF
                    # PRODUCTS" may stand a blank line above its rows).
                    self.ctx.family, self.ctx.family_indent = "", -1
                continue
            if line.role == TEXT:
                if pending and self._continues(pending, line):
                    pending.append(line)
                else:
                    if pending:
                        self._close(pending)
                    pending = [line]
                if line.stripped.endswith(":"):
                    self._close(pending)
                    pending = []
                continue
            if line.role != DATA:
                continue
            if pending and self._continues(pending, line):
                group = pending + [line]
            else:
                if pending:
                    self._close(pending)
                group = [line]
            pending = []
            self._row(group, part, headers)
        if pending:
            self._close(pending)

    def _continues(self, pending: Sequence[Line], line: Line) -> bool:
        """Whether ``line`` continues the wrapped label in ``pending`` (it is indented further),
        unless ``pending`` is complete on its own: a family row, a category or a segment."""
        if pending[-1].stripped.endswith(":") or line.indent <= pending[0].indent:
            return False  # the cheap tests first: most lines fail them
        text = " ".join(ln.stripped for ln in pending)
        return not (
            self._category(text) or self.vocab.segment(norm(entity_name(_strip_markers(text))[0]))
        )

    def _close(self, group: Sequence[Line]) -> None:
        """A label group with no numbers: a section, family or category row."""
        text = " ".join(ln.stripped for ln in group)
        self._section_or_family(text, group[0].indent, group[0].n)

    def _section_or_family(self, text: str, indent: int, n: int) -> None:
        ctx = self.ctx
        bare = _strip_markers(text).rstrip(":").strip()
        category = self._category(bare)
        if category:
            ctx.category = category
            return
        name, share = entity_name(bare)
        key = norm(name)
        segment = self.vocab.segment(key)
        if _is_caps(bare) or segment:
            if segment:
                ctx.subject, ctx.share = EntityRef(segment, "Segment"), None
            elif self._company_term(key):
                ctx.subject, ctx.share = self.state.company, None
            elif self._family_metric(bare):
                ctx.family, ctx.family_indent, ctx.family_rows = bare, indent, 0
                ctx.subject, ctx.share = self.state.company, None
                return
            elif _UNIT_WORDS.search(name):
                ctx.subject, ctx.share = EntityRef(title_name(name), "MiningUnit"), share
            else:
                ctx.subject, ctx.share = self.state.company, None
            ctx.section = text
            ctx.section_labels = []
            ctx.family, ctx.family_indent = "", -1
            return
        ctx.family, ctx.family_indent, ctx.family_rows = text, indent, 0

    def _category(self, text: str) -> str:
        return self.vocab.category(norm(_strip_markers(text)))

    def _company_term(self, key: str) -> bool:
        padded = f" {key} "
        return any(f" {t} " in padded for t in self.vocab.company_terms)

    def _family_metric(self, family: str) -> Metric | None:
        if family in self._family_metric_cache:
            return self._family_metric_cache[family]
        key = norm(_strip_markers(family).rstrip(":"))
        found = None
        for m in self.vocab.metrics:
            if key in m.families and self._applies(m):
                found = m
                break
        self._family_metric_cache[family] = found
        return found

    def _applies(self, metric: Metric) -> bool:
        return not metric.tables or self.kind in metric.tables

    # ------------------------------------------------------------ one data row

    def _row(self, group: list[Line], part: SubTable, headers: list[ColumnHeader]) -> None:
        line = group[-1]
        assert line.row is not None
        if len(group) == 1:  # most rows: a label on one line
            raw = line.row.label.strip()
        else:
            raw = " ".join([ln.stripped for ln in group[:-1]] + [line.row.label]).strip()
        ctx = self.ctx
        # A family ends at a row as far left as its own first line, unless the row names a segment.
        if ctx.family and ctx.family_indent >= 0 and group[0].indent <= ctx.family_indent:
            if ctx.family.rstrip().endswith(":") and not self.vocab.segment(norm(entity_name(raw)[0])):
                ctx.family, ctx.family_indent = "", -1
        cols = assign(line.row.cells, part.columns)
        if cols is None:
            self._problem(line.n, f"row {raw!r} has more numbers than the table has columns; skipped")
            return
        if self.kind in ("reserves", "drill-intercepts"):
            self._column_metric_row(group, raw, line, cols, headers)
            return
        if not raw:
            # An unlabelled subtotal under a rule: named after its family row, or the row above it.
            basis = _strip_markers(ctx.family).rstrip(":") or (
                "after " + ctx.section_labels[-1] if ctx.section_labels else "table"
            )
            metric, subject, share = self._mint("subtotal " + basis), ctx.subject, ctx.share
            self._emit(line, "", metric, subject, share, cols, headers)
            return
        metric, subject, share, raw = self._resolve(group, raw)
        ctx.section_labels.append(raw)
        ctx.family_rows += 1
        self._emit(line, raw, metric, subject, share, cols, headers)

    def _resolve(self, group: list[Line], raw: str) -> tuple[Metric | str, EntityRef, Decimal | None, str]:
        ctx = self.ctx
        metric = self._match(raw)
        if metric is None and len(group) > 1:
            # "Other operating expenses" / "  General and administrative  4,452": the first lines
            # were a family row without its colon.
            for k in range(1, len(group)):
                tail = " ".join([ln.stripped for ln in group[k:-1]] + [group[-1].row.label]).strip()  # type: ignore[union-attr]
                if not tail[:1].isupper():
                    continue  # "    preferred stock dividends" continues a wrapped label; a new row starts upper-case
                found = self._match(tail)
                if found is not None:
                    self._section_or_family(
                        " ".join(ln.stripped for ln in group[:k]), group[0].indent, group[0].n
                    )
                    metric, raw = found, tail
                    break
        if metric is not None:
            return metric, ctx.subject, ctx.share, raw
        family_metric = self._family_metric(ctx.family) if ctx.family else None
        if family_metric is not None:  # the row may name what the family row's metric is for
            name, share = entity_name(_strip_markers(raw))
            key = norm(name)
            segment = self.vocab.segment(key)
            if segment:
                return family_metric, EntityRef(segment, "Segment"), None, raw
            if self._company_term(key) or key.startswith("total"):
                return family_metric, self.state.company, None, raw
            if self.kind == "capital-additions" and name:
                return family_metric, EntityRef(name, "MiningUnit"), share, raw
        return self._mint(raw), ctx.subject, ctx.share, raw

    def _match(self, raw: str) -> Metric | None:
        candidates = self.state.label_metrics.get((self.kind, raw))
        if candidates is None:
            clean = raw
            if "(" in raw:  # a unit in words, as units.ttl prints it: "Ore grade - Silver (oz per ton)"
                units = self.vocab.unit_labels
                clean = _PAREN.sub(lambda m: " " if unit_key(m.group()) in units else m.group(), raw)
            named = self.vocab.by_label(_without_units(clean))
            candidates = self.state.label_metrics[self.kind, raw] = [m for m in named if self._applies(m)]
        if not candidates:
            return None
        if len(candidates) == 1 and not candidates[0].cues and not candidates[0].excludes:
            return candidates[0]  # most labels name one metric, whatever the rows around them say
        ctx = self.ctx
        local = f"{raw} {ctx.family}".lower()
        metal = self._metal(raw) if any(m.cues for m in candidates) else ""
        cue_text = f"{local} {metal}"
        scored = []
        for m in candidates:
            if m.excludes and any(x in local for x in m.excludes):
                continue
            if m.cues and not all(any(alt in cue_text for alt in group) for group in m.cues):
                continue
            scored.append((len(m.cues), m.code, m))
        if not scored:
            return None
        scored.sort(key=lambda t: (-t[0], t[1]))
        best = scored[0][2]
        if best.cues and metal:
            self.state.metal_of.setdefault(ctx.subject.label, metal)
        return best

    def _metal(self, raw: str) -> str:
        ctx = self.ctx
        for text in (raw, ctx.family, ctx.section):
            found = _first_metal(text, self.metals)
            if found:
                return found
        for label in reversed(ctx.section_labels):
            found = _first_metal(label, self.metals)
            if found and "divided" in label.lower():
                return found
        remembered = self.state.metal_of.get(ctx.subject.label, "")
        if remembered:
            return remembered
        return _first_metal(self.caption, self.metals)

    def _mint(self, raw: str) -> str:
        # norm() leaves words of [a-z0-9] between single blanks
        slug = norm(_without_units(raw)).replace(" ", "-")[:60].strip("-") or "row"
        prefix = f"x-{self.kind}-" if self.kind else "x-"
        return prefix + slug

    def _emit(
        self,
        line: Line,
        raw: str,
        metric: Metric | str,
        subject: EntityRef,
        share: Decimal | None,
        cols: list[int],
        headers: list[ColumnHeader],
    ) -> None:
        assert line.row is not None
        mapped = isinstance(metric, Metric)
        code = metric.code if isinstance(metric, Metric) else metric
        unit = printed_unit(metric.unit, raw) if isinstance(metric, Metric) else self._guess_unit(raw)
        factor, cents = self._scale(raw, unit, headers)
        exp = len(str(factor)) - 1  # factors are powers of ten
        basis = self._basis(raw) if code.startswith("price-") or "price" in code else ""
        notes = self._footnotes(raw)
        source = Source(self.doc.name, self.doc.source_line(line.n), "table", self.table_id)
        category = self.ctx.category if self.kind == "reserves" else ""
        durations, instants, flows = self._column_info(headers)
        if isinstance(metric, Metric) and metric.period_kind == "instant":
            columns = instants
        else:
            columns = flows if mapped else durations
        append = self.observations.append
        footnotes = self.footnotes
        by_cell = bool(self.doc.cell_lines and self.doc.cell_lines[line.n - 1])  # HTML: a line per cell
        for cell, col in zip(line.row.cells, cols, strict=True):
            value, places, kind, printed = cell.number
            if kind == NA or value is None:
                continue
            if by_cell:
                source = self._cell_source(line.n, cell.end - 1)
            period, column, estimate = columns[col]
            if period is None:
                self._no_period_note(line.n, headers, col)
                continue
            if kind == NUMBER and not cents:  # most cells: _scaled() of a plain number, inline
                if factor > 1:
                    value *= factor
                decimals = places - exp
            else:
                value, decimals = _scaled(cell, factor, cents)
            cell_note = footnotes.get(glued_marker(printed)) if footnotes and ")" in printed else None
            # Positional, in the order of Observation's fields: half the cost of sixteen keywords.
            append(
                Observation(
                    subject,
                    code,
                    period,
                    value,
                    unit,
                    decimals,
                    source,
                    printed,
                    raw,  # label
                    category,
                    column,
                    notes + (cell_note,) if cell_note and cell_note not in notes else notes,
                    estimate,
                    basis,
                    share,
                    mapped,
                )
            )
        if not mapped:
            self.unmapped.setdefault(raw or code, line.n)

    def _cell_source(self, n: int, column: int) -> Source:
        """The provenance of the number printed at ``column`` of analysis line ``n``: in an HTML
        exhibit, the source line of its own cell (a row's cells can stand on lines of their own)."""
        return Source(self.doc.name, self.doc.source_line_at(n, column), "table", self.table_id)

    def _no_period_note(self, n: int, headers: list[ColumnHeader], col: int) -> None:
        """One note per column, not per row: a "% Change" column has no period at all."""
        if (id(headers), col) in self._no_period:
            return
        self._no_period.add((id(headers), col))
        header = headers[col]
        self._problem(
            n,
            f"table {self.table_id}: no period for column {col + 1} ({header.text!r}): "
            f"{header.problem}; its numbers are left out",
        )

    def _column_info(self, headers: list[ColumnHeader]) -> _ColumnInfo:
        """Per column, three ways: the period as the header prints it, the instant at its end and
        the period a flow metric (production, sales) covers; each with the header text and whether
        it marks a forecast. Worked out once per header list, so a row only picks its list.

        A column dated by a year or a date alone ("2009", "June 30, 2009") is an instant, but a
        flow is never one: it covers the period the caption names ("THIRD QUARTER"), else the
        year to that date. A column without a period has None in all three."""
        cached = self._columns.get(id(headers))
        if cached is not None and cached[0] is headers:
            return cached[1]
        caption_months = phrase_months(self.caption) or 12
        durations: list[_Column] = []
        instants: list[_Column] = []
        flows: list[_Column] = []
        for h in headers:
            text, period, estimate = h.text, h.period, self._estimate(h.text)
            durations.append((period, text, estimate))
            instants.append((Period(end=period.end) if period is not None else None, text, estimate))
            flow = (
                period_for(period.end, caption_months)
                if period is not None and period.start is None
                else period
            )
            flows.append((flow, text, estimate))
        info = (durations, instants, flows)
        self._columns[id(headers)] = (headers, info)
        return info

    def _estimate(self, header_text: str) -> bool:
        """Whether a column header marks a forecast ("2008 Guidance"), memoised per header."""
        known = self._estimates.get(header_text)
        if known is None:
            known = self._estimates[header_text] = bool(
                set(norm(header_text).split()) & self.vocab.estimate_words
            )
        return known

    def _scale(self, raw: str, unit: str, headers: Sequence[ColumnHeader]) -> tuple[int, bool]:
        """(factor, cents) for a row: the row's own "(in thousands)", else the caption's scale for
        its unit, else the release's; counts and rates are never scaled by a dollars caption."""
        low = raw.lower()
        cents = "cents" in low and unit.startswith("USD-PER")
        m = _ROW_SCALE.search(raw) if ("thousand" in low or "million" in low) else None
        if m and unit in ("USD", "SHARES", "OZ", "TON", "TONNE"):
            return _scale_factor(m.group(1) or m.group(2)), cents
        m = _ROW_SCALE_UNIT.search(raw) if "(" in raw and ("000" in low or "of" in low) else None
        if m and unit in ("USD", "SHARES", "OZ", "TON", "TONNE"):
            return (1000 if m.group("k") else _scale_factor(m.group("w"))), cents
        if unit in self.scale:
            return self.scale[unit], cents
        if unit in ("USD", "SHARES") and not self.scale:
            return self.state.default_scale.get(unit, 1), cents
        return 1, cents

    def _basis(self, raw: str) -> str:
        key = f" {norm(raw)} "
        for term in self.vocab.price_bases:
            if any(f" {v} " in key for v in term.variants):
                return term.label
        return ""

    def _footnotes(self, raw: str) -> tuple[Footnote, ...]:
        """The notes a row's markers point to, then those of its family and section rows."""
        if not self.footnotes:
            return ()  # most tables have no notes under them
        ctx = self.ctx
        if self._context_notes[:2] != (ctx.family, ctx.section):
            # the family and section rows stand over many rows: their notes are looked up once
            self._context_notes = (ctx.family, ctx.section, self._notes_in(ctx.family, ctx.section))
        # a label without "(" or "*" has no markers (most have none)
        own = self._notes_in(raw) if "(" in raw or "*" in raw else ()
        context = self._context_notes[2]
        return own + tuple(note for note in context if note not in own) if own else context

    def _notes_in(self, *texts: str) -> tuple[Footnote, ...]:
        found: list[Footnote] = []
        for text in texts:
            for marker in _markers(text):
                note = self.footnotes.get(marker)
                if note and note not in found:
                    found.append(note)
        return tuple(found)

    def _guess_unit(self, raw: str) -> str:
        if "(" in raw:
            for paren in _PAREN.findall(raw):  # a parenthetical naming a unit says it
                code = self.vocab.unit_labels.get(unit_key(paren))
                if code:
                    return code
            m = _ROW_SCALE_UNIT.search(raw)  # "('000 oz)", "(thousands of ounces)"
            if m and (m.group("u1") or m.group("u2")):
                code = self.vocab.unit_labels.get(unit_key(m.group("u1") or m.group("u2")))
                if code:
                    return code
        low = f"{raw} {self.ctx.family}".lower()
        if "$/oz" in low or "per ounce" in low:
            return "USD-PER-OZ"
        if "per share" in low or "per common share" in low:
            return "USD-PER-SHARE"
        if "shares" in low and _SHARE_COUNT.search(low):  # every match has "shares" (no re.I)
            return "SHARES"  # "Weighted average number of common shares - basic" counts shares
        if "per ton" in low:
            return "USD-PER-TON"
        if "oz./ton" in low or "oz/ton" in low:
            return "OZ-PER-TON"
        if "(oz" in low or "ounces" in low:
            return "OZ"
        if "(tons" in low:
            return "TON"
        if "days" in low:
            return "DAY"
        if "%" in low or "percent" in low:
            return "PERCENT"
        if self.kind in _FINANCIAL_KINDS or "$" in raw:
            return "USD"  # statements print money unless the label says otherwise
        return "NUMBER"

    # ------------------------------------------------------------ reserves and intercepts

    def _column_metric_row(
        self, group: list[Line], raw: str, line: Line, cols: list[int], headers: list[ColumnHeader]
    ) -> None:
        assert line.row is not None
        ctx = self.ctx
        when = self._rows_date
        if when is None:
            self._problem(line.n, "reserves table without a date; skipped")
            return
        period = Period(end=when)
        name, share = entity_name(_strip_markers(raw))
        key = norm(name)
        if self.kind == "drill-intercepts":
            subject, label = self._intercept_subject(raw)
            share = None
        elif self._company_term(key):
            subject, label = self.state.company, raw
        else:
            subject, label = EntityRef(name, "MiningUnit"), raw
        notes = self._footnotes(raw)
        source = Source(self.doc.name, self.doc.source_line(line.n), "table", self.table_id)
        by_cell = bool(self.doc.cell_lines and self.doc.cell_lines[line.n - 1])  # HTML: a line per cell
        for cell, col in zip(line.row.cells, cols, strict=True):
            if cell.number.kind == NA or cell.number.value is None:
                continue
            if by_cell:
                source = self._cell_source(line.n, cell.end - 1)
            header = headers[col]
            code, unit, mapped = self._column_metric(header.text)
            value, decimals = _scaled(cell, 1, False)
            self.observations.append(
                Observation(
                    subject=subject,
                    metric=code,
                    period=period,
                    value=value,
                    unit=unit,
                    decimals=decimals,
                    source=source,
                    printed=cell.printed,
                    label=label,
                    category=ctx.category if self.kind == "reserves" else "",
                    column=header.text,
                    footnotes=notes,
                    share=share,
                    mapped=mapped,
                )
            )

    @cached_property
    def _rows_date(self) -> date | None:
        """The date of every row of a reserves or drill-intercepts table."""
        return self._instant() if self.kind == "reserves" else (self.doc.meta.release_date or self._instant())

    def _column_metric(self, header: str) -> tuple[str, str, bool]:
        """(metric code, unit, mapped) of the numbers under a column header, once per header."""
        known = self._column_metrics.get(header)
        if known is None:
            metric = next((m for m in self.vocab.by_label(header) if self.kind in m.tables), None)
            if metric is not None:  # "Gold (ounces)" is contained gold here, not gold produced
                known = (metric.code, printed_unit(metric.unit, header), True)
            else:
                slug = norm(header).replace(" ", "-") or "value"  # norm() leaves words of [a-z0-9]
                known = (f"x-{self.kind}-{slug}", _unit_from_header(header), False)
            self._column_metrics[header] = known
        return known

    def _intercept_subject(self, raw: str) -> tuple[EntityRef, str]:
        """Drill-intercept rows: "Le Soledad   RG-04" names the vein and the hole; continuation rows
        (a second interval of the same hole) name neither and keep the last ones."""
        parts = [p for p in re.split(r"\s{2,}", raw.strip()) if p]
        hole = next((p for p in parts if re.fullmatch(r"[A-Z]{1,4}-?\d+[A-Z]?", p)), "")
        vein = next((p for p in parts if p != hole), "")
        if vein:
            self.ctx.section = vein
        if hole:
            self.ctx.family = hole
        vein = vein or self.ctx.section or "unnamed vein"
        return EntityRef(vein, "OreBody"), (self.ctx.family or raw)


def printed_unit(unit: str, *texts: str) -> str:
    """The unit a figure was printed in when its label or header says metric units: tonnes for
    tons, grams per tonne for ounces per ton; otherwise the metric's own unit."""
    if unit not in ("TON", "OZ-PER-TON"):
        return unit
    low = " ".join(texts).lower()
    if unit == "TON" and "tonne" in low:
        return "TONNE"
    if unit == "OZ-PER-TON" and ("g/t" in low or "grams per tonne" in low or "gpt" in low.split()):
        return "G-PER-TONNE"
    return unit


def _first_metal(text: str, metals: Sequence[str]) -> str:
    low = text.lower()
    best = ""
    pos = len(low) + 1
    for metal in metals:
        i = low.find(metal)
        if 0 <= i < pos:
            best, pos = metal, i
    return best


def _unit_from_header(text: str) -> str:
    low = text.lower()
    if "(m)" in low:
        return "M"
    if "g/t" in low:
        return "G-PER-TONNE"
    if "opt" in low or "oz/ton" in low:
        return "OZ-PER-TON"
    if "%" in low:
        return "PERCENT"
    return "NUMBER"


def _scaled(cell: Cell, factor: int, cents: bool) -> tuple[Decimal, int]:
    """Value in base units and its XBRL-style decimals."""
    number = cell.number
    value = number.value if number.value is not None else Decimal(0)
    places = number.places
    if number.kind == ZERO:
        places = 0
    exp = len(str(factor)) - 1 if factor > 1 else 0
    if factor > 1:
        value = value * factor
    decimals = places - exp
    if cents:
        value = value / 100
        decimals += 2
    if cents and number.kind == NUMBER and decimals > 0:
        value = value.quantize(Decimal(1).scaleb(-decimals))  # 35.0 cents is 0.350 dollars
    elif number.kind == ZERO:
        value = Decimal(0)
    return value, decimals


def hedges(state: DocState, numbered: Sequence[tuple[int, str]], table_id: str) -> TableResult:
    """A "HEDGED POSITIONS" statement: "Sold forward: 48,928 gold ounces @ average price of $288"."""
    doc, vocab = state.doc, state.vocab
    # The caption runs down to the first line that states a quantity or a price.
    first_body = next(
        (i for i, (_, t) in enumerate(numbered) if re.search(r"@|\$\s?\d|\d,\d{3}", t)), len(numbered)
    )
    caption_lines = [(n, t) for n, t in numbered[:first_body] if t.strip()]
    caption = " ".join(t.strip() for _, t in caption_lines)
    when = as_of_date(caption) or parse_date(caption) or doc.meta.period_end
    body = [(n, t) for n, t in numbered[first_body:] if t.strip()]
    text = ""
    starts: list[tuple[int, int]] = []
    for n, t in body:
        starts.append((len(text), n))
        text += t.strip() + " "

    def line_at(pos: int) -> int:
        n = starts[0][1] if starts else numbered[0][0]
        for offset, ln in starts:
            if offset <= pos:
                n = ln
        return n

    observations: list[Observation] = []
    problems: list[Problem] = []
    qty = re.compile(
        r"(?:(?P<label>gold|silver|lead|zinc|copper)\s*:\s*)?(?P<qty>\d[\d,]*(?:\.\d+)?)\s+"
        r"(?P<what>(?:metric\s+)?tons|(?:(?:gold|silver)\s+)?ounces)(?:\s+of\s+(?P<metal>\w+))?",
        re.I,
    )
    price = re.compile(
        r"@\s*(?:an\s+)?average\s+price\s+of\s+\$\s*(?P<price>\d[\d,]*(?:\.\d+)?)(?:\s+per\s+(?P<per>\w+))?",
        re.I,
    )
    for m in qty.finditer(text):
        what = m.group("what").lower()
        metal = (m.group("metal") or m.group("label") or what.split()[0]).lower()
        if metal in ("ounces", "tons", "metric"):
            metal = "gold" if "ounces" in what else ""
        unit = "OZ" if "ounces" in what else ("TONNE" if "metric" in what else "TON")
        p = price.search(text, m.end())
        entries = [(f"hedged {metal}", m.group("qty"), m.start("qty"), unit)]
        if p and (not list(qty.finditer(text, m.end(), p.start()))):
            per = (p.group("per") or ("ounce" if unit == "OZ" else "")).lower()
            price_unit = {"pound": "USD-PER-LB", "ounce": "USD-PER-OZ", "ton": "USD-PER-TON"}.get(
                per, "USD-PER-OZ"
            )
            entries.append((f"hedged {metal} price", p.group("price"), p.start("price"), price_unit))
        if when is None:
            problems.append(
                Problem(doc.name, doc.source_line(line_at(m.start())), "hedged position without a date")
            )
            continue
        for label, printed, pos, unit_code in entries:
            metric = next((x for x in vocab.by_label(label)), None)
            code = metric.code if metric else "x-" + re.sub(r"[^a-z0-9]+", "-", label)
            unit_code = metric.unit if metric else unit_code
            value = Decimal(printed.replace(",", ""))
            places = len(printed.split(".", 1)[1]) if "." in printed else 0
            n = line_at(pos)
            observations.append(
                Observation(
                    subject=state.company,
                    metric=code,
                    period=Period(end=when),
                    value=value,
                    unit=unit_code,
                    decimals=places,
                    source=Source(doc.name, doc.source_line(n), "table", table_id),
                    printed=printed,
                    label=" ".join(text.split())[:120],
                    mapped=metric is not None,
                )
            )
    if not observations:
        first = numbered[0][0] if numbered else 0
        problems.append(
            Problem(doc.name, doc.source_line(first) if first else 0, "hedged positions not understood")
        )
    info = TableInfo(
        id=table_id,
        kind="hedges",
        caption=caption,
        first_line=doc.source_line(numbered[0][0]),
        last_line=doc.source_line(numbered[-1][0]),
    )
    return TableResult(observations, info, problems)
