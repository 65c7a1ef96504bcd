"""kg.tables: table blocks → observations. One test per table kind on fixture excerpts
(tests/data/tables/), property tests for numbers, period headers and wrapped labels,
and the gold-standard score on the sample corpus."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg.facts import DocumentFacts, Observation, Period
from kg.ingest import parse_document, read_document
from kg.layout import segment
from kg.tables import extract_tables
from kg.tables.context import strip_markers
from kg.tables.numbers import _GLUED_MARKER, NA, ZERO, _read_token, parse_number, split_row
from kg.tables.periods import Span, column_headers, period_for, phrase_months
from kg.tables.units import caption_units
from kg.vocab import norm, vocabulary

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "tables"
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
SHARED = ROOT.parent / "shared"


def facts_of(name: str) -> DocumentFacts:
    doc = read_document(DATA / name)
    return extract_tables(doc, segment(doc))


def find(facts: DocumentFacts, **want: object) -> list[Observation]:
    out = []
    for o in facts.observations:
        fields = {
            "subject": o.subject.label,
            "type": o.subject.type,
            "metric": o.metric,
            "line": o.source.line,
            "value": o.value,
            "start": o.period.start if o.period else None,
            "end": o.period.end if o.period else None,
            "unit": o.unit,
            "category": o.category,
        }
        if all(fields[k] == v for k, v in want.items()):
            out.append(o)
    return out


def one(facts: DocumentFacts, **want: object) -> Observation:
    found = find(facts, **want)
    assert len(found) == 1, (want, found)
    return found[0]


Q4_06 = {"start": date(2006, 10, 1), "end": date(2006, 12, 31)}
Q4_05 = {"start": date(2005, 10, 1), "end": date(2005, 12, 31)}
Y06 = {"start": date(2006, 1, 1), "end": date(2006, 12, 31)}
Y05 = {"start": date(2005, 1, 1), "end": date(2005, 12, 31)}


# ------------------------------------------------------------ one test per table kind


def test_highlights_segments_footnotes_scale_and_prices() -> None:
    f = facts_of("highlights.txt")
    silver = one(f, subject="Silver operations", metric="sales", **Q4_06)
    assert silver.subject.type == "Segment" and silver.value == Decimal("43240000") and silver.decimals == -3
    assert silver.footnotes and silver.footnotes[0].marker == "1"
    assert silver.footnotes[0].text.startswith("Includes gold produced at silver properties")
    assert one(f, subject="Hecla Mining Company", metric="sales", **Q4_06).value == Decimal("70272000")
    assert one(f, metric="net-income", **Q4_05).value == Decimal("-7226000")  # "$   (7,226)"
    assert one(f, metric="eps-basic", **Q4_06).decimals == 2
    # "($/oz.) (3)   (3.05)": the (3) is a footnote marker, the (3.05) a negative cost
    cost = one(f, metric="total-cash-cost-per-oz-silver", **Q4_06)
    assert cost.value == Decimal("-3.05") and cost.printed == "(3.05)"
    assert one(f, metric="cash-operating-cost-per-oz-gold", **Y06).value == 327
    # production summary ounces are counts although the caption says dollars in thousands
    assert one(f, metric="silver-produced", **Q4_06).value == Decimal("1509670")
    lead = one(f, metric="price-lead", **Q4_06)
    assert lead.value == Decimal("0.74") and lead.unit == "USD-PER-LB" and lead.decimals == 2
    assert one(f, metric="price-silver", **Y06).basis == "London Fix"
    # the small reconciliation under footnote (2) has no header: it takes the columns above
    assert one(f, metric="operating-cash-flow", **Y05).value == Decimal("-5913000")
    assert {t.kind for t in f.tables} == {"highlights", "reconciliation"}


def test_statement_of_operations_zero_dashes_repeated_dda_and_subtotals() -> None:
    f = facts_of("operations.txt")
    assert one(f, metric="income-tax", **Q4_05).value == 0  # "- -"
    assert one(f, metric="income-tax", **Y05).value == Decimal("-660000")
    dda = find(f, metric="dda", **Y06)
    assert sorted(o.value for o in dda) == [Decimal("972000"), Decimal("38795000")]
    # two line items the vocabulary names alike, told apart by the family they stand under
    assert sorted(o.context for o in dda) == [
        "Depreciation, depletion and amortization",
        "Other operating expenses: Depreciation and amortization",
    ]
    assert one(f, metric="income-tax", **Q4_05).context == ""  # printed once
    assert one(f, metric="shares-weighted-basic", **Y06).value == Decimal("119255000")
    assert one(f, metric="eps-basic", **Q4_06).label.startswith(
        "Basic and diluted income (loss) per common share"
    )
    subtotals = [o for o in f.observations if "subtotal" in o.metric]
    assert subtotals and all(not o.mapped and o.metric.startswith("x-") for o in subtotals)
    assert one(f, metric="income-from-operations", **Q4_05).value == Decimal("-7281000")


def test_balance_sheet_two_dates_on_one_header_line_are_instants() -> None:
    f = facts_of("balance-sheet.txt")
    cash = one(f, metric="cash-and-equivalents", end=date(2007, 6, 30))
    assert cash.period == Period(end=date(2007, 6, 30)) and cash.value == Decimal("96927000")
    assert one(f, metric="total-assets", end=date(2006, 12, 31)).value == Decimal("346269000")
    assert one(f, metric="shares-outstanding", end=date(2007, 6, 30)).unit == "SHARES"
    unmapped = [o for o in f.observations if not o.mapped]
    assert unmapped and all(o.metric.startswith("x-balance-sheet-") for o in unmapped)


def test_cash_flows_six_months() -> None:
    f = facts_of("cash-flows.txt")
    six = {"start": date(2007, 1, 1), "end": date(2007, 6, 30)}
    assert one(f, metric="operating-cash-flow", **six).value == Decimal("24383000")
    assert one(f, metric="cash-end-of-period", **six).value == Decimal("96927000")
    zero = [o for o in f.observations if o.printed == "--"]
    assert zero and all(o.value == 0 for o in zero)


def test_production_units_shares_scale_and_cost_families() -> None:
    f = facts_of("production.txt")
    gc = one(f, subject="Greens Creek Unit", metric="silver-produced", **Q4_06)
    assert gc.subject.type == "MiningUnit" and gc.share == Decimal("0.2973") and gc.value == 742374
    assert one(f, subject="Lucky Friday Unit", metric="ore-processed", **Y06).value == 276393
    assert one(f, subject="Lucky Friday Unit", metric="capital-additions", **Y06).value == Decimal("9409000")
    assert one(
        f, subject="Lucky Friday Unit", metric="total-cash-cost-per-oz-silver", **Q4_06
    ).value == Decimal("0.79")
    assert one(f, subject="La Camorra Unit", metric="total-cash-cost-per-oz-gold", **Y06).value == 345
    assert one(f, subject="La Camorra Unit", metric="ore-grade-gold", **Q4_05).value == Decimal("0.637")
    assert not [o for o in f.observations if not o.mapped]


def test_production_without_scale_line_follows_the_release_and_shifted_dollar_signs() -> None:
    f = facts_of("production-no-scale.txt")
    q4 = {"start": date(2003, 10, 1), "end": date(2003, 12, 31)}
    assert one(f, subject="La Camorra Unit", metric="capital-additions", **q4).value == Decimal("6583000")
    assert one(f, subject="La Camorra Unit", metric="days-of-operation", **q4).unit == "DAY"
    assert one(f, subject="Lucky Friday Unit", metric="mining-cost-per-ton", **q4).value == Decimal("55.11")
    assert one(f, subject="Lucky Friday Unit", metric="ore-grade-silver", **q4).value == Decimal("15.45")
    hedged = one(f, metric="hedged-gold")
    assert hedged.value == 48928 and hedged.period == Period(end=date(2003, 12, 31))
    assert one(f, metric="hedged-gold-price").value == 288


def test_reconciliation_segments_divisors_drift_and_markers() -> None:
    f = facts_of("reconciliation.txt")
    assert one(f, subject="Gold operations", metric="ounces-produced-divisor", **Q4_06).value == 44000
    assert one(f, subject="Gold operations", metric="total-cash-cost-per-oz-gold", **Y06).value == 345
    # columns drift: "$63,724 $   58,600"
    assert one(f, subject="Silver operations", metric="costs-of-sales-gaap", **Y06).value == Decimal(
        "63724000"
    )
    assert one(f, subject="Silver operations", metric="costs-of-sales-gaap", **Y05).value == Decimal(
        "58600000"
    )
    # "Total cash costs" opens the block and again the reconciliation to GAAP: two rows, one value
    twice = find(f, subject="Greens Creek Unit", metric="total-cash-costs", **Y06)
    assert [o.value for o in twice] == [Decimal("-9157000")] * 2 and twice[0].share == Decimal("0.2973")
    # "produced (3)   768": a footnote marker, not a negative three
    assert one(f, subject="Lucky Friday Unit", metric="ounces-produced-divisor", **Q4_06).value == 768000
    assert one(f, subject="Hecla Mining Company", metric="by-product-credits", **Y06).value == Decimal(
        "89428000"
    )
    strike = [o for o in f.observations if "strike" in o.metric and o.period == Period(**Q4_06)]
    assert strike and all(o.value == 0 for o in strike)


def test_reserves_not_applicable_wrapped_labels_shares_totals_and_footnotes() -> None:
    f = facts_of("reserves.txt")
    when = date(2006, 12, 31)
    lf = find(f, subject="Lucky Friday Unit", category="proven-probable", end=when)
    assert {o.metric for o in lf} >= {"reserve-ore-tons", "reserve-grade-silver", "reserve-contained-silver"}
    assert not [o for o in lf if o.metric in ("reserve-grade-gold", "reserve-contained-gold")]  # "-"
    gc = one(f, subject="Greens Creek", metric="reserve-contained-gold", category="proven-probable")
    assert gc.value == 257101 and gc.share == Decimal("0.2973") and gc.period == Period(end=when)
    total = one(
        f, subject="Hecla Mining Company", metric="reserve-contained-silver", category="mineralized-material"
    )
    assert total.value == 58369444
    mm = one(f, subject="La Camorra Unit", metric="reserve-ore-tons", category="mineralized-material")
    assert mm.footnotes and mm.footnotes[0].text.startswith("In situ resources")


def test_reserves_blank_cell_does_not_slide_into_the_next_column() -> None:
    f = facts_of("reserves-blank-cell.txt")
    lf = find(f, subject="Lucky Friday Unit", category="proven-probable")
    by_metric = {o.metric: o.value for o in lf}
    assert by_metric["reserve-grade-silver"] == Decimal("15.4")
    assert "reserve-grade-gold" not in by_metric
    assert by_metric["reserve-grade-lead"] == Decimal("8.4")
    assert all(o.period == Period(end=date(2003, 12, 31)) for o in f.observations)
    assert one(f, subject="Golden Eagle", metric="reserve-ore-tons").share == Decimal("0.25")
    assert one(f, subject="Golden Eagle", metric="reserve-ore-tons").category == "other-resources"


def test_capital_additions_table_names_a_unit_per_row() -> None:
    f = facts_of("footer-cut.txt")
    q1 = {"start": date(2003, 1, 1), "end": date(2003, 3, 31)}
    gc = one(f, subject="Greens Creek", metric="capital-additions", **q1)
    assert gc.value == 276000 and gc.share == Decimal("0.2973")
    assert one(f, subject="Other operations", metric="capital-additions", **q1).subject.type == "Segment"
    assert one(f, subject="Hecla Mining Company", metric="capital-additions", **q1).value == 2027000
    assert one(f, metric="hedged-gold").value == 93729


def test_drill_intercepts_are_about_their_holes_with_no_period() -> None:
    f = facts_of("intercepts.txt")
    assert f.observations
    assert {o.unit for o in f.observations} == {"M", "G-PER-TONNE", "OZ-PER-TON"}
    assert all(o.subject.type == "DrillHole" and o.period is None for o in f.observations)
    # the contract's intercept metrics, each in the unit its column prints (g/t and oz/ton)
    assert {o.metric for o in f.observations} == {
        "intercept-length",
        "intercept-grade-silver",
        "intercept-grade-gold",
    }
    assert {o.unit for o in find(f, metric="intercept-grade-silver")} == {"G-PER-TONNE", "OZ-PER-TON"}
    first = f.observations[0]
    assert first.subject.label == "RG-04" and first.interval
    # "Le Soledad  RG-04" then "RG-06" then a row naming no hole: another interval of RG-06
    by_line: dict[int, set[str]] = {}
    for o in f.observations:
        by_line.setdefault(o.source.line, set()).add(o.subject.label)
    lines = sorted(by_line)
    assert [by_line[n] for n in lines[:3]] == [{"RG-04"}, {"RG-06"}, {"RG-06"}]
    # the figures of one row share an interval; rows do not
    intervals = {n: {o.interval for o in f.observations if o.source.line == n} for n in lines[:3]}
    assert all(len(v) == 1 for v in intervals.values()) and len(set().union(*intervals.values())) == 3


def test_footer_rejoined_table_reads_both_halves() -> None:
    f = facts_of("footer-rejoin.txt")
    q1 = {"start": date(2003, 1, 1), "end": date(2003, 3, 31)}
    assert one(f, subject="Greens Creek Unit", metric="zinc-produced", **q1).value == 6082
    assert one(f, subject="Greens Creek Unit", metric="total-cash-cost-per-oz-silver", **q1).value == Decimal(
        "1.67"
    )


# ------------------------------------------------------------ robustness


def test_every_observation_cites_its_own_line_and_table() -> None:
    doc = read_document(DATA / "highlights.txt")
    f = extract_tables(doc, segment(doc))
    ids = {t.id for t in f.tables}
    for o in f.observations:
        assert o.source.table in ids and o.source.extractor == "table"
        assert o.printed.strip("$() ") in doc.lines[o.source.line - 1] or o.printed in ("--", "- -")


def test_garbled_table_gives_problems_not_exceptions() -> None:
    text = (
        "                HECLA MINING COMPANY\n\n"
        "                        Quarter Ended\n"
        "Sales   $ 1,2,3  ((4))  $$  --- 7\n"
        "Costs   12  13  14  15  16  17  18\n"
        "        ----- -- ---\n"
        "Gold    (  ) 3.4.5 %%\n"
    )
    doc = parse_document(text.encode(), name="garbled.txt")
    f = extract_tables(doc, segment(doc))
    assert f.problems


def test_truncated_release_does_not_fail() -> None:
    text = (DATA / "highlights.txt").read_text()
    cut = "\n".join(text.splitlines()[:30]) + "\nSilver - Ounces   1,509,6"
    doc = parse_document(cut.encode(), name="cut.txt")
    f = extract_tables(doc, segment(doc))
    assert find(f, metric="sales")


def test_header_without_year_is_a_problem() -> None:
    text = (
        "                HECLA MINING COMPANY\n"
        "               (dollars in thousands)\n\n"
        "                         Quarter Ended   Quarter Ended\n"
        "                           March 31,       June 30,\n\n"
        "Sales of products          $  1,000        $  2,000\n"
        "Gross profit                    100             200\n"
    )
    doc = parse_document(text.encode(), name="noyear.txt")
    f = extract_tables(doc, segment(doc))
    assert not f.observations
    assert any("period" in p.message for p in f.problems)


def test_extraction_is_deterministic() -> None:
    doc = read_document(CORPUS[0])
    blocks = segment(doc)
    assert extract_tables(doc, blocks) == extract_tables(doc, blocks)


# ------------------------------------------------------------ vocabulary


def test_vocabulary_covers_contract_codes_and_units() -> None:
    vocab = vocabulary()
    codes = {m.code for m in vocab.metrics}
    with (
        open(ROOT.parent / "shared" / "contract" / "metrics.csv", newline="")
        if SHARED.is_dir()
        else io.StringIO("") as fh
    ):
        rows = list(csv.DictReader(fh))
    assert {r["code"] for r in rows} <= codes
    assert {r["unit"] for r in rows} <= vocab.units
    assert {m.unit for m in vocab.metrics} <= vocab.units
    assert all(not c.startswith("x-") for c in codes)


def test_segment_and_category_lookups_name_the_first_term_with_the_variant() -> None:
    vocab = vocabulary()
    for term in vocab.segments:
        for variant in term.variants:
            assert vocab.segment(variant) == next(t.label for t in vocab.segments if variant in t.variants)
    for term in vocab.categories:
        for variant in term.variants:
            assert vocab.category(variant) == next(t.code for t in vocab.categories if variant in t.variants)
    assert vocab.segment("no such segment") == vocab.category("no such category") == ""


def test_scale_and_period_words_are_found_in_non_ascii_text_too() -> None:
    # The plain-text checks that let lines skip the regexes must not skip these (re.I reads "ſ" as "s").
    assert caption_units("(dollars in thousands \u2014 unaudited)").factor("USD") == 1000
    assert caption_units("(dollars in thousands)").factor("USD") == 1000
    assert caption_units("Production summary").scales == {}
    assert phrase_months("SIX MONTHS ENDED") == phrase_months("ſix monthſ ended") == 6
    # and what they match is read, not looked up as spelled ("thouſands" is no key of any table)
    assert caption_units("(Dollarſ and ſhares in thouſands)").scales == {"currency": 1000, "SHARES": 1000}
    assert caption_units("(in milliONS of dollars)").factor("USD") == 1_000_000


# ------------------------------------------------------------ properties


def _print_number(value: Decimal, places: int, dollar: str) -> str:
    body = f"{abs(value):,.{places}f}"
    text = f"({body})" if value < 0 else body
    return dollar + text


_AMOUNTS = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


_NUMBER_SHAPED = st.builds(
    lambda *parts: "".join(parts),
    st.sampled_from(["", "-"]),
    st.sampled_from(["", "$", "(", "$(", "($"]),
    st.from_regex(r"\A(?:[0-9\u0661]{1,3}(?:,[0-9]{3}){0,2}|)(?:\.[0-9]{1,3})?\Z"),
    st.sampled_from(["", ")", "%", ")%"]),
    st.sampled_from(["", "(a)", "(1)", "*"]),
)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        _NUMBER_SHAPED,
        st.sampled_from(["--", "- -", "-", "\u2014", "\u2013\u2013", "n/a", "N.M.", "nm"]),
        st.text(alphabet="0123456789,.-$()%na/*\u2014\u2013\u0661\u00b2", min_size=1, max_size=10),
    )
)
def test_a_number_cell_spans_its_digits(token: str) -> None:
    """A cell's span runs from its first to its last digit or dash (the whole token when it has
    none), whatever "$", parentheses, "%" or a glued marker stand around them: the columns are
    aligned on these spans. The reader finds them by stripping; this is the definition."""
    read = _read_token(token)
    if not read:
        return  # not a number ("$" or a word)
    _number, start, end = read
    body = m.group(1) if (m := _GLUED_MARKER.match(token)) and m.group(1) else token
    marks = [i for i, c in enumerate(body) if c.isdigit() or c == "-"]
    assert (start, end) == ((marks[0], marks[-1] + 1) if marks else (0, len(body)))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789\u0661\u0662,.-$()%a", min_size=1, max_size=10))
def test_digits_of_other_scripts_make_no_number(token: str) -> None:
    """The number pattern's \\d matches any script's digits; a token is a number only when an ASCII
    digit (or a dash) vouches for it, whichever test the reader makes first."""
    if not any(c in "0123456789-" for c in token):
        assert parse_number(token) is None


@settings(max_examples=200, deadline=None)
@given(_AMOUNTS, st.integers(min_value=0, max_value=3), st.sampled_from(["", "$", "$ "]))
def test_number_tokens_round_trip(value: Decimal, places: int, dollar: str) -> None:
    value = value.quantize(Decimal(1).scaleb(-places))
    printed = _print_number(value, places, dollar.strip())
    number = parse_number(printed)
    assert number is not None and number.value == value and number.places == places


@pytest.mark.parametrize(
    ("line", "label", "values"),
    [
        # thousands grouped by spaces, a decimal comma after them or alone (South African releases)
        ("Ore milled     t     3 412 000     3 290 500", "Ore milled     t", ["3412000", "3290500"]),
        ("Capital expenditure   Rm   1 212,4   (1 104,9)", "Capital expenditure   Rm", ["1212.4", "-1104.9"]),
        ("Yield   g/t   0,83   1,05", "Yield   g/t", ["0.83", "1.05"]),
        # a thousands comma stays one ("1,234" is 1234); a garbled token is no number
        ("Sales   $ 70,272   1,234", "Sales", ["70272", "1234"]),
        ("Change   5 %   (4)%   -%", "Change", ["5", "-4", None]),
    ],
)
def test_rows_with_spaced_thousands_decimal_commas_and_spaced_percents(
    line: str, label: str, values: list
) -> None:
    row = split_row(line)
    assert row.label == label
    assert [None if c.number.value is None else str(c.number.value) for c in row.cells] == values
    # every cell still stands where the line prints it
    assert all(line[c.start].isdigit() or line[c.start] in "(-" for c in row.cells)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(_AMOUNTS.map(lambda d: d.quantize(Decimal("0.01"))), st.sampled_from(["- -", "--", "-"])),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(
        ["Total cash costs", "Silver operations", "Income tax benefit (provision)", "Gold - Ounces"]
    ),
    st.sampled_from(["", " (1)", "(2)"]),
)
def test_rows_split_into_label_and_cells(cells: list, label: str, marker: str) -> None:
    printed = [
        c if isinstance(c, str) else _print_number(c, 2, "$" if i % 2 else "") for i, c in enumerate(cells)
    ]
    line = label + marker + "".join("  " + p.rjust(14) for p in printed)
    row = split_row(line)
    assert row.label == label + marker
    assert len(row.cells) == len(cells)
    for cell, want in zip(row.cells, cells, strict=True):
        if want == "-":
            assert cell.number.kind == NA
        elif isinstance(want, str):
            assert cell.number.kind == ZERO and cell.number.value == 0
        else:
            assert cell.number.value == want


_MONTH_ENDS = st.sampled_from([(3, 31), (6, 30), (9, 30), (12, 31)])
_PHRASES = {3: "Quarter Ended", 6: "Six Months Ended", 9: "Nine Months Ended", 12: "Twelve Months Ended"}
_ABBR = {3: "Mar.", 6: "June", 9: "Sept.", 12: "Dec."}


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1995, max_value=2030), _MONTH_ENDS, st.sampled_from([3, 6, 9, 12]), st.booleans()
)
def test_period_headers(year: int, month_day: tuple[int, int], months: int, same_line: bool) -> None:
    month, day = month_day
    cols = [Span(30, 40), Span(42, 52)]
    phrase = _PHRASES[months]
    if same_line:
        lines = [
            " " * 30 + phrase.center(22),
            " " * 30
            + f"{_ABBR[month]} {day}, {year}".rjust(10)
            + "  "
            + f"{_ABBR[month]} {day}, {year - 1}".rjust(10),
        ]
    else:
        lines = [
            " " * 30 + phrase.center(22),
            " " * 30 + f"{_ABBR[month]} {day},".rjust(10) + "  " + f"{_ABBR[month]} {day},".rjust(10),
            " " * 30 + str(year).rjust(10) + "  " + str(year - 1).rjust(10),
        ]
    headers = column_headers(lines, cols, 29)
    for header, y in zip(headers, (year, year - 1), strict=True):
        end = date(y, month, day)
        assert header.period is not None and header.period.end == end
        start = header.period.start
        assert start is not None and start.day == 1
        assert (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1 == months


_LABELS = [
    (
        "Cash flow provided by operating activities before exploration and pre-development expenses",
        "operating-cash-flow-before-exploration",
    ),
    ("Income (loss) applicable to common shareholders", "income-applicable-to-common"),
    ("Basic weighted average number of common shares outstanding", "shares-weighted-basic"),
    ("Net cash provided by (used in) operating activities", "operating-cash-flow"),
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(_LABELS),
    st.lists(st.integers(min_value=1, max_value=11), min_size=2, max_size=6, unique=True),
)
def test_wrapped_labels_join_with_the_number_line(label_metric: tuple[str, str], cuts: list[int]) -> None:
    label, metric = label_metric
    words = label.split()
    cuts = sorted(c for c in cuts if c < len(words))
    pieces, prev = [], 0
    for c in cuts + [len(words)]:
        pieces.append(" ".join(words[prev:c]))
        prev = c
    pieces = [p for p in pieces if p]
    assume(all(len(p) <= 27 for p in pieces))  # fixed-width tables wrap labels to fit the label column
    lines = [pieces[0]] + [" " + p for p in pieces[1:]]
    lines[-1] = lines[-1].ljust(30) + "$1,234      $5,678"  # under "2006" and "2005"
    text = (
        "For the Period Ended December 31, 2006\n\n"
        "                HECLA MINING COMPANY\n"
        "          (dollars and shares in thousands)\n\n"
        "                                  Year Ended\n"
        "                              Dec. 31,    Dec. 31,\n"
        "                                2006        2005\n\n" + "\n".join(lines) + "\n"
    )
    doc = parse_document(text.encode(), name="wrap.txt")
    f = extract_tables(doc, segment(doc))
    found = [o for o in f.observations if o.metric == metric]
    assert len(found) == 2, [(o.metric, o.label) for o in f.observations]
    assert found[0].label == label and found[0].value == Decimal("1234000")
    assert found[0].source.line == len(text.splitlines())


# ------------------------------------------------------------ the sample corpus


def _scorer():
    path = SHARED / "tools" / "score.py"
    if not path.exists():
        pytest.skip("../shared/tools/score.py (the gold-standard scorer) is not beside the repository")
    spec = importlib.util.spec_from_file_location("gold_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus_rows() -> tuple[list[dict[str, str]], list[DocumentFacts]]:
    rows, all_facts = [], []
    for path in CORPUS:
        doc = read_document(path)
        facts = extract_tables(doc, segment(doc))
        all_facts.append(facts)
        for o in facts.observations:
            rows.append(
                {
                    "doc": o.source.doc,
                    "line": str(o.source.line),
                    "subject": o.subject.label,
                    "metric": o.metric,
                    "category": o.category,
                    "period_start": o.period.start.isoformat() if o.period and o.period.start else "",
                    "period_end": o.period.end.isoformat() if o.period else "",
                    "value": format(o.value, "f"),
                    "unit": o.unit,
                }
            )
    return rows, all_facts


def test_every_corpus_table_yields_observations() -> None:
    _, all_facts = _corpus_rows()
    for facts in all_facts:
        assert facts.tables
        empty = [p for p in facts.problems if "gave no observations" in p.message or p.severity == "error"]
        assert not empty, [str(p) for p in empty]
        tables = {o.source.table for o in facts.observations}
        assert tables == {t.id for t in facts.tables}


def test_gold_standard_score(capsys: pytest.CaptureFixture[str]) -> None:
    score = _scorer()
    gold = score.read_csv(str(SHARED / "gold" / "tables-dev.csv"))
    rows, _ = _corpus_rows()
    exact = score.score_tables(gold, rows, str(SHARED / "seeds"), 0)
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    grounded = float(summary.rsplit("(", 1)[1].split(")")[0])
    assert exact >= 0.98, summary
    assert grounded >= 0.99, summary


def test_every_value_is_printed_on_its_line_in_all_releases() -> None:
    score = _scorer()
    rows, _ = _corpus_rows()
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace").splitlines() for p in CORPUS}
    bad = []
    for r in rows:
        v = Decimal(r["value"])
        if v != 0 and not score.printed_forms(v) & score.numbers_on_line(texts[r["doc"]][int(r["line"]) - 1]):
            bad.append(r)
    assert len(bad) <= len(rows) // 100, bad[:5]


def test_html_exhibit_table_cells_that_do_not_line_up() -> None:
    # ingest renders <table> rows cell by cell; "$" and ")" cells shift numbers between rows
    doc = read_document(Path(__file__).resolve().parent / "data" / "ingest" / "exhibit.htm")
    f = extract_tables(doc, segment(doc))
    q4 = {"start": date(2004, 10, 1), "end": date(2004, 12, 31)}
    assert one(f, metric="gold-produced", **q4).value == 51438
    assert one(f, metric="net-income", start=date(2003, 10, 1)).value == -1001
    raw = (Path(__file__).resolve().parent / "data" / "ingest" / "exhibit.htm").read_text().splitlines()
    for o in f.observations:  # the cited line is the HTML source line that prints the number
        assert o.printed.strip("$()").split(",")[0] in raw[o.source.line - 1]
    assert not [p for p in f.problems if p.severity != "info"]


def test_minus_signs_words_for_not_applicable_and_forecast_columns() -> None:
    text = (
        "                     HECLA MINING COMPANY\n"
        "                       Production Data\n\n"
        "                                    Year Ended\n"
        "                                     Dec. 31,         2008\n"
        "                                       2007       Guidance\n\n"
        "LUCKY FRIDAY UNIT\n"
        "Silver produced (oz.)             5,509,746      6,000,000\n"
        "Gold produced (oz.)                 179,276            n/a\n"
        "Average cost per ounce of\n"
        " silver produced:\n"
        "  Total cash costs                    -0.15           1.00\n"
    )
    doc = parse_document(text.encode(), name="guidance.txt")
    f = extract_tables(doc, segment(doc))
    y07 = {"start": date(2007, 1, 1), "end": date(2007, 12, 31)}
    y08 = {"start": date(2008, 1, 1), "end": date(2008, 12, 31)}
    assert one(f, metric="total-cash-cost-per-oz-silver", **y07).value == Decimal("-0.15")
    assert not one(f, metric="silver-produced", **y07).estimate
    assert one(f, metric="silver-produced", **y08).estimate
    assert not find(f, metric="gold-produced", **y08)  # "n/a"
    assert one(f, metric="gold-produced", **y07).subject.label == "Lucky Friday Unit"


_CELL = st.one_of(
    _AMOUNTS.map(lambda d: _print_number(d.quantize(Decimal("0.01")), 2, "")),
    st.sampled_from(["$", "- -", "--", "-", "(1)", "n/a", "2006", "Dec. 31,", "Quarter Ended", "TOTAL"]),
    st.text(alphabet="abcdefgh ():%$,.-", min_size=1, max_size=12),
)
_ROW = st.tuples(st.integers(min_value=0, max_value=6), st.lists(_CELL, min_size=0, max_size=6)).map(
    lambda t: " " * t[0] + "   ".join(t[1])
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=25))
def test_random_tables_never_raise_and_cite_printed_numbers(rows: list[str]) -> None:
    text = (
        "                HECLA MINING COMPANY\n         (dollars in thousands)\n\n" + "\n".join(rows) + "\n"
    )
    doc = parse_document(text.encode(), name="random.txt")
    f = extract_tables(doc, segment(doc))
    assert not [p for p in f.problems if p.severity == "error"], f.problems
    for o in f.observations:
        assert o.printed in doc.lines[o.source.line - 1]


def test_metric_units_scale_variants_and_a_change_column() -> None:
    text = (
        "                     ACME SILVER CORP.\n"
        "                        Operating Data\n"
        "            (in thousands of U.S. dollars, except where noted)\n\n"
        "                              Three Months Ended\n"
        "                               March 31,  March 31,\n"
        "                                 2008       2007     % Change\n\n"
        "Tonnes milled                   120,000    100,000        20%\n"
        "Silver produced (oz.)         1,200,000  1,000,000        20%\n"
        "Capital expenditures              5,000      4,000        25%\n"
    )
    doc = parse_document(text.encode(), name="metric.txt")
    f = extract_tables(doc, segment(doc))
    q1 = {"start": date(2008, 1, 1), "end": date(2008, 3, 31)}
    milled = one(f, metric="ore-processed", **q1)
    assert milled.unit == "TONNE" and milled.value == 120000 and milled.subject.label == "Acme Silver Corp."
    assert one(f, metric="capital-additions", **q1).value == 5000000
    assert len(f.observations) == 6  # the % Change column has no period: left out, with one note
    notes = [p for p in f.problems if "no period" in p.message]
    assert len(notes) == 1 and "% Change" in notes[0].message


def test_markers_glued_to_numbers_and_percent_rows() -> None:
    text = (
        "                     HECLA MINING COMPANY\n"
        "                       Production Data\n\n"
        "                                    Year Ended\n"
        "                                 Dec. 31,    Dec. 31,\n"
        "                                   2007        2006\n\n"
        "LUCKY FRIDAY UNIT\n"
        "Silver produced (oz.)          1,234,567(a)   1,000,000\n"
        "Mill recovery (%)                   91.5        90.2\n\n"
        "(a) Includes ounces from development.\n"
    )
    doc = parse_document(text.encode(), name="glued.txt")
    f = extract_tables(doc, segment(doc))
    y07 = {"start": date(2007, 1, 1), "end": date(2007, 12, 31)}
    silver = one(f, metric="silver-produced", **y07)
    assert silver.value == 1234567 and silver.printed == "1,234,567(a)"
    assert [n.marker for n in silver.footnotes] == ["a"]
    # "Mill recovery (%)" under a silver producer's rows: the silver recovery of the contract
    recovery = [o for o in f.observations if "recovery" in o.metric]
    assert recovery and {o.unit for o in recovery} == {"PERCENT"} and recovery[0].metric == "recovery-silver"


_LABEL_TEXT = st.text(alphabet=st.sampled_from("aZ09 (1)*&%-.$/\tſıİé١"), max_size=30)


@given(_LABEL_TEXT)
def test_norm_keeps_its_definition(text: str) -> None:
    # the definition norm() had before its steps were skipped where they change nothing
    steps = (
        re.sub(r"\(\s*\d{1,2}\s*\)|\*+", " ", text.lower()).replace("&", " and ").replace("%", " percent ")
    )
    assert norm(text) == " ".join(re.sub(r"[^a-z0-9]+", " ", steps).split())


@given(_LABEL_TEXT)
def test_strip_markers_keeps_its_definition(text: str) -> None:
    assert strip_markers(text) == " ".join(re.sub(r"\(\s*(\d{1,2})\s*\)|(\*+)", " ", text).split())


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=1, max_value=36)
)
def test_period_starts_as_relativedelta_counts_months(end: date, months: int) -> None:
    start = end + timedelta(days=1) - relativedelta(months=months)
    assert period_for.__wrapped__(end, months) == Period(end=end, start=start)


def _header_periods(
    text: str, fiscal_year_end: tuple[int, int] | None = None
) -> list[tuple[date | None, date]]:
    from kg.tables.grid import build_grid

    lines = text.strip("\n").split("\n")
    (part,) = build_grid(list(enumerate(lines, 1))).parts
    headers = column_headers(
        [ln.text for ln in part.header], part.columns, part.label_end, None, [], fiscal_year_end
    )
    return [(h.period.start, h.period.end) for h in headers]


@pytest.mark.parametrize(
    ("header", "fye", "periods"),
    [
        (
            "                       Q4       Q4    Year ended  Year ended\n"
            "                     2016     2015     Dec. 2016   Dec. 2015\n"
            "Gold produced (oz)   79.8     75.4         314.8       292.3\n",
            None,
            [
                (date(2016, 10, 1), date(2016, 12, 31)),
                (date(2015, 10, 1), date(2015, 12, 31)),
                (date(2016, 1, 1), date(2016, 12, 31)),
                (date(2015, 1, 1), date(2015, 12, 31)),
            ],
        ),
        (
            "                      3Q 2018   3Q 2017   YTD 2018   YTD 2017\n"
            "Gold produced (oz)     61,200    58,950    180,000    170,000\n",
            None,
            [
                (date(2018, 7, 1), date(2018, 9, 30)),
                (date(2017, 7, 1), date(2017, 9, 30)),
                (date(2018, 1, 1), date(2018, 9, 30)),
                (date(2017, 1, 1), date(2017, 9, 30)),
            ],
        ),
        (
            "                          Q3        Q3    9 months   9 months\n"
            "                        2018      2017       2018       2017\n"
            "Gold produced (oz)    61,200    58,950    180,000    170,000\n",
            None,
            [
                (date(2018, 7, 1), date(2018, 9, 30)),
                (date(2017, 7, 1), date(2017, 9, 30)),
                (date(2018, 1, 1), date(2018, 9, 30)),
                (date(2017, 1, 1), date(2017, 9, 30)),
            ],
        ),
        (
            "                       H1 2018    H1 2017\nGold produced (oz)     61,200     58,950\n",
            None,
            [(date(2018, 1, 1), date(2018, 6, 30)), (date(2017, 1, 1), date(2017, 6, 30))],
        ),
        (
            # a June-30 company's fiscal years
            "                   Fiscal 2005   Fiscal 2004\nRoyalty revenue         28,100        21,900\n",
            (6, 30),
            [(date(2004, 7, 1), date(2005, 6, 30)), (date(2003, 7, 1), date(2004, 6, 30))],
        ),
        (
            # Australian quarterlies: "Sep Qtr" over the year
            "                      Sep Qtr    Jun Qtr\n"
            "                         2016       2016\n"
            "Gold produced (oz)     61,200     58,950\n",
            None,
            [(date(2016, 7, 1), date(2016, 9, 30)), (date(2016, 4, 1), date(2016, 6, 30))],
        ),
        (
            # a quarter with a two-digit year after a slash
            "                        Q3/16      Q3/15\nGold produced (oz)     61,200     58,950\n",
            None,
            [(date(2016, 7, 1), date(2016, 9, 30)), (date(2015, 7, 1), date(2015, 9, 30))],
        ),
        (
            # a June-30 company's fiscal quarters: Q3 of FY17 is January to March 2017
            "                      Q3 FY17    Q3 FY16\nGold produced (oz)     61,200     58,950\n",
            (6, 30),
            [(date(2017, 1, 1), date(2017, 3, 31)), (date(2016, 1, 1), date(2016, 3, 31))],
        ),
        (
            "                       FY2017     FY2016\nGold produced (oz)    241,200    228,950\n",
            (6, 30),
            [(date(2016, 7, 1), date(2017, 6, 30)), (date(2015, 7, 1), date(2016, 6, 30))],
        ),
        (
            # a month and two-digit year: the month's end, an instant (a flow takes the caption's length)
            "                       Dec-16     Dec-15\nCash and equivalents    1,200      1,100\n",
            None,
            [(None, date(2016, 12, 31)), (None, date(2015, 12, 31))],
        ),
    ],
)
def test_quarter_half_and_fiscal_year_headers(header: str, fye, periods) -> None:
    assert _header_periods(header, fye) == periods


def test_garbled_numbers_are_reported_with_their_line_and_not_read() -> None:
    f = facts_of("garbled.txt")
    warnings = [p for p in f.problems if "letters among its digits" in p.message]
    assert [(p.line, p.severity) for p in warnings] == [(8, "warning"), (9, "warning")]
    assert "'1,5O9,67O'" in warnings[0].message
    # the rest of the table is read, each number in its own column
    assert one(f, metric="sales", end=date(2007, 12, 31)).value == 1_234_000_000
    assert one(f, metric="gross-profit", end=date(2008, 12, 31)).value == 412_000_000
    assert not find(f, metric="sales", end=date(2008, 12, 31))
    (table,) = f.tables
    assert {(u.line, u.printed) for u in table.unread} == {(8, "1,5O9,67O"), (9, "(3.7O)")}


def test_a_file_cut_off_inside_a_table_is_reported() -> None:
    f = facts_of("cut-short.txt")
    assert any("ends inside table" in p.message and p.line == 8 for p in f.problems)
    assert one(f, metric="gold-produced", end=date(2008, 12, 31)).value == 112_000  # what is there is read
    assert not any("ends inside" in p.message for p in facts_of("garbled.txt").problems)


def test_html_table_with_a_unit_column_spaced_thousands_and_decimal_commas() -> None:
    f = facts_of("spaced-thousands.htm")
    h2 = {"start": date(2020, 7, 1), "end": date(2020, 12, 31)}
    ore = one(f, metric="ore-processed", **h2)
    assert (ore.value, ore.unit) == (3_412_000, "TONNE")  # "3 412 000" in a cell, "t" beside it
    assert one(f, metric="gold-produced", **h2).value == 10_841  # never "841"
    assert one(f, metric="aisc-per-oz-gold", **h2).unit == "ZAR-PER-KG"
    capex = one(f, metric="capital-additions", **h2)
    assert (capex.value, capex.unit, capex.decimals) == (1_212_400_000, "ZAR", -5)  # "1 212,4" Rm
    assert not [p for p in f.problems if p.severity != "info"], f.problems


def test_header_without_year_takes_the_releases_period() -> None:
    text = (
        "WESTERLY SILVER REPORTS SECOND QUARTER 2007 RESULTS\n\n"
        "RENO, Nevada--(BUSINESS WIRE)--Aug. 8, 2007--Westerly Silver Corp. (NYSE:WSC) today reported\n"
        "results for the second quarter ended June 30, 2007.\n\n"
        "                WESTERLY SILVER CORP.\n"
        "               (dollars in thousands)\n\n"
        "                         Quarter Ended   Quarter Ended\n"
        "                           March 31,       June 30,\n\n"
        "Sales of products          $  1,000        $  2,000\n"
        "Gross profit                    100             200\n"
    )
    doc = parse_document(text.encode(), name="noyear.txt")
    f = extract_tables(doc, segment(doc))
    sales = sorted((o.period.start, o.period.end, o.value) for o in f.observations if o.metric == "sales")
    assert sales == [
        (date(2007, 1, 1), date(2007, 3, 31), 1_000_000),
        (date(2007, 4, 1), date(2007, 6, 30), 2_000_000),
    ]
    assert "the release's period" in next(o.column for o in f.observations if o.metric == "sales")


@pytest.mark.parametrize(
    ("line", "cells", "highs"),
    [
        ("Gold production (oz)      180,000 - 200,000      176,412", ["180,000", "176,412"], ["200,000"]),
        ("AISC ($/oz)               $1,050 \u2013 $1,150        $1,096", ["$1,050", "$1,096"], ["$1,150"]),
        ("Head grade (g/t)          1.2 to 1.4             1.31", ["1.2", "1.31"], ["1.4"]),
        # no ranges: nil dashes in columns of their own, a descending pair, fiscal years
        ("Net income                1,234      -      5,678", ["1,234", "-", "5,678"], []),
        ("Change                    5 - 3", ["5", "-", "3"], []),
    ],
)
def test_a_range_is_one_cell_with_its_upper_end_beside(line: str, cells: list[str], highs: list[str]) -> None:
    row = split_row(line)
    assert [c.printed for c in row.cells] == cells
    assert [h.printed for _, h in row.highs] == highs
    for end, high in row.highs:  # each upper end is filed under the cell of its lower end
        assert end in {c.end for c in row.cells} and high.start > end


def test_a_minus_sign_and_dashes_from_a_word_processor() -> None:
    """ "\u22121,234" (a minus sign) and "\u2013567" (an en dash before a number) are negative, a lone
    "\u2014" a zero; before, the row's first number went into its label and its metric was minted."""
    row = split_row("Net income (loss)               \u22121,234        3,456")
    assert row.label == "Net income (loss)" and [c.number.value for c in row.cells] == [-1234, 3456]
    row = split_row("Other income (expense)            \u2013567          120")
    assert [c.number.value for c in row.cells] == [-567, 120]
    row = split_row("Income tax                           \u2014            85")
    assert [c.number.kind for c in row.cells] == [ZERO, "number"]
    assert (
        split_row("Grade mined \u2013 underground reef   6.05").label == "Grade mined \u2013 underground reef"
    )


@pytest.mark.parametrize(
    ("token", "value", "places"),
    [
        ("$45.2M", Decimal("45200000"), -5),
        ("US$1.2bn", Decimal("1200000000"), -8),
        ("62.5koz", Decimal("62500"), -2),
        ("1.2Mt", Decimal("1200000"), -5),
        ("12.5m", Decimal("12.5"), 1),  # metres in a drill table: no money scale without a currency
        ("1,045*", Decimal("1045"), 0),
        ("982\u2020", Decimal("982"), 0),
    ],
)
def test_a_scale_unit_or_mark_glued_to_a_number(token: str, value: Decimal, places: int) -> None:
    """Highlights tables print "$45.2M", "62.5koz" or "1,045*" in a cell: the number, scaled by a
    money scale after a currency mark or by a unit's prefix; before, the row had no cells at all."""
    number = parse_number(token)
    assert number is not None and (number.value, number.places) == (value, places)
    row = split_row(f"Revenue                 {token}        {token}")
    assert row.label == "Revenue" and len(row.cells) == 2


def test_first_months_of_a_year_with_nothing_else_to_date_them() -> None:
    """"9M 2021" and "6M 2021" with no release period and no date in the header: the first nine or
    six months of the year, not the last (before: April to December)."""
    line = "   9M 2021     6M 2020"
    spans = [Span(3, 10), Span(15, 22)]
    nine, six = column_headers([line], spans, 0, None, [], None, None)
    assert (nine.period.start, nine.period.end) == (date(2021, 1, 1), date(2021, 9, 30))
    assert (six.period.start, six.period.end) == (date(2020, 1, 1), date(2020, 6, 30))
