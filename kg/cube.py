"""Cube check: a `kg build` output folder → the violations of the W3C Data Cube integrity constraints.

Input: the folder's Oxigraph store (the graph and the ontology, which holds the data structure
definitions). Output: per constraint (IC-1 ... IC-21, ``queries/qb/ic-NN.rq``), the rows that
violate it; every list empty means the facts form well-formed cubes.

The constraints are stated on the cube's normalised form, so the triples ``queries/qb/normalize.rq``
derives (implied types, component properties, attributes pushed down to observations) are added to
an in-memory copy of the store first; the build's own store is never written.

    python -m kg.cube out     # prints each constraint and its violations; exit 1 if any
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.query import execute, load_query_file, plain
from kg.resources import data_dir

log = logging.getLogger(__name__)


def constraint_files() -> list[Path]:
    """``queries/qb/ic-01.rq`` ... ``ic-21.rq``, in order."""
    return sorted((data_dir("queries") / "qb").glob("ic-*.rq"))


def normalised_copy(store: ox.Store) -> ox.Store:
    """An in-memory store with ``store``'s default graph plus the triples of the normalised form."""
    copy = ox.Store()
    copy.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    q = load_query_file(data_dir("queries") / "qb" / "normalize.rq")
    derived = execute(copy, q.text, name=q.name).triples
    copy.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in derived)
    return copy


def check_store(store: ox.Store) -> dict[str, list[list[str]]]:
    """Constraint name (``ic-01`` ...) → its violations as rows of plain values."""
    copy = normalised_copy(store)
    out: dict[str, list[list[str]]] = {}
    for path in constraint_files():
        q = load_query_file(path)
        t = time.perf_counter()
        result = execute(copy, q.text, name=q.name)
        out[q.name] = [[plain(v) for v in row] for row in result.rows]
        log.debug("%s: %d violation(s) in %.2f s", q.name, len(out[q.name]), time.perf_counter() - t)
    return out


def check_dir(data: Path) -> dict[str, list[list[str]]]:
    """:func:`check_store` over the store of a `kg build` output folder."""
    from kg.store import open_store

    return check_store(open_store(Path(data)))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m kg.cube DIR  (a kg build output folder)", file=sys.stderr)
        return 2
    failures = 0
    for name, rows in check_dir(Path(argv[0])).items():
        summary = load_query_file(data_dir("queries") / "qb" / f"{name}.rq").summary
        print(f"{name}: {'ok' if not rows else f'{len(rows)} violation(s)'}  {summary.split(':', 1)[0]}")
        for row in rows[:10]:
            print("    " + "  ".join(row))
        failures += bool(rows)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
