"""Whole-build benchmark: `kg build` of the bundled corpus, time per stage.

Prints each stage's share of the build so the floor (spaCy) and everything
beside it can be compared within one run. Usage: python -m bench.build [PATH...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from kg.pipeline import build
from kg.resources import sample_corpus


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    paths = [Path(a) for a in args] or [sample_corpus()]
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report = build(paths, Path(tmp) / "out")
        total = time.perf_counter() - t
    print(f"documents: {len(report.documents)} built, {len(report.failed)} failed")
    print(", ".join(f"{v} {k}" for k, v in report.counts.items()))
    print(f"{'stage':<12}{'seconds':>9}{'share':>8}")
    for stage, seconds in report.timings.items():
        if stage != "total":
            print(f"{stage:<12}{seconds:9.2f}{seconds / total:8.1%}")
    print(f"{'total':<12}{total:9.2f}")
    print(f"documents/second: {len(report.documents) / total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
