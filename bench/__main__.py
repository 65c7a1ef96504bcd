"""Run every benchmark in turn; a missing or failing one is reported, not fatal."""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = ("tables", "nlp", "nlp_generalisation", "build", "export", "validate", "serve")


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or list(BENCHMARKS)
    status = 0
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        t = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            module.main([])
        except Exception as exc:  # one failing benchmark should not hide the others
            print(f"bench.{name} failed: {type(exc).__name__}: {exc}")
            status = 1
        print(f"(bench.{name} took {time.perf_counter() - t:.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
