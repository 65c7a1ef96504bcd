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


# ---------------------------------------------------------------- messages, not tracebacks


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_careless_use_gets_a_message_and_exit_2(tmp_path: Path) -> None:
    import socket

    from sample_kg import build_sample

    data = build_sample(tmp_path / "data")
    a_file = tmp_path / "a.txt"
    a_file.write_text("x")
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen(1)
    port = str(held.getsockname()[1])
    cases = {
        "out is a file": (["build", str(a_file), "--out", str(a_file)], "is a file"),
        "workers 0": (["build", str(a_file), "--out", str(tmp_path / "o"), "--workers", "0"], "--workers"),
        "bad size": (["build", str(a_file), "--out", str(tmp_path / "o"), "--max-file-size", "lots"], "expected a size"),
        "foreign out": (["build", str(a_file), "--out", str(tmp_path)], "not empty"),
        "port in use": (["serve", str(data), "--port", port], "in use"),
        "bad host": (["serve", str(data), "--host", "no-such-host.invalid", "--port", "0"], "not an address"),
        "no such data": (["query", "entities", "--data", str(tmp_path / "none")], "no such folder"),
        "bad bind name": (["query", "document-facts", "--data", str(data), "--bind", "a b=1"], "not a SPARQL variable"),
        "export to a folder": (["export", str(data), "--format", "ttl", "--to", str(tmp_path)], "is a folder"),
    }
    try:
        for what, (args, says) in cases.items():
            result = runner.invoke(app, args)
            assert result.exit_code == 2, (what, result.output)
            assert says in " ".join(result.output.split()), (what, result.output)
            _no_traceback(result)
    finally:
        held.close()


def test_a_full_disk_is_exit_4_and_a_bug_exit_5(tmp_path: Path, monkeypatch) -> None:
    import errno

    from kg import viz

    src = Path(__file__).resolve().parent / "data" / "ingest" / "exhibit.htm"

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "graph.html"))

    monkeypatch.setattr(viz, "write_graph_html", full)
    result = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 4 and "the disk is full" in result.output, result.output
    _no_traceback(result)

    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(viz, "write_graph_html", bug)
    result = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 5 and "internal error: ZeroDivisionError" in result.output, result.output
    _no_traceback(result)


def test_build_reports_a_link_to_a_system_file_and_does_not_read_it(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "release.htm").write_bytes((Path(__file__).resolve().parent / "data" / "ingest" / "exhibit.htm").read_bytes())
    (src / "passwd.txt").symlink_to("/etc/passwd")
    (src / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    result = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "passwd.txt: warning: a link to /etc/passwd; not followed" in text
    assert "gone.txt: warning: a dangling link" in text and "loop.txt: warning: a link loop" in text
    assert "root:" not in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_ctrl_c_stops_kg_serve_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group (the server and its query workers)."""
    import os
    import signal
    import subprocess
    import sys

    from sample_kg import build_sample

    data = build_sample(tmp_path / "data")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(data), "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    try:
        assert proc.stderr is not None and proc.stderr.readline().startswith("serving ")
        os.killpg(proc.pid, signal.SIGINT)
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in rest and "KeyboardInterrupt" not in rest, rest


def test_version_is_the_installed_packages() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"kg (mining-kg) {version('mining-kg')}"


def test_query_list_names_every_named_query_with_its_summary() -> None:
    from kg.query import list_queries

    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for q in list_queries():
        assert f"{q.name}\n    {q.summary}\n" in result.output
    assert "facts\n" in result.output
    assert runner.invoke(app, ["query"]).exit_code == 2  # neither a name nor --list
