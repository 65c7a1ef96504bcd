"""Table block → grid: lines with roles, sub-tables with their columns and header lines.

Input: the lines of one table block (analysis line numbers and text). Output:
:class:`Grid` — the caption lines, and one :class:`SubTable` per header group,
each with its number columns (character spans) and every line's role.

Numbers are assigned to columns by position, never by counting tokens: the
columns are the right edges of the fullest rows, and a row with fewer numbers
(a blank cell) puts each number in the nearest column, keeping their order. So a
missing gold grade cannot slide the silver grade into the gold column, and
columns drifting by a few characters still land right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import NamedTuple

from kg.layout import HEADER, classify, is_title
from kg.tables.numbers import NUMBER, Cell, SplitRow, is_year, number_cell, split_row
from kg.tables.periods import Span

BLANK, RULE, DATA, HEAD, TEXT = "blank", "rule", "data", "header", "text"
_DATE_WORDS = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?(?:\s+(?:19|20)\d\d)?", re.I
)
_CAPTION_WORDS = re.compile(r"\bin\s+(?:thousands|millions)\b|\bas\s+of\b|\bunaudited\b", re.I)
_AS_OF = re.compile(r"\bas\s+of\b", re.I)
_RULE = re.compile(r"^[\s\-=_]*[-=_]{3,}[\s\-=_]*$")
# The words of a line that dates columns ("2016   2015   Dec. 2016   Dec. 2015", "Q4 2016   Q4 2015",
# "3Q18   3Q17   YTD 2018"): years, quarters, halves, months, days and period words only.
_HEADER_TOKEN = re.compile(
    r"(?:(?:19|20)\d\d|[1-4]Q(?:\d\d)?|Q[1-4](?:[/'\u2019-]?\d\d)?|H[12](?:[/'\u2019-]?\d\d)?|FY(?:\d\d){0,2}|YTD|\d{1,2},?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?(?:[-'\u2019]\d\d)?|ended|ending|year|years|"
    r"quarter|qtr\.?|months|three|six|nine|twelve|fiscal|to|date|and|vs\.?|-+|\u2013|\u2014)",
    re.I,
)
_PERIOD_TOKEN = re.compile(
    r"(?:19|20)\d\d|[1-4]Q\d\d|Q[1-4][/'\u2019-]?\d\d|H[12][/'\u2019-]\d\d|FY\d\d(?:\d\d)?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[-'\u2019]\d\d",
    re.I,
)
# a line that may date columns holds one of these (most lines hold none and skip the regexes)
_HEAD_HINT = re.compile(r"19|20|[QH][1-4]|FY|[-'\u2019]\d\d", re.I)


class Line(NamedTuple):  # a tuple: one per table line, built fast
    n: int  # analysis line number
    text: str
    role: str
    indent: int
    row: SplitRow | None = None  # for data lines
    stripped: str = ""  # the text without its indentation (set by build_grid)


_new_line = partial(tuple.__new__, Line)  # skips the named tuple's __new__, a Python function


@dataclass
class SubTable:
    header: list[Line] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)  # body lines (data, text, blank, rule)
    columns: list[Span] = field(default_factory=list)
    rules: list[Line] = field(default_factory=list)  # rules of the header group (column extents)
    data: list[Line] = field(default_factory=list)  # the data lines of ``lines`` (set by finish())
    label_end: int = 0  # column just left of the leftmost number (set by finish())

    def finish(self) -> None:
        """Fix the derived fields once the lines are in."""
        self.data = [ln for ln in self.lines if ln.role == DATA]
        rows = [ln.row.cells for ln in self.data]  # type: ignore[union-attr]
        self.columns = _columns(rows)
        if self.columns and min(map(len, rows)) < len(self.columns):
            self.lines = [_unglue(ln, self.columns) if ln.role == DATA else ln for ln in self.lines]
            self.data = [ln for ln in self.lines if ln.role == DATA]
            rows = [ln.row.cells for ln in self.data]  # type: ignore[union-attr]
        # A row's cells run left to right (an unglued cell comes from its label): the first is leftmost.
        starts = [cells[0].start for cells in rows if cells]
        self.label_end = (min(starts) - 1) if starts else 0


def _unglue(line: Line, columns: Sequence[Span]) -> Line:
    """A number one space after its label ("Cinnabar Ridge Mine, Idaho 1,204,000") reads as part
    of the label; when it ends where a column ends, left of the row's other numbers, it is that
    column's cell. Shares and markers ("Hecla's 29.73%", "(3)") never end on a column like that."""
    row = line.row
    if row is None or not row.label or len(row.cells) >= len(columns):
        return line
    if not row.label[-1].isdigit() and row.label[-1] != ")":
        return line  # a number printed as a number ends in a digit (or a glued marker's ")")
    head, _, tail = row.label.rpartition(" ")
    if not head.strip() or tail[:1] in "($" or tail.endswith("%"):
        return line
    cell = number_cell(tail, row.label_start + len(head) + 1)
    if cell is None or cell.number.kind != NUMBER:
        return line
    first_end = row.cells[0].end if row.cells else None
    for col in columns:
        if abs(cell.end - col.end) <= 1 and (first_end is None or first_end > col.end + 1):
            label = head.rstrip()
            split = SplitRow(
                label, row.label_start, row.label_start + len(label), (cell, *row.cells), row.tail, row.highs
            )
            return line._replace(row=split)
    return line


@dataclass
class Grid:
    caption: list[Line]
    parts: list[SubTable]


def line_role(text: str, stripped: str) -> tuple[str, SplitRow | None]:
    """blank, rule, data (a label and number cells), header (dates, period words, column captions) or text.

    ``stripped`` is ``text.strip()``."""
    if not stripped:
        return BLANK, None
    if stripped[0] in "-=_" and _RULE.match(stripped):  # a rule starts with one of these
        return RULE, None
    if _HEAD_HINT.search(stripped) and _dates_columns(stripped):
        return HEAD, None  # "2016   2015   Dec. 2016   Dec. 2015", "Q4 2016   Q4 2015", "3Q18  3Q17"
    row = split_row(text)
    if row.cells:
        for c in row.cells:  # all years ("2006   2005")?
            number = c.number
            printed = number.printed
            if number.kind != NUMBER or "," in printed or not is_year(printed.strip("$()")):
                break
        else:
            label_words = _DATE_WORDS.sub(" ", row.label).split()
            if not label_words or (len(label_words) <= 2 and row.label.isupper()):
                return HEAD, None  # "2006   2005" or "HIGHLIGHTS   2007   2006"
        return DATA, row
    if classify(text) == HEADER and not _AS_OF.search(stripped) and not is_title(stripped):
        # "(as of December 31, 2006)" dates the whole table, and a centred title naming more than
        # a period ("THIRD QUARTER RESULTS") captions it: text, not column headers
        return HEAD, None
    return TEXT, None


def _dates_columns(stripped: str) -> bool:
    """Whether a line holds only the words that date columns, a year among them."""
    tokens = stripped.split()
    return (
        len(tokens) >= 2
        and _HEADER_TOKEN.fullmatch(tokens[0]) is not None  # most lines fail here: a label word
        and all(_HEADER_TOKEN.fullmatch(t) for t in tokens)
        and any(_PERIOD_TOKEN.fullmatch(t) for t in tokens)
        and not any("," in t and t.replace(",", "").isdigit() and len(t) > 3 for t in tokens)
    )


def build_grid(numbered: Sequence[tuple[int, str]]) -> Grid:
    lines = []
    roles = []  # the lines' roles apart: read often below, and a list is quicker to read than tuples
    for n, text in numbered:
        stripped = text.strip()
        role, row = line_role(text, stripped)
        lines.append(_new_line((n, text, role, len(text) - len(text.lstrip(" ")), row, stripped)))
        roles.append(role)
    for i, role in enumerate(roles):
        if (
            role == HEAD
            and i
            and roles[i - 1] == TEXT
            and _closes_caption(lines[i - 1].stripped, lines[i].stripped)
        ):
            # "(effective date February" / "15, 2021)": the caption's last words, not a header
            roles[i] = TEXT
            lines[i] = lines[i]._replace(role=TEXT)
        if role == DATA and _years_under_a_date(lines, roles, i):
            # its label is a title of the rows below, not of the whole table's kind: left out
            line = lines[i]
            label_end = line.row.cells[0].start  # type: ignore[union-attr]
            text = " " * label_end + line.text[label_end:]
            roles[i] = HEAD
            lines[i] = line._replace(role=HEAD, row=None, text=text, stripped=text.strip())
    in_header = _header_groups(lines, roles)
    end = len(lines)
    first_data = roles.index(DATA) if DATA in roles else end
    first_head = in_header.index(True) if True in in_header else end
    if first_head < first_data:
        cap_end = first_head
    else:
        # No header before the data: the caption ends at the last blank line before it, so a
        # wrapped first label ("Cash flow provided by" / " operating activities  $ 21,836") stays a label.
        blanks = [i for i in range(first_data) if roles[i] == BLANK]
        cap_end = blanks[-1] if blanks else 0
    caption = [ln for ln in lines[:cap_end] if ln.role in (TEXT, HEAD)]
    parts: list[SubTable] = []
    current = SubTable()
    has_data = False  # whether ``current`` has a data line
    i = cap_end
    while i < end:
        if in_header[i]:
            if has_data:
                parts.append(current)
                current, has_data = SubTable(), False
            while i < end and in_header[i]:
                (current.header if roles[i] != RULE else current.rules).append(lines[i])
                i += 1
            continue
        current.lines.append(lines[i])
        has_data = has_data or roles[i] == DATA
        i += 1
    if has_data or not parts:
        parts.append(current)
    for part in parts:
        part.finish()
    return Grid(caption, parts)


def _closes_caption(above: str, line: str) -> bool:
    """Whether ``line`` ends a parenthesis the text line above it opened (a wrapped caption)."""
    return above.count("(") > above.count(")") and line.count(")") > line.count("(")


def _years_under_a_date(lines: Sequence[Line], roles: Sequence[str], i: int) -> bool:
    """Whether data line ``i`` prints years only, under a line that dates them: the header of a
    part of the table, its label a title ("As at December 31," over "Statement of Financial
    Position   2023   2022")."""
    row = lines[i].row
    if row is None or len(row.cells) < 2:
        return False
    for c in row.cells:
        printed = c.number.printed
        if c.number.kind != NUMBER or "," in printed or not is_year(printed):
            return False
    j = i - 1
    while j >= 0 and roles[j] == BLANK:
        j -= 1
    return j >= 0 and roles[j] in (TEXT, HEAD) and _DATES_OVER.search(lines[j].stripped) is not None


# words that date the columns below them ("As at December 31,", "Three months ended")
_DATES_OVER = re.compile(
    r"\b(?:ended|ending|as\s+at|as\s+of|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})\b",
    re.I,
)


def _header_groups(lines: Sequence[Line], roles: Sequence[str]) -> list[bool]:
    """Mark header lines and the lines that belong to their header group: adjacent rules and
    column-caption text ("Mine - (Hecla interest in" over "%)  (ounces)  (tons)").

    ``roles`` are the lines' roles."""
    end = len(lines)
    mark = [False] * end
    for i, role in enumerate(roles):
        if role != HEAD:
            continue
        mark[i] = True
        j = i - 1
        while j >= 0 and not mark[j] and roles[j] in (RULE, HEAD, TEXT):
            below_is_head = j + 1 < end and roles[j + 1] == HEAD
            if roles[j] == TEXT and (
                not below_is_head
                or lines[j].indent == 0
                or lines[j].stripped.endswith(":")
                or _caption_text(lines[j].stripped)
            ):
                break
            mark[j] = True
            j -= 1
        j = i + 1
        while j < end and roles[j] in (RULE, HEAD):
            mark[j] = True
            j += 1
    return mark


def _caption_text(text: str) -> bool:
    """A caption line above a header: a capitalised title or a scale or date line."""
    letters = [c for c in text if c.isalpha()]
    return (bool(letters) and all(c.isupper() for c in letters)) or bool(_CAPTION_WORDS.search(text))


def columns_of(data: Sequence[Line]) -> list[Span]:
    """Column spans from the fullest rows: per position, the median right edge and the leftmost start."""
    return _columns([ln.row.cells for ln in data if ln.row])


def _columns(rows: Sequence[tuple[Cell, ...]]) -> list[Span]:
    """:func:`columns_of` the rows' cells."""
    if not rows:
        return []
    counts = list(map(len, rows))
    # The widest row count seen twice: one stray row with an extra number must not add a column.
    seen = sorted({c for c in set(counts) if counts.count(c) >= 2}, reverse=True)
    width = seen[0] if seen and len(counts) >= 3 else max(counts)
    full = [cells for cells in rows if len(cells) == width]
    spans = []
    for column in zip(*full, strict=True):  # the k-th cells of the full rows
        ends = sorted(map(_END, column))
        right = ends[(len(ends) - 1) // 2]  # the (lower) median right edge
        left = min(map(_START, column))
        spans.append(Span(left, right))
    return spans


_START, _END = attrgetter("start"), attrgetter("end")  # map() with these runs in C


def assign(cells: Sequence[Cell], columns: Sequence[Span]) -> list[int] | None:
    """Column index of each cell, in order, nearest right edges (None when they cannot fit)."""
    n, m = len(cells), len(columns)
    if n > m:
        return None
    if n == m:
        return list(range(n))
    inf = float("inf")
    # cost[i][j]: best cost placing cells[:i] with cell i-1 in column j-1 or earlier.
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    choice = [[-1] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        best[0][j] = 0.0
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            skip = best[i][j - 1]
            take = best[i - 1][j - 1] + abs(cells[i - 1].end - columns[j - 1].end)
            if take <= skip:
                best[i][j], choice[i][j] = take, j - 1
            else:
                best[i][j], choice[i][j] = skip, choice[i][j - 1]
    out = [0] * n
    j = m
    for i in range(n, 0, -1):
        col = choice[i][j]
        out[i - 1] = col
        j = col
    return out
