"""Layout: a :class:`kg.facts.Document` → its blocks (headings, prose, tables, boilerplate).

Input: a Document (analysis lines, furniture marked). Output: a tuple of
:class:`kg.facts.Block`, in document order, each with its analysis-line span,
its lines as printed and the capitalised section heading it sits under.

Fixed-width releases have no markup, so blocks are found from the shape of
lines: a *table line* has cells separated by runs of two or more spaces with a
number among them, or is a rule (``-----``/``=====``), or is a column header
(dates, "Quarter Ended"); prose is wrapped text with single spaces. A table is
a run of table lines with the short label lines between them (wrapped row
labels, section rows such as ``LUCKY FRIDAY UNIT``), extended upwards over its
caption ("HECLA MINING COMPANY", the statement name, the scale line). Page
furniture is transparent, so a footer that cuts a table in half does not split
it. Boilerplate (forward-looking statements, cautionary note, "news releases can
be accessed", contact lines) is its own kind so the NLP stage can skip it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import NamedTuple

from kg.facts import Block, Document

log = logging.getLogger(__name__)

BLANK, RULE, NUMROW, HEADER, TEXT = "blank", "rule", "numrow", "header", "text"

_GAP = re.compile(r"\s{2,}")
_RULE = re.compile(r"^[\s\-=_]*[-=_]{3,}[\s\-=_]*$")
# A cell that is a number as tables print it: "$ 1,234", "(3.70)", "$(0.66)", "12.5%",
# "- -", "--", "-", optionally followed or preceded by a footnote marker "(1)".
_NUM_CELL = re.compile(
    r"^(?:\(\d\)\s*)?(?:\$\s*)?(?:\(\s*\$?\s*[\d,]*\.?\d+\s*\)|-?\$?\s*[\d,]*\.?\d+%?|-\s?-|-)(?:\s*\(\d\))?$"
)
_NUM_TOKEN = re.compile(r"^-?\$?\(?\$?[\d,]*\.?\d+\)?%?$|^--$|^-$|^n/?[am]\.?$", re.I)
_MARKER = re.compile(r"^\(\d\)$")
_GAP_BEFORE_NUMBER = re.compile(r"\S\s{2,}[$(]*\s*[\d.]|\S\s{2,}-")


class _Folded:
    """A case-insensitive pattern, searched fast: ASCII text is lower-cased and searched with the
    pattern compiled without re.I, which gives the same matches several times faster (layout
    searches every line of a corpus). Write the pattern's letters in lower case."""

    def __init__(self, pattern: str, start: str = "", needs: tuple[str, ...] = ()) -> None:
        # ``needs``: words one of which every match contains; text with none of them is passed
        # over without running the regex (str.find is many times faster than an alternation).
        self._needs = needs
        self._folded = re.compile(pattern)
        self._any_case = re.compile(pattern, re.I)
        # Alternatives anchored at the start of the text (after blanks) are matched apart: inside
        # one alternation, "^" stops the regex engine from skipping ahead by first characters.
        self._start = re.compile(r"\s*(?:" + start + ")") if start else None
        self._start_any_case = re.compile(r"\s*(?:" + start + ")", re.I) if start else None

    def search(self, text: str) -> re.Match[str] | None:
        if text.isascii():
            low = text.lower()
            if self._needs and not any(word in low for word in self._needs):
                return None
            found = self._folded.search(low)
            if found is None and self._start is not None:
                found = self._start.match(low)
            return found
        found = self._any_case.search(text)
        if found is None and self._start_any_case is not None:
            found = self._start_any_case.match(text)
        return found

    def findall(self, text: str) -> list[str]:
        if text.isascii():
            return self._folded.findall(text.lower())
        return self._any_case.findall(text)


_UNIT_CAPTION = _Folded(r"\((?:[a-z/%$.]{1,8})\)")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_HEADER_WORD = _Folded(  # the lookahead lists the words' first letters: the engine skips ahead by them
    r"(?=[jfmasondqyet12])\b(?:" + _MONTH + r"\s+\d{1,2}|(?:19|20)\d\d|quarter|months|year|ended|twelve|six|nine|three)\b"
)
_YEARS_ONLY = re.compile(r"^(?:(?:19|20)\d\d\s*)+$")
_FOOTNOTE_START = re.compile(r"^\s*(?:\(\d{1,2}\)|\([a-z]\)|\*+|\d\))\s*[A-Za-z]")
_URL = _Folded(r"https?://|www\.")
_BOILERPLATE = _Folded(
    r"forward[- ]looking\s+statements|cautionary\s+note|news\s+releases?\s+can\s+be\s+accessed|"
    r"private\s+securities\s+litigation\s+reform|safe\s+harbor",
    start=r"contact\b|for\s+further\s+information",
    needs=("looking", "cautionary", "accessed", "litigation", "harbor", "contact", "further"),
)
_CAPS_LETTERS = re.compile(r"[A-Za-z]")
_BODY_NUMBER = re.compile(r"\$\s?\d|\d,\d{3}")
_AMOUNT = _Folded(r"\$\s?\d|\bmillion\b|\bbillion\b")


class _Line(NamedTuple):  # a tuple: thousands per document, built fast
    n: int
    text: str
    kind: str
    indent: int


def classify(text: str) -> str:
    """The shape of one line: blank, rule, numrow (cells with a number), header or text."""
    stripped = text.strip()
    if not stripped:
        return BLANK
    first = stripped[0]  # both patterns start after the (stripped) leading blanks
    if first in "-=_" and _RULE.match(stripped):
        return RULE
    if first in "12" and _YEARS_ONLY.match(stripped):
        return HEADER
    if (
        "  " not in stripped
        and "(" not in stripped
        and len(text) - len(stripped) < 20
        and "," not in stripped[-12:]
    ):
        # Fast path for prose: single-spaced words, no column gap, no unit captions.
        return TEXT
    numbers = _trailing_numbers(stripped)
    if numbers >= 2 or (numbers == 1 and _GAP_BEFORE_NUMBER.search(stripped)):
        return NUMROW
    cells = [c for c in _GAP.split(stripped) if c]
    if (
        _HEADER_WORD.search(stripped)
        and (len(cells) >= 2 or _indent(text) >= 20)
        and not stripped.endswith(".")
    ):
        return HEADER
    if (len(cells) >= 3 and all(len(c) <= 20 for c in cells[1:])) or len(
        _UNIT_CAPTION.findall(stripped)
    ) >= 3:
        # column captions such as "Gold    Silver  Lead Zinc" or "(ounces)  (tons)"
        return HEADER
    return TEXT


def _trailing_numbers(stripped: str, limit: int = 2) -> int:
    """How many number cells end the line ("$ 1,234", "(3.70)", "- -", "(1)" markers skipped),
    counting up to ``limit`` (a line is a row of numbers from two on)."""
    tokens = stripped.split()
    count = 0
    i = len(tokens) - 1
    while i >= 0 and count < limit:
        tok = tokens[i]
        if tok == "$" or _MARKER.match(tok):
            i -= 1
            continue
        if tok == "-" and i > 0 and tokens[i - 1] == "-":
            count += 1
            i -= 2
            continue
        if _NUM_TOKEN.match(tok):
            count += 1
            i -= 1
            continue
        break
    return count


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _is_caps(text: str) -> bool:
    letters = _CAPS_LETTERS.findall(text)
    return bool(letters) and all(c.isupper() for c in letters)


def _label_like(line: _Line) -> bool:
    """A text line that can sit inside a table: a wrapped row label or a section row."""
    s = line.text.strip()
    if len(s) > 60 or line.indent > 8:
        return False
    return not (_FOOTNOTE_START.match(s) or _URL.search(s) or _BOILERPLATE.search(s))


def _caption_like(line: _Line) -> bool:
    """A line of a table's caption: centred title, statement name, scale or date line.

    The last line of a paragraph above a table ends a sentence (".", ":") or mentions an
    amount ("$6.7 million"); captions do neither, which is what stops the walk upwards."""
    s = line.text.strip()
    if line.kind not in (TEXT, HEADER):
        return False
    if _URL.search(s) or _BOILERPLATE.search(s) or _FOOTNOTE_START.match(s):
        return False
    # A capitalised title may end in an abbreviation ("ACME SILVER CORP.").
    if len(s) > 75 or (s.endswith((".", ":", ";")) and not _is_caps(s)) or _AMOUNT.search(s):
        return False
    if line.indent >= 6:
        return True
    if s.startswith("(") or (_is_caps(s) and len(s) <= 60):
        return True
    return False


def segment(doc: Document) -> tuple[Block, ...]:
    """Split ``doc`` into heading, prose, table and boilerplate blocks (analysis lines)."""
    furniture = doc.furniture
    lines = []
    for n, raw in enumerate(doc.lines, start=1):
        text = "" if n in furniture else raw  # doc.text(n), inlined: this runs over every line
        lines.append(_Line(n, text, classify(text), len(text) - len(text.lstrip(" "))))
    kinds = _mark_tables(lines, furniture)
    return _assemble(doc, lines, kinds)


def _next_content(lines: Sequence[_Line], i: int, furniture: frozenset[int]) -> tuple[int, int]:
    """Index of the next non-blank, non-furniture line at or after ``i`` and the blanks skipped
    (blanks adjacent to furniture do not count: a page break is not a gap in the table)."""
    blanks = 0
    saw_furniture = False
    while i < len(lines):
        ln = lines[i]
        if ln.n in furniture:
            saw_furniture = True
        elif ln.kind != BLANK:
            return i, (0 if saw_furniture else blanks)
        else:
            blanks += 1
        i += 1
    return i, blanks


def _mark_tables(lines: Sequence[_Line], furniture: frozenset[int]) -> list[int]:
    """Per line: the 1-based id of the table block it belongs to, 0 when it is not in a table."""
    marks = [0] * len(lines)
    anchors = {RULE, NUMROW, HEADER}
    table_id = 0
    i = 0
    while i < len(lines):
        if lines[i].kind not in anchors or lines[i].n in furniture:
            i += 1
            continue
        start = i
        end = _table_end(lines, i, furniture)
        # Tables hold at least one row of numbers; a lone rule or header is not a table.
        if any(lines[x].kind == NUMROW for x in range(start, end + 1)):
            table_id += 1
            start = _extend_caption(lines, start, furniture, marks)
            for x in range(start, end + 1):
                marks[x] = table_id
        i = end + 1
    _mark_titled_blocks(lines, furniture, marks, table_id)
    return marks


def _table_end(lines: Sequence[_Line], i: int, furniture: frozenset[int]) -> int:
    """Last line of the table whose first table line is ``i``."""
    anchors = {RULE, NUMROW, HEADER}
    end = i
    j = i + 1
    while j < len(lines):
        k, blanks = _next_content(lines, j, furniture)
        if k >= len(lines) or blanks > 2:
            break
        ln = lines[k]
        if ln.kind in anchors:
            end = k
            j = k + 1
            continue
        # A run of label lines is kept only when a table line follows it closely; a
        # centred capitalised line after a gap is the next table's caption.
        run_end = k
        ok = False
        m = k
        while m < len(lines) and m - k < 6:
            k2, b2 = _next_content(lines, m, furniture)
            if k2 >= len(lines) or b2 > 2:
                break
            ln2 = lines[k2]
            if ln2.kind in anchors:
                ok = True
                break
            if not _label_like(ln2):
                break
            run_end = k2
            m = k2 + 1
        if not ok:
            break
        end = run_end
        j = run_end + 1
    return end


def _extend_caption(
    lines: Sequence[_Line], start: int, furniture: frozenset[int], marks: Sequence[int]
) -> int:
    """Move a table's first line up over its caption (and a short label right above it)."""
    i = start - 1
    blanks = 0
    best = start
    while i >= 0 and not marks[i]:
        ln = lines[i]
        if ln.n in furniture:
            break
        if ln.kind == BLANK:
            blanks += 1
            if blanks > 3:
                break
            i -= 1
            continue
        adjacent_label = (
            # only a label directly above the table's first line ("Proven and Probable" over a rule)
            blanks == 0
            and best == start
            and i == start - 1
            and _label_like(ln)
            and not ln.text.rstrip().endswith((".", ":"))
        )
        # A caption wraps like any title: a line right above an accepted caption line belongs to
        # it unless it ends a sentence or states an amount (the paragraph above the table does).
        caption_wrap = (
            blanks == 0
            and best == i + 1
            and best < start
            and ln.kind in (TEXT, HEADER)
            and len(ln.text.strip()) <= 75
            and not ln.text.rstrip().endswith((".", ":", ";"))
            and not _AMOUNT.search(ln.text)
            and not _FOOTNOTE_START.match(ln.text)
            and not _URL.search(ln.text)
        )
        if _caption_like(ln) or adjacent_label or caption_wrap:
            best = i
            blanks = 0
            i -= 1
            continue
        break
    return best


def _mark_titled_blocks(
    lines: Sequence[_Line], furniture: frozenset[int], marks: list[int], table_id: int
) -> None:
    """Small statements printed as a centred title over a few indented lines with numbers
    ("HEDGED POSITIONS / As of ... / Sold forward: 48,928 gold ounces @ ...")."""
    i = 0
    while i < len(lines):
        ln = lines[i]
        if (
            marks[i]
            or ln.kind != TEXT
            or ln.indent < 10
            or not _is_caps(ln.text)
            or len(ln.text.strip()) > 50
        ):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not marks[j] and lines[j].kind in (TEXT, HEADER) and lines[j].indent >= 10:
            j += 1
        k, blanks = _next_content(lines, j, furniture)
        body_end = k - 1
        m = k
        while m < len(lines) and not marks[m] and lines[m].kind != BLANK and lines[m].n not in furniture:
            if lines[m].indent < 4 or len(lines[m].text.strip()) > 75:
                break
            body_end = m
            m += 1
        body = [lines[x] for x in range(k, body_end + 1)]
        closed = m >= len(lines) or lines[m].kind == BLANK or lines[m].n in furniture
        amounts = any(_BODY_NUMBER.search(b.text) for b in body)
        if blanks <= 2 and body and len(body) <= 6 and closed and amounts:
            table_id += 1
            for x in range(i, body_end + 1):
                marks[x] = table_id
            i = body_end + 1
            continue
        i += 1


def _assemble(doc: Document, lines: Sequence[_Line], marks: Sequence[int]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    section = ""
    i = 0
    n_lines = len(lines)
    while i < n_lines:
        ln = lines[i]
        if marks[i]:
            j = i
            while j + 1 < n_lines and marks[j + 1] == marks[i]:
                j += 1
            blocks.append(_block(lines, "table", i, j, section))
            i = j + 1
            continue
        if ln.kind == BLANK or ln.n in doc.furniture:
            i += 1
            continue
        # A paragraph: consecutive non-blank lines, split where a new indented first line starts.
        j = i
        while j + 1 < n_lines:
            nxt = lines[j + 1]
            if marks[j + 1] or nxt.kind == BLANK or nxt.n in doc.furniture:
                break
            if nxt.indent >= 3 and nxt.indent > lines[j].indent and lines[j].indent < 3:
                break
            if _FOOTNOTE_START.match(nxt.text) and nxt.indent <= 2:
                break
            j += 1
        text = " ".join(lines[x].text.strip() for x in range(i, j + 1))
        if _BOILERPLATE.search(text) or (_URL.search(text) and len(text) < 90 and i == j):
            kind = "boilerplate"
        elif i == j and _is_caps(text) and len(text) <= 70 and not text.endswith("."):
            kind = "heading"
        else:
            kind = "prose"
        if kind == "heading":
            section = " ".join(text.split())
        blocks.append(_block(lines, kind, i, j, section))
        i = j + 1
    return tuple(blocks)


def _block(lines: Sequence[_Line], kind: str, i: int, j: int, section: str) -> Block:
    # lines[x].text is doc.text(x + 1): furniture already blanked
    return Block(
        kind=kind,
        first_line=i + 1,
        last_line=j + 1,
        lines=tuple(ln.text for ln in lines[i : j + 1]),
        section=section,
    )
