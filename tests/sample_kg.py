"""A small hand-made knowledge graph (two releases) for store, query, export and serve tests.

It exercises every named query without the extractors: production, costs,
reserves in two years, segments, balance sheet, a restated figure, a prose
figure beside its table figure, people, ownership, places, veins, an unmapped
row label, a number no observation was made of, and guidance.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from kg.facts import (
    DocumentFacts,
    DocumentMeta,
    EntityRef,
    Footnote,
    Mention,
    Observation,
    Period,
    Relation,
    Resolution,
    ResolvedEntity,
    Source,
    TableInfo,
    UnreadNumber,
)

HECLA = EntityRef("Hecla Mining Company", "Company")
LF = EntityRef("Lucky Friday Unit", "MiningUnit")
GC = EntityRef("Greens Creek Unit", "MiningUnit")
LF_MINE = EntityRef("Lucky Friday mine", "Mine")
SILVER_OPS = EntityRef("Silver operations", "Segment")
GOLD_HUNTER = EntityRef("Gold Hunter vein system", "OreBody")
BAKER = EntityRef("Phillips S. Baker, Jr.", "Person")
CEO = EntityRef("President and Chief Executive Officer", "Position")
KENNECOTT = EntityRef("Kennecott Greens Creek Mining Company", "Organization")
IDAHO = EntityRef("Idaho", "Place")
SAN_SEB = EntityRef("San Sebastian property", "Property")
MEXICO = EntityRef("Mexico", "Place")
SILVER = EntityRef("silver", "Commodity")

Q4_2006 = Period(date(2006, 12, 31), date(2006, 10, 1))
Q4_2005 = Period(date(2005, 12, 31), date(2005, 10, 1))
Y2006 = Period(date(2006, 12, 31), date(2006, 1, 1))
Y2005 = Period(date(2005, 12, 31), date(2005, 1, 1))
Q1_2007 = Period(date(2007, 3, 31), date(2007, 1, 1))
END_2006 = Period(date(2006, 12, 31))
END_2005 = Period(date(2005, 12, 31))


def _obs(
    doc: str, line: int, subject: EntityRef, metric: str, period: Period, value: str, unit: str, **kw
) -> Observation:
    extractor = kw.pop("extractor", "table")
    table = kw.pop("table", "t01" if extractor == "table" else "")
    decimals = kw.pop("decimals", 0)
    return Observation(
        subject=subject,
        metric=metric,
        period=period,
        value=Decimal(value),
        unit=unit,
        decimals=decimals,
        source=Source(doc, line, extractor, table),
        printed=kw.pop("printed", value),
        label=kw.pop("label", metric),
        **kw,
    )


def sample_facts() -> tuple[list[DocumentFacts], Resolution]:
    d1, d2 = "000_annual2006.txt", "001_q1-2007.txt"
    obs1 = (
        _obs(d1, 40, LF, "silver-produced", Q4_2006, "725000", "OZ", label="Silver - ounces"),
        _obs(d1, 40, LF, "silver-produced", Q4_2005, "690000", "OZ", label="Silver - ounces"),
        _obs(
            d1,
            41,
            GC,
            "silver-produced",
            Q4_2006,
            "1980000",
            "OZ",
            label="Silver - ounces",
            share=Decimal("0.2973"),
        ),
        _obs(d1, 42, GC, "gold-produced", Q4_2006, "16500", "OZ", label="Gold - ounces"),
        _obs(
            d1,
            50,
            LF,
            "total-cash-cost-per-oz-silver",
            Q4_2006,
            "5.84",
            "USD-PER-OZ",
            decimals=2,
            footnotes=(Footnote("1", "Cash costs are a non-GAAP measure.", 90),),
        ),
        _obs(d1, 50, LF, "total-cash-cost-per-oz-silver", Q4_2005, "6.10", "USD-PER-OZ", decimals=2),
        _obs(d1, 60, SILVER_OPS, "sales", Y2006, "120500000", "USD", decimals=-3, printed="120,500"),
        _obs(d1, 61, SILVER_OPS, "gross-profit", Y2006, "45200000", "USD", decimals=-3, printed="45,200"),
        _obs(d1, 70, HECLA, "total-assets", END_2006, "560100000", "USD", decimals=-3, printed="560,100"),
        _obs(d1, 70, HECLA, "total-assets", END_2005, "401500000", "USD", decimals=-3, printed="401,500"),
        _obs(d1, 71, HECLA, "cash-and-equivalents", END_2006, "75000000", "USD", decimals=-3),
        _obs(d1, 80, LF, "reserve-contained-silver", END_2006, "31000000", "OZ", category="proven-probable"),
        _obs(d1, 80, LF, "reserve-contained-silver", END_2005, "29500000", "OZ", category="proven-probable"),
        _obs(d1, 81, LF, "reserve-ore-tons", END_2006, "1800000", "TON", category="proven-probable"),
        _obs(
            d1,
            82,
            LF,
            "reserve-grade-silver",
            END_2006,
            "14.1",
            "OZ-PER-TON",
            decimals=1,
            category="mineralized-material",
        ),
        _obs(
            d1,
            12,
            LF,
            "silver-produced",
            Q4_2006,
            "700000",
            "OZ",
            extractor="prose",
            decimals=-5,
            printed="0.7 million",
        ),
        _obs(
            d1,
            95,
            HECLA,
            "other-income-misc",
            Y2006,
            "1200000",
            "USD",
            decimals=-3,
            mapped=False,
            label="Other income, miscellaneous",
        ),
        _obs(
            d1,
            20,
            HECLA,
            "gold-produced",
            Q1_2007,
            "40000",
            "OZ",
            estimate=True,
            extractor="prose",
            decimals=-3,
        ),
        _obs(d1, 75, HECLA, "price-silver", Y2006, "11.55", "USD-PER-OZ", decimals=2, basis="London Fix"),
        _obs(d1, 100, HECLA, "sales", Y2006, "218000000", "USD", decimals=-3, printed="218,000"),
        _obs(d1, 101, HECLA, "net-income", Y2006, "69000000", "USD", decimals=-3, printed="69,000"),
        _obs(d1, 45, LF, "ore-processed", Q4_2006, "80000", "TON", label="Ore milled (tons)"),
    )
    obs2 = (
        _obs(d2, 30, LF, "silver-produced", Q1_2007, "760000", "OZ"),
        # the prior-year balance restated in the later release
        _obs(d2, 44, HECLA, "total-assets", END_2006, "562300000", "USD", decimals=-3, printed="562,300"),
        _obs(d2, 31, LF, "total-cash-cost-per-oz-silver", Q1_2007, "4.95", "USD-PER-OZ", decimals=2),
    )
    meta1 = DocumentMeta(
        "Hecla reports 2006 results", date(2007, 2, 21), date(2006, 12, 31), "Hecla Mining Company", "HL"
    )
    meta2 = DocumentMeta(
        "Hecla reports first quarter 2007 results",
        date(2007, 5, 8),
        date(2007, 3, 31),
        "Hecla Mining Company",
        "HL",
    )
    tables = (
        TableInfo(
            "t01",
            "production",
            "HECLA MINING COMPANY",
            35,
            99,
            "(dollars in thousands)",
            numbers=40,
            unread=(UnreadNumber(41, "12%", "its column has no period (header 'Change %')"),),
        ),
    )
    f1 = DocumentFacts(
        d1,
        "000_annual2006",
        meta1,
        "ab" * 32,
        obs1,
        mentions=(
            Mention(d1, 5, HECLA, "Hecla"),
            Mention(d1, 12, LF, "Lucky Friday"),
            Mention(d1, 14, BAKER, "Phil Baker"),
            Mention(d1, 16, GOLD_HUNTER, "Gold Hunter"),
            Mention(d1, 18, SAN_SEB, "San Sebastian"),
        ),
        relations=(
            Relation(
                BAKER,
                "holdsPosition",
                CEO,
                Source(d1, 14, "prose"),
                value="Hecla Mining Company",
                date=date(2007, 2, 21),
                text="said Phil Baker, Hecla's president and CEO",
            ),
            Relation(
                HECLA, "ownershipInterest", GC, Source(d1, 41, "table"), value="29.73", value_decimals=2
            ),
            Relation(KENNECOTT, "jointVenturePartner", HECLA, Source(d1, 22, "prose")),
            Relation(GOLD_HUNTER, "partOf", LF_MINE, Source(d1, 16, "prose")),
            Relation(LF_MINE, "partOf", LF, Source(d1, 16, "prose")),
            Relation(LF_MINE, "locatedIn", IDAHO, Source(d1, 12, "prose")),
            Relation(SAN_SEB, "locatedIn", MEXICO, Source(d1, 18, "prose")),
            Relation(SILVER, "producedAt", LF, Source(d1, 12, "prose")),
        ),
        tables=tables,
    )
    f2 = DocumentFacts(
        d2,
        "001_q1-2007",
        meta2,
        "cd" * 32,
        obs2,
        mentions=(
            Mention(d2, 3, HECLA, "Hecla Mining Company"),
            Mention(d2, 9, BAKER, "Phillips S. Baker, Jr."),
        ),
        relations=(
            Relation(
                BAKER,
                "holdsPosition",
                CEO,
                Source(d2, 9, "prose"),
                value="Hecla Mining Company",
                date=date(2007, 5, 8),
            ),
        ),
        tables=tables,
    )
    refs = [
        HECLA,
        LF,
        GC,
        LF_MINE,
        SILVER_OPS,
        GOLD_HUNTER,
        BAKER,
        CEO,
        KENNECOTT,
        IDAHO,
        SAN_SEB,
        MEXICO,
        SILVER,
    ]
    entities = []
    index = {}
    from kg.facts import entity_key

    for r in refs:
        key = entity_key(r.type, r.label)
        aliases = ("Phil Baker",) if r == BAKER else ()
        entities.append(ResolvedEntity(key, r.label, r.type, aliases))
        index[r] = key
    return [f1, f2], Resolution(tuple(entities), index)


def sample_dataset():
    from kg.graph import build_dataset

    facts, resolution = sample_facts()
    return build_dataset(facts, resolution)


def build_sample(out: Path) -> Path:
    """Write graph files, the store and observations.csv of the sample graph into ``out``."""
    from kg import export, store

    out.mkdir(parents=True, exist_ok=True)
    ds = sample_dataset()
    export.write_graph_files(ds, out)
    store.create(out, ds)
    export.write_observations_csv(out)
    return out
