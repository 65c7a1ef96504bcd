"""The SPARQL endpoint with real clients (SPARQLWrapper, roqet) and its security limits."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sample_kg import build_sample

from kg.query import find_query
from kg.serve import Limits, make_server, negotiate

pytestmark = pytest.mark.slow

# A cartesian product that no store finishes: the time-limit test's query.
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
LIMITS = Limits(timeout=3.0, max_rows=200, max_body=16 * 1024, workers=2)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = build_sample(tmp_path_factory.mktemp("sample") / "out")
    (out / "graph.html").write_text("<html><body>graph page</body></html>", encoding="utf-8")
    srv = make_server(out, limits=LIMITS).start()
    yield srv
    srv.close()


def _request(server, path, *, data=None, headers=None, method=None):
    req = urllib.request.Request(server.url + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def _get(server, query, accept=None, **params):
    qs = urllib.parse.urlencode({"query": query, **params})
    return _request(server, f"/sparql?{qs}", headers={"Accept": accept} if accept else {})


def _healthy(server):
    status, _, body = _get(server, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_sparqlwrapper_select_in_every_result_format(server):
    from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

    text = find_query("observations").text
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(text)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert rows and {"doc", "line", "value"} <= set(rows[0])
    client.setReturnFormat(XML)
    assert client.query().convert().getElementsByTagName("result")
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().startswith("doc,line,subject")
    client.setReturnFormat(TSV)
    assert client.query().convert().decode().startswith("?doc\t?line")


def test_sparqlwrapper_post_and_construct(server):
    from SPARQLWrapper import POST, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod(POST)
    client.setQuery("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 5")
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    from rdflib import Graph

    assert len(Graph().parse(data=data, format="turtle")) == 5


def test_post_sparql_query_body_and_ntriples(server):
    status, ctype, body = _request(
        server,
        "/sparql",
        data=b"DESCRIBE ?s WHERE { ?s a ?t } LIMIT 1",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert status == 200 and ctype.startswith("application/n-triples") and body.strip()


@pytest.mark.skipif(shutil.which("roqet") is None, reason="Debian's rasqal-utils (roqet) is not installed")
def test_roqet_as_a_protocol_client(server):
    proc = subprocess.run(
        [
            "roqet",
            "-p",
            server.url + "/sparql",
            "-e",
            "SELECT ?doc WHERE { ?d <https://w3id.org/mining-kg/def#fileName> ?doc }",
            "-r",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "000_annual2006.txt" in proc.stdout


def test_content_negotiation():
    assert negotiate("SELECT", "text/csv", None) == "csv"
    assert (
        negotiate("SELECT", "text/tab-separated-values;q=0.9, application/sparql-results+xml", None) == "xml"
    )
    assert negotiate("SELECT", "*/*", None) == "json"
    assert negotiate("SELECT", "", "tsv") == "tsv"
    assert negotiate("CONSTRUCT", "application/n-triples", None) == "ntriples"
    assert negotiate("CONSTRUCT", "", None) == "turtle"
    assert negotiate("SELECT", "image/png", None) is None


def test_unacceptable_accept_is_406(server):
    status, _, _ = _get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png")
    assert status == 406


def test_update_is_refused(server):
    assert _get(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")[0] == 403
    form = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    assert (
        _request(server, "/sparql", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})[
            0
        ]
        == 403
    )
    assert (
        _request(server, "/sparql", data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"})[
            0
        ]
        == 403
    )
    assert _request(server, "/sparql", data=b"x", method="PUT")[0] == 405
    _healthy(server)


def test_service_is_refused(server):
    status, _, body = _get(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert status == 403 and b"SERVICE" in body
    _healthy(server)


def test_a_query_that_would_run_forever_times_out_and_the_server_recovers(server):
    import time

    t = time.monotonic()
    status, _, body = _get(server, FOREVER)
    assert status == 503 and b"time limit" in body
    assert time.monotonic() - t < LIMITS.timeout + 5
    _healthy(server)
    _healthy(server)  # both workers (one of them replaced) answer


def test_a_huge_result_is_refused(server):
    status, _, body = _get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 400 and b"more than" in body
    _healthy(server)


def test_a_malformed_query_is_400(server):
    status, _, body = _get(server, "SELECT ?x WHERE { ?x ")
    assert status == 400
    _healthy(server)


def test_an_oversized_body_is_413(server):
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (LIMITS.max_body + 10)
    status, _, _ = _request(server, "/sparql", data=big, headers={"Content-Type": "application/sparql-query"})
    assert status == 413
    _healthy(server)


def test_pages(server):
    status, ctype, body = _request(server, "/")
    assert status == 200 and b"graph page" in body
    status, ctype, body = _request(server, "/queries")
    assert status == 200 and b"production" in body and b"cash-costs" in body
    status, ctype, body = _request(server, "/queries/production.rq")
    assert status == 200 and body.startswith(b"#+ summary:")
    assert _request(server, "/queries/../../etc/passwd.rq")[0] == 404
    assert _request(server, "/nothing")[0] == 404
    status, ctype, body = _get(server, find_query("documents").text, None, format="html")
    assert status == 200 and b"<table>" in body


def test_missing_graph_page_is_explained(tmp_path):
    out = build_sample(tmp_path / "out")
    srv = make_server(out, limits=Limits(workers=1)).start()
    try:
        status, _, body = _request(srv, "/")
        assert status == 404 and b"kg build" in body
    finally:
        srv.close()


def test_binds_to_loopback_by_default(server):
    assert server.server_address[0] == "127.0.0.1"
