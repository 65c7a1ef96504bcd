"""The command line: exit codes and messages of the contract."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def test_every_command_has_help() -> None:
    for cmd in ("build", "validate", "query", "export", "serve"):
        result = runner.invoke(app, [cmd, "--help"])
        assert result.exit_code == 0, cmd
        assert "Usage" in result.output


def test_build_missing_path_is_bad_usage(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nope" in result.output


def test_unknown_option_is_bad_usage() -> None:
    assert runner.invoke(app, ["build", "--frobnicate"]).exit_code == 2


def test_query_observations_csv(corpus_out: Path) -> None:
    result = runner.invoke(app, ["query", "observations", "--data", str(corpus_out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) > 1000
    row = next(r for r in rows if r["doc"] == "000_ab7ab8a88c10b9e9.txt" and r["metric"] == "sales" and r["value"] == "217417000")
    assert row["unit"] == "USD" and row["period_end"] == "2006-12-31" and row["period_start"] == "2006-01-01"
    assert not any(v.startswith("<") or "^^" in v for r in rows for v in r.values() if v)


def test_query_unknown_name_lists_the_known_ones(corpus_out: Path) -> None:
    result = runner.invoke(app, ["query", "no-such-query", "--data", str(corpus_out)])
    assert result.exit_code == 2
    assert "observations" in result.output


def test_validate_exit_code_matches_report(corpus_out: Path) -> None:
    from rdflib import Graph
    from rdflib.namespace import SH

    result = runner.invoke(app, ["validate", str(corpus_out)])
    report = Graph().parse(corpus_out / "validation.ttl")
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    assert result.exit_code == (1 if violations else 0)
    # the corpus holds one real inconsistency (see README): the report cites both lines
    assert "001_b40d7d91d7a92ff1.txt:579" in result.stdout and "001_b40d7d91d7a92ff1.txt:528" in result.stdout


def test_export_needs_format_and_target(corpus_out: Path) -> None:
    result = runner.invoke(app, ["export", str(corpus_out)])
    assert result.exit_code == 2


def test_query_with_binding(corpus_out: Path) -> None:
    result = runner.invoke(
        app, ["query", "document-facts", "--data", str(corpus_out), "--format", "csv", "--bind", "doc=003_f30b3e34200e5f68.txt"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["doc"] for r in rows} == {"003_f30b3e34200e5f68.txt"}


def test_query_binding_needs_name_and_value(corpus_out: Path) -> None:
    result = runner.invoke(app, ["query", "document-facts", "--data", str(corpus_out), "--bind", "doc"])
    assert result.exit_code == 2


def test_serve_announces_its_address_as_news_not_a_warning(corpus_out: Path) -> None:
    """`kg serve` prints where it listens on stderr once it is ready, without a WARNING label."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(corpus_out), "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    try:
        first = proc.stderr.readline() if proc.stderr else ""
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert first.startswith("serving ") and "/sparql" in first and "http://127.0.0.1:" in first, first
    assert "WARNING" not in first
