"""kg.htmltext: HTML exhibits rendered as the fixed-width lines of a text release.

Each test feeds a small piece of the markup EDGAR exhibits use and checks the lines layout and
the table reader will see: what they print, where (indent, column) and which source line each
cites. The whole path on whole releases is tests/test_html_exhibits.py.
"""

from __future__ import annotations

import pytest

from kg.htmltext import html_to_lines, parse_tree


def texts(html: str) -> list[str]:
    return [text for text, _, _ in html_to_lines(html)]


def line_of(html: str, needle: str) -> tuple[str, int, tuple[tuple[int, int, int], ...]]:
    return next(entry for entry in html_to_lines(html) if needle in entry[0])


# ---------------------------------------------------------------- the tree


def test_end_tags_html_leaves_out_are_supplied() -> None:
    # old filer software writes neither </TD> nor </TR> nor </P>
    html = "<P>Before the table.\n<TABLE><TR><TD>Gold<TD>51,438<TR><TD>Silver<TD>1,509,670</TABLE>\n<P>After"
    lines = [t for t in texts(html) if t]
    assert lines[0] == "Before the table." and lines[-1] == "After"
    assert lines[1].split() == ["Gold", "51,438"] and lines[2].split() == ["Silver", "1,509,670"]


def test_a_stray_end_tag_closes_nothing_outside_its_cell() -> None:
    # </font> opened before the table, </div> never opened: the cell and the table stay whole
    html = "<font><table><tr><td>Gold</font></div></td><td>51,438</td></tr></table></font>after"
    lines = [t for t in texts(html) if t]
    assert lines[0].split() == ["Gold", "51,438"] and lines[1] == "after"
    tree = parse_tree(html)
    assert len(tree.iter("td")) == 2 and not tree.iter("td")[0].iter("table")


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td>a<table></td></table>",
        "<table><tr><td>Gold<table><tr><td>1</td></tr></table>ounces</td><td>51,438</td></tr></table>",
        "<table><tr><td>x</table></td>after the table",
        "</td></tr></table><td><tr>",
        "<pre>\n</pre></pre><p><p></p>",
    ],
)
def test_broken_nesting_renders_without_error(html: str) -> None:
    lines = html_to_lines(html)
    assert all(text == "" or text.strip() for text, _, _ in lines)
    if "after the table" in html:
        assert [t for t, _, _ in lines if t.strip()][-1] == "after the table"  # not swallowed by a cell


def test_entities_as_html5_decodes_them() -> None:
    text = line_of("<p>Caf&eacute; &#151; &#147;record&#148;&nbsp;year</p>", "Caf")[0]
    assert text == "Caf\u00e9 \u2014 \u201crecord\u201d year"


# ---------------------------------------------------------------- paragraphs and <pre>


def test_pre_keeps_its_lines_and_their_source_lines() -> None:
    html = (
        "<html><body>\n<pre>\nIncome (loss)\n applicable to common\n shareholders    $ 20,374\n\nNext</pre>"
    )
    lines = html_to_lines(html)
    body = [(t, n) for t, n, _ in lines]
    # no blank set between the lines of a wrapped label; the line break after <pre> is no line
    assert body == [
        ("Income (loss)", 3),
        (" applicable to common", 4),
        (" shareholders    $ 20,374", 5),
        ("", 6),
        ("Next", 7),
    ]


def test_paragraphs_stand_a_blank_apart_and_br_breaks_a_line() -> None:
    html = "<p>One\nsentence.</p><p>Two<br>lines</p>"
    assert texts(html) == ["One sentence.", "", "Two", "lines"]
    assert [n for _, n, _ in html_to_lines(html)][:1] == [1]


def test_an_indented_paragraph_keeps_its_indent() -> None:
    html = '<p align="center">HEDGED POSITIONS</p><p style="margin-left:30pt">Sold forward: 48,928 ounces</p>'
    assert "     Sold forward: 48,928 ounces" in texts(html)


# ---------------------------------------------------------------- captions


def test_a_caption_in_paragraphs_above_a_pre_table_is_centred_with_it() -> None:
    # the scale line sits in a <p> above the <pre>: centred and wrapped as a text caption is
    html = (
        "<p>The prose before the table ends here.</p>\n"
        "<p>HECLA MINING COMPANY</p>\n"
        "<p>(dollars in thousands, except per share, per ounce and per pound amounts - unaudited)</p>\n"
        "<pre>\n                     2006      2005\nSales           $ 70,272  $ 30,044\n</pre>"
    )
    lines = texts(html)
    assert lines[0] == "The prose before the table ends here."  # a sentence is no caption
    title = next(t for t in lines if "HECLA" in t)
    assert title.startswith(" " * 20)
    scale = [t for t in lines if "thousands" in t or "unaudited" in t]
    assert len(scale) == 2 and all(t.startswith("      ") and len(t.strip()) <= 75 for t in scale)
    assert lines.index(title) < lines.index(scale[0]) < lines.index(next(t for t in lines if "Sales" in t))


def test_a_statement_with_figures_above_a_table_is_no_caption() -> None:
    html = "<p>Sold forward: 48,928 gold ounces @ $288</p><p>BALANCE SHEETS</p><table><tr><td>Cash</td><td>1,234</td></tr></table>"
    lines = texts(html)
    assert lines[0] == "Sold forward: 48,928 gold ounces @ $288"
    assert next(t for t in lines if "BALANCE" in t).startswith("      ")


def test_centred_title_rows_and_caption_element_caption_the_table() -> None:
    html = (
        '<table><caption>HIGHLIGHTS</caption><tr><td colspan="3" align="center"><b>ACME GOLD CORP.</b></td></tr>'
        '<tr><td></td><td colspan="2" align="center">Year Ended</td></tr>'
        "<tr><td>Sales</td><td>$</td><td>70,272</td></tr></table>"
    )
    lines = [t for t in texts(html) if t]
    assert lines[0].strip() == "HIGHLIGHTS" and lines[1].strip() == "ACME GOLD CORP."
    assert lines[0].startswith("      ") and lines[1].startswith("      ")
    # the period header is no title: it stays over its number
    assert lines[2].strip() == "Year Ended" and lines[3].split() == ["Sales", "$", "70,272"]


# ---------------------------------------------------------------- table cells


def test_row_labels_keep_their_indent() -> None:
    html = (
        "<table><tr><td>Sales:</td><td></td></tr>"
        "<tr><td>&nbsp;&nbsp;Silver operations</td><td>43,240</td></tr>"
        '<tr><td style="padding-left:12pt">Gold operations</td><td>27,032</td></tr>'
        '<tr><td><p style="margin-left:0.25in">Total</p></td><td>70,272</td></tr></table>'
    )
    lines = {t.strip().split("  ")[0]: t for t in texts(html) if t}
    assert lines["Silver operations"].startswith("  Silver")
    assert lines["Gold operations"].startswith("  Gold")  # 12pt: two 6-point characters
    assert lines["Total"].startswith("   Total")  # a quarter inch: three
    assert lines["Sales:"].startswith("Sales:")


def test_dash_cells_print_as_typed() -> None:
    # an em dash is the zero of a financial column, typed "--"; an en dash stays a hyphen
    html = "<table><tr><td>Gain</td><td>&#151;</td><td>(152</td><td>)</td><td>&#8211;</td></tr></table>"
    row = line_of(html, "Gain")[0]
    assert row.split() == ["Gain", "--", "(152)", "-"]


def test_each_number_keeps_the_line_of_its_own_cell() -> None:
    html = "<table>\n<tr>\n<td>Net loss</td>\n<td>$</td>\n<td>(1,234</td>\n<td>)</td>\n<td>\n567</td>\n</tr>\n</table>"
    text, line, cells = line_of(html, "Net loss")
    assert line == 5  # the row cites its first number's line
    at = {text[start:end].strip(): source for start, end, source in cells}
    assert at == {"Net loss": 3, "$ (1,234)": 5, "567": 8}  # a number on the line after its <td>


def test_a_label_broken_by_br_prints_as_a_wrapped_label() -> None:
    html = (
        "<table><tr><td>Sagebrush Mining Complex<br>3.0% NSR; Tierra Madre Gold Corp.</td>"
        "<td>3,412</td><td>2,286</td></tr></table>"
    )
    lines = [t for t in texts(html) if t]
    assert lines[0] == "Sagebrush Mining Complex"
    assert lines[1].startswith("  3.0% NSR; Tierra Madre Gold Corp.") and lines[1].split()[-2:] == [
        "3,412",
        "2,286",
    ]


def test_a_header_cell_stacks_at_its_br() -> None:
    html = (
        '<table><tr><td></td><td align="center">June&nbsp;30,<br>2011</td><td align="center">Dec.&nbsp;31,<br>2010</td></tr>'
        "<tr><td>Cash</td><td>312,470</td><td>268,930</td></tr></table>"
    )
    lines = [t for t in texts(html) if t]
    assert lines[0].split() == ["June", "30,", "Dec.", "31,"] and lines[1].split() == ["2011", "2010"]
    # each date stands over its number
    assert lines[1].index("2011") < lines[2].index("312,470") + 7 < lines[1].index("2010")


def test_a_layout_table_is_transparent_and_its_nested_tables_are_tables() -> None:
    html = (
        '<table width="100%"><tr><td>\n<p>Acme Gold today reported results.</p>\n'
        '<p align="center">PRODUCTION</p>\n'
        "<table><tr><td>Gold produced</td><td>51,438</td><td>41,899</td></tr></table>\n"
        "<p>The end.</p>\n</td></tr></table>"
    )
    lines = [t for t in texts(html) if t]
    assert lines[0] == "Acme Gold today reported results."
    assert lines[1].strip() == "PRODUCTION"
    assert lines[2].split() == ["Gold", "produced", "51,438", "41,899"]
    assert lines[3] == "The end."


def test_a_cell_spanning_rows_keeps_the_cells_beside_it_in_their_columns() -> None:
    """A rowspan: the rows it covers print nothing in its column, so their cells stay under their
    own headers (before, "Indicated" slid into the first column and every number one left)."""
    html = (
        "<table><tr><td>Zone</td><td>Class</td><td>Tonnes</td><td>Grade</td></tr>"
        "<tr><td rowspan='2'>North</td><td>Measured</td><td>4.2</td><td>1.85</td></tr>"
        "<tr><td>Indicated</td><td>11.6</td><td>1.42</td></tr>"
        "<tr><td>South</td><td>Inferred</td><td>2.2</td><td>1.64</td></tr></table>"
    )
    lines = [t for t, _, _ in html_to_lines(html) if t.strip()]
    class_at = lines[0].index("Class")
    assert lines[2].index("Indicated") == class_at == lines[1].index("Measured")
    assert lines[2].index("11.6") + len("11.6") == lines[1].index("4.2") + len("4.2")
    assert lines[3].startswith("South")
