"""Benchmark: validation time, Oxigraph fast path vs the pySHACL reference.

Input: the built corpus graph (``out/graph.trig`` if present, else built from
the bundled corpus) and synthetic graphs made from it by renaming every
document, entity and observation per copy until the size is reached (so each
copy is another company with the same statements: the checks do the same work
per copy). Output: a table of times per graph size and engine, with the ratio.

    python -m bench.validate                 # corpus, 100k, 1M (pySHACL only up to 10k triples: it takes minutes)
    python -m bench.validate --base DIR --sizes --pyshacl-max 10000   # both engines on a small build
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.graph.namespace import KGID, MKG
from kg.validate import load_store, validate_store

log = logging.getLogger(__name__)

_SHARED_PREFIXES = (str(KGID) + "instant/", str(KGID) + "period/", str(KGID) + "graph/shared")


def _rename(term, k: int):
    if (
        isinstance(term, ox.NamedNode)
        and term.value.startswith(str(KGID))
        and not term.value.startswith(_SHARED_PREFIXES)
    ):
        return ox.NamedNode(f"{term.value}~{k}")
    return term


def synthetic_store(base: ox.Store, triples: int) -> ox.Store:
    """Copies of ``base`` (renamed per copy) until at least ``triples`` quads; copy 0 is the base itself."""
    quads = list(base)
    file_name = ox.NamedNode(str(MKG.fileName))
    store = ox.Store()
    k = 0
    while len(store) < triples:
        batch = []
        for q in quads:
            o = q.object
            if q.predicate == file_name and k:
                o = ox.Literal(f"c{k}_{o.value}")
            batch.append(
                ox.Quad(
                    _rename(q.subject, k) if k else q.subject,
                    q.predicate,
                    _rename(o, k) if k else o,
                    _rename(q.graph_name, k) if k else q.graph_name,
                )
            )
        store.bulk_extend(batch)
        k += 1
    return store


def corpus_store() -> ox.Store:
    out = Path("out")
    if (out / "graph.trig").is_file():
        return load_store(out)
    from kg.pipeline import build
    from kg.resources import sample_corpus

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    build([sample_corpus()], tmp)
    return load_store(tmp)


def _time(store: ox.Store, engine: str) -> tuple[float, int]:
    t = time.perf_counter()
    result = validate_store(store, engine=engine)
    return time.perf_counter() - t, len(result.findings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.validate", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", type=int, nargs="*", default=[100_000, 1_000_000], help="synthetic graph sizes (triples)"
    )
    ap.add_argument(
        "--pyshacl-max",
        type=int,
        default=10_000,
        help="largest graph to run pySHACL on (minutes per 10k triples)",
    )
    ap.add_argument("--base", type=Path, help="a build folder to use instead of the corpus build")
    args = ap.parse_args(argv)

    base = load_store(args.base) if args.base else corpus_store()
    graphs = [("corpus", base)] + [(f"{n // 1000}k synthetic", synthetic_store(base, n)) for n in args.sizes]
    rows = []
    for name, store in graphs:
        fast, n_fast = _time(store, "oxigraph")
        if len(store) <= args.pyshacl_max:
            ref, n_ref = _time(store, "pyshacl")
            ratio = f"{ref / fast:.0f}×"
            ref_text = f"{ref:.2f} s ({n_ref})"
        else:
            ref_text, ratio = "not run (too slow)", "–"
        rows.append((name, len(store), f"{fast:.2f} s ({n_fast})", ref_text, ratio))
        print(f"{name}: {len(store)} triples, oxigraph {fast:.2f} s, pyshacl {ref_text}", flush=True)
    print("\n| graph | triples | Oxigraph (findings) | pySHACL (findings) | pySHACL / Oxigraph |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r[0]} | {r[1]:,} | {r[2]} | {r[3]} | {r[4]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
