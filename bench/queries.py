"""Named-query latency over a built folder: every query of queries/ run repeatedly on the store.

For each named query: rows, and the median (p50) and 99th percentile (p99, the slowest run when
there are fewer than 100) of the time to run it and read every row, on the build's store opened
read-only as `kg query` and `kg serve` open it. The queries graph.html and report.html are made
from are marked ``page``. A query over its time budget (``--budget`` seconds of runs) is run fewer
times.

    python -m bench.queries DIR [--repeat 20] [--budget 10] [--only NAME,...]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="a folder written by kg build")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds of runs per query at most")
    ap.add_argument("--only", default="", help="comma-separated query names")
    args = ap.parse_args(argv)

    from kg import report, viz
    from kg.query import execute, list_queries
    from kg.store import open_store

    store = open_store(args.data)
    pages = set(viz.PAGE_QUERIES) | set(report.REPORT_QUERIES)
    only = {n for n in args.only.split(",") if n}
    import pyoxigraph as ox

    from kg.graph.namespace import MKG

    names = sorted(q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(MKG.fileName)), None, ox.DefaultGraph()))
    bindings = {"document-facts": {"doc": names[0] if names else ""}}
    print(f"{'query':<26}{'rows':>9}{'p50 ms':>10}{'p99 ms':>10}{'runs':>6}  use")
    over = []
    for q in list_queries():
        if only and q.name not in only:
            continue
        times: list[float] = []
        rows = 0
        spent = time.perf_counter()
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = execute(store, q.text, name=q.name, bindings=bindings.get(q.name))
            times.append(time.perf_counter() - t)
            rows = len(result.rows)
            if time.perf_counter() - spent > args.budget:
                break
        p50, p99 = statistics.median(times) * 1000, percentile(times, 0.99) * 1000
        use = "page" if q.name in pages else ""
        print(f"{q.name:<26}{rows:>9}{p50:>10.1f}{p99:>10.1f}{len(times):>6}  {use}", flush=True)
        if p99 > 2000:
            over.append(q.name)
    if over:
        print(f"over 2 s at p99: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
