"""kg.tables on releases written unlike the sample corpus (tests/data/unseen/): a fictional
silver company's Exhibit 99, as plain text and as an HTML exhibit.

The fixtures use other wording, units and layouts than Hecla's releases — "Ounces of silver
produced", "Cash cost per ounce, net of by-product credits", "(in thousands of U.S.
dollars)", "Three Months Ended September 30," centred over two years, a reserves table in
tonnes and grams per tonne with silver before gold, a page footer inside a table, a number one
space after its row label. Their figures are consistent: the operations add up to the
company's production and the balance sheet balances (checked below from the observations).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from test_tables import find, one  # the same observation lookups as the corpus table tests

from kg.facts import DocumentFacts, Observation
from kg.ingest import read_document
from kg.layout import segment
from kg.tables import extract_tables

DATA = Path(__file__).resolve().parent / "data" / "unseen"
Q3_2008 = {"start": date(2008, 7, 1), "end": date(2008, 9, 30)}
Q3_2007 = {"start": date(2007, 7, 1), "end": date(2007, 9, 30)}
NINE_2008 = {"start": date(2008, 1, 1), "end": date(2008, 9, 30)}
COMPANY = "Bitterroot Silver Corp."


def facts_of(name: str) -> DocumentFacts:
    doc = read_document(DATA / name)
    return extract_tables(doc, segment(doc))


@pytest.fixture(scope="module")
def text() -> DocumentFacts:
    return facts_of("bitterroot-q3.txt")


# (subject, metric, period, value in base units, unit, line) as a reader of the text would write them
TEXT_EXPECTED = [
    (COMPANY, "silver-produced", Q3_2008, Decimal("1842310"), "OZ", 21),
    (COMPANY, "silver-produced", NINE_2008, Decimal("5311870"), "OZ", 21),
    (COMPANY, "gold-produced", Q3_2007, Decimal("5980"), "OZ", 22),
    (COMPANY, "ore-processed", Q3_2008, Decimal("112480"), "TON", 23),
    (COMPANY, "total-cash-cost-per-oz-silver", Q3_2008, Decimal("4.12"), "USD-PER-OZ", 25),
    (COMPANY, "total-cash-cost-per-oz-silver", NINE_2008, Decimal("4.36"), "USD-PER-OZ", 25),
    (COMPANY, "price-silver-realized", Q3_2007, Decimal("12.93"), "USD-PER-OZ", 26),
    (COMPANY, "sales", Q3_2008, Decimal("28644000"), "USD", 27),
    (COMPANY, "net-income", Q3_2008, Decimal("-1218000"), "USD", 28),
    (COMPANY, "net-income", NINE_2008, Decimal("9874000"), "USD", 28),
    ("Cinnabar Ridge Mine", "ore-processed", Q3_2008, Decimal("78210"), "TON", 39),
    ("Cinnabar Ridge Mine", "ore-grade-silver", Q3_2008, Decimal("17.42"), "OZ-PER-TON", 40),
    ("Cinnabar Ridge Mine", "silver-produced", Q3_2007, Decimal("1141310"), "OZ", 41),
    # after the page footer that cuts the production table
    ("Tamarack Project", "ore-grade-silver", Q3_2008, Decimal("18.31"), "OZ-PER-TON", 48),
    ("Tamarack Project", "silver-produced", Q3_2008, Decimal("579430"), "OZ", 49),
    ("Tamarack Project", "gold-produced", Q3_2007, Decimal("2110"), "OZ", 50),
    (COMPANY, "cash-and-equivalents", {"start": None, "end": date(2008, 9, 30)}, Decimal("41206000"), "USD", 60),
    (COMPANY, "total-assets", {"start": None, "end": date(2007, 12, 31)}, Decimal("194105000"), "USD", 68),
    (COMPANY, "total-current-liabilities", {"start": None, "end": date(2008, 9, 30)}, Decimal("14388000"), "USD", 72),
    (COMPANY, "shareholders-equity", {"start": None, "end": date(2008, 9, 30)}, Decimal("170565000"), "USD", 77),
    (COMPANY, "total-liabilities-and-equity", {"start": None, "end": date(2008, 9, 30)}, Decimal("211095000"), "USD", 80),
]


@pytest.mark.parametrize(("subject", "metric", "period", "value", "unit", "line"), TEXT_EXPECTED)
def test_text_exhibit_observations(
    text: DocumentFacts, subject: str, metric: str, period: dict, value: Decimal, unit: str, line: int
) -> None:
    o = one(text, subject=subject, metric=metric, **period)
    assert (o.value, o.unit, o.source.line) == (value, unit, line)


def test_text_exhibit_realized_price_keeps_its_basis(text: DocumentFacts) -> None:
    assert {o.basis for o in find(text, metric="price-silver-realized")} == {"Realized"}


def test_text_exhibit_reserves_in_tonnes_and_grams(text: DocumentFacts) -> None:
    when = {"start": None, "end": date(2008, 6, 30)}
    pp = {"category": "proven-probable", **when}
    o = one(text, subject="Tamarack Project", metric="reserve-ore-tons", **pp)
    assert (o.value, o.unit, o.source.line) == (Decimal("455000"), "TONNE", 91)
    o = one(text, subject="Cinnabar Ridge Mine", metric="reserve-grade-silver", **pp)
    assert (o.value, o.unit) == (Decimal("412"), "G-PER-TONNE")
    o = one(text, subject="Cinnabar Ridge Mine", metric="reserve-grade-gold", **pp)
    assert (o.value, o.unit) == (Decimal("0.85"), "G-PER-TONNE")
    o = one(text, subject="Tamarack Project", metric="reserve-contained-silver", **pp)
    assert (o.value, o.unit) == (Decimal("4213031"), "OZ")
    # "Cinnabar Ridge Mine, Idaho 1,204,000": the tonnage one space after the label
    mi = {"category": "measured-indicated", **when}  # printed "Measured and Indicated Resources"
    o = one(text, subject="Cinnabar Ridge Mine", metric="reserve-ore-tons", **mi)
    assert (o.value, o.unit, o.source.line) == (Decimal("1204000"), "TONNE", 93)
    o = one(text, subject="Tamarack Project", metric="reserve-contained-gold", category="inferred")
    assert o.value == Decimal("33951")
    # contained ounces = tonnes x grade / 31.1035 g per troy ounce, to the ounce
    for row in find(text, metric="reserve-ore-tons"):
        subject, category = row.subject.label, row.category
        grade = one(text, subject=subject, metric="reserve-grade-silver", category=category).value
        contained = one(text, subject=subject, metric="reserve-contained-silver", category=category).value
        assert abs(row.value * grade / Decimal("31.1035") - contained) <= 1


def test_text_exhibit_operations_add_up_to_the_company(text: DocumentFacts) -> None:
    for metric in ("silver-produced", "gold-produced", "ore-processed"):
        for period in (Q3_2008, Q3_2007):
            total = one(text, subject=COMPANY, metric=metric, **period).value
            parts = [o.value for o in find(text, metric=metric, **period) if o.subject.label != COMPANY]
            assert len(parts) == 2 and sum(parts) == total, (metric, period)


def test_text_exhibit_balance_sheet_balances(text: DocumentFacts) -> None:
    for end in (date(2008, 9, 30), date(2007, 12, 31)):
        value = {o.metric: o.value for o in find(text, start=None, end=end) if o.source.table == "t03"}
        assert value["total-liabilities"] + value["shareholders-equity"] == value["total-liabilities-and-equity"]
        assert value["total-assets"] == value["total-liabilities-and-equity"]


def test_text_exhibit_has_no_warnings_and_cites_printed_tokens(text: DocumentFacts) -> None:
    assert not [p for p in text.problems if p.severity != "info"], [str(p) for p in text.problems]
    lines = (DATA / "bitterroot-q3.txt").read_text().splitlines()
    for o in text.observations:
        assert o.printed in lines[o.source.line - 1]
    # the footer lines are furniture and cut no table in two: one production table
    assert {t.kind for t in text.tables} == {"highlights", "production", "balance-sheet", "reserves"}
    assert len(text.tables) == 4


# ------------------------------------------------------------ the same release as an HTML exhibit


@pytest.fixture(scope="module")
def html() -> DocumentFacts:
    return facts_of("bitterroot-q3.htm")


# source lines are the HTML file's: the <tr> that prints the number
HTML_EXPECTED = [
    (COMPANY, "silver-produced", Q3_2008, Decimal("1842310"), "OZ", 16),
    (COMPANY, "silver-produced", NINE_2008, Decimal("5311870"), "OZ", 16),
    (COMPANY, "gold-produced", Q3_2007, Decimal("5980"), "OZ", 17),
    (COMPANY, "total-cash-cost-per-oz-silver", Q3_2008, Decimal("4.12"), "USD-PER-OZ", 18),
    (COMPANY, "sales", NINE_2008, Decimal("96372000"), "USD", 19),
    (COMPANY, "net-income", Q3_2008, Decimal("-1218000"), "USD", 20),
    (COMPANY, "net-income", Q3_2007, Decimal("3406000"), "USD", 20),
    (COMPANY, "cash-and-equivalents", {"start": None, "end": date(2008, 9, 30)}, Decimal("41206000"), "USD", 25),
    (COMPANY, "total-assets", {"start": None, "end": date(2007, 12, 31)}, Decimal("194105000"), "USD", 27),
    (COMPANY, "total-liabilities-and-equity", {"start": None, "end": date(2008, 9, 30)}, Decimal("211095000"), "USD", 30),
]


@pytest.mark.parametrize(("subject", "metric", "period", "value", "unit", "line"), HTML_EXPECTED)
def test_html_exhibit_observations(
    html: DocumentFacts, subject: str, metric: str, period: dict, value: Decimal, unit: str, line: int
) -> None:
    # colspan headers ("Three Months Ended" over "$", number and ")" cells) date every column
    o = one(html, subject=subject, metric=metric, **period)
    assert (o.value, o.unit, o.source.line) == (value, unit, line)


def test_html_exhibit_tables_are_separate_and_read_like_the_text(html: DocumentFacts, text: DocumentFacts) -> None:
    # centred captions (<p align="center">) start new tables, as centred captions do in text
    assert [t.kind for t in html.tables] == ["highlights", "balance-sheet", "reserves"]
    assert not [p for p in html.problems if p.severity != "info"], [str(p) for p in html.problems]

    def key(o: Observation) -> tuple:
        return (o.subject.label, o.metric, o.period, o.value, o.unit, o.category)

    # every HTML observation is one the text exhibit gives too (the HTML leaves some tables out)
    assert {key(o) for o in html.observations} <= {key(o) for o in text.observations}
    assert len(html.observations) == 20 + 12 + 15


def test_html_exhibit_reserves_header_cells_wider_than_their_numbers(html: DocumentFacts) -> None:
    # "Contained Silver (ounces)" in one <td> over a 10-digit column is not read over its neighbours
    o = one(html, subject="Cinnabar Ridge Mine", metric="reserve-contained-silver", category="proven-probable")
    assert (o.value, o.unit, o.source.line) == (Decimal("10761130"), "OZ", 36)
    o = one(html, subject="Tamarack Project", metric="reserve-grade-gold", category="inferred")
    assert (o.value, o.unit, o.source.line) == (Decimal("1.10"), "G-PER-TONNE", 39)


def test_html_exhibit_cites_lines_that_print_the_number(html: DocumentFacts) -> None:
    raw = (DATA / "bitterroot-q3.htm").read_text().splitlines()
    for o in html.observations:
        assert o.printed.strip("$()").replace("$ ", "") in raw[o.source.line - 1], o


# ------------------------------------------------------------ a US GAAP statement of operations


def test_in_thousands_without_a_unit_scales_money_and_share_counts() -> None:
    # "(In thousands, except per share amounts)" over "Six Months Ended June 30,": another company
    facts = facts_of("silverton-q2-operations.txt")
    company = "Silverton Peak Mining Inc."
    q2 = {"start": date(2009, 4, 1), "end": date(2009, 6, 30)}
    h1_2008 = {"start": date(2008, 1, 1), "end": date(2008, 6, 30)}
    expected = [
        ("sales", q2, Decimal("41870000"), "USD", 17),
        ("cost-of-sales", h1_2008, Decimal("45915000"), "USD", 18),
        ("dda", q2, Decimal("5406000"), "USD", 20),
        ("gross-profit", h1_2008, Decimal("21789000"), "USD", 22),
        ("net-income", q2, Decimal("7018000"), "USD", 23),
        ("eps-basic", q2, Decimal("0.09"), "USD-PER-SHARE", 25),
        ("shares-weighted-basic", h1_2008, Decimal("75901000"), "SHARES", 27),
    ]
    for metric, period, value, unit, line in expected:
        o = one(facts, subject=company, metric=metric, **period)
        assert (o.value, o.unit, o.source.line) == (value, unit, line), metric
    assert not [p for p in facts.problems if p.severity != "info"]
    # gross profit = sales - cost of sales - DD&A in every column
    for o in find(facts, metric="gross-profit"):
        period = {"start": o.period.start, "end": o.period.end}
        parts = [one(facts, metric=m, **period).value for m in ("sales", "cost-of-sales", "dda")]
        assert parts[0] - parts[1] - parts[2] == o.value


# ------------------------------------------------------------ HTML with one <td> per source line


def test_html_cells_on_lines_of_their_own() -> None:
    # Word/EDGARizer output: <tr>, then each <td> on its own line; "$&nbsp;512" in one cell
    facts = facts_of("sagebrush-q1.htm")
    company = "Sagebrush Gold Ltd."
    q1 = {"start": date(2010, 1, 1), "end": date(2010, 3, 31)}
    q1_2009 = {"start": date(2009, 1, 1), "end": date(2009, 3, 31)}
    o = one(facts, subject=company, metric="gold-produced", **q1)
    assert (o.value, o.unit) == (Decimal("48120"), "OZ")
    assert one(facts, subject=company, metric="gold-produced", **q1_2009).value == Decimal("44906")
    o = one(facts, subject=company, metric="total-cash-cost-per-oz-gold", **q1_2009)
    assert (o.value, o.unit) == (Decimal("548"), "USD-PER-OZ")
    # Every number cites the source line of its own cell, not the row's first line (the <tr>
    # line prints nothing, and each column's <td> stands on a line of its own).
    raw = (DATA / "sagebrush-q1.htm").read_text().splitlines()
    assert len(facts.observations) == 4
    for o in facts.observations:
        assert o.printed.replace("$ ", "") in raw[o.source.line - 1].replace("&nbsp;", " ").replace("$ ", "")
    assert sorted(o.source.line for o in facts.observations) == [16, 17, 21, 22]


# ------------------------------------------------------------ quarter and year-to-date headers


def test_quarter_and_year_to_date_columns() -> None:
    # "Q3 2010   Q3 2009   YTD 2010   YTD 2009" under an "OPERATING SUMMARY" caption
    facts = facts_of("kestrel-q3-summary.txt")
    company = "Kestrel Silver Inc."
    assert [t.kind for t in facts.tables] == ["production"]
    expected = [
        ("silver-produced", date(2010, 7, 1), date(2010, 9, 30), Decimal("2105300")),
        ("silver-produced", date(2010, 1, 1), date(2010, 9, 30), Decimal("6012800")),
        ("gold-produced", date(2009, 7, 1), date(2009, 9, 30), Decimal("2870")),
        ("gold-produced", date(2009, 1, 1), date(2009, 9, 30), Decimal("8350")),
        ("total-cash-cost-per-oz-silver", date(2010, 7, 1), date(2010, 9, 30), Decimal("5.84")),
    ]
    for metric, start, end, value in expected:
        assert one(facts, subject=company, metric=metric, start=start, end=end).value == value
    # never an instant for a production figure
    assert all(o.period.start is not None for o in facts.observations)


def test_columns_dated_by_a_year_alone_give_flows_a_period() -> None:
    # "2010   2009" with no phrase over them: production covers the year, never an instant;
    # under "FOURTH QUARTER PRODUCTION" (a title left of the columns) it covers the quarter
    facts = facts_of("larkspur-2010-production.txt")
    company = "Larkspur Gold Corp."
    o = one(facts, subject=company, metric="gold-produced", start=date(2010, 1, 1), end=date(2010, 12, 31))
    assert (o.value, o.source.line) == (Decimal("212450"), 8)
    o = one(facts, subject=company, metric="ore-processed", start=date(2009, 1, 1), end=date(2009, 12, 31))
    assert o.value == Decimal("1150800")
    o = one(facts, subject=company, metric="gold-produced", start=date(2010, 10, 1), end=date(2010, 12, 31))
    assert (o.value, o.source.line) == (Decimal("55120"), 15)
    assert one(facts, metric="gold-produced", start=date(2009, 10, 1)).value == Decimal("50210")
    assert all(o.period.start is not None for o in facts.observations)


def test_reserves_caption_naming_category_and_date() -> None:
    # "PROVEN AND PROBABLE RESERVES AT JUNE 30, 2010": no category rows, no "as of"
    facts = facts_of("larkspur-2010-reserves.txt")
    assert [t.kind for t in facts.tables] == ["production", "reserves"]
    when = {"start": None, "end": date(2010, 6, 30), "category": "proven-probable"}
    o = one(facts, subject="Aspen Hill Mine", metric="reserve-ore-tons", **when)
    assert (o.value, o.unit, o.source.line) == (Decimal("4210000"), "TON", 14)
    o = one(facts, subject="Cold Creek Project", metric="reserve-grade-gold", **when)
    assert (o.value, o.unit) == (Decimal("0.085"), "OZ-PER-TON")
    o = one(facts, subject="Cold Creek Project", metric="reserve-contained-gold", **when)
    assert o.value == Decimal("244800")  # 2,880,000 tons x 0.085 oz/ton
    assert {o.category for o in facts.observations if o.source.table == "t02"} == {"proven-probable"}


def test_scale_printed_with_the_unit_in_a_row_label() -> None:
    # Australian-style labels: "(000 tonnes)", "(thousands of ounces)", "('000 oz)", "($000)", "Head grade"
    facts = facts_of("quandong-dec2011-quarter.txt")
    company = "Quandong Gold Ltd"
    q = {"subject": company, "start": date(2011, 10, 1), "end": date(2011, 12, 31)}
    o = one(facts, metric="ore-processed", **q)
    assert (o.value, o.unit, o.source.line) == (Decimal("1842000"), "TONNE", 9)
    o = one(facts, metric="ore-grade-gold", **q)
    assert (o.value, o.unit) == (Decimal("2.41"), "G-PER-TONNE")
    o = one(facts, metric="gold-produced", **q)
    assert (o.value, o.unit, o.decimals) == (Decimal("131200"), "OZ", -2)
    o = one(facts, metric="capital-additions", **q)
    assert (o.value, o.unit) == (Decimal("18420000"), "USD")
    o = one(facts, metric="gold-sold", **q)  # "Gold sold (thousands of ounces)"
    assert (o.value, o.unit) == (Decimal("129800"), "OZ")
    # recovery implied by the figures stays below 100%: tonnes x g/t / 31.1035 > ounces produced
    tonnes = one(facts, metric="ore-processed", **q).value
    assert tonnes * Decimal("2.41") / Decimal("31.1035") > Decimal("131200")


def test_cash_flow_statement_in_thousands_adds_up() -> None:
    # "(In thousands)" alone, "Net cash provided by (used in) financing / activities" wrapped
    facts = facts_of("silverton-q2-cash-flows.txt")
    h1 = {"start": date(2009, 1, 1), "end": date(2009, 6, 30)}
    flows = {m: one(facts, metric=m, **h1).value for m in ("operating-cash-flow", "investing-cash-flow", "financing-cash-flow")}
    assert flows == {
        "operating-cash-flow": Decimal("21406000"),
        "investing-cash-flow": Decimal("-14880000"),
        "financing-cash-flow": Decimal("-2500000"),
    }
    assert one(facts, metric="financing-cash-flow", **h1).source.line == 13  # the wrapped label's last line
    end = one(facts, metric="cash-end-of-period", **h1).value
    assert end == Decimal("34138000")
    begin = [o.value for o in find(facts, **h1) if "beginning" in o.label]
    assert begin == [Decimal("30112000")] and begin[0] + sum(flows.values()) == end
