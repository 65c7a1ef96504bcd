"""The table benchmark runs and reports its ratio (a smoke test: no timing is asserted)."""

from __future__ import annotations

import re

import pytest

from bench.tables import main


def test_bench_tables_reports_the_floor_the_stages_and_the_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--repeat", "1"])
    out = capsys.readouterr().out
    assert re.search(r"documents: 5 \(\d{4} table observations\)", out), out
    assert re.search(r"of which \(CPU, median\): ingest [\d.]+ ms; layout [\d.]+ ms; tables [\d.]+ ms", out), out
    assert re.search(r"ratio \(stage / floor\): CPU [\d.]+x", out), out
    assert re.search(r"ratio \(stage / stricter floor\): CPU [\d.]+x", out), out


@pytest.mark.parametrize("workload", ["stage", "floor", "strict"])
def test_bench_tables_runs_each_workload_alone_for_valgrind(workload: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`--instructions` counts each workload in a child process run with `--only`; that run
    prints nothing (valgrind's report is read from stderr)."""
    main(["--only", workload, "--repeat", "0"])
    assert capsys.readouterr().out == ""
