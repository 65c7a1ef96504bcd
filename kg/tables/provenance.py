"""What a table reader records besides observations: provenance, problems and coverage.

Input: the reader's grid, document and notes. Output: a number's :class:`kg.facts.Source`
(in an HTML exhibit the line of its own cell), the footnotes a row's markers point to,
problems with their line, and the table's coverage: how many numbers its rows print and which
became no observation, with why (:class:`kg.facts.UnreadNumber`). A mixin of
:class:`kg.tables.reader.TableReader`, kept apart so each module stays readable on its own.
"""

from __future__ import annotations

import re

from kg.facts import Document, Footnote, Problem, Source, UnreadNumber
from kg.tables.context import RowContext
from kg.tables.grid import Grid, Line
from kg.tables.numbers import GARBLED, NA

_MARKER = re.compile(r"\(\s*(\d{1,2})\s*\)|(\*+)")


def markers(text: str) -> list[str]:
    if "(" not in text and "*" not in text:
        return []
    return [m.group(1) or m.group(2) for m in _MARKER.finditer(text)]


class Recording:
    """Provenance, problems and coverage of one table (see the module docstring)."""

    doc: Document
    grid: Grid
    table_id: str
    footnotes: dict[str, Footnote]
    problems: list[Problem]
    read_cells: set[tuple[int, int]]
    skipped: dict[tuple[int, int], str]
    ctx: RowContext
    _context_notes: tuple[str, str, tuple[Footnote, ...]]

    def coverage(self) -> tuple[int, tuple[UnreadNumber, ...]]:
        """How many numbers the table's rows print, and those no observation was made of."""
        numbers = 0
        unread: list[UnreadNumber] = []
        for part in self.grid.parts:
            for ln in part.data:
                row = ln.row
                for cell in (*row.cells, *(high for _, high in row.highs)):  # type: ignore[union-attr]
                    if cell.number.kind == NA:
                        continue
                    numbers += 1
                    key = (ln.n, cell.start)
                    if key in self.read_cells:
                        continue
                    reason = (
                        self.skipped.get(key)
                        or self.skipped.get((ln.n, -1))
                        or "no metric, period or subject was found for it"
                    )
                    line = self.source(ln.n, cell.end - 1 if self.by_cell(ln.n) else None).line
                    unread.append(UnreadNumber(line, cell.printed, reason))
        return numbers, tuple(unread)

    def skip_row(self, line: Line, reason: str) -> None:
        """Say why a row's numbers give no observation (the first reason given stays)."""
        self.skipped.setdefault((line.n, -1), reason)

    def _garbled(self, line: Line) -> None:
        """Warn of numbers printed with letters among their digits ("1,5O9,67O", "(3.7O)"): they
        are not read (a guess at the digits would be a number nobody printed), and said so."""
        for cell in line.row.cells:  # type: ignore[union-attr]
            if cell.number.kind == GARBLED:
                self.problem(
                    line.n,
                    f"{cell.printed!r} looks like a number with letters among its digits (a garbled "
                    "print?); it is not read",
                )
                self.skipped.setdefault((line.n, cell.start), "it is garbled: letters among its digits")

    def footnotes_for(self, raw: str) -> tuple[Footnote, ...]:
        """The notes a row's markers point to, then those of its family and section rows."""
        if not self.footnotes:
            return ()
        ctx = self.ctx
        if self._context_notes[:2] != (ctx.family, ctx.section):
            self._context_notes = (ctx.family, ctx.section, self._notes_in(ctx.family, ctx.section))
        own = self._notes_in(raw) if "(" in raw or "*" in raw else ()
        context = self._context_notes[2]
        return own + tuple(note for note in context if note not in own) if own else context

    def _notes_in(self, *texts: str) -> tuple[Footnote, ...]:
        found: list[Footnote] = []
        for text in texts:
            for marker in markers(text):
                note = self.footnotes.get(marker)
                if note and note not in found:
                    found.append(note)
        return tuple(found)

    def source(self, n: int, column: int | None = None) -> Source:
        """The provenance of a number on analysis line ``n``: in an HTML exhibit, the source line of
        its own cell (a row's cells can stand on lines of their own)."""
        line = self.doc.source_line_at(n, column) if column is not None else self.doc.source_line(n)
        return Source(self.doc.name, line, "table", self.table_id)

    def by_cell(self, n: int) -> bool:
        return bool(self.doc.cell_lines and self.doc.cell_lines[n - 1])

    def problem(self, n: int, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(self.doc.name, self.doc.source_line(n) if n else 0, message, severity))
