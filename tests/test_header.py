"""Header reader: company, aliases, tickers, release date and period from release openings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kg.header import parse_date, read_header
from kg.ingest import parse_document

CASES = Path(__file__).resolve().parent / "data" / "ingest" / "headers.txt"


def _cases() -> list[tuple[str, dict[str, str], str]]:
    out = []
    text = "\n".join(line for line in CASES.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    for chunk in text.split("=== ")[1:]:
        name, rest = chunk.split("\n", 1)
        spec, body = rest.split("\n---\n", 1)
        expect = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in spec.splitlines() if ":" in line)}
        out.append((name.strip(), expect, body))
    return out


def _day(text: str) -> date | None:
    return None if text == "none" else date.fromisoformat(text)


def test_at_least_fifteen_headers_of_many_forms() -> None:
    cases = _cases()
    assert len(cases) >= 15
    assert len({c[1]["company"] for c in cases}) == len(cases)  # a different company each


@pytest.mark.parametrize(("name", "expect", "body"), _cases(), ids=[c[0] for c in _cases()])
def test_header(name: str, expect: dict[str, str], body: str) -> None:
    doc = parse_document(body.encode("utf-8"), name="header.txt")
    meta = doc.meta
    assert meta.company == expect["company"]
    assert meta.release_date == _day(expect["release"])
    if expect["period"] == "none":
        assert meta.period_start is None and meta.period_end is None
        assert any(m.startswith("period:") for m in meta.missing)
    else:
        start, end = expect["period"].split("..")
        assert (meta.period_start, meta.period_end) == (_day(start), _day(end))
    if "tickers" in expect:
        pairs = tuple(tuple(p.strip().rsplit(":", 1)) for p in expect["tickers"].split(","))
        assert meta.tickers == pairs
        assert meta.ticker == pairs[0][1]
    if "aliases" in expect:
        assert meta.aliases == tuple(a.strip() for a in expect["aliases"].split("|"))
    fy = expect.get("fy_end")
    assert meta.fiscal_year_end == (tuple(int(x) for x in fy.split("-")) if fy else None)
    if not expect["company"]:
        assert any(m.startswith("company:") for m in meta.missing)
    if expect["release"] == "none":
        assert any(m.startswith("release date:") for m in meta.missing)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Feb. 19, 2014", date(2014, 2, 19)), ("FEBRUARY 3, 2005", date(2005, 2, 3)), ("30 June 1998", date(1998, 6, 30)),
     ("Sept. 16, 2009", date(2009, 9, 16)), ("May 08, 2018", date(2018, 5, 8)), ("Feb. 30, 2014", None)],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_period_end_date_is_not_the_release_date() -> None:
    header = read_header(["RESULTS FOR THE QUARTER ENDED DECEMBER 31, 2004", "", "DENVER - FEBRUARY 3, 2005 - X"])
    assert header.release_date == date(2005, 2, 3)
