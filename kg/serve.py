"""Serve: a `kg build` output folder → a read-only SPARQL 1.1 Protocol endpoint and pages over HTTP.

Input: the output folder (its Oxigraph store, graph.html and report.html). Output: an HTTP server
(loopback by default) with

- ``/sparql``: SPARQL 1.1 Protocol queries by GET (``?query=``) and POST
  (``application/x-www-form-urlencoded`` or ``application/sparql-query``);
  results as SPARQL JSON, XML, CSV or TSV (and an HTML table for people) by
  content negotiation or ``format=``; CONSTRUCT/DESCRIBE as Turtle or N-Triples;
- ``/queries``: the named queries with their summaries and links to run them;
  ``/queries/NAME.rq`` the query text;
- ``/``: the visualisation ``graph.html`` (``/report`` the report page);
- ``/source/DOC``: a release as its build keeps it, ``#L123`` its line 123 (every ``FILE:LINE`` of
  the pages and of a result table links there);
- ``/health``: ``ok``.

Safety, against a stranger and a careless user alike:

- what may run is decided on the parsed query (:func:`kg.query.check_query`): updates and SERVICE
  get 403, malformed queries 400; the query processes are cut off the network besides
  (:func:`kg.query.isolate_from_network`), so a gap in the parser still reaches nothing;
- requests whose ``Host`` is not an address of this server get 403 (a web page cannot rebind a
  name of its own to 127.0.0.1 and read the answers), and no ``Access-Control-Allow-Origin``
  header is sent unless origins are allowed on purpose (``cors``);
- a client has ``header_timeout`` seconds to send a request's headers and ``body_timeout`` for its
  body, whatever it trickles; connections beyond ``max_connections`` get 503, and a client that
  holds connections open costs the others nothing (they wait on no thread);
- bodies over ``max_body`` get 413, results over ``max_rows`` 400, queries over ``timeout`` 503:
  each query runs in a worker process holding its own read-only store handle, because an
  Oxigraph query cannot be interrupted from another thread; a worker that overruns is killed
  and replaced;
- a rebuilt store (``kg build`` into the served folder) is noticed at the next request and the
  workers reopen it; answers of the old store are forgotten.

The HTTP layer is Tornado's, chosen over the standard library's threading server and over
uvicorn: its HTTP/1.1 server enforces an absolute deadline for a request's headers and one for
its body (uvicorn has only a keep-alive timeout, which a client resets by sending a byte a
second; the threading server gives every slow client a thread), it buffers a request fully
before any handler runs, and it is one dependency without an ASGI layer to configure.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import logging
import os
import pickle
import queue
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KGError, UsageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request, and one client, may cost."""

    timeout: float = 10.0  # seconds a query may run (including serialisation)
    max_rows: int = 50_000  # rows (or triples) a result may have
    max_body: int = 256 * 1024  # bytes of a POST body (and of a query)
    workers: int = 2  # query processes (one per core on the reference machine)
    max_connections: int = 512  # open connections; more get 503 (a held connection costs no thread)
    max_pending: int = 64  # queries waiting for or running on a worker; more get 503 at once
    header_timeout: float = 10.0  # seconds a client has to send a request's headers (idle keep-alive too)
    body_timeout: float = 20.0  # seconds a client has to send a request's body
    max_header_bytes: int = 16 * 1024  # bytes of a request line and headers
    memory: int = 4 * 1024**3  # address space of a worker process (bytes), 0 for no limit
    queue_timeout: float = 30.0  # seconds a request may wait for a free worker before 503
    # answers kept for repeated queries (forgotten when the store is rebuilt); 0 for none
    cache_bytes: int = 128 * 1024**2
    reload_check: float = 1.0  # seconds between checks that the store was not rebuilt


# ---------------------------------------------------------------- content negotiation

RESULT_TYPES = {  # media type → format name of kg.query.format_result (or html)
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "text/plain": "ntriples"}
FORMAT_ALIASES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
}
CONTENT_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
}


def _parse_accept(header: str) -> list[tuple[str, float]]:
    out = []
    for k, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q - k * 1e-6))  # stable: earlier wins ties
    return sorted(out, key=lambda t: -t[1])


def negotiate(form: str, accept: str, fmt: str | None) -> str | None:
    """The output format for a query form, an Accept header and an optional ``format=``; None if unacceptable."""
    table = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    default = "turtle" if table is GRAPH_TYPES else "json"
    if fmt:
        media = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        return table.get(media)
    if not accept.strip():
        return default
    for media, q in _parse_accept(accept):
        if q <= 0:
            continue
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


# ---------------------------------------------------------------- worker processes


def _read_exact(stream: Any, n: int) -> bytes:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _write_message(stream: Any, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def _read_message(stream: Any) -> Any:
    (n,) = struct.unpack(">I", _read_exact(stream, 4))
    return pickle.loads(_read_exact(stream, n))  # noqa: S301 (our own worker process)


def worker_main(data_dir: str, max_rows: int, memory: int) -> None:
    """A query worker: read (query, format) messages on stdin, answer on stdout, until stdin closes."""
    import signal

    from kg.query import isolate_from_network

    # Ctrl-C in a terminal reaches the whole process group: the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # First, while the process has one thread: no network for anything this process runs.
    isolated = isolate_from_network()
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the protocol
    inp = sys.stdin.buffer
    if memory:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):  # not on this platform
            pass
    from kg.outdir import hold_build
    from kg.store import open_store

    held = hold_build(Path(data_dir))  # a rebuild keeps this build on disk while the worker lives
    try:
        store = open_store(Path(data_dir))
    except KGError as exc:
        _write_message(out, ("error", str(exc)))
        return
    log.debug("worker holds %s", getattr(held, "name", "no build"))
    _write_message(out, ("ready", "isolated" if isolated else "not isolated"))
    while True:
        try:
            text, fmt = _read_message(inp)
        except (EOFError, OSError, struct.error):
            return
        _write_message(out, _answer(store, text, fmt, max_rows))


def _answer(store: Any, text: str, fmt: str, max_rows: int) -> tuple[int, str, bytes]:
    import pyoxigraph as ox

    from kg.errors import QueryError
    from kg.query import QueryRefused, ResultTooLarge, execute, format_result

    try:
        result = execute(store, text, name="request", max_rows=max_rows)
        if result.kind == "graph":
            if fmt not in ("turtle", "ntriples"):
                fmt = "turtle"
            rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
            body = ox.serialize(result.triples, format=rdf_format)
        elif fmt == "html":
            body = _html_table(result).encode("utf-8")
        else:
            if fmt not in ("json", "xml", "csv", "tsv"):
                fmt = "json"
            body = format_result(result, fmt).encode("utf-8")
        return 200, CONTENT_TYPE[fmt], body
    except QueryRefused as exc:
        return 403, "text/plain; charset=utf-8", str(exc).encode("utf-8")
    except ResultTooLarge as exc:
        return 400, "text/plain; charset=utf-8", str(exc).encode("utf-8")
    except QueryError as exc:
        return 400, "text/plain; charset=utf-8", str(exc).encode("utf-8")
    except MemoryError:
        return 503, "text/plain; charset=utf-8", b"query exceeded the memory limit"


class _Worker:
    """One worker process (``python -m kg.serve --worker``) and its pipes."""

    def __init__(self, data_dir: Path, limits: Limits, generation: int) -> None:
        self.generation = generation  # which opening of the store it serves
        self.isolated = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.serve", "--worker", str(data_dir), str(limits.max_rows), str(limits.memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            close_fds=True,
        )

    def send(self, obj: object) -> None:
        _write_message(self.process.stdin, obj)

    def poll(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, timeout))
        return bool(ready)

    def recv(self) -> Any:
        return _read_message(self.process.stdout)

    def wait_ready(self, timeout: float) -> None:
        if not self.poll(timeout):
            self.kill()
            raise KGError("a query worker did not start in time")
        try:
            status, message = self.recv()
        except (EOFError, struct.error) as exc:
            self.kill()
            raise KGError("a query worker stopped while starting") from exc
        if status != "ready":
            self.kill()
            raise KGError(message)
        self.isolated = message == "isolated"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            log.warning("query worker %d did not stop", self.process.pid)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass


class AnswerCache:
    """Answers by (query text, format), least recently used first out, bounded in bytes.

    The store is read-only, so an answer stays right until the store is rebuilt, when the
    pool empties the cache; repeated named queries then cost nothing.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str], tuple[int, str, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple[str, str]) -> tuple[int, str, bytes] | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return hit

    def put(self, key: tuple[str, str], answer: tuple[int, str, bytes]) -> None:
        size = len(answer[2]) + len(key[0])
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                old_key, old = self._items.popitem(last=False)
                self._bytes -= len(old[2]) + len(old_key[0])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def store_identity(data_dir: Path) -> tuple[str, int, int] | None:
    """What tells one build's store from the next: its real path (a build switches the folder's
    ``current`` link) and its inode (an older build renamed a new store into place); None when
    the folder has no store."""
    from kg.store import store_path

    path = store_path(data_dir)
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return None
    return (real, st.st_dev, st.st_ino)


_BUSY = (503, "text/plain; charset=utf-8", b"the server is busy; try again")


class WorkerPool:
    """Query worker processes; a query over the time limit costs its worker, which is replaced.

    When the served folder's store is rebuilt, the next request starts workers on the new store
    and retires the old ones (a busy one when its query ends)."""

    def __init__(self, data_dir: Path, limits: Limits) -> None:
        self.data_dir = data_dir
        self.limits = limits
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._closed = False
        self.cache = AnswerCache(limits.cache_bytes) if limits.cache_bytes else None
        self.generation = 0
        self.identity = store_identity(data_dir)
        self._checked = time.monotonic()
        workers = [self._spawn() for _ in range(max(1, limits.workers))]
        for w in workers:
            w.wait_ready(120)
            self._idle.put(w)
        self.isolated = all(w.isolated for w in workers)

    def _spawn(self) -> _Worker:
        w = _Worker(self.data_dir, self.limits, self.generation)
        with self._lock:
            self._all.add(w)
        return w

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)

    def _replace(self, dead: _Worker) -> None:
        self._retire(dead)
        if self._closed or dead.generation != self.generation:
            return

        def start() -> None:
            try:
                w = self._spawn()
                w.wait_ready(120)
            except KGError:
                log.exception("could not replace a query worker")
                return
            if self._closed or w.generation != self.generation:
                self._retire(w)
            else:
                self._idle.put(w)

        threading.Thread(target=start, name="kg-worker-spawn", daemon=True).start()

    def _give_back(self, w: _Worker) -> None:
        if self._closed or w.generation != self.generation:
            self._retire(w)
        else:
            self._idle.put(w)

    def check_store(self) -> tuple[int, str, bytes] | None:
        """Reopen the store if it was rebuilt since the last check (at most one check per
        ``reload_check`` seconds); an answer to give instead of running the query when the folder
        has no store any more."""
        now = time.monotonic()
        if now - self._checked < self.limits.reload_check:
            return None
        with self._reload_lock:
            if now - self._checked < self.limits.reload_check:
                return None
            identity = store_identity(self.data_dir)
            self._checked = time.monotonic()
            if identity is None:
                msg = f"{self.data_dir} has no store any more (deleted?); rebuild it with kg build"
                return 503, "text/plain; charset=utf-8", msg.encode()
            if identity == self.identity:
                return None
            log.info("the store of %s was rebuilt: reopening it", self.data_dir)
            self.generation += 1
            fresh = [self._spawn() for _ in range(max(1, self.limits.workers))]
            try:
                for w in fresh:
                    w.wait_ready(120)
            except KGError as exc:
                for w in fresh:
                    self._retire(w)
                self.generation -= 1
                return 503, "text/plain; charset=utf-8", f"cannot reopen the rebuilt store: {exc}".encode()
            self.identity = identity
            if self.cache:
                self.cache.clear()
            stale: list[_Worker] = []
            while True:
                try:
                    stale.append(self._idle.get_nowait())
                except queue.Empty:
                    break
            for w in stale:
                self._retire(w)
            for w in fresh:
                self._idle.put(w)
        return None

    def run(self, text: str, fmt: str) -> tuple[int, str, bytes]:
        """(status, content type, body) of a query, within the time limit."""
        gone = self.check_store()
        if gone is not None:
            return gone
        key = (text, fmt)
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            return cached
        deadline = time.monotonic() + self.limits.queue_timeout
        while True:
            try:
                w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return _BUSY
            if w.generation == self.generation:
                break
            self._retire(w)  # a worker of the store before the rebuild
        answer = self._run_on(w, text, fmt)
        if self.cache and answer[0] in (200, 400, 403) and w.generation == self.generation:
            self.cache.put(key, answer)  # deterministic answers only
        return answer

    def _run_on(self, w: _Worker, text: str, fmt: str) -> tuple[int, str, bytes]:
        deadline = time.monotonic() + self.limits.timeout
        try:
            w.send((text, fmt))
            if w.poll(deadline - time.monotonic()):
                answer = w.recv()
                self._give_back(w)
                return answer
        except (EOFError, OSError, struct.error):
            self._replace(w)
            return 503, "text/plain; charset=utf-8", b"the query stopped its worker (resource limits)"
        self._replace(w)
        msg = f"query exceeded the time limit of {self.limits.timeout:g} s"
        return 503, "text/plain; charset=utf-8", msg.encode()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


# ---------------------------------------------------------------- pages


def _page(title: str, body: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:72em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
        "pre{background:#f6f6f6;padding:.5em;overflow:auto}textarea{width:100%;font-family:monospace}</style>"
        f"</head><body>{body}</body></html>"
    ).encode()


def _source_href(doc: str, line: str) -> str:
    return f"/source/{urllib.parse.quote(doc)}#L{line}"


def _html_cells(header: list[str], row: list[str]) -> str:
    """A result row's cells; a line number beside its document's file name (doc and line, prose_doc
    and prose_line ...) and every FILE:LINE in a cell link to the release at that line."""
    from kg.sources import CITATION

    values = dict(zip(header, row, strict=True))
    cells = []
    for col, v in zip(header, row, strict=True):
        doc = values.get(col[: -len("line")] + "doc", "") if col.endswith("line") else ""
        if doc and v.isdigit():
            cells.append(f"<td><a href='{html.escape(_source_href(doc, v))}'>{html.escape(v)}</a></td>")
            continue
        parts, last = [], 0
        for m in CITATION.finditer(v):
            parts.append(html.escape(v[last : m.start()]))
            parts.append(f"<a href='{html.escape(_source_href(m.group(1), m.group(2)))}'>{html.escape(m.group(0))}</a>")
            last = m.end()
        parts.append(html.escape(v[last:]))
        cells.append("<td>" + "".join(parts) + "</td>")
    return "".join(cells)


def source_page(data_dir: Path, doc: str) -> bytes | None:
    """The release ``doc`` as its build keeps it, one anchor per line (``#L123``); the line in the
    address is highlighted and scrolled to. None when the build holds no such document."""
    from kg.sources import read_lines

    lines = read_lines(data_dir, doc)
    if not lines:
        return None
    body = "".join(
        f"<span class='ln' id='L{n}'><a href='#L{n}'>{n:>5}</a>  {html.escape(t)}</span>\n" for n, t in sorted(lines.items())
    )
    style = (
        "<style>pre{font-size:12px;line-height:1.45}.ln{display:inline-block;min-width:100%}"
        ".ln a{color:#999;text-decoration:none}.ln:target{background:#fff2b3}</style>"
    )
    return _page(doc, f"{style}<h1>{html.escape(doc)}</h1><p><a href='/'>graph</a> · <a href='/report'>report</a> · "
                 f"<a href='/queries'>named queries</a></p><pre>{body}</pre>")


def _html_table(result: Any) -> str:
    header = result.header()
    rows = "".join("<tr>" + _html_cells(header, row) + "</tr>" for row in result.plain_rows())
    header = "".join(f"<th>{html.escape(c)}</th>" for c in header)
    n = len(result.plain_rows())
    body = f"<p>{n} row(s) · <a href='/queries'>named queries</a></p><table><tr>{header}</tr>{rows}</table>"
    return _page("query result", body).decode("utf-8")


def queries_page() -> bytes:
    from kg.query import list_queries

    items = []
    for q in list_queries():
        link = "/sparql?" + urllib.parse.urlencode({"query": q.text, "format": "html"})
        csv_link = "/sparql?" + urllib.parse.urlencode({"query": q.text, "format": "csv"})
        json_link = "/sparql?" + urllib.parse.urlencode({"query": q.text, "format": "json"})
        items.append(
            f"<tr><td><a href='{html.escape(link)}'>{html.escape(q.name)}</a></td>"
            f"<td>{html.escape(q.summary)}</td><td>{html.escape(', '.join(q.returns))}</td>"
            f"<td><a href='{html.escape(csv_link)}'>csv</a> <a href='{html.escape(json_link)}'>json</a> "
            f"<a href='/queries/{html.escape(q.name)}.rq'>rq</a></td></tr>"
        )
    body = (
        "<h1>Named queries</h1><p>Run one, or write your own below. The endpoint is "
        "<code>/sparql</code> (SPARQL 1.1 Protocol, read-only).</p>"
        "<table><tr><th>name</th><th>what it answers</th><th>columns</th><th>as</th></tr>"
        + "".join(items)
        + "</table><h2>Ad-hoc query</h2><form method='post' action='/sparql'>"
        "<textarea name='query' rows='10'>SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20</textarea>"
        "<select name='format'><option>html</option><option>csv</option><option>json</option>"
        "<option>xml</option><option>tsv</option><option>turtle</option></select> "
        "<button>Run</button></form>"
    )
    return _page("named queries", body)


# ---------------------------------------------------------------- who may ask


def host_checker(bound: str, port: int, allow: Sequence[str] = ()) -> Callable[[str | None], bool]:
    """Whether a request's ``Host`` header names this server.

    A page served from a name of its own that the page's owner then points at 127.0.0.1 (DNS
    rebinding) reaches a loopback server as the same origin; its requests still carry that name
    in ``Host``. So only these are accepted, with the bound port: loopback addresses and
    ``localhost``; the bound address; when bound to every interface, any address literal and this
    machine's own names; and the names given in ``allow``.
    """
    names = {"localhost"} | {a.strip().lower().rstrip(".") for a in allow if a.strip()}
    try:
        bound_ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(bound.strip("[]"))
    except ValueError:
        bound_ip = None
        names.add(bound.lower().rstrip("."))
    wildcard = bound_ip is not None and bound_ip.is_unspecified
    if wildcard:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}

    def allowed(header: str | None) -> bool:
        if not header:
            return False
        host, sep, port_text = header.strip().rpartition(":")
        if not sep or host.endswith(":") or (host.startswith("[") != host.endswith("]")):
            host, port_text = header.strip(), "80"  # no port: the default one
        if not port_text.isdigit() or int(port_text) != port:
            return False
        host = host.strip("[]").lower().rstrip(".")
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return host in names
        return ip.is_loopback or wildcard or ip == bound_ip

    return allowed


# ---------------------------------------------------------------- HTTP

_PLAIN = "text/plain; charset=utf-8"
_HTML = "text/html; charset=utf-8"


def _make_app(server: KGServer) -> Any:
    """The Tornado application: the routes of the module docstring."""
    import tornado.web

    class Base(tornado.web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Server", "kg-sparql")
            self.set_header("X-Content-Type-Options", "nosniff")
            self.clear_header("Content-Type")

        def prepare(self) -> None:
            host = self.request.headers.get("Host")
            if not (server.host_allowed(host) or (host is None and self.request.version == "HTTP/1.0")):
                log.warning("refused a request for Host %r (not an address of this server)", host)
                self.send(403, _PLAIN, b"unknown Host: this endpoint answers only under its own address\n", close=True)
                return
            origin = self.request.headers.get("Origin")
            if "*" in server.cors:
                self.set_header("Access-Control-Allow-Origin", "*")
            elif origin and origin in server.cors:
                self.set_header("Access-Control-Allow-Origin", origin)
                self.set_header("Vary", "Origin")

        def compute_etag(self) -> None:
            return None

        def send(self, status: int, ctype: str, body: bytes, *, close: bool = False) -> None:
            if self._finished:
                return
            self.set_status(status)
            self.set_header("Content-Type", ctype)
            if close:  # the client closes; Tornado closes too when the request body was left unread
                self.set_header("Connection", "close")
            self.finish(body)

        def text(self, status: int, message: str, *, close: bool = False) -> None:
            self.send(status, _PLAIN, (message + "\n").encode("utf-8"), close=close)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            self.set_header("Content-Type", _PLAIN)
            self.finish(f"{status_code} {self._reason}\n".encode())

        def options(self, *args: str) -> None:
            if not server.cors:
                self.text(405, "OPTIONS is answered only when cross-origin requests are allowed (--cors)")
                return
            self.set_header("Access-Control-Allow-Methods", "GET, POST, HEAD")
            self.set_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.set_header("Access-Control-Max-Age", "600")
            self.send(204, _PLAIN, b"")

        def put(self, *args: str) -> None:
            self.text(405, "this endpoint is read-only", close=True)

        delete = patch = put

    @tornado.web.stream_request_body
    class Sparql(Base):
        def prepare(self) -> None:
            self._chunks: list[bytes] = []
            super().prepare()
            if self._finished or self.request.method != "POST":
                return
            length = self.request.headers.get("Content-Length")
            if self.request.headers.get("Transfer-Encoding") or length is None:
                self.text(411, "a Content-Length is required", close=True)
            elif not length.isdigit():
                self.text(400, "bad Content-Length", close=True)
            elif int(length) > server.limits.max_body:
                self.text(413, f"request body over {server.limits.max_body} bytes", close=True)
            else:
                self.request.connection.set_max_body_size(server.limits.max_body)  # type: ignore[union-attr]

        def data_received(self, chunk: bytes) -> None:
            if not self._finished:
                self._chunks.append(chunk)

        async def get(self) -> None:
            await self.sparql(urllib.parse.parse_qs(self.request.query, keep_blank_values=True))

        head = get

        async def post(self) -> None:
            body = b"".join(self._chunks)
            ctype = (self.request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = urllib.parse.parse_qs(self.request.query, keep_blank_values=True)
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    self.text(400, "the form is not UTF-8")
                    return
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                try:
                    params["query"] = [body.decode("utf-8")]
                except UnicodeDecodeError:
                    self.text(400, "the query is not UTF-8")
                    return
            elif ctype == "application/sparql-update":
                self.text(403, "updates are refused: this endpoint is read-only")
                return
            else:
                self.text(415, "expected application/x-www-form-urlencoded or application/sparql-query")
                return
            await self.sparql(params)

        async def sparql(self, params: dict[str, list[str]]) -> None:
            from kg.query import query_form

            if "update" in params:
                self.text(403, "updates are refused: this endpoint is read-only")
                return
            queries = params.get("query", [])
            if len(queries) != 1:
                if not queries and self.request.method in ("GET", "HEAD"):
                    self.send(200, _HTML, queries_page())
                    return
                self.text(400, "give exactly one query parameter")
                return
            if params.get("default-graph-uri") or params.get("named-graph-uri"):
                self.text(400, "default-graph-uri and named-graph-uri are not supported: the dataset is fixed")
                return
            text = queries[0]
            if len(text.encode("utf-8")) > server.limits.max_body:
                self.text(413, f"query over {server.limits.max_body} bytes")
                return
            # The form only picks the result format; what may run is decided on the parsed query,
            # in the worker (kg.query.check_query).
            fmt = negotiate(query_form(text), self.request.headers.get("Accept", ""), (params.get("format") or [None])[0])
            if fmt is None:
                self.text(406, "no acceptable result format; try application/sparql-results+json or text/turtle")
                return
            status, ctype, body = await server.run_query(text, fmt)
            self.send(status, ctype, body)

    class Page(Base):
        def initialize(self, name: str, what: str) -> None:
            self.name, self.what = name, what

        def get(self) -> None:
            path = server.data_dir / self.name
            try:
                body = path.read_bytes()
            except OSError:
                message = (
                    f"<h1>No {html.escape(self.name)}</h1><p>{html.escape(server.data_dir.name)} has no {self.what} "
                    f"({html.escape(self.name)}); rebuild with <code>kg build</code>. Meanwhile: "
                    "<a href='/queries'>named queries</a>, <a href='/sparql'>SPARQL endpoint</a>.</p>"
                )
                self.send(404, _HTML, _page(f"no {self.name}", message))
                return
            self.send(200, _HTML, body)

        head = get

    class Queries(Base):
        def get(self) -> None:
            self.send(200, _HTML, queries_page())

        head = get

        def post(self) -> None:
            self.text(405, f"POST is only for /sparql, not {self.request.path}")

    class QueryText(Base):
        def get(self, name: str) -> None:
            from kg.errors import QueryError
            from kg.query import find_query

            try:
                q = find_query(name)
            except QueryError as exc:
                self.text(404, str(exc))
                return
            self.send(200, "application/sparql-query; charset=utf-8", q.text.encode("utf-8"))

        head = get

    class Source(Base):
        def get(self, doc: str) -> None:
            page = source_page(server.data_dir, urllib.parse.unquote(doc))
            if page is None:
                self.text(404, f"no release {doc!r} in this build")
                return
            self.send(200, _HTML, page)

        head = get

    class Health(Base):
        def get(self) -> None:
            self.text(200, "ok")

        head = get

    class NotFound(Base):
        def get(self) -> None:
            self.text(404, f"not found: {self.request.path}")

        head = post = get

    page = {"name": "graph.html", "what": "the visualisation"}
    report = {"name": "report.html", "what": "the report"}
    return tornado.web.Application(
        [
            (r"/sparql", Sparql),
            (r"/(?:index\.html|graph\.html)?", Page, page),
            (r"/report(?:\.html)?", Page, report),
            (r"/queries/?", Queries),
            (r"/queries/([A-Za-z0-9_-]+)\.rq", QueryText),
            (r"/health", Health),
            (r"/source/([^/]+)", Source),
        ],
        default_handler_class=NotFound,
        compress_response=False,
        log_function=_log_request,
    )


def _log_request(handler: Any) -> None:
    log.info("%s %s %s %d", handler.request.remote_ip, handler.request.method, handler.request.uri, handler.get_status())


class KGServer:
    """The endpoint: listening sockets, a worker pool and the limits. ``start()`` serves in a
    background thread (tests, benchmarks), ``serve_forever()`` in this one (the CLI)."""

    def __init__(
        self,
        data_dir: Path,
        sockets: list[socket.socket],
        limits: Limits,
        *,
        allow_hosts: Sequence[str] = (),
        cors: Sequence[str] = (),
    ) -> None:
        self.data_dir = Path(data_dir)
        self.limits = limits
        self.sockets = sockets
        self.server_address: tuple[str, int] = sockets[0].getsockname()[:2]
        self.host_allowed = host_checker(self.server_address[0], self.server_address[1], allow_hosts)
        self.cors = tuple(cors)
        self.pool = WorkerPool(self.data_dir, limits)
        self._executor = ThreadPoolExecutor(max_workers=max(1, limits.max_pending), thread_name_prefix="kg-query")
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._closed = False
        self._stop_requested = False  # a stop asked for before the loop ran (request_stop)

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    async def run_query(self, text: str, fmt: str) -> tuple[int, str, bytes]:
        if self._pending >= self.limits.max_pending:
            return _BUSY
        self._pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, self.pool.run, text, fmt)
        finally:
            self._pending -= 1

    async def _main(self) -> None:
        from tornado.httpserver import HTTPServer

        limits = self.limits

        class LimitedServer(HTTPServer):
            def handle_stream(self, stream: Any, address: Any) -> None:
                if len(self._connections) >= limits.max_connections:
                    done = stream.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    done.add_done_callback(lambda _: stream.close())
                    return
                super().handle_stream(stream, address)

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if self._stop_requested:
            self._stop.set()
        http = LimitedServer(
            _make_app(self),
            idle_connection_timeout=limits.header_timeout,  # Tornado's deadline for a request's headers
            body_timeout=limits.body_timeout,
            max_header_size=limits.max_header_bytes,
            max_body_size=limits.max_body,
        )
        http.add_sockets(self.sockets)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            http.stop()
            try:
                await asyncio.wait_for(http.close_all_connections(), 5)
            except TimeoutError:
                pass

    def start(self) -> KGServer:
        """Serve in a background thread (for tests and benchmarks)."""
        import gc

        # pyoxigraph's query results may only be freed on the thread that made them: collect the
        # cycles this thread left (a build in the same process) before the loop thread could.
        gc.collect()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="kg-serve", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise KGError("the server did not start")
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C) or closed."""
        try:
            asyncio.run(self._main())
        except KeyboardInterrupt:
            pass
        finally:
            self._shutdown()

    def request_stop(self) -> None:
        """Ask the server to stop (from any thread, or a signal handler): it ends its loop, and a
        stop asked for before the loop runs ends it as it starts."""
        self._stop_requested = True
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:  # the loop ended meanwhile
                pass

    def close(self) -> None:
        """Stop serving, close the sockets and end the workers."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(10)
        self._shutdown()

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        for s in self.sockets:
            s.close()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.pool.close()


def make_server(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: Limits | None = None,
    *,
    allow_hosts: Sequence[str] = (),
    cors: Sequence[str] = (),
) -> KGServer:
    """A ready server bound to ``host:port`` (0 picks a free port); call ``.start()`` or ``.serve_forever()``.

    Raises UsageError (with what to do) when the address cannot be used, KGError when
    ``data_dir`` is no `kg build` output folder.
    """
    from tornado.netutil import bind_sockets

    from kg.store import store_path

    data_dir = Path(data_dir)
    if not store_path(data_dir).is_dir():
        raise KGError(f"{data_dir} is not a `kg build` output folder: it has no store/ (run `kg build` first)")
    if not 0 <= port <= 65535:
        raise UsageError(f"port {port} is out of range (0-65535)")
    try:
        sockets = bind_sockets(port, address=host)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host!r}: not an address of this machine ({exc.strerror})") from None
    except OSError as exc:
        import errno

        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"cannot listen on {host}:{port}: the port is in use (another kg serve?); choose another with --port") from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"cannot listen on {host}:{port}: permission denied (ports below 1024 need privileges)") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"cannot listen on {host!r}: not an address of this machine") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        return KGServer(data_dir, sockets, limits or Limits(), allow_hosts=allow_hosts, cors=cors)
    except BaseException:
        for s in sockets:
            s.close()
        raise


def serve(
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: Limits | None = None,
    allow_hosts: Sequence[str] = (),
    cors: Sequence[str] = (),
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve ``data_dir`` until interrupted (blocking). ``announce`` is given the address line once
    the server listens (the CLI prints it; it is news, not a warning)."""
    server = make_server(Path(data_dir), host, port, limits, allow_hosts=allow_hosts, cors=cors)
    ready = f"serving {data_dir} at {server.url}/ (SPARQL at /sparql, queries at /queries)"
    try:
        log.info("%s", ready)
        if announce is not None:
            announce(ready)
        if not server.pool.isolated:
            log.warning("the query processes could not be cut off the network here; SERVICE is refused by the query check alone")
        try:
            if not ipaddress.ip_address(server.server_address[0]).is_loopback:
                log.warning("listening on %s: the endpoint is reachable beyond this machine", host)
        except ValueError:
            pass
        with _ctrl_c_stops(server):
            server.serve_forever()
    except KeyboardInterrupt:
        # Ctrl-C is how a server is stopped, also in the instant between announcing and serving
        server.close()


@contextlib.contextmanager
def _ctrl_c_stops(server: KGServer) -> Iterator[None]:
    """Ctrl-C (SIGINT) asks ``server`` to stop, as a signal handler: no KeyboardInterrupt is raised
    wherever the interpreter happens to be (an event loop's ``__del__`` printed one as it closed)."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: server.request_stop())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: python -m kg.serve --worker DATA_DIR MAX_ROWS MEMORY (started by kg serve)")
