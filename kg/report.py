"""Report: a built graph folder → ``report.html``, a static human summary with inline SVG charts.

Input: a ``kg build`` output folder (the store or graph.trig, validation.ttl when
present) and the build summary lines. Output: ``report.html`` in that folder:
the documents processed (title, release date, period), counts of entities,
relations and observations by kind, charts over time per unit (silver and gold
produced, total cash cost per ounce, ore processed, reserves by category) and
per segment (sales, gross profit), and the validation findings with their
``FILE:LINE`` sources and, per check, how many identities were evaluated, held
and could not be evaluated (and why), as validation.ttl records them.

The charts are Vega-Lite specifications drawn by Vega (vega, vega-lite and vega-embed,
inlined from the ``vl-convert-python`` package, so the page needs no network): a true time
axis, each figure drawn over the period it covers with a point at its middle, gaps left as
gaps, a tooltip per figure, zoom and pan on the time axis; under each chart the table of its
figures with a CSV download. Every ``FILE:LINE`` opens the release at that line
(``kg/viz_assets/sources.js``). Every text from the documents is HTML-escaped or goes through
``textContent``.

Why Vega-Lite through vl-convert-python: it is a well-kept library whose specifications say what a
chart means (time scale, intervals, encodings) rather than how to draw it; vl-convert ships the
JavaScript bundle in a PyPI wheel, so nothing is vendored by hand and nothing is fetched when the
page opens.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from kg.network import Row, select
from kg.pipeline import COUNT_KINDS
from kg.viz import _asset, inline_script, read_findings, script_json

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChartSpec:
    """One metric to chart over time: per subject (unit, company or segment) and, for reserves, per category."""

    metric: str
    title: str
    per: str = "unit"  # "unit": every subject except segments; "segment": segments only


# Which metrics the report charts (presentation choice; metric codes are the contract's).
CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("silver-produced", "Silver produced"),
    ChartSpec("gold-produced", "Gold produced"),
    ChartSpec("total-cash-cost-per-oz-silver", "Total cash cost per ounce of silver"),
    ChartSpec("total-cash-cost-per-oz-gold", "Total cash cost per ounce of gold"),
    ChartSpec("ore-processed", "Ore processed"),
    ChartSpec("reserve-contained-silver", "Contained silver in reserves and resources"),
    ChartSpec("reserve-contained-gold", "Contained gold in reserves and resources"),
    ChartSpec("reserve-ore-tons", "Ore tons in reserves and resources"),
    ChartSpec("sales", "Sales", per="segment"),
    ChartSpec("gross-profit", "Gross profit", per="segment"),
)

# Durations that make comparable time series; cumulative year-to-date periods
# (six and nine months) would zig-zag between quarters and are left out.
PERIOD_KINDS: tuple[tuple[str, int, int], ...] = (
    ("quarterly", 80, 100),
    ("six-month", 175, 190),  # half-year and year-to-date columns of interim releases
    ("nine-month", 265, 280),
    ("annual", 355, 375),
)

TOP_COUNTS = 20  # rows of each count table shown before "more"

_E = html.escape


# ---------------------------------------------------------------- series


@dataclass(frozen=True)
class Point:
    """One fact on a chart: the period it covers, its value and every line that prints it."""

    start: date  # first day covered (the date itself for an instant)
    end: date  # last day covered
    value: float
    text: str  # the fact's value as stored (base units)
    period: str  # the period as a reader names it: "quarter ended 2006-12-31"
    series: str  # what the line is: period length, basis, guidance
    sources: tuple[tuple[str, int, str], ...]  # (file, line, number as printed) of every printing

    @property
    def mid(self) -> date:
        return date.fromordinal((self.start.toordinal() + self.end.toordinal() + 1) // 2)


@dataclass(frozen=True)
class Chart:
    title: str
    metric: str
    subject: str
    unit: str
    points: tuple[Point, ...]  # sorted by series, then period


def period_kind(start: str, end: str) -> str:
    """"instant", "quarterly", "six-month", "nine-month", "annual" or "other" for a period given as ISO dates."""
    if not start:
        return "instant"
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    for name, low, high in PERIOD_KINDS:
        if low <= days <= high:
            return name
    return "other"


_PERIOD_NAMES = {
    "quarterly": "quarter", "six-month": "six months", "nine-month": "nine months", "annual": "year", "other": "period",
}


def period_label(start: str, end: str) -> str:
    """How a reader names a period: "year ended 2006-12-31", "quarter ended 2007-06-30", "at 2006-12-31"."""
    kind = period_kind(start, end)
    if kind == "instant":
        return f"at {end}"
    return f"{_PERIOD_NAMES[kind]} ended {end}" if kind != "other" else f"{start} to {end}"


def _series_name(kind: str, share: str, estimate: bool, category: str) -> str:
    parts = [category] if category else []
    parts.append({"instant": "at date", "quarterly": "quarters", "six-month": "six months", "nine-month": "nine months",
                  "annual": "years"}.get(kind, "other periods"))
    if share:
        parts.append(f"{format(Decimal(share) * 100, 'f').rstrip('0').rstrip('.')}% share")
    if estimate:
        parts.append("guidance")
    return ", ".join(parts)


def build_charts(rows: list[Row], release: dict[str, str] | None = None) -> list[Chart]:
    """The charts of ``CHARTS`` from entity-observations rows: one per metric and subject, one point
    per fact (its printings are its sources), series apart by period length, basis (100% or a
    share), category and guidance. ``release`` is unused (the fact's value already is its latest
    release's) and kept for callers."""
    charts: list[Chart] = []
    by_metric: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_metric[r["metric"]].append(r)
    for spec in CHARTS:
        chosen = [r for r in by_metric.get(spec.metric, []) if (r["type"] == "Segment") == (spec.per == "segment")]
        per_subject: dict[str, list[Row]] = defaultdict(list)
        for r in chosen:
            per_subject[r["subject"]].append(r)
        for subject, rs in sorted(per_subject.items()):
            points = _points(rs)
            if len(points) < 2:
                continue
            charts.append(Chart(f"{spec.title}: {subject}", spec.metric, subject, rs[0]["unit"], tuple(points)))
    return charts


def _points(rows: list[Row]) -> list[Point]:
    facts: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        facts[r.get("fact") or r["obs"]].append(r)
    points = []
    for rs in facts.values():
        r = rs[0]
        kind = period_kind(r["period_start"], r["period_end"])
        end = date.fromisoformat(r["period_end"])
        start = date.fromisoformat(r["period_start"]) if r["period_start"] else end
        text = r.get("fact_value") or r["value"]
        sources = tuple(sorted({(x["doc"], int(x["line"] or 0), x.get("printed", "")) for x in rs}))
        series = _series_name(kind, r.get("share", ""), r["estimate"] == "true", r["category"])
        points.append(Point(start, end, float(text), text, period_label(r["period_start"], r["period_end"]), series, sources))
    return sorted(points, key=lambda p: (p.series, p.start, p.end))


def full_number(text: str) -> str:
    try:
        v = float(text)
    except ValueError:
        return text
    return f"{v:,.4f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


def vega_lite_spec(chart: Chart) -> dict[str, object]:
    """The chart as a Vega-Lite specification: each figure a bar along the time axis over the period
    it covers (a point at its middle), nothing drawn between figures, so a missing period is a gap;
    colour by series, dashes for guidance; a tooltip per figure; zoom and pan on the time axis."""
    values = [
        {
            "start": p.start.isoformat(),
            "end": (p.end + timedelta(days=1)).isoformat(),  # the period's last day, drawn whole
            "mid": p.mid.isoformat(),
            "value": p.value,
            "shown": f"{full_number(p.text)} {chart.unit}",
            "period": p.period,
            "series": p.series,
            "guidance": "guidance" in p.series,
            "sources": ", ".join(f"{d}:{n}" for d, n, _ in p.sources),
        }
        for p in chart.points
    ]
    x = {"field": "start", "type": "temporal", "title": None, "axis": {"format": "%Y", "tickCount": "year", "grid": True}}
    color = {"field": "series", "type": "nominal", "title": "series", "legend": {"orient": "bottom", "columns": 2}}
    tooltip = [
        {"field": "period", "title": "period"},
        {"field": "shown", "title": "value"},
        {"field": "series", "title": "series"},
        {"field": "sources", "title": "printed at"},
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "height": 220,
        "data": {"name": "points", "values": values},
        "encoding": {
            "y": {"field": "value", "type": "quantitative", "title": chart.unit, "scale": {"zero": False}},
            "color": color,
        },
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 3},
                "encoding": {
                    "x": x, "x2": {"field": "end"},
                    "strokeDash": {"field": "guidance", "type": "nominal", "legend": None,
                                   "scale": {"domain": [False, True], "range": [[1, 0], [4, 3]]}},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 45},
                "params": [{"name": "zoom", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}],
                "encoding": {"x": dict(x, field="mid"), "tooltip": tooltip},
            },
        ],
    }


def _csv_link(chart: Chart, name: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["subject", "metric", "series", "period_start", "period_end", "value", "unit", "sources"])
    for p in chart.points:
        w.writerow([chart.subject, chart.metric, p.series, p.start.isoformat(), p.end.isoformat(), p.text, chart.unit,
                    " ".join(f"{d}:{n}" for d, n, _ in p.sources)])
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(buf.getvalue())
    return f'<a class="csv" download="{_E(name)}.csv" href="{_E(href)}">CSV</a>'


def src_link(doc: str, line: int | str, mark: str = "") -> str:
    """A FILE:LINE that opens the release at that line (kg/viz_assets/sources.js)."""
    extra = f' data-mark="{_E(mark)}"' if mark else ""
    return (f'<a class="src-link" href="#{_E(doc)}:{_E(str(line))}" data-doc="{_E(doc)}" data-line="{_E(str(line))}"'
            f"{extra}>{_E(doc)}:{_E(str(line))}</a>")


def chart_html(chart: Chart, k: int) -> str:
    """A chart's figure: its title, the Vega-Lite view, and the table of its figures with a CSV link."""
    rows = "".join(
        f"<tr><td>{_E(p.period)}</td><td>{_E(p.series)}</td><td class=num>{_E(full_number(p.text))}</td>"
        f"<td>{''.join(src_link(d, n, printed) for d, n, printed in p.sources)}</td></tr>"
        for p in chart.points
    )
    slug = f"{chart.metric}-{chart.subject}".lower().replace(" ", "-")
    return (
        f'<figure class="chart-figure" data-chart="{k}"><h3>{_E(chart.title)} ({_E(chart.unit)})</h3>'
        f'<div class="vega-chart" id="chart-{k}"></div>'
        f'<script type="application/json" class="vega-spec" data-for="chart-{k}">{script_json(vega_lite_spec(chart))}</script>'
        f'<details class="chart-table"><summary>The {len(chart.points)} figures {_csv_link(chart, slug)}</summary>'
        f'<table class="figures"><thead><tr><th>Period</th><th>Series</th><th class=num>Value ({_E(chart.unit)})</th>'
        f"<th>Printed at</th></tr></thead><tbody>{rows}</tbody></table></details></figure>"
    )


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (from vl-convert-python; no network)."""
    import vl_convert

    return inline_script(vl_convert.javascript_bundle())


_EMBED = """
(function () {
  "use strict";
  window.kgCharts = {};
  var specs = document.querySelectorAll("script.vega-spec");
  var pending = [];
  specs.forEach(function (s) {
    var id = s.getAttribute("data-for");
    pending.push(vegaEmbed("#" + id, JSON.parse(s.textContent), { renderer: "svg", actions: false })
      .then(function (r) { window.kgCharts[id] = r.view; }));
  });
  Promise.all(pending).then(function () { window.kgChartsReady = true; });
})();
"""


# ---------------------------------------------------------------- page

_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto;
       max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 4px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.counts { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-start; }
.src { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 8px 24px; }
figure { margin: 0; } .vega-chart { width: 100%; min-height: 240px; }
.chart-table summary { cursor: pointer; color: #444; font-size: 13px; } .chart-table table { font-size: 12px; }
a.csv { margin-left: 8px; font-size: 12px; }
.totals span { margin-right: 10px; }
.sev-Violation { color: #b00; font-weight: 600; } .sev-Warning { color: #c60; font-weight: 600; }
.sev-Info { color: #367; }
.muted { color: #666; }
"""


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None, cls: str = "") -> str:
    numeric = numeric or set()
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{_E(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{_E(c)}</td>' for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_report(
    documents: list[Row], counts: list[Row], observations: list[Row], findings: list[dict[str, str]],
    build_summary: list[str], *, validated: bool = True, totals: list[Row] | None = None,
    sources: dict[str, dict[str, str]] | None = None, with_script: bool = True,
    check_counts: list[CheckCount] | None = None,
) -> str:
    """The report page from the rows of the report queries, the SHACL findings and the lines the
    page cites (``sources``: document → {line: text}, :func:`kg.sources.excerpts`)."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">',
        f"<title>Mining knowledge graph: build report</title><style>{_STYLE}{_asset('sources.css')}</style></head><body>",
        "<h1>Mining knowledge graph: build report</h1>",
    ]
    if totals:
        by_kind = {r["kind"]: r["count"] for r in totals}
        parts.append('<p class="totals">' + ", ".join(
            f"<span data-kind=\"{_E(k)}\">{_E(by_kind.get(k, '0'))} {_E(k)}</span>" for k in COUNT_KINDS
        ) + ' <span class="muted">(kg query counts)</span></p>')
    if build_summary:
        head, rest = build_summary[:3], build_summary[3:]
        parts.append('<h2 id="build">Build</h2><pre>' + _E("\n".join(head)) + "</pre>")
        if rest:
            parts.append(
                f"<details><summary>{len(rest)} more line(s)</summary><pre>"
                + _E("\n".join(rest))
                + "</pre></details>"
            )

    parts.append(f'<h2 id="documents">Documents ({len(documents)})</h2>')
    parts.append(_table(
        ["File", "Title", "Released", "Period ended", "Observations", "Mentions", "Relations"],
        [[d["doc"], d["title"], d["release_date"],
          d["period_end"] or (f"{d['figures_to']} *" if d.get("figures_to") else ""),
          d["observations"] or "0", d["mentions"] or "0", d["relations"] or "0"] for d in documents],
        numeric={4, 5, 6}, cls="documents",
    ))
    if any(not d["period_end"] and d.get("figures_to") for d in documents):
        parts.append('<p class="muted">* not printed in the release: the latest period its results cover '
                     "(the documents query's figures_to).</p>")

    parts.append('<h2 id="counts">Contents</h2><div class="counts">')
    for kind, title, col in (("entity", "Entities by type", "Type"), ("relation", "Relation statements by predicate", "Predicate"),
                             ("observation", "Observations by metric", "Metric")):
        rs = [r for r in counts if r["kind"] == kind]
        total = sum(int(r["count"]) for r in rs)
        parts.append(f"<div><h3>{_E(title)} ({total:,})</h3>")
        cells = [[r["name"], f"{int(r['count']):,}"] for r in rs]
        parts.append(_table([col, "Count"], cells[:TOP_COUNTS], numeric={1}, cls=f"counts-{kind}"))
        if len(cells) > TOP_COUNTS:
            parts.append(
                f"<details><summary>{len(cells) - TOP_COUNTS} more</summary>"
                + _table([col, "Count"], cells[TOP_COUNTS:], numeric={1}, cls=f"counts-{kind}")
                + "</details>"
            )
        parts.append("</div>")
    parts.append("</div>")

    charts = build_charts([r for r in observations if r.get("period_end")])
    parts.append(f'<h2 id="charts">Key metrics over time ({len(charts)} charts)</h2>')
    if not charts:
        parts.append('<p class="muted">No observations of the charted metrics in this graph.</p>')
    parts.append('<p class="muted">One chart per metric and unit (or segment), one mark per fact: a bar over the '
                 "period it covers with a point at its middle (quarters, half years, nine months and years are series "
                 "of their own, as are figures at a share and guidance, dashed); no line joins two figures, so a "
                 "missing period is a gap. Hover a point for its value and the lines that print it; drag or scroll "
                 "to zoom the time axis. The table under each chart holds its figures, with a CSV download.</p>")
    parts.append('<div class="charts">')
    for k, chart in enumerate(charts):
        parts.append(chart_html(chart, k))
    parts.append("</div>")

    parts.append(_findings_section(findings, observations, validated, check_counts))
    parts.append(f'<script type="application/json" id="kg-sources">{script_json(sources or {})}</script>')
    parts.append(f"<script>{inline_script(_asset('sources.js'))}</script>")
    if charts and with_script:
        parts.append(f"<script>{vega_bundle()}</script><script>{_EMBED}</script>")
    parts.append("</body></html>\n")
    return "".join(parts)


@dataclass(frozen=True)
class CheckCount:
    """How many identities one check evaluated, held and could not evaluate (from validation.ttl)."""

    shape: str
    evaluated: int
    held: int
    failed: int
    not_evaluated: int
    reasons: tuple[tuple[str, int], ...]  # (why, how many), most frequent first


def read_check_counts(data: Path) -> list[CheckCount]:
    """The identity checks' counts that validation.ttl records (mkgsh:coverage on the report), by shape name;
    empty when the folder has no validation.ttl or it records none."""
    path = Path(data) / "validation.ttl"
    if not path.is_file():
        return []
    from rdflib import Graph, Literal
    from rdflib.namespace import RDFS, SH

    from kg.graph.namespace import SHAPES

    g = Graph()
    g.parse(path, format="turtle")

    def number(node: object, p: object) -> int:
        v = g.value(node, p)
        return int(v.toPython()) if isinstance(v, Literal) else 0

    out = []
    for node in g.objects(None, SHAPES.coverage):
        if g.value(node, SHAPES.identity) != Literal(True):
            continue
        reasons = sorted(
            ((str(g.value(r, RDFS.label)), number(r, SHAPES["count"])) for r in g.objects(node, SHAPES.reason)),
            key=lambda x: (-x[1], x[0]),
        )
        out.append(CheckCount(
            str(g.value(node, SH.sourceShape)).rsplit("#", 1)[-1], number(node, SHAPES.evaluated),
            number(node, SHAPES.held), number(node, SHAPES.failed), number(node, SHAPES.notEvaluated), tuple(reasons),
        ))
    return sorted(out, key=lambda c: c.shape)


def _checks_section(counts: list[CheckCount]) -> str:
    if not counts:
        return ""
    rows = [[c.shape, str(c.evaluated), str(c.held), str(c.failed), str(c.not_evaluated),
             "; ".join(f"{n}: {why}" for why, n in c.reasons)] for c in counts]
    evaluated, missing = sum(c.evaluated for c in counts), sum(c.not_evaluated for c in counts)
    return (f'<h3 id="checks">Identities checked: {evaluated:,} evaluated, {missing:,} not evaluable</h3>'
            + _table(["Check", "Evaluated", "Held", "Failed", "Not evaluable", "Why not"], rows,
                     numeric={1, 2, 3, 4}, cls="checks"))


def distinct_findings(findings: list[dict[str, str]]) -> list[dict[str, object]]:
    """Results that tell one story (one shape, one message: a row printed in four columns) as one
    finding with every focus node, as `kg validate` counts and prints them."""
    out: dict[tuple[str, str], dict[str, object]] = {}
    for f in findings:
        item = out.setdefault((f["shape"], f["message"]), {**f, "foci": []})
        item["foci"].append(f["focus"])  # type: ignore[union-attr]
    return list(out.values())


def finding_citations(findings: list[dict[str, str]], observations: list[Row]) -> list[tuple[str, int]]:
    """Every FILE:LINE the findings section shows."""
    from kg.sources import citations_in

    obs_at = {r["obs"]: r for r in observations}
    out = []
    for f in findings:
        out.extend(citations_in(f["message"]))
        o = obs_at.get(f["focus"])
        if o:
            out.append((o["doc"], int(o["line"] or 0)))
    return out


def _findings_section(
    findings: list[dict[str, str]], observations: list[Row], validated: bool, counts: list[CheckCount] | None = None
) -> str:
    from kg.sources import citations_in

    distinct = distinct_findings(findings)
    out = [f'<h2 id="findings">Validation findings ({len(distinct)})</h2>']
    if not validated:
        out.append('<p class="muted">No validation report (validation.ttl) in this folder.</p>')
        return "".join(out)
    if not distinct:
        out.append("<p>No findings: every shape conforms.</p>")
        out.append(_checks_section(counts or []))
        return "".join(out)
    per_sev: dict[str, int] = defaultdict(int)
    for f in distinct:
        per_sev[str(f["severity"])] += 1
    out.append("<p>" + ", ".join(f'<span class="sev-{_E(s)}">{n} {_E(s.lower())}</span>' for s, n in per_sev.items())
               + f' <span class="muted">(as kg validate counts them; validation.ttl holds {len(findings)} results, '
               "one per focus node)</span></p>")
    obs_at = {r["obs"]: r for r in observations}
    entity_label = {r["entity"]: r["subject"] for r in observations}
    rows = []
    for f in distinct:
        o = obs_at.get(str(f["focus"]))
        cited = citations_in(str(f["message"]))
        if not cited and o:
            cited = [(o["doc"], int(o["line"] or 0))]
        printed = {(r["doc"], int(r["line"] or 0)): r.get("printed", "") for r in observations if r["obs"] in f["foci"]}  # type: ignore[operator]
        links = "".join(src_link(d, n, printed.get((d, n), "")) for d, n in dict.fromkeys(cited))
        about = f"{o['subject']} · {o['metric']}" if o else entity_label.get(str(f["focus"]), str(f["focus"]))
        rows.append(
            f'<tr><td class="sev-{_E(str(f["severity"]))}">{_E(str(f["severity"]))}</td><td class="src">{links}</td>'
            f"<td>{_E(about)}</td><td>{_E(str(f['message']))}</td></tr>"
        )
    out.append('<table class="findings"><thead><tr><th>Severity</th><th>Sources</th><th>About</th><th>Message</th>'
               "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    out.append(_checks_section(counts or []))
    return "".join(out)


# The named queries report.html is made from.
REPORT_QUERIES = ("report-documents", "report-counts", "entity-observations", "counts")


def write_report_html(
    out_dir: Path, build_summary: list[str], rows: dict[str, list[Row]] | None = None
) -> None:
    """Write ``out_dir/report.html`` for the graph built in ``out_dir`` (atomically); ``rows``: the
    results of ``REPORT_QUERIES`` when the caller has run them already."""
    from kg.sources import excerpts

    out_dir = Path(out_dir)
    rows = rows if rows is not None else select(out_dir, *REPORT_QUERIES)
    findings = read_findings(out_dir)
    observations = rows["entity-observations"]
    charts = build_charts([r for r in observations if r.get("period_end")])
    cited = [(d, n) for c in charts for p in c.points for d, n, _ in p.sources]
    cited += finding_citations(findings, observations)
    page = render_report(
        rows["report-documents"], rows["report-counts"], observations, findings, build_summary,
        validated=(out_dir / "validation.ttl").is_file(), totals=rows.get("counts"),
        sources=excerpts(out_dir, cited), check_counts=read_check_counts(out_dir),
    )
    target = out_dir / "report.html"
    tmp = target.with_name(".report.html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    log.info("wrote %s (%d bytes)", target, len(page.encode("utf-8")))
