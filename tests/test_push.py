"""`kg export DIR --to-endpoint URL`: push to a real Oxigraph server (SPARQL 1.1 Graph Store HTTP Protocol)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from sample_kg import build_sample

from kg.errors import KGError
from kg.export import push_to_endpoint

pytestmark = pytest.mark.slow


def _oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def oxigraph_server(tmp_path):
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server (PyPI package `oxigraph`, in the dev extras) is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"oxigraph did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
                    )
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _dump(url: str) -> Dataset:
    req = urllib.request.Request(url + "/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = resp.read().decode("utf-8")
    ds = Dataset()
    ds.parse(data=data, format="nquads")
    return ds


def _quads(ds: Dataset) -> set:
    return {(s, p, o, getattr(c, "identifier", c)) for s, p, o, c in ds.quads((None, None, None, None))}


def _triples(ds: Dataset) -> set:
    return {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}


def test_push_one_named_graph_per_document(oxigraph_server, tmp_path):
    out = build_sample(tmp_path / "out")
    pushed = push_to_endpoint(out, oxigraph_server + "/store", graph=None)
    remote = _dump(oxigraph_server)
    local = Dataset()
    local.parse(out / "graph.trig", format="trig")
    assert _quads(remote) == _quads(local)
    assert pushed == len(_quads(local))
    names = {str(c.identifier) for c in remote.graphs() if len(c)}
    assert any(n.endswith("/graph/000_annual2006") for n in names)
    # pushing again replaces, never duplicates
    assert push_to_endpoint(out, oxigraph_server + "/store", graph=None) == pushed
    assert len(_quads(_dump(oxigraph_server))) == pushed


def test_push_into_one_graph(oxigraph_server, tmp_path):
    out = build_sample(tmp_path / "out")
    iri = "https://example.org/graphs/mining"
    pushed = push_to_endpoint(out, oxigraph_server + "/store", graph=iri)
    remote = _dump(oxigraph_server)
    reference = Graph().parse(out / "graph.ttl", format="turtle")
    assert pushed == len(reference) == len(_quads(remote))
    assert _triples(remote) == set(reference)
    assert {str(c.identifier) for c in remote.graphs() if len(c)} == {iri}


def test_unreachable_endpoint_is_a_clear_error(tmp_path):
    out = build_sample(tmp_path / "out")
    with pytest.raises(KGError, match="cannot reach"):
        push_to_endpoint(out, f"http://127.0.0.1:{_free_port()}/store", graph=None, timeout=5)
    with pytest.raises(KGError, match="http"):
        push_to_endpoint(out, "file:///etc/passwd", graph=None)


def test_cli_pushes_to_the_endpoint(oxigraph_server, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    out = build_sample(tmp_path / "out")
    result = CliRunner().invoke(app, ["export", str(out), "--to-endpoint", oxigraph_server + "/store"])
    assert result.exit_code == 0, result.output
    assert f"pushed {len(_quads(_dump(oxigraph_server)))} triples" in result.output
