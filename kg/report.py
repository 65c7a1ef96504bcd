"""Report: a built graph folder → ``report.html``, a static human summary with inline SVG charts.

Input: a ``kg build`` output folder (the store or graph.trig, validation.ttl when
present) and the build summary lines. Output: ``report.html`` in that folder:
the documents processed (title, release date, period), counts of entities,
relations and observations by kind, charts over time per unit (silver and gold
produced, total cash cost per ounce, ore processed, reserves by category) and
per segment (sales, gross profit), and the validation findings with their
``FILE:LINE`` sources and, per check, how many identities were evaluated, held
and could not be evaluated (and why), as validation.ttl records them.

The charts are SVG written here (no script, no library), so the page works
offline and prints. Every text from the documents is HTML-escaped.
"""

from __future__ import annotations

import html
import logging
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.network import Row, select
from kg.viz import read_findings

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

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
MAX_SERIES = 10
TOP_COUNTS = 20  # rows of each count table shown before "more"

_E = html.escape


# ---------------------------------------------------------------- series


@dataclass(frozen=True)
class Point:
    x: date
    value: float
    text: str  # the value as stored (base units)
    period: str
    sources: tuple[str, ...]  # FILE:LINE of every document that printed it


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    series: dict[str, list[Point]]  # series name → points sorted by date


def period_kind(start: str, end: str) -> str:
    """"instant", "quarterly", "annual" or "other" for a period given as ISO dates."""
    if not start:
        return "instant"
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    for name, low, high in PERIOD_KINDS:
        if low <= days <= high:
            return name
    return "other"


def build_charts(rows: list[Row], release: dict[str, str]) -> list[Chart]:
    """The charts of ``CHARTS`` from entity-observations rows; ``release`` maps a file to its release date.

    The same figure printed in several releases is one point: the latest release's
    value (a restatement wins), with every source kept for the tooltip.
    """
    charts: list[Chart] = []
    by_metric: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r["estimate"] != "true":
            by_metric[r["metric"]].append(r)
    for spec in CHARTS:
        chosen = [r for r in by_metric.get(spec.metric, []) if (r["type"] == "Segment") == (spec.per == "segment")]
        groups: dict[tuple[str, str], list[Row]] = defaultdict(list)  # (period kind, category) → rows
        for r in chosen:
            kind = period_kind(r["period_start"], r["period_end"])
            if kind != "other":
                groups[(kind, r["category"])].append(r)
        for (kind, category), rs in sorted(groups.items()):
            title = f"{spec.title} per {spec.per}"
            if category:
                title += f", {category}"
            title += " (at period end)" if kind == "instant" else f" ({kind})"
            charts.append(Chart(title, rs[0]["unit"], _series(rs, release)))
    return charts


def _series(rows: list[Row], release: dict[str, str]) -> dict[str, list[Point]]:
    cells: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        cells[(r["subject"], r["period_start"], r["period_end"])].append(r)
    series: dict[str, list[Point]] = defaultdict(list)
    for (subject, start, end), rs in sorted(cells.items()):
        rs.sort(key=lambda r: (release.get(r["doc"], ""), r["doc"], int(r["line"] or 0)))
        best = rs[-1]
        sources = tuple(sorted({f"{r['doc']}:{r['line']}" for r in rs}))
        period = f"{start} – {end}" if start else end
        series[subject].append(Point(date.fromisoformat(end), float(best["value"]), best["value"], period, sources))
    # the most-reported subjects when there are too many to read
    names = sorted(series, key=lambda s: (-len(series[s]), s))[:MAX_SERIES]
    return {s: sorted(series[s], key=lambda p: p.x) for s in sorted(names)}


# ---------------------------------------------------------------- SVG


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def short_number(v: float) -> str:
    """1234567 → "1.23M", 4.1 → "4.1": compact axis labels."""
    a = abs(v)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.3g}"


def full_number(text: str) -> str:
    try:
        v = float(text)
    except ValueError:
        return text
    return f"{v:,.4f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


def _x_ticks(xs: list[date], sx: Callable[[date], float], min_gap: float = 64.0) -> list[tuple[float, str]]:
    """Tick positions and labels: years when the data spans two years or more, else the dates, never crowded."""
    if (xs[-1] - xs[0]).days >= 730:
        candidates = [(date(y, 1, 1), str(y)) for y in range(xs[0].year + 1, xs[-1].year + 1)]
    else:
        candidates = [(d, d.isoformat()) for d in xs]
    ticks: list[tuple[float, str]] = []
    for d, text in candidates:
        x = sx(d)
        if not ticks or x - ticks[-1][0] >= min_gap:
            ticks.append((x, text))
    return ticks


def svg_chart(chart: Chart, width: int = 520, height: int = 260) -> str:
    """A line chart as inline SVG: one coloured line per series, a tooltip (<title>) per point."""
    left, right, top, bottom = 56, 170, 12, 30
    pw, ph = width - left - right, height - top - bottom
    points = [p for ps in chart.series.values() for p in ps]
    xs = sorted({p.x for p in points})
    x0, x1 = xs[0].toordinal(), xs[-1].toordinal()
    vmin = min(0.0, min(p.value for p in points))
    vmax = max(p.value for p in points)
    if vmax == vmin:
        vmax = vmin + 1
    step = _nice_step(vmax - vmin)
    lo, hi = math.floor(vmin / step) * step, math.ceil(vmax / step) * step

    def sx(d: date) -> float:
        return left + (pw / 2 if x1 == x0 else (d.toordinal() - x0) / (x1 - x0) * pw)

    def sy(v: float) -> float:
        return top + ph - (v - lo) / (hi - lo) * ph

    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_E(chart.title)}">'
    ]
    ticks = int(round((hi - lo) / step))
    for i in range(ticks + 1):
        v = lo + i * step
        y = sy(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_E(short_number(v))}</text>')
    for x, text in _x_ticks(xs, sx):
        out.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" stroke="#999"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle" class="tick">{text}</text>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#999"/>')
    for i, (name, ps) in enumerate(chart.series.items()):
        color = PALETTE[i % len(PALETTE)]
        if len(ps) > 1:
            coords = " ".join(f"{sx(p.x):.1f},{sy(p.value):.1f}" for p in ps)
            out.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
        for p in ps:
            tip = f"{name} · {p.period}: {full_number(p.text)} {chart.unit} ({', '.join(p.sources)})"
            out.append(
                f'<circle cx="{sx(p.x):.1f}" cy="{sy(p.value):.1f}" r="3.5" fill="{color}"><title>{_E(tip)}</title></circle>'
            )
        ly = top + 6 + i * 18
        out.append(f'<rect x="{left + pw + 14}" y="{ly}" width="10" height="10" fill="{color}"/>')
        label = name if len(name) <= 26 else name[:25] + "…"
        out.append(f'<text x="{left + pw + 30}" y="{ly + 9}" class="legend"><title>{_E(name)}</title>{_E(label)}</text>')
    out.append("</svg>")
    return "".join(out)


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
svg.chart { display: block; max-width: 100%; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 8px 24px; }
figure { margin: 0; }
svg .tick { font-size: 11px; fill: #555; } svg .legend { font-size: 12px; fill: #222; }
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
    build_summary: list[str], *, validated: bool = True, check_counts: list[CheckCount] | None = None,
) -> str:
    """The report page from the rows of the report queries and the SHACL findings."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">',
        f"<title>Mining knowledge graph: build report</title><style>{_STYLE}</style></head><body>",
        "<h1>Mining knowledge graph: build report</h1>",
    ]
    if build_summary:
        head, rest = build_summary[:3], build_summary[3:]
        parts.append('<h2 id="build">Build</h2><pre>' + _E("\n".join(head)) + "</pre>")
        if rest:
            parts.append(
                f"<details><summary>{len(rest)} more line(s)</summary><pre>"
                + _E("\n".join(rest))
                + "</pre></details>"
            )

    # A release that prints no "For the Period Ended" line is about the latest period its figures cover.
    latest: dict[str, str] = {}
    for r in observations:
        if r["estimate"] != "true" and r["period_start"] and r["period_end"] > latest.get(r["doc"], ""):
            latest[r["doc"]] = r["period_end"]
    parts.append(f'<h2 id="documents">Documents ({len(documents)})</h2>')
    parts.append(_table(
        ["File", "Title", "Released", "Period ended", "Observations", "Mentions", "Relations"],
        [[d["doc"], d["title"], d["release_date"], d["period_end"] or (f"{latest[d['doc']]} *" if d["doc"] in latest else ""),
          d["observations"] or "0", d["mentions"] or "0", d["relations"] or "0"] for d in documents],
        numeric={4, 5, 6}, cls="documents",
    ))
    if any(not d["period_end"] and d["doc"] in latest for d in documents):
        parts.append('<p class="muted">* not printed in the release: the latest period its figures cover.</p>')

    parts.append('<h2 id="counts">Contents</h2><div class="counts">')
    for kind, title, col in (("entity", "Entities by type", "Type"), ("relation", "Relations by predicate", "Predicate"),
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

    release = {d["doc"]: d["release_date"] for d in documents}
    charts = build_charts(observations, release)
    parts.append(f'<h2 id="charts">Key metrics over time ({len(charts)} charts)</h2>')
    if not charts:
        parts.append('<p class="muted">No observations of the charted metrics in this graph.</p>')
    parts.append('<p class="muted">One line per unit or segment; hover a point for its value and the FILE:LINE it '
                 "was printed on. A figure printed in several releases shows the latest release's value.</p>")
    parts.append('<div class="charts">')
    for chart in charts:
        parts.append(f"<figure><h3>{_E(chart.title)}, {_E(chart.unit)}</h3>{svg_chart(chart)}</figure>")
    parts.append("</div>")

    parts.append(_findings_section(findings, observations, validated, check_counts))
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


def check_counts_of(result: object) -> list[CheckCount]:
    """The identity checks' counts of a ValidationResult (``kg.validate``), as :func:`read_check_counts`
    reads them from validation.ttl: the build hands them over as data."""
    out = [
        CheckCount(
            str(c.shape).rsplit("#", 1)[-1], c.evaluated, c.held, c.failed, c.unevaluated,
            tuple(sorted(c.not_evaluable.items(), key=lambda x: (-x[1], x[0]))),
        )
        for c in getattr(result, "coverage", ())
        if c.identity
    ]
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


def _findings_section(
    findings: list[dict[str, str]], observations: list[Row], validated: bool, counts: list[CheckCount] | None = None
) -> str:
    out = [f'<h2 id="findings">Validation findings ({len(findings)})</h2>']
    if not validated:
        out.append('<p class="muted">No validation report (validation.ttl) in this folder.</p>')
        return "".join(out)
    if not findings:
        out.append("<p>No findings: every shape conforms.</p>")
        out.append(_checks_section(counts or []))
        return "".join(out)
    per_sev: dict[str, int] = defaultdict(int)
    for f in findings:
        per_sev[f["severity"]] += 1
    out.append("<p>" + ", ".join(f'<span class="sev-{_E(s)}">{n} {_E(s.lower())}</span>' for s, n in per_sev.items())
               + "</p>")
    obs_at = {r["obs"]: r for r in observations}
    entity_label = {r["entity"]: r["subject"] for r in observations}
    rows = []
    for f in findings:
        o = obs_at.get(f["focus"])
        source = f"{o['doc']}:{o['line']}" if o else ""
        about = f"{o['subject']} · {o['metric']}" if o else entity_label.get(f["focus"], f["focus"])
        rows.append(
            f'<tr><td class="sev-{_E(f["severity"])}">{_E(f["severity"])}</td><td class="src">{_E(source)}</td>'
            f"<td>{_E(about)}</td><td>{_E(f['message'])}</td></tr>"
        )
    out.append('<table class="findings"><thead><tr><th>Severity</th><th>Source</th><th>About</th><th>Message</th>'
               "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    out.append(_checks_section(counts or []))
    return "".join(out)


# The named queries report.html is made from.
REPORT_QUERIES = ("report-documents", "report-counts", "entity-observations")


def write_report_html(
    out_dir: Path,
    build_summary: list[str],
    rows: dict[str, list[Row]] | None = None,
    findings: list[dict[str, str]] | None = None,
    check_counts: list[CheckCount] | None = None,
) -> None:
    """Write ``out_dir/report.html`` for the graph built in ``out_dir`` (atomically); ``rows``: the
    results of ``REPORT_QUERIES`` when the caller has run them already; ``findings`` and
    ``check_counts``: the validation's, as data (else read from validation.ttl)."""
    out_dir = Path(out_dir)
    rows = rows if rows is not None else select(out_dir, *REPORT_QUERIES)
    validated = findings is not None or (out_dir / "validation.ttl").is_file()
    findings = findings if findings is not None else read_findings(out_dir)
    check_counts = check_counts if check_counts is not None else read_check_counts(out_dir)
    page = render_report(
        rows["report-documents"], rows["report-counts"], rows["entity-observations"], findings, build_summary,
        validated=validated, check_counts=check_counts,
    )
    target = out_dir / "report.html"
    tmp = target.with_name(".report.html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    log.info("wrote %s (%d bytes)", target, len(page.encode("utf-8")))
