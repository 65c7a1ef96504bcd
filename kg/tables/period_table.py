"""The commonest table shape: rows are metrics, columns are periods.

Input: a grid whose column headers name periods ("Three Months Ended / September 30, / 2006",
"Q4 2016", "Year ended Dec. 2016", "June 30, 2011"): statements of operations, balance sheets,
cash flows, highlights, per-unit production data, reconciliations, capital additions, revenue
by property. Output: one observation per number, dated by its column.

A row's metric comes from its label (:mod:`kg.tables.labels`); a row whose label names no metric
but a segment, unit or property takes the metric of its family row or of the table's caption
("Sales:" over "Silver operations"; "ROYALTY REVENUE BY PROPERTY" over "Twin Cedars mine"). Its
unit and scale come from the label ("(koz)", "(A$/oz)"), else its section heading ("(short
tons)"), else the caption ("(in thousands of U.S. dollars, except per share amounts)") and the
release's other captions, else the metric's own unit; a rate is never scaled by a caption.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from kg.facts import EntityRef, Observation, Period
from kg.tables.column_roles import ColumnRoles, column_names
from kg.tables.context import entity_name, read_heading, strip_markers
from kg.tables.grid import Line, SubTable
from kg.tables.labels import read_label
from kg.tables.metric_match import MatchContext, match
from kg.tables.numbers import NA, Cell, glued_marker, scaled
from kg.tables.periods import ColumnHeader, column_headers, period_for, phrase_months
from kg.tables.reader import TableReader
from kg.tables.row_units import RowUnits
from kg.tables.units import dimension, parse_unit
from kg.vocab import Metric, norm

_RESIDUAL = re.compile(r"\(\s*\d+\s+(?:other\s+)?[a-z]+s\s*\)", re.I)  # "Other (6 properties)"
_BY = re.compile(
    r"\s+by\s+(?:property|properties|mine|mines|operation|operations|segment|segments|asset|assets|unit|units|region|regions|project|projects)\b.*$",
    re.I,
)

# one column as a row's numbers take it: its period (None when it has none), header text, forecast flag
_Column = tuple[Period | None, str, bool]
# per column: as the header prints it, as the instant at its end, as the period of a flow metric
_ColumnInfo = tuple[list[_Column], list[_Column], list[_Column]]


def _row_dimension(raw: str, metric: Metric | str | None) -> str:
    """The kind of quantity a row's label prints its unit in, else its metric's ("" if neither)."""
    spec = read_label(raw).unit
    if spec is not None and spec.code:
        return dimension(spec.code)
    return dimension(metric.unit) if isinstance(metric, Metric) else ""


def _unit_only(raw: str) -> bool:
    """Whether a row label prints a unit and nothing else ("000 oz", "US$/oz")."""
    if len(raw) > 20:
        return False
    spec = parse_unit(raw)
    return spec is not None and bool(spec.code) and not spec.rest


class PeriodTable(ColumnRoles, RowUnits, TableReader):
    shape = "periods"

    def start(self) -> None:
        self._estimates: dict[str, bool] = {}
        self._no_period: set[tuple[int, int]] = set()
        self._columns: dict[int, tuple[list[ColumnHeader], _ColumnInfo]] = {}
        # headers of columns that name subjects, by id: (the headers, the subject of each column)
        self._column_subjects: dict[int, tuple[list[ColumnHeader], list[EntityRef]]] = {}
        # headers of columns that name metrics, by id: (the headers, the metric of each column)
        self._column_metrics: dict[int, tuple[list[ColumnHeader], list[Metric | str]]] = {}
        self.table_metric = self._caption_metric()
        self._row_above: tuple[Metric | str, EntityRef, Decimal | None] | None = None
        self._above_dimension = ""  # the kind of quantity the row above prints
        self._units_first = False  # a unit row has been the first of its pair (see _label_below)
        if self.kind == "capital-additions":
            self.ctx.family, self.ctx.family_indent = "capital additions", -1

    def _caption_metric(self) -> Metric | None:
        """The metric a caption says every row reports ("ROYALTY REVENUE BY PROPERTY")."""
        for line in self.grid.caption:
            text = line.stripped
            if not _BY.search(text):
                continue
            head = _BY.sub("", strip_markers(text)).strip()
            found = match(read_label(head), MatchContext(self.kind), lambda m: True)
            if found is not None:
                return found
        return None

    # ------------------------------------------------------------ columns

    def headers(self, part: SubTable) -> list[ColumnHeader] | None:
        if not part.columns:
            return None
        lines = [ln.text for ln in part.header]
        rules = [ln.text for ln in part.rules]
        if lines:
            fiscal_year_end = getattr(self.doc.meta, "fiscal_year_end", None)
            headers = column_headers(
                lines,
                part.columns,
                part.label_end,
                self._default_month_day(),
                rules,
                fiscal_year_end,
                self.doc.meta.period_end,
            )
            if any(h.period for h in headers):
                self.state.last_headers = headers
                self._spanning_subjects(lines, part, headers)
                return headers
            by_subject = self._subject_columns(headers, column_names(lines, part))
            if by_subject is not None:
                return by_subject
            by_metric = self._metric_columns(headers)
            if by_metric is not None:
                return by_metric
        if self.state.last_headers and len(self.state.last_headers) == len(part.columns):
            return self.state.last_headers
        first = part.data[0].n if part.data else self.first_line
        self.problem(
            first, f"table {self.table_id}: no column periods found over {len(part.columns)} columns"
        )
        return None

    def _release_months(self) -> int:
        """3 or 6 when the release reports a quarter or a half (its header's period), else 0."""
        start, end = self.doc.meta.period_start, self.doc.meta.period_end
        if start is None or end is None:
            return 0
        following = end + timedelta(days=1)
        months = (following.year - start.year) * 12 + following.month - start.month
        return months if months in (3, 6) and following.day == start.day else 0

    def _default_month_day(self) -> tuple[int, int] | None:
        end = self.doc.meta.period_end
        return (end.month, end.day) if end else None

    def _column_info(self, headers: list[ColumnHeader]) -> _ColumnInfo:
        """Per column, three ways: the period as the header prints it, the instant at its end and
        the period a flow metric (production, sales) covers; each with the header text and whether
        it marks a forecast. Worked out once per header list.

        A column dated by a year or a date alone ("2009", "June 30, 2009") is an instant, but a
        flow is never one: it covers the period the caption names ("THIRD QUARTER"), else, for a
        column dated by its month ("September 2019") in a release of a quarter or a half, a
        period of that length (the quarter ended September 2019), else the year to that date. A
        column without a period has None in all three."""
        cached = self._columns.get(id(headers))
        if cached is not None and cached[0] is headers:
            return cached[1]
        named = phrase_months(self.caption)
        caption_months = named or 12
        month_months = named or self._release_months() or 12
        durations: list[_Column] = []
        instants: list[_Column] = []
        flows: list[_Column] = []
        for h in headers:
            text, period, estimate = h.text, h.period, self._estimate(h.text)
            durations.append((period, text, estimate))
            instants.append((Period(end=period.end) if period is not None else None, text, estimate))
            flow = (
                period_for(period.end, month_months if h.by_month else caption_months)
                if period is not None and period.start is None
                else period
            )
            flows.append((flow, text, estimate))
        info = (durations, instants, flows)
        self._columns[id(headers)] = (headers, info)
        return info

    def _estimate(self, header_text: str) -> bool:
        known = self._estimates.get(header_text)
        if known is None:
            known = self._estimates[header_text] = bool(
                set(norm(header_text).split()) & self.vocab.estimate_words
            )
        return known

    # ------------------------------------------------------------ rows

    def data_row(
        self, group: list[Line], raw: str, line: Line, cols: list[int], part: SubTable, headers: list
    ) -> None:
        ctx = self.ctx
        by_metric = self._column_metrics.get(id(headers))
        if by_metric is not None and by_metric[0] is headers:
            self._metric_columns_row(raw, line, cols, headers)
            return
        if not raw:
            # An unlabelled subtotal under a rule: named after its family row, or the row above it.
            basis = strip_markers(ctx.family).rstrip(":") or (
                "after " + ctx.section_labels[-1] if ctx.section_labels else "table"
            )
            self._emit(line, "", self.mint("subtotal " + basis), ctx.subject, ctx.share, cols, headers)
            return
        if raw[:1] in "-\u2013\u2014" and ctx.section_labels:
            # "- diluted" under "Weighted average shares outstanding - basic": the row above's label
            # with its last part replaced
            above = ctx.section_labels[-1]
            stem = (
                re.split(r"\s+[-\u2013\u2014]\s+", above)[0]
                if re.search(r"\s[-\u2013\u2014]\s", above)
                else above
            )
            raw = f"{stem} {raw}"
        above = self._row_above
        unit_only = len(group) == 1 and _unit_only(raw)
        below = self._label_below(part, line, raw) if unit_only else None
        if below is not None:
            # "kg" over "Gold produced   000'oz" (the label printed level with the second of its
            # two rows): the row below, printed in another unit
            metric, subject, share = below
        elif above is not None and unit_only:
            # "000 oz" under "Gold produced   kg": the row above, printed in another unit
            metric, subject, share = above
        else:
            metric, subject, share, raw = self._resolve(group, raw)
            ctx.section_labels.append(raw)
            ctx.family_rows += 1
            self._above_dimension = _row_dimension(raw, metric)
        self._row_above = (metric, subject, share)
        self._emit(line, raw, metric, subject, share, cols, headers)

    def _label_below(
        self, part: SubTable, line: Line, raw: str
    ) -> tuple[Metric | str, EntityRef, Decimal | None] | None:
        """The metric, subject and share of the row below a row that prints only a unit, when that
        row is its label: the row above measures something else (or there is none) and the row
        below prints a unit of the same kind ("kg" over "Gold produced   000'oz", under "Grade
        mined   g/t"). Once a table has printed a pair that way, it prints every pair that way.
        """
        spec = parse_unit(raw)
        kind = dimension(spec.code) if spec is not None else ""
        if not kind or (
            self._row_above is not None and self._above_dimension == kind and not self._units_first
        ):
            return None
        data = part.data
        k = next((k for k, ln in enumerate(data) if ln is line), len(data))
        if k + 1 >= len(data) or data[k + 1].row is None:
            return None
        label = data[k + 1].row.label.strip()  # type: ignore[union-attr]
        if not label or _unit_only(label) or _row_dimension(label, None) != kind:
            return None
        metric, subject, share, _ = self._resolve([data[k + 1]], label)
        self._units_first = True
        return metric, subject, share

    def _resolve(self, group: list[Line], raw: str) -> tuple[Metric | str, EntityRef, Decimal | None, str]:
        ctx = self.ctx
        metric = self.match(raw)
        if (
            metric is not None
            and metric.period_kind == "duration"
            and self.vocab.table_period_kind(self.kind) == "instant"
        ):
            metric = None  # "Non-controlling interest" in a balance sheet is equity, not income
        if metric is None and len(group) > 1:
            # "Other operating expenses" / "  General and administrative  4,452": the first lines
            # were a family row without its colon.
            for k in range(1, len(group)):
                tail = " ".join([ln.stripped for ln in group[k:-1]] + [group[-1].row.label]).strip()  # type: ignore[union-attr]
                if not tail[:1].isupper():
                    continue  # "    preferred stock dividends" continues a wrapped label
                found = self.match(tail)
                if found is not None:
                    self.label_row(" ".join(ln.stripped for ln in group[:k]), group[0].indent, group[0].n)
                    metric, raw = found, tail
                    break
        label = read_label(raw)
        # a row printed at 100% ("Ore processed (kt) (100%)") under a heading stating the company's
        # interest is the whole operation's, not the share's
        share = label.share or (None if label.basis == "100%" else ctx.share)
        if metric is not None:
            if metric.operational and ctx.subject is self.state.company and not ctx.section:
                # a release of one mine: its operating figures under no heading are the mine's
                single = self.state.names.single_operation()
                if single is not None:
                    return metric, single, share, raw
            return metric, ctx.subject, share, raw
        over = (self.family_metric(ctx.family) if ctx.family else None) or self.table_metric
        if over is not None:  # the row may name what the family row's or caption's metric is for
            name, row_share = entity_name(strip_markers(raw))
            key = norm(name)
            if _RESIDUAL.search(raw) or self._company_term(key) or key.startswith("total"):
                return over, self.state.company, None, raw  # "Other (6 properties)", "Total"
            segment = self.vocab.segment(key)
            if segment:
                return over, EntityRef(segment, "Segment"), None, raw
            # a row that prints a name keeps it as printed ("Greens Creek" under "Capital additions")
            heading = read_heading(strip_markers(raw))
            if heading.type:
                return over, EntityRef(heading.name, heading.type), row_share, raw
            if self.kind == "capital-additions" and name:
                return over, EntityRef(name, "MiningUnit"), row_share, raw
            if self.table_metric is over:
                return over, ctx.subject, share, raw  # "3.0% NSR; Operator Corp." under the property above
        return self.mint(raw), ctx.subject, share, raw

    # ------------------------------------------------------------ units

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
        unit = self._unit(raw, metric if isinstance(metric, Metric) else None)
        exp = unit.factor.adjusted()  # factors are powers of ten
        basis = self._basis(raw) if "price" in code else ""
        notes = self.footnotes_for(raw)
        source = self.source(line.n)
        durations, instants, flows = self._column_info(headers)
        if isinstance(metric, Metric) and metric.period_kind == "instant":
            columns = instants
        else:
            columns = flows if mapped else durations
        by_cell = self.by_cell(line.n)
        # the family row this line stands under keeps it apart from another line of the same metric
        context = strip_markers(self.ctx.family).rstrip(":-").strip() or None
        by_column = self._column_subjects.get(id(headers))
        column_subjects = by_column[1] if by_column is not None and by_column[0] is headers else None
        for cell, col in zip(line.row.cells, cols, strict=True):
            value, places, kind, printed = cell.number
            if kind == NA or value is None:
                continue
            if column_subjects is not None and not self.ctx.section:
                subject = column_subjects[col]
            if by_cell:
                source = self.source(line.n, cell.end - 1)
            period, column, estimate = columns[col]
            if period is None:
                self._no_period_note(line.n, headers, col)
                self.skipped.setdefault(
                    (line.n, cell.start), f"its column has no period (header {headers[col].text!r})"
                )
                continue
            self.read_cells.add((line.n, cell.start))
            value, decimals = scaled(cell, unit.factor, exp)
            cell_note = (
                self.footnotes.get(glued_marker(printed)) if self.footnotes and ")" in printed else None
            )
            self.observations.append(
                Observation(
                    subject,
                    code,
                    period,
                    value,
                    unit.code,
                    decimals,
                    source,
                    printed,
                    raw,
                    column=column,
                    footnotes=notes + (cell_note,) if cell_note and cell_note not in notes else notes,
                    estimate=estimate,
                    basis=basis,
                    share=share,
                    mapped=mapped,
                    unit_guessed=unit.guessed,
                    minted_from="" if mapped else raw or code,
                    family=context,
                )
            )
            if line.row.highs:
                self._range(line, cell, unit.factor, exp)
        if not mapped:
            self.unmapped.setdefault(raw or code, line.n)

    def _range(self, line: Line, cell: Cell, factor: Decimal, exp: int) -> None:
        """A cell printing a range ("180,000 - 200,000"): the observation just made is its lower
        bound, and its upper end another observation, the upper bound."""
        assert line.row is not None
        high = dict(line.row.highs).get(cell.end)
        if high is None:
            return
        low = self.observations[-1]
        value, decimals = scaled(high, factor, exp)
        source = self.source(line.n, high.end - 1) if self.by_cell(line.n) else low.source
        self.observations[-1] = replace(low, bound="lower")
        self.observations.append(
            replace(low, value=value, decimals=decimals, printed=high.printed, source=source, bound="upper")
        )
        self.read_cells.add((line.n, high.start))

    def _no_period_note(self, n: int, headers: list[ColumnHeader], col: int) -> None:
        """One note per column, not per row: a "% Change" column has no period at all."""
        if (id(headers), col) in self._no_period:
            return
        self._no_period.add((id(headers), col))
        header = headers[col]
        self.problem(
            n,
            f"table {self.table_id}: no period for column {col + 1} ({header.text!r}): "
            f"{header.problem}; its numbers are left out",
            "info",
        )


def year_end(day: date) -> date:
    return date(day.year, 12, 31)
