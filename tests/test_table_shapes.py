"""One test per table shape, each on a small table written for it (tests/data/tables/shapes/):
reserves and resources in NI 43-101 categories, drill intercepts and collars, hedges by
settlement period, revenue by property, production by mine under headings with interests and
metric units, and a single mine's operating highlights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kg.facts import DocumentFacts, EntityRef, Observation, Period
from kg.ingest import read_document
from kg.layout import segment
from kg.tables import extract_tables

DATA = Path(__file__).resolve().parent / "data" / "tables" / "shapes"


@pytest.fixture(scope="module")
def facts() -> dict[str, DocumentFacts]:
    out = {}
    for path in sorted(DATA.glob("*.txt")):
        doc = read_document(path)
        out[path.stem] = extract_tables(doc, segment(doc))
    return out


def rows(f: DocumentFacts, line: int) -> dict[str, Observation]:
    """The observations printed on ``line`` by metric, the first column's where several."""
    out: dict[str, Observation] = {}
    for o in f.observations:
        if o.source.line == line:
            out.setdefault(o.metric, o)
    return out


def test_reserves_and_resources_by_deposit_and_category(facts: dict[str, DocumentFacts]) -> None:
    f = facts["resources-ni43101"]
    when = Period(end=date(2019, 12, 31))  # from the paragraph above the table
    proven = rows(f, 20)
    assert {o.category for o in proven.values()} == {"proven"}
    assert proven["reserve-ore-tons"].value == 4_100_000 and proven["reserve-ore-tons"].unit == "TONNE"
    assert proven["reserve-grade-gold"].unit == "G-PER-TONNE"
    assert proven["reserve-contained-gold"].value == 290_000 and proven["reserve-contained-gold"].unit == "OZ"
    assert all(o.period == when for o in f.observations)
    assert {o.category for o in rows(f, 22).values()} == {"proven-probable"}
    # the heading names the deposit the text calls "the Quillan mine"; the total is the company's
    assert proven["reserve-ore-tons"].subject.label == "Quillan mine"
    total = rows(f, 24)
    assert set(total) == {"reserve-ore-tons", "reserve-contained-gold"}  # a blank grade stays blank
    assert total["reserve-ore-tons"].subject.type == "Company"
    mi = rows(f, 30)
    assert {o.category for o in mi.values()} == {"measured-indicated"}
    assert mi["reserve-ore-tons"].subject.label == "Marrow Creek deposit"
    assert mi["reserve-ore-tons"].share == Decimal("0.6")
    assert {o.category for o in rows(f, 31).values()} == {"inferred"}


def test_drill_intercepts_are_the_holes_with_no_period(facts: dict[str, DocumentFacts]) -> None:
    f = facts["drill-results"]
    first, including = rows(f, 12), rows(f, 13)
    assert first["intercept-length"].subject.label == "KL-11-01" and first["intercept-length"].period is None
    assert first["intercept-grade-copper"].unit == "PERCENT" and first["intercept-from"].unit == "M"
    # "including" is part of the interval above it, on the same hole
    assert including["intercept-length"].subject.label == "KL-11-01"
    assert including["intercept-from"].within == first["intercept-from"].interval != ""
    assert len({o.interval for o in rows(f, 15).values()}) == 1
    assert rows(f, 15)["intercept-from"].interval != rows(f, 16)["intercept-from"].interval
    assert not rows(f, 14)  # "no significant values"
    # the zone column's words are not read as a column of numbers
    assert not any("zone" in o.metric for o in f.observations)
    depth = [o for o in f.observations if o.metric == "hole-depth"]
    assert [(o.subject.label, o.value) for o in depth] == [
        ("KL-11-01", Decimal("201.0")),
        ("KL-11-02", Decimal("150.0")),
        ("KL-11-03", Decimal("126.5")),
    ]


def test_hedges_are_dated_by_their_settlement_period(facts: dict[str, DocumentFacts]) -> None:
    f = facts["hedges-settlement"]
    found = {(o.metric, o.period.start, o.period.end, o.value) for o in f.observations}
    assert found == {
        ("hedged-palladium", date(2008, 7, 1), date(2008, 9, 30), 12000),
        ("hedged-palladium-price", date(2008, 7, 1), date(2008, 9, 30), 410),
        ("hedged-palladium", date(2009, 1, 1), date(2009, 12, 31), 30000),
        ("hedged-palladium-price", date(2009, 1, 1), date(2009, 12, 31), 425),
        ("hedged-platinum", date(2008, 7, 1), date(2008, 12, 31), 4500),
        ("hedged-platinum-price", date(2008, 7, 1), date(2008, 12, 31), 1510),
    }


def test_revenue_by_property_under_the_property_heading(facts: dict[str, DocumentFacts]) -> None:
    f = facts["royalty-by-property"]
    larch = rows(f, 19)["royalty-revenue"]
    assert larch.subject.label == "Larch Ridge mine" and larch.value == 1_210_000 and larch.unit == "USD"
    assert rows(f, 21)["royalty-revenue"].subject.label == "Eastgate Mining Complex"
    # the rate in the label ("2.5% NSR") is no unit: the revenue stays in dollars
    assert all(o.unit == "USD" for o in f.observations)
    # "Other (4 properties)" and the total are the company's
    assert rows(f, 22)["royalty-revenue"].subject.type == "Company"
    assert rows(f, 24)["royalty-revenue"].subject.type == "Company"
    # ... as two line items: the rest of the company's revenue is not the whole of it
    assert rows(f, 22)["royalty-revenue"].context == "Other (4 properties)"
    assert rows(f, 24)["royalty-revenue"].context == "Total royalty revenue"
    assert rows(f, 19)["royalty-revenue"].context == ""  # a row its table prints once


def test_production_by_mine_under_headings_with_interests_and_units(facts: dict[str, DocumentFacts]) -> None:
    f = facts["production-by-mine"]
    q4 = Period(start=date(2015, 10, 1), end=date(2015, 12, 31))
    year = Period(start=date(2015, 1, 1), end=date(2015, 12, 31))
    ore = [o for o in f.observations if o.source.line == 16]
    assert [(o.period, o.value) for o in ore][:3:2] == [(q4, 820_000), (year, 3_210_000)]
    assert ore[0].subject.label == "Tamsin mine" and ore[0].unit == "TONNE"
    assert rows(f, 19)["gold-produced"].value == 50_200  # koz
    assert rows(f, 20)["aisc-per-oz-gold"].unit == "AUD-PER-OZ"
    # "RIDLEY (40% interest)": a 100% row is the whole mine's, a (40%) row the company's share
    assert rows(f, 23)["ore-processed"].share is None
    assert rows(f, 24)["gold-produced"].share == Decimal("0.4")
    assert rows(f, 24)["gold-produced"].subject.label == "Ridley mine"
    group = rows(f, 27)["gold-produced"]
    assert group.subject.type == "Company"
    assert rows(f, 28)["exchange-rate-aud-usd"].unit == "USD-PER-AUD"


def test_a_single_mines_operating_figures_are_the_mines(facts: dict[str, DocumentFacts]) -> None:
    f = facts["single-mine"]
    assert rows(f, 13)["ore-processed"].subject.label == "Santa Brigida mine"
    assert rows(f, 13)["ore-processed"].value == 2_105_000
    assert rows(f, 16)["payable-copper"].value == 31_000_000 and rows(f, 16)["payable-copper"].unit == "LB"
    assert rows(f, 17)["price-copper-realized"].subject.type == "Company"  # a price is the company's


def test_numbers_that_become_no_observation_are_listed_with_their_reason(
    facts: dict[str, DocumentFacts],
) -> None:
    f = facts["change-column"]
    (table,) = f.tables
    assert table.numbers == 6
    assert sorted((u.line, u.printed) for u in table.unread) == [(9, "3"), (10, "4")]
    assert all("no period" in u.reason and "Change" in u.reason for u in table.unread)
    assert any("2 of the 6 numbers" in p.message for p in f.problems)
    # every other table of these files is read whole
    assert all(
        not t.unread
        for name, other in facts.items()
        if name not in ("change-column", "unit-column", "units-first")
        for t in other.tables
    )


def test_a_balance_sheet_row_is_at_an_instant_whatever_its_label_names_elsewhere(
    facts: dict[str, DocumentFacts],
) -> None:
    f = facts["financial-position"]
    assert rows(f, 15)["cash-and-equivalents"].period == Period(end=date(2014, 6, 30))
    # "Non-controlling interests" names income attributable to them in a statement of operations;
    # in a statement of financial position it is equity at the date: a metric of its own (minted)
    nci = [o for o in f.observations if o.source.line == 25]
    assert [(o.period, o.value) for o in nci] == [
        (Period(end=date(2014, 6, 30)), 64_588_000),
        (Period(end=date(2013, 12, 31)), 60_720_000),
    ]
    assert all(not o.mapped and o.metric != "net-income-noncontrolling" for o in nci)
    assert all(o.period is not None and o.period.start is None for o in f.observations)
    # "Total equity" (with the non-controlling interests) and the shareholders' part: two line items
    equity = {o.context for o in f.observations if o.metric == "shareholders-equity"}
    assert equity == {"Equity attributable to shareholders", "Total equity"}


def test_a_unit_column_rows_in_a_second_unit_and_months_over_years(facts: dict[str, DocumentFacts]) -> None:
    """A quarterly operating table of the South African and Australian kind: the mine's name on a
    line above it, months over years as column headers, the unit in a column of its own between
    label and numbers, and a row printing only a unit for the row above in a second unit."""
    f = facts["unit-column"]
    q3 = Period(start=date(2019, 7, 1), end=date(2019, 9, 30))
    q2 = Period(start=date(2019, 4, 1), end=date(2019, 6, 30))
    milled = [o for o in f.observations if o.source.line == 17]
    assert [(o.period, o.value, o.unit) for o in milled] == [(q3, 512_000, "TONNE"), (q2, 488_000, "TONNE")]
    assert {o.subject.label for o in f.observations} == {"Mabula Mine"}
    assert (rows(f, 19)["gold-produced"].value, rows(f, 19)["gold-produced"].unit) == (2109, "KG")
    assert (rows(f, 20)["gold-produced"].value, rows(f, 20)["gold-produced"].unit) == (67_800, "OZ")
    assert rows(f, 22)["gold-sold"].value == 67_200
    assert rows(f, 23)["aisc-per-oz-gold"].unit == "ZAR-PER-KG"  # "R/kg": rand per kilogram
    assert rows(f, 24)["aisc-per-oz-gold"].unit == "USD-PER-OZ"
    capex = rows(f, 25)["capital-additions"]
    assert (capex.value, capex.unit) == (310_500_000, "ZAR")  # "Rm"
    assert rows(f, 26)["capital-additions"].value == 21_300_000  # "US$m"
    # a yield is no head grade: its own (minted) metric, in the unit printed
    assert rows(f, 18)["x-yield"].unit == "G-PER-TONNE"  # the unit column is not in the code
    # the "% Variance" column has no period: its numbers ("5 %", "(4)%"; "-%" is none) are listed
    # as unread, not dropped
    (table,) = f.tables
    assert {u.line for u in table.unread} == {17, 18, 19, 21, 22, 23, 24, 25, 26}


def test_unit_rows_printed_before_their_label_and_a_bare_name_above(facts: dict[str, DocumentFacts]) -> None:
    """The other way of printing one figure in two units: the unit row first, the label level with
    the second ("kg" over "Gold produced   000'oz"), told apart from the usual order by the kind of
    unit of the row above (g/t over kg is no pair) and kept for the rest of the table once seen.
    The mine's bare name right above the table ("Wombat Flats", no head word, named nowhere else)
    is its subject, but not a section title ("Review of Operations") nor the company's own name.
    A row stating a basis ("Costs in table on a 50% basis") gives the rows below their share, and
    a unit after one blank at the end of a long label ("... expenditure A$m") is its unit."""
    f = facts["units-first"]
    site = {o.subject for o in f.observations if o.source.line < 30}
    assert site == {EntityRef("Wombat Flats", "MiningUnit")}
    q3 = Period(start=date(2021, 7, 1), end=date(2021, 9, 30))
    assert (rows(f, 19)["gold-produced"].value, rows(f, 19)["gold-produced"].unit) == (2312, "KG")
    assert (rows(f, 20)["gold-produced"].value, rows(f, 20)["gold-produced"].period) == (74_300, q3)
    # the second pair follows a row of the same kind of unit (ounces after ounces): still the row below
    assert (rows(f, 21)["gold-sold"].value, rows(f, 21)["gold-sold"].unit) == (2290, "KG")
    assert rows(f, 22)["gold-sold"].value == 73_600
    assert "x-grade-mined" in rows(f, 18)
    # pairs in the usual order in the same table: the second row is the row above's
    assert rows(f, 25)["aisc-per-oz-gold"].unit == "USD-PER-OZ"
    capex = rows(f, 26)["sustaining-capital"]
    assert (capex.value, capex.unit, capex.share) == (21_400_000, "AUD", Decimal("0.5"))
    assert rows(f, 17)["ore-mined"].share is None  # "on a 100% basis"
    for line in (32, 33, 39):  # under a section title; under the company's own short name
        assert {o.subject.type for o in f.observations if o.source.line == line} == {"Company"}


def test_period_phrases_over_cell_pairs_a_dated_second_part_and_a_scale_note_below() -> None:
    """An HTML highlights table of the Canadian kind: "For the three months ended December 31,"
    spanning two years of "$ | amount" cell pairs (each year under the phrase whose words stand
    over it, not the nearest phrase's centre), a second part dated "As at December 31," over a row
    of years that carries a statement title in its label column (a header, not a row of numbers),
    and the scale stated in a note right below the table."""
    path = DATA / "highlights-two-parts.htm"
    doc = read_document(path)
    f = extract_tables(doc, segment(doc))
    q4_22 = Period(start=date(2022, 10, 1), end=date(2022, 12, 31))
    fy_22 = Period(start=date(2022, 1, 1), end=date(2022, 12, 31))
    net = {o.period: o.value for o in f.observations if o.metric == "net-income"}
    assert net[q4_22] == 870_000 and net[fy_22] == 3_002_000
    assert {o.metric for o in f.observations} >= {"total-revenues", "general-administrative"}
    assets = {o.period: o.value for o in f.observations if o.metric == "total-assets"}
    assert assets == {
        Period(end=date(2023, 12, 31)): 140_220_000,
        Period(end=date(2022, 12, 31)): 151_330_000,
    }
    assert not [o for o in f.observations if o.value in (2022, 2023)]  # the years are no figures
    # the cash-flow row keeps its metric: the second part's title does not make it a balance sheet
    assert {o.metric for o in f.observations if "operating activities" in o.label} == {"operating-cash-flow"}


def test_a_caption_naming_the_mine_after_the_kind_of_table_and_base_metal_rows(
    facts: dict[str, DocumentFacts],
) -> None:
    """ "OPERATING STATISTICS - MESA VERDE MINE": the mine named after the kind of table is the
    subject; a copper producer's rows (copper in concentrate in thousands of pounds, payable copper
    sold, C1 cash cost per pound) take their metrics, and molybdenum, which the vocabulary lacks,
    is minted, not folded into a near metric."""
    f = facts["copper-operating"]
    assert {o.subject for o in f.observations} == {EntityRef("Mesa Verde Mine", "Mine")}
    q3 = Period(start=date(2015, 7, 1), end=date(2015, 9, 30))
    copper = rows(f, 15)["copper-produced"]
    assert (copper.value, copper.unit, copper.period) == (50_411_000, "LB", q3)
    assert rows(f, 18)["c1-cash-cost-per-lb-copper"].value == Decimal("1.62")
    assert next(iter(rows(f, 17))).startswith("x-")  # molybdenum


def test_an_html_resource_table_with_a_deposit_column_spanning_its_categories() -> None:
    """NI 43-101 resources in HTML: the deposit cell spans its category rows (rowspan), the caption
    wraps inside its parenthesis ("(effective date February" / "15, 2021)") and says "Mineral
    Resource Estimate" in the singular, and the headers wrap over three lines. Each category row
    is the deposit's, dated by the caption, in the units its header prints."""
    doc = read_document(DATA / "resources-rowspan.htm")
    f = extract_tables(doc, segment(doc))
    when = Period(end=date(2021, 2, 15))
    contained = {
        (o.subject.label, o.category): o.value for o in f.observations if o.metric == "reserve-contained-gold"
    }
    assert contained == {
        ("North Zone", "measured"): 250_000,
        ("North Zone", "indicated"): 530_000,
        ("North Zone", "inferred"): 216_000,
        ("South Zone", "indicated"): 218_000,
        ("South Zone", "inferred"): 116_000,
    }
    assert {o.period for o in f.observations} == {when}
    tonnes = next(o for o in f.observations if o.metric == "reserve-ore-tons" and o.category == "indicated")
    assert (tonnes.value, tonnes.unit) == (11_600_000, "TONNE")
    grade = next(o for o in f.observations if o.metric == "reserve-grade-gold" and o.value == Decimal("1.10"))
    assert grade.unit == "G-PER-TONNE"


def test_a_range_in_a_guidance_column_is_its_two_bounds(facts: dict[str, DocumentFacts]) -> None:
    """ "180,000 - 200,000" under "2021 Guidance": one cell (before, three: the columns shifted and
    the header's "Guidance" fell on a column of its own), read as a lower and an upper bound of
    one forecast; the actual beside it is no estimate and no bound."""
    f = facts["guidance-range"]
    fy21 = Period(start=date(2021, 1, 1), end=date(2021, 12, 31))
    gold = sorted(
        (o.value, o.bound, o.estimate)
        for o in f.observations
        if o.metric == "gold-produced" and o.period == fy21
    )
    assert gold == [(180_000, "lower", True), (200_000, "upper", True)]
    actual = [o for o in f.observations if o.metric == "gold-produced" and o.period != fy21]
    assert [(o.value, o.bound, o.estimate) for o in actual] == [(176_412, "", False)]
    capex = sorted(o.value for o in f.observations if o.metric == "capital-additions" and o.period == fy21)
    assert capex == [45_000_000, 55_000_000]
    (table,) = f.tables
    assert table.numbers == 9 and not table.unread


def test_columns_that_name_the_mines(facts: dict[str, DocumentFacts]) -> None:
    """Mines as columns: "La Esperanza   Cerro Negro   Consolidated" under "Three months ended
    June 30, 2019" (each column a subject, the period the line above states; "La" standing left
    of the numbers stays in the name), and mine names over pairs of dated columns. The title
    "OPERATING RESULTS BY MINE" names no mine."""
    f = facts["mines-as-columns"]
    q2_19 = Period(start=date(2019, 4, 1), end=date(2019, 6, 30))
    q2_18 = Period(start=date(2018, 4, 1), end=date(2018, 6, 30))
    silver = {(o.subject.label, o.period, o.value) for o in f.observations if o.metric == "silver-produced"}
    assert silver == {
        ("La Esperanza", q2_19, 1_120_330),
        ("Cerro Negro", q2_19, 468_210),
        ("Granite Peak Silver Corp.", q2_19, 1_588_540),
        ("La Esperanza", q2_18, 1_051_220),
        ("Cerro Negro", q2_18, 455_870),
    }
    assert all("Results" not in o.subject.label for o in f.observations)
    (first, second) = f.tables
    assert first.numbers == 12 and not first.unread and not second.unread


def test_a_scale_in_the_title_block_above_a_table_of_mine_columns(facts: dict[str, DocumentFacts]) -> None:
    """ "(in thousands of U.S. dollars, except per ounce amounts)" in the title block set apart
    from the table by a blank line scales its amounts, not its ounces or its cost per ounce; the
    columns are the mines and the total the company's."""
    f = facts["aisc-by-mine"]
    cost = {o.subject.label: o.value for o in f.observations if o.metric == "cost-of-sales"}
    assert cost == {"Sagebrush": 48_210_000, "Ironwood": 31_402_000, "Corvid Gold Corp.": 79_612_000}
    assert {o.value for o in f.observations if o.metric == "gold-sold"} == {42_120, 25_870, 67_990}
    assert {o.value for o in f.observations if o.metric == "aisc-per-oz-gold"} == {1387, 1384, 1463}


def test_a_royalty_company_reports_in_gold_equivalent_ounces(facts: dict[str, DocumentFacts]) -> None:
    """ "GEOs" are ounces ("$/GEO" a cost per ounce, not thousands of dollars by the caption's
    scale), and a cash cost per GEO sold is the gold cash cost per ounce."""
    f = facts["royalty-geo"]
    q2 = Period(start=date(2022, 4, 1), end=date(2022, 6, 30))
    by_metric = {o.metric: o for o in f.observations if o.period == q2}
    assert (by_metric["gold-equivalent-sold"].value, by_metric["gold-equivalent-sold"].unit) == (18_204, "OZ")
    cost = by_metric["total-cash-cost-per-oz-gold"]
    assert (cost.value, cost.unit) == (214, "USD-PER-OZ")
    assert by_metric["net-income"].value == 12_004_000


def test_reserve_categories_over_groups_of_metric_columns(facts: dict[str, DocumentFacts]) -> None:
    """ "Proved   Probable   Proved + Probable" over "Mt  g/t  Moz" three times: each column takes
    the category above it; "Moz" with no metal named is the contained metal of the release's main
    metal (ounces weigh metal, never ore), "Mt" the ore."""
    f = facts["reserves-wide"]
    numbat = {(o.metric, o.category): o.value for o in f.observations if o.subject.label == "Numbat"}
    assert numbat[("reserve-ore-tons", "proven")] == 4_100_000
    assert numbat[("reserve-contained-gold", "probable")] == 750_000
    assert numbat[("reserve-grade-gold", "proven-probable")] == Decimal("1.91")
    assert len(numbat) == 9
    total = [o for o in f.observations if o.source.line == 11]
    assert {o.subject.type for o in total} == {"Company"}
    assert {o.period for o in f.observations} == {Period(end=date(2018, 12, 31))}


def test_columns_that_name_metrics_over_rows_that_name_mines(facts: dict[str, DocumentFacts]) -> None:
    """ "Ore milled (tonnes)   Head grade (g/t Au)   Recovery (%)   Gold produced (oz)   AISC ($/oz)"
    over a row per mine and a total, in the quarter the title states: each cell is its row's mine
    (the total the company's), its column's metric and unit."""
    f = facts["metrics-as-columns"]
    q3 = Period(start=date(2018, 7, 1), end=date(2018, 9, 30))
    rimu = {o.metric: (o.value, o.unit) for o in f.observations if o.subject.label == "Rimu"}
    assert rimu == {
        "ore-processed": (288_900, "TONNE"),
        "ore-grade-gold": (Decimal("2.44"), "G-PER-TONNE"),
        "recovery-gold": (Decimal("89.7"), "PERCENT"),
        "gold-produced": (20_330, "OZ"),
        "aisc-per-oz-gold": (982, "USD-PER-OZ"),
    }
    assert {o.period for o in f.observations} == {q3}
    assert {o.subject.type for o in f.observations if o.source.line == 11} == {"Company"}
