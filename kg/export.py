"""Export: the knowledge graph → files (Turtle, TriG, N-Quads, JSON-LD, CSV) or a remote triple store.

Input: the rdflib Dataset of a build (``write_graph_files``) or a `kg build`
output folder (``export``, ``push_to_endpoint``, read through its Oxigraph
store). Output:

- ``graph.ttl``: every triple of every named graph, merged, as Turtle;
- ``graph.trig`` (and ``graph.nq`` on export): the same triples, one named graph per document;
- ``graph.jsonld``: the same named graphs as JSON-LD, compacted with the
  project's context ``ontology/context.jsonld`` (read from disk, never fetched;
  only the prefixes used are written into the file, inline);
- ``observations.csv``: the ``observations`` named query as RFC 4180 CSV.

Serialisation goes through pyoxigraph (rdflib's Turtle writer is ~500x slower)
over quads sorted in Python, so the same graph always gives the same bytes.
Files are written to a temporary name and renamed into place.

Formats sit in a registry keyed by name (``FORMATS``); graphml and gexf come
from ``kg.network``, imported only when asked for.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import logging
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.namespace import RDF, XSD

from kg.errors import KGError
from kg.resources import data_dir as resource_dir

log = logging.getLogger(__name__)

RDF_TYPE = str(RDF.type)
XSD_STRING = str(XSD.string)
Quad = ox.Quad


# ---------------------------------------------------------------- prefixes (the project's JSON-LD context)


@cache
def context_prefixes() -> dict[str, str]:
    """Prefix → namespace from ``ontology/context.jsonld`` (the one place they are listed for output)."""
    path = resource_dir("ontology") / "context.jsonld"
    try:
        ctx = json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as exc:
        raise KGError(f"cannot read the JSON-LD context: {exc}", doc=str(path)) from exc
    return {k: v for k, v in ctx.items() if isinstance(v, str) and v.startswith(("http://", "https://"))}


@cache
def context_document() -> dict[str, object]:
    """The whole JSON-LD context: the prefixes and a plain term for every property and class."""
    path = resource_dir("ontology") / "context.jsonld"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as exc:
        raise KGError(f"cannot read the JSON-LD context: {exc}", doc=str(path)) from exc


class _Terms:
    """IRI → (plain term, its type coercion) from the context, with IRIs expanded."""

    def __init__(self) -> None:
        ctx = context_document()
        prefixes = context_prefixes()

        def expand(value: str) -> str:
            head, sep, tail = value.partition(":")
            return prefixes[head] + tail if sep and head in prefixes else value

        self.by_iri: dict[str, tuple[str, str]] = {}
        for term, definition in ctx.items():
            if term in prefixes or term.startswith("@"):
                continue
            if isinstance(definition, str):
                self.by_iri[expand(definition)] = (term, "")
            else:
                coercion = definition.get("@type", "")
                self.by_iri[expand(definition["@id"])] = (term, coercion if coercion == "@id" else expand(coercion))


class _Prefixer:
    """Finds which prefixes a set of quads uses and compacts IRIs with them."""

    def __init__(self) -> None:
        # longest namespace first so nested namespaces compact to the most specific prefix
        self.table = sorted(context_prefixes().items(), key=lambda kv: -len(kv[1]))
        self.used: set[str] = set()
        self._memo: dict[str, str] = {}

    def compact(self, iri: str) -> str:
        hit = self._memo.get(iri)
        if hit is not None:
            return hit
        out = iri
        for prefix, ns in self.table:
            if iri.startswith(ns) and len(iri) > len(ns):
                out = f"{prefix}:{iri[len(ns) :]}"
                self.used.add(prefix)
                break
        self._memo[iri] = out
        return out

    def note(self, term: object) -> None:
        if isinstance(term, ox.NamedNode):
            self.compact(term.value)
        elif isinstance(term, ox.Literal):
            self.compact(term.datatype.value)

    def prefixes(self) -> dict[str, str]:
        ctx = context_prefixes()
        return {p: ctx[p] for p in sorted(self.used)}


def _used_prefixes(quads: Iterable[Quad]) -> dict[str, str]:
    px = _Prefixer()
    seen: set[object] = set()
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if term not in seen:
                seen.add(term)
                px.note(term)
    return px.prefixes()


# ---------------------------------------------------------------- deterministic order


def _term_key(term: object) -> str:
    return str(term)


def _quad_key(q: Quad) -> tuple[str, str, int, str, str]:
    p = q.predicate.value
    return (_term_key(q.graph_name), _term_key(q.subject), 0 if p == RDF_TYPE else 1, p, _term_key(q.object))


def sorted_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Quads in a stable order: graph, subject, rdf:type first, predicate, object."""
    return sorted(set(quads), key=_quad_key)


def merged_triples(quads: Iterable[Quad]) -> list[ox.Triple]:
    """The triples of every graph, merged (duplicates across graphs once), in a stable order."""
    triples = {q.triple for q in quads}
    return sorted(
        triples,
        key=lambda t: (
            _term_key(t.subject),
            0 if t.predicate.value == RDF_TYPE else 1,
            t.predicate.value,
            _term_key(t.object),
        ),
    )


# ---------------------------------------------------------------- writers (pyoxigraph quads → bytes)


class Prepared:
    """Quads sorted once, with the prefixes they use, for every writer."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self.quads = sorted_quads(quads)
        self.prefixes = _used_prefixes(self.quads)
        self._triples: list[ox.Triple] | None = None

    @property
    def triples(self) -> list[ox.Triple]:
        if self._triples is None:
            self._triples = merged_triples(self.quads)
        return self._triples


def _prepared(data: Prepared | Iterable[Quad]) -> Prepared:
    return data if isinstance(data, Prepared) else Prepared(data)


def _with_sorted_prefixes(body: bytes, prefixes: dict[str, str]) -> bytes:
    """Replace the serializer's @prefix block by one in alphabetical order (stable bytes by construction)."""
    lines = body.split(b"\n")
    k = 0
    while k < len(lines) and lines[k].startswith(b"@prefix "):
        k += 1
    head = [f"@prefix {p}: <{ns}> .".encode() for p, ns in sorted(prefixes.items())]
    return b"\n".join(head + ([b""] if head else []) + lines[k:])


def turtle_bytes(data: Prepared | Iterable[Quad]) -> bytes:
    """Every triple once (named graphs merged), grouped by subject, in a stable order."""
    d = _prepared(data)
    body = ox.serialize(d.triples, format=ox.RdfFormat.TURTLE, prefixes=d.prefixes)
    return _with_sorted_prefixes(body, d.prefixes)


def trig_bytes(data: Prepared | Iterable[Quad]) -> bytes:
    """One block per named graph, in a stable order."""
    d = _prepared(data)
    body = ox.serialize(d.quads, format=ox.RdfFormat.TRIG, prefixes=d.prefixes)
    return _with_sorted_prefixes(body, d.prefixes)


def nquads_bytes(data: Prepared | Iterable[Quad]) -> bytes:
    return ox.serialize(_prepared(data).quads, format=ox.RdfFormat.N_QUADS)


def _jsonld_node_ref(term: object, px: _Prefixer) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return px.compact(term.value)  # type: ignore[attr-defined]


def _jsonld_value(term: object, px: _Prefixer, coercion: str = "") -> object:
    """A value as the context lets it be written: a plain string where the term's type coercion
    (an IRI, or the literal's own datatype) or plain text makes the type implicit."""
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING and coercion in ("", "@id"):
            return term.value if coercion == "" else {"@value": term.value}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}  # a string under a term that coerces to a number or date
        if term.datatype.value == coercion:
            return term.value
        return {"@value": term.value, "@type": px.compact(term.datatype.value)}
    if coercion == "@id" and isinstance(term, ox.NamedNode):
        return px.compact(term.value)
    return {"@id": _jsonld_node_ref(term, px)}


def _jsonld_nodes(
    quads: Iterable[Quad], px: _Prefixer, terms: _Terms
) -> dict[str, dict[str, dict[str, list[object]]]]:
    """Graph id ('' for the default graph) → subject → key → values, in the order of ``quads``; keys
    and classes by their plain terms of the context where it has one."""
    graphs: dict[str, dict[str, dict[str, list[object]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for q in quads:
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else _jsonld_node_ref(q.graph_name, px)
        node = graphs[g][_jsonld_node_ref(q.subject, px)]
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            known = terms.by_iri.get(q.object.value)
            node["@type"].append(known[0] if known else px.compact(q.object.value))
            continue
        known = terms.by_iri.get(q.predicate.value)
        if known is not None:
            node[known[0]].append(_jsonld_value(q.object, px, known[1]))
        else:
            node[px.compact(q.predicate.value)].append(_jsonld_value(q.object, px))
    return graphs


def _jsonld_node_list(subjects: dict[str, dict[str, list[object]]]) -> list[dict[str, object]]:
    out = []
    for sid, props in subjects.items():
        obj: dict[str, object] = {"@id": sid}
        for key, values in props.items():
            obj[key] = values[0] if len(values) == 1 else values
        out.append(obj)
    return out


def jsonld_document(data: Prepared | Iterable[Quad]) -> dict[str, object]:
    """A compacted JSON-LD document: one graph object per named graph, nodes grouped by subject.

    The context is the project's (``ontology/context.jsonld``), inline: every property and class
    has a plain term ("subject", "value", "Observation"), values are plain strings where the term
    says their type, so a web developer reads ``obs["value"]``; any JSON-LD processor expands it
    offline to the same triples.
    """
    d = _prepared(data)
    px = _Prefixer()
    graphs = _jsonld_nodes(d.quads, px, _Terms())
    top: list[dict[str, object]] = _jsonld_node_list(graphs.pop("", {}))
    for gid in sorted(graphs):
        top.append({"@id": gid, "@graph": _jsonld_node_list(graphs[gid])})
    return {"@context": context_document(), "@graph": top}


def jsonld_bytes(data: Prepared | Iterable[Quad]) -> bytes:
    return (json.dumps(jsonld_document(data), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


RDF_WRITERS: dict[str, Callable[[Prepared | Iterable[Quad]], bytes]] = {
    "ttl": turtle_bytes,
    "trig": trig_bytes,
    "nq": nquads_bytes,
    "jsonld": jsonld_bytes,
}

# graph.nq is left out of the build (the contract does not list it; `kg export --format nq` writes it)
GRAPH_FILES = {"ttl": "graph.ttl", "trig": "graph.trig", "jsonld": "graph.jsonld"}


# ---------------------------------------------------------------- atomic files


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename (the
    temporary file is 0600 as mkstemp makes it; the output gets the ordinary mode, umask applied)."""
    with _atomic_file(path) as fh:
        fh.write(data)


# ---------------------------------------------------------------- the build's outputs


def write_graph_files(dataset: Dataset, out_dir: Path) -> None:
    """Write graph.ttl, graph.trig and graph.jsonld of ``dataset`` into ``out_dir``."""
    from kg.store import oxigraph_quads

    t = time.perf_counter()
    quads = oxigraph_quads(dataset)
    log.debug("converted %d quads in %.2f s", len(quads), time.perf_counter() - t)
    write_quads(quads, Path(out_dir))


def write_quads(quads: Iterable[Quad], out_dir: Path) -> None:
    """Every graph file of ``GRAPH_FILES`` from pyoxigraph quads."""
    prepared = Prepared(quads)
    for fmt, name in GRAPH_FILES.items():
        t = time.perf_counter()
        write_atomic(out_dir / name, RDF_WRITERS[fmt](prepared))
        log.debug("wrote %s in %.2f s", name, time.perf_counter() - t)


# ---------------------------------------------------------------- streaming from the store
#
# A large build's graph does not fit in memory as Python objects (13 million triples for 1,000
# releases), so the build's files are written from the store, one named graph at a time, in the
# same order and bytes as the in-memory writers above: graphs by IRI, each sorted like
# ``sorted_quads``. TriG, N-Quads and JSON-LD are concatenations of per-graph pieces. Turtle merges
# the graphs and groups by subject across them, so it is an external merge sort: each graph's
# triples, sorted, become lines of a sort key (bytewise order = ``merged_triples`` order) in runs
# on disk, merged with ``heapq.merge`` and fed to Oxigraph's Turtle writer as they come.

RUN_LINES = 250_000  # sort-key lines held in memory before a run is written (about 40 MB)


def _key_line(q: Quad) -> bytes:
    """A quad's triple as one line whose bytewise order is the order of ``merged_triples``:
    subject, rdf:type first, predicate, object, separated by NUL (which no IRI holds and N-Triples
    escapes in literals)."""
    p = q.predicate.value
    return f"{q.subject}\0{0 if p == RDF_TYPE else 1}\0{p}\0{q.object}\n".encode()


def _nt_from_key(line: bytes) -> bytes:
    s, _flag, p, o = line.split(b"\0", 3)
    return b"%s <%s> %s .\n" % (s, p, o[:-1])


class _Runs:
    """Sorted runs of key lines in a temporary folder, merged (duplicates dropped) on demand."""

    def __init__(self, folder: Path, limit: int = RUN_LINES) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=".runs-", dir=folder))
        self.limit = limit
        self.lines: list[bytes] = []
        self.paths: list[Path] = []

    def add(self, lines: Iterable[bytes]) -> None:
        self.lines.extend(lines)
        if len(self.lines) >= self.limit:
            self._spill()

    def _spill(self) -> None:
        if not self.lines:
            return
        self.lines.sort()
        path = self.folder / f"{len(self.paths):06d}.run"
        with open(path, "wb") as fh:
            fh.writelines(self.lines)
        self.paths.append(path)
        self.lines = []

    def merged(self) -> Iterator[bytes]:
        """Every line once, in order (``count`` says how many when done)."""
        self.count = 0
        if not self.paths:  # everything fitted in memory: no file to merge
            self.lines.sort()
            streams: list[Iterable[bytes]] = [self.lines]
        else:
            self._spill()
            streams = [open(p, "rb") for p in self.paths]  # noqa: SIM115 - closed below
        previous = None
        try:
            for line in heapq.merge(*streams) if len(streams) > 1 else streams[0]:
                if line != previous:
                    self.count += 1
                    yield line
                    previous = line
        finally:
            for s in streams:
                if hasattr(s, "close"):
                    s.close()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _triples_of_lines(lines: Iterable[bytes], batch: int = 20_000) -> Iterator[ox.Triple]:
    """Key lines → pyoxigraph triples, parsed in batches by Oxigraph's N-Triples parser."""
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(_nt_from_key(line))
        if len(chunk) >= batch:
            yield from ox.parse(b"".join(chunk), format=ox.RdfFormat.N_TRIPLES)
            chunk = []
    if chunk:
        yield from ox.parse(b"".join(chunk), format=ox.RdfFormat.N_TRIPLES)


class _SortedPrefixes:
    """A binary file wrapper for Oxigraph's serialiser: the prefix block it writes first (in an
    order of its own) is replaced by one in alphabetical order, as ``_with_sorted_prefixes`` does."""

    def __init__(self, fh: IO[bytes], prefixes: dict[str, str]) -> None:
        self.fh = fh
        self.prefixes = prefixes
        self.head: bytearray | None = bytearray()

    def write(self, data: bytes) -> int:
        if self.head is None:
            self.fh.write(data)
            return len(data)
        self.head += data
        lines = self.head.split(b"\n")
        # the block ends at the first complete line that is not a prefix declaration
        if any(not ln.startswith(b"@prefix ") for ln in lines[:-1]):
            self.fh.write(_with_sorted_prefixes(bytes(self.head), self.prefixes))
            self.head = None
        return len(data)

    def flush(self) -> None:
        if self.head is not None and self.head:
            self.fh.write(_with_sorted_prefixes(bytes(self.head), self.prefixes))
            self.head = bytearray()
        self.fh.flush()


def _strip_prefixes(body: bytes) -> bytes:
    return _with_sorted_prefixes(body, {})


@contextmanager
def _atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``path`` by a rename when the block ends without an error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_prefixes(store: ox.Store) -> dict[str, str]:
    """The project prefixes the store's data graphs use (what ``_used_prefixes`` gives for them)."""
    from kg.store import data_graphs

    px = _Prefixer()
    seen: set[object] = set()
    for g in data_graphs(store):
        px.note(g)
        for q in store.quads_for_pattern(None, None, None, g):
            for term in (q.subject, q.predicate, q.object):
                if term not in seen:
                    seen.add(term)
                    px.note(term)
        seen.clear()  # a document's own terms do not recur in the next
    return px.prefixes()


def write_store_files(
    store: ox.Store,
    targets: dict[str, Path],
    *,
    prefixes: dict[str, str] | None = None,
    run_lines: int = RUN_LINES,
) -> int:
    """Write the store's data graphs as the formats of ``targets`` (``ttl``, ``trig``, ``nq``,
    ``jsonld`` → file), graph by graph, with the bytes the in-memory writers give for the same quads.

    ``prefixes``: those the data uses when the caller knows them (the build's writer noted them);
    otherwise found by a pass over the store. Returns the number of triples (named graphs merged,
    each triple once; the number of quads when Turtle is not asked for).
    """
    from kg.store import data_graphs

    unknown = set(targets) - set(RDF_WRITERS)
    if unknown:
        raise KGError(f"unknown RDF format(s) {', '.join(sorted(unknown))}; expected {', '.join(RDF_WRITERS)}")
    if prefixes is None:
        prefixes = store_prefixes(store)
    head = b"\n".join(f"@prefix {p}: <{ns}> .".encode() for p, ns in sorted(prefixes.items()))
    head = head + b"\n\n" if head else b""
    spool_dir = Path(next(iter(targets.values()))).parent
    runs = _Runs(spool_dir, run_lines) if "ttl" in targets else None
    px, terms = _Prefixer(), _Terms()
    with ExitStack() as stack:
        files = {fmt: stack.enter_context(_atomic_file(targets[fmt])) for fmt in ("trig", "nq") if fmt in targets}
        if "trig" in files:
            files["trig"].write(head)
        jsonld_body = stack.enter_context(tempfile.TemporaryFile(dir=spool_dir)) if "jsonld" in targets else None
        first, total = True, 0
        for g in data_graphs(store):
            quads = sorted(store.quads_for_pattern(None, None, None, g), key=_quad_key)
            if not quads:
                continue
            total += len(quads)
            if "trig" in files:
                files["trig"].write(_strip_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)))
            if "nq" in files:
                ox.serialize(quads, files["nq"], format=ox.RdfFormat.N_QUADS)
            if jsonld_body is not None:
                [(gid, subjects)] = _jsonld_nodes(quads, px, terms).items()
                text = json.dumps({"@id": gid, "@graph": _jsonld_node_list(subjects)}, ensure_ascii=False, indent=1)
                jsonld_body.write(("" if first else ",\n").encode() + ("\n".join("  " + ln for ln in text.split("\n"))).encode("utf-8"))
            if runs is not None:
                runs.add(map(_key_line, quads))
            first = False
        if jsonld_body is not None:
            with _atomic_file(targets["jsonld"]) as fh:
                context = json.dumps(context_document(), ensure_ascii=False, indent=1).replace("\n", "\n ")
                if first:  # no graph at all
                    fh.write((json.dumps({"@context": context_document(), "@graph": []}, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
                else:
                    fh.write(b'{\n "@context": ' + context.encode("utf-8") + b',\n "@graph": [\n')
                    jsonld_body.seek(0)
                    shutil.copyfileobj(jsonld_body, fh)
                    fh.write(b"\n ]\n}\n")
    if runs is not None:
        try:
            with _atomic_file(targets["ttl"]) as fh:
                out = _SortedPrefixes(fh, prefixes)
                ox.serialize(_triples_of_lines(runs.merged()), out, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
                out.flush()
            total = runs.count
        finally:
            runs.remove()
    return total


def write_observations_csv_from(store: ox.Store, path: Path) -> int:
    """Write the ``observations`` named query's rows over ``store`` to ``path`` as CSV, row by row
    (the bytes of ``kg query observations --format csv``); returns the number of rows."""
    from kg.query import execute_rows, find_query, plain

    q = find_query("observations")
    n = 0
    with _atomic_file(path) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        w = csv.writer(text, lineterminator="\r\n")
        columns, rows = execute_rows(store, q.text, name=q.name)
        w.writerow(columns)
        for row in rows:
            w.writerow([plain(v) for v in row])
            n += 1
        text.flush()
        text.detach()
    return n


def write_observations_csv(out_dir: Path) -> None:
    """Write ``out_dir/observations.csv``: the ``observations`` named query over the store in ``out_dir``."""
    write_atomic(Path(out_dir) / "observations.csv", _observations_csv(Path(out_dir)))


def _observations_csv(data_dir: Path) -> bytes:
    from kg.query import format_result, run_query

    return format_result(run_query("observations", data_dir), "csv").encode("utf-8")


# ---------------------------------------------------------------- `kg export`


def _data_quads(data_dir: Path) -> list[Quad]:
    from kg.store import data_quads, open_store

    return data_quads(open_store(Path(data_dir)))


def _rdf_exporter(fmt: str) -> Callable[[Path, Path], None]:
    def run(data_dir: Path, to: Path) -> None:
        write_atomic(to, RDF_WRITERS[fmt](_data_quads(data_dir)))

    return run


def _csv_exporter(data_dir: Path, to: Path) -> None:
    write_atomic(to, _observations_csv(Path(data_dir)))


def _network_exporter(function: str) -> Callable[[Path, Path], None]:
    def run(data_dir: Path, to: Path) -> None:
        try:
            import kg.network as network
        except ImportError as exc:
            raise KGError(f"this format needs kg.network, which is not available: {exc}") from exc
        getattr(network, function)(Path(data_dir), Path(to))

    return run


FORMATS: dict[str, Callable[[Path, Path], None]] = {
    "ttl": _rdf_exporter("ttl"),
    "jsonld": _rdf_exporter("jsonld"),
    "nq": _rdf_exporter("nq"),
    "trig": _rdf_exporter("trig"),
    "csv": _csv_exporter,
    "graphml": _network_exporter("write_graphml"),
    "gexf": _network_exporter("write_gexf"),
}


def export(data_dir: Path, fmt: str, to: Path) -> None:
    """Re-serialise the graph of a `kg build` output folder as ``fmt`` (a key of FORMATS) into ``to``."""
    try:
        exporter = FORMATS[fmt]
    except KeyError:
        raise KGError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    exporter(Path(data_dir), Path(to))


# ---------------------------------------------------------------- SPARQL 1.1 Graph Store HTTP Protocol


def _graph_url(url: str, graph: str | None) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    if graph is None:
        return f"{url}{sep}default"
    return f"{url}{sep}{urllib.parse.urlencode({'graph': graph})}"


def _put(url: str, body: bytes, timeout: float) -> None:
    req = urllib.request.Request(
        url, data=body, method="PUT", headers={"Content-Type": "text/turtle; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (URL given by the user)
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        raise KGError(
            f"{url}: the graph store refused the upload: HTTP {exc.code} {exc.reason} {detail}"
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise KGError(f"{url}: cannot reach the graph store: {getattr(exc, 'reason', exc)}") from exc


def push_to_endpoint(data_dir: Path, url: str, *, graph: str | None, timeout: float = 120.0) -> int:
    """Upload the graph of ``data_dir`` to a SPARQL 1.1 Graph Store HTTP Protocol endpoint ``url``.

    With ``graph``, every triple (named graphs merged) replaces the content of that
    graph (HTTP PUT ``url?graph=IRI``). Without it, each document's named graph
    replaces the graph of the same IRI on the server, keeping provenance. Returns
    the number of triples sent.
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise KGError(f"{url}: expected an http(s) URL of a SPARQL 1.1 Graph Store endpoint")
    quads = _data_quads(Path(data_dir))
    if graph is not None:
        prepared = Prepared(quads)
        triples = prepared.triples
        _put(_graph_url(url, graph), turtle_bytes(prepared), timeout)
        log.info("pushed %d triples to %s", len(triples), graph)
        return len(triples)
    by_graph: dict[object, list[Quad]] = defaultdict(list)
    for q in quads:
        by_graph[q.graph_name].append(q)
    total = 0
    for g, members in sorted(by_graph.items(), key=lambda kv: _term_key(kv[0])):
        name = None if isinstance(g, ox.DefaultGraph) else g.value  # type: ignore[attr-defined]
        prepared = Prepared(members)
        _put(_graph_url(url, name), turtle_bytes(prepared), timeout)
        total += len(prepared.triples)
    log.info("pushed %d triples in %d graphs to %s", total, len(by_graph), url)
    return total
