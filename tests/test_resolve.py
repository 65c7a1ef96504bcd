"""Entity resolution: one canonical entity per real thing, keys stable and order-independent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kg.facts import DocumentFacts, DocumentMeta, EntityRef, Mention, Observation, Period, Relation, Source
from kg.resolve import resolve


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
