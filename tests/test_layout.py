"""kg.layout: documents → heading, prose, table and boilerplate blocks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.facts import Block, Document
from kg.ingest import parse_document, read_document
from kg.layout import _BOILERPLATE, HEADER, NUMROW, RULE, TEXT, classify, is_title, segment
from kg.tables import extract_tables

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
DATA = Path(__file__).resolve().parent / "data" / "tables"
KINDS = {"heading", "prose", "table", "boilerplate"}


def _doc(text: str, name: str = "t.txt") -> Document:
    return parse_document(text.encode(), name=name)


def _tables(blocks: tuple[Block, ...]) -> list[Block]:
    return [b for b in blocks if b.kind == "table"]


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_blocks_are_ordered_disjoint_and_cover_every_line(path: Path) -> None:
    doc = read_document(path)
    blocks = segment(doc)
    assert {b.kind for b in blocks} <= KINDS
    covered: set[int] = set()
    last = 0
    for b in blocks:
        assert last < b.first_line <= b.last_line
        assert b.lines == tuple(doc.text(n) for n in range(b.first_line, b.last_line + 1))
        covered |= set(range(b.first_line, b.last_line + 1))
        last = b.last_line
    for n in range(1, len(doc.lines) + 1):
        if doc.text(n).strip():
            assert n in covered, f"{path.name}:{n} is in no block"


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_every_release_has_its_statement_tables(path: Path) -> None:
    doc = read_document(path)
    tables = _tables(segment(doc))
    captions = [" ".join(t.lines[:4]) for t in tables]
    assert len(tables) >= 6
    for statement in ("Balance Sheets", "Cash Flows", "Statements of Operations", "Production Data"):
        assert any(statement in c for c in captions), statement


def test_boilerplate_is_its_own_kind() -> None:
    doc = read_document(ROOT / "corpus" / "000_ab7ab8a88c10b9e9.txt")
    blocks = segment(doc)
    boiler = [" ".join(b.lines) for b in blocks if b.kind == "boilerplate"]
    assert any("forward-looking statements" in b for b in boiler)
    assert any("Cautionary Note" in b for b in boiler)
    assert any("news releases can be accessed" in b for b in boiler)
    prose = " ".join(" ".join(b.lines) for b in blocks if b.kind == "prose")
    assert "forward-looking statements" not in prose


def test_headings_set_the_section_of_the_blocks_below() -> None:
    doc = read_document(ROOT / "corpus" / "000_ab7ab8a88c10b9e9.txt")
    blocks = segment(doc)
    headings = [b for b in blocks if b.kind == "heading"]
    assert [" ".join(h.lines).strip() for h in headings][:3] == [
        "2006 HIGHLIGHTS",
        "OPERATIONS",
        "EXPLORATION",
    ]
    after = next(b for b in blocks if b.kind == "prose" and b.first_line > headings[1].last_line)
    assert after.section == "OPERATIONS"


def test_table_caption_is_part_of_the_table_and_footnotes_are_not() -> None:
    doc = read_document(DATA / "highlights.txt")
    tables = _tables(segment(doc))
    assert tables[0].lines[0].strip() == "HECLA MINING COMPANY"
    assert all(not line.lstrip().startswith("(1) Includes") for t in tables for line in t.lines)


def test_a_page_footer_inside_a_table_does_not_cut_it() -> None:
    doc = read_document(DATA / "footer-rejoin.txt")
    footer = [n for n in doc.furniture if "Contact" in doc.lines[n - 1]]
    assert len(footer) == 3
    tables = _tables(segment(doc))
    assert len(tables) == 1
    inside = [n for n in footer if tables[0].first_line < n < tables[0].last_line]
    assert inside, "the footer should sit inside the rejoined table"
    assert tables[0].lines[inside[0] - tables[0].first_line] == ""  # furniture is blanked


def test_a_new_caption_after_a_footer_starts_a_new_table() -> None:
    doc = read_document(DATA / "footer-cut.txt")
    tables = _tables(segment(doc))
    assert any("Production Data (cont.)" in " ".join(t.lines) for t in tables)
    assert len(tables) == 4


def test_hedged_positions_statement_is_a_table() -> None:
    doc = read_document(DATA / "production-no-scale.txt")
    tables = _tables(segment(doc))
    assert any("HEDGED POSITIONS" in t.lines[0] for t in tables)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Silver operations (1)  $   43,240  $   18,876  $  122,585  $   71,152", NUMROW),
        ("                          TOTAL 607,569  51,048,797  202,525  276,341", NUMROW),
        ("- ----------------------------------------------------------------------", RULE),
        ("                        Fourth Quarter Ended         Year Ended", HEADER),
        ("                           2006        2005        2006        2005", HEADER),
        ("Mine - (Hecla interest in %)    Tons    (oz/ton) (oz/ton)  (%)    (%)", HEADER),
        ("per ounce. The company expects 1,000 feet of drifting in 2007", TEXT),
        ("    (dollars and shares in thousands, except per share amounts -", TEXT),
    ],
)
def test_line_shapes(line: str, kind: str) -> None:
    assert classify(line) == kind


_WORDS = st.text(alphabet="abcdefghij KLMNOP,.$()-0123456789\t", min_size=0, max_size=60)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_segment_never_fails_and_covers_every_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    if not text.strip():
        return
    doc = _doc(text)
    blocks = segment(doc)
    covered = {n for b in blocks for n in range(b.first_line, b.last_line + 1)}
    for n in range(1, len(doc.lines) + 1):
        if doc.text(n).strip():
            assert n in covered


def test_paragraphs_without_blank_lines_split_at_indented_first_lines() -> None:
    text = (
        "    COEUR D'ALENE, Idaho--(BUSINESS WIRE)--Feb. 12, 2004--Hecla Mining\n"
        "Company (NYSE:HL) today reported 2003 results.\n"
        "    Hecla's President said the year was good. He\n"
        "said more.\n"
        "    Fourth quarter net income was $2.2 million.\n"
    )
    blocks = segment(_doc(text))
    assert [(b.kind, b.first_line, b.last_line) for b in blocks] == [
        ("prose", 1, 2),
        ("prose", 3, 4),
        ("prose", 5, 5),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Statements made which are not historical facts are forward looking statements.",
        "CAUTIONARY NOTE TO INVESTORS",
        "News releases can be accessed on the company's web site.",
        "Private Securities Litigation Reform Act of 1995",
        "the safe harbor provided by the Act",
        "Contact: Investor Relations",
        "For further information, call the company.",
        "Cautionary Note \u2014 r\u00e9sum\u00e9",  # non-ASCII text takes the case-insensitive regex
    ],
)
def test_boilerplate_pattern_finds_every_phrase(text: str) -> None:
    """The boilerplate search skips text holding none of its cue words; every phrase it knows
    must still be found (a phrase added to the pattern needs its cue word added too)."""
    assert _BOILERPLATE.search(text) is not None


def test_boilerplate_pattern_passes_over_ordinary_prose() -> None:
    assert _BOILERPLATE.search("Silver production rose 12% at the Lucky Friday unit.") is None


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("THIRD QUARTER FINANCIAL RESULTS", True),
        ("FOURTH QUARTER PRODUCTION", True),
        ("PRODUCTION SUMMARY", True),
        ("THREE MONTHS ENDED SEPTEMBER 30,", False),  # a period: the columns' header
        ("YEAR TO DATE", False),
        ("SIX MONTHS ENDED JUNE 30, 2008 AND 2007", False),
        ("THIRD QUARTER       FOURTH QUARTER", False),  # over columns, not one run of words
        ("Third Quarter Financial Results", False),  # not in capitals
    ],
)
def test_a_title_names_more_than_a_period(line: str, title: bool) -> None:
    assert is_title(line) is title


def test_a_centred_title_after_a_gap_starts_the_next_table() -> None:
    """"THIRD QUARTER FINANCIAL RESULTS" has a period word, so it reads as a header line; after
    a blank line it captions the table below instead of joining the table above."""
    text = "\n".join([
        "ACME MINING CORP. REPORTS RESULTS",
        "",
        "Acme Mining Corp. (NYSE:ACM) today reported results for the quarter.",
        "",
        "                         PRODUCTION SUMMARY",
        "                                          2010          2009",
        "     Gold produced (ounces)             12,345        11,000",
        "     Silver produced (ounces)            5,000         4,000",
        "",
        "                      THIRD QUARTER FINANCIAL RESULTS",
        "                                      (in thousands)",
        "                                       Q3 2010       Q3 2009",
        "     Sales                               9,876         8,765",
        "     Net income                          1,234         1,111",
        "",
        "Acme is a gold producer.",
    ])
    doc = parse_document(text.encode(), name="acme.txt")
    tables = [(b.first_line, b.last_line) for b in segment(doc) if b.kind == "table"]
    assert tables == [(5, 8), (10, 14)]
    facts = extract_tables(doc, segment(doc))
    assert [t.caption for t in facts.tables] == ["PRODUCTION SUMMARY", "THIRD QUARTER FINANCIAL RESULTS (in thousands)"]
    sales = [o for o in facts.observations if o.metric == "sales"]
    assert {(o.value, o.period.start) for o in sales} == {
        (Decimal("9876000"), date(2010, 7, 1)), (Decimal("8765000"), date(2009, 7, 1))
    }


def test_an_over_long_prose_block_is_cut_at_line_ends_keeping_its_lines() -> None:
    from kg.facts import Block
    from kg.layout import split_block

    lines = tuple(f"Sentence {n} of a paragraph that goes on and on about the mill." for n in range(1, 501))
    block = Block(kind="prose", first_line=40, last_line=539, lines=lines, section="OPERATIONS")
    pieces = split_block(block, 2_000)
    assert len(pieces) > 1
    assert all(sum(map(len, p.lines)) + len(p.lines) - 1 <= 2_000 for p in pieces)
    assert [line for p in pieces for line in p.lines] == list(lines)
    assert pieces[0].first_line == 40 and pieces[-1].last_line == 539
    assert all(a.last_line + 1 == b.first_line for a, b in zip(pieces, pieces[1:], strict=False))
    assert all(p.lines == lines[p.first_line - 40 : p.last_line - 39] and p.section == "OPERATIONS" for p in pieces)
    table = Block(kind="table", first_line=1, last_line=500, lines=lines, section="")
    assert split_block(table, 2_000) == [table]


def test_segment_bounds_every_text_block() -> None:
    from kg.ingest import parse_document
    from kg.layout import segment

    text = "ACME GOLD REPORTS\n\n" + "\n".join("The mill ran well all quarter long." for _ in range(3000)) + "\n"
    doc = parse_document(text.encode(), name="long.txt")
    blocks = segment(doc, max_block_chars=5_000)
    assert all(sum(map(len, b.lines)) + len(b.lines) - 1 <= 5_000 for b in blocks)
    assert sum(len(b.lines) for b in blocks if b.kind != "heading") == 3000
