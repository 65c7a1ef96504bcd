"""kg.tables.units: the scale, currency and unit grammar of captions, headings, labels and headers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.tables.units import caption_units, compatible, dimension, heading_unit, parse_unit

K, M = Decimal(1000), Decimal(1_000_000)


@pytest.mark.parametrize(
    ("printed", "code", "factor"),
    [
        ("koz", "OZ", K),
        ("Moz", "OZ", M),
        ("(kt)", "TONNE", K),
        ("(Mt)", "TONNE", M),
        ("Mlb", "LB", M),
        ("(Mlbs)", "LB", M),
        ("(000 tonnes)", "TONNE", K),
        ("('000 oz)", "OZ", K),
        ("(thousands of ounces)", "OZ", K),
        ("ounces in thousands", "OZ", K),
        ("millions of pounds", "LB", M),
        ("(US$/oz sold)", "USD-PER-OZ", 1),
        ("(A$/oz)", "AUD-PER-OZ", 1),
        ("(cents/lb)", "USD-PER-LB", Decimal("0.01")),
        ("cents/pound", "USD-PER-LB", Decimal("0.01")),
        ("$ per ounce", "USD-PER-OZ", 1),
        ("$/ton", "USD-PER-TON", 1),
        ("$/t", "USD-PER-TONNE", 1),
        ("(g/t)", "G-PER-TONNE", 1),
        ("(oz/ton)", "OZ-PER-TON", 1),
        ("(%)", "PERCENT", 1),
        ("tons/day", "TON-PER-DAY", 1),
        ("(m)", "M", 1),
        ("(short tons)", "TON", 1),
        ("US$ millions", "USD", M),
        ("$000", "USD", K),
        ("C$", "CAD", 1),
        ("(000s)", "", K),
        ("(in thousands)", "", K),
    ],
)
def test_printed_units(printed: str, code: str, factor: Decimal) -> None:
    spec = parse_unit(printed)
    assert spec is not None and (spec.code, spec.factor) == (code, factor)


def test_words_after_a_unit_say_what_was_counted() -> None:
    assert parse_unit("$/lb payable copper").rest == "payable copper"
    assert parse_unit("(US$/oz sold)").rest == "sold"


@pytest.mark.parametrize("printed", ["Change %", "A$/US$", "Q2 vs. Q1", "Torcaz Vein", ""])
def test_not_units(printed: str) -> None:
    assert parse_unit(printed) is None


def test_caption_scales_and_what_they_except() -> None:
    c = caption_units("(in thousands of U.S. dollars, except per share amounts)")
    assert c.factor("USD") == K and c.currency == "USD"
    assert c.factor("USD-PER-SHARE") is None  # a rate is never scaled
    assert c.factor("SHARES") == K  # share counts follow the money unless excepted
    assert caption_units("(in thousands, except share and per share amounts)").factor("SHARES") is None
    c = caption_units("(in thousands of U.S. dollars, except ounces and per ounce amounts)")
    assert c.factor("OZ") is None and c.factor("USD") == K
    assert caption_units("(dollars and ounces in thousands, except per ounce)").factor("OZ") == K
    assert caption_units("Financial Summary (US$ millions)").factor("USD") == M
    assert caption_units("(A$ millions)").currency == "AUD"
    assert caption_units("(ounces in thousands)").factor("OZ") == K
    assert caption_units("(ounces in thousands)").factor("USD") is None
    assert caption_units("Production and Cost Summary (unaudited)").scales == {}


def test_heading_units() -> None:
    assert heading_unit("Hollowell Mine (short tons)").code == "TON"
    assert heading_unit("Plata Vieja Mine (metric)").code == "TONNE"
    assert heading_unit("KESTREL LAKE (51% interest, operator)") is None


def test_dimensions_decide_what_can_stand_for_what() -> None:
    assert compatible("AUD-PER-OZ", "USD-PER-OZ")
    assert compatible("G-PER-TONNE", "OZ-PER-TON")  # grades
    assert compatible("TONNE", "TON")
    assert not compatible("USD-PER-OZ", "OZ")
    assert not compatible("TON", "TON-PER-DAY")
    assert dimension("USD-PER-SHARE") == "currency/share"


_SCALES = {"k": K, "M": M}


@given(
    st.sampled_from(sorted(_SCALES)),
    st.sampled_from(["oz", "t", "lb", "lbs"]),
    st.sampled_from(["", "(", " "]),
)
def test_prefixed_mass_units_scale_by_their_prefix(prefix: str, base: str, wrap: str) -> None:
    text = f"({prefix}{base})" if wrap == "(" else f"{wrap}{prefix}{base}"
    spec = parse_unit(text)
    assert spec is not None and spec.factor == _SCALES[prefix]
    assert spec.code == {"oz": "OZ", "t": "TONNE", "lb": "LB", "lbs": "LB"}[base]


@given(
    st.sampled_from(["thousands", "millions", "THOUSANDS", "Millions"]),
    st.sampled_from(["dollars", "ounces", "tonnes", "pounds"]),
)
def test_scale_words_before_or_after_the_unit(scale: str, unit: str) -> None:
    factor = K if scale.lower().startswith("t") else M
    before = parse_unit(f"({scale} of {unit})")
    after = parse_unit(f"({unit} in {scale})")
    assert before is not None and after is not None
    assert before.factor == after.factor == factor and before.code == after.code
