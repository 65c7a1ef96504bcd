"""Tables: a Document's table blocks → observations, table descriptions and problems.

Input: a :class:`kg.facts.Document` and its layout blocks (:func:`kg.layout.segment`).
Output: :class:`kg.facts.DocumentFacts` with ``observations``, ``tables`` and
``problems`` filled — every number of every table as an observation traced to
the source line it is printed on.

The stage is made of declared parts, each a module: :mod:`~kg.tables.numbers` (tokens),
:mod:`~kg.tables.grid` (lines → rows and columns), :mod:`~kg.tables.periods` (column headers →
periods), :mod:`~kg.tables.units` (the scale, currency and unit grammar),
:mod:`~kg.tables.labels` (row labels → metrics), :mod:`~kg.tables.context` (headings →
subjects, the document's names), :mod:`~kg.tables.reader` (rows in context), and one reader per
table shape: :mod:`~kg.tables.period_table` (columns are periods),
:mod:`~kg.tables.column_table` (columns are metrics: reserves, drill intercepts) and
:mod:`~kg.tables.hedges`. Which shape reads a kind of table is data (``tt:shape`` in
``ontology/table-terms.ttl``); a table of no known kind is read by the shape its column headers
fit.

Pure: no I/O beyond reading the vocabularies of the ontology folder (cached), no
rdflib or spaCy objects in or out. A table that cannot be read becomes a
:class:`kg.facts.Problem` with its line; it never stops the other tables.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from kg.facts import Block, Document, DocumentFacts, EntityRef, Footnote, Observation, Problem, TableInfo
from kg.tables.column_table import ColumnTable
from kg.tables.context import DocState, Names, title_name
from kg.tables.grid import DATA, TEXT, Grid, build_grid
from kg.tables.hedges import hedges
from kg.tables.labels import read_label
from kg.tables.period_table import PeriodTable
from kg.tables.periods import column_headers
from kg.tables.reader import TableReader, TableResult
from kg.tables.units import caption_units
from kg.vocab import Vocabulary, norm, vocabulary

__all__ = ["extract_tables"]

log = logging.getLogger(__name__)

_FOOTNOTE = re.compile(r"^\s*(?:\((?P<num>\d{1,2}|[a-z])\)|(?P<star>\*+))\s*(?P<text>\S.*)$")
_COMPANY = re.compile(r"\b(?:COMPANY|CORPORATION|CORP\.?|INC\.?|LIMITED|LTD\.?|PLC)\s*$", re.I)
_READERS: dict[str, type[TableReader]] = {
    PeriodTable.shape: PeriodTable,
    ColumnTable.shape: ColumnTable,
}


def extract_tables(doc: Document, blocks: Sequence[Block]) -> DocumentFacts:
    """Every table block of ``doc`` → observations, TableInfo and Problems (never raises on bad tables)."""
    vocab = vocabulary()
    tables = [(i, b) for i, b in enumerate(blocks) if b.kind == "table"]
    grids: list[Grid | None] = []
    for _, block in tables:
        try:
            # The block's lines are the document's (page furniture blanked), numbered from its first.
            grids.append(build_grid(list(enumerate(block.lines, block.first_line))))
        except Exception:  # noqa: BLE001 - a garbled table is reported below, never fatal
            log.exception("%s:%d: cannot lay out table", doc.name, block.first_line)
            grids.append(None)
    captions = [" ".join(ln.stripped for ln in g.caption) for g in grids if g is not None]
    caption_lines = [ln.stripped for g in grids if g is not None for ln in g.caption]
    state = DocState(
        doc=doc,
        vocab=vocab,
        company=EntityRef(_company(doc, caption_lines), "Company"),
        names=Names(doc, [line for b in blocks if b.kind in ("prose", "heading") for line in b.lines]),
        default_scale=_document_scales(captions),
        main_metal=_main_metal(doc, vocab),
    )
    # The metals whose costs are told apart by context: single-word cues of the metric vocabulary.
    state.metals = tuple(sorted({g[0] for m in vocab.metrics for g in m.cues if len(g) == 1}))
    # Tables with neither caption nor header: they may stand inside the notes of the table above.
    embedded = {
        i
        for (i, _), g in zip(tables, grids, strict=True)
        if g is not None and not g.caption and not any(p.header for p in g.parts)
    }
    observations: list[Observation] = []
    infos: list[TableInfo] = []
    problems: list[Problem] = []
    for k, ((index, block), grid) in enumerate(zip(tables, grids, strict=True), start=1):
        table_id = f"t{k:02d}"
        if grid is None:
            problems.append(_error(doc, block, "table could not be laid out into rows and columns"))
            continue
        try:
            notes = _footnotes(doc, blocks, index, embedded)
            result = _read(
                state,
                grid,
                block,
                table_id,
                notes,
                _before(blocks, index),
                _titles(blocks, index),
                _heading_above(blocks, index),
                _scale_note(blocks, index),
            )
        except Exception as exc:  # noqa: BLE001 - one bad table must not stop the document
            log.exception("%s:%d: cannot read table %s", doc.name, block.first_line, table_id)
            problems.append(
                _error(doc, block, f"table {table_id} could not be read ({type(exc).__name__}: {exc})")
            )
            continue
        observations.extend(result.observations)
        infos.append(result.info)
        problems.extend(result.problems)
        if not result.observations:
            problems.append(
                Problem(doc.name, doc.source_line(block.first_line), f"table {table_id} gave no observations")
            )
    if tables and grids[-1] is not None and _ends_inside(doc, tables[-1][1], grids[-1]):
        block = tables[-1][1]
        problems.append(
            Problem(
                doc.name,
                doc.source_line(block.last_line),
                f"the document ends inside table t{len(tables):02d} (a file cut short?): its last rows may be missing",
            )
        )
    numbers = sum(t.numbers for t in infos)
    unread = sum(len(t.unread) for t in infos)
    if tables and not observations:
        problems.append(
            Problem(
                doc.name,
                doc.source_line(tables[0][1].first_line),
                f"{len(tables)} table(s) found but no figure read from them",
            )
        )
    elif unread:
        problems.append(
            Problem(
                doc.name,
                min(u.line for t in infos for u in t.unread),
                f"{unread} of the {numbers} numbers printed in its tables became no observation "
                "(each with its line and reason: kg query unread-numbers)",
                "info",
            )
        )
    return DocumentFacts(
        doc=doc.name,
        doc_id=doc.id,
        meta=doc.meta,
        sha256=doc.sha256,
        observations=tuple(observations),
        tables=tuple(infos),
        problems=tuple(problems),
    )


def _ends_inside(doc: Document, block: Block, grid: Grid) -> bool:
    """Whether the document's text stops inside its last table: its last line is a row of the
    table with fewer numbers than the table has columns, or a label still waiting for its
    numbers (a file cut off mid-row; an excerpt that ends after a whole row is not)."""
    if block.last_line < len(doc.lines) or not grid.parts or not grid.parts[-1].lines:
        return False
    part = grid.parts[-1]
    last = part.lines[-1]
    if last.role == DATA and last.row is not None:
        return len(last.row.cells) < len(part.columns)
    return last.role == TEXT and last.n == len(doc.lines) and bool(part.data)


def table_kind(vocab: Vocabulary, text: str) -> str:
    return vocab.table_kind(norm(text))


def _read(
    state: DocState,
    grid: Grid,
    block: Block,
    table_id: str,
    footnotes: dict[str, Footnote],
    before: str,
    titles: str,
    above: str = "",
    note: str = "",
) -> TableResult:
    caption = " ".join(ln.stripped for ln in grid.caption)
    header_text = " ".join(ln.stripped for part in grid.parts for ln in part.header)
    kind = table_kind(state.vocab, caption + " " + header_text)
    if not kind and not grid.caption and not any(p.header for p in grid.parts):
        # A headerless table under a footnote reconciles a figure of the table above (non-GAAP).
        kind = "reconciliation"
    shape = state.vocab.table_shape(kind) if kind else _shape_by_headers(grid)
    if not kind:
        # no caption of its own: the title over it ("MINERAL RESERVES AND RESOURCES", "Table 2.
        # Drill hole locations") says what it is, if its column headers do not say otherwise
        titled = table_kind(state.vocab, titles)
        titled_shape = state.vocab.table_shape(titled) if titled else ""
        if titled and (titled_shape == shape or not _dated_columns(grid)):
            kind, shape = titled, titled_shape
    if shape == "hedges":
        numbered = [(n, state.doc.text(n)) for n in range(block.first_line, block.last_line + 1)]
        return hedges(state, numbered, table_id)
    reader = _READERS.get(shape, PeriodTable)(state, grid, table_id, block, kind, before, above, note)
    return reader.read(footnotes)


def _dated_columns(grid: Grid) -> bool:
    """Whether a column header of the table names a period."""
    for part in grid.parts:
        if part.header and part.columns:
            headers = column_headers([ln.text for ln in part.header], part.columns, part.label_end)
            if any(h.period for h in headers):
                return True
    return False


def _shape_by_headers(grid: Grid) -> str:
    """The shape of a table of no known kind: metric columns when its column headers name no
    period but do name metrics ("Tonnes (Mt)  Grade (g/t)  Contained gold (Moz)"), else periods."""
    for part in grid.parts:
        if not part.header or not part.columns:
            continue
        headers = column_headers([ln.text for ln in part.header], part.columns, part.label_end)
        if any(h.period for h in headers):
            return PeriodTable.shape
        if sum(1 for h in headers if read_label(h.text).unit is not None) >= 2:
            return ColumnTable.shape
    return PeriodTable.shape


def _document_scales(captions: Sequence[str]) -> dict[str, Decimal]:
    """The scale a release states for money and share counts in any table caption: a release
    keeps one convention, so a table that prints no scale line (production data) follows it."""
    out: dict[str, Decimal] = {}
    for caption in captions:
        for unit, factor in caption_units(caption).scales.items():
            if unit in ("currency", "SHARES"):
                out.setdefault(unit, factor)
    return out


def _main_metal(doc: Document, vocab: Vocabulary) -> str:
    """The metal a release reports most: the one its company's name carries ("Tallowood Gold"),
    else the one its title names first, else the one its lines name most."""
    terms = vocab.label_terms
    for text in (doc.meta.company, doc.meta.title):
        for word in re.findall(r"[A-Za-z]+", text or ""):
            metal = terms.metals.get(word.lower())
            if metal:
                return metal
    counts: Counter[str] = Counter()
    for line in doc.lines:
        for word in re.findall(r"[A-Za-z]+", line.lower()):
            metal = terms.metals.get(word)
            if metal:
                counts[metal] += 1
    return counts.most_common(1)[0][0] if counts else ""


def _before(blocks: Sequence[Block], index: int) -> str:
    """The prose just above a table (up to two paragraphs, within its section)."""
    out: list[str] = []
    for j in range(index - 1, max(-1, index - 4), -1):
        block = blocks[j]
        if block.kind == "table":
            break
        if block.kind in ("prose", "heading"):
            out.insert(0, " ".join(" ".join(block.lines).split()))
        if len(out) >= 2:
            break
    return " ".join(out)


def _scale_note(blocks: Sequence[Block], index: int) -> str:
    """A short note that states the scale of a table's amounts: the title block right above it
    ("Reconciliation of ..." / "(in thousands of U.S. dollars, except per ounce amounts)", set
    apart by a blank line), else right below it ("All amounts are in thousands of U.S.
    dollars."); "" when neither does."""
    for k in (index - 1, index + 1):
        if not 0 <= k < len(blocks) or blocks[k].kind not in ("prose", "heading") or len(blocks[k].lines) > 4:
            continue
        text = " ".join(" ".join(blocks[k].lines).split())
        if _SCALE_NOTE.search(text):
            return text
    return ""


_SCALE_NOTE = re.compile(
    r"\b(?:amounts?|figures?|expressed|stated|presented)\b.{0,40}\bin\s+(?:thousands|millions)\b"
    r"|\bin\s+(?:thousands|millions)\s+of\b|\(\s*in\s+(?:thousands|millions)\b",
    re.I,
)


def _heading_above(blocks: Sequence[Block], index: int) -> str:
    """The heading right above a table (no prose between), as one line, else "": a heading block,
    or a line of a few words that is no sentence ("Mabula Mine" over its operating figures)."""
    if index <= 0:
        return ""
    block = blocks[index - 1]
    text = " ".join(" ".join(block.lines).split())
    if block.kind == "heading":
        return text
    if block.kind == "prose" and len(block.lines) == 1 and len(text.split()) <= 6 and text[-1:] not in ".:;,":
        return text
    return ""


def _titles(blocks: Sequence[Block], index: int) -> str:
    """The titles just above a table: the section heading it sits under and a one-line
    paragraph right above it ("Table 1. Significant intercepts, ...")."""
    out: list[str] = []
    for j in range(index - 1, max(-1, index - 4), -1):
        block = blocks[j]
        if block.kind == "table":
            break
        text = " ".join(" ".join(block.lines).split())
        if block.kind == "heading" or (block.kind == "prose" and len(block.lines) == 1 and len(text) <= 100):
            out.append(text)
    if index < len(blocks) and blocks[index].section:
        out.append(blocks[index].section)
    return " ".join(out)


def _error(doc: Document, block: Block, message: str) -> Problem:
    return Problem(doc.name, doc.source_line(block.first_line), message, "error")


def _company(doc: Document, caption_lines: Sequence[str]) -> str:
    """The reporting company: the release's header, else a caption line naming a company
    ("HECLA MINING COMPANY" over every statement)."""
    if doc.meta.company:
        return doc.meta.company
    for line in caption_lines:
        if _COMPANY.search(line) and len(line.split()) <= 6:
            return title_name(line)
    return "Reporting company"


def _footnotes(doc: Document, blocks: Sequence[Block], index: int, embedded: set[int]) -> dict[str, Footnote]:
    """Footnotes printed after a table: "(1) ..." paragraphs up to the next table that has its own
    caption or header (a small table inside a footnote, one of ``embedded``, does not end the notes)."""
    notes: dict[str, Footnote] = {}
    for j in range(index + 1, len(blocks)):
        block = blocks[j]
        if block.kind == "heading" or (block.kind == "table" and j not in embedded):
            break
        if block.kind not in ("prose", "boilerplate") or not block.lines:
            continue
        m = _FOOTNOTE.match(block.lines[0])
        if not m:
            continue
        marker = m.group("num") or m.group("star")
        text = " ".join([m.group("text").strip()] + [ln.strip() for ln in block.lines[1:]])
        notes.setdefault(marker, Footnote(marker, " ".join(text.split()), doc.source_line(block.first_line)))
    return notes
