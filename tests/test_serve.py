"""The SPARQL endpoint with real clients (SPARQLWrapper, roqet) and its security limits."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

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


# ---------------------------------------------------------------- strangers and slow clients


def test_no_cross_origin_header_unless_asked(server, tmp_path):
    status, _, _ = _request(server, "/health", headers={"Origin": "http://evil.example"})
    assert status == 200
    req = urllib.request.Request(server.url + "/health", headers={"Origin": "http://evil.example"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers.get("Access-Control-Allow-Origin") is None
    out = build_sample(tmp_path / "out")
    srv = make_server(out, limits=Limits(workers=1), cors=["http://good.example"]).start()
    try:
        for origin, expected in (("http://good.example", "http://good.example"), ("http://evil.example", None)):
            req = urllib.request.Request(srv.url + "/health", headers={"Origin": origin})
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.headers.get("Access-Control-Allow-Origin") == expected, origin
    finally:
        srv.close()


def test_a_request_for_another_host_name_is_refused(server):
    """DNS rebinding: a page served from evil.example, its name then pointed at 127.0.0.1, sends
    Host: evil.example; only this server's own addresses are answered."""
    port = server.server_address[1]
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", f"10.1.2.3:{port}"):
        status, _, body = _request(server, "/sparql?query=ASK%7B%7D", headers={"Host": host})
        assert status == 403 and b"Host" in body, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST.:{port}"):
        assert _request(server, "/health", headers={"Host": host})[0] == 200, host


def test_host_checker():
    from kg.serve import host_checker

    loop = host_checker("127.0.0.1", 7878)
    assert loop("127.0.0.1:7878") and loop("localhost:7878") and loop("[::1]:7878") and loop("127.0.0.2:7878")
    assert not loop("127.0.0.1:7879") and not loop("attacker.example:7878") and not loop("192.168.1.5:7878")
    assert not loop(None) and not loop("") and not loop("127.0.0.1:x") and not loop("127.0.0.1")
    web = host_checker("127.0.0.1", 80)
    assert web("127.0.0.1") and web("localhost") and not web("evil.example")
    every = host_checker("0.0.0.0", 7878, ["kg.internal"])
    assert every("192.168.1.5:7878") and every("kg.internal:7878") and not every("evil.example:7878")
    one = host_checker("192.168.1.5", 7878)
    assert one("192.168.1.5:7878") and not one("192.168.1.6:7878")


def _slow_client(url_port: int, stop, opened: list, closed: list) -> None:
    """Sends a request's header lines one at a time, slowly, and reconnects when dropped."""
    import socket
    import time

    while not stop.is_set():
        sock = socket.create_connection(("127.0.0.1", url_port), timeout=5)
        opened.append(time.monotonic())
        try:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            while not stop.is_set():
                sock.sendall(b"X-Slow: 1\r\n")
                time.sleep(0.5)
        except OSError:
            closed.append(time.monotonic())
        finally:
            sock.close()


def test_slow_clients_cannot_take_every_slot(tmp_path):
    """80 connections that trickle headers (more than the old 64 slots) leave the endpoint
    answering at once, and each is dropped when its header deadline passes."""
    import threading
    import time

    out = build_sample(tmp_path / "out")
    srv = make_server(out, limits=Limits(workers=1, header_timeout=2.0)).start()
    stop = threading.Event()
    opened: list[float] = []
    closed: list[float] = []
    threads = [
        threading.Thread(target=_slow_client, args=(srv.server_address[1], stop, opened, closed), daemon=True)
        for _ in range(80)
    ]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(opened) < 80 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(opened) >= 80
        for _ in range(5):
            t0 = time.monotonic()
            status, _, body = _get(srv, "ASK { ?s ?p ?o }", "application/sparql-results+json")
            assert status == 200 and json.loads(body)["boolean"] is True
            assert time.monotonic() - t0 < 2.0
        time.sleep(3.0)
        assert len(closed) >= 80  # the header deadline dropped every one of them
    finally:
        stop.set()
        for t in threads:
            t.join(5)
        srv.close()


def test_connections_over_the_limit_get_503(tmp_path):
    import socket

    out = build_sample(tmp_path / "out")
    srv = make_server(out, limits=Limits(workers=1, max_connections=3)).start()
    held = [socket.create_connection(srv.server_address, timeout=5) for _ in range(3)]
    try:
        import time

        time.sleep(0.3)
        extra = socket.create_connection(srv.server_address, timeout=5)
        extra.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert extra.recv(100).startswith(b"HTTP/1.1 503")
        extra.close()
    finally:
        for s in held:
            s.close()
        srv.close()


def test_the_disguised_service_corpus_is_refused_and_reaches_nothing(server):
    from listener import Listener, reaching_queries

    listener = Listener()
    try:
        for name, text in reaching_queries(listener.port).items():
            status, _, body = _get(server, text)
            assert status in (400, 403), (name, status, body)
            form = urllib.parse.urlencode({"query": text}).encode()
            status, _, _ = _request(
                server, "/sparql", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
            assert status in (400, 403), name
        assert listener.hits == []
    finally:
        listener.close()
    _healthy(server)


def test_query_workers_are_cut_off_the_network(server):
    from kg.query import isolate_from_network, run_isolated

    if not run_isolated(isolate_from_network):
        pytest.skip("this system does not let a process leave the network (no network namespaces)")
    assert server.pool.isolated


def test_a_rebuilt_store_is_reopened(tmp_path):
    import time

    import pyoxigraph as ox

    from kg import store

    out = build_sample(tmp_path / "out")
    srv = make_server(out, limits=Limits(workers=1, reload_check=0.1)).start()
    probe = "ASK { <urn:kg:rebuilt> ?p ?o }"
    try:
        assert json.loads(_get(srv, probe)[2])["boolean"] is False
        marker = ox.Quad(ox.NamedNode("urn:kg:rebuilt"), ox.NamedNode("urn:kg:p"), ox.Literal("yes"), ox.NamedNode("urn:kg:g"))
        store.create_from_quads(out, [marker])  # a new store renamed into place, as a rebuild does
        time.sleep(0.3)
        status, _, body = _get(srv, probe)
        assert status == 200 and json.loads(body)["boolean"] is True
        import shutil

        shutil.rmtree(store.store_path(out))
        time.sleep(0.3)
        status, _, body = _get(srv, "ASK { ?s ?p ?o }")
        assert status == 503 and b"no store" in body
    finally:
        srv.close()


def test_a_port_in_use_is_a_usage_error(server):
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="in use"):
        make_server(server.data_dir, port=server.server_address[1])
    with pytest.raises(UsageError, match="not an address"):
        make_server(server.data_dir, host="no-such-host.invalid", port=0)


def test_a_rebuild_of_the_served_folder_is_answered_from_at_once(tmp_path):
    """kg build into the folder kg serve reads: the next request after the switch sees the new build
    (the old one is kept on disk while the workers hold it)."""
    import time

    from kg.pipeline import build

    exhibit = Path(__file__).resolve().parent / "data" / "ingest" / "exhibit.htm"
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "one.htm").write_bytes(exhibit.read_bytes())
    (second / "two.htm").write_bytes(exhibit.read_bytes())
    out = tmp_path / "out"
    build([first], out)
    srv = make_server(out, limits=Limits(workers=1, reload_check=0.1)).start()
    docs = "SELECT ?doc WHERE { ?d <https://w3id.org/mining-kg/def#fileName> ?doc }"
    try:
        assert b"one.htm" in _get(srv, docs, "text/csv")[2]
        build([second], out)
        time.sleep(0.3)
        status, _, body = _get(srv, docs, "text/csv")
        assert status == 200 and b"two.htm" in body and b"one.htm" not in body
    finally:
        srv.close()


def test_every_file_line_opens_the_release_at_that_line(server):
    import kg.sources

    out = server.data_dir
    doc = "000_annual2006.txt"
    (out / kg.sources.SOURCES_DIR).mkdir(exist_ok=True)
    lines = {str(n): f"line {n} of the release" for n in range(1, 90)}
    lines["40"] = "Silver - ounces        725,000      690,000"
    (out / kg.sources.SOURCES_DIR / f"{doc}.json").write_text(json.dumps({"doc": doc, "lines": lines}), encoding="utf-8")
    status, ctype, body = _request(server, f"/source/{doc}")
    assert status == 200 and ctype.startswith("text/html")
    assert b"<span class='ln' id='L40'>" in body and b"725,000" in body
    assert _request(server, "/source/no-such.txt")[0] == 404
    assert _request(server, "/source/..%2Fstore")[0] == 404
    # a result table links each line beside its document, and every FILE:LINE in a cell
    status, _, body = _get(server, find_query("observations").text, None, format="html")
    assert f"<a href='/source/{doc}#L40'>40</a>".encode() in body
    status, _, body = _get(server, 'SELECT ?s WHERE { BIND("see 000_annual2006.txt:40 and b.txt:3" AS ?s) }', None, format="html")
    assert f"<a href='/source/{doc}#L40'>{doc}:40</a>".encode() in body
