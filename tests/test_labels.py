"""kg.tables.labels and kg.tables.metric_match: row labels read as sets of canonical words and compared
with the metric vocabulary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.tables.labels import read_label
from kg.tables.metric_match import MatchContext, ambiguous_keys, match
from kg.vocab import vocabulary


def _metric(label: str, kind: str = "", family: str = "", metals: tuple[str, ...] = ()) -> str:
    found = match(read_label(label), MatchContext(kind, family, lambda: metals), lambda m: True)
    return found.code if found else ""


@pytest.mark.parametrize(
    ("label", "kind", "code"),
    [
        ("Gold produced (oz)", "", "gold-produced"),
        ("Production - gold", "", "gold-produced"),
        ("Ounces of gold produced", "", "gold-produced"),
        ("Income (loss) before income taxes", "operations", "income-before-taxes"),
        ("(Loss) income before income taxes", "operations", "income-before-taxes"),
        ("Depreciation and amortisation", "", "dda"),
        ("Net cash provided by (used in) operating activities", "cash-flows", "operating-cash-flow"),
        ("Net cash used in operating activities", "cash-flows", "operating-cash-flow"),
        ("Other operating (income) expense", "operations", "other-operating-expense"),
        ("Total stockholders' equity", "balance-sheet", "shareholders-equity"),
        ("Tons milled per day", "production", "ore-processed-per-day"),
        ("AISC, after by-product credits, per silver ounce", "reconciliation", "aisc-per-oz-silver"),
        ("C1 cash cost ($/lb payable copper)", "highlights", "c1-cash-cost-per-lb-copper"),
        ("Mill head grade (PGM oz/ton)", "production", "ore-grade-pgm"),
        ("Add: Sustaining capital", "reconciliation", "sustaining-capital"),
        ("Less: By-product credits", "reconciliation", "by-product-credits"),
        ("Current portion of long-term debt", "balance-sheet", "long-term-debt-current"),
        ("Long-term debt, net of current portion", "balance-sheet", "long-term-debt"),
        ("Contained gold (Moz)", "reserves", "reserve-contained-gold"),
        ("Gold (ounces)", "reserves", "reserve-contained-gold"),
        ("Gold (ounces)", "production", "gold-produced"),
        ("Au (g/t)", "drill-intercepts", "intercept-grade-gold"),
    ],
)
def test_labels_releases_print_name_contract_metrics(label: str, kind: str, code: str) -> None:
    assert _metric(label, kind) == code


def test_a_printed_unit_must_fit_the_metric() -> None:
    # "Platinum ($/oz)" is no quantity of platinum; under its family row it is a realized price
    assert _metric("Platinum ($/oz)") == ""
    assert _metric("Platinum ($/oz)", family="Average realized price -") == "price-platinum-realized"


def test_a_label_naming_no_metal_takes_its_contexts() -> None:
    assert _metric("Head grade (g/t)", "production", metals=("gold",)) == "ore-grade-gold"
    assert _metric("Recovery (%)", "production", metals=("copper",)) == "recovery-copper"
    # the first metal of the context with such a metric: a PGM producer's cost per ounce
    assert (
        _metric("Total cash costs per ounce", "production", metals=("platinum", "pgm"))
        == "total-cash-cost-per-oz-pgm"
    )


def test_basic_and_diluted_rows_read_with_their_family_row() -> None:
    assert _metric("Basic", "operations", family="Net income per share:") == "eps-basic"
    assert (
        _metric("Diluted", "operations", family="Weighted average shares outstanding:")
        == "shares-weighted-diluted"
    )
    assert _metric("Basic", "operations") == ""  # alone it names nothing


def test_a_near_miss_is_no_match() -> None:
    assert _metric("Gold produced in concentrate at the new plant") == ""
    assert _metric("Cash cost per ounce of tungsten") == ""


def test_100_percent_basis_rows_are_told_from_attributable_ones() -> None:
    assert _metric("Gold produced (100% basis)") == "gold-produced-100pct"
    assert _metric("Gold produced (51%)") == "gold-produced"
    label = read_label("Gold produced (koz) (51%)")
    assert label.share is not None and str(label.share) == "0.51" and label.unit.factor == 1000


def test_the_vocabulary_has_no_label_naming_two_metrics_alike() -> None:
    assert ambiguous_keys() == {}


def test_every_metric_label_reads_back_to_its_metric() -> None:
    # each altLabel, read in a table of a kind its metric applies in, names that metric (or
    # another metric the same words name there, told apart by context)
    vocab = vocabulary()
    misses = []
    for m in vocab.metrics:
        kind = sorted(m.tables)[0] if m.tables else "highlights"
        for text in m.alt_texts:
            if m.cues:
                continue
            found = _metric(text, kind)
            if not found:
                misses.append((m.code, text))
    assert not misses, misses[:20]


_WORDS = st.lists(
    st.sampled_from(["Gold", "produced", "Silver", "sold", "Total", "cash", "costs", "ore", "milled"]),
    min_size=1,
    max_size=5,
)


@given(_WORDS)
def test_word_order_and_case_do_not_change_a_label(words: list[str]) -> None:
    a = read_label(" ".join(words))
    b = read_label(" ".join(reversed([w.upper() for w in words])))
    assert a.words == b.words
