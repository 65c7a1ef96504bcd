"""Entity resolution: one canonical entity per real thing, keys stable and order-independent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kg.facts import DocumentFacts, DocumentMeta, EntityRef, Mention, Observation, Period, Relation, Source
from kg.resolve import resolve, resolve_facts


def _facts(doc: str, names: list[tuple[str, str]], relations: tuple[Relation, ...] = (),
           observations: tuple[Observation, ...] = ()) -> DocumentFacts:
    mentions = tuple(Mention(doc, i + 1, EntityRef(label, type_), label) for i, (label, type_) in enumerate(names))
    return DocumentFacts(doc=doc, doc_id=doc, meta=DocumentMeta(), mentions=mentions, relations=relations,
                         observations=observations)


def _label(res, label: str, type_: str) -> str:
    return res.lookup(EntityRef(label, type_)).label


def test_people_short_forms_join_the_full_name() -> None:
    res = resolve([
        _facts("a", [("Phillips S. Baker, Jr.", "Person"), ("Phil Baker", "Person")]),
        _facts("b", [("Jane Q. Roe", "Person"), ("Jane Roe", "Person"), ("Roe", "Person"), ("John Roe", "Person")]),
    ])
    assert _label(res, "Phil Baker", "Person") == "Phillips S. Baker, Jr."
    assert _label(res, "Jane Roe", "Person") == _label(res, "Jane Q. Roe", "Person") == "Jane Q. Roe"
    assert _label(res, "John Roe", "Person") == "John Roe"  # another first name: another person


def test_organisations_ignore_word_order_and_suffix() -> None:
    res = resolve([_facts("a", [
        ("Kennecott Greens Creek Mining Company", "Organization"),
        ("Greens Creek Kennecott Mining Company", "Organization"),
        ("Northstar Metals Inc.", "Organization"), ("Northstar Metals", "Organization"),
    ])])
    assert _label(res, "Greens Creek Kennecott Mining Company", "Organization") == "Kennecott Greens Creek Mining Company"
    assert res.index[EntityRef("Northstar Metals", "Organization")] == res.index[
        EntityRef("Northstar Metals Inc.", "Organization")]


def test_plural_and_unit_versus_mine() -> None:
    res = resolve([_facts("a", [("Twin Shears", "OreBody"), ("Twin Shear", "OreBody"),
                                ("Greens Creek", "Mine"), ("Greens Creek Unit", "MiningUnit"),
                                ("Blue Shears", "OreBody"), ("Blue Shear", "OreBody")])])
    assert _label(res, "Twin Shears", "OreBody") == "Twin Shear"
    assert res.index[EntityRef("Blue Shears", "OreBody")] == res.index[EntityRef("Blue Shear", "OreBody")]
    assert res.index[EntityRef("Greens Creek", "Mine")] == "mine/greens-creek-mine"
    assert res.index[EntityRef("Greens Creek Unit", "MiningUnit")] == "miningunit/greens-creek-unit"


def test_every_reference_is_resolved_including_table_subjects() -> None:
    src = Source("a", 1, "table")
    obs = Observation(EntityRef("LUCKY FRIDAY UNIT", "MiningUnit"), "silver-produced", Period(date(2006, 12, 31)),
                      Decimal(1), "OZ", 0, src)
    seg = Observation(EntityRef("Silver operations", "Segment"), "sales", Period(date(2006, 12, 31)),
                      Decimal(1), "USD", 0, src)
    rel = Relation(EntityRef("Ann Lee", "Person"), "holdsPosition", EntityRef("Vice President", "Position"),
                   Source("a", 2, "prose"), value="Hecla Mining Company")
    res = resolve([_facts("a", [("Hecla", "Company")], (rel,), (obs, seg))])
    assert res.index[EntityRef("LUCKY FRIDAY UNIT", "MiningUnit")] == "miningunit/lucky-friday-unit"
    assert res.index[EntityRef("Silver operations", "Segment")] == "segment/silver-operations"
    assert res.index[EntityRef("Vice President", "Position")] == "position/vice-president"
    assert _label(res, "Hecla", "Company") == "Hecla Mining Company"
    hecla = res.lookup(EntityRef("Hecla", "Company"))
    assert "Hecla" in hecla.aliases


def test_keys_do_not_depend_on_document_order() -> None:
    a = _facts("a", [("Star Lake mine", "Mine"), ("Jane Roe", "Person"), ("Jane Q. Roe", "Person")])
    b = _facts("b", [("Star Lake Mine", "Mine"), ("Roe", "Person")])
    one, two = resolve([a, b]), resolve([b, a])
    assert one.entities == two.entities
    assert one.index == two.index


def test_gazetteer_iris_are_the_resolution_keys() -> None:
    from kg.facts import entity_key
    from kg.nlp.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    assert gaz.entries
    for entry in gaz.entries:
        assert entry.key == entity_key(entry.type, entry.label), entry
    surfaces = {}
    for entry in gaz.entries:  # one surface form names one thing of a type
        for name in (entry.label, *entry.aliases):
            assert surfaces.setdefault((name.casefold(), entry.type), entry.key) == entry.key, name


def _table_obs(doc: str, label: str, type_: str, line: int = 10) -> Observation:
    return Observation(EntityRef(label, type_), "gold-produced", Period(date(2016, 12, 31), date(2016, 1, 1)),
                       Decimal(1), "OZ", 0, Source(doc, line, "table"))


def test_a_table_heading_joins_the_site_its_release_names_with_a_head_word() -> None:
    """"YARRABEE (100%)" over a production table is the "Yarrabee open pit mine" of the same
    release's prose: the prose entity's type and label; "Bowen Hill" the "Bowen Hill deposit"."""
    a = _facts("a", [("Yarrabee mine", "Mine"), ("Bowen Hill deposit", "OreBody"), ("Bowen Hill plant", "Facility")],
               observations=(_table_obs("a", "Yarrabee", "MiningUnit"), _table_obs("a", "Bowen Hill", "MiningUnit", 11)))
    res = resolve([a])
    assert res.lookup(EntityRef("Yarrabee", "MiningUnit"), "a").label == "Yarrabee mine"
    assert res.lookup(EntityRef("Yarrabee", "MiningUnit"), "a").type == "Mine"
    assert res.lookup(EntityRef("Bowen Hill", "MiningUnit"), "a").type == "OreBody"
    assert not any(e.label == "Yarrabee" for e in res.entities)  # no entity of its own
    assert "Yarrabee" in res.lookup(EntityRef("Yarrabee mine", "Mine")).aliases


def test_no_join_across_documents_by_name_alone() -> None:
    """Another release prints the same heading but its prose never names the site: it keeps its own
    entity (two companies may each have a "Yarrabee"), unless the gazetteer knows the name."""
    a = _facts("a", [("Yarrabee mine", "Mine")], observations=(_table_obs("a", "Yarrabee", "MiningUnit"),))
    b = _facts("b", [("Owl mine", "Mine")], observations=(_table_obs("b", "Yarrabee", "MiningUnit"),))
    res = resolve([a, b])
    assert res.key(EntityRef("Yarrabee", "MiningUnit"), "a") == res.index[EntityRef("Yarrabee mine", "Mine")]
    assert res.key(EntityRef("Yarrabee", "MiningUnit"), "b") == "miningunit/yarrabee"
    assert res.lookup(EntityRef("Yarrabee", "MiningUnit"), "b").label == "Yarrabee"


def test_a_prose_name_of_the_table_subject_needs_no_join() -> None:
    a = _facts("a", [("Sagebrush Mining Complex", "MiningUnit"), ("Sagebrush pit", "Mine")],
               observations=(_table_obs("a", "Sagebrush Mining Complex", "MiningUnit"),))
    res = resolve([a])
    assert res.by_doc == {}
    assert res.lookup(EntityRef("Sagebrush Mining Complex", "MiningUnit"), "a").type == "MiningUnit"


def _company(f: DocumentFacts, company: str) -> DocumentFacts:
    return DocumentFacts(doc=f.doc, doc_id=f.doc_id, meta=DocumentMeta(company=company), mentions=f.mentions,
                         relations=f.relations, observations=f.observations)


def test_one_site_under_two_types_across_one_companys_releases_is_one_entity() -> None:
    """A reserves row "Ocotillo" (a table's guess: MiningUnit) in one release and "the Ocotillo gold
    property" in the next are one site: the prose's type and label, the other names as aliases."""
    a = _company(_facts("a", [("Owl mine", "Mine")], observations=(_table_obs("a", "Ocotillo", "MiningUnit"),)), "Acme Inc.")
    b = _company(_facts("b", [("Ocotillo gold property", "Property")]), "Acme Inc")
    res = resolve([a, b])
    site = res.lookup(EntityRef("Ocotillo", "MiningUnit"), "a")
    assert site == res.lookup(EntityRef("Ocotillo gold property", "Property"))
    assert (site.type, site.label) == ("Property", "Ocotillo gold property")
    assert "Ocotillo" in site.aliases
    assert not any(e.key == "miningunit/ocotillo" for e in res.entities)
    # the observation is the property's
    assert {f.subject for f in resolve_facts([a, b], res).facts} == {site.key}


def test_what_the_text_keeps_apart_stays_apart() -> None:
    """A unit and its mine named in one release, a property and the project on it named in one
    release, a mine partOf a unit, and one name used by two companies: two entities each."""
    one = _company(_facts("a", [("Ocotillo Unit", "MiningUnit"), ("Ocotillo mine", "Mine"),
                                ("Torcal property", "Property"), ("Torcal project", "Project")]), "Acme")
    res = resolve([one])
    assert len({res.index[EntityRef(n, t)] for n, t in (("Ocotillo Unit", "MiningUnit"), ("Ocotillo mine", "Mine"))}) == 2
    assert len({res.index[EntityRef(n, t)] for n, t in (("Torcal property", "Property"), ("Torcal project", "Project"))}) == 2
    part = Relation(EntityRef("Vega mine", "Mine"), "partOf", EntityRef("Vega Unit", "MiningUnit"), Source("b", 3, "prose"))
    b = _company(_facts("b", [("Vega mine", "Mine")], relations=(part,)), "Acme")
    c = _company(_facts("c", [("Vega Unit", "MiningUnit")]), "Acme")
    res = resolve([b, c])
    assert res.index[EntityRef("Vega mine", "Mine")] != res.index[EntityRef("Vega Unit", "MiningUnit")]
    d = _company(_facts("d", [("Rook mine", "Mine")]), "Acme")
    e = _company(_facts("e", [("Rook project", "Project")]), "Other Mining")
    res = resolve([d, e])
    assert res.index[EntityRef("Rook mine", "Mine")] != res.index[EntityRef("Rook project", "Project")]
    # the same company's releases, never naming both together: one site, the mine
    res = resolve([d, _company(e, "Acme")])
    assert res.index[EntityRef("Rook project", "Project")] == res.index[EntityRef("Rook mine", "Mine")] == "mine/rook-mine"


def test_generic_anaphora_are_mentions_not_aliases() -> None:
    """"The mine", "this mine", "the project", "the Company" name no entity: they stay mentions."""
    f = _facts("a", [("Owl mine", "Mine"), ("Owl project", "Project"), ("Acme Corp.", "Company")])
    anaphora = (Mention("a", 9, EntityRef("Owl mine", "Mine"), "The mine"),
                Mention("a", 10, EntityRef("Owl mine", "Mine"), "this mine"),
                Mention("a", 11, EntityRef("Owl project", "Project"), "the project"),
                Mention("a", 12, EntityRef("Acme Corp.", "Company"), "the Company"),
                Mention("a", 13, EntityRef("Owl mine", "Mine"), "Owl"))
    f = DocumentFacts(doc="a", doc_id="a", meta=DocumentMeta(), mentions=f.mentions + anaphora)
    res = resolve([f])
    assert res.lookup(EntityRef("Owl mine", "Mine")).aliases == ("Owl",)
    assert res.lookup(EntityRef("Owl project", "Project")).aliases == ()
    assert res.lookup(EntityRef("Acme Corp.", "Company")).aliases == ()


# ---------------------------------------------------------------- facts and their printings

ACME = EntityRef("Acme Mining Corp.", "Company")
Y2006 = Period(date(2006, 12, 31), date(2006, 1, 1))
Y2005 = Period(date(2005, 12, 31), date(2005, 1, 1))


def _printed(doc: str, line: int, metric: str, value: str, *, period: Period = Y2006, family: str | None = None,
             extractor: str = "table", decimals: int = -3, **kw: object) -> Observation:
    return Observation(ACME, metric, period, Decimal(value), "USD", decimals, Source(doc, line, extractor),
                       printed=value, family=family, **kw)


def _release(doc: str, released: date, *observations: Observation) -> DocumentFacts:
    return DocumentFacts(doc=doc, doc_id=doc, meta=DocumentMeta(release_date=released), observations=observations)


def _fact_values(index, metric: str, period: Period = Y2006) -> dict[str, tuple[Decimal, int]]:
    return {f.context: (f.value, len(f.printings)) for f in index.facts if f.metric == metric and f.period == period}


def test_two_line_items_of_one_metric_are_two_facts_and_one_line_printed_twice_is_one() -> None:
    from kg.resolve import resolve_facts

    a = _release(
        "a.txt", date(2007, 2, 1),
        # depreciation in cost of sales, and again under "Other operating expenses:" (another line item)
        _printed("a.txt", 10, "dda", "38795000"),
        _printed("a.txt", 20, "dda", "972000", family="Other operating expenses"),
        _printed("a.txt", 10, "dda", "20462000", period=Y2005),
        _printed("a.txt", 20, "dda", "621000", period=Y2005, family="Other operating expenses"),
        # the same sales printed in the highlights, under "Continuing operations:" and as a segment total
        _printed("a.txt", 5, "sales", "217417000"),
        _printed("a.txt", 30, "sales", "217417000", family="Continuing operations"),
        _printed("a.txt", 40, "sales", "217417000", family="SALES OF PRODUCTS"),
        _printed("a.txt", 3, "sales", "217400000", extractor="prose", decimals=-5),
    )
    res = resolve([a])
    index = resolve_facts([a], res)
    assert _fact_values(index, "dda") == {"": (Decimal("38795000"), 1), "Other operating expenses": (Decimal("972000"), 1)}
    assert _fact_values(index, "dda", Y2005) == {"": (Decimal("20462000"), 1), "Other operating expenses": (Decimal("621000"), 1)}
    assert _fact_values(index, "sales") == {"": (Decimal("217417000"), 4)}  # the table's precise value stands for it
    assert sorted(index.of) == sorted((a.doc, i) for i in range(len(a.observations)))  # every printing, once


def test_a_restated_figure_is_one_fact_valued_as_the_latest_release_prints_it() -> None:
    from kg.resolve import resolve_facts

    old = _release("a.txt", date(2006, 2, 1), _printed("a.txt", 7, "ppe-net", "92365000"))
    new = _release("b.txt", date(2007, 2, 1), _printed("b.txt", 9, "ppe-net", "86725000"))
    index = resolve_facts([new, old], resolve([old, new]))
    (fact,) = index.facts
    assert fact.value == Decimal("86725000") and fact.printings == (("a.txt", 0), ("b.txt", 0))
    assert resolve_facts([old, new], resolve([old, new])) == index  # order-independent


def test_basis_and_guidance_keep_facts_apart() -> None:
    from kg.resolve import resolve_facts

    a = _release(
        "a.txt", date(2007, 2, 1),
        _printed("a.txt", 1, "gold-produced", "100000", decimals=0),
        _printed("a.txt", 2, "gold-produced", "51000", decimals=0, share=Decimal("0.51")),
        _printed("a.txt", 3, "gold-produced", "120000", decimals=0, estimate=True),
    )
    index = resolve_facts([a], resolve([a]))
    assert sorted((f.value, f.share, f.estimate) for f in index.facts) == [
        (Decimal("51000"), Decimal("0.51"), False),
        (Decimal("100000"), None, False),
        (Decimal("120000"), None, True),
    ]
