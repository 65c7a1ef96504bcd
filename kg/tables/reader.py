"""Grid → observations, the part every table shape shares: rows read top to bottom in context.

Input: one table block laid out as a :class:`kg.tables.grid.Grid`, the document's
:class:`kg.tables.context.DocState` and the table's kind. Output (through a shape's reader,
:mod:`kg.tables.period_table`, :mod:`kg.tables.column_table`, :mod:`kg.tables.hedges`): the
table's observations, :class:`kg.facts.TableInfo` and problems.

Rows are read top to bottom with a small context (:class:`kg.tables.context.RowContext`):

- a *section row* sets the subject of the rows below it: a mine, unit, deposit or property
  ("CRAZY CREEK MINE", "YARRABEE (100%)", "Hollowell Mine (short tons)", the share, basis and
  unit it states applying too), a segment ("GOLD OPERATIONS") or the company ("CONSOLIDATED",
  "GROUP (attributable)"); a capitalised title that names none of these resets to the company;
  rows printed at the heading's own indent after indented rows end its section;
- a *family row* ("Average cost per ounce of silver produced (1):", "Sales:", "Average realized
  price -") gives the rows below it their family: which metal a cost is for, which metric a row
  naming a segment reports;
- a *category row* ("Proven and Probable", "Measured + Indicated") sets the reserve category.

Wrapped labels are joined with the line that carries the numbers. Each shape decides what a
row with numbers means; this module reads the rest.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from kg.facts import Block, EntityRef, Footnote, Observation, Problem, TableInfo
from kg.tables.context import (
    DocState,
    RowContext,
    bare_name,
    entity_name,
    heading_subject,
    read_heading,
    strip_markers,
)
from kg.tables.grid import BLANK, DATA, RULE, TEXT, Grid, Line, SubTable, assign
from kg.tables.numbers import GARBLED
from kg.tables.provenance import Recording
from kg.tables.units import caption_units
from kg.tables.vocab_context import VocabularyInContext
from kg.vocab import Metric, norm

log = logging.getLogger(__name__)

# a row stating the basis of the rows below it ("Mine physicals in table on a 100% basis")
_BASIS_ROW = re.compile(r"\bon\s+an?\s+(\d{1,3}(?:\.\d+)?)\s*%\s+(?:basis|interest)\b", re.I)

_PAREN = re.compile(r"\([^()]*\)?")
_SCALE_LINE = re.compile(r"\b(?:thousands|millions)\b|\b000s?\b|\$000|US\$\s*(?:millions|M\b)", re.I)


@dataclass
class TableResult:
    observations: list[Observation]
    info: TableInfo
    problems: list[Problem]


def _item_key(obs: Observation) -> tuple:
    period = obs.period
    return (
        obs.subject.label,
        obs.subject.type,
        obs.metric,
        period.start if period else None,
        period.end if period else None,
        obs.category,
        obs.basis,
        obs.share,
        obs.estimate,
        obs.interval,
        obs.unit,
    )


def _agree(group: list[Observation]) -> bool:
    """Whether every printed value of ``group`` can stand for one number (their rounding
    intervals, ``value ± ½·10^-decimals``, all meet)."""
    low = max(o.value - Decimal(5).scaleb(-o.decimals - 1) for o in group)
    high = min(o.value + Decimal(5).scaleb(-o.decimals - 1) for o in group)
    return low <= high


def is_caps(text: str) -> bool:
    bare = _PAREN.sub("", text)
    if bare.isascii():
        return bare.isupper()
    letters = [c for c in bare if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class TableReader(VocabularyInContext, Recording):
    """Reads one grid; a shape's subclass says what its header and data rows mean."""

    shape = ""

    def __init__(
        self,
        state: DocState,
        grid: Grid,
        table_id: str,
        block: Block,
        kind: str,
        before: str = "",
        title: str = "",
        note: str = "",
    ) -> None:
        self.state = state
        self.doc = state.doc
        self.vocab = state.vocab
        self.grid = grid
        self.table_id = table_id
        self.first_line = block.first_line
        self.last_line = block.last_line
        self.kind = kind
        self.before = before  # the prose just above the table (a date the caption leaves out)
        self.caption = " ".join(ln.stripped for ln in grid.caption)
        self.units = caption_units(self.caption)
        if note and not self.units.scales:
            # a caption that states no scale: a note right below the table may ("All amounts are
            # in thousands of U.S. dollars.")
            below = caption_units(note)
            if below.scales:
                self.units = replace(below, currency=below.currency or self.units.currency)
        self.observations: list[Observation] = []
        self.problems: list[Problem] = []
        self.footnotes: dict[str, Footnote] = {}
        self.unmapped: dict[str, int] = {}
        self.ctx = RowContext(subject=state.company)
        self.title = title  # the heading just above the table ("Mabula Mine"), if any
        self.table_subject = state.company  # what rows under no section heading are about
        self._section_indent = -1  # indent of the section row in force
        self._section_rows_indent = -1  # indent of the first row under it
        self._family_metric_cache: dict[str, Metric | None] = {}
        self._context_notes: tuple[str, str, tuple[Footnote, ...]] = ("", "", ())
        # coverage: the cells read into observations, and why others were not, by (line, column)
        self.read_cells: set[tuple[int, int]] = set()
        self.skipped: dict[tuple[int, int], str] = {}

    # ------------------------------------------------------------ entry

    def read(self, footnotes: dict[str, Footnote]) -> TableResult:
        self.footnotes = footnotes
        for line in self.grid.caption:
            self.caption_line(line)
        self.start()
        self.title_subject()
        for part in self.grid.parts:
            headers = self.headers(part)
            if headers is None:
                for ln in part.data:
                    self.skip_row(ln, "its columns have no header the table can be read by")
                continue
            self.read_part(part, headers)
        if self.kind:
            self.state.last_kind = self.kind
        if self.unmapped:
            # One note per table, not per row: unmapped labels are expected (balance-sheet detail).
            first = min(self.unmapped.values())
            labels = "; ".join(sorted(self.unmapped))
            self.problem(
                first,
                f"table {self.table_id}: {len(self.unmapped)} row label(s) match no known metric "
                f"(observations kept under minted x- codes): {labels}",
                "info",
            )
        return TableResult(self.line_items(), self.info(), self.problems)

    def line_items(self) -> list[Observation]:
        """The observations, those of rows that print different values for one subject, metric,
        period, category and basis told apart by their line item (``context``: the family row
        and label as printed). A table that prints one figure twice repeats it (a reconciliation
        repeating the total cash costs above it); two values beyond rounding are two things the
        vocabulary names alike ("Depreciation, depletion and amortization" in cost of sales,
        "Depreciation and amortization" under "Other operating expenses:"), never one fact."""
        groups: dict[tuple, list[Observation]] = {}
        for obs in self.observations:
            groups.setdefault(_item_key(obs), []).append(obs)
        apart = {id(o) for g in groups.values() if len(g) > 1 and not _agree(g) for o in g}
        if not apart:
            return self.observations
        out = []
        for obs in self.observations:
            if id(obs) in apart:
                family = obs.family or ""
                label = obs.label or obs.column
                item = f"{family}: {label}" if family and family != label else label
                obs = dataclasses.replace(obs, context=item)
            out.append(obs)
        return out

    def info(self) -> TableInfo:
        scale_lines = (ln.stripped for ln in self.grid.caption if _SCALE_LINE.search(ln.stripped))
        numbers, unread = self.coverage()
        return TableInfo(
            id=self.table_id,
            kind=self.kind or "other",
            caption=self.caption,
            first_line=self.doc.source_line(self.first_line),
            last_line=self.doc.source_line(self.last_line),
            scale=next(scale_lines, ""),
            numbers=numbers,
            unread=unread,
        )

    # ------------------------------------------------------------ what a shape defines

    def start(self) -> None:
        """Anything a shape sets up once the caption is read."""

    def title_subject(self) -> None:
        """A table under a heading that names one entity ("Mabula Mine" above it, or a caption
        line "KESTREL LAKE MINE - OPERATING STATISTICS" or "OPERATING STATISTICS - MESA VERDE
        MINE") is about that entity: its rows under no section heading of their own take it as
        subject."""
        lines = (self.title, *(ln.stripped for ln in self.grid.caption))
        # each part of a line ("OPERATING STATISTICS - MESA VERDE MINE": the second names it)
        parts = [
            (k, name)
            for k, text in enumerate(lines)
            for name in re.split(r"\s+[-\u2013\u2014:]\s+", strip_markers(text).strip())[:2]
        ]
        for k, name in parts:
            if not name or len(name.split()) > 6:
                continue
            heading = read_heading(name)
            key = norm(heading.name)
            if (
                not heading.name
                or self._company_term(key)
                or self.vocab.segment(key)
                or " by " in f" {key} "  # "ROYALTY REVENUE BY PROPERTY" names what the rows are
                or self.vocab.table_kind(key)
                or (k and not heading.type)  # a caption line names an entity by its head word only
            ):
                continue
            entity = heading_subject(heading, self.state.names, self.vocab.company_terms)
            if entity is None and k == 0 and self._site_table():
                # a bare name right above the table ("Wombat Flats"): the operation it is about
                entity = bare_name(name, self.vocab)
            if entity is not None:
                self.table_subject = entity
                self.set_subject(entity, -1, "", heading.basis, heading.share)
                self.ctx.section = ""
                return

    def _site_table(self) -> bool:
        """Whether a name above this table can be what it is about: not a statement of the
        company as a whole, and not the company's own name ("Kestrel" above its statements)."""
        if self.vocab.table_scope(self.kind) == "company":
            return False
        own = {w.lower() for w in self.state.company.label.split()}
        return not own & {w.lower() for w in self.title.split()}

    def caption_line(self, line: Line) -> None:
        category = self.category(line.stripped) or self.leading_category(line.stripped)
        if category:
            self.ctx.category = category

    def headers(self, part: SubTable) -> list | None:
        raise NotImplementedError

    def data_row(
        self, group: list[Line], raw: str, line: Line, cols: list[int], part: SubTable, headers: list
    ) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ rows

    def read_part(self, part: SubTable, headers: list) -> None:
        pending: list[Line] = []
        for line in part.lines:
            if line.role in (BLANK, RULE):
                if pending:
                    self.close(pending)
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
                if pending and self.continues(pending, line):
                    pending.append(line)
                else:
                    if pending:
                        self.close(pending)
                    pending = [line]
                if line.stripped.endswith((":", " -", " \u2013")):
                    self.close(pending)
                    pending = []
                continue
            if line.role != DATA:
                continue
            if pending and self.continues(pending, line):
                group = pending + [line]
            else:
                if pending:
                    self.close(pending)
                group = [line]
            pending = []
            self.row(group, part, headers)
        if pending:
            self.close(pending)

    def continues(self, pending: Sequence[Line], line: Line) -> bool:
        """Whether ``line`` continues the wrapped label in ``pending`` (it is indented further),
        unless ``pending`` is complete on its own: a family row, a category, a segment or a
        heading that names an entity."""
        if pending[-1].stripped.endswith((":", " -", " \u2013")) or line.indent <= pending[0].indent:
            return False  # the cheap tests first: most lines fail them; "Average realized price -" heads rows
        if line.row is not None and line.row.label and self.category(line.row.label):
            return False  # "Yarrabee (100%)" over "  Proved   8.42 ...": a category row of its own
        last = pending[-1].stripped
        if last.endswith((",", "(", "&")) or last.split()[-1].lower() in ("and", "of", "per", "by"):
            return True  # "La Camorra Unit," / "Venezuela": a label that says it goes on
        text = " ".join(ln.stripped for ln in pending)
        if text.count("(") > text.count(")"):
            return True  # "GREENS CREEK UNIT (Reflects" / " Hecla's 29.73% share)"
        if self.category(text) or self.vocab.segment(norm(entity_name(strip_markers(text))[0])):
            return False
        return not self._names_entity(text)

    def close(self, group: Sequence[Line]) -> None:
        """A label group with no numbers: a section, family or category row."""
        text = " ".join(ln.stripped for ln in group)
        self.label_row(text, group[0].indent, group[0].n)

    def label_row(self, text: str, indent: int, n: int) -> None:
        ctx = self.ctx
        bare = strip_markers(text).rstrip(":-").strip()
        category = self.category(bare)
        if category:
            ctx.category = category
            if self._company_term(norm(bare)) or norm(bare).startswith("total"):
                self.set_subject(self.state.company, indent)
            return
        basis = _BASIS_ROW.search(bare)
        if basis:
            # "Costs in table on a 50% basis": the rows below are the subject's share of the
            # operation; "... on a 100% basis": the whole operation's
            part = Decimal(basis.group(1)) / 100
            ctx.share, ctx.basis = (None, "100%") if part == 1 else (part, "")
            return
        heading = read_heading(bare)
        key = norm(heading.name)
        segment = self.vocab.segment(key)
        caps = is_caps(bare)
        if segment:
            self.set_subject(EntityRef(segment, "Segment"), indent, text)
            return
        if self._company_term(key):
            self.set_subject(self.state.company, indent, text, heading.basis)
            return
        if caps and self.family_metric(bare):
            self.set_subject(self.state.company, indent)
            ctx.family, ctx.family_indent, ctx.family_rows = bare, indent, 0
            return
        entity = heading_subject(heading, self.state.names, self.vocab.company_terms)
        if entity is None and (heading.share is not None or heading.basis) and heading.name:
            entity = EntityRef(heading.name, "MiningUnit")
        if entity is not None and not self.family_metric(bare) and not text.rstrip().endswith(":"):
            self.set_subject(entity, indent, text, heading.basis, heading.share)
            ctx.unit = heading.unit
            return
        if caps:
            self.set_subject(self.state.company, indent, text)
            return
        ctx.family, ctx.family_indent, ctx.family_rows = text, indent, 0

    def set_subject(
        self, subject: EntityRef, indent: int, section: str = "", basis: str = "", share=None
    ) -> None:
        ctx = self.ctx
        ctx.subject, ctx.share, ctx.basis, ctx.unit = subject, share, basis, None
        ctx.section = section
        ctx.section_labels = []
        ctx.family, ctx.family_indent = "", -1
        self._section_indent = indent if section else -1
        self._section_rows_indent = -1

    def _names_entity(self, text: str) -> bool:
        """Whether a label line is a heading of its own: it prints a head word ("Sagebrush Mining
        Complex", "Twin Cedars mine") or, in capitals, an interest ("YARRABEE (100%)")."""
        heading = read_heading(strip_markers(text))
        if not heading.name or self._company_term(norm(heading.name)):
            return False
        return bool(heading.type) or ((heading.share is not None or heading.basis) and is_caps(heading.name))

    def row(self, group: list[Line], part: SubTable, headers: list) -> None:
        line = group[-1]
        assert line.row is not None
        if any(cell.number.kind == GARBLED for cell in line.row.cells):
            self._garbled(line)
        if len(group) == 1:
            raw = line.row.label.strip()
        else:
            raw = " ".join([ln.stripped for ln in group[:-1]] + [line.row.label]).strip()
        ctx = self.ctx
        indent = group[0].indent
        # rows printed at a heading's own indent, after indented rows under it, end its section
        if self._section_indent >= 0:
            if self._section_rows_indent < 0:
                self._section_rows_indent = indent
            elif indent <= self._section_indent < self._section_rows_indent:
                self.set_subject(self.table_subject, -1)
        # A family ends at a row as far left as its own first line, unless the row names a segment.
        if ctx.family and ctx.family_indent >= 0 and indent <= ctx.family_indent:
            if ctx.family.rstrip().endswith(":") and not self.vocab.segment(norm(entity_name(raw)[0])):
                ctx.family, ctx.family_indent = "", -1
        cols = assign(line.row.cells, part.columns)
        if cols is None:
            self.problem(line.n, f"row {raw!r} has more numbers than the table has columns; skipped")
            self.skip_row(line, "its row has more numbers than the table has columns")
            return
        self.data_row(group, raw, line, cols, part, headers)
