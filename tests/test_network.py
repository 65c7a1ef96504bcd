"""kg.network: the entity/relation projection, its GraphML and GEXF exports, the fixed layout."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

from kg.network import layout, project, write_gexf, write_graphml

try:
    from test_viz import REFS, build_sample_dir, sample_facts
except ImportError:  # tests/ imported as a package
    from tests.test_viz import REFS, build_sample_dir, sample_facts


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_dir(tmp_path_factory.mktemp("network-sample"))


def test_projection_nodes_are_entities_edges_are_relations(sample_dir: Path) -> None:
    g = project(sample_dir)
    assert g.number_of_nodes() == len(REFS)
    assert {g.nodes[n]["label"] for n in g} == {r.label for r in REFS}
    assert not any(g.nodes[n]["type"] in ("Observation", "Mention", "Document") for n in g)
    # one edge per distinct (subject, predicate, object), whatever the number of documents stating it
    assert g.number_of_edges() == 7  # with the partOf links of the unit's family
    labels = {g.nodes[n]["label"]: n for n in g}
    lf, idaho = labels["Lucky Friday Unit"], labels["Idaho"]
    (key, attrs), = g[lf][idaho].items()
    assert key == attrs["label"] == "locatedIn"
    assert attrs["statements"] == 3
    assert "000_a.txt:20" in attrs["sources"]
    # observations are summarised on the node, not made nodes
    assert g.nodes[lf]["observations"] == 11
    assert "silver-produced (3)" in g.nodes[lf]["metrics"]
    assert g.nodes[labels["Hecla Mining Company"]]["aliases"].split(" | ") == ["Hecla", "Hecla Mining"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_exports_parse_back_with_the_same_counts(sample_dir: Path, tmp_path: Path, fmt: str) -> None:
    g = project(sample_dir)
    to = tmp_path / f"kg.{fmt}"
    (write_graphml if fmt == "graphml" else write_gexf)(sample_dir, to)
    back = nx.read_graphml(to, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(to)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    for n in g:
        assert back.nodes[n]["label"] == g.nodes[n]["label"]
        assert back.nodes[n]["type"] == g.nodes[n]["type"]
    assert sorted(d["label"] for _, _, d in back.edges(data=True)) == sorted(
        d["label"] for _, _, d in g.edges(data=True)
    )


def test_projection_from_the_store_equals_projection_from_trig(sample_dir: Path, tmp_path: Path) -> None:
    store = pytest.importorskip("kg.store")
    from kg.graph import build_dataset

    facts, resolution = sample_facts()
    store.create(tmp_path, build_dataset(facts, resolution))  # the ontology graph is loaded beside the data
    from_store, from_trig = project(tmp_path), project(sample_dir)
    assert sorted(from_store.nodes(data=True)) == sorted(from_trig.nodes(data=True))
    assert sorted(from_store.edges(keys=True)) == sorted(from_trig.edges(keys=True))


def test_layout_places_every_node_deterministically() -> None:
    g = nx.MultiDiGraph()
    g.add_edges_from((f"hub{k}", f"leaf{k}-{i}") for k in range(3) for i in range(30))
    g.add_edges_from(("hub0", f"hub{k}") for k in (1, 2))
    g.add_edges_from((f"c{i}", f"c{(i + 1) % 600}") for i in range(600))  # a large core: no scipy needed
    g.add_nodes_from(f"lonely{i}" for i in range(50))
    pos = layout(g)
    assert set(pos) == set(g)
    assert pos == layout(g)
    assert len(set(pos.values())) == len(pos)  # no two nodes on the same spot


@pytest.mark.slow
def test_corpus_exports_match_the_projection(corpus_out: Path, tmp_path: Path) -> None:
    """`kg export DIR --format graphml|gexf` on a real build: same node and edge counts as the projection."""
    from kg.export import export

    g = project(corpus_out)
    assert g.number_of_nodes() > 10 and g.number_of_edges() > 5
    export(corpus_out, "graphml", tmp_path / "kg.graphml")
    export(corpus_out, "gexf", tmp_path / "kg.gexf")
    for back in (nx.read_graphml(tmp_path / "kg.graphml", force_multigraph=True), nx.read_gexf(tmp_path / "kg.gexf")):
        assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
        assert {d["type"] for _, d in back.nodes(data=True)} == {d["type"] for _, d in g.nodes(data=True)}


def test_gexf_export_is_the_same_on_any_day(sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two exports of one build are byte-identical even on different days (networkx dates its
    <meta>; the export leaves the optional date out)."""
    import time

    write_gexf(sample_dir, tmp_path / "a.gexf")
    monkeypatch.setattr(time, "strftime", lambda fmt, *a: "1999-01-01")
    write_gexf(sample_dir, tmp_path / "b.gexf")
    a = (tmp_path / "a.gexf").read_bytes()
    assert a == (tmp_path / "b.gexf").read_bytes()
    assert b"lastmodifieddate" not in a and b"<meta" in a


@pytest.mark.slow
def test_layout_does_not_depend_on_the_hash_seed(corpus_out: Path) -> None:
    """graph.html's positions are the same in any interpreter: string hashing is seeded per
    process, so set-ordered iteration anywhere in the layout would move the nodes between builds."""
    import subprocess
    import sys

    code = (
        "import sys; from kg.network import project, layout; "
        "print(sorted(layout(project(sys.argv[1])).items()))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(corpus_out)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and runs[0].count("(") > 100
