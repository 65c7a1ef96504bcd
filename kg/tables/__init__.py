"""Tables: a Document's table blocks → observations, table descriptions and problems.

Input: a :class:`kg.facts.Document` and its layout blocks (:func:`kg.layout.segment`).
Output: :class:`kg.facts.DocumentFacts` with ``observations``, ``tables`` and
``problems`` filled — every number of every table as an observation traced to
the source line it is printed on.

Pure: no I/O beyond reading the vocabularies of the ontology folder (cached), no
rdflib or spaCy objects in or out. A table that cannot be read becomes a
:class:`kg.facts.Problem` with its line; it never stops the other tables.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from kg.facts import Block, Document, DocumentFacts, EntityRef, Footnote, Observation, Problem, TableInfo
from kg.tables.extract import (
    DocState,
    TableReader,
    TableResult,
    caption_scale,
    document_scales,
    hedges,
    title_name,
)
from kg.tables.grid import Grid, build_grid
from kg.vocab import vocabulary

__all__ = ["extract_tables"]

log = logging.getLogger(__name__)

_FOOTNOTE = re.compile(r"^\s*(?:\((?P<num>\d{1,2}|[a-z])\)|(?P<star>\*+))\s*(?P<text>\S.*)$")
_COMPANY = re.compile(r"\b(?:COMPANY|CORPORATION|CORP\.?|INC\.?|LIMITED|LTD\.?|PLC)\s*$", re.I)


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
    scales = {caption: caption_scale(caption) for caption in captions}  # the tables read them again
    state = DocState(
        doc=doc,
        vocab=vocab,
        company=EntityRef(_company(doc, caption_lines), "Company"),
        default_scale=document_scales(scales.values()),
        caption_scales=scales,
    )
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
            result = _read(state, grid, block, table_id, _footnotes(doc, blocks, index, embedded))
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
    return DocumentFacts(
        doc=doc.name,
        doc_id=doc.id,
        meta=doc.meta,
        sha256=doc.sha256,
        observations=tuple(observations),
        tables=tuple(infos),
        problems=tuple(problems),
    )


def _read(
    state: DocState, grid: Grid, block: Block, table_id: str, footnotes: dict[str, Footnote]
) -> TableResult:
    reader = TableReader(state, grid, table_id, block.first_line, block.last_line)
    if reader.kind == "hedges" and not any(part.header for part in grid.parts):
        # a statement in words ("Sold forward: 48,928 gold ounces @ ..."); a hedging table with a
        # column header is read like any other table
        numbered = [(n, state.doc.text(n)) for n in range(block.first_line, block.last_line + 1)]
        return hedges(state, numbered, table_id)
    return reader.read(footnotes)


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
