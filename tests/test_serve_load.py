"""A bounded load test on loopback: 16 concurrent clients of mixed named queries, no errors."""

from __future__ import annotations

import pytest
from sample_kg import build_sample

from bench.serve import MIX, load_test
from kg.query import find_query
from kg.serve import Limits, make_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("cache_bytes", [Limits().cache_bytes, 0], ids=["cached", "uncached"])
def test_sixteen_clients_without_errors(tmp_path, cache_bytes):
    out = build_sample(tmp_path / "out")
    queries = {n: find_query(n).text for n in MIX}
    server = make_server(out, limits=Limits(cache_bytes=cache_bytes)).start()
    try:
        host, port = server.server_address[:2]
        figures = load_test(host, port, queries, clients=16, seconds=4.0)
    finally:
        server.close()
    assert figures["errors"] == []
    assert figures["ok"] >= 16
    assert figures["p99"] < Limits().timeout
