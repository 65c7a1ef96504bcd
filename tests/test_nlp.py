"""Narrative stage: relation rules on sentences written for the test, prose figures,
the blank-pipeline fallback and an end-to-end run over the sample corpus."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.facts import Block, Document, DocumentMeta, EntityRef
from kg.nlp.figures import FigureContext, find_figures
from kg.nlp.gazetteer import load_gazetteer
from kg.nlp.model import Ent, Sentence
from kg.nlp.relations import Context, find_relations

DATA = Path(__file__).parent / "data" / "nlp"
ROOT = Path(__file__).resolve().parent.parent
_MARK = re.compile(r"\[([^\]|]+)\|(\w+)\|([^\]]+)\]")


def sentence(marked: str) -> Sentence:
    """``[surface|Type|canonical label]`` markup → a Sentence with those entities."""
    text, ents, pos = [], [], 0
    last = 0
    for m in _MARK.finditer(marked):
        text.append(marked[last : m.start()])
        pos += m.start() - last
        surface, type_, label = m.groups()
        words = re.findall(r"[\w-]+", surface.lower())
        mods = tuple(w for w in words if w in {"silver", "gold", "zinc", "lead", "copper"})
        ents.append(Ent(pos, pos + len(surface), type_, label, surface, mods))
        text.append(surface)
        pos += len(surface)
        last = m.end()
    text.append(marked[last:])
    return Sentence(text="".join(text), ents=tuple(ents))


def context() -> Context:
    gaz = load_gazetteer()
    lex = dict(gaz.lexicon)
    lex["_commodities"] = list(gaz.commodities)
    ranks = {k: i for i, k in enumerate(lex["place_levels"])}
    place_rank = {e.label: ranks[e.place_kind] for e in gaz.entries if e.place_kind in ranks}
    return Context(EntityRef("Acme Mining Corp.", "Company"), date(2008, 5, 1), lex, place_rank)


def _cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in (DATA / "sentences.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return rows


@pytest.mark.parametrize(("predicate", "expected", "marked"), _cases())
def test_relation_rule(predicate: str, expected: str, marked: str) -> None:
    found = find_relations(sentence(marked), context())
    subject, rest = (x.strip() for x in expected.split(">", 1))
    obj, _, value = (x.strip() for x in rest.partition("="))
    got = [
        (f.subject.label, f.object.label if f.object else "", f.value)
        for f in found
        if f.predicate == predicate
    ]
    assert any(s == subject and o == obj and (not value or v == value) for s, o, v in got), got


def test_place_list_is_not_a_nesting() -> None:
    s = sentence(
        "Spending went to [Alaska|Place|Alaska], [Idaho|Place|Idaho], [Nevada|Place|Nevada], "
        "[Mexico|Place|Mexico] and [Venezuela|Place|Venezuela]."
    )
    assert [f for f in find_relations(s, context()) if f.predicate == "locatedIn"] == []


def test_company_working_somewhere_is_not_located_there() -> None:
    s = sentence("[Acme|Company|Acme Mining Corp.] explores in [Mexico|Place|Mexico].")
    assert find_relations(s, context()) == []


def test_ownership_keeps_precision() -> None:
    found = find_relations(
        sentence(
            "[Acme|Company|Acme Mining Corp.] holds a 29.73% interest in the [Kestrel mine|Mine|Kestrel mine]."
        ),
        context(),
    )
    [own] = [f for f in found if f.predicate == "ownershipInterest"]
    assert (own.value, own.value_decimals) == ("29.73", 2)


def test_positions_change_over_time() -> None:
    ctx = context()
    early = find_relations(
        sentence(
            "[Acme|Company|Acme Mining Corp.] Chairman and Chief Executive Officer "
            "[Art Brown|Person|Art Brown] said so."
        ),
        ctx,
    )
    assert [(f.subject.label, f.object.label, f.value) for f in early] == [
        ("Art Brown", "Chairman and Chief Executive Officer", "Acme Mining Corp.")
    ]
    assert early[0].date == date(2008, 5, 1)


def _figures(text: str, period_end: date = date(2006, 12, 31)) -> list:
    ctx = FigureContext(
        "x.txt", EntityRef("Acme Mining Corp.", "Company"), period_end, load_gazetteer().lexicon
    )
    return list(find_figures(sentence(text), ctx, lambda pos: 1))


def test_prose_figures_with_precision() -> None:
    obs = _figures(
        "The [Kestrel Unit|MiningUnit|Kestrel Unit] produced 2.9 million ounces of silver at an average "
        "total cash cost of $3.65 per ounce in 2006."
    )
    by_metric = {o.metric: o for o in obs}
    silver = by_metric["silver-produced"]
    assert (silver.value, silver.decimals, silver.subject.label) == (Decimal("2.9E6"), -5, "Kestrel Unit")
    assert silver.period.start == date(2006, 1, 1) and silver.period.end == date(2006, 12, 31)
    cost = by_metric["total-cash-cost-per-oz-silver"]
    assert (cost.value, cost.decimals, cost.estimate) == (Decimal("3.65"), 2, False)
    assert silver.source.extractor == "prose"


def test_negative_cents_and_guidance() -> None:
    [cost] = _figures(
        "Guidance for the total cash cost of silver was lowered to negative 25 cents per ounce."
    )
    assert (cost.value, cost.decimals, cost.estimate) == (Decimal("-0.25"), 2, True)
    [est] = _figures(
        "[Acme|Company|Acme Mining Corp.] expects to produce 6 million ounces of silver in 2007."
    )
    assert est.estimate and est.value == Decimal("6E6") and est.decimals == -6


def _document(text: str) -> tuple[Document, tuple[Block, ...]]:
    lines = tuple(text.splitlines())
    doc = Document(
        name="t.txt",
        id="t",
        path="t.txt",
        sha256="",
        format="text",
        encoding="utf-8",
        lines=lines,
        source_lines=tuple(range(1, len(lines) + 1)),
        meta=DocumentMeta(company="Hecla Mining Company", release_date=date(2007, 2, 21)),
    )
    block = Block("prose", 1, len(lines), lines)
    return doc, (block,)


def test_blank_pipeline_fallback_still_finds_rule_entities(caplog: pytest.LogCaptureFixture) -> None:
    from kg.nlp import extract_narrative

    doc, blocks = _document(
        "Hecla holds a 29.73% interest in the Greens Creek\nmine on Admiralty Island, near Juneau, Alaska."
    )
    [facts] = extract_narrative([(doc, blocks)], blank=True)
    found = {(m.entity.type, m.entity.label) for m in facts.mentions}
    assert ("Mine", "Greens Creek mine") in found  # name broken over two lines
    assert ("Place", "Alaska") in found
    assert any(r.predicate == "ownershipInterest" and r.value == "29.73" for r in facts.relations)
    assert any(p.severity == "info" and "no spaCy model" in p.message for p in facts.problems)


def test_boilerplate_gives_mentions_but_no_facts() -> None:
    from kg.nlp import extract_narrative

    doc, _ = _document("Cautionary Note to Investors - The SEC permits mining companies in Alaska, Juneau.")
    block = Block("boilerplate", 1, 1, doc.lines)
    [facts] = extract_narrative([(doc, (block,))], blank=True)
    assert any(m.entity.label == "United States Securities and Exchange Commission" for m in facts.mentions)
    assert facts.relations == () and facts.observations == ()


@pytest.mark.slow
def test_corpus_end_to_end() -> None:
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative
    from kg.resolve import resolve

    docs = [read_document(p) for p in sorted((ROOT / "corpus").glob("*.txt"))]
    facts = extract_narrative([(d, segment(d)) for d in docs])
    assert len(facts) == len(docs)
    res = resolve(facts)
    labels = {res.lookup(m.entity).label for f in facts for m in f.mentions}
    assert {"Lucky Friday Unit", "Greens Creek mine", "Phillips S. Baker, Jr.", "Rio Tinto"} <= labels
    rels = {
        (res.lookup(r.subject).label, r.predicate, res.lookup(r.object).label)
        for f in facts
        for r in f.relations
        if r.object is not None
    }
    assert ("Kennecott Greens Creek Mining Company", "subsidiaryOf", "Rio Tinto") in rels
    assert ("Hecla Mining Company", "ownershipInterest", "Greens Creek mine") in rels
    for f in facts:
        for r in f.relations:
            assert r.source.line >= 1 and r.source.doc == f.doc


def test_figure_period_from_paragraph_and_release_date() -> None:
    ctx = FigureContext(
        "x.txt",
        EntityRef("Acme Mining Corp.", "Company"),
        None,
        load_gazetteer().lexicon,
        release_date=date(2007, 2, 21),
    )
    s = sentence("The mine produced 18,713 ounces of gold, compared to 2005.")
    [obs] = find_figures(s, ctx, lambda pos: 1, context="In 2006, output rose.")
    assert (obs.period.start, obs.period.end) == (date(2006, 1, 1), date(2006, 12, 31))
    [obs] = find_figures(s, ctx, lambda pos: 1)  # no year anywhere: the year reported by a February release
    assert (obs.period.start, obs.period.end) == (date(2006, 1, 1), date(2006, 12, 31))


def test_no_model_installed_falls_back_to_blank_with_a_notice(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from kg.nlp import pipeline

    monkeypatch.setattr(pipeline, "MODELS", ("no_such_model_xyz",))
    with caplog.at_level("WARNING", logger="kg.nlp.pipeline"):
        nlp, name = pipeline.load_model()
    assert name == "blank:en" and "ner" not in nlp.pipe_names
    assert any("no spaCy model installed" in r.getMessage() for r in caplog.records)


def test_bare_name_means_the_site_named_in_full_and_nested_names_are_mentioned() -> None:
    from kg.nlp import extract_narrative

    doc, blocks = _document(
        "The San Sebastian Unit in central Mexico did well. San Sebastian also\n"
        "funded the Lucky Friday mill upgrade project."
    )
    [facts] = extract_narrative([(doc, blocks)], blank=True)
    by_text = {m.text: m.entity for m in facts.mentions}
    assert by_text["San Sebastian"] == EntityRef("San Sebastian Unit", "MiningUnit")
    assert by_text["Lucky Friday mill"] == EntityRef("Lucky Friday mill", "Facility")
    assert by_text["Lucky Friday mill upgrade project"].type == "Project"


def test_one_failing_document_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.nlp import extract, extract_narrative

    good, blocks = _document("Hecla holds a 29.73% interest in the Greens Creek mine.")
    bad = Document(**{**good.__dict__, "name": "bad.txt", "id": "bad"})
    real = extract._document_facts

    def flaky(doc, *args, **kwargs):
        if doc.name == "bad.txt":
            raise RuntimeError("boom")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(extract, "_document_facts", flaky)
    facts = extract_narrative([(bad, blocks), (good, blocks)], blank=True)
    assert [f.doc for f in facts] == ["bad.txt", "t.txt"]
    assert facts[0].problems[0].severity == "error" and facts[1].relations


def _generic_facts(text: str, company: str = "Northwind Mining Corporation"):
    """The narrative stage over ``text`` with the generic gazetteer tier only (no corpus names)."""
    from kg.nlp import extract_narrative

    doc, blocks = _document(text)
    doc = Document(**{**doc.__dict__, "meta": DocumentMeta(company=company, release_date=date(2009, 2, 10))})
    [facts] = extract_narrative([(doc, blocks)], blank=True, gazetteer=load_gazetteer(tier="generic"))
    return facts


def test_generic_tier_holds_no_corpus_names() -> None:
    gaz = load_gazetteer(tier="generic")
    assert {e.type for e in gaz.entries} <= {"Place", "Commodity", "Organization"}
    assert gaz.find("Idaho") is not None and gaz.find("gold") is not None and gaz.find("NYSE") is not None
    assert gaz.find("Lucky Friday") is None and gaz.find("Hecla") is None
    assert len(load_gazetteer().entries) > len(gaz.entries)
    with pytest.raises(ValueError, match="unknown gazetteer tier"):
        load_gazetteer(tier="everything")


def test_releasing_company_by_its_short_names_and_group_companies() -> None:
    from kg.nlp.extract import _company_forms

    lex = load_gazetteer().lexicon
    assert _company_forms("Northwind Mining Corporation", lex) == [
        "Northwind Mining Corporation",
        "Northwind Mining",
        "Northwind",
    ]
    facts = _generic_facts(
        "Northwind holds a 40% interest in the Osprey mine.\nNorthwind's results improved."
    )
    companies = {(m.text, m.entity) for m in facts.mentions if m.entity.type == "Company"}
    assert ("Northwind", EntityRef("Northwind Mining Corporation", "Company")) in companies
    [own] = [r for r in facts.relations if r.predicate == "ownershipInterest"]
    assert (own.subject.label, own.object.label, own.value) == (
        "Northwind Mining Corporation",
        "Osprey mine",
        "40",
    )


def test_the_mine_is_the_nearest_mine_named_before_it_in_the_paragraph() -> None:
    facts = _generic_facts(
        "The Osprey Unit includes the Kite mine in Nevada. The mine produced\n"
        "12,000 ounces of gold in 2008. Drilling cut the Blue vein within the mine."
    )
    corefs = {m.text: m.entity for m in facts.mentions if m.text.lower().startswith("the mine")}
    assert corefs == {"The mine": EntityRef("Kite mine", "Mine"), "the mine": EntityRef("Kite mine", "Mine")}
    rels = {(r.subject.label, r.predicate, r.object.label if r.object else "") for r in facts.relations}
    assert ("Blue vein", "partOf", "Kite mine") in rels
    [gold] = [o for o in facts.observations if o.metric == "gold-produced"]
    assert gold.subject == EntityRef("Kite mine", "Mine") and gold.value == Decimal(12000)


def test_footnote_ore_bodies_belong_to_the_document_site_the_row_names() -> None:
    from kg.nlp import extract_narrative

    lines = (
        "The Kestrel Unit in Nevada and the Kestrel mine did well.",
        "",
        " Kestrel Unit,",
        "  USA(1)                  1,000     2,000",
        "",
        "(1) Inferred resources, Red and Blue veins, diluted.",
    )
    doc, _ = _document("\n".join(lines))
    blocks = (
        Block("prose", 1, 1, lines[:1]),
        Block("table", 3, 4, lines[2:4]),
        Block("prose", 6, 6, lines[5:]),
    )
    [facts] = extract_narrative([(doc, blocks)], blank=True, gazetteer=load_gazetteer(tier="generic"))
    parts = {(r.subject.label, r.object.label) for r in facts.relations if r.predicate == "partOf"}
    assert parts == {("Red vein", "Kestrel Unit"), ("Blue vein", "Kestrel Unit")}


def test_generic_name_patterns_come_from_the_lexicon() -> None:
    facts = _generic_facts(
        "Drilling near the Gold Hunter mine and the Coeur d'Alene Basin cut the Raven fault.\n"
        "Northwind sold the Osprey Creek gold exploration project to Great Basin Gold, Inc. in May."
    )
    found = {(m.entity.type, m.entity.label) for m in facts.mentions}
    assert {
        ("Mine", "Gold Hunter mine"),
        ("Place", "Coeur d'Alene Basin"),
        ("OreBody", "Raven fault"),
        ("Project", "Osprey Creek"),
        ("Company", "Great Basin Gold, Inc."),
    } <= found
    assert not any(label in ("Great Basin", "Hunter mine") for _, label in found)


def test_production_cue_needs_a_single_site() -> None:
    s = sentence(
        "[gold|Commodity|gold] production rose at the [Owl mine|Mine|Owl mine] "
        "and fell at the [Lark mine|Mine|Lark mine]."
    )
    assert [f for f in find_relations(s, context()) if f.predicate == "producedAt"] == []


def _figures_q2(text: str) -> list:
    """Figures of a mid-year release (no stated period; released in August 2008)."""
    ctx = FigureContext(
        "x.txt",
        EntityRef("Acme Mining Corp.", "Company"),
        None,
        load_gazetteer().lexicon,
        release_date=date(2008, 8, 6),
    )
    return list(find_figures(sentence(text), ctx, lambda pos: 1))


def test_more_prose_metrics_with_contract_codes_and_precision() -> None:
    obs = _figures_q2(
        "For the quarter, the [Kestrel mine|Mine|Kestrel mine] produced 1.25 million ounces of silver, "
        "8,450 tons of zinc and 3,100 tons of lead, and milled 212,400 tons of ore."
    )
    got = {
        o.metric: (o.value, o.unit, o.decimals, o.subject.label, o.period.start, o.period.end) for o in obs
    }
    q2 = (date(2008, 4, 1), date(2008, 6, 30))
    assert got["silver-produced"] == (Decimal("1.25E6"), "OZ", -4, "Kestrel mine", *q2)
    assert got["zinc-produced"] == (Decimal(8450), "TON", 0, "Kestrel mine", *q2)
    assert got["lead-produced"] == (Decimal(3100), "TON", 0, "Kestrel mine", *q2)
    assert got["ore-processed"] == (Decimal(212400), "TON", 0, "Kestrel mine", *q2)


def test_ore_grade_and_reserves_in_prose() -> None:
    [grade] = _figures_q2(
        "The average grade of silver ore milled at the [Kestrel Unit|MiningUnit|Kestrel Unit] "
        "in the first half was 10.7 ounces per ton."
    )
    assert (grade.metric, grade.value, grade.unit, grade.decimals) == (
        "ore-grade-silver",
        Decimal("10.7"),
        "OZ-PER-TON",
        1,
    )
    assert (grade.period.start, grade.period.end) == (date(2008, 1, 1), date(2008, 6, 30))
    [res] = _figures_q2(
        "The [Owl mine|Mine|Owl mine] has proven and probable reserves of 2.4 million ounces of gold "
        "at the end of 2007."
    )
    assert (res.metric, res.category, res.value, res.unit) == (
        "reserve-contained-gold",
        "proven-probable",
        Decimal("2.4E6"),
        "OZ",
    )
    assert res.period.start is None and res.period.end == date(2007, 12, 31)
    assert _figures_q2("Our reserve and resource base reached 169 million ounces of silver.") == []
    assert _figures_q2("More than 300 million ounces of silver have been mined in the valley.") == []
    assert _figures_q2("The reserve grade is 0.67 ounce of gold per ton.") == []


def test_figure_subject_skips_possessives_and_relative_clauses() -> None:
    [obs] = _figures_q2(
        "The [Owl mine|Mine|Owl mine], in which [Acme|Company|Acme Mining Corp.] holds 30%, produced 740,660 "
        "ounces of silver for [Acme|Company|Acme Mining Corp.]'s account in the first nine months of 2008."
    )
    assert obs.subject.label == "Owl mine" and (obs.period.start, obs.period.end) == (
        date(2008, 1, 1),
        date(2008, 9, 30),
    )


UNSEEN = Path(__file__).parent / "data" / "unseen" / "nlp-release.txt"


def test_unseen_release_with_the_generic_machinery_alone() -> None:
    """A fictional company's release (tests/data/unseen): no gazetteer entry names any of its
    mines, veins, people, partners or towns, yet the general patterns find them and their relations."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative
    from kg.nlp.pipeline import get_pipeline
    from kg.resolve import resolve

    gaz = load_gazetteer(tier="generic")
    if get_pipeline(False, gaz)[1] == "blank:en":
        pytest.skip("no spaCy model installed (make test installs it)")
    full = load_gazetteer()
    for name in (
        "Larkspur",
        "Whitlow",
        "Bracken Hill",
        "Marta Quennell",
        "Tolland",
        "Elko",
        "Hermosillo",
        "Corvid Creek",
    ):
        assert not any(name in n for e in full.entries for n in (e.label, *e.aliases)), name

    doc = read_document(UNSEEN)
    [facts] = extract_narrative([(doc, segment(doc))], gazetteer=gaz)
    res = resolve([facts], gaz)
    entities = {(res.lookup(m.entity).type, res.lookup(m.entity).label) for m in facts.mentions}
    assert {
        ("Company", "Larkspur Silver Corporation"),
        ("MiningUnit", "Whitlow Unit"),
        ("Mine", "Whitlow mine"),
        ("Mine", "Bracken Hill mine"),
        ("Mine", "Kestrel mine"),
        ("Facility", "Fenwick mill"),
        ("OreBody", "Harrier vein"),
        ("OreBody", "Osprey vein"),
        ("Property", "Tamarack property"),
        ("Project", "Corvid Creek project"),
        ("Person", "Marta Quennell"),
        ("Person", "Owen Brackett"),
        ("Person", "Dana Whitcombe"),
        ("Company", "Tolland Resources Inc."),
        ("Company", "Meridian Metals Corporation"),
        ("Company", "Pell River Mining Ltd."),
        ("Place", "Elko"),
        ("Place", "Sonora"),
        ("Place", "Hermosillo"),
        ("Place", "Nevada"),
        ("Place", "Mexico"),
        ("Commodity", "silver"),
    } <= entities
    assert not {label for _, label in entities} & {"Pell River", "Larkspur", "Whitlow"}

    def label(ref: EntityRef | None) -> str:
        return res.lookup(ref).label if ref is not None else ""

    relations = {(label(r.subject), r.predicate, label(r.object), r.value) for r in facts.relations}
    company = "Larkspur Silver Corporation"
    assert {
        ("Marta Quennell", "holdsPosition", "President and Chief Executive Officer", company),
        ("Owen Brackett", "holdsPosition", "Vice President and Chief Financial Officer", company),
        ("Dana Whitcombe", "holdsPosition", "Vice President - Exploration", company),
        ("Whitlow Unit", "locatedIn", "Nevada", ""),
        ("Whitlow mine", "partOf", "Whitlow Unit", ""),
        ("Fenwick mill", "partOf", "Whitlow Unit", ""),
        ("Harrier vein", "partOf", "Whitlow mine", ""),
        ("Osprey vein", "partOf", "Whitlow mine", ""),
        ("Fenwick mill", "distanceFrom", "Whitlow mine", "about 12 miles south"),
        ("Kestrel mine", "distanceFrom", "Whitlow mine", "about two miles north"),
        (company, "ownershipInterest", "Bracken Hill mine", "60"),
        ("Bracken Hill mine", "locatedIn", "Sonora", ""),
        ("Sonora", "locatedIn", "Mexico", ""),
        ("Bracken Hill mine", "jointVenturePartner", "Tolland Resources Inc.", ""),
        ("Tolland Resources Inc.", "subsidiaryOf", "Meridian Metals Corporation", ""),
        ("gold", "producedAt", "Bracken Hill mine", ""),
        ("silver", "producedAt", "Whitlow Unit", ""),
        (company, "acquired", "Tamarack property", ""),
        ("Hermosillo office", "locatedIn", "Hermosillo", ""),
        ("Hermosillo", "locatedIn", "Sonora", ""),
        (
            company,
            "sold",
            "Corvid Creek project",
            "$22 million in cash and 4 million shares of Pell River common stock",
        ),
        ("Corvid Creek project", "soldTo", "Pell River Mining Ltd.", ""),
        (company, "locatedIn", "Elko", ""),
        ("Elko", "locatedIn", "Nevada", ""),
    } <= relations
    [sale] = [r for r in facts.relations if r.predicate == "sold"]
    assert sale.date == date(2008, 10, 15)

    figures = {(o.subject.label, o.metric, o.period.start, o.value, o.estimate) for o in facts.observations}
    q3 = date(2008, 7, 1)
    assert {
        (company, "silver-produced", q3, Decimal("1.8E6"), False),
        ("Whitlow Unit", "zinc-produced", q3, Decimal(4350), False),
        ("Whitlow Unit", "ore-processed", q3, Decimal(98500), False),
        ("Bracken Hill mine", "gold-produced", q3, Decimal(18200), False),
        (company, "silver-produced", date(2009, 1, 1), Decimal("7E6"), True),
    } <= figures


def test_a_company_short_name_that_is_a_town_stays_a_town() -> None:
    facts = _generic_facts(
        "Coeur d'Alene Mines Corporation, headquartered in Coeur d'Alene, Idaho, owns the Rochester mine.\n"
        "Coeur d'Alene Mines holds a 50% interest in the Kensington mine.",
        company="Coeur d'Alene Mines Corporation",
    )
    companies = [m.text for m in facts.mentions if m.entity.type == "Company"]
    assert companies == ["Coeur d'Alene Mines Corporation", "Coeur d'Alene Mines"]
    [own] = [r for r in facts.relations if r.predicate == "ownershipInterest"]
    assert own.subject.label == "Coeur d'Alene Mines Corporation"


def _expected(path: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    entities, relations = set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, *rest = line.split("\t")
            if kind == "entity":
                entities.add((rest[0], rest[1]))
            else:
                relations.add((rest[0], rest[1], rest[2]))
    return entities, relations


def test_second_unseen_release_against_its_hand_annotation() -> None:
    """tests/data/unseen/nlp-release-2.txt was annotated by hand (…expected.tsv) before the
    extractor first ran on it; its first run found 16/21 entities and 6/20 relations."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative
    from kg.nlp.pipeline import get_pipeline
    from kg.resolve import resolve

    gaz = load_gazetteer(tier="generic")
    if get_pipeline(False, gaz)[1] == "blank:en":
        pytest.skip("no spaCy model installed (make test installs it)")
    doc = read_document(UNSEEN.with_name("nlp-release-2.txt"))
    [facts] = extract_narrative([(doc, segment(doc))], gazetteer=gaz)
    res = resolve([facts], gaz)
    entities = {(res.lookup(m.entity).type, res.lookup(m.entity).label) for m in facts.mentions}
    relations = {
        (res.lookup(r.subject).label, r.predicate, res.lookup(r.object).label if r.object else "")
        for r in facts.relations
    }
    want_e, want_r = _expected(UNSEEN.with_name("nlp-release-2.expected.tsv"))
    assert want_e <= entities, sorted(want_e - entities)
    assert want_r <= relations, sorted(want_r - relations)
    assert len(entities - want_e) <= 2 and len(relations - want_r) <= 2  # few extras


# First runs, before any rule was written for them: nlp-release-3 found 22/22 entities and
# 7/18 relations, nlp-release-4 (written after the rules for 3) 19/21 and 9/18, nlp-release-5
# (after the rules for 4) 19/23 and 8/19. What is still out of reach is listed: a share stated
# in the next sentence ("The remaining 30% is held by ..."), a company's seat read from a
# dateline (a dateline says where the news was issued) and a region inside a country said only
# by the sentence's opening ("In Peru, ... in the Ancash region"). Businesses were annotated as
# Organizations at first; issue 11 made every business a Company (Organization is for
# governments, regulators, exchanges, unions and agencies), and the annotations follow it.
KNOWN_MISSES = {
    "nlp-release-3": {
        ("Cordillera Copper Corp.", "ownershipInterest", "Atacama project"),
        ("Ravensworth Metals Inc.", "locatedIn", "Denver"),
    },
    "nlp-release-4": set(),
    "nlp-release-5": {("Ancash", "locatedIn", "Peru")},
}


@pytest.mark.parametrize("name", sorted(KNOWN_MISSES))
def test_later_unseen_releases_against_their_hand_annotation(name: str) -> None:
    """tests/data/unseen/NAME.txt, annotated by hand (NAME.expected.tsv) before its first run."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.nlp import extract_narrative
    from kg.nlp.pipeline import get_pipeline
    from kg.resolve import resolve

    gaz = load_gazetteer(tier="generic")
    if get_pipeline(False, gaz)[1] == "blank:en":
        pytest.skip("no spaCy model installed (make test installs it)")
    doc = read_document(UNSEEN.with_name(f"{name}.txt"))
    [facts] = extract_narrative([(doc, segment(doc))], gazetteer=gaz)
    res = resolve([facts], gaz)
    entities = {(res.lookup(m.entity).type, res.lookup(m.entity).label) for m in facts.mentions}
    relations = {
        (res.lookup(r.subject).label, r.predicate, res.lookup(r.object).label if r.object else "")
        for r in facts.relations
    }
    want_e, want_r = _expected(UNSEEN.with_name(f"{name}.expected.tsv"))
    known: set = KNOWN_MISSES[name]
    assert want_e - known <= entities, sorted(want_e - known - entities)
    assert want_r - known <= relations, sorted(want_r - known - relations)
    assert len(entities - want_e) <= 2 and len(relations - want_r) <= 2


def test_metal_named_before_its_production() -> None:
    [obs] = _figures_q2("For the first six months of 2008, silver production was more than 3 million ounces.")
    assert (obs.metric, obs.value, obs.decimals, obs.period.end) == (
        "silver-produced",
        Decimal("3E6"),
        -6,
        date(2008, 6, 30),
    )
    [obs] = _figures_q2("Gold production for the quarter was 61,400 ounces at a low cost.")
    assert (obs.metric, obs.value, obs.period.start) == ("gold-produced", Decimal(61400), date(2008, 4, 1))


def test_a_block_the_rules_fail_on_is_reported_and_the_rest_still_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kg.nlp import extract, extract_narrative

    real = extract._corporate_names

    def flaky(text, ents, canon):
        if "boom" in text:
            raise RuntimeError("boom")
        return real(text, ents, canon)

    monkeypatch.setattr(extract, "_corporate_names", flaky)
    lines = ("Hecla holds a 29.73% interest in the Greens Creek mine.", "", "boom")
    doc, _ = _document("\n".join(lines))
    blocks = (Block("prose", 1, 1, lines[:1]), Block("prose", 3, 3, lines[2:]))
    [facts] = extract_narrative([(doc, blocks)], blank=True)
    assert any(r.predicate == "ownershipInterest" for r in facts.relations)
    assert [(p.line, p.severity) for p in facts.problems if "rules failed" in p.message] == [(3, "error")]


_WORDS = st.sampled_from(
    [
        "the",
        "mine",
        "Mine",
        "unit",
        "This",
        "Kestrel",
        "Ridge",
        "Corp.",
        "Inc.",
        "Ltd.",
        ",",
        "'s",
        "in",
        "Nevada",
        "of",
        "produced",
        "1.2",
        "million",
        "ounces",
        "gold",
        "silver",
        "tons",
        "ore",
        "milled",
        "vein",
        "zone",
        "Mina",
        "d'Alene",
        "-",
        "--",
        "(BUSINESS",
        "WIRE)",
        "TORONTO,",
        "Ontario--",
        "a",
        "50%",
        "interest",
        "subsidiary",
        "sold",
        "to",
        "for",
        "$12",
        "quarter",
        "first",
        "2008",
        "reserves",
        "region",
        "pit",
        "\n",
    ]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=60))
def test_any_word_soup_is_read_without_raising(words: list[str]) -> None:
    from kg.nlp import extract_narrative

    text = " ".join(words)
    doc, blocks = _document(text)
    [facts] = extract_narrative([(doc, blocks)], blank=True, gazetteer=load_gazetteer(tier="generic"))
    assert not [p for p in facts.problems if p.severity == "error"]
    n = len(doc.lines)
    assert all(1 <= r.source.line <= n for r in facts.relations)
    assert all(1 <= o.source.line <= n for o in facts.observations)


def test_generalisation_bench_skips_without_the_shared_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.nlp_generalisation import main

    assert main(["--shared", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out


def test_a_name_after_a_position_is_a_person_without_the_model() -> None:
    facts = _generic_facts(
        "Chief Executive Officer Siobhan Kearney said the Tarrant Zinc plc mines did well.",
        company="Tarrant Zinc plc",
    )
    people = {m.entity.label for m in facts.mentions if m.entity.type == "Person"}
    assert people == {"Siobhan Kearney"}
    assert [
        (r.subject.label, r.object.label, r.value) for r in facts.relations if r.predicate == "holdsPosition"
    ] == [("Siobhan Kearney", "Chief Executive Officer", "Tarrant Zinc plc")]


def test_lead_the_verb_is_no_metal_and_a_name_ending_in_a_dot_is_the_company() -> None:
    facts = _generic_facts(
        "Ann Fox will lead the program at the Owl mine, which produces zinc and lead.\n"
        "Meridian Crest Resources Corp. reported results.",
        company="Meridian Crest Resources Corp.",
    )
    assert [m.text for m in facts.mentions if m.entity.type == "Commodity"] == ["zinc", "lead"]
    assert ("Company", "Meridian Crest Resources Corp.") in {(m.entity.type, m.text) for m in facts.mentions}


def test_figure_period_ignores_a_parenthetical_comparison() -> None:
    [silver, cost] = _figures_q2(
        "For the first six months of 2008, silver production was more than 3 million ounces (22% more than "
        "the first six months of 2007) at an average total cash cost of negative $1.54 per ounce."
    )
    for obs in (silver, cost):
        assert (obs.period.start, obs.period.end) == (date(2008, 1, 1), date(2008, 6, 30)), obs
    assert cost.value == Decimal("-1.54")


def test_a_sentence_pointing_back_keeps_the_previous_figures_subject() -> None:
    ctx = FigureContext(
        "x.txt", EntityRef("Acme Mining Corp.", "Company"), date(2007, 12, 31), load_gazetteer().lexicon
    )
    first = sentence("Acme's [Owl Unit|MiningUnit|Owl Unit] produced 4.1 million ounces of silver in 2007.")
    [produced] = find_figures(first, ctx, lambda pos: 1)
    assert produced.subject.label == "Owl Unit"
    second = sentence(
        "These ounces were mined at a total cash cost of negative 25 cents per ounce of silver."
    )
    [cost] = find_figures(second, ctx, lambda pos: 1, previous=produced.subject)
    assert cost.subject.label == "Owl Unit" and cost.value == Decimal("-0.25")
    # without a pointer back, a sentence naming no site is about the company
    third = sentence("Silver was sold at a total cash cost of $1.25 per ounce of silver.")
    [company] = find_figures(third, ctx, lambda pos: 1, previous=produced.subject)
    assert company.subject.label == "Acme Mining Corp."


@pytest.mark.parametrize(
    ("text", "when", "precision"),
    [
        (
            "In April 2007, [Acme|Company|Acme Mining Corp.] completed the sale of the "
            "[Hollow Creek project|Project|Hollow Creek project] to [Pell River Mining Ltd.|Organization|Pell River Mining Ltd.].",
            date(2007, 4, 1),
            "month",
        ),
        (
            "On February 20, 2007, [Acme|Company|Acme Mining Corp.] completed the sale of the "
            "[Hollow Creek project|Project|Hollow Creek project] to [Pell River Mining Ltd.|Organization|Pell River Mining Ltd.].",
            date(2007, 2, 20),
            "day",
        ),
        (
            "[Acme|Company|Acme Mining Corp.] completed the sale of the "
            "[Hollow Creek project|Project|Hollow Creek project] to [Pell River Mining Ltd.|Organization|Pell River Mining Ltd.].",
            date(2008, 5, 1),
            "day",
        ),  # no date stated: the release's
    ],
)
def test_a_stated_month_stays_a_month(text: str, when: date, precision: str) -> None:
    """ "In April 2007" names a month, not April 1st: the relation keeps the precision stated."""
    found = [f for f in find_relations(sentence(text), context()) if f.predicate in ("sold", "soldTo")]
    assert found and {(f.date, f.date_precision) for f in found} == {(when, precision)}


@pytest.mark.parametrize(
    ("text", "year"),
    [
        (
            "[Acme|Company|Acme Mining Corp.] acquired the [Rio Verde property|Property|Rio Verde property] "
            "during the year.",
            2007,
        ),  # the year the release reports on
        (
            "In 2005, [Acme|Company|Acme Mining Corp.] acquired the [Rio Verde property|Property|Rio Verde property].",
            2005,
        ),
        (
            "[Acme|Company|Acme Mining Corp.] acquired the [Rio Verde property|Property|Rio Verde property] "
            "during 2004 for cash.",
            2004,
        ),
        (
            "[Acme|Company|Acme Mining Corp.] acquired the [Rio Verde property|Property|Rio Verde property]; "
            "drilling is planned in 2009.",
            None,
        ),  # another event's year
    ],
)
def test_a_stated_year_dates_a_relation_to_the_year(text: str, year: int | None) -> None:
    ctx = dataclasses.replace(context(), reporting_year=2007)
    [found] = [f for f in find_relations(sentence(text), ctx) if f.predicate == "acquired"]
    if year is None:
        assert found.date is None
    else:
        assert (found.date, found.date_precision) == (date(year, 1, 1), "year")


def test_a_part_is_not_located_apart_from_its_whole_and_an_agreed_purchase_sells_nothing_yet() -> None:
    s = sentence(
        "The [Harrow Mining Complex|MiningUnit|Harrow Mining Complex] paid $1.1 million under a 2.0% NSR royalty "
        "on production from the [Harrow|Mine|Harrow pit] and [North Harrow pits|Mine|North Harrow pit] in "
        "[Esmeralda County|Place|Esmeralda County]."
    )
    located = {
        (f.subject.label, f.object.label) for f in find_relations(s, context()) if f.predicate == "locatedIn"
    }
    assert located == {("Harrow Mining Complex", "Esmeralda County")}
    s = sentence(
        "[Quarry Peak|Company|Quarry Peak Royalties Ltd.] agreed to acquire a 1.5% NSR royalty on the "
        "[Kettle Butte project|Project|Kettle Butte project] from [Osprey Minerals Inc.|Company|Osprey Minerals Inc.]."
    )
    found = find_relations(s, context())
    assert [(f.predicate, f.kind) for f in found if f.predicate in ("acquired", "sold", "soldTo")] == [
        ("acquired", "royalty")
    ]


def test_a_part_named_alone_belongs_to_the_documents_only_mine() -> None:
    facts = _generic_facts(
        "The Petrel mine, in Atacama, Chile, produced copper.\n\n"
        '"Throughput reached a record," he said. "The Osprey pit will begin feeding the mill next year."'
    )
    parts = {(r.subject.label, r.object.label) for r in facts.relations if r.predicate == "partOf"}
    assert ("Osprey pit", "Petrel mine") in parts


@pytest.mark.parametrize(
    ("head", "places", "exchanges"),
    [
        (
            "VANCOUVER, BRITISH COLUMBIA--(Marketwire - Sept. 16, 2009) - Tamarack Hills Gold Corp. "
            "(TSX VENTURE:THG)(OTCBB:THGLF) reports drill results.",
            {"Vancouver", "British Columbia"},
            {"TSX Venture Exchange", "OTCBB"},
        ),
        (
            "VANCOUVER, BC / ACCESSWIRE / March 3, 2020 / Tamarack Hills Gold Corp. (TSXV:THG)(OTCQB:THGLF) "
            "reports drill results.",
            {"Vancouver", "British Columbia"},
            {"TSX Venture Exchange", "OTCQB"},
        ),
        (
            "Reno, Nevada (October 30, 2012) - Tamarack Hills Gold Corp. (NYSE MKT: THG) reports drill results.",
            {"Reno", "Nevada"},
            {"NYSE MKT"},
        ),
    ],
)
def test_datelines_of_other_wires_give_town_region_and_exchanges(
    head: str, places: set, exchanges: set
) -> None:
    facts = _generic_facts(head, company="Tamarack Hills Gold Corp.")
    found = {(m.entity.type, m.entity.label) for m in facts.mentions}
    assert {("Place", p) for p in places} <= found
    assert {("Organization", x) for x in exchanges} <= found


def test_a_town_a_distance_away_is_a_place_and_a_site_stays_a_site() -> None:
    facts = _generic_facts(
        "The Cuervo Blanco property lies 190 km east of Tepalcate by paved road and 12 km north of the "
        "Loma Prieta mine.",
        company="Tamarack Hills Gold Corp.",
    )
    found = {(m.entity.type, m.entity.label) for m in facts.mentions}
    assert ("Place", "Tepalcate") in found
    assert not any(label.startswith("Loma Prieta") and kind == "Place" for kind, label in found)


def test_the_mine_as_a_subject_is_the_site_the_paragraph_named() -> None:
    ctx = FigureContext(
        "x.txt", EntityRef("Acme Mining Corp.", "Company"), date(2019, 12, 31), load_gazetteer().lexicon
    )
    site = Ent(0, 0, "Mine", "Cerro Pardo mine", "Cerro Pardo mine")
    s = dataclasses.replace(
        sentence("The mine produced 1.21 million ounces of silver in 2019."), context=site, only_site=site
    )
    [produced] = find_figures(s, ctx, lambda pos: 1)
    assert produced.subject.label == "Cerro Pardo mine" and produced.value == 1_210_000
    # "the company" is no site
    s = dataclasses.replace(
        sentence("The company produced 1.21 million ounces of silver in 2019."), only_site=site
    )
    [produced] = find_figures(s, ctx, lambda pos: 1)
    assert produced.subject.label == "Acme Mining Corp."


def test_a_qualified_persons_designations_do_not_end_the_sentence() -> None:
    """ "Name, P.Geo., FAusIMM, Vice President, Exploration, is the Qualified Person": the sentencizer
    splits after "P.Geo.,"; the stage puts the sentence back together and reads the post."""
    from kg.nlp.extract import _Canon, _join_sentences

    text = "Marta J. Ellery, P.Geo., FAusIMM, Vice President, Exploration, is the Qualified Person. Drilling resumed."
    spans = [(0, 24), (25, 104), (105, len(text))]  # as the sentencizer cuts it
    canon = _Canon(load_gazetteer())
    assert _join_sentences(spans, text, canon) == [(0, 104), (105, len(text))]
    assert _join_sentences([(0, 3), (4, 20)], "Dr. Ellery spoke today.", canon) == [(0, 20)]
    # a sentence that ends with a full stop after an ordinary word stays a sentence
    assert _join_sentences([(0, 14), (15, 29)], "It was a year. Drilling went.", canon) == [(0, 14), (15, 29)]


def test_a_surname_after_an_honorific_is_a_person_a_bare_one_is_not() -> None:
    from kg.nlp.extract import _Canon

    canon = _Canon(load_gazetteer())
    assert canon.statistical("Ellery", "PERSON", "with the Company. Ms. ", " was previously")[0] == "Person"
    assert canon.statistical("Ellery", "PERSON", "with the Company. ", " was previously") is None


def test_a_successor_named_a_sentence_after_the_appointment_passes_the_post_back() -> None:
    """ "... the appointment of Maria Kovacs as Chief Financial Officer." then "Ms. Kovacs succeeds
    David Lindqvist, who is retiring.": the post the appointee was given is the one the person
    succeeded held, a former post."""
    ctx = context()
    first = sentence(
        "The Company announced the appointment of [Maria Kovacs|Person|Maria Kovacs] as Chief Financial Officer."
    )
    second = sentence(
        "[Ms. Kovacs|Person|Maria Kovacs] succeeds [David Lindqvist|Person|David Lindqvist], who is retiring."
    )
    list(find_relations(first, ctx))
    found = [f for f in find_relations(second, ctx) if f.predicate == "holdsPosition"]
    assert [(f.subject.label, f.object.label, f.kind) for f in found] == [
        ("David Lindqvist", "Chief Financial Officer", "former")
    ]
    # a document that never named the appointee's post gives the predecessor none
    assert not [f for f in find_relations(second, context()) if f.predicate == "holdsPosition"]


def test_a_place_before_the_head_word_of_a_public_body_is_part_of_its_name() -> None:
    """ "The Ghana Minerals Commission", "the Ghana Mineworkers' Union": one organisation each,
    not the place Ghana; "the Company's Board" is no name; "Neither TSX Venture Exchange nor ..."
    names the exchange, not "Neither TSX Venture Exchange"."""
    facts = _generic_facts(
        "The Ghana Minerals Commission approved the lease in August.\n"
        "Production was affected by a strike by members of the Ghana Mineworkers' Union.\n"
        "The Company's Board approved the budget.\n"
        "Neither TSX Venture Exchange nor its Regulation Services Provider accepts responsibility."
    )
    orgs = {m.entity.label for m in facts.mentions if m.entity.type == "Organization"}
    assert {"Ghana Minerals Commission", "Ghana Mineworkers' Union"} <= orgs
    assert not [label for label in orgs if label.startswith(("Neither", "Company"))]
    assert not [m for m in facts.mentions if m.entity.label == "Ghana" and m.entity.type == "Place"]
