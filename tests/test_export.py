"""Exports: every format holds the same triples, Turtle is byte-deterministic, independent parsers accept each file."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from sample_kg import build_sample, sample_dataset

from kg import export
from kg.errors import KGError
from kg.graph.namespace import PREFIXES


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    return build_sample(tmp_path_factory.mktemp("sample") / "out")


def _merged(ds) -> Graph:
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def _quads(ds) -> set:
    return {(s, p, o, getattr(c, "identifier", c)) for s, p, o, c in ds.quads((None, None, None, None))}


def test_turtle_holds_every_triple_of_the_dataset(sample_out):
    g = Graph().parse(sample_out / "graph.ttl", format="turtle")
    assert isomorphic(g, _merged(sample_dataset()))


def test_trig_nquads_and_jsonld_hold_the_same_quads(sample_out, tmp_path):
    expected = _quads(sample_dataset())
    export.export(sample_out, "nq", tmp_path / "g.nq")
    for path, fmt in (
        (sample_out / "graph.trig", "trig"),
        (tmp_path / "g.nq", "nquads"),
        (sample_out / "graph.jsonld", "json-ld"),
    ):
        ds = Dataset()
        ds.parse(path, format=fmt)
        assert _quads(ds) == expected, path.name


def test_every_export_format_round_trips(sample_out, tmp_path):
    reference = Graph().parse(sample_out / "graph.ttl", format="turtle")
    for fmt, parser in (("ttl", "turtle"), ("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")):
        out = tmp_path / f"graph.{fmt}"
        export.export(sample_out, fmt, out)
        cg = Dataset()
        cg.parse(out, format=parser)
        assert isomorphic(_merged(cg), reference), fmt


def test_turtle_export_equals_the_built_file(sample_out, tmp_path):
    export.export(sample_out, "ttl", tmp_path / "again.ttl")
    assert (tmp_path / "again.ttl").read_bytes() == (sample_out / "graph.ttl").read_bytes()


def test_rebuild_gives_byte_identical_files(tmp_path):
    a = build_sample(tmp_path / "a")
    b = build_sample(tmp_path / "b")
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "observations.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_turtle_references_the_ontology_without_copying_it(sample_out):
    g = Graph().parse(sample_out / "graph.ttl", format="turtle")
    from rdflib.namespace import OWL, RDF

    assert not list(g.subjects(RDF.type, OWL.Class))


def test_jsonld_uses_plain_terms_of_the_project_context(sample_out):
    doc = json.loads((sample_out / "graph.jsonld").read_text(encoding="utf-8"))
    project = json.loads((export.resource_dir("ontology") / "context.jsonld").read_text())["@context"]
    assert doc["@context"] == project
    nodes = [n for g in doc["@graph"] for n in g.get("@graph", [g])]
    keys = {k for n in nodes for k in n}
    assert keys and not [k for k in keys if ":" in k]  # every property has a plain term
    assert not [t for n in nodes for t in ([n["@type"]] if isinstance(n.get("@type"), str) else n.get("@type", [])) if ":" in t]
    obs = next(n for n in nodes if "Observation" in n.get("@type", []) and n.get("printedValue") == "5.84")
    assert obs["value"] == "5.84" and obs["sourceLine"] == "50" and obs["unit"] == "kgunit:USD-PER-OZ"
    text = (sample_out / "graph.jsonld").read_text(encoding="utf-8")
    assert "https://w3id.org/mining-kg/id/" not in text.replace(project["kgid"], "", 1)  # IRIs are compacted


def test_every_term_of_the_ontology_has_a_plain_term_in_the_context():
    from rdflib import Graph, URIRef

    g = Graph().parse(export.resource_dir("ontology") / "mining.ttl")
    project = json.loads((export.resource_dir("ontology") / "context.jsonld").read_text())["@context"]
    named = {(v if isinstance(v, str) else v["@id"]) for v in project.values()}
    base = "https://w3id.org/mining-kg/def#"
    from rdflib.namespace import OWL, RDF

    for s in set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(
        g.subjects(RDF.type, OWL.DatatypeProperty)
    ):
        if isinstance(s, URIRef) and str(s).startswith(base):
            assert "mkg:" + str(s)[len(base):] in named, s


def test_rdflib_reads_the_jsonld_as_the_same_quads(sample_out):
    ds = Dataset()
    ds.parse(sample_out / "graph.jsonld", format="json-ld")
    assert _quads(ds) == _quads(sample_dataset())


def test_context_agrees_with_the_graph_namespaces():
    project = export.context_prefixes()
    for prefix, ns in PREFIXES.items():
        assert project[prefix] == ns


def test_pyld_expands_the_jsonld_offline(sample_out):
    pyld = pytest.importorskip("pyld")
    from pyld import jsonld

    def no_network(url, options=None):
        raise AssertionError(f"pyld tried to fetch {url}")

    jsonld.set_document_loader(no_network)
    doc = json.loads((sample_out / "graph.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    assert _quads(ds) == _quads(sample_dataset())
    assert pyld  # imported


@pytest.mark.skipif(shutil.which("rapper") is None, reason="Debian's raptor2-utils (rapper) is not installed")
@pytest.mark.parametrize("name,syntax", [("graph.ttl", "turtle"), ("graph.trig", "trig")])
def test_rapper_parses_the_files(sample_out, name, syntax):
    proc = subprocess.run(
        ["rapper", "-q", "-i", syntax, "-o", "nquads", str(sample_out / name)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    ds = Dataset()
    ds.parse(data=proc.stdout, format="nquads")
    reference = Graph().parse(sample_out / "graph.ttl", format="turtle")
    assert isomorphic(_merged(ds), reference)


@pytest.mark.skipif(shutil.which("rapper") is None, reason="Debian's raptor2-utils (rapper) is not installed")
def test_rapper_parses_nquads(sample_out, tmp_path):
    export.export(sample_out, "nq", tmp_path / "g.nq")
    proc = subprocess.run(
        ["rapper", "-q", "-i", "nquads", "-c", str(tmp_path / "g.nq")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_csv_export_is_the_observations_file(sample_out, tmp_path):
    export.export(sample_out, "csv", tmp_path / "obs.csv")
    data = (tmp_path / "obs.csv").read_bytes()
    assert data == (sample_out / "observations.csv").read_bytes()
    assert data.startswith(b"doc,line,subject,metric,category,period_start,period_end,value,unit")
    assert b"\r\n" in data


def test_unknown_format_and_missing_folder_are_clear(sample_out, tmp_path):
    with pytest.raises(KGError, match="unknown export format"):
        export.export(sample_out, "xlsx", tmp_path / "x")
    with pytest.raises(KGError, match="not a `kg build` output"):
        export.export(tmp_path, "ttl", tmp_path / "x.ttl")


@pytest.mark.slow
def test_corpus_turtle_rebuild_is_byte_identical(corpus_out, tmp_path):
    export.export(corpus_out, "ttl", tmp_path / "graph.ttl")
    assert (tmp_path / "graph.ttl").read_bytes() == (corpus_out / "graph.ttl").read_bytes()


def test_exports_equal_the_built_files(sample_out, tmp_path):
    for fmt, name in (("trig", "graph.trig"), ("jsonld", "graph.jsonld")):
        export.export(sample_out, fmt, tmp_path / name)
        assert (tmp_path / name).read_bytes() == (sample_out / name).read_bytes(), fmt


def test_same_bytes_across_processes_and_hash_seeds(tmp_path):
    import os
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
        "import sample_kg; sample_kg.build_sample(Path(sys.argv[2]))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", script, str(tests), str(tmp_path / seed)], env=env, check=True, timeout=300
        )
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "observations.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_cli_export_every_format(sample_out, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    for fmt in ("ttl", "jsonld", "nq", "trig", "csv"):
        target = tmp_path / f"g.{fmt}"
        result = CliRunner().invoke(app, ["export", str(sample_out), "--format", fmt, "--to", str(target)])
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0
