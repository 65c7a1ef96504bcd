"""Benchmark: narrative-stage throughput next to the raw spaCy model on the same prose.

Input: a folder of releases (default: the bundled sample corpus). Output: a few
lines on stdout: words of prose, the raw small model's words/second (full
default pipeline, ``nlp.pipe``), the narrative stage's words/second (everything
``kg.nlp.extract_narrative`` does: joining blocks, model, rules, relations,
figures) and the ratio of their times, wall-clock and CPU. Model loading is left out of both;
raw and stage runs alternate.

    python -m bench.nlp [FOLDER] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", help="folder of .txt/.htm releases (default: bundled corpus)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each (median reported)")
    args = ap.parse_args(argv)

    import spacy

    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative
    from kg.nlp.extract import _is_boilerplate, _join
    from kg.nlp.pipeline import MODELS, get_pipeline
    from kg.resources import sample_corpus

    folder = Path(args.folder) if args.folder else sample_corpus()
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".txt", ".htm", ".html"))
    docs = [read_document(p) for p in paths]
    pairs = [(d, segment(d)) for d in docs]
    prose = [
        _join(d, b)[0] for d, blocks in pairs for b in blocks if b.kind == "prose" and not _is_boilerplate(b)
    ]
    words = sum(len(t.split()) for t in prose)

    raw = None
    for name in MODELS:
        try:
            raw = spacy.load(name)
            break
        except OSError:
            continue
    if raw is None:
        raise SystemExit("no spaCy model installed; nothing to compare with")
    get_pipeline()  # load the stage's pipeline outside the timings, as the raw model is

    def timed(fn) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - wall, time.process_time() - cpu

    # Raw and stage runs alternate, so a change in the machine's load (it is shared) weighs on
    # both alike; the ratio is also given in CPU time, which other processes disturb less.
    raw_runs, stage_runs = [], []
    for _ in range(args.repeat):
        raw_runs.append(timed(lambda: list(raw.pipe(prose, batch_size=64))))
        stage_runs.append(timed(lambda: extract_narrative(pairs)))
    raw_s, stage_s = (statistics.median(r[0] for r in runs) for runs in (raw_runs, stage_runs))
    raw_cpu, stage_cpu = (statistics.median(r[1] for r in runs) for runs in (raw_runs, stage_runs))
    print(f"documents: {len(docs)}, prose blocks: {len(prose)}, prose words: {words}")
    print(f"raw model ({raw.meta.get('name', '?')}, {', '.join(raw.pipe_names)}): "
          f"{raw_s:.2f} s, {words / raw_s:,.0f} words/s")
    print(f"narrative stage (kg.nlp.extract_narrative): {stage_s:.2f} s, {words / stage_s:,.0f} words/s")
    print(f"ratio stage/raw time: {stage_s / raw_s:.2f} (target <= 1.3); in CPU time: {stage_cpu / raw_cpu:.2f}")


if __name__ == "__main__":
    main()
