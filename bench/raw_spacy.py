"""The build's floor: a raw spaCy pass over the prose of the same files, as a whole process.

Reads every release in the folders given (or the sample corpus), takes the prose blocks the
narrative stage would read (the same ingest and layout, boilerplate left out) and runs the small
English model's full default pipeline over them with ``nlp.pipe``. Importing spaCy and loading the
model count, as they do in ``kg build``: compare whole processes (``python -m bench.scale`` does,
in CPU time, one worker each).

    python -m bench.raw_spacy [PATH...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    import spacy

    from kg.ingest import discover, read_document
    from kg.layout import segment
    from kg.nlp.extract import _is_boilerplate, _join
    from kg.nlp.pipeline import MODELS
    from kg.resources import sample_corpus

    t = time.perf_counter()
    nlp = None
    for name in MODELS:
        try:
            nlp = spacy.load(name)
            break
        except OSError:
            continue
    if nlp is None:
        raise SystemExit("no spaCy model installed")
    files = discover([Path(a) for a in args] or [sample_corpus()])
    words = docs = 0
    for path in files:
        doc = read_document(path)
        prose = [_join(doc, b)[0] for b in segment(doc) if b.kind == "prose" and not _is_boilerplate(b)]
        for parsed in nlp.pipe(prose, batch_size=64):
            words += len(parsed)
        docs += 1
    print(f"raw spaCy pass: {docs} documents, {words} tokens of prose in {time.perf_counter() - t:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
