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
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from kg.facts import EntityRef, Observation, Period
from kg.header import stated_periods
from kg.tables.context import bare_name, entity_name, heading_subject, read_heading, strip_markers
from kg.tables.grid import Line, SubTable
from kg.tables.labels import read_label
from kg.tables.metric_match import MatchContext, match
from kg.tables.numbers import NA, NUMBER, ZERO, Cell, glued_marker
from kg.tables.periods import ColumnHeader, column_headers, period_for, phrase_months
from kg.tables.reader import TableReader
from kg.tables.units import ONE, compatible, dimension, parse_unit
from kg.vocab import Metric, norm, unit_key

_SHARE_COUNT = re.compile(r"\b(?:number\s+of|weighted\s+average)\b.*\bshares\b|\bshares\s+outstanding\b")
_PAREN = re.compile(r"\([^()]*\)?")
_RESIDUAL = re.compile(r"\(\s*\d+\s+(?:other\s+)?[a-z]+s\s*\)", re.I)  # "Other (6 properties)"
_BY = re.compile(
    r"\s+by\s+(?:property|properties|mine|mines|operation|operations|segment|segments|asset|assets|unit|units|region|regions|project|projects)\b.*$",
    re.I,
)
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


@dataclass(frozen=True)
class RowUnit:
    code: str
    factor: Decimal
    guessed: bool = False


def _row_dimension(raw: str, metric: Metric | str | None) -> str:
    """The kind of quantity a row's label prints its unit in, else its metric's ("" if neither)."""
    spec = read_label(raw).unit
    if spec is not None and spec.code:
        return dimension(spec.code)
    return dimension(metric.unit) if isinstance(metric, Metric) else ""


def _column_names(lines: list[str], part: SubTable) -> list[str]:
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


def _unit_only(raw: str) -> bool:
    """Whether a row label prints a unit and nothing else ("000 oz", "US$/oz")."""
    if len(raw) > 20:
        return False
    spec = parse_unit(raw)
    return spec is not None and bool(spec.code) and not spec.rest


class PeriodTable(TableReader):
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
            by_subject = self._subject_columns(headers, _column_names(lines, part))
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
        key = norm(bare)
        if not key or self._company_term(key) or key.startswith("total"):
            subject = self.state.company
        else:
            heading = read_heading(bare)
            subject = heading_subject(heading, self.state.names, self.vocab.company_terms) or EntityRef(
                heading.name or bare, heading.type or "MiningUnit"
            )
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

    def _unit(self, raw: str, metric: Metric | None) -> RowUnit:
        """The unit and scale of a row's figures (see the module docstring)."""
        label = read_label(raw) if raw else None
        spec = label.unit if label else None
        heading = self.ctx.unit
        if metric is not None:
            code = metric.unit
            if spec is not None and spec.code and compatible(spec.code, code):
                # a unit without a scale of its own ("Divided by gold ounces produced" under
                # "(dollars and ounces in thousands)") takes the caption's
                return RowUnit(spec.code, spec.factor if spec.factor != ONE else self._scale(spec.code))
            if heading is not None and heading.code and compatible(heading.code, code):
                code = heading.code
            elif code == "TON" and label is not None and "tonne" in raw.lower():
                code = "TONNE"
            code = self._currency(code)
            factor = spec.factor if spec is not None and not spec.code else self._scale(code)
            return RowUnit(code, factor)
        if spec is not None and spec.code:
            return RowUnit(spec.code, spec.factor if spec.factor != ONE else self._scale(spec.code))
        code = self._guess(raw)
        factor = spec.factor if spec is not None else self._scale(code)
        return RowUnit(code, factor, guessed=True)

    def _scale(self, code: str) -> Decimal:
        factor = self.units.factor(code)
        if factor is not None:
            return factor
        if not self.units.scales and "-PER-" not in code:
            # a table that prints no scale line (production data) follows the release's convention
            # for money and share counts
            default = self.state.default_scale.get(dimension(code)) or self.state.default_scale.get(code)
            if default is not None and dimension(code) in ("currency", "count") and code != "NUMBER":
                return default
        return ONE

    def _currency(self, code: str) -> str:
        """A money unit in the currency the caption names ("(A$ millions)"), when it names one."""
        currency = self.units.currency
        if not currency or currency == "USD" or not dimension(code).startswith("currency"):
            return code
        swapped = currency + code[3:] if code.startswith("USD") else code
        return swapped if swapped in self.vocab.units else code

    def _guess(self, raw: str) -> str:
        """The unit of a row no metric names, from its words; money in a financial statement."""
        if "(" in raw:
            for paren in _PAREN.findall(raw):
                code = self.vocab.unit_labels.get(unit_key(paren))
                if code:
                    return code
        low = f"{raw} {self.ctx.family}".lower()
        rate = {
            "per-oz": "USD-PER-OZ",
            "per-lb": "USD-PER-LB",
            "per-ton": "USD-PER-TON",
            "per-share": "USD-PER-SHARE",
        }
        per = read_label(raw).per if raw else ""
        if per in rate:
            return rate[per]
        if "$/oz" in low or "per ounce" in low:
            return "USD-PER-OZ"
        if "per share" in low or "per common share" in low:
            return "USD-PER-SHARE"
        if "shares" in low and _SHARE_COUNT.search(low):
            return "SHARES"
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
        if ("%" in low or "percent" in low) and not (self.table_metric or self.kind in _FINANCIAL_KINDS):
            return "PERCENT"
        if self.kind in _FINANCIAL_KINDS or "$" in raw or self.table_metric is not None:
            return "USD"
        return "NUMBER"

    def _basis(self, raw: str) -> str:
        key = f" {norm(raw)} "
        for term in self.vocab.price_bases:
            if any(f" {v} " in key for v in term.variants):
                return term.label
        return ""

    # ------------------------------------------------------------ observations

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


def scaled(cell: Cell, factor: Decimal, exp: int | None = None) -> tuple[Decimal, int]:
    """A cell's value in base units and its XBRL-style decimals (``exp``: log10 of ``factor``)."""
    number = cell.number
    value = number.value if number.value is not None else Decimal(0)
    places = 0 if number.kind == ZERO else number.places
    if exp is None:
        exp = factor.adjusted()
    if number.kind == ZERO:
        return Decimal(0), places - exp
    if factor != ONE:
        value = value * factor
        if number.kind == NUMBER and exp < 0:
            value = value.quantize(Decimal(1).scaleb(exp - places))  # 35.0 cents is 0.350 dollars
        elif places - exp <= 0:
            value = value.quantize(ONE)  # 62.8 koz is 62800 ounces, not 62800.0
    return value, places - exp


def year_end(day: date) -> date:
    return date(day.year, 12, 31)
