"""Mutation test of the shapes: numbers that take part in a checked identity, changed beyond
rounding in copies of the corpus and of the development set, are cited as FILE:LINE in the
validation report.

Tables only (no spaCy): each mutated copy is re-read by the table extractor, the
graph is rebuilt with the other documents unchanged, and validated on the fast
path. A fixed seed picks a bounded number of mutations. The uncorrupted corpus
has no sh:Violation except the documented real one (001:528 vs 001:579).

The development set (../shared/devset/docs, beside the repository) is consistent by
construction: no sh:Violation at all. Its candidates are the numbers on the lines
the convention fixtures name (tests/data/validate/devset-*) whose corruption the
shapes cite when the graph holds what the fixture says the line prints; the test
then asks the same of the table reader's graph. It measures the whole chain, so it
passes only when the reader reads those conventions.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal
from validate_support import devset_docs

from kg.facts import DocumentFacts
from kg.validate import validate_store
from kg.validate.engine import to_oxigraph

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
MUTATIONS = 12
SEED = 20261122

# Documented real inconsistencies of the sample corpus (see README): the only sh:Violation.
KNOWN_VIOLATIONS = {("WithinDocumentShape", ("001_b40d7d91d7a92ff1.txt:579", "001_b40d7d91d7a92ff1.txt:528"))}

# Tables whose numbers form checked identities, and the metrics of the other identities.
STATEMENT_KINDS = {"operations", "balance-sheet", "cash-flows", "reconciliation"}
IDENTITY_METRICS = {
    "sales", "gross-profit", "eps-basic", "shares-weighted-basic", "income-applicable-to-common",
    "silver-produced", "gold-produced", "lead-produced", "zinc-produced",
    "reserve-ore-tons", "reserve-contained-gold", "reserve-contained-silver", "reserve-contained-lead",
    "reserve-contained-zinc", "total-cash-costs", "ounces-produced-divisor",
    "total-cash-cost-per-oz-silver", "total-cash-cost-per-oz-gold",
}  # fmt: skip


def _term(x: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(x, Literal):
        if x.datatype:
            return ox.Literal(str(x), datatype=ox.NamedNode(str(x.datatype)))
        return ox.Literal(str(x), language=x.language) if x.language else ox.Literal(str(x))
    return to_oxigraph(x)


def _store(facts: list[DocumentFacts]) -> ox.Store:
    from kg.graph import build_dataset
    from kg.resolve import resolve
    from kg.store import VOCABULARY_FILES, load_ontology

    ds = build_dataset(facts, resolve(facts))
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(_term(s), _term(p), _term(o), _term(g)) for s, p, o, g in ds.quads((None, None, None, None))
    )
    # the metric and unit vocabularies, as kg validate loads them (a metric's usual unit, period kind, code)
    load_ontology(store, VOCABULARY_FILES)
    return store


def _extract(path: Path) -> DocumentFacts:
    from kg.pipeline import extract_file

    e = extract_file(str(path))
    assert e.facts is not None, e.error
    return e.facts


def _mutated(token: str) -> str | None:
    """The token with its leading digit changed (same width, so columns stay put)."""
    m = re.search(r"[1-9]", token)
    if m is None:
        return None
    d = int(m.group())
    return token[: m.start()] + str(d % 9 + 1) + token[m.end() :]


@pytest.fixture(scope="module")
def clean_facts() -> dict[str, DocumentFacts]:
    pytest.importorskip("kg.tables")
    return {p.name: _extract(p) for p in sorted(CORPUS.glob("*.txt"))}


def test_clean_corpus_tables_have_only_documented_violations(clean_facts) -> None:
    result = validate_store(_store(list(clean_facts.values())))
    violations = {(f.rule, f.sources) for f in result.findings if f.severity == "Violation"}
    assert violations == KNOWN_VIOLATIONS, result.text


def _candidates(facts: dict[str, DocumentFacts]) -> list[tuple[str, int, str]]:
    """(file, line, printed token): table numbers in identities, printed once on their line, 3+ digits."""
    kinds = {(f.doc, t.id): t.kind for f in facts.values() for t in f.tables}
    out = set()
    for f in facts.values():
        lines = (CORPUS / f.doc).read_text(encoding="utf-8", errors="replace").split("\n")
        for o in f.observations:
            if o.source.extractor != "table" or o.estimate or not o.printed:
                continue
            in_statement = (
                kinds.get((f.doc, o.source.table)) in STATEMENT_KINDS and o.unit == "USD" and o.label
            )
            if not (in_statement or o.metric in IDENTITY_METRICS):
                continue
            token = o.printed.strip("$ ")
            if len(re.sub(r"\D", "", token)) < 3 or lines[o.source.line - 1].count(token) != 1:
                continue
            out.add((f.doc, o.source.line, token))
    return sorted(out)


def test_mutations_are_cited(clean_facts, tmp_path: Path) -> None:
    baseline = validate_store(_store(list(clean_facts.values())), counts=False)
    cited_before = {s for f in baseline.findings for s in f.sources}
    candidates = [c for c in _candidates(clean_facts) if f"{c[0]}:{c[1]}" not in cited_before]
    picks = random.Random(SEED).sample(candidates, MUTATIONS)
    missed = []
    for doc, line, token in picks:
        text = (CORPUS / doc).read_text(encoding="utf-8", errors="replace").split("\n")
        new = _mutated(token)
        text[line - 1] = text[line - 1].replace(token, new, 1)
        copy = tmp_path / doc
        copy.write_text("\n".join(text), encoding="utf-8")
        facts = dict(clean_facts, **{doc: _extract(copy)})
        result = validate_store(_store(list(facts.values())), counts=False)
        if not any(f"{doc}:{line}" in f.sources for f in result.findings):
            missed.append(f"{doc}:{line} {token} -> {new}")
    rate = 1 - len(missed) / len(picks)
    print(f"mutation detection: {len(picks) - len(missed)}/{len(picks)} = {rate:.0%}; missed: {missed}")
    assert rate >= 0.9, missed


# ------------------------------------------------------------------ the development set, end to end

VALIDATE_DATA = Path(__file__).parent / "data" / "validate"
# the convention fixtures: the lines of devset releases whose numbers form the identities the shapes cover
DEVSET_FIXTURES = (
    "devset-aisc", "devset-c1", "devset-reserves", "devset-royalty", "devset-pgm", "devset-intercepts",
    "devset-statements",
)  # fmt: skip
PER_RELEASE = 6
DEVSET_SEED = 20261201


@pytest.fixture(scope="module")
def devset_facts() -> dict[str, DocumentFacts]:
    pytest.importorskip("kg.tables")
    return {p.name: _extract(p) for p in sorted(devset_docs().iterdir()) if p.suffix in (".txt", ".htm", ".html")}


def test_clean_devset_has_no_violation(devset_facts) -> None:
    """The development set is consistent by construction: whatever the table reader makes of it, the
    checks must not call it inconsistent (a range check on a doubtful unit is only a note)."""
    result = validate_store(_store(list(devset_facts.values())))
    assert result.conforms, result.text


def _devset_candidates() -> dict[str, list[tuple[str, int, str]]]:
    """Per release: (fixture, line, printed token) of every number on the convention fixtures' lines that is
    printed once on its line."""
    from validate_support import load_facts

    out: dict[str, set[tuple[str, int, str]]] = {}
    for fixture in DEVSET_FIXTURES:
        facts, _ = load_facts(VALIDATE_DATA / fixture, devset_docs())
        for f in facts:
            lines = (devset_docs() / f.doc).read_text(encoding="utf-8").split("\n")
            for o in f.observations:
                if o.printed and re.search(r"[1-9]", o.printed) and lines[o.source.line - 1].count(o.printed) == 1:
                    out.setdefault(f.doc, set()).add((fixture, o.source.line, o.printed))
    return {doc: sorted(c) for doc, c in sorted(out.items())}


def _copy_with(tmp: Path, doc: str, line: int, token: str, new: str) -> Path:
    folder = tmp / "docs"
    shutil.copytree(devset_docs(), folder)
    lines = (folder / doc).read_text(encoding="utf-8").split("\n")
    lines[line - 1] = lines[line - 1].replace(token, new, 1)
    (folder / doc).write_text("\n".join(lines), encoding="utf-8")
    return folder


def _covered(tmp: Path, fixture: str, doc: str, line: int, token: str, new: str) -> bool:
    """The shapes cite the corrupted number when the graph holds what the fixture says the line prints
    (the number takes part in an identity the shapes cover, whatever a table reader makes of it)."""
    from validate_support import load_facts, write_graph

    facts, resolution = load_facts(VALIDATE_DATA / fixture, _copy_with(tmp, doc, line, token, new))
    store = ox.Store()
    with open(write_graph(facts, resolution, tmp / "out") / "graph.trig", "rb") as f:
        store.bulk_load(f, ox.RdfFormat.TRIG)
    from kg.store import VOCABULARY_FILES, load_ontology

    load_ontology(store, VOCABULARY_FILES)
    result = validate_store(store, counts=False)
    return any(f"{doc}:{line}" in f.sources for f in result.findings)


def test_devset_mutations_are_cited(devset_facts, tmp_path: Path) -> None:
    """Per release, numbers that take part in a covered identity (PER_RELEASE of them, drawn with a fixed
    seed) are changed far beyond rounding in a copy of the release; the copy is re-read by the table
    reader, the graph rebuilt with the other releases unchanged, and the report must cite each as FILE:LINE."""
    baseline = validate_store(_store(list(devset_facts.values())), counts=False)
    cited_before = {s for f in baseline.findings for s in f.sources}
    rng = random.Random(DEVSET_SEED)
    picks, missed = [], []
    for doc, candidates in _devset_candidates().items():
        candidates = [c for c in candidates if f"{doc}:{c[1]}" not in cited_before]
        rng.shuffle(candidates)
        taken = 0
        for fixture, line, token in candidates:
            if taken == PER_RELEASE:
                break
            new = _mutated(token)
            work = tmp_path / f"{doc}-{line}-{token}"
            if not _covered(work / "fixture", fixture, doc, line, token, new):
                continue  # on this line, but in no identity the shapes evaluate (an intercept's grade)
            taken += 1
            copy = _copy_with(work / "release", doc, line, token, new)
            facts = dict(devset_facts, **{doc: _extract(copy / doc)})
            result = validate_store(_store(list(facts.values())), counts=False)
            picks.append(f"{doc}:{line} {token} -> {new}")
            if not any(f"{doc}:{line}" in f.sources for f in result.findings):
                missed.append(picks[-1])
    rate = 1 - len(missed) / len(picks)
    print(f"devset mutation detection: {len(picks) - len(missed)}/{len(picks)} = {rate:.0%}; missed: {missed}")
    assert rate >= 0.9, missed
