"""Benchmark: narrative quality with the whole gazetteer and with its generic tier alone.

Input: the dev gold of ``../shared/gold`` (entities-dev.csv, relations-dev.csv), the
releases it annotates (``../shared/seeds`` or the bundled corpus) and the shared
scorer ``../shared/tools/score.py`` (imported by path). Output: the scorer's lines
for entities and relations, once per gazetteer tier:

- ``all``: ``ontology/gazetteer.ttl`` and ``gazetteer-*.ttl`` (the corpus's own names);
- ``generic``: ``ontology/gazetteer.ttl`` alone (countries, states, commodities,
  exchanges, regulators), i.e. what the extractor knows about a company nobody
  listed. The gap between the two is what the general patterns fail to carry.

It then reads the fictional releases of ``tests/data/unseen/`` that carry a hand
annotation (``NAME.expected.tsv``, written before the extractor first ran on them)
with the generic tier and prints how many annotated entities and relations it finds.

Each run goes ingest → layout → tables → narrative → resolve → graph, then the
named queries ``entities`` and ``relations`` on an in-memory store, as
``kg build`` + ``kg query`` would (validation and file outputs are skipped).
Skips cleanly (exit 0, one line) when the shared folder is absent.

    python -m bench.nlp_generalisation [--tier all|generic] [--misses N] [--out DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def load_scorer(shared: Path) -> ModuleType | None:
    """The shared scorer as a module, or None when it is not there."""
    path = shared / "tools" / "score.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("kg_shared_score", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_docs(gold: Path) -> list[str]:
    with open(gold / "entities-dev.csv", newline="", encoding="utf-8") as f:
        return sorted({row["doc"] for row in csv.DictReader(f)})


def run_tier(paths: list[Path], tier: str, out: Path) -> tuple[Path, Path, float]:
    """Build the graph of ``paths`` with the gazetteer tier; write entities.csv and relations.csv."""
    import pyoxigraph as ox

    from kg.graph import build_dataset
    from kg.nlp import extract_narrative
    from kg.nlp.gazetteer import load_gazetteer
    from kg.pipeline import extract_file
    from kg.query import execute, find_query
    from kg.resolve import resolve
    from kg.store import to_oxigraph_quads

    start = time.perf_counter()
    gaz = load_gazetteer(tier=tier)
    extracted = [extract_file(str(p)) for p in paths]
    good = [e for e in extracted if e.document is not None and e.facts is not None]
    narrative = {n.doc: n for n in extract_narrative([(e.document, e.blocks) for e in good], gazetteer=gaz)}
    facts = []
    for e in good:
        f, n = e.facts, narrative[e.facts.doc]
        facts.append(type(f)(**{**f.__dict__, "observations": f.observations + n.observations,
                                "mentions": f.mentions + n.mentions, "relations": f.relations + n.relations}))
    resolution = resolve(facts, gaz)
    from kg.store import merge_into_default_graph

    store = ox.Store()
    store.bulk_extend(to_oxigraph_quads(build_dataset(facts, resolution)))
    merge_into_default_graph(store)  # named queries read the merged default graph
    written = []
    for name in ("entities", "relations"):
        result = execute(store, find_query(name).text, name=name)
        path = out / f"{name}-{tier}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(result.columns)
            writer.writerows(result.plain_rows())
        written.append(path)
    return written[0], written[1], time.perf_counter() - start


def score(scorer: ModuleType, gold: Path, entities: Path, relations: Path, misses: int) -> list[str]:
    """The scorer's output lines for both files (its summary line last in each part)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        scorer.main(["entities", str(gold / "entities-dev.csv"), str(entities), "--misses", str(misses)])
        scorer.main(["relations", str(gold / "relations-dev.csv"), str(relations),
                     "--entities", str(gold / "entities-dev.csv"), "--misses", str(misses)])
    return buf.getvalue().splitlines()


def unseen_lines() -> list[str]:
    """Found / annotated entities and relations for each annotated fictional release (generic tier)."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative
    from kg.nlp.gazetteer import load_gazetteer
    from kg.resolve import resolve

    gaz = load_gazetteer(tier="generic")
    out = []
    for tsv in sorted((ROOT / "tests" / "data" / "unseen").glob("*.expected.tsv")):
        want_e, want_r = set(), set()
        for line in tsv.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                kind, *rest = line.split("\t")
                (want_e if kind == "entity" else want_r).add(tuple(rest[:2] if kind == "entity" else rest[:3]))
        doc = read_document(tsv.with_name(tsv.name.replace(".expected.tsv", ".txt")))
        [facts] = extract_narrative([(doc, segment(doc))], gazetteer=gaz)
        res = resolve([facts], gaz)
        got_e = {(res.lookup(m.entity).type, res.lookup(m.entity).label) for m in facts.mentions}
        got_r = {(res.lookup(r.subject).label, r.predicate, res.lookup(r.object).label if r.object else "")
                 for r in facts.relations}
        out.append(f"{doc.name}: entities {len(want_e & got_e)}/{len(want_e)} (+{len(got_e - want_e)} not annotated), "
                   f"relations {len(want_r & got_r)}/{len(want_r)} (+{len(got_r - want_r)} not annotated)")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tier", choices=["all", "generic", "both"], default="both", help="gazetteer tier(s) to run")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (gold, tools, seeds)")
    ap.add_argument("--misses", type=int, default=0, help="misses the scorer lists per part")
    ap.add_argument("--out", type=Path, help="keep the CSVs here (default: a temporary folder)")
    args = ap.parse_args(argv)

    scorer = load_scorer(args.shared)
    gold = args.shared / "gold"
    if scorer is None or not (gold / "entities-dev.csv").is_file():
        print(f"bench.nlp_generalisation: skipped ({args.shared} has no tools/score.py or gold/)")
        return 0
    seeds = args.shared / "seeds"
    folder = seeds if seeds.is_dir() else ROOT / "corpus"
    # every release, as `kg build` reads them (canonical labels depend on the whole corpus);
    # the scorer keeps the documents the gold annotates
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".txt", ".htm", ".html"))
    scored = [d for d in gold_docs(gold) if (folder / d).is_file()]
    tiers = ["all", "generic"] if args.tier == "both" else [args.tier]
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        for tier in tiers:
            entities, relations, seconds = run_tier(paths, tier, out)
            print(f"--- gazetteer tier {tier} ({len(paths)} releases, {len(scored)} with gold; {seconds:.1f} s)")
            for line in score(scorer, gold, entities, relations, args.misses):
                print(line)
    print("--- fictional releases of tests/data/unseen (generic tier, hand annotation)")
    for line in unseen_lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
