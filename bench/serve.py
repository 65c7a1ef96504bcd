"""Load test of `kg serve`: 16 concurrent clients x 20 s of mixed named queries on loopback,
quiet and then while slow clients hold connections open.

Input: a `kg build` output folder (``--data``; default ``out/`` when it holds a
store, else the bundled corpus is built into a temporary folder). Output:
printed figures — requests, errors, queries per second, p50/p90/p99 latency
overall and per query — for each mode, first quiet and then with ``--slow``
connections (default 64) that each send a request's header lines one a second
and reconnect when the server drops them, as a client that wants to take every
slot would. The server is started and stopped here, binds to 127.0.0.1 only,
and every loop is bounded in count and time.

    python -m bench serve            # via the runner
    python -m bench.serve --data out --clients 16 --seconds 20 --slow 64
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

# Named queries an analyst would mix; the two bulk dumps (observations, document-facts) are left out.
MIX = (
    "production",
    "cash-costs",
    "reserves",
    "contained-metal-changes",
    "segments",
    "balance-sheet",
    "key-financials",
    "metal-prices",
    "unit-operations",
    "restatements",
    "prose-vs-table",
    "people-positions",
    "ownership",
    "properties-by-country",
    "veins-by-mine",
    "unmapped-labels",
    "relations",
    "entities",
)
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound besides time


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def load_test(
    host: str, port: int, queries: dict[str, str], *, clients: int = 16, seconds: float = 20.0
) -> dict:
    """Run ``clients`` threads sending the queries round-robin for ``seconds``; return the figures."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load test only targets loopback")
    names = list(queries)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            for i in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= stop_at:
                    return
                name = names[(k + i) % len(names)]
                body = urllib.parse.urlencode({"query": queries[name]})
                t = time.perf_counter()
                try:
                    conn.request(
                        "POST",
                        "/sparql",
                        body=body,
                        headers={
                            "Content-Type": "application/x-www-form-urlencoded",
                            "Accept": "application/sparql-results+json",
                        },
                    )
                    resp = conn.getresponse()
                    resp.read()
                    status = resp.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
                    with lock:
                        errors.append(f"{name}: {type(exc).__name__}: {exc}")
                    continue
                dt = time.perf_counter() - t
                with lock:
                    if status == 200:
                        latencies[name].append(dt)
                    else:
                        errors.append(f"{name}: HTTP {status}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    elapsed = time.monotonic() - t0
    every = [x for v in latencies.values() for x in v]
    return {
        "clients": clients,
        "seconds": elapsed,
        "requests": len(every) + len(errors),
        "ok": len(every),
        "errors": errors,
        "qps": len(every) / elapsed if elapsed else 0.0,
        "p50": percentile(every, 50),
        "p90": percentile(every, 90),
        "p99": percentile(every, 99),
        "per_query": {
            n: (len(v), statistics.median(v), percentile(v, 99)) for n, v in sorted(latencies.items())
        },
    }


class SlowClients:
    """``n`` connections that trickle header lines (one a second each) and never finish a request;
    each reconnects when the server drops it. Bounded: they stop with ``stop()``."""

    def __init__(self, host: str, port: int, n: int, interval: float = 1.0) -> None:
        import socket

        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("slow clients only target loopback")
        self._stop = threading.Event()
        self.connects = 0
        self.dropped = 0
        lock = threading.Lock()

        def hold() -> None:
            while not self._stop.is_set():
                try:
                    sock = socket.create_connection((host, port), timeout=5)
                except OSError:
                    time.sleep(interval)
                    continue
                with lock:
                    self.connects += 1
                try:
                    sock.sendall(f"POST /sparql HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())
                    while not self._stop.wait(interval):
                        sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    with lock:
                        self.dropped += 1
                finally:
                    sock.close()

        self._threads = [threading.Thread(target=hold, daemon=True) for _ in range(n)]
        for t in self._threads:
            t.start()
        deadline = time.monotonic() + 10
        while self.connects < n and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(10)


def _data_dir(arg: str | None) -> tuple[Path, Path | None]:
    if arg:
        return Path(arg), None
    if (Path("out") / "store").is_dir():
        return Path("out"), None
    from kg.pipeline import build
    from kg.resources import sample_corpus

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
    print("building the bundled corpus for the load test ...", flush=True)
    build([sample_corpus()], tmp / "out")
    return tmp / "out", tmp


def main(argv: list[str] | None = None) -> dict[str, dict]:
    from kg.query import find_query
    from kg.serve import Limits, make_server

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="a kg build output folder (default: out/ or a fresh build of the corpus)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=Limits().workers)
    ap.add_argument("--slow", type=int, default=64, help="slow connections held open in the second run (0: quiet only)")
    ap.add_argument(
        "--modes",
        default="cached,uncached",
        help="cached (the server's answer cache on, as deployed), uncached (every query runs), or both",
    )
    args = ap.parse_args(argv)
    data, cleanup = _data_dir(args.data)
    queries = {n: find_query(n).text for n in MIX}
    results = {}
    try:
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            cache = Limits().cache_bytes if mode == "cached" else 0
            server = make_server(
                data, "127.0.0.1", 0, Limits(workers=args.workers, cache_bytes=cache)
            ).start()
            try:
                host, port = server.server_address[:2]
                figures = load_test(host, port, queries, clients=args.clients, seconds=args.seconds)
                _report(mode, args.workers, len(queries), figures)
                results[mode] = figures
                if args.slow:
                    slow = SlowClients(host, port, args.slow)
                    try:
                        attacked = load_test(host, port, queries, clients=args.clients, seconds=args.seconds)
                    finally:
                        slow.stop()
                    label = f"{mode}, {args.slow} slow connections held open"
                    _report(label, args.workers, len(queries), attacked)
                    print(
                        f"  slow connections: {slow.connects} opened, {slow.dropped} dropped by the header deadline; "
                        f"p99 {attacked['p99'] / figures['p99']:.2f}x the quiet run's"
                    )
                    results[f"{mode}+slow"] = attacked
            finally:
                server.close()
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
    return results


def _report(mode: str, workers: int, n_queries: int, figures: dict) -> None:
    print(
        f"kg serve load test ({mode}): {figures['clients']} clients x {figures['seconds']:.1f} s, "
        f"{workers} query workers, {n_queries} named queries"
    )
    print(f"  requests {figures['requests']}  ok {figures['ok']}  errors {len(figures['errors'])}")
    print(f"  throughput {figures['qps']:.1f} queries/s")
    print(
        f"  latency p50 {figures['p50'] * 1000:.0f} ms  p90 {figures['p90'] * 1000:.0f} ms  "
        f"p99 {figures['p99'] * 1000:.0f} ms"
    )
    for name, (n, p50, p99) in figures["per_query"].items():
        print(f"    {name:26s} n={n:5d}  p50 {p50 * 1000:7.0f} ms  p99 {p99 * 1000:7.0f} ms")
    for e in figures["errors"][:10]:
        print("  error:", e)


if __name__ == "__main__":
    main()
