"""Timings of the graph's writers on a built graph: graph files, store, observations.csv, each export.

Input: a `kg build` output folder (``--data``; default ``out/``) whose graph.trig
is read back into an rdflib Dataset. Output: printed seconds per step and the
triple count, so the build's share of serialisation can be checked against
PERFORMANCE.md (rdflib Turtle ~1 s per 10k triples; Oxigraph ~2 s per 1M).

    python -m bench.export --data out
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> dict[str, float]:
    from rdflib import Dataset

    from kg import export, store

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="out", help="a kg build output folder")
    ap.add_argument("--repeat", type=int, default=3, help="runs per step; the best is reported")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not (data / "graph.trig").is_file():
        print(f"bench.export: {data} has no graph.trig; run `kg build --out {data}` first (skipped)")
        return {}
    ds = Dataset()
    ds.parse(data / "graph.trig", format="trig")
    n = len({(s, p, o, c) for s, p, o, c in ds.quads((None, None, None, None))})
    timings: dict[str, float] = {}

    def best(name: str, fn) -> None:
        runs = []
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
        timings[name] = min(runs)

    with tempfile.TemporaryDirectory(prefix="kg-bench-export-") as tmp:
        out = Path(tmp)

        def files_and_store() -> None:
            export.write_graph_files(ds, out)
            store.create(out, ds)

        best("graph files + store (as the build)", files_and_store)
        best("graph files only", lambda: export.write_graph_files(ds, out))
        best("store only", lambda: store.create(out, ds))
        best("observations.csv", lambda: export.write_observations_csv(out))
        for fmt in ("ttl", "trig", "nq", "jsonld", "csv"):
            best(f"kg export --format {fmt}", lambda fmt=fmt: export.export(out, fmt, out / f"export.{fmt}"))
    print(f"export timings on {data} ({n} quads; best of {args.repeat}):")
    for name, seconds in timings.items():
        print(f"  {name:40s} {seconds:6.2f} s")
    return timings


if __name__ == "__main__":
    main()
