"""kg.validate: every shape fires on corrupted data and stays silent on clean data; engines agree.

Graphs are built from tests/data/validate/corpus-000 (which numbers on which
corpus lines form which tables) and from one fixture per reporting convention of
the development set (tests/data/validate/devset-*: AISC, C1 in A$ and US$,
NI 43-101 reserves and resources, royalties by property, PGM mines, drill
intercepts, statements), reading the numbers from a copy of the release:
corrupting a number in the copy corrupts the graph with its true FILE:LINE.
Structural corruptions edit the built graph itself.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from validate_support import devset_docs, load_facts, write_graph

from kg.facts import DocumentFacts, Observation, Period, Source
from kg.graph.namespace import MKG
from kg.validate import load_store, validate_dir, validate_store
from kg.validate.shapes import compile_shapes, shapes_graph

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DATA = Path(__file__).parent / "data" / "validate"
FIXTURE = DATA / "corpus-000"
F = "000_ab7ab8a88c10b9e9.txt"
EXTRA_DOCS = DATA / "extra-docs"  # a fictional release printing 100%-basis and attributable production


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


def _prose_changed(facts: list[DocumentFacts], **changes: object) -> list[DocumentFacts]:
    obs = tuple(
        replace(o, **changes) if o.source.extractor == "prose" and o.metric == "silver-produced" else o
        for o in facts[0].observations
    )
    return [replace(facts[0], observations=obs)]


def test_a_prose_bound_is_compared_on_its_side_and_in_its_unit(tmp_path: Path) -> None:
    """Line 119 states 2.9 million ounces of silver, the table 2,873,663 (line 874): they agree."""

    def fired(i: int, **changes: object) -> bool:
        result = _validate(tmp_path / str(i), change=lambda f: _prose_changed(f, **changes))
        return any(f.rule == "ProseTableShape" and f"{F}:119" in f.sources for f in result.findings)

    assert fired(0, value=Decimal("3900000"))  # the corruption of CORRUPTIONS, for contrast
    assert not fired(1, value=Decimal("2000000"), bound="lower")  # "more than 2 million": true
    assert fired(2, value=Decimal("3900000"), bound="lower")  # "more than 3.9 million": false
    assert not fired(3, value=Decimal("3900000"), bound="upper")  # "nearly 3.9 million": true
    assert not fired(4, value=Decimal("3900000"), unit="TONNE")  # another unit: not the same figure


def _edited_store(
    clean_dir: Path, remove: list[tuple[object, object, object]], add: list[tuple[object, object, object]]
):
    store = ox.Store()
    with open(clean_dir / "graph.trig", "rb") as f:
        store.bulk_load(f, ox.RdfFormat.TRIG)
    for s, p, o in remove:
        for q in list(store.quads_for_pattern(s, p, o, None)):
            store.remove(q)
    for s, p, o in add:  # into the subject's named graph, where a build puts its triples (the checks read those)
        home = next(iter(store.quads_for_pattern(s, None, None, None)), None)
        store.add(ox.Quad(s, p, o, home.graph_name if home is not None else ox.DefaultGraph()))
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
        | {c[1] for c in DEVSET_CORRUPTIONS}
        | {c[1] for c in DEVSET_FACT_CORRUPTIONS}
        | {"ObservationShape", "PeriodShape", "LabelShape"}
    )
    assert names == tested, names ^ tested


def test_every_identity_shape_counts_what_it_cannot_evaluate() -> None:
    """Each shape of arithmetic.ttl and identities.ttl names a census (mkgsh:notEvaluable) whose query
    projects ?this and ?reason, so the report can say how many identities were not evaluated and why."""
    specs = {s.name: s for s in compile_shapes(shapes_graph())}
    shape_names = set()
    for name in ("arithmetic.ttl", "identities.ttl"):
        text = (ROOT / "shapes" / name).read_text(encoding="utf-8")
        shape_names |= set(re.findall(r"^mkgsh:(\w+) a sh:NodeShape", text, re.M))
    assert shape_names
    for name in sorted(shape_names):
        assert specs[name].census, f"{name} has no mkgsh:notEvaluable census"
        for c in specs[name].census:
            assert re.search(r"SELECT \$this \?reason WHERE", c.query), c.node


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


# ------------------------------------------------------------------ the development set's conventions

D200, D201, D202 = "200_4e1c9a7b2d83f065.txt", "201_9b07e35fa1c26d48.txt", "202_c3d58a0e7f14b926.txt"
D203, D204, D205 = "203_7a2f6c19e0d4b853.htm", "204_e81b4d27c9a0f356.txt", "205_3f6d90b2a7c84e15.txt"
DA = "950_attributable-sample.txt"
DEVSET_FIXTURES = (
    "devset-aisc", "devset-c1", "devset-reserves", "devset-royalty", "devset-pgm",
    "devset-intercepts", "devset-statements", "attributable",
)  # fmt: skip


def _docs(fixture: str) -> Path:
    return EXTRA_DOCS if fixture == "attributable" else devset_docs()


def _devset(
    tmp: Path, fixture: str, edits: dict[tuple[str, int], tuple[str, str]] | None = None, change=None
):
    """Validate the fixture's graph, read from a copy of its releases with ``edits`` applied
    ((file, line) → (printed token, corrupted token))."""
    docs = tmp / "docs"
    shutil.copytree(_docs(fixture), docs)
    for (name, n), (old, new) in (edits or {}).items():
        path = docs / name
        lines = path.read_text(encoding="utf-8").split("\n")
        assert old in lines[n - 1], (name, n, old, lines[n - 1])
        lines[n - 1] = lines[n - 1].replace(old, new, 1)
        path.write_text("\n".join(lines), encoding="utf-8")
    facts, resolution = load_facts(DATA / fixture, docs)
    if change:
        facts = change(facts)
    return validate_dir(write_graph(facts, resolution, tmp / "out"))


@pytest.fixture(scope="module")
def devset_clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return {f: _devset(tmp_path_factory.mktemp(f), f) for f in DEVSET_FIXTURES}


@pytest.mark.parametrize("fixture", DEVSET_FIXTURES)
def test_devset_convention_is_silent_when_consistent(devset_clean, fixture: str) -> None:
    """The development set is consistent by construction: no finding of any severity."""
    result = devset_clean[fixture]
    assert result.conforms and not result.findings, result.text


# (fixture, shape that must fire, file, line, printed token, corrupted token)
DEVSET_CORRUPTIONS = [
    (
        "devset-aisc",
        "CostBuildUpShape",
        D200,
        147,
        "6,415",
        "7,415",
    ),  # sustaining capital: AISC = cash cost + lines
    (
        "devset-aisc",
        "CostBuildUpShape",
        D200,
        142,
        "3,915",
        "4,915",
    ),  # treatment: cash cost = cost of sales + lines
    ("devset-aisc", "AiscPerOunceShape", D200, 160, "26.20", "28.20"),
    ("devset-aisc", "AiscPerOunceShape", D200, 155, "1,362", "1,562"),  # the ounces divisor
    ("devset-aisc", "CashCostPerOunceShape", D200, 158, "19.00", "21.00"),
    ("devset-c1", "CurrencyShape", D201, 60, "676", "776"),  # C1 in US$ against A$ × rate
    ("devset-c1", "CurrencyShape", D201, 78, "0.750", "0.850"),  # the exchange rate
    ("devset-c1", "WeightedCostShape", D201, 76, "887", "987"),  # group AISC per ounce sold
    ("devset-c1", "WeightedCostShape", D201, 71, "845", "745"),  # a mine's AISC per ounce sold
    ("devset-c1", "UnitSumShape", D201, 75, "78.2", "88.2"),  # group ounces sold
    ("devset-reserves", "ReserveContainedShape", D201, 131, "0.33", "0.43"),  # Moz from Mt × g/t
    ("devset-reserves", "ReserveContainedShape", D201, 139, "1.02", "1.92"),  # a grade
    ("devset-reserves", "CategorySumShape", D201, 116, "30.17", "31.17"),  # Proved + Probable
    ("devset-reserves", "CategorySumShape", D201, 135, "3.20", "4.20"),  # Indicated under M+I
    ("devset-reserves", "UnitSumShape", D201, 122, "33.67", "34.67"),  # deposits to the total reserves
    (
        "devset-royalty",
        "UnitSumShape",
        D204,
        67,
        "7,371",
        "7,471",
    ),  # royalty revenue by property to the total
    ("devset-royalty", "UnitSumShape", D204, 65, "405", "505"),  # the residual 'Other' row is a part
    ("devset-royalty", "UnitSumShape", D204, 62, "958", "1,958"),
    ("devset-pgm", "UnitSumShape", D202, 88, "80,051", "81,051"),  # mines to consolidated
    ("devset-pgm", "WeightedCostShape", D202, 74, "259", "359"),  # a mine's cash cost per PGM ounce
    ("devset-pgm", "WeightedCostShape", D202, 90, "300", "330"),
    ("devset-intercepts", "InterceptLengthShape", D205, 52, "16.5", "18.5"),
    ("devset-intercepts", "InterceptLengthShape", D205, 44, "22.0", "12.0"),
    (
        "devset-intercepts",
        "InterceptWithinShape",
        D205,
        53,
        "113.0",
        "123.0",
    ),  # 'including' reaching below its parent
    (
        "devset-intercepts",
        "InterceptWithinShape",
        D205,
        55,
        "74.5",
        "84.5",
    ),  # the parent's from below the included one's
    (
        "devset-statements",
        "OperationsStatementShape",
        D203,
        89,
        "2,480",
        "3,480",
    ),  # a gain (loss) line added as printed
    (
        "devset-statements",
        "OperationsStatementShape",
        D202,
        108,
        "66,210",
        "76,210",
    ),  # income from operations from revenues
    ("devset-statements", "EarningsPerShareShape", D200, 126, "(0.05)", "(0.15)"),  # net income / shares
    ("devset-statements", "EarningsPerShareShape", D204, 90, "0.15", "0.25"),
    (
        "devset-statements",
        "BalanceSheetShape",
        D203,
        169,
        "984,270",
        "994,270",
    ),  # equity as one line of the total
    ("devset-statements", "CashFlowNetChangeShape", D204, 125, "3,205", "3,905"),
    (
        "devset-statements",
        "CashFlowNetChangeShape",
        D204,
        120,
        "9,615",
        "1,615",
    ),  # no lines between financing and it
    ("attributable", "AttributableShape", DA, 25, "36,158", "38,158"),
    ("attributable", "AttributableShape", DA, 22, "141,620", "151,620"),  # the 100% figure
]


@pytest.mark.parametrize(
    ("fixture", "shape", "doc", "line", "old", "new"),
    DEVSET_CORRUPTIONS,
    ids=[f"{c[1]}-{c[2][:3]}:{c[3]}" for c in DEVSET_CORRUPTIONS],
)
def test_devset_shape_fires_on_corrupted_number(
    tmp_path: Path, fixture: str, shape: str, doc: str, line: int, old: str, new: str
) -> None:
    result = _devset(tmp_path, fixture, {(doc, line): (old, new)})
    fired = [f for f in result.findings if f.rule == shape]
    assert fired, result.text
    assert any(f"{doc}:{line}" in f.sources for f in fired), [f.line for f in fired]


def test_devset_rounding_is_not_a_finding(tmp_path: Path) -> None:
    # Yarrabee P+P: 8.42 + 21.75 = 30.17 Mt; 30.18 is within the three roundings (± 0.015 Mt), 30.19 is not
    assert not _devset(tmp_path / "a", "devset-reserves", {(D201, 116): ("30.17", "30.18")}).findings
    fired = _devset(tmp_path / "b", "devset-reserves", {(D201, 116): ("30.17", "30.19")})
    assert "CategorySumShape" in _rules(fired, "Violation"), fired.text
    # C1: A$902 × 0.750 = 676.5; printed US$676 and US$677 both agree, 679 does not
    assert not _devset(tmp_path / "c", "devset-c1", {(D201, 60): ("676", "677")}).findings
    assert "CurrencyShape" in _rules(
        _devset(tmp_path / "d", "devset-c1", {(D201, 60): ("676", "679")}), "Warning"
    )


def _without_share(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    return [replace(f, observations=tuple(replace(o, share=None) for o in f.observations)) for f in facts]


def _interest_restated(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    """No share on the rows, and the stated interest is 80% instead of 75%."""
    return [
        replace(f, relations=tuple(replace(r, value="80%") for r in f.relations))
        for f in _without_share(facts)
    ]


def _percent_guessed(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    """Royalty revenue read as a percentage whose unit no label printed (a guessed unit)."""
    return [
        replace(f, observations=tuple(replace(o, unit="PERCENT", unit_guessed=True) for o in f.observations))
        for f in facts
    ]


def _percent_from_label(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    """Royalty revenue read as a percentage because its label holds '3.0% NSR': the metric's usual
    unit is dollars, or the metric was minted from the unknown label."""
    return [
        replace(
            f,
            observations=tuple(
                replace(
                    o,
                    unit="PERCENT",
                    metric="x-royalty-row" if o.source.line == 58 else o.metric,
                    mapped=o.source.line != 58,
                )
                for o in f.observations
            ),
        )
        for f in facts
    ]


def _ounces_negative_guessed(facts: list[DocumentFacts]) -> list[DocumentFacts]:
    return [
        replace(
            f,
            observations=tuple(
                replace(o, value=-o.value, unit_guessed=True) if o.source.line == 71 else o
                for o in f.observations
            ),
        )
        for f in facts
    ]


# (fixture, shape that must fire, change of the facts, the FILE:LINE it must cite, severity)
DEVSET_FACT_CORRUPTIONS = [
    ("attributable", "AttributableShape", _interest_restated, f"{DA}:25", "Violation"),
    ("devset-royalty", "PercentRangeNoteShape", _percent_guessed, f"{D204}:58", "Info"),
    ("devset-royalty", "PercentRangeNoteShape", _percent_from_label, f"{D204}:58", "Info"),
    ("devset-pgm", "NonNegativeNoteShape", _ounces_negative_guessed, f"{D202}:71", "Info"),
]


@pytest.mark.parametrize(
    ("fixture", "shape", "change", "cited", "severity"),
    DEVSET_FACT_CORRUPTIONS,
    ids=[f"{c[1]}-{c[2].__name__}" for c in DEVSET_FACT_CORRUPTIONS],
)
def test_devset_shape_fires_on_corrupted_facts(
    tmp_path: Path, fixture: str, shape: str, change, cited: str, severity: str
) -> None:
    result = _devset(tmp_path, fixture, change=change)
    fired = [f for f in result.findings if f.rule == shape]
    assert fired and {f.severity for f in fired} == {severity}, result.text
    assert any(cited in f.sources for f in fired), [f.line for f in fired]


def test_a_range_check_on_a_doubtful_unit_is_a_note(tmp_path: Path) -> None:
    """'3.0% NSR' in a label made the revenue a percentage: the range check on it is a note, never a violation."""
    for k, change in enumerate((_percent_guessed, _percent_from_label)):
        result = _devset(tmp_path / str(k), "devset-royalty", change=change)
        assert result.conforms, result.text
        assert "PercentRangeShape" not in _rules(result)
        assert (
            _rules(result) <= {"PercentRangeNoteShape", "UnitSumShape"}
            and _rules(result, "Violation") == set()
        )
    result = _devset(tmp_path / "n", "devset-pgm", change=_ounces_negative_guessed)
    assert "NonNegativeShape" not in _rules(result) and "NonNegativeNoteShape" in _rules(result, "Info")


def test_attributable_share_from_the_stated_interest(tmp_path: Path) -> None:
    """Without a share on the row, the ownership interest stated for the mine (75%) is the share."""
    result = _devset(tmp_path, "attributable", change=_without_share)
    assert not result.findings, result.text
    assert result.coverage_of("AttributableShape").evaluated == 4


# Per fixture, per identity shape: (evaluated, not evaluable, a reason given for the latter).
DEVSET_COVERAGE = {
    "devset-aisc": {"CostBuildUpShape": (8, 0, None), "AiscPerOunceShape": (4, 0, None), "CashCostPerOunceShape": (4, 0, None),
                    "CashCostReconciliationShape": (0, 4, "no row above it of what costs-of-sales-gaap builds on")},
    "devset-c1": {"CurrencyShape": (8, 0, None), "WeightedCostShape": (4, 0, None), "UnitSumShape": (8, 0, None),
                  "AiscPerOunceShape": (0, 16, "no all-in sustaining cost in USD above it in the table")},
    "devset-reserves": {"CategorySumShape": (8, 0, None), "UnitSumShape": (2, 0, None),
                        "ReserveContainedShape": (17, 1, "no gold grade printed for the same subject, category and date")},
    "devset-royalty": {"UnitSumShape": (4, 0, None)},
    "devset-pgm": {"UnitSumShape": (12, 0, None), "WeightedCostShape": (4, 0, None),
                   "CashCostPerOunceShape": (0, 12, "no ounces divisor above it in the table")},
    "devset-intercepts": {"InterceptLengthShape": (14, 0, None), "InterceptWithinShape": (6, 0, None)},
    "devset-statements": {"OperationsStatementShape": (50, 0, None), "EarningsPerShareShape": (14, 0, None),
                          "BalanceSheetShape": (14, 2, "no line between it and the row it builds on"),
                          "AssetsEqualLiabilitiesShape": (2, 0, None), "CashFlowNetChangeShape": (2, 0, None)},
    "attributable": {"AttributableShape": (4, 0, None)},
}  # fmt: skip


@pytest.mark.parametrize("fixture", DEVSET_FIXTURES)
def test_devset_counts_what_was_evaluated_and_what_could_not_be(devset_clean, fixture: str) -> None:
    result = devset_clean[fixture]
    for shape, (evaluated, missing, reason) in DEVSET_COVERAGE[fixture].items():
        c = result.coverage_of(shape)
        assert c is not None and (c.evaluated, c.unevaluated, c.held) == (evaluated, missing, evaluated), (
            shape,
            c,
        )
        if reason:
            assert reason in c.not_evaluable, c.not_evaluable
            assert f"{shape}: {evaluated} evaluated, {evaluated} held; {missing} not evaluable" in result.text
        else:
            assert f"{shape}: {evaluated} evaluated, {evaluated} held\n" in result.text
    assert result.text.splitlines()[-1].startswith("validation (oxigraph):")


def test_counts_reach_validation_ttl_and_the_report_page(tmp_path: Path) -> None:
    from kg.report import read_check_counts, render_report

    _devset(tmp_path, "devset-reserves")
    counts = {c.shape: c for c in read_check_counts(tmp_path / "out")}
    assert (counts["CategorySumShape"].evaluated, counts["CategorySumShape"].not_evaluated) == (8, 0)
    contained = counts["ReserveContainedShape"]
    assert (contained.evaluated, contained.held, contained.not_evaluated) == (17, 17, 1)
    assert contained.reasons == (("no gold grade printed for the same subject, category and date", 1),)
    assert "ObservationShape" not in counts  # a structural check, not an identity
    page = render_report([], [], [], [], [], check_counts=list(counts.values()))
    assert "Identities checked: 27 evaluated, 1 not evaluable" in page
    assert "<td>1: no gold grade printed for the same subject, category and date</td>" in page


def test_a_failed_identity_is_evaluated_not_missing(tmp_path: Path) -> None:
    """A census never counts as 'not evaluable' an identity its constraint evaluated: on corrupted data the
    failed ones are among the evaluated, and the counts still add up."""
    result = _devset(
        tmp_path, "devset-reserves", {(D201, 116): ("30.17", "31.17"), (D201, 131): ("0.33", "0.43")}
    )
    for name in ("CategorySumShape", "ReserveContainedShape", "UnitSumShape"):
        c = result.coverage_of(name)
        assert (
            c.failed >= 1 and c.evaluated == c.held + c.failed and c.candidates == c.evaluated + c.unevaluated
        ), c
    assert "CategorySumShape: 8 evaluated, 7 held, 1 failed" in result.text


@pytest.mark.slow
def test_pyshacl_reference_agrees_with_oxigraph_on_a_devset_slice(tmp_path: Path) -> None:
    """The new identities on a slice of every devset convention (tests/data/validate/devset-slice: one column
    of chosen lines), clean and corrupted, give the same findings on both engines. Agreement between
    printings (consistency.ttl) is compared on the corpus slice above; leaving it out here keeps pySHACL,
    which runs every query once per focus node, to seconds."""
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        if path.name != "consistency.ttl":
            shutil.copy(path, shapes / path.name)
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in (*devset_docs().iterdir(), *EXTRA_DOCS.iterdir()):
        shutil.copy(path, docs / path.name)
    edits = {
        (D201, 76): ("940", "990"),  # WeightedCostShape
        (D201, 62): ("981", "991"),  # CurrencyShape
        (D200, 152): ("121,755", "131,755"),  # CostBuildUpShape, AiscPerOunceShape
        (D205, 53): ("113.0", "123.0"),  # InterceptLengthShape, InterceptWithinShape
        (DA, 25): ("99,803", "89,803"),  # AttributableShape
        (D201, 128): ("2.00", "2.50"),  # CategorySumShape, ReserveContainedShape
        (D204, 67): ("9,382", "9,982"),  # UnitSumShape with a residual row
        (D203, 89): ("2,480", "3,480"),  # OperationsStatementShape, a gain (loss) line
    }
    for (name, n), (old, new) in edits.items():
        lines = (docs / name).read_text(encoding="utf-8").split("\n")
        lines[n - 1] = lines[n - 1].replace(old, new, 1)
        (docs / name).write_text("\n".join(lines), encoding="utf-8")
    facts, resolution = load_facts(DATA / "devset-slice", docs)
    store = load_store(write_graph(facts, resolution, tmp_path / "slice"))
    fast = validate_store(store, engine="oxigraph", shapes_dir=shapes)
    ref = validate_store(store, engine="pyshacl", shapes_dir=shapes)

    def key(result):
        return sorted((f.severity, f.rule, f.focus, f.sources) for f in result.findings)

    assert key(fast) == key(ref)
    assert {
        "WeightedCostShape", "CurrencyShape", "CostBuildUpShape", "AiscPerOunceShape", "InterceptLengthShape",
        "InterceptWithinShape", "AttributableShape", "CategorySumShape", "ReserveContainedShape", "UnitSumShape",
        "OperationsStatementShape", "PercentRangeNoteShape",
    } <= _rules(fast), fast.text  # fmt: skip
    assert [(c.name, c.evaluated, c.unevaluated) for c in fast.coverage] == [
        (c.name, c.evaluated, c.unevaluated) for c in ref.coverage
    ]


def _reconciliation_by_mine(tmp: Path, edit: tuple[str, str] | None = None):
    """The AISC reconciliation by mine of tests/data/tables/shapes, extracted and validated."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.resolve import resolve
    from kg.tables import extract_tables

    source = Path(__file__).parent / "data" / "tables" / "shapes" / "aisc-by-mine.txt"
    text = source.read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / source.name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    facts = [extract_tables(doc, segment(doc))]
    return validate_dir(write_graph(facts, resolve(facts), tmp / "out"))


def test_a_total_below_a_corporate_line_is_not_summed_over_the_mines(tmp_path: Path) -> None:
    """A reconciliation by mine whose total column alone prints corporate G&A: the all-in
    sustaining costs below that line include it, so they are not the mines' sum; the cost of sales
    above it still is, and a wrong total there is a violation."""
    clean = _reconciliation_by_mine(tmp_path / "clean")
    assert "UnitSumShape" not in _rules(clean), clean.text
    wrong = _reconciliation_by_mine(tmp_path / "wrong", ("79,612", "79,912"))
    assert "UnitSumShape" in _rules(wrong, "Violation"), wrong.text
