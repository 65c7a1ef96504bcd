"""HTML exhibits read as well as text releases: the sample releases rendered as HTML give the
observations of the text.

Each sample release (``corpus/*.txt``) is rendered here, in the test, into HTML the way filers'
software writes an Exhibit 99, and read back through ingest, layout and tables:

- ``pre``: the whole release in ``<pre>``, each table's caption lines ("HECLA MINING COMPANY",
  the statement's name, "(dollars in thousands ...)") moved into ``<p>`` elements just above
  its ``<pre>``;
- ``table``: prose in ``<p>``, captions in centred ``<p>``, each table a ``<table>`` with one
  ``<td>`` per cell on a source line of its own: a spacer, a ``$``, a number and a ``)`` cell per
  column, period headers spanning their columns with ``colspan``, stacked header lines joined by
  ``<br>`` in one cell, row indents as ``&nbsp;`` padding, em dashes (``&#151;``) for the
  ``- -`` of zero;
- ``nested``: the whole body inside a one-cell layout table, each statement a table nested in
  it with its caption as spanning title rows, each row on one source line, cells wrapped in
  ``<font>`` and ``<p>``/``<div>`` elements, indents as ``padding-left``, ``$`` and parentheses
  inside the number's own cell, ``&#8212;`` and ``&#8211;`` dashes, a wrapped row label in one
  cell, footnote markers in ``<sup>``, curly apostrophes as ``&#146;``;
- ``legacy``: the ``table`` page as older filer software writes it, tags in capitals and the
  optional end tags (``</TD>``, ``</TR>``, ``</P>``) left out.

The rendering knows only the text's structure: where layout finds the tables, which lines are
rules, headers, rows of numbers or labels, and where the numbers stand (a table's columns are the
right edges of its numbers; a header word belongs to the column it stands over). It never looks
at an observation. Each style must give the text's observations (subject, metric, category,
period, value, unit), and every number must cite an HTML source line that prints it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.facts import Document, DocumentFacts, Observation
from kg.ingest import parse_document, read_document
from kg.layout import classify, segment
from kg.tables import extract_tables

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
RELEASES = sorted(p.name for p in CORPUS.glob("*.txt"))
# The development set's text releases (other companies, other layouts), where ../shared is
# beside the repository.
DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset" / "docs"
DEVSET_RELEASES = ("200_4e1c9a7b2d83f065.txt", "201_9b07e35fa1c26d48.txt", "202_c3d58a0e7f14b926.txt",
                   "204_e81b4d27c9a0f356.txt", "205_3f6d90b2a7c84e15.txt")
STYLES = ("pre", "table", "nested", "legacy")

# A number cell as fixed-width tables print it: "$ 43,240", "(7,226)", "$(4,599)", "- -", "-".
_NUMBER = re.compile(r"^-?\$?\(?\$?[\d,]*\.?\d+\)?%?$|^--$|^-$")
_MARKER = re.compile(r"^\(\d\)$")
_TOKEN = re.compile(r"\S+")
# A text cell closing a row of numbers ("Torcaz Vein", "2006 Q4"): words after a gap.
_TAIL = re.compile(r"\s{2,}(\S(?:\S| (?! ))*)\s*$")
_HEADING_TOKEN = re.compile(r"^(?:19|20)\d\d$|^[A-Za-z]+\.?,?$|^Q[1-4]$")
_PAGE_CHAR_PT = 6  # a 10-point Courier character is 6 points wide


# ---------------------------------------------------------------- the text release's structure


@dataclass
class Cell:
    """A number as printed, its column in the text and its parts for HTML."""

    printed: str
    left: int
    right: int

    @property
    def dollar(self) -> bool:
        return "$" in self.printed

    @property
    def core(self) -> str:
        """The number without "$" and without its closing parenthesis: "(4,599" for "$(4,599)"."""
        text = self.printed.replace("$ ", "").replace("$", "")
        return text[:-1] if text.endswith(")") else text

    @property
    def closing(self) -> str:
        return ")" if self.printed.endswith(")") else ""


@dataclass
class Row:
    kind: str  # "header", "data", "label"
    line: int  # the text line
    text: str
    label: str = ""  # data and label rows: the label as printed, indent kept
    labels: list[tuple[int, str]] = field(default_factory=list)  # (start, text) label fragments
    cells: list[Cell] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)  # per cell, its column
    tail: tuple[int, str] | None = None  # a text cell after the numbers ("Torcaz Vein"): start, text


@dataclass
class SubTable:
    rows: list[Row]
    extents: list[tuple[int, int]]  # per number column, where it usually stands (or its rule)
    label_starts: list[int]  # where each text column starts (one for most tables)
    numbers: list[tuple[int, int]]  # per number column, where its numbers stand, every row's
    tail: int | None = None  # where a text column after the numbers starts


@dataclass
class Table:
    caption: list[tuple[int, str]]  # (text line, text) of the caption lines
    subtables: list[SubTable]
    first: int
    last: int


@dataclass
class Release:
    name: str
    lines: list[str]  # the text release's lines
    tables: list[Table]


def split_numbers(text: str) -> tuple[str, list[Cell]]:
    """A row of a fixed-width table → its label (indent kept) and number cells, right to left:
    "$" stands apart from its number or glued to it, "- -" is one cell, a one-digit "(3)" one
    space after the label is the label's footnote marker."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    cells: list[Cell] = []
    i = len(tokens) - 1
    while i >= 0:
        start, end, tok = tokens[i]
        if tok == "-" and i > 0 and tokens[i - 1][2] == "-" and tokens[i - 1][1] + 1 == start:
            cells.append(Cell("- -", tokens[i - 1][0], end))
            i -= 2
        elif _MARKER.match(tok) and (i == 0 or (tokens[i - 1][1] + 1 == start and not _NUMBER.match(tokens[i - 1][2]))):
            break  # a footnote marker closing the label (or alone on a wrapped label's last line)
        elif _NUMBER.match(tok):
            cells.append(Cell(tok, start, end))
            i -= 1
        elif tok == "$" and cells:
            cells[-1] = Cell("$ " + cells[-1].printed, start, cells[-1].right)
            i -= 1
        else:
            break
    cells.reverse()
    cut = cells[0].left if cells else len(text)
    return text[:cut].rstrip(), cells


def read_release(path: Path) -> Release:
    doc = read_document(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    tables = [read_table(b.first_line, b.last_line, lines) for b in segment(doc) if b.kind == "table"]
    return Release(path.name, lines, tables)


def read_table(first: int, last: int, lines: list[str]) -> Table:
    """A table block → its caption (the centred or parenthesised text lines above its column
    headers, "(as of December 31, 2006)" included) and the sub-tables under each header group.
    A block with no row of numbers (a statement in words) is all caption."""
    numbered = [(n, lines[n - 1]) for n in range(first, last + 1)]
    if not any(classify(text) == "numrow" for _, text in numbered):
        return Table([(n, t) for n, t in numbered if t.strip()], [], first, last)
    # The lines above the first header, rule or row of numbers: a caption, but for the label
    # printed right on top of the table ("Proven and Probable" over a rule, a wrapped row label)
    # unless it is centred.
    top = next(k for k, (_, t) in enumerate(numbered) if _starts_table(t))
    runs: list[list[int]] = []
    for k in range(top):
        if numbered[k][1].strip():
            if runs and runs[-1][-1] == k - 1:
                runs[-1].append(k)
            else:
                runs.append([k])
    if runs and runs[-1][-1] == top - 1 and not all(_indent(numbered[k][1]) >= 6 for k in runs[-1]):
        runs.pop()
    caption = [numbered[k] for run in runs for k in run]
    taken = runs[-1][-1] + 1 if runs else 0
    body = numbered[taken:]
    subtables: list[list[Row]] = [[]]
    rules: list[list[str]] = [[]]
    for n, text in body:
        kind = classify(text)
        if kind == "rule":
            rules[-1].append(text)
            continue
        if kind == "blank":
            continue
        # A text cell may close a row of numbers ("27.3   La Paloma breccia").
        tail = None
        gap = _TAIL.search(text)
        if (
            gap
            and re.search("[A-Za-z]", gap.group(1))
            and text[: gap.start()].split()
            and _NUMBER.match(text[: gap.start()].split()[-1])
        ):
            tail, text = (gap.start(1), gap.group(1)), text[: gap.start()]
        label, cells = split_numbers(text) if kind != "text" else (text.rstrip(), [])
        years = all(map(_HEADING_TOKEN.match, text.split())) and any(t.isdigit() for t in text.split())
        if kind == "numrow" and years:
            kind = "header"  # "2016   2015   Dec. 2016": years under their columns
        elif kind == "header" and len(cells) >= 2 and not years:
            kind = "numrow"  # a row of numbers with words after them ("... $1,062   2006 Q4")
        if kind == "header":
            if any(r.kind == "data" for r in subtables[-1]):
                subtables.append([])
                rules.append([])
            subtables[-1].append(Row("header", n, lines[n - 1]))
            continue
        if kind != "numrow":
            label, cells, tail, text = lines[n - 1].rstrip(), [], None, lines[n - 1]
        row = Row("data" if cells else "label", n, text, label=label, cells=cells, tail=tail)
        row.labels = [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", label)]
        subtables[-1].append(row)
    return Table(caption, [lay_out(rows, rl) for rows, rl in zip(subtables, rules, strict=True) if rows], first, last)


def _starts_table(text: str) -> bool:
    kind = classify(text)
    return kind in ("rule", "numrow") or (kind == "header" and not text.lstrip().startswith("("))


def lay_out(rows: list[Row], rules: list[str]) -> SubTable:
    """Columns from the numbers' positions: the right edges of the fullest rows; every other
    row's numbers go to the nearest column, in order. A rule printed with one dash run per
    column widens each column to its run (headers are centred or set flush left over it)."""
    data = [r for r in rows if r.kind == "data"]
    width = max((len(r.cells) for r in data), default=0)
    full = [r for r in data if len(r.cells) == width]
    rights = [sorted(r.cells[k].right for r in full)[len(full) // 2] for k in range(width)]
    for r in data:
        r.columns = []
        for k, cell in enumerate(r.cells):
            low = r.columns[-1] + 1 if r.columns else 0
            high = width - (len(r.cells) - k)
            r.columns.append(min(range(low, high + 1), key=lambda j: abs(rights[j] - cell.right)))
    for r in data:  # a text cell standing in a column of numbers ("2006 Q4" over "2007")
        if r.tail:
            start, text = r.tail
            j = min(range(width), key=lambda j: abs(rights[j] - start - len(text)))
            if abs(rights[j] - start - len(text)) <= 2 and j not in r.columns:
                r.cells.append(Cell(text, start, start + len(text)))
                r.columns.append(j)
                r.tail = None
    numbers = []
    for j in range(width):
        placed = [c for r in data for c, col in zip(r.cells, r.columns, strict=True) if col == j]
        numbers.append((min(c.left for c in placed), max(c.right for c in placed)))
    # Where each column's numbers usually stand (a row printed a few characters off aside), or
    # the dash run of a rule printed with one run per column.
    lefts = [sorted(r.cells[k].left for r in full)[len(full) // 2] for k in range(width)]
    extents = list(zip(lefts, rights, strict=True))
    for rule in rules:
        runs = [(m.start(), m.end()) for m in re.finditer(r"[-=_]{3,}", rule)]
        owners = [next((k for k, (a, b) in enumerate(runs) if a <= right - 1 < b), None) for right in rights]
        if None not in owners and len(set(owners)) == len(owners):
            extents = [(min(lo, runs[k][0]), max(hi, runs[k][1])) for (lo, hi), k in zip(extents, owners, strict=True)]
            break
    # A text column after the numbers: where the rows' text cells start; a row with no numbers
    # may have one too ("CT-09-003   ...   no significant values").
    tails = [r.tail[0] for r in rows if r.tail]
    tail = min(tails) if tails else None
    for r in rows:
        if tail is not None and r.kind == "label" and len(r.labels) > 1 and r.labels[-1][0] >= tail - 2:
            r.tail = r.labels.pop()
            r.label = r.label[: r.tail[0]].rstrip()
    # A second text column (a drill hole beside its vein) where three rows or more start a label
    # piece at one place right of the first.
    starts = Counter(s for r in rows if r.kind != "header" for s, _ in r.labels[1:])
    second = [s for s, times in starts.most_common(1) if times >= 3]
    label_starts = [0, *second]
    return SubTable(rows, extents, label_starts, numbers, tail)


# The pieces of a header line as a filer keys them into cells: a date ("Dec. 31,", "June 30,
# 2007", "Dec. 2016"), a year, a parenthesised unit ("(oz/ton)"), a period phrase ("Fourth Quarter Ended"),
# any other word with the unit right after it ("Ag (g/t)").
_HEADER_PIECE = re.compile(
    r"(?P<date>\b[A-Za-z]{3,9}\.? (?:\d{1,2}\b,?(?: \d{4}\b)?|\d{4}\b))|(?P<year>\b\d{4}\b)|(?P<unit>\([^)]*\))"
    r"|(?P<phrase>\b(?:(?:first|second|third|fourth|three|six|nine|twelve|quarter|months?|years?)\b ?)*"
    r"(?:ended|ending)\b|\b(?:(?:first|second|third|fourth|three|six|nine|twelve|quarter|months?|years?)\b ?)+)"
    r"|(?P<word>[^\s(]\S*(?: \([^)]*\))?)|(?P<other>\S+)",
    re.I,
)


def header_cells(text: str, sub: SubTable) -> tuple[list[str], list[tuple[int, int, str]]]:
    """A header line → its label pieces (one per text column) and its pieces over the number
    columns as (first column, last column, text), a text column after the numbers, if any,
    counting as the column after the last. A date, a year, a unit or a word stands over
    the column nearest its middle; a period phrase or a date without its year spans the columns
    whose numbers it stands over ("Fourth Quarter Ended", "September 30," over two years). Pieces
    over one column on one line share its cell."""
    extents = sub.extents
    if not extents:  # headers over no numbers: the label's
        return [text.strip()] + [""] * (len(sub.label_starts) - 1), []
    label_end = min(extents[0][0], sub.numbers[0][0]) - 1

    def zone(pos: float) -> int:  # the column nearest ``pos`` (0 inside one)
        return min(range(len(extents)), key=lambda j: max(extents[j][0] - pos, pos - extents[j][1], 0))

    labels = [""] * len(sub.label_starts)
    pieces: list[tuple[int, int, str]] = []
    found: list[tuple[int, int, str, bool]] = []  # (start, end, text, spans the columns under it)
    for m in _HEADER_PIECE.finditer(text):
        piece = m.group().strip()
        start, end = m.start(), m.start() + len(piece)
        # a period phrase, or a date without its year ("September 30," over two years), stands
        # over every column whose numbers it overlaps, and the two read as one ("Six Months Ended
        # December 31,")
        wide = bool(m.group("phrase") or (m.group("date") and not re.search(r"\d{4}", piece)))
        if wide and found and found[-1][3] and found[-1][1] + 1 == start:
            start, piece = found[-1][0], found.pop()[2] + " " + piece
        found.append((start, end, piece, wide))
    for start, end, piece, wide in found:
        middle = (start + end) / 2
        if end <= label_end:
            slot = max(k for k, s in enumerate(sub.label_starts) if s <= middle + 2 or k == 0)
            labels[slot] = (labels[slot] + " " + piece).strip()
            continue
        first = last = zone(middle)
        if sub.tail is not None and start >= sub.tail - 2:
            first = last = len(extents)  # over the text column after the numbers
        elif wide:
            over = [j for j, (lo, hi) in enumerate(sub.numbers) if start < hi and lo < end]
            first, last = (over[0], over[-1]) if len(over) > 1 else (first, last)
        if pieces and (pieces[-1][0], pieces[-1][1]) == (first, last):
            pieces[-1] = (first, last, pieces[-1][2] + " " + piece)
        else:
            pieces.append((first, last, piece))
    return labels, pieces


def test_release_structure_is_read_from_the_text() -> None:
    # the renderer's own reading: columns from number positions, headers over their columns
    release = read_release(CORPUS / "000_ab7ab8a88c10b9e9.txt")
    highlights = next(t for t in release.tables if "HIGHLIGHTS" in release.lines[t.first + 5])
    assert [text.strip() for _, text in highlights.caption][0] == "HECLA MINING COMPANY"
    sub = highlights.subtables[0]
    assert len(sub.extents) == 4
    header = [r for r in sub.rows if r.kind == "header"]
    labels, pieces = header_cells(header[0].text, sub)
    assert pieces == [(0, 1, "Fourth Quarter Ended"), (2, 3, "Year Ended")]
    labels, pieces = header_cells(header[1].text, sub)
    assert labels == ["HIGHLIGHTS"] and pieces == [(j, j, "Dec. 31,") for j in range(4)]
    rows = [r for r in sub.rows if r.label.strip() == "Gold operations"]
    assert [c.printed for c in rows[1].cells] == ["4,934", "(1,001)", "14,558", "1,955"]
    assert rows[1].columns == [0, 1, 2, 3]
    label, cells = split_numbers("   ($/oz.) (3)              (3.05)       1.84")
    assert label == "   ($/oz.) (3)" and [c.printed for c in cells] == ["(3.05)", "1.84"]
    label, cells = split_numbers("  Gain on sale of fixed assets     (152)      - -    (4,603)      - -")
    assert [c.printed for c in cells] == ["(152)", "- -", "(4,603)", "- -"]
    label, cells = split_numbers("Silver operations (1)  $   43,240  $   18,876")
    assert label == "Silver operations (1)" and [c.printed for c in cells] == ["$ 43,240", "$ 18,876"]


# ---------------------------------------------------------------- HTML writers


class Writer:
    """HTML source lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def esc(text: str, *, curly: bool = False) -> str:
    out = html.escape(text, quote=False)
    return out.replace("'", "&#146;") if curly else out


def paragraphs(release: Release, first: int, last: int) -> list[list[tuple[int, str]]]:
    """The text lines first..last as paragraphs (runs of non-blank lines)."""
    out: list[list[tuple[int, str]]] = []
    run: list[tuple[int, str]] = []
    for n in range(first, last + 1):
        text = release.lines[n - 1]
        if text.strip():
            run.append((n, text))
        elif run:
            out.append(run)
            run = []
    if run:
        out.append(run)
    return out


def caption_groups(caption: list[tuple[int, str]]) -> list[str]:
    """Caption lines as a filer types them: a scale line wrapped over two lines is one."""
    groups: list[str] = []
    open_paren = False
    for _, text in caption:
        if open_paren:
            groups[-1] += " " + text.strip()
        else:
            groups.append(text.strip())
        open_paren = groups[-1].count("(") > groups[-1].count(")")
    return groups


def render_pre(release: Release) -> str:
    w = Writer()
    w.add("<html><head><title>EX-99</title></head><body>")
    w.add("<pre>")
    tables = [t for t in release.tables if t.caption and t.subtables]
    caption_lines = {n for t in tables for n, _ in t.caption}
    starts = {t.caption[0][0]: t for t in tables}
    for n, text in enumerate(release.lines, 1):
        if n in starts:
            w.add("</pre>")
            for group in caption_groups(starts[n].caption):
                w.add(f"<p>{esc(group)}</p>")
            w.add("<pre>")
        if n not in caption_lines:
            w.add(esc(text))
    w.add("</pre>")
    w.add("</body></html>")
    return w.text()


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def render_prose(w: Writer, release: Release, first: int, last: int, style: str) -> None:
    for para in paragraphs(release, first, last):
        indent = min(_indent(t) for _, t in para)
        centred = indent >= 6
        # an indented statement ("Sold forward: ..." under a centred title) keeps its lines
        inset = 4 <= indent < 6 and len(para) > 1
        heading = len(para) == 1 and para[0][1].strip().isupper()
        if style == "nested":
            opening = '<div style="text-align:center">' if centred else '<div style="margin-top:6pt">'
            closing = "</div>"
        else:
            opening, closing = ('<p align="center">' if centred else "<p>"), "</p>"
        if inset:
            opening = f'{closing[:-1].replace("/", "")} style="margin-left:{indent * _PAGE_CHAR_PT}pt">'
        body = [esc(t.strip(), curly=style == "nested") for _, t in para]
        if heading:
            body = [f"<b>{b}</b>" for b in body]
        if (centred or inset) and len(body) > 1:
            body = [b + "<br>" for b in body[:-1]] + body[-1:]
        w.add(opening + body[0] + ("" if len(body) > 1 else closing))
        for k, b in enumerate(body[1:], 1):
            w.add(b + (closing if k == len(body) - 1 else ""))


def render_document(release: Release, style: str) -> str:
    w = Writer()
    w.add("<html>")
    w.add("<head><title>EX-99</title></head>")
    w.add('<body style="font-family:Times New Roman">')
    if style == "nested":
        w.add('<table width="100%" border="0" cellpadding="0" cellspacing="0"><tr><td>')
    at = 1
    for table in release.tables:
        render_prose(w, release, at, table.first - 1, style)
        if style == "nested":
            render_nested_table(w, release, table)
        else:
            render_table(w, release, table)
        at = table.last + 1
    render_prose(w, release, at, len(release.lines), style)
    if style == "nested":
        w.add("</td></tr></table>")
    w.add("</body>")
    w.add("</html>")
    return w.text()


def _column_cells(j_from: int, j_to: int, text: str, *, header: bool) -> list[str]:
    """The cells of a piece standing over number columns j_from..j_to (four cells a column:
    a spacer, "$", the number, ")")."""
    span = 4 * (j_to - j_from + 1) - 1
    inner = f"<b>{text}</b>" if header and text else (text or "&nbsp;")
    return ['<td width="1%">&nbsp;</td>', f'<td colspan="{span}" align="center" nowrap>{inner}</td>']


def render_table(w: Writer, release: Release, table: Table) -> None:
    if not table.subtables:  # a statement in words: centred paragraphs
        render_prose(w, release, table.first, table.last, "table")
        return
    for group in caption_groups(table.caption):
        w.add(f'<p align="center"><b>{esc(group)}</b></p>')
    width = max(len(s.extents) for s in table.subtables)
    texts = max(len(s.label_starts) for s in table.subtables)
    w.add('<table cellspacing="0" cellpadding="0" width="100%" border="0">')
    for sub in table.subtables:
        headers = [r for r in sub.rows if r.kind == "header"]
        for row in _stack_headers(headers, sub):
            w.add('<tr valign="bottom">')
            for cell in row:
                w.add(cell)
            w.add("</tr>")
        for r in sub.rows:
            if r.kind == "header":
                continue
            w.add('<tr valign="bottom">')
            label_texts = [""] * texts
            for start, text in r.labels:
                slot = max(k for k, s in enumerate(sub.label_starts) if s <= start or k == 0)
                label_texts[slot] = (label_texts[slot] + " " + text).strip()
            indent = _indent(r.label) if r.label.strip() else 0
            for k, text in enumerate(label_texts):
                pad = "&nbsp;" * indent if k == 0 else ""
                w.add(f"<td>{pad}{esc(text) or '&nbsp;'}</td>")
            by_column = dict(zip(r.columns, r.cells, strict=True))
            for j in range(width):
                cell = by_column.get(j)
                w.add('<td width="1%">&nbsp;</td>')
                w.add(f"<td>{'$' if cell and cell.dollar else '&nbsp;'}</td>")
                w.add(f'<td align="right">{_html_number(cell.core) if cell else "&nbsp;"}</td>')
                w.add(f"<td>{cell.closing if cell and cell.closing else '&nbsp;'}</td>")
            if sub.tail is not None:
                w.add(f"<td>{esc(r.tail[1]) if r.tail else '&nbsp;'}</td>")
            w.add("</tr>")
    w.add("</table>")


def _html_number(core: str) -> str:
    """The zero of a financial column ("- -", "--") as filers' HTML prints it: an em dash."""
    return "&#151;" if core in ("--", "- -") else esc(core)


def _stack_headers(headers: list[Row], sub: SubTable) -> list[list[str]]:
    """Header lines → header rows: lines whose pieces each stand over one column stack into one
    row, their pieces joined by <br>; a line with a spanning piece is a row of its own."""
    rows: list[list[str]] = []
    stack: list[tuple[list[str], list[tuple[int, int, str]]]] = []

    def flush() -> None:
        if not stack:
            return
        labels = ["<br>".join(esc(ls[k]) for ls, _ in stack if ls[k]) for k in range(len(sub.label_starts))]
        width = len(sub.extents) + (sub.tail is not None)
        cols = ["<br>".join(esc(t) for _, ps in stack for lo, _, t in ps if lo == j) for j in range(width)]
        rows.append(_header_row(labels, [(j, j, c) for j, c in enumerate(cols)], sub))
        stack.clear()

    for r in headers:
        labels, pieces = header_cells(r.text, sub)
        if any(lo != hi for lo, hi, _ in pieces):
            flush()
            rows.append(_header_row([esc(x) for x in labels], [(lo, hi, esc(t)) for lo, hi, t in pieces], sub))
        else:
            stack.append((labels, pieces))
    flush()
    return rows


def _header_row(labels: list[str], pieces: list[tuple[int, int, str]], sub: SubTable) -> list[str]:
    cells = [f"<td>{x or '&nbsp;'}</td>" for x in labels]
    width = len(sub.extents)
    tail = " ".join(text for lo, _, text in pieces if lo == width)
    pieces = [p for p in pieces if p[0] < width]
    j = 0
    for lo, hi, text in sorted(pieces):
        while j < lo:
            cells += _column_cells(j, j, "", header=True)
            j += 1
        cells += _column_cells(lo, hi, text, header=True)
        j = hi + 1
    while j < width:
        cells += _column_cells(j, j, "", header=True)
        j += 1
    if sub.tail is not None:
        cells.append(f"<td><b>{tail}</b></td>" if tail else "<td>&nbsp;</td>")
    return cells


def join_wrapped(rows: list[Row]) -> list[Row]:
    """Rows as a word processor's table holds them: a label wrapped over several lines ("Income
    (loss)" / " applicable to common" / " shareholders  $ 20,374") in one cell. A label line
    continues on the next lines that are indented deeper, up to the row with the numbers (or a
    line ending in ":"), unless the line after that row stands at the continuation's indent
    ("Proven and Probable" over " Lucky Friday Unit, USA  1,361,896" / " Greens Creek ...": a
    heading over rows, not a wrapped label)."""
    out: list[Row] = []
    k = 0
    while k < len(rows):
        row = rows[k]
        group = [row]
        if row.kind == "label" and not row.label.rstrip().endswith(":"):
            j = k + 1
            while j < len(rows) and rows[j].line == group[-1].line + 1 and rows[j].kind != "header":
                if _indent(rows[j].label) <= _indent(row.label) or not rows[j].label.strip():
                    break
                group.append(rows[j])
                j += 1
                if group[-1].kind == "data" or group[-1].label.rstrip().endswith(":"):
                    break
            after = rows[j] if j < len(rows) else None
            if len(group) > 1 and after is not None and _indent(after.label) == _indent(group[1].label):
                group = [row]  # a heading over rows
        if len(group) == 1:
            out.append(row)
            k += 1
            continue
        last = group[-1]
        label = group[0].label.strip()
        for r in group[1:]:
            # a label that goes on ("Income (loss)" / "applicable to common") flows on in the
            # cell; a new line of its own ("Sagebrush Mining Complex" / "3.0% NSR; ...") is kept
            # apart with <br>
            text = r.label.strip()
            flows = text[:1].islower() or text.startswith("(") or label.endswith((",", "&"))
            label += (" " if flows or label.split()[-1] in ("and", "of", "per", "by") else "\n") + text
        joined = Row(last.kind, last.line, last.text, " " * _indent(row.label) + label, cells=last.cells)
        joined.columns, joined.labels = last.columns, [(_indent(row.label), label)]
        out.append(joined)
        k += len(group)
    return out


def render_nested_table(w: Writer, release: Release, table: Table) -> None:
    """A statement as a table nested in the page's layout table: its caption in centred title
    rows, a spacer and a number cell per column ("$", "(" and ")" in the number's cell), header
    lines a row each, each row on one source line, cells wrapped in <font> and <p>."""
    if not table.subtables:
        render_prose(w, release, table.first, table.last, "nested")
        return
    width = max(len(s.extents) for s in table.subtables)
    texts = max(len(s.label_starts) for s in table.subtables)
    total = texts + 2 * width
    w.add('<table cellspacing="0" cellpadding="0" width="95%" border="0" align="center">')
    for group in caption_groups(table.caption):
        w.add(
            f'<tr><td colspan="{total}" align="center"><font size="2"><b>{esc(group, curly=True)}</b></font></td></tr>'
        )
    for sub in table.subtables:
        for r in sub.rows:
            if r.kind == "header":
                labels, pieces = header_cells(r.text, sub)
                cells = [f"<td><font size=\"1\">{esc(x) or '&nbsp;'}</font></td>" for x in labels]
                cells += [""] * (texts - len(labels))
                tail = " ".join(text for lo, _, text in pieces if lo == len(sub.extents))
                j = 0
                for lo, hi, text in sorted(p for p in pieces if p[0] < len(sub.extents)):
                    cells += ['<td width="2%">&nbsp;</td>', "<td>&nbsp;</td>"] * (lo - j)
                    span = 2 * (hi - lo + 1) - 1
                    cells += [
                        '<td width="2%">&nbsp;</td>',
                        f'<td colspan="{span}" align="center" style="border-bottom:1px solid #000000">'
                        f"<font size=\"1\"><b>{esc(text)}</b></font></td>",
                    ]
                    j = hi + 1
                cells += ['<td width="2%">&nbsp;</td>', "<td>&nbsp;</td>"] * (width - j)
                if sub.tail is not None:
                    cells.append(f'<td><font size="1"><b>{esc(tail) or "&nbsp;"}</b></font></td>')
                w.add('<tr valign="bottom">' + "".join(cells) + "</tr>")
        for r in join_wrapped([r for r in sub.rows if r.kind != "header"]):
            label_texts = [""] * texts
            for start, text in r.labels:
                slot = max(k for k, s in enumerate(sub.label_starts) if s <= start or k == 0)
                label_texts[slot] = (label_texts[slot] + " " + text).strip()
            cells = []
            for k, text in enumerate(label_texts):
                marker = re.match(r"^(.*\S) (\(\d\))$", text, re.S)
                inner = f"{esc(marker[1], curly=True)} <sup>{marker[2]}</sup>" if marker else esc(text, curly=True)
                inner = inner.replace("\n", "<br>")
                pad = _indent(r.label) * _PAGE_CHAR_PT if k == 0 else 0
                cells.append(
                    f'<td style="padding-left:{pad}pt"><p style="margin:0pt"><font size="2">{inner or "&nbsp;"}</font></p></td>'
                )
            by_column = dict(zip(r.columns, r.cells, strict=True))
            for j in range(width):
                cell = by_column.get(j)
                number = "&nbsp;"
                if cell:
                    core = cell.printed.replace("$ ", "").replace("$", "")
                    number = {"--": "&#8212;", "- -": "&#8212;", "-": "&#8211;"}.get(core, esc(core))
                    number = ("$&nbsp;" if cell.dollar else "") + number
                cells += ['<td width="2%">&nbsp;</td>', f'<td align="right" nowrap><font size="2">{number}</font></td>']
            if sub.tail is not None:
                cells.append(f'<td>&nbsp;<font size="2">{esc(r.tail[1]) if r.tail else ""}</font></td>')
            w.add('<tr valign="bottom">' + "".join(cells) + "</tr>")
    w.add("</table>")


def legacy(source: str) -> str:
    """The same page as older filer software writes it: tags in capitals, and the end tags HTML
    lets one leave out (</TD>, </TR>, </P>) left out."""
    source = re.sub(r"</?[a-z]+", lambda m: m.group().upper(), source)
    return re.sub(r"</(?:TD|TR|P)>", "", source)


RENDERERS = {
    "pre": render_pre,
    "table": lambda r: render_document(r, "table"),
    "nested": lambda r: render_document(r, "nested"),
    "legacy": lambda r: legacy(render_document(r, "table")),
}


# ---------------------------------------------------------------- reading both back


def facts_of(doc: Document) -> DocumentFacts:
    return extract_tables(doc, segment(doc))


def key(o: Observation) -> tuple:
    period = (o.period.start, o.period.end) if o.period else None
    return (o.subject.label, o.metric, o.category, period, o.value, o.unit)


def printed_on(source_line: str) -> str:
    """What an HTML source line prints: tags out, entities decoded, dashes as typed."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", source_line)).replace("\xa0", " ")
    return text.replace("\u2014", "--").replace("\u2013", "-").replace("- -", "--")


@dataclass
class Reading:
    """A text release, its observations, and per style its HTML and what ingest, layout and
    tables read from that HTML."""

    release: Release
    text: DocumentFacts
    html: dict[str, tuple[str, DocumentFacts]] = field(default_factory=dict)

    def of(self, style: str) -> tuple[str, DocumentFacts]:
        if style not in self.html:
            source = RENDERERS[style](self.release)
            doc = parse_document(source.encode("utf-8"), name=self.release.name.replace(".txt", ".htm"))
            assert doc.format == "html"
            self.html[style] = (source, facts_of(doc))
        return self.html[style]


@pytest.fixture(scope="module", params=[*RELEASES, *(f"devset/{n}" for n in DEVSET_RELEASES)])
def reading(request: pytest.FixtureRequest) -> Reading:
    name = request.param
    if name.startswith("devset/"):
        path = DEVSET / name.removeprefix("devset/")
        if not path.is_file():
            pytest.skip("../shared/devset is not beside the repository")
    else:
        path = CORPUS / name
    return Reading(read_release(path), facts_of(read_document(path)))


@pytest.mark.parametrize("style", STYLES)
def test_html_gives_the_observations_of_the_text(reading: Reading, style: str) -> None:
    _, got = reading.of(style)
    want = Counter(map(key, reading.text.observations))
    have = Counter(map(key, got.observations))
    assert sum(want.values()) >= 100  # every release has tables of figures: nothing vacuous here
    missing = want - have
    extra = have - want
    assert not missing and not extra, (
        f"{style}: {sum(missing.values())} of {sum(want.values())} text observations missing, "
        f"{sum(extra.values())} extra; missing e.g. {list(missing)[:5]}; extra e.g. {list(extra)[:5]}"
    )


@pytest.mark.parametrize("style", STYLES)
def test_html_numbers_cite_lines_that_print_them(reading: Reading, style: str) -> None:
    source, got = reading.of(style)
    raw = source.splitlines()
    wrong = []
    for o in got.observations:
        digits = re.sub(r"[^\d.,]", "", o.printed).strip(".,") or "--"
        # the number whole, not inside a longer one ("1.84" is not printed by "11.84")
        if not re.search(r"(?<![\d.,])" + re.escape(digits) + r"(?![\d]|[.,]\d)", printed_on(raw[o.source.line - 1])):
            wrong.append((o.printed, o.source.line, raw[o.source.line - 1]))
    assert got.observations and not wrong, wrong[:5]


def test_the_renderings_hold_the_markup_they_stand_for() -> None:
    # the styles keep what they claim to test, so a change to the renderer cannot make them easy
    release = read_release(CORPUS / "000_ab7ab8a88c10b9e9.txt")
    pre, table, nested, old = (RENDERERS[style](release) for style in STYLES)
    assert re.search(r"</pre>\n<p>HECLA MINING COMPANY</p>\n<p>\(dollars in thousands, except per share, "
                     r"per ounce and per pound amounts - unaudited\)</p>\n<pre>", pre)
    assert '<td colspan="7" align="center" nowrap><b>Fourth Quarter Ended</b></td>' in table
    assert "<b>Dec. 31,<br>2006</b>" in table and "<td>$</td>\n<td align=\"right\">(7,226</td>\n<td>)</td>" in table
    assert "<td>&nbsp;&nbsp;Total sales</td>" in table and "&#151;" in table
    assert re.search(r"<table [^>]*><tr><td>\n(?:.*\n)*<table ", nested)  # tables nested in the layout table's cell
    assert '<td colspan="5" align="center"><font size="2"><b>Consolidated Balance Sheets</b>' in nested
    assert "Income (loss) applicable to common shareholders</font>" in nested  # a wrapped label in one cell
    assert "$&nbsp;(7,364)" in nested and "&#8212;" in nested and "&#146;" in nested and "<sup>(1)</sup>" in nested
    assert 'style="padding-left:6pt"' in nested
    assert "<TD>" in old and "</TD>" not in old and "</TR>" not in old and "</P>" not in old
