"""kg.cube: the W3C Data Cube integrity constraints (queries/qb/ic-*.rq) hold on built graphs and
each one that the graph could break fires when it is broken."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from sample_kg import build_sample

from kg.cube import check_dir, check_store, constraint_files
from kg.store import open_store

QB = "http://purl.org/linked-data/cube#"
MKG = "https://w3id.org/mining-kg/def#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("cube") / "out")


def _violations(result: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    return {name: rows for name, rows in result.items() if rows}


def test_all_twenty_one_constraints_are_there() -> None:
    assert [p.stem for p in constraint_files()] == [f"ic-{n:02d}" for n in range(1, 22)]


def test_the_sample_graph_is_a_well_formed_cube(sample_out: Path) -> None:
    assert _violations(check_dir(sample_out)) == {}


def _store_with(sample_out: Path, change) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(open_store(sample_out).quads_for_pattern(None, None, None, ox.DefaultGraph()))
    change(store)
    return store


def _a_fact(store: ox.Store) -> ox.NamedNode:
    return min((q.subject for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(MKG + "Fact"))), key=str)


def _triples(store: ox.Store, node: object) -> list[ox.Quad]:
    return list(store.quads_for_pattern(node, None, None, ox.DefaultGraph()))


def test_a_duplicate_fact_breaks_ic12(sample_out: Path) -> None:
    def duplicate(store: ox.Store) -> None:
        fact = _a_fact(store)
        twin = ox.NamedNode(fact.value + "-twin")
        store.bulk_extend(ox.Quad(twin, q.predicate, q.object, q.graph_name) for q in _triples(store, fact))

    found = _violations(check_store(_store_with(sample_out, duplicate)))
    assert list(found) == ["ic-12"]


def test_a_missing_dimension_breaks_ic11(sample_out: Path) -> None:
    def drop_category(store: ox.Store) -> None:
        fact = _a_fact(store)
        for q in list(store.quads_for_pattern(fact, ox.NamedNode(MKG + "factCategory"), None)):
            store.remove(q)

    found = _violations(check_store(_store_with(sample_out, drop_category)))
    assert "ic-11" in found and found["ic-11"][0][1] == MKG + "factCategory"


def test_a_code_outside_its_list_breaks_ic19(sample_out: Path) -> None:
    def unknown_scenario(store: ox.Store) -> None:
        fact = _a_fact(store)
        scenario = ox.NamedNode(MKG + "scenario")
        for q in list(store.quads_for_pattern(fact, scenario, None)):
            store.remove(q)
        store.add(ox.Quad(fact, scenario, ox.NamedNode(MKG + "Wishful"), ox.DefaultGraph()))

    found = _violations(check_store(_store_with(sample_out, unknown_scenario)))
    assert list(found) == ["ic-19"]


def test_a_data_set_without_structure_breaks_ic2_and_a_fact_without_data_set_ic1(sample_out: Path) -> None:
    def loosen(store: ox.Store) -> None:
        fact = _a_fact(store)
        for q in list(store.quads_for_pattern(fact, ox.NamedNode(QB + "dataSet"), None)):
            store.remove(q)
        store.add(ox.Quad(ox.NamedNode("urn:x:orphan"), RDF_TYPE, ox.NamedNode(QB + "DataSet"), ox.DefaultGraph()))

    found = _violations(check_store(_store_with(sample_out, loosen)))
    assert set(found) == {"ic-01", "ic-02"}


@pytest.mark.slow
def test_the_corpus_build_is_a_well_formed_cube(corpus_out: Path) -> None:
    assert _violations(check_dir(corpus_out)) == {}


@pytest.mark.slow
def test_a_build_of_the_development_set_is_a_well_formed_cube(shared_dir: Path, tmp_path: Path) -> None:
    from kg.pipeline import build

    docs = shared_dir / "devset" / "docs"
    if not docs.is_dir():
        pytest.skip("../shared/devset/docs is not beside the repository")
    report = build([docs], tmp_path / "out")
    assert not report.failed
    assert _violations(check_dir(tmp_path / "out")) == {}


def test_codes_from_a_hierarchy_must_be_reachable_from_its_root() -> None:
    """IC-20 (parent to child) and IC-21 (a property declared as the inverse) on a small cube that
    uses hierarchical code lists, as the facts do not."""
    store = ox.Store()
    store.bulk_load(path=str(Path(__file__).parent / "data" / "cube" / "hierarchy.ttl"), format=ox.RdfFormat.TURTLE)
    found = _violations(check_store(store))
    assert found == {
        "ic-20": [["urn:x:o-lost", "urn:x:area", "urn:x:atlantis"]],
        "ic-21": [["urn:x:o-lost", "urn:x:site", "urn:x:atlantis"]],
    }
