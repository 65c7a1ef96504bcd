"""report.html: documents, counts, SVG charts over time, findings with FILE:LINE; escaped and deterministic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.report import build_charts, period_kind, write_report_html

try:
    from test_viz import build_sample_dir
except ImportError:  # tests/ imported as a package
    from tests.test_viz import build_sample_dir


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
    assert "Entities by type (10)" in report
    assert re.search(r"<td>MiningUnit</td><td class=num>2</td>", report)
    assert re.search(r"<td>locatedIn</td><td class=num>6</td>", report)
    assert re.search(r"<td>silver-produced</td><td class=num>6</td>", report)


def test_charts_are_inline_svg(report: str) -> None:
    assert "<script" not in report  # nothing to run, nothing to fetch
    titles = re.findall(r"<figure><h3>(.*?)</h3><svg", report)
    assert "Silver produced per unit (quarterly), OZ" in titles
    assert "Sales per segment (quarterly), USD" in titles
    assert "Contained silver in reserves and resources per unit, proven-probable (at period end), OZ" in titles
    # a tooltip names the value and the line it was printed on
    assert "Lucky Friday Unit · 2006-10-01 – 2006-12-31: 700,000 OZ (002_c.txt:100)" in report


def test_findings_with_sources(report: str) -> None:
    assert "Validation findings (2)" in report
    assert '<td class="src">002_c.txt:103</td>' in report
    assert "ownership share differs between releases" in report


def test_build_summary_is_escaped(report: str) -> None:
    assert "&lt;b&gt;not bold&lt;/b&gt;" in report
    assert "<b>not bold</b>" not in report


def test_a_restated_figure_is_one_point_with_the_latest_value() -> None:
    row = {"entity": "e", "type": "MiningUnit", "subject": "Lucky Friday", "obs": "o", "metric": "silver-produced",
           "metric_label": "", "category": "", "period_start": "2006-01-01", "period_end": "2006-03-31",
           "unit": "OZ", "estimate": "false"}
    rows = [dict(row, value="100", doc="a.txt", line="5"), dict(row, value="120", doc="b.txt", line="9")]
    (chart,) = build_charts(rows, {"a.txt": "2006-05-01", "b.txt": "2006-08-01"})
    (point,) = chart.series["Lucky Friday"]
    assert point.value == 120
    assert point.sources == ("a.txt:5", "b.txt:9")


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


def test_interim_periods_get_their_own_charts() -> None:
    """Six- and nine-month figures of interim releases are charted apart from quarters and years."""
    base = {"entity": "e", "type": "MiningUnit", "subject": "Lucky Friday", "obs": "o", "metric": "silver-produced",
            "metric_label": "", "category": "", "unit": "OZ", "estimate": "false", "doc": "a.txt", "line": "5"}
    rows = [
        dict(base, period_start="2006-01-01", period_end="2006-06-30", value="50"),
        dict(base, period_start="2006-01-01", period_end="2006-09-30", value="75"),
        dict(base, period_start="2006-07-01", period_end="2006-09-30", value="25"),
    ]
    titles = sorted(c.title for c in build_charts(rows, {"a.txt": "2006-10-20"}))
    assert [t.rsplit("(", 1)[1] for t in titles] == ["nine-month)", "quarterly)", "six-month)"]
