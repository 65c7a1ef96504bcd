"""Serve: a `kg build` output folder → a read-only SPARQL 1.1 Protocol endpoint and pages over HTTP.

Input: the output folder (its Oxigraph store and graph.html). Output: an HTTP
server (stdlib ``ThreadingHTTPServer``; loopback by default) with

- ``/sparql``: SPARQL 1.1 Protocol queries by GET (``?query=``) and POST
  (``application/x-www-form-urlencoded`` or ``application/sparql-query``);
  results as SPARQL JSON, XML, CSV or TSV (and an HTML table for people) by
  content negotiation or ``format=``; CONSTRUCT/DESCRIBE as Turtle or N-Triples;
- ``/queries``: the named queries with their summaries and links to run them;
  ``/queries/NAME.rq`` the query text;
- ``/``: the visualisation ``graph.html`` (``/report`` the report page);
- ``/health``: ``ok``.

Safety: the store is opened read-only; updates (``update=``, a
``application/sparql-update`` body or INSERT/DELETE/... text) get 403, SERVICE
gets 403, malformed queries 400, bodies over the size cap 413, results over the
row cap 400 and queries over the time limit 503. Each query runs in a worker
process holding its own read-only store handle, because an Oxigraph query
cannot be interrupted from another thread: a worker that overruns the time
limit is killed and replaced, and the server stays healthy.
"""

from __future__ import annotations

import html
import logging
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kg.errors import KGError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may cost."""

    timeout: float = 10.0  # seconds a query may run (including serialisation)
    max_rows: int = 50_000  # rows (or triples) a result may have
    max_body: int = 256 * 1024  # bytes of a POST body
    workers: int = 2  # query processes (one per core on the reference machine)
    max_connections: int = 64  # requests handled at once; more get 503
    socket_timeout: float = 15.0  # seconds a client may take to send its request
    memory: int = 4 * 1024**3  # address space of a worker process (bytes), 0 for no limit
    queue_timeout: float = 30.0  # seconds a request may wait for a free worker before 503
    # answers kept for repeated queries (the store never changes); 0 for none
    cache_bytes: int = 128 * 1024**2


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
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the protocol
    inp = sys.stdin.buffer
    if memory:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):  # not on this platform
            pass
    from kg.store import open_store

    try:
        store = open_store(Path(data_dir))
    except KGError as exc:
        _write_message(out, ("error", str(exc)))
        return
    _write_message(out, ("ready", ""))
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

    def __init__(self, data_dir: Path, limits: Limits) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg.serve",
                "--worker",
                str(data_dir),
                str(limits.max_rows),
                str(limits.memory),
            ],
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

    The store is a read-only snapshot, so an answer stays right until the server
    restarts; repeated named queries then cost nothing.
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


class WorkerPool:
    """Query worker processes; a query over the time limit costs its worker, which is replaced."""

    def __init__(self, data_dir: Path, limits: Limits) -> None:
        self.data_dir = data_dir
        self.limits = limits
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.cache = AnswerCache(limits.cache_bytes) if limits.cache_bytes else None
        workers = [self._spawn() for _ in range(max(1, limits.workers))]
        for w in workers:
            w.wait_ready(120)
            self._idle.put(w)

    def _spawn(self) -> _Worker:
        w = _Worker(self.data_dir, self.limits)
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
            if self._closed:
                return

        def start() -> None:
            try:
                w = self._spawn()
                w.wait_ready(120)
            except KGError:
                log.exception("could not replace a query worker")
                return
            if self._closed:
                w.kill()
            else:
                self._idle.put(w)

        threading.Thread(target=start, name="kg-worker-spawn", daemon=True).start()

    def run(self, text: str, fmt: str) -> tuple[int, str, bytes]:
        """(status, content type, body) of a query, within the time limit."""
        key = (text, fmt)
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            return cached
        try:
            w = self._idle.get(timeout=self.limits.queue_timeout)
        except queue.Empty:
            return 503, "text/plain; charset=utf-8", b"the server is busy; try again"
        answer = self._run_on(w, text, fmt)
        if self.cache and answer[0] in (200, 400, 403):  # deterministic answers only
            self.cache.put(key, answer)
        return answer

    def _run_on(self, w: _Worker, text: str, fmt: str) -> tuple[int, str, bytes]:
        deadline = time.monotonic() + self.limits.timeout
        try:
            w.send((text, fmt))
            if w.poll(deadline - time.monotonic()):
                answer = w.recv()
                self._idle.put(w)
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
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:72em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
        "pre{background:#f6f6f6;padding:.5em;overflow:auto}textarea{width:100%;font-family:monospace}</style>"
        f"</head><body>{body}</body></html>"
    ).encode()


def _html_table(result: Any) -> str:
    header = "".join(f"<th>{html.escape(c)}</th>" for c in result.header())
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in result.plain_rows()
    )
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


# ---------------------------------------------------------------- HTTP


class KGServer(ThreadingHTTPServer):
    """The HTTP server: a worker pool, the data folder and the limits."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, data_dir: Path, address: tuple[str, int], limits: Limits) -> None:
        from kg.store import store_path

        if not store_path(data_dir).is_dir():
            raise KGError(
                f"{data_dir} is not a `kg build` output folder: it has no store/ (run `kg build` first)"
            )
        self.data_dir = Path(data_dir)
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        self.pool = WorkerPool(self.data_dir, limits)
        try:
            super().__init__(address, _Handler)
        except OSError:
            self.pool.close()
            raise
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def start(self) -> KGServer:
        """Serve in a background thread (for tests and benchmarks)."""
        self._thread = threading.Thread(target=self.serve_forever, name="kg-serve", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, close the socket and end the workers."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(10)
        self.server_close()
        self.pool.close()


def make_server(
    data_dir: Path, host: str = "127.0.0.1", port: int = 0, limits: Limits | None = None
) -> KGServer:
    """A ready server bound to ``host:port`` (0 picks a free port); call ``.start()`` or ``.serve_forever()``."""
    return KGServer(Path(data_dir), (host, port), limits or Limits())


class _Handler(BaseHTTPRequestHandler):
    server: KGServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-sparql"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.limits.socket_timeout)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.info("%s %s", self.address_string(), format % args)

    # ---- responses

    def _send(self, status: int, ctype: str, body: bytes, *, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, *, close: bool = False) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), close=close)

    # ---- routing

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/sparql":
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            self._sparql(params)
        elif url.path in ("/", "/index.html", "/graph.html"):
            self._file("graph.html", "the visualisation")
        elif url.path in ("/report", "/report.html"):
            self._file("report.html", "the report")
        elif url.path in ("/queries", "/queries/"):
            self._send(200, "text/html; charset=utf-8", queries_page())
        elif url.path.startswith("/queries/") and url.path.endswith(".rq"):
            self._query_text(url.path[len("/queries/") : -3])
        elif url.path == "/health":
            self._text(200, "ok")
        else:
            self._text(404, f"not found: {url.path}")

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self._text(
                404 if url.path not in ("/", "/queries") else 405, f"POST is only for /sparql, not {url.path}"
            )
            return
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or length_header is None:
            self._text(411, "a Content-Length is required", close=True)
            return
        try:
            length = int(length_header)
        except ValueError:
            self._text(400, "bad Content-Length", close=True)
            return
        if length < 0 or length > self.server.limits.max_body:
            self._text(413, f"request body over {self.server.limits.max_body} bytes", close=True)
            return
        body = self.rfile.read(length)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/x-www-form-urlencoded":
            try:
                form = urllib.parse.parse_qs(
                    body.decode("utf-8"), keep_blank_values=True, strict_parsing=False
                )
            except UnicodeDecodeError:
                self._text(400, "the form is not UTF-8")
                return
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            try:
                params["query"] = [body.decode("utf-8")]
            except UnicodeDecodeError:
                self._text(400, "the query is not UTF-8")
                return
        elif ctype == "application/sparql-update":
            self._text(403, "updates are refused: this endpoint is read-only")
            return
        else:
            self._text(415, "expected application/x-www-form-urlencoded or application/sparql-query")
            return
        self._sparql(params)

    def do_PUT(self) -> None:  # noqa: N802
        self._text(405, "this endpoint is read-only", close=True)

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    # ---- handlers

    def _sparql(self, params: dict[str, list[str]]) -> None:
        from kg.errors import QueryError
        from kg.query import check_query, query_form

        if "update" in params:
            self._text(403, "updates are refused: this endpoint is read-only")
            return
        queries = params.get("query", [])
        if len(queries) != 1:
            if not queries and self.command == "GET":
                self._send(200, "text/html; charset=utf-8", queries_page())
                return
            self._text(400, "give exactly one query parameter")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._text(400, "default-graph-uri and named-graph-uri are not supported: the dataset is fixed")
            return
        text = queries[0]
        if len(text.encode("utf-8")) > self.server.limits.max_body:
            self._text(413, f"query over {self.server.limits.max_body} bytes")
            return
        try:
            check_query(text)
        except QueryError as exc:
            self._text(403, str(exc))
            return
        form = query_form(text)
        fmt = negotiate(form, self.headers.get("Accept", ""), (params.get("format") or [None])[0])
        if fmt is None:
            self._text(406, "no acceptable result format; try application/sparql-results+json or text/turtle")
            return
        status, ctype, body = self.server.pool.run(text, fmt)
        self._send(status, ctype, body)

    def _file(self, name: str, what: str) -> None:
        path = self.server.data_dir / name
        if not path.is_file():
            body = (
                f"<h1>No {html.escape(name)}</h1><p>{html.escape(self.server.data_dir.name)} has no {what} "
                f"({html.escape(name)}); rebuild with <code>kg build</code>. Meanwhile: "
                "<a href='/queries'>named queries</a>, <a href='/sparql'>SPARQL endpoint</a>.</p>"
            )
            self._send(404, "text/html; charset=utf-8", _page(f"no {name}", body))
            return
        self._send(200, "text/html; charset=utf-8", path.read_bytes())

    def _query_text(self, name: str) -> None:
        from kg.errors import QueryError
        from kg.query import find_query

        try:
            if not name.replace("-", "").replace("_", "").isalnum():
                raise QueryError(f"unknown query {name!r}")
            q = find_query(name)
        except QueryError as exc:
            self._text(404, str(exc))
            return
        self._send(200, "application/sparql-query; charset=utf-8", q.text.encode("utf-8"))


def serve(
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: Limits | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve ``data_dir`` until interrupted (blocking). ``announce`` is given the address line once
    the server listens (the CLI prints it; it is news, not a warning)."""
    server = make_server(Path(data_dir), host, port, limits)
    ready = f"serving {data_dir} at {server.url}/ (SPARQL at /sparql, queries at /queries)"
    log.info("%s", ready)
    if announce is not None:
        announce(ready)
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("listening on %s: the endpoint is reachable beyond this machine", host)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.pool.close()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: python -m kg.serve --worker DATA_DIR MAX_ROWS MEMORY (started by kg serve)")
