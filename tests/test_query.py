"""kg.query: named queries, bindings, refusals and the text renderings."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sample_kg import build_sample

from kg.errors import QueryError
from kg.query import (
    QueryRefused,
    check_query,
    find_query,
    format_result,
    parse_header,
    query_form,
    run_query,
)


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    return build_sample(tmp_path_factory.mktemp("sample") / "out")


def test_unknown_name_lists_the_available_ones():
    with pytest.raises(QueryError, match="observations"):
        find_query("no-such-query")


def test_a_query_file_by_path(sample_out, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text(
        "#+ summary: docs\n#+ returns: doc\nSELECT ?doc WHERE { ?d <https://w3id.org/mining-kg/def#fileName> ?doc }"
        " ORDER BY ?doc\n",
        encoding="utf-8",
    )
    r = run_query(str(path), sample_out)
    assert [row[0] for row in r.plain_rows()] == ["000_annual2006.txt", "001_q1-2007.txt"]


def test_bindings_go_in_as_values_not_text(sample_out):
    all_rows = run_query("document-facts", sample_out)
    one = run_query("document-facts", sample_out, bindings={"doc": "001_q1-2007.txt"})
    assert 0 < len(one.rows) < len(all_rows.rows)
    assert {r["doc"] for r in one.records()} == {"001_q1-2007.txt"}
    nasty = run_query("document-facts", sample_out, bindings={"doc": '" } ; DROP ALL ; #'})
    assert nasty.rows == []


def test_csv_is_rfc4180_with_plain_values(sample_out):
    text = format_result(run_query("observations", sample_out), "csv")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:9] == [
        "doc",
        "line",
        "subject",
        "metric",
        "category",
        "period_start",
        "period_end",
        "value",
        "unit",
    ]
    assert not any("^^" in v or v.startswith("<") or "@en" in v for row in rows for v in row)
    assert any(r[3] == "total-assets" and r[7] == "560100000" for r in rows[1:])


def test_json_is_sparql_results_json(sample_out):
    doc = json.loads(format_result(run_query("documents", sample_out), "json"))
    assert doc["head"]["vars"][:2] == ["doc", "title"]
    first = doc["results"]["bindings"][0]
    assert first["doc"] == {"type": "literal", "value": "000_annual2006.txt"}


def test_table_tsv_and_xml(sample_out):
    r = run_query("documents", sample_out)
    table = format_result(r, "table")
    assert table.splitlines()[0].split()[:2] == ["doc", "title"] and "(2 rows)" in table
    assert format_result(r, "tsv").startswith("?doc\t?title")
    assert "<sparql" in format_result(r, "xml")
    with pytest.raises(QueryError, match="unknown result format"):
        format_result(r, "yaml")


def test_refusals():
    with pytest.raises(QueryRefused):
        check_query("PREFIX x: <urn:x#> INSERT DATA { x:a x:b x:c }")
    with pytest.raises(QueryRefused):
        check_query("select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }")
    # the words inside strings, IRIs, comments, prefixed names and variables are not keywords
    check_query('SELECT ?service WHERE { ?s <urn:SERVICE> "SERVICE" ; ex:service ?o } # SERVICE\n')
    check_query("PREFIX insert: <urn:x#> SELECT * WHERE { ?s insert:a ?o }")


def test_query_form():
    assert query_form("PREFIX a: <urn:a> # SELECT\n CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("ask {}") == "ASK"


def test_malformed_query_is_a_query_error(sample_out, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x", encoding="utf-8")
    with pytest.raises(QueryError, match="malformed"):
        run_query(str(bad), sample_out)


def test_header_parser():
    assert parse_header("#+ summary: a b\n#+ returns: x, y\nSELECT") == {"summary": "a b", "returns": "x, y"}


def _records(name, out, **bindings):
    return run_query(name, out, bindings=bindings or None).records()


def test_analyst_queries_give_the_right_answers_on_the_sample(sample_out):
    [r] = _records("restatements", sample_out)
    assert (r["metric"], r["value"], r["other_value"], r["difference"], r["restated"]) == (
        "total-assets",
        "560100000",
        "562300000",
        "2200000",
        "true",
    )
    assert (r["doc"], r["line"], r["other_doc"], r["other_line"]) == (
        "000_annual2006.txt",
        "70",
        "001_q1-2007.txt",
        "44",
    )

    [p] = _records("prose-vs-table", sample_out)
    assert (p["prose_value"], p["table_value"], p["agrees"]) == (
        "700000",
        "725000",
        "true",
    )  # 0.7 million ± 50,000

    [c] = _records("contained-metal-changes", sample_out)
    assert (c["subject"], c["as_of"], c["previous_as_of"], c["change"], c["change_pct"]) == (
        "Lucky Friday Unit",
        "2006-12-31",
        "2005-12-31",
        "1500000",
        "5.1",
    )

    people = _records("people-positions", sample_out)
    assert [(x["person"], x["date"]) for x in people] == [
        ("Phillips S. Baker, Jr.", "2007-02-21"),
        ("Phillips S. Baker, Jr.", "2007-05-08"),
    ]

    places = {(x["entity"], x.get("country", "")) for x in _records("properties-by-country", sample_out)}
    assert ("San Sebastian property", "Mexico") in places
    assert ("Lucky Friday mine", "United States") in places  # Idaho → United States from the gazetteer

    [u] = _records("unmapped-labels", sample_out)
    assert (u["label"], u["observations"]) == ("Other income, miscellaneous", "1")

    production = _records("production", sample_out)
    assert all(x["metric"] in ("silver-produced", "gold-produced") for x in production)
    assert not any(
        x["period_start"] == "2007-01-01" and x["subject"] == "Hecla Mining Company" for x in production
    )


# ---------------------------------------------------------------- nothing reaches the network


@pytest.fixture()
def listener():
    from listener import Listener

    lst = Listener()
    yield lst
    lst.close()


def test_the_corpus_reaches_the_listener_when_run_unchecked(listener):
    """The control: run straight on Oxigraph, most disguised forms do call out (so the tests
    below, where nothing arrives, show the checks at work, not a deaf listener)."""
    import time

    import pyoxigraph as ox
    from listener import reaching_queries

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    reached = 0
    for text in reaching_queries(listener.port).values():
        before = len(listener.hits)
        try:
            answer = store.query(text)
            if not isinstance(answer, ox.QueryBoolean):
                list(answer)
        except Exception:  # noqa: BLE001 - refused, unbound or reset: whether it called out is what counts
            pass
        time.sleep(0.02)
        reached += len(listener.hits) > before
    assert reached >= 20


def test_disguised_service_and_updates_are_refused_by_their_parsed_form(sample_out, listener, tmp_path):
    from listener import reaching_queries

    queries = reaching_queries(listener.port)
    assert len(queries) >= 30
    refused = {}
    for name, text in queries.items():
        path = tmp_path / f"{name}.rq"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(QueryError) as info:  # QueryRefused, or malformed: never run unchecked
            run_query(str(path), sample_out)
        refused[name] = getattr(info.value, "reason", "malformed")
    assert sum(r == "service" for r in refused.values()) >= 20, refused
    assert {refused[n] for n in ("29-load", "30-load-silent-into-graph", "31-insert-where-service", "32-escaped-load")} == {"update"}
    assert listener.hits == []


def test_kg_query_refuses_the_corpus_with_a_message(sample_out, listener, tmp_path):
    from listener import reaching_queries
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    for name, text in reaching_queries(listener.port).items():
        path = tmp_path / f"{name}.rq"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["query", str(path), "--data", str(sample_out)])
        assert result.exit_code == 2, (name, result.output)
        assert "refused" in result.output or "malformed" in result.output, (name, result.output)
        assert "Traceback" not in result.output
    assert listener.hits == []


def test_words_in_strings_iris_comments_and_names_are_not_keywords():
    assert check_query('SELECT ?service WHERE { ?s <urn:SERVICE> "SERVICE" ; <urn:x#service> ?o } # SERVICE\n') == "SELECT"
    assert check_query("PREFIX service: <urn:x#> SELECT * WHERE { ?s service:load ?o }") == "SELECT"
    assert check_query('ASK { ?s ?p "LOAD <http://127.0.0.1/> INSERT DATA" }') == "ASK"


def test_every_named_query_passes_the_check():
    from kg.query import list_queries

    for q in list_queries():
        assert check_query(q.text) in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"), q.name


def test_a_query_process_cut_off_the_network_reaches_nothing_even_unchecked(listener):
    """The second guard: a query that slipped past the check (run here straight on Oxigraph)
    reaches nothing from a process run by run_isolated."""
    import socket

    import pyoxigraph as ox
    from listener import reaching_queries

    from kg.query import isolate_from_network, run_isolated

    def probe() -> bool:
        if not isolate_from_network():
            return False
        try:
            socket.create_connection(("127.0.0.1", listener.port), timeout=1).close()
        except OSError:
            return True
        return False

    if not run_isolated(probe):
        pytest.skip("this system does not let a process leave the network (no network namespaces)")

    def unchecked(text: str) -> str:
        store = ox.Store()
        try:
            answer = store.query(text)
            if not isinstance(answer, ox.QueryBoolean):
                list(answer)
        except Exception as exc:  # noqa: BLE001
            return str(exc)
        return "ran"

    queries = reaching_queries(listener.port)
    for name in ("01-no-blank-after-dot", "02-silent", "13-in-subquery", "22-describe"):
        run_isolated(unchecked, queries[name])
    assert listener.hits == []


def test_a_bad_binding_name_is_a_query_error(sample_out):
    with pytest.raises(QueryError, match="not a SPARQL variable name"):
        run_query("document-facts", sample_out, bindings={"a b": "x"})
