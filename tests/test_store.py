"""The Oxigraph store written by the build: contents, ontology graph, read-only opening, clear errors."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from sample_kg import build_sample, sample_dataset

from kg import store
from kg.errors import KGError


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    return build_sample(tmp_path_factory.mktemp("sample") / "out")


def test_store_holds_every_quad_of_the_dataset_and_the_ontology_apart(sample_out):
    s = store.open_store(sample_out)
    data = store.data_quads(s)
    assert len(data) == len(set(store.to_oxigraph_quads(sample_dataset())))
    onto = list(s.quads_for_pattern(None, None, None, store.ONTOLOGY_GRAPH))
    assert onto, "the ontology files are loaded into their own graph"
    graphs = {q.graph_name.value for q in data}
    assert any(g.endswith("/graph/shared") for g in graphs)
    assert any(g.endswith("/graph/000_annual2006") for g in graphs)


def test_store_is_read_only(sample_out):
    s = store.open_store(sample_out)
    with pytest.raises(Exception):  # noqa: B017 (pyoxigraph raises its own kinds)
        s.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))


def test_two_readers_at_once(sample_out):
    a, b = store.open_store(sample_out), store.open_store(sample_out)
    assert len(a) == len(b) > 0


def test_not_a_build_folder_is_named(tmp_path):
    with pytest.raises(KGError, match=str(tmp_path)):
        store.open_store(tmp_path)
    with pytest.raises(KGError, match="no such folder"):
        store.open_store(tmp_path / "missing")


def test_create_replaces_an_existing_store(tmp_path):
    out = build_sample(tmp_path / "out")
    store.create(out, sample_dataset())
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert len(store.open_store(out)) > 0
