"""Ingest: decoding, line numbering, furniture, metadata, HTML rendering and bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dateutil import parser as dateparser
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import (
    _COMPANY_TICKER,
    _company_ticker,
    _parse_date,
    decode,
    discover,
    find_furniture,
    line_count,
    parse_document,
    read_document,
    split_lines,
)

DATA = Path(__file__).resolve().parent / "data" / "ingest"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_corpus_metadata() -> None:
    doc = read_document(CORPUS / "000_ab7ab8a88c10b9e9.txt")
    assert doc.meta.release_date == date(2007, 2, 21)
    assert doc.meta.company == "Hecla Mining Company"
    assert doc.meta.ticker == "HL"
    assert doc.meta.title.startswith("Hecla Reports Highest Earnings")
    assert len(doc.lines) == 1101 and doc.source_line(540) == 540


def test_period_and_for_release_headers() -> None:
    doc = read_document(CORPUS / "003_f30b3e34200e5f68.txt")
    assert doc.meta.release_date == date(2003, 5, 1)
    assert doc.meta.period_end == date(2003, 3, 31)


def test_repeated_page_footer_is_furniture_and_keeps_numbering() -> None:
    doc = read_document(CORPUS / "003_f30b3e34200e5f68.txt")
    footer = [n for n, line in enumerate(doc.lines, 1) if line.strip().startswith("Contact Vicki")]
    assert len(footer) >= 10
    for n in footer:
        assert n in doc.furniture and n + 1 in doc.furniture and n + 2 in doc.furniture
        assert doc.text(n) == "" and doc.lines[n - 1]  # blanked for analysis, kept in the document
    assert 4 in doc.furniture  # [LOGO]
    # captions repeat too, but are not furniture
    captions = [n for n, line in enumerate(doc.lines, 1) if line.strip() == "HECLA MINING COMPANY"]
    assert captions and not set(captions) & doc.furniture


def test_crlf_and_cp1252() -> None:
    doc = read_document(DATA / "cp1252.txt")
    assert doc.encoding == "cp1252"
    assert "\u201crecord\u201d" in "\n".join(doc.lines)
    assert doc.meta.company == "Acme Gold Corporation" and doc.meta.ticker == "AGC"
    assert doc.meta.release_date == date(2005, 3, 3)
    assert all("\r" not in line for line in doc.lines)


def test_sgml_wrapper_lines_are_furniture() -> None:
    text = b"<DOCUMENT>\n<TYPE>EX-99\n<TEXT>\n<PAGE>\nExhibit 99\n\nSome prose here.\n</TEXT>\n</DOCUMENT>\n"
    doc = parse_document(text, name="wrapped.txt")
    assert {1, 2, 3, 4, 8, 9} <= doc.furniture
    assert 5 not in doc.furniture


def test_html_exhibit_rows_keep_source_lines() -> None:
    doc = read_document(DATA / "exhibit.htm")
    assert doc.format == "html"
    src = (DATA / "exhibit.htm").read_text().splitlines()
    rows = {line.split("   ")[0].strip(): (line, doc.source_line(n)) for n, line in enumerate(doc.lines, 1) if line}
    line, at = rows["Gold - Ounces"]
    assert "51,438" in line and "41,899" in line and "51,438" in src[at - 1]
    line, at = rows["Sales"]
    assert "$ 70,272" in line.replace("$  ", "$ ")
    line, at = rows["Net loss"]
    assert "(7,226)" in line and "(1,001)" in line
    line, at = rows["Silver - Ounces"]
    assert "1,509,670" in line and "1,509,670" in src[at - 1]
    assert doc.meta.release_date == date(2005, 3, 3)
    assert any("CONTACT" in doc.lines[n - 1] for n in doc.furniture)


def test_html_cells_on_lines_of_their_own_keep_their_lines() -> None:
    """EDGAR HTML often prints each <td> on a source line of its own, "$" and ")" in cells apart:
    a rendered row is one analysis line, but each number keeps the source line of its digits."""
    html = "\n".join([
        "<html><body><table>",  # 1
        "<tr>",  # 2
        "<td>Net loss</td>",  # 3
        "<td>$</td>",  # 4
        "<td>(1,234</td>",  # 5
        "<td>)</td>",  # 6
        "<td>$</td>",  # 7
        "<td>(567</td>",  # 8
        "<td>)</td>",  # 9
        "</tr>",
        "</table></body></html>",
    ])
    doc = parse_document(html.encode(), name="cells.htm")
    n = next(k for k, line in enumerate(doc.lines, 1) if "Net loss" in line)
    line = doc.lines[n - 1]
    assert "(1,234)" in line and "(567)" in line
    assert doc.source_line(n) == 5  # the row cites its first number's line
    assert doc.source_line_at(n, line.index("1,234")) == 5
    assert doc.source_line_at(n, line.index("567")) == 8
    assert doc.source_line_at(n, 0) == 3  # the label's cell
    text = parse_document(b"Net loss   $ (1,234)   $ (567)\n", name="plain.txt")
    assert text.cell_lines == () and text.source_line_at(1, 20) == 1


@pytest.mark.parametrize(
    ("data", "needle"),
    [(b"", "empty file"), (b"   \n\n", "empty file"), (b"\x00\x01\x02PK\x03\x04" * 50, "binary content")],
)
def test_bad_input_names_the_file(data: bytes, needle: str) -> None:
    with pytest.raises(InputError) as info:
        parse_document(data, name="bad.txt")
    assert needle in str(info.value) and str(info.value).startswith("bad.txt")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.txt"):
        read_document(tmp_path / "missing.txt")


def test_discover_sorts_and_filters(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "a.htm").write_text("x")
    (tmp_path / "notes.pdf").write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["a.htm", "b.txt"]
    with pytest.raises(InputError):
        discover([tmp_path / "nope"])


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=30), max_size=20), st.sampled_from(["\n", "\r\n", "\r"]))
def test_split_lines_counts_like_an_editor(lines: list[str], ending: str) -> None:
    text = ending.join(lines) + (ending if lines else "")
    got = split_lines(text)
    assert len(got) == len(lines)
    assert got == [line.expandtabs(8).rstrip() for line in lines]
    assert line_count(text) == len(lines)


def test_decode_prefers_utf8() -> None:
    assert decode("caf\u00e9".encode(), "x.txt") == ("caf\u00e9", "utf-8")
    assert decode("caf\u00e9".encode("cp1252"), "x.txt") == ("caf\u00e9", "cp1252")


def test_contact_block_ends_at_blank_line() -> None:
    lines = ["Some text", "", "CONTACT: Acme Gold", "   Jane Doe, 208-555-0100", "", "More text"]
    assert find_furniture(lines) == frozenset({3, 4})


def test_single_phone_number_in_prose_is_not_furniture() -> None:
    lines = ["Call the company at 208-555-0100 for details.", "", "Other prose."]
    assert find_furniture(lines) == frozenset()


@pytest.mark.parametrize("space", [" ", "\xa0"], ids=["ascii", "no-break-space"])
def test_repeated_footer_is_found_across_spacing_and_case(space: str) -> None:
    # Footers match with blanks collapsed and case folded. A no-break space makes the text
    # non-ASCII, which takes the general path instead of the blank-deleting keys: same result.
    footers = [
        "Acme Gold  Corp.,  Suite 100",
        f"ACME GOLD CORP.,{space}SUITE 100",
        f"acme gold corp., suite{space}100",
    ]
    lines = []
    for footer in footers:
        lines += ["Body text of the page.", "", footer, "Boise, ID 83814", ""]
    # Alike once blanks are deleted, but two lines are not three: not a footer.
    lines += ["Fax 555 0100", "", "Fa x 555 0100", "", "fax 555 0100", ""]
    lines += ["   - 2 -", "", "[LOGO]", "Contact: Jane Doe", "  208-555-0100"]
    assert find_furniture(lines) == frozenset({3, 4, 8, 9, 13, 14, 22, 24, 25, 26})


@given(
    st.sampled_from([n for names in dateparser.parserinfo.MONTHS for n in names] + ["Sept", "Janu", "Mayo"]),
    st.sampled_from(["", "."]),
    st.sampled_from([" ", "  ", "\t", "\xa0"]),
    st.integers(0, 40),
    st.booleans(),
    st.sampled_from(["", ","]),
    st.integers(0, 9999),
)
def test_dates_read_directly_agree_with_dateutil(
    month: str, dot: str, blank: str, day: int, padded: bool, comma: str, year: int
) -> None:
    day_text, year_text = (f"{day:02d}", f"{year:04d}") if padded else (str(day), str(year))
    text = f"{month}{dot}{blank}{day_text}{comma} {year_text}"
    try:
        expected = dateparser.parse(text.replace("Sept.", "Sep."), fuzzy=False).date()
    except (ValueError, OverflowError):
        expected = None
    assert _parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "COEUR D'ALENE, IDAHO -- Hecla Mining Company (HL:NYSE) today reported",
        "word " * 300 + "Hecla Mining Company (NYSE: HL) and Acme Gold Corp. (TSX:AGC)",
        "Acme Company " * 40 + "(NASDAQ:ACME) Beta Ltd. (AMEX: BT)",
        "Hecla Mining Company reported (no exchange named)",
    ],
)
def test_company_ticker_search_starts_late_and_finds_the_same(text: str) -> None:
    found, expected = _company_ticker(text), _COMPANY_TICKER.search(text)
    assert (found and found.span()) == (expected and expected.span())


def test_title_skips_letterhead_and_filing_codes() -> None:
    doc = read_document(CORPUS / "003_f30b3e34200e5f68.txt")
    assert doc.meta.title.startswith("HECLA REPORTS $6.7 MILLION IN NET INCOME FOR FIRST QUARTER")
    assert doc.meta.title.endswith("CASH POSITION")
    doc = read_document(CORPUS / "002_d8c640435ff6aab9.txt")
    assert doc.meta.title.endswith("Income before Environmental Accruals")


def test_html_centred_captions_and_spanning_headers() -> None:
    html = (
        '<html><body><p align="center">BALANCE SHEETS</p><table>'
        '<tr><td></td><td colspan="3">September 30, 2008</td></tr>'
        "<tr><td>Total assets</td><td>$</td><td>211,095</td><td></td></tr>"
        "</table></body></html>"
    )
    doc = parse_document(html.encode(), name="x.htm")
    caption = next(line for line in doc.lines if "BALANCE" in line)
    assert caption.startswith("      ")  # centred like a fixed-width caption
    header = next(line for line in doc.lines if "September" in line)
    row = next(line for line in doc.lines if "Total assets" in line)
    # the spanning header stands over the number, wrapped to its width, not left of it
    assert "2008" in header or "2008" in doc.lines[doc.lines.index(header) + 1]
    assert header.index("September") > len("Total assets")
    assert row.rstrip().endswith("211,095")


def test_html_unclosed_centred_paragraph_does_not_centre_what_follows() -> None:
    html = (
        '<html><body><p align="center">BALANCE SHEETS'
        "<p>The company reported a record quarter, with production up."
        "<table><tr><td>Total assets</td><td>211,095</td></tr></table></body></html>"
    )
    lines = parse_document(html.encode(), name="x.htm").lines
    assert next(line for line in lines if "BALANCE" in line).startswith("      ")
    assert next(line for line in lines if "record quarter" in line).startswith("The company")


# ---------------------------------------------------------------- decoding, limits and discovery

RELEASE = "Exhibit 99\n\nACME GOLD CORP REPORTS\n\nRENO, Nevada--(BUSINESS WIRE)--March 3, 2005--Acme Gold \u201crecord\u201d output at the Caf\u00e9 vein.\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_byte_order_marks(codec: str) -> None:
    data = RELEASE.encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        data = "\ufeff".encode(codec) + data  # the mark, written by the editor
    doc = parse_document(data, name="r.txt")
    assert "\u201crecord\u201d output at the Caf\u00e9 vein." in doc.lines[4]
    assert doc.meta.release_date == date(2005, 3, 3)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark(codec: str) -> None:
    doc = parse_document(RELEASE.encode(codec), name="r.txt")
    assert doc.encoding == codec and "Caf\u00e9 vein" in doc.lines[4]


def test_a_utf8_file_with_a_few_bad_bytes_keeps_its_utf8_and_reports_the_lines() -> None:
    lines = [f"Line {n}: the Caf\u00e9 vein \u2014 {n * 1000:,} ounces" for n in range(1, 41)]
    data = "\n".join(lines).encode("utf-8") + b"\n"
    data = data.replace(b"Line 7:", b"Line 7:\xff\xfe").replace("Line 30: the Caf\u00e9".encode(), b"Line 30: the Caf\xc3")
    problems: list = []
    text, encoding = decode(data, "mixed.txt", problems)
    out = text.splitlines()
    assert encoding == "utf-8"
    assert out[0] == lines[0] and out[39] == lines[39]  # every other line as written, not cp1252 mojibake
    assert "\u00c3" not in text and out[6].startswith("Line 7:\ufffd\ufffd") and "\u2014" in out[6]
    assert [(p.doc, p.line) for p in problems] == [("mixed.txt", 7), ("mixed.txt", 30)]
    assert "2 byte(s)" in problems[0].message and "not UTF-8" in problems[0].message


def test_cp1252_only_where_it_fits() -> None:
    data = "The Caf\u00e9 vein\n".encode() + "a \u201cquoted\u201d line\n".encode("cp1252") + b"bad \x81 byte \xc3\xa9\xff\n"
    problems: list = []
    text, encoding = decode(data, "m.txt", problems)
    assert text.splitlines() == ["The Caf\u00e9 vein", "a \u201cquoted\u201d line", "bad \ufffd byte \u00e9\ufffd"]
    assert encoding == "utf-8+cp1252"
    assert [(p.line, p.severity) for p in problems] == [(3, "warning"), (2, "info")]


def test_cr_line_ends_number_bad_bytes_like_an_editor() -> None:
    problems: list = []
    decode(b"caf\xc3\xa9\rone\rtwo \xff\r", "cr.txt", problems)
    assert [p.line for p in problems] == [3]


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    from kg.settings import BuildLimits

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # 200 MB, sparse: nothing is allocated
    with pytest.raises(InputError, match="over the limit of 16,777,216"):
        read_document(big)
    with pytest.raises(InputError, match="over the limit of 100"):
        read_document(DATA / "cp1252.txt", limits=BuildLimits(max_file_bytes=100))


def test_a_device_or_pipe_is_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_document(fifo)


def test_an_over_long_line_is_left_out_with_its_line() -> None:
    from kg.settings import BuildLimits

    data = RELEASE.encode() + b"x" * 300 + b"\nLast line.\n"
    problems: list = []
    doc = parse_document(data, name="r.txt", limits=BuildLimits(max_line_chars=200), problems=problems)
    assert doc.lines[5] == "" and doc.lines[6] == "Last line."
    assert [(p.doc, p.line) for p in problems] == [("r.txt", 6)] and "max_line_chars" in problems[0].message


def test_discover_does_not_follow_links_unless_asked(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.txt").write_text("x")
    (src / "secret.txt").symlink_to("/etc/hostname")
    (src / "linked").symlink_to(outside)
    (src / "sub" / "up").symlink_to(src)  # a loop
    (src / "dangling.htm").symlink_to(tmp_path / "nowhere.htm")
    problems: list = []
    assert [p.name for p in discover([src], problems=problems)] == ["a.txt"]
    said = {Path(p.doc).name: p.message for p in problems}
    assert "not followed" in said["secret.txt"] and "not followed" in said["linked"] and "not followed" in said["up"]
    assert "dangling" in said["dangling.htm"]
    problems = []
    found = discover([src], follow_links=True, problems=problems)
    assert sorted(p.name for p in found) == ["a.txt", "b.txt", "secret.txt"]
    assert any("loop" in p.message for p in problems)
    # a link named on the command line is followed; a dangling or looping one is an error
    assert [p.name for p in discover([src / "secret.txt"])] == ["secret.txt"]
    (src / "self.txt").symlink_to(src / "self.txt")
    for bad, says in ((src / "dangling.htm", "dangling"), (src / "self.txt", "loop")):
        with pytest.raises(InputError, match=says):
            discover([bad])


def test_discover_passes_over_kg_output_folders(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "out" / ".kg").mkdir(parents=True)
    (src / "out" / ".kg" / "output.json").write_text("{}")
    (src / "out" / "validation.txt").write_text("x")
    (src / "out" / "report.html").write_text("x")
    (src / "other").mkdir()
    (src / "other" / "graph.html").write_text("x")
    (src / "a.txt").write_text("x")
    problems: list = []
    assert [p.name for p in discover([src], skip=[src / "other"], problems=problems)] == ["a.txt"]
    assert [p.name for p in discover([src / "out" / "report.html"])] == []
