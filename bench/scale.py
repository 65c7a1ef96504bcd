"""Scale benchmark: whole `kg build` processes over synthetic corpora of 5, 100 and 1,000 releases.

For each size N (``--sizes``), over a corpus made by :mod:`bench.synth` (seeded):

- the full build on every core: wall and CPU seconds per document, peak RSS (the largest single
  process: the build or one of its workers);
- the same build with one worker (``--workers 1``): the speed-up of all cores over one;
- one release added to the built corpus and built again into the same folder (the cache reuses
  the others): its time against the full build's;
- the raw spaCy pass over the same files (:mod:`bench.raw_spacy`, one process): the one-worker
  build's CPU time against it.

Every figure is measured in one run, each command a child process whose resources the operating
system accounts (``os.wait4``). The machine is shared: compare ratios within one run.

    python -m bench.scale [--sizes 5,100,1000] [--skip one-worker,add-one,raw] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    code: int


def run(cmd: list[str]) -> Run:
    """Run ``cmd`` to its end; its wall and CPU seconds (it and the children it waited for) and
    the largest resident set among them."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 3):
        print(err[-2000:], file=sys.stderr)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg.cli", *args]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="5,100,1000", help="corpus sizes, comma-separated")
    ap.add_argument("--skip", default="", help="parts to leave out: one-worker, add-one, raw")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    args = ap.parse_args(argv)
    from bench.synth import generate

    sizes = [int(s) for s in args.sizes.split(",") if s]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in sizes:
            corpus = root / f"corpus-{n}"
            shutil.rmtree(corpus, ignore_errors=True)
            generate(n + 1, corpus, seed=args.seed)
            extra = sorted(corpus.iterdir())[-1]  # the release added later
            held = root / "held-back"
            held.mkdir(exist_ok=True)
            extra = extra.rename(held / extra.name)
            out = root / f"out-{n}"
            shutil.rmtree(out, ignore_errors=True)
            full = run(kg("build", str(corpus), "--out", str(out)))
            row = {"n": n, "full": full}
            print(f"[{n}] full build: {full.wall:.1f} s wall, {full.cpu:.1f} s CPU, peak {full.peak_mb:.0f} MB (exit {full.code})", flush=True)
            if "add-one" not in skip:
                shutil.move(extra, corpus / extra.name)
                row["add"] = run(kg("build", str(corpus), "--out", str(out)))
                print(f"[{n}] one release added: {row['add'].wall:.1f} s wall", flush=True)
            else:
                extra.unlink()
            if "one-worker" not in skip or "raw" not in skip:
                if "add-one" not in skip:
                    (corpus / extra.name).unlink()
                one_out = root / f"out-{n}-1"
                shutil.rmtree(one_out, ignore_errors=True)
                row["one"] = run(kg("build", str(corpus), "--out", str(one_out), "--workers", "1", "--no-cache"))
                print(f"[{n}] one worker: {row['one'].wall:.1f} s wall, {row['one'].cpu:.1f} s CPU", flush=True)
                shutil.rmtree(one_out, ignore_errors=True)
            if "raw" not in skip:
                row["raw"] = run([sys.executable, "-m", "bench.raw_spacy", str(corpus)])
                print(f"[{n}] raw spaCy pass: {row['raw'].wall:.1f} s wall, {row['raw'].cpu:.1f} s CPU", flush=True)
            rows.append(row)
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(corpus, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"{'docs':>6} {'wall/doc':>9} {'CPU/doc':>8} {'peak MB':>8} {'speed-up':>9} {'add one':>8} {'vs spaCy':>9}")
    for row in rows:
        n, full = row["n"], row["full"]
        speed = f"{row['one'].wall / full.wall:.2f}x" if "one" in row else "-"
        add = f"{row['add'].wall / full.wall:.2f}" if "add" in row else "-"
        raw = f"{row['one'].cpu / row['raw'].cpu:.2f}x" if "raw" in row and "one" in row else "-"
        print(f"{n:>6} {full.wall / n:>8.2f}s {full.cpu / n:>7.2f}s {full.peak_mb:>8.0f} {speed:>9} {add:>8} {raw:>9}")
    print("wall and CPU per document: full build on every core; speed-up: one worker's wall time / every core's;")
    print("add one: the build after adding one release (cache warm) / the full build, wall time;")
    print("vs spaCy: the one-worker build's CPU time / a raw spaCy pass over the same files (bench.raw_spacy).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
