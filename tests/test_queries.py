"""Every named query: its #+ header matches its projection, and it returns rows on the corpus build."""

from __future__ import annotations

import pytest
from sample_kg import build_sample

from kg.query import list_queries, run_query

QUERIES = list_queries()


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    return build_sample(tmp_path_factory.mktemp("sample") / "out")


NAMES = [q.name for q in QUERIES]


def test_there_are_at_least_15_analyst_queries():
    assert len(set(NAMES) - {"observations", "entities", "relations"}) >= 15


@pytest.mark.parametrize("q", QUERIES, ids=NAMES)
def test_header(q):
    assert q.summary, f"{q.path.name}: no '#+ summary:' line"
    assert q.returns, f"{q.path.name}: no '#+ returns:' line"
    assert q.text.startswith("#+ summary:"), f"{q.path.name} must open with its '#+ summary:' line"


def test_contract_columns():
    by_name = {q.name: q for q in QUERIES}
    contract = {
        "observations": [
            "doc",
            "line",
            "subject",
            "metric",
            "category",
            "period_start",
            "period_end",
            "value",
            "unit",
        ],
        "entities": ["doc", "type", "label"],
        "relations": ["doc", "subject", "predicate", "object", "value"],
    }
    for name, columns in contract.items():
        assert list(by_name[name].returns[: len(columns)]) == columns, name


@pytest.mark.parametrize("q", QUERIES, ids=NAMES)
def test_runs_on_the_sample_graph_with_its_declared_columns(q, sample_out):
    result = run_query(q.name, sample_out)
    assert result.columns == list(q.returns), (
        f"{q.name}: header says {q.returns}, query projects {result.columns}"
    )


@pytest.mark.parametrize("q", QUERIES, ids=NAMES)
def test_no_duplicate_rows_on_the_sample_graph(q, sample_out):
    # a triple stated in several graphs (a type from the build and the gazetteer) must not double a row
    rows = run_query(q.name, sample_out).plain_rows()
    assert rows, f"{q.name} returns no rows on the sample graph"
    assert len(rows) == len({tuple(r) for r in rows}), f"{q.name} repeats rows"


# Queries whose answer on the bundled corpus is rightly empty: every number its tables print
# becomes an observation (the sample graph above has one that does not).
EMPTY_ON_CORPUS = {"unread-numbers"}


@pytest.mark.slow
@pytest.mark.parametrize("q", QUERIES, ids=NAMES)
def test_returns_rows_on_the_corpus(q, corpus_out):
    result = run_query(q.name, corpus_out)
    assert result.columns == list(q.returns)
    if q.name in EMPTY_ON_CORPUS:
        assert not result.rows, f"{q.name}: the corpus has rows now; take it out of EMPTY_ON_CORPUS"
        return
    assert result.rows, f"{q.name} returns no rows on the corpus build"


@pytest.mark.slow
def test_facts_one_row_per_key_and_every_printing_in_exactly_one(corpus_out):
    """`facts` on the corpus: unique keys; its printings are exactly the `observations` rows;
    the two depreciation lines of one statement (cost of sales, other operating expenses) are two facts."""
    from collections import Counter

    facts = run_query("facts", corpus_out).records()
    keys = Counter(
        tuple(f.get(c, "") for c in ("subject", "metric", "category", "period_start", "period_end", "interval", "basis",
                                     "estimate", "stated_under", "unit"))
        for f in facts
    )
    assert max(keys.values()) == 1
    observations = run_query("observations", corpus_out).records()
    printed = Counter(s for f in facts for s in f["sources"].split(" | "))
    assert sum(int(f["printings"]) for f in facts) == len(observations)
    assert printed == Counter(f"{o['doc']}:{o['line']}" for o in observations)
    dda = [f for f in facts if f["metric"] == "dda" and f["subject"] == "Hecla Mining Company"
           and f.get("period_start") == "2006-01-01" and f["period_end"] == "2006-12-31"]
    assert {(f.get("stated_under", ""), f["value"]) for f in dda} >= {
        ("", "38795000"), ("Other operating expenses", "972000")
    }
