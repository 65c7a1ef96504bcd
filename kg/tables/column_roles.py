"""Columns that are not periods: columns that name mines (or the company) in one stated
period, names over groups of dated columns, and columns that name metrics over rows that name
mines.

Input: the header lines of a part of a table, its number columns and the text above it; output:
the column headers with their period, and per column the subject or the metric
(``_column_subjects`` / ``_column_metrics`` of :class:`kg.tables.period_table.PeriodTable`,
keyed by the id of the header list they belong to).
"""

from __future__ import annotations

import re

from kg.facts import EntityRef, Observation, Period
from kg.header import stated_periods
from kg.tables.context import bare_name, heading_subject, read_heading, strip_markers
from kg.tables.grid import Line, SubTable
from kg.tables.numbers import NA, scaled
from kg.tables.periods import ColumnHeader
from kg.vocab import Metric, norm


def column_names(lines: list[str], part: SubTable) -> list[str]:
    """Per column, the words printed over it as runs (words one blank apart), each run going
    whole to the column nearest its centre: "La Esperanza" stays one name though "La" stands
    left of the numbers."""
    columns = part.columns
    out: list[list[str]] = [[] for _ in columns]
    for line in lines:
        for m in re.finditer(r"\S+(?: \S+)*", line):
            if m.end() <= part.label_end:
                continue
            centre = (m.start() + m.end()) / 2
            k = min(range(len(columns)), key=lambda c: abs(columns[c].center - centre))
            out[k].append(m.group())
    return [" ".join(words) for words in out]


class ColumnRoles:
    """The column-role methods of :class:`kg.tables.period_table.PeriodTable` (a mixin: they
    read the table reader's caption, title, release state and vocabulary)."""

    def _subject_columns(self, headers: list[ColumnHeader], names: list[str]) -> list[ColumnHeader] | None:
        """Columns that name what they are about rather than a period ("La Esperanza   Cerro
        Negro   Consolidated" under "Three months ended June 30, 2019"): every column a mine,
        unit, segment or the company as a whole, and one period stated by the caption or the
        lines just above. The headers get that period; ``_column_subjects`` their subjects."""
        period = self._stated_period()
        if period is None or not headers:
            return None
        subjects = [self._column_subject(text) for text in names]
        if None in subjects or len(set(subjects)) < len(subjects):
            return None
        months = 0 if period.start is None else round((period.end - period.start).days / 30.44)
        out = [ColumnHeader(h.text, period, months) for h in headers]
        self._column_subjects[id(out)] = (out, subjects)  # type: ignore[assignment]
        return out

    def _metric_columns(self, headers: list[ColumnHeader]) -> list[ColumnHeader] | None:
        """Columns that name metrics over rows that name mines ("Ore milled (tonnes)   Head grade
        (g/t Au)   Gold produced (oz)" over "Kowhai", "Rimu", "Total"), in one period the
        caption or the lines above state: most columns must name a known metric."""
        period = self._stated_period()
        if period is None or len(headers) < 2:
            return None
        metrics: list[Metric | str] = []
        for h in headers:
            metric = self.match(h.text) if h.text.strip() else None
            metrics.append(metric if metric is not None else self.mint(h.text or "value"))
        if 2 * sum(isinstance(m, Metric) for m in metrics) <= len(metrics):
            return None
        months = 0 if period.start is None else round((period.end - period.start).days / 30.44)
        out = [ColumnHeader(h.text, period, months) for h in headers]
        self._column_metrics[id(out)] = (out, metrics)
        return out

    def _metric_columns_row(self, raw: str, line: Line, cols: list[int], headers: list[ColumnHeader]) -> None:
        """A row of a table whose columns are metrics: the row names its subject ("Total" the
        company), each column its metric and unit."""
        assert line.row is not None
        metrics = self._column_metrics[id(headers)][1]
        bare = strip_markers(raw)
        subject = self.state.company if not norm(bare) else self._column_subject(bare)
        if subject is None:  # a name with a word of metric labels in it: as printed
            heading = read_heading(bare)
            subject = EntityRef(heading.name or bare, heading.type or "MiningUnit")
        by_cell = self.by_cell(line.n)
        source = self.source(line.n)
        for cell, col in zip(line.row.cells, cols, strict=True):
            value, _places, kind, printed = cell.number
            if kind == NA or value is None:
                continue
            metric, header = metrics[col], headers[col]
            mapped = isinstance(metric, Metric)
            code = metric.code if isinstance(metric, Metric) else metric
            unit = self._unit(header.text, metric if isinstance(metric, Metric) else None)
            period = header.period
            if period is None:
                continue
            if isinstance(metric, Metric) and metric.period_kind == "instant":
                period = Period(end=period.end)
            if by_cell:
                source = self.source(line.n, cell.end - 1)
            self.read_cells.add((line.n, cell.start))
            number, decimals = scaled(cell, unit.factor, unit.factor.adjusted())
            self.observations.append(
                Observation(
                    subject,
                    code,
                    period,
                    number,
                    unit.code,
                    decimals,
                    source,
                    printed,
                    raw,
                    column=header.text,
                    mapped=mapped,
                    unit_guessed=unit.guessed,
                    minted_from="" if mapped else header.text,
                )
            )
            if not mapped:
                self.unmapped.setdefault(header.text, line.n)

    def _spanning_subjects(self, lines: list[str], part: SubTable, headers: list[ColumnHeader]) -> None:
        """Names printed over groups of dated columns ("La Esperanza" over "Q2 2019   Q2 2018",
        "Cerro Negro" over the next two): each column is about the name nearest above it. Two
        names or more on one header line, every one a mine, unit, segment or the company."""
        columns = part.columns
        for line in lines:
            runs = [
                m
                for m in re.finditer(r"\S+(?: \S+)*", line)
                if m.end() > part.label_end and not re.search(r"\d", m.group())
            ]
            if len(runs) < 2 or len(runs) >= len(columns) + 1:
                continue
            named = [self._column_subject(m.group()) for m in runs]
            if None in named or len(set(named)) < len(named):
                continue
            centres = [(m.start() + m.end()) / 2 for m in runs]
            subjects = [
                named[min(range(len(runs)), key=lambda r: abs(centres[r] - col.center))] for col in columns
            ]
            self._column_subjects[id(headers)] = (headers, subjects)  # type: ignore[assignment]
            return

    def _column_subject(self, text: str) -> EntityRef | None:
        """What a column header names: the company (a company-wide term, "Total"), a segment, a
        site the release names, or a bare name; None for anything else."""
        text = strip_markers(text).strip()
        key = norm(text)
        if not text:
            return None
        if self._company_term(key) or key.startswith("total"):
            return self.state.company
        segment = self.vocab.segment(key)
        if segment:
            return EntityRef(segment, "Segment")
        heading = read_heading(text)
        return heading_subject(heading, self.state.names, self.vocab.company_terms) or bare_name(
            heading.name, self.vocab
        )

    def _stated_period(self) -> Period | None:
        """The one period the caption states, else the heading above, else the nearest the text
        just above the table states ("Three months ended June 30, 2019")."""
        fy_end = getattr(self.doc.meta, "fiscal_year_end", None)
        for text in (self.caption, self.title, self.before):
            found = stated_periods(text, fy_end) if text else []
            if found:
                _, _, start, end = found[-1]
                return Period(start=start, end=end)
        return None
