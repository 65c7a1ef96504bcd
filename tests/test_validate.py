"""kg.validate: every shape fires on corrupted data and stays silent on clean data; engines agree.

Graphs are built from tests/data/validate/corpus-000 (which numbers on which
corpus lines form which tables), reading the numbers from a copy of the corpus
file: corrupting a number in the copy corrupts the graph with its true
FILE:LINE. Structural corruptions edit the built graph itself.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from validate_support import load_facts, write_graph

from kg.facts import DocumentFacts, Observation, Period, Source
from kg.graph.namespace import MKG
from kg.validate import validate_dir, validate_store
from kg.validate.shapes import compile_shapes, shapes_graph

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIXTURE = Path(__file__).parent / "data" / "validate" / "corpus-000"
F = "000_ab7ab8a88c10b9e9.txt"


def _corpus_copy(tmp: Path, edits: dict[int, tuple[str, str]] | None = None) -> Path:
    folder = tmp / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    lines = (CORPUS / F).read_text(encoding="utf-8").split("\n")
    for n, (old, new) in (edits or {}).items():
        assert old in lines[n - 1], (n, old, lines[n - 1])
        lines[n - 1] = lines[n - 1].replace(old, new, 1)
    (folder / F).write_text("\n".join(lines), encoding="utf-8")
    return folder


def _validate(tmp: Path, edits: dict[int, tuple[str, str]] | None = None, change=None):
    facts, resolution = load_facts(FIXTURE, _corpus_copy(tmp, edits))
    if change:
        facts = change(facts)
    out = write_graph(facts, resolution, tmp / "out")
    return validate_dir(out)


def _rules(result, severity: str | None = None) -> set[str]:
    return {f.rule for f in result.findings if severity is None or f.severity == severity}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory):
    return _validate(tmp_path_factory.mktemp("clean"))


def test_clean_excerpt_has_no_violation_or_warning(clean) -> None:
    assert clean.conforms, clean.text
    # the only notes: 2005 production totals include a unit the 2006 release no longer lists
    assert _rules(clean) == {"ProductionUnlistedShape"}, clean.text
    assert all(f.severity == "Info" for f in clean.findings)


def test_report_files_written(tmp_path: Path) -> None:
    result = _validate(tmp_path, {543: ("70,272", "70,372")})
    folder = tmp_path / "out"
    text = (folder / "validation.txt").read_text(encoding="utf-8")
    assert text == result.text
    assert "validation (oxigraph):" in text.splitlines()[-1]
    report = (folder / "validation.ttl").read_text(encoding="utf-8")
    assert "sh:ValidationReport" in report and "sh:resultSeverity" in report
    assert not result.conforms


def test_rounding_is_not_a_finding(tmp_path: Path) -> None:
    # 70,272 = 43,240 + 27,032 exactly; 43,241 + 27,032 = 70,273 is within ±1.5 thousand
    result = _validate(tmp_path, {540: ("43,240", "43,241")})
    assert "SegmentSumShape" not in _rules(result)
    # ... but 43,242 + 27,032 = 70,274 is not
    result = _validate(tmp_path / "b", {540: ("43,240", "43,242")})
    assert "SegmentSumShape" in _rules(result, "Violation")


# (shape expected to fire, line, printed token, corrupted token)
CORRUPTIONS = [
    ("SegmentSumShape", 543, "70,272", "70,372"),
    ("UnitSumShape", 283, "607,569", "617,569"),
    ("ProductionTotalShape", 565, "1,509,670", "1,409,670"),
    ("ProductionUnlistedShape", 874, "767,296", "667,296"),
    ("BalanceSheetShape", 736, "165,561", "165,961"),
    ("BalanceSheetShape", 758, "58,539", "59,539"),
    ("AssetsEqualLiabilitiesShape", 778, "346,269", "346,969"),
    ("OperationsStatementShape", 666, "5,529", "5,929"),
    ("CashFlowStatementShape", 825, "57,441", "58,441"),
    ("CashFlowStatementShape", 798, "39,767", "38,767"),
    ("CashFlowNetChangeShape", 849, "69,570", "69,970"),
    ("CashCostReconciliationShape", 950, "1,232", "1,332"),
    ("CashCostPerOunceShape", 1022, "0.79", "0.89"),
    ("EarningsPerShareShape", 704, "0.17", "0.19"),
    ("ReserveContainedShape", 277, "18,135,795", "19,135,795"),
    ("WithinDocumentShape", 652, "70,272", "70,282"),
    ("PercentRangeShape", 249, " 8.2 ", " 108.2 "),
    ("NonNegativeShape", 874, "767,296", "(767,296)"),
    ("ProseTableShape", 119, "2.9 million", "3.9 million"),
]


@pytest.mark.parametrize(
    ("shape", "line", "old", "new"), CORRUPTIONS, ids=[f"{c[0]}-{c[1]}" for c in CORRUPTIONS]
)
def test_shape_fires_on_corrupted_number(tmp_path: Path, shape: str, line: int, old: str, new: str) -> None:
    result = _validate(tmp_path, {line: (old, new)})
    fired = [f for f in result.findings if f.rule == shape]
    assert fired, result.text
    assert any(f"{F}:{line}" in f.sources for f in fired), [f.line for f in fired]


def _obs(facts: list[DocumentFacts], metric: str, line: int) -> Observation:
    return next(o for f in facts for o in f.observations if o.metric == metric and o.source.line == line)


def _add(
    facts: list[DocumentFacts], *obs: Observation, doc: DocumentFacts | None = None
) -> list[DocumentFacts]:
    if doc is not None:
        return [*facts, replace(doc, observations=tuple(obs))]
    return [replace(facts[0], observations=facts[0].observations + tuple(obs))]


def _later_release(facts: list[DocumentFacts]) -> DocumentFacts:
    meta = replace(facts[0].meta, release_date=date(2008, 2, 20))
    return DocumentFacts(doc="999_later.txt", doc_id="999-later", meta=meta, tables=facts[0].tables[:1])


def _restated(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    o = _obs(facts, "total-assets", 743)
    later = replace(
        o, value=o.value + 9000, printed="272,175", source=Source("999_later.txt", 12, "table", "t01")
    )
    return _add(facts, later, doc=_later_release(facts))


def _nine_months(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    year = next(
        o
        for o in facts[0].observations
        if o.metric == "sales" and o.source.line == 652 and o.period.start == date(2006, 1, 1)
    )
    nine = replace(
        year,
        period=Period(start=date(2006, 1, 1), end=date(2006, 9, 30)),
        value=Decimal(147_000_000),
        printed="147,000",
        source=Source("999_later.txt", 20, "table", "t01"),
    )
    return _add(facts, nine, doc=_later_release(facts))


def _duration_balance(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    o = _obs(facts, "total-assets", 743)
    return _add(
        facts,
        replace(
            o,
            period=Period(start=date(2006, 1, 1), end=date(2006, 12, 31)),
            source=Source(F, 9999, "table", "t06"),
        ),
    )


def _undated(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    o = _obs(facts, "total-assets", 743)
    return _add(facts, replace(o, period=None, source=Source(F, 9998, "table", "t06")))


def _interest_changed(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    rel = facts[0].relations
    return [replace(facts[0], relations=(rel[0], replace(rel[1], value="35%")))]


def _share_unlinked(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    obs = tuple(
        replace(o, share=Decimal("0.25")) if o.share is not None and o.source.line == 891 else o
        for o in facts[0].observations
    )
    return [replace(facts[0], observations=obs)]


FACT_CORRUPTIONS = [
    ("RestatementShape", _restated, "999_later.txt:12"),
    ("PeriodAdditivityShape", _nine_months, "999_later.txt:20"),
    ("PeriodKindShape", _duration_balance, f"{F}:9999"),
    ("PeriodKindShape", _undated, f"{F}:9998"),
    ("InterestConsistencyShape", _interest_changed, f"{F}:372"),
    ("ShareLinkShape", _share_unlinked, f"{F}:891"),
]


@pytest.mark.parametrize(
    ("shape", "change", "cited"), FACT_CORRUPTIONS, ids=[f"{c[0]}-{c[1].__name__}" for c in FACT_CORRUPTIONS]
)
def test_shape_fires_on_corrupted_facts(tmp_path: Path, shape: str, change, cited: str) -> None:
    result = _validate(tmp_path, change=change)
    fired = [f for f in result.findings if f.rule == shape]
    assert fired, result.text
    assert any(cited in f.sources for f in fired), [f.line for f in fired]


def _edited_store(
    clean_dir: Path, remove: list[tuple[object, object, object]], add: list[tuple[object, object, object]]
):
    store = ox.Store()
    with open(clean_dir / "graph.trig", "rb") as f:
        store.bulk_load(f, ox.RdfFormat.TRIG)
    for s, p, o in remove:
        for q in list(store.quads_for_pattern(s, p, o, None)):
            store.remove(q)
    for s, p, o in add:
        store.add(ox.Quad(s, p, o, ox.DefaultGraph()))
    return store


def _nn(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("structural")
    facts, resolution = load_facts(FIXTURE, _corpus_copy(tmp))
    return write_graph(facts, resolution, tmp / "out")


OBS = ox.NamedNode("https://w3id.org/mining-kg/id/observation/000-ab7ab8a88c10b9e9/543-0")


def test_observation_shape_fires_on_missing_and_doubled_parts(clean_dir: Path) -> None:
    store = _edited_store(
        clean_dir,
        remove=[(OBS, _nn(MKG.unit), None)],
        add=[
            (OBS, _nn(MKG.metric), ox.NamedNode("https://w3id.org/mining-kg/metric/x-other")),
            (OBS, _nn(MKG.value), ox.Literal("70272000")),
        ],  # a string, not an xsd:decimal
    )
    result = validate_store(store)
    rules = {f.rule for f in result.findings if f.focus == OBS.value}
    assert {"ObservationUnit", "ObservationMetric", "ObservationValue"} <= rules, result.text
    assert any(f"{F}:543" in f.sources for f in result.findings if f.rule == "ObservationUnit")


def test_period_and_label_shapes_fire(clean_dir: Path) -> None:
    period = ox.NamedNode("https://w3id.org/mining-kg/id/period/2006-10-01--2006-12-31")
    unit = ox.NamedNode("https://w3id.org/mining-kg/id/miningunit/lucky-friday")
    store = _edited_store(
        clean_dir,
        remove=[
            (period, _nn(MKG.startDate), None),
            (unit, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None),
        ],
        add=[
            (
                period,
                _nn(MKG.startDate),
                ox.Literal("2007-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
            )
        ],
    )
    result = validate_store(store)
    assert "PeriodStart" in _rules(result, "Violation"), result.text
    assert "EntityLabel" in _rules(result, "Violation"), result.text


def test_every_shape_is_named_commented_and_has_severity_and_message() -> None:
    g = shapes_graph()
    specs = compile_shapes(g)  # raises ConfigError on an unnamed shape or a missing part
    names = {s.name for s in specs}
    tested = (
        {c[0] for c in CORRUPTIONS}
        | {c[0] for c in FACT_CORRUPTIONS}
        | {"ObservationShape", "PeriodShape", "LabelShape"}
    )
    assert names == tested, names ^ tested


@pytest.mark.slow
def test_pyshacl_reference_agrees_with_oxigraph_on_a_corpus_slice(tmp_path: Path) -> None:
    """pySHACL is the reference semantics; it is slow, so the comparison runs on a slice of the corpus graph."""
    facts, resolution = load_facts(
        FIXTURE, _corpus_copy(tmp_path, {543: ("70,272", "70,372"), 1022: ("0.79", "0.89")})
    )
    keep = {540, 541, 543, 546, 547, 549, 652, 1017, 1019, 1022, 277, 249, 874, 891}
    facts = [replace(facts[0], observations=tuple(o for o in facts[0].observations if o.source.line in keep))]
    out = write_graph(facts, resolution, tmp_path / "slice")
    store = ox.Store()
    with open(out / "graph.trig", "rb") as f:
        store.bulk_load(f, ox.RdfFormat.TRIG)
    fast = validate_store(store, engine="oxigraph")
    ref = validate_store(store, engine="pyshacl")

    def key(result):
        return sorted((f.severity, f.rule, f.focus, f.sources) for f in result.findings)

    assert key(fast) == key(ref)
    assert {"SegmentSumShape", "CashCostPerOunceShape", "WithinDocumentShape"} <= _rules(fast)


def test_finding_sources_do_not_depend_on_concat_order() -> None:
    from kg.validate.report import _ordered

    a = _ordered(("a.txt:543", "a.txt:541", "a.txt:540", "b.txt:9"))
    b = _ordered(("a.txt:543", "b.txt:9", "a.txt:540", "a.txt:541"))
    assert a == b == ("a.txt:543", "a.txt:540", "a.txt:541", "b.txt:9")
