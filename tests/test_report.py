"""report.html: documents, counts, SVG charts over time, findings with FILE:LINE; escaped and deterministic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.report import build_charts, period_kind, write_report_html

try:
    from test_viz import REFS, build_sample_dir
except ImportError:  # tests/ imported as a package
    from tests.test_viz import REFS, build_sample_dir


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = build_sample_dir(tmp_path_factory.mktemp("report-sample"))
    write_report_html(out, ["built 3 document(s)", "<b>not bold</b>"])
    return (out / "report.html").read_text(encoding="utf-8")


def test_documents_and_counts(report: str) -> None:
    for name in ("000_a.txt", "001_b.txt", "002_c.txt"):
        assert name in report
    assert "Hecla reports results &lt;2&gt; &amp; more" in report
    assert "2007-02-21" in report
    assert f"Entities by type ({len(REFS)})" in report
    assert re.search(r"<td>MiningUnit</td><td class=num>2</td>", report)
    assert re.search(r"<td>locatedIn</td><td class=num>6</td>", report)
    assert re.search(r"<td>silver-produced</td><td class=num>6</td>", report)


def test_charts_are_vega_lite_views_each_with_its_table(report: str) -> None:
    assert "<script src" not in report and "<link rel=\"stylesheet\"" not in report  # nothing fetched
    titles = re.findall(r'<figure class="chart-figure" data-chart="\d+"><h3>(.*?)</h3>', report)
    assert "Silver produced: Lucky Friday Unit (OZ)" in titles
    assert "Sales: Silver operations (USD)" in titles
    figures = re.findall(r'<figure class="chart-figure".*?</figure>', report, re.S)
    assert len(figures) == len(titles) and all('<table class="figures">' in f and "text/csv" in f for f in figures)
    spec = json.loads(re.search(r'<script type="application/json" class="vega-spec" data-for="chart-0">(.*?)</script>',
                                report, re.S).group(1))
    assert spec["layer"][0]["encoding"]["x"]["type"] == "temporal"
    assert {"start", "end", "mid", "sources"} <= set(spec["data"]["values"][0])
    # a figure's table row names its period and opens the line it was printed on
    assert re.search(r"<td>quarter ended 2006-12-31</td><td>quarters</td><td class=num>700,000</td>"
                     r'<td><a class="src-link" href="#002_c.txt:100" data-doc="002_c.txt" data-line="100"', report)


def test_findings_with_sources(report: str) -> None:
    assert "Validation findings (2)" in report
    assert 'data-doc="002_c.txt" data-line="103"' in report
    assert "ownership share differs between releases" in report


def test_build_summary_is_escaped(report: str) -> None:
    assert "&lt;b&gt;not bold&lt;/b&gt;" in report
    assert "<b>not bold</b>" not in report


def test_a_restated_figure_is_one_point_with_its_facts_value() -> None:
    row = {"entity": "e", "type": "MiningUnit", "subject": "Lucky Friday", "obs": "o", "metric": "silver-produced",
           "metric_label": "", "category": "", "period_start": "2006-01-01", "period_end": "2006-03-31",
           "unit": "OZ", "estimate": "false", "fact": "f1", "fact_value": "120", "share": "", "printed": ""}
    rows = [dict(row, value="100", doc="a.txt", line="5"), dict(row, value="120", doc="b.txt", line="9"),
            dict(row, fact="f2", fact_value="90", value="90", doc="b.txt", line="9", period_start="2005-01-01",
                 period_end="2005-03-31")]
    (chart,) = build_charts(rows)
    point = next(p for p in chart.points if p.end.year == 2006)
    assert point.value == 120 and [s[:2] for s in point.sources] == [("a.txt", 5), ("b.txt", 9)]


def test_period_kinds() -> None:
    assert period_kind("", "2006-12-31") == "instant"
    assert period_kind("2006-10-01", "2006-12-31") == "quarterly"
    assert period_kind("2006-01-01", "2006-12-31") == "annual"
    assert period_kind("2006-01-01", "2006-06-30") == "six-month"
    assert period_kind("2006-01-01", "2006-09-30") == "nine-month"
    assert period_kind("2006-01-01", "2006-02-28") == "other"


def test_report_is_deterministic(tmp_path: Path) -> None:
    out = build_sample_dir(tmp_path)
    write_report_html(out, [])
    first = (out / "report.html").read_bytes()
    write_report_html(out, [])
    assert (out / "report.html").read_bytes() == first


def test_interim_periods_and_shares_are_series_of_their_own() -> None:
    """Six- and nine-month figures, quarters and figures at a share are series apart; an annual
    figure's point sits in the middle of its year."""
    base = {"entity": "e", "type": "MiningUnit", "subject": "Lucky Friday", "metric": "silver-produced",
            "metric_label": "", "category": "", "unit": "OZ", "estimate": "false", "doc": "a.txt", "line": "5"}
    rows = [
        dict(base, obs="1", period_start="2006-01-01", period_end="2006-06-30", value="50"),
        dict(base, obs="2", period_start="2006-01-01", period_end="2006-09-30", value="75"),
        dict(base, obs="3", period_start="2006-07-01", period_end="2006-09-30", value="25"),
        dict(base, obs="4", period_start="2006-07-01", period_end="2006-09-30", value="8", share="0.2973"),
        dict(base, obs="5", period_start="2006-01-01", period_end="2006-12-31", value="100"),
    ]
    (chart,) = build_charts(rows)
    assert sorted({p.series for p in chart.points}) == ["nine months", "quarters", "quarters, 29.73% share",
                                                        "six months", "years"]
    year = next(p for p in chart.points if p.series == "years")
    assert year.mid.isoformat() == "2006-07-02" and year.period == "year ended 2006-12-31"
