"""Tables whose columns are metrics: reserves and resources, drill intercepts, drill-hole collars.

Input: a grid whose column headers name what each column measures ("Tonnes (Mt)", "Grade
(g/t)", "Contained gold (Moz)"; "From (m)", "To (m)", "Length (m)", "Au (g/t)"), with rows
naming a deposit or mine and a category ("Yarrabee (100%)" over "Proved", "Probable", "Proved +
Probable"), or a drill hole ("CT-09-004", "including"). Output: one observation per number.

Reserves are instants at the estimate's date: the caption's ("as of December 31, 2006"), else
the text just above the table ("... as at December 31, 2016 are estimated in accordance with NI
43-101"), else the reserves table before, else the period the release reports. Drill
intercepts have no period: their subject is the hole, an "including" row's the hole above it,
and the figures of one row share an interval (an including interval lies within its parent's).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property

from kg.facts import EntityRef, Observation, Period
from kg.tables.context import entity_name, read_heading, strip_markers
from kg.tables.grid import Line, SubTable
from kg.tables.labels import read_label
from kg.tables.metric_match import MatchContext, match
from kg.tables.numbers import NA, scaled
from kg.tables.periods import ColumnHeader, as_of_date, column_headers, parse_date
from kg.tables.reader import TableReader
from kg.tables.units import ONE, UnitSpec, compatible
from kg.vocab import norm

# A drill-hole ID: letters, digits and dashes with at least one digit ("CT-09-004", "RG-04",
# "DDH 12-05", "U-1234"), never a plain number.
_HOLE = re.compile(r"^(?=[A-Z0-9-]*\d)[A-Z]{1,5}[A-Z0-9]*(?:[- ]?\d+[A-Z]?)+(?:-[A-Z0-9]+)*$")
_INCLUDING = re.compile(r"^\s*(?:incl(?:uding|\.)?|and|inc\.?)\b", re.I)
_AS_AT = re.compile(r"\bas\s+(?:at|of)\s+(?P<date>[A-Z][a-z]+\.?\s+\d{1,2},?\s+(?:19|20)\d\d)", re.I)


class ColumnTable(TableReader):
    shape = "metric-columns"

    def start(self) -> None:
        self._column_metrics: dict[str, tuple[str, str, bool, UnitSpec | None]] = {}
        self._categories: list[str] = []  # per column, the category a header line names over it
        self._table_metals: list[str] = []
        self._hole = ""  # the hole of the row above
        self._interval = ""  # its interval key

    # ------------------------------------------------------------ columns

    def headers(self, part: SubTable) -> list[ColumnHeader] | None:
        if not part.columns or not part.header:
            return None
        lines = [ln.text for ln in part.header]
        lines = self._category_columns(lines, part)
        headers = column_headers(lines, part.columns, part.label_end, rules=[ln.text for ln in part.rules])
        for h in headers:
            for metal in read_label(h.text).metals:
                if metal not in self._table_metals:
                    self._table_metals.append(metal)
        return headers

    def _category_columns(self, lines: list[str], part: SubTable) -> list[str]:
        """A header line of reserve categories over groups of metric columns ("Proved   Probable
        Proved + Probable" over "Mt  g/t  Moz" three times): each column takes the category
        nearest above it (``_categories``), and the line is left out of the columns' headers."""
        self._categories = []
        for i, line in enumerate(lines):
            runs = [m for m in re.finditer(r"\S+(?: \S+)*", line) if m.end() > part.label_end]
            if len(runs) < 2:
                continue
            named = [self.category(m.group()) for m in runs]
            if not all(named):
                continue
            centres = [(m.start() + m.end()) / 2 for m in runs]
            self._categories = [
                named[min(range(len(runs)), key=lambda r: abs(centres[r] - col.center))]
                for col in part.columns
            ]
            return lines[:i] + lines[i + 1 :]
        return lines

    def _column(self, header: str) -> tuple[str, str, bool, UnitSpec | None]:
        """(metric code, unit, mapped, printed unit) of the numbers under a column header."""
        known = self._column_metrics.get(header)
        if known is not None:
            return known
        label = read_label(header)
        metals = self._table_metals + [m for m in self.context_metals(header) if m not in self._table_metals]
        metric = match(label, MatchContext(self.kind, metals=lambda: metals), lambda m: True)
        spec = label.unit
        if metric is not None:
            unit = (
                spec.code
                if spec is not None and spec.code and compatible(spec.code, metric.unit)
                else metric.unit
            )
            if unit == "TON" and "tonne" in header.lower():
                unit = "TONNE"
            known = (
                metric.code,
                unit,
                True,
                spec if spec is not None and (not spec.code or unit == spec.code) else None,
            )
        else:
            slug = norm(header).replace(" ", "-") or "value"
            known = (
                f"x-{self.kind}-{slug}",
                spec.code if spec is not None and spec.code else "NUMBER",
                False,
                spec,
            )
        self._column_metrics[header] = known
        return known

    # ------------------------------------------------------------ rows

    def data_row(
        self, group: list[Line], raw: str, line: Line, cols: list[int], part: SubTable, headers: list
    ) -> None:
        assert line.row is not None
        ctx = self.ctx
        interval = within = ""
        period: Period | None
        if self.kind in ("drill-intercepts", "drill-collars"):
            subject, label, interval, within = self._hole_row(raw, line)
            share = None
            period = None
            if subject is None:
                self.skip_row(line, "its row names no drill hole and follows none")
                return
        else:
            when = self._rows_date
            if when is None:
                self.problem(line.n, "reserves table without a date; skipped")
                self.skip_row(line, "the reserves table states no date")
                return
            period = Period(end=when)
            subject, label, share = self._reserve_row(raw)
        category = ctx.category if self.kind == "reserves" else ""
        notes = self.footnotes_for(raw)
        source = self.source(line.n)
        by_cell = self.by_cell(line.n)
        for cell, col in zip(line.row.cells, cols, strict=True):
            if cell.number.kind == NA or cell.number.value is None:
                continue
            if by_cell:
                source = self.source(line.n, cell.end - 1)
            header = headers[col]
            code, unit, mapped, spec = self._column(header.text)
            if self._categories and col < len(self._categories):
                category = self._categories[col]
            self.read_cells.add((line.n, cell.start))
            value, decimals = scaled(cell, spec.factor if spec is not None else ONE)
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
                    category=category,
                    column=header.text,
                    footnotes=notes,
                    share=share,
                    mapped=mapped,
                    interval=interval,
                    within=within,
                    minted_from="" if mapped else header.text,
                )
            )
            if not mapped:
                self.unmapped.setdefault(header.text, line.n)

    def _reserve_row(self, raw: str) -> tuple[EntityRef, str, object]:
        """The subject and share of a reserves row: a category row ("Proved") is the heading's; a
        total ("Total Reserves") the company's; a row naming a deposit or unit its own."""
        ctx = self.ctx
        bare = strip_markers(raw)
        parts = [strip_markers(p) for p in re.split(r"\s{2,}", raw.strip())]
        if len(parts) >= 2 and self.category(parts[-1]) and not self.category(parts[0]):
            # "North Zone   Measured": a deposit column and a category column (the deposit printed
            # once, on its first row; the rows below print the category alone)
            name, share = entity_name(parts[0])
            heading = read_heading(parts[0])
            if norm(name).startswith("total") or self._company_term(norm(name)):
                entity, share = self.state.company, None
            else:
                entity = EntityRef(heading.name or name, heading.type or "MiningUnit")
            self.set_subject(entity, -1, parts[0], heading.basis, share)
            ctx.category = self.category(parts[-1])
            return entity, raw, share
        key = norm(bare)
        category = self.category(bare)
        if category:
            ctx.category = category
            if key.startswith("total") or self._company_term(key):
                return self.state.company, raw, None
            return ctx.subject, raw, ctx.share
        name, share = entity_name(bare)
        if self._company_term(norm(name)) or norm(name).startswith("total"):
            return self.state.company, raw, None
        # a row that prints a name keeps it as printed ("San Sebastian, Mexico"); only a heading
        # over category rows is looked up among the release's names (kg/tables/reader.py)
        heading = read_heading(bare)
        return EntityRef(heading.name or name, heading.type or "MiningUnit"), raw, share

    def _hole_row(self, raw: str, line: Line) -> tuple[EntityRef | None, str, str, str]:
        """(subject, label, interval, parent interval) of a drill-hole row: "CT-09-004" names the
        hole; "including" a part of the interval above; a row with neither another interval of
        the hole above; "Le Soledad   RG-04" a vein and its hole."""
        parts = [p for p in re.split(r"\s{2,}", raw.strip()) if p]
        hole = next((p for p in parts if _HOLE.match(p)), "")
        interval = f"{self.table_id}-{line.n}"
        if hole:
            self._hole, self._interval = hole, interval
            return EntityRef(hole, "DrillHole"), raw, interval, ""
        if not self._hole:
            return None, raw, "", ""
        if _INCLUDING.match(raw):
            return EntityRef(self._hole, "DrillHole"), raw or self._hole, interval, self._interval
        self._interval = interval
        return EntityRef(self._hole, "DrillHole"), raw or self._hole, interval, ""

    # ------------------------------------------------------------ dates

    @cached_property
    def _rows_date(self) -> date | None:
        """The date of every row of a reserves table."""
        when = as_of_date(self.caption) or parse_date(self.caption)
        if when is None:
            m = _AS_AT.search(self.before)
            when = parse_date(m.group("date")) if m else None
        if when is None and self.state.reserves_date:
            when = self.state.reserves_date
        if when is None and self.doc.meta.period_end:
            when = self.doc.meta.period_end
        if when is None and self.doc.meta.release_date:
            when = date(self.doc.meta.release_date.year - 1, 12, 31)
        if when is not None:
            self.state.reserves_date = when
        return when
