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

from kg.facts import Block, Document
from kg.settings import BuildLimits

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
        # ``needs``: words one of which every match of ``pattern`` contains; text with none of them
        # is passed over without running the regex (str.find is many times faster than an
        # alternation). The ``start`` alternatives need none: anchored, they fail at once.
        self._needs = needs or ("",)  # "" is in every text: no needs, always searched
        self._folded = re.compile(pattern)
        self._any_case = re.compile(pattern, re.I)
        # Alternatives anchored at the start of the text (after blanks) are matched apart: inside
        # one alternation, "^" stops the regex engine from skipping ahead by first characters.
        self._start = re.compile(r"\s*(?:" + start + ")") if start else None
        self._start_any_case = re.compile(r"\s*(?:" + start + ")", re.I) if start else None

    def search(self, text: str) -> re.Match[str] | None:
        if text.isascii():
            low = text.lower()
            found = None
            for word in self._needs:  # a plain loop: any() over a generator costs more than the scans
                if word in low:
                    found = self._folded.search(low)
                    break
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
    needs=("looking", "cautionary", "accessed", "litigation", "harbor"),
)
_CAPS_LETTERS = re.compile(r"[A-Za-z]")
_BODY_NUMBER = re.compile(r"\$\s?\d|\d,\d{3}")
_AMOUNT = _Folded(r"\$\s?\d|\bmillion\b|\bbillion\b")


_ANCHORS = frozenset((RULE, NUMROW, HEADER))  # the kinds of line a table is made of
_LABEL_KINDS = (TEXT, HEADER)


# Words a column header's period is made of ("THREE MONTHS ENDED SEPTEMBER 30,", "YEAR TO DATE").
_PERIOD_WORDS = frozenset(
    "quarter quarters month months year years ended ending twelve six nine three first second third "
    "fourth fiscal ytd to date and the for of in as at q1 q2 q3 q4 "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_LETTERS = re.compile(r"[a-z0-9]+")


def is_title(stripped: str) -> bool:
    """A title in capitals that names more than a period ("THIRD QUARTER FINANCIAL RESULTS"),
    printed as one run of words: unlike a column header ("THREE MONTHS ENDED"), it captions the
    table below it rather than heading the columns of the table above."""
    if "  " in stripped or not stripped.isupper():
        return False
    return any(w not in _PERIOD_WORDS and not w.isdigit() for w in _LETTERS.findall(stripped.lower()))


class _Page:
    """One document's lines as parallel lists, indexed from 0, built once by :func:`segment`:
    the table walks look lines up by index many times, and a list index is the cheapest lookup.

    Furniture lines read as blank (``doc.text(n)``), so a line of any other kind is never
    furniture; ``furniture[i]`` tells a page break from a blank line."""

    __slots__ = ("texts", "stripped", "kinds", "indents", "furniture")

    def __init__(self, doc: Document) -> None:
        texts = list(doc.lines)
        furniture = [False] * len(texts)
        for n in doc.furniture:
            if 1 <= n <= len(texts):
                texts[n - 1] = ""
                furniture[n - 1] = True
        self.texts = texts
        self.stripped = list(map(str.strip, texts))
        self.kinds = list(map(_kind, texts, self.stripped))
        self.indents = [len(t) - len(t.lstrip(" ")) for t in texts]
        self.furniture = furniture


def classify(text: str) -> str:
    """The shape of one line: blank, rule, numrow (cells with a number), header or text."""
    return _kind(text, text.strip())


def _kind(text: str, stripped: str) -> str:
    """:func:`classify` given the line's ``text.strip()`` (segment has it already)."""
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
    # Every whitespace character but " " is unprintable, so a printable line without "  " has no
    # run of two blanks: no column gap for _GAP or _GAP_BEFORE_NUMBER to find (most prose).
    gapped = "  " in stripped or not stripped.isprintable()
    numbers = _trailing_numbers(stripped)
    if numbers >= 2 or (numbers == 1 and gapped and _GAP_BEFORE_NUMBER.search(stripped)):
        return NUMROW
    cells = [c for c in _GAP.split(stripped) if c] if gapped else [stripped]
    # The cheap tests go first: the header-word search is the costly one.
    if (
        not stripped.endswith(".")
        and (len(cells) >= 2 or _indent(text) >= 20)
        and _HEADER_WORD.search(stripped)
    ):
        return HEADER
    if (len(cells) >= 3 and all(len(c) <= 20 for c in cells[1:])) or (
        stripped.count("(") >= 3 and len(_UNIT_CAPTION.findall(stripped)) >= 3  # a caption per "("
    ):
        # column captions such as "Gold    Silver  Lead Zinc" or "(ounces)  (tons)"
        return HEADER
    return TEXT


def _trailing_numbers(stripped: str, limit: int = 2) -> int:
    """How many number cells end the line ("$ 1,234", "(3.70)", "- -", "(1)" markers skipped),
    counting up to ``limit`` (a line is a row of numbers from two on)."""
    last = stripped[-1]
    if not (last.isdecimal() or last in ")%-$.aAmM"):
        # every token counted or skipped below ends in one of these (n/a, nm: a, m); a line that
        # ends in words may end in a text cell after its numbers ("... 42.6   Torcaz Vein")
        gap = stripped.rfind("  ")
        if gap <= 0 or len(stripped) - gap > 40:
            return 0
        head = stripped[:gap].rstrip()
        return _trailing_numbers(head, limit) if head and (head[-1].isdecimal() or head[-1] in ")%") else 0
    tokens = stripped.split()
    count = 0
    i = len(tokens) - 1
    while i >= 0 and count < limit:
        tok = tokens[i]
        if tok == "$" or (tok[0] == "(" and _MARKER.match(tok)):
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
    """Whether the text has ASCII letters and all of them are capitals."""
    if text.isascii():
        return text.isupper()  # in ASCII text the cased characters are the letters
    letters = _CAPS_LETTERS.findall(text)
    return bool(letters) and all(c.isupper() for c in letters)


def _label_like(page: _Page, i: int) -> bool:
    """A text line that can sit inside a table: a wrapped row label or a section row."""
    s = page.stripped[i]
    if "  " in s and len(s) > 60:
        # a row of text cells inside a table ("CT-09-003          no significant values")
        cells = _GAP.split(s)
        if len(cells) > 3 or any(len(c) > 40 for c in cells) or page.indents[i] > 8:
            return False
    elif len(s) > 60 or page.indents[i] > 8:
        return False
    return not (_FOOTNOTE_START.match(s) or _URL.search(s) or _BOILERPLATE.search(s))


def _caption_like(page: _Page, i: int) -> bool:
    """A line of a table's caption: centred title, statement name, scale or date line.

    The last line of a paragraph above a table ends a sentence (".", ":") or mentions an
    amount ("$6.7 million"); captions do neither, which is what stops the walk upwards."""
    s = page.stripped[i]
    if page.kinds[i] not in _LABEL_KINDS:
        return False
    if _URL.search(s) or _BOILERPLATE.search(s) or _FOOTNOTE_START.match(s):
        return False
    # A capitalised title may end in an abbreviation ("ACME SILVER CORP.").
    if len(s) > 75 or (s.endswith((".", ":", ";")) and not _is_caps(s)) or _AMOUNT.search(s):
        return False
    if page.indents[i] >= 6:
        return True
    if s.startswith("(") or (_is_caps(s) and len(s) <= 60):
        return True
    return False


def segment(doc: Document, *, max_block_chars: int = BuildLimits.max_prose_chars) -> tuple[Block, ...]:
    """Split ``doc`` into heading, prose, table and boilerplate blocks (analysis lines).

    A text block longer than ``max_block_chars`` is cut at line ends into pieces no longer than
    that, each with its own line span: spaCy refuses a text over a million characters, and its
    memory grows with the length of one text."""
    page = _Page(doc)
    blocks = _assemble(page, _mark_tables(page))
    if any(b.kind != "table" and _chars(b) > max_block_chars for b in blocks):
        blocks = tuple(piece for b in blocks for piece in split_block(b, max_block_chars, doc.name))
    return blocks


def _chars(block: Block) -> int:
    return sum(map(len, block.lines)) + len(block.lines) - 1


def split_block(block: Block, max_chars: int, name: str = "") -> list[Block]:
    """``block`` as consecutive pieces of whole lines, each at most ``max_chars`` characters
    (joined by one blank, as the narrative stage joins them); a table block, or a text block
    within the bound, comes back whole. A single line longer than the bound stays a piece of its
    own (ingest bounds lines by ``max_line_chars``, no more than this)."""
    if block.kind == "table" or _chars(block) <= max_chars:
        return [block]
    pieces: list[Block] = []
    start = 0
    size = 0
    for k, line in enumerate(block.lines):
        extra = len(line) + (1 if k > start else 0)
        if k > start and size + extra > max_chars:
            pieces.append(_piece(block, start, k))
            start, size, extra = k, 0, len(line)
        size += extra
    pieces.append(_piece(block, start, len(block.lines)))
    log.info("%s:%d: a %s block of %d characters cut into %d pieces of at most %d", name, block.first_line, block.kind, _chars(block), len(pieces), max_chars)
    return pieces


def _piece(block: Block, start: int, end: int) -> Block:
    return Block(
        kind=block.kind,
        first_line=block.first_line + start,
        last_line=block.first_line + end - 1,
        lines=block.lines[start:end],
        section=block.section,
    )


def _next_content(page: _Page, i: int) -> tuple[int, int]:
    """Index of the next non-blank, non-furniture line at or after ``i`` and the blanks skipped
    (blanks adjacent to furniture do not count: a page break is not a gap in the table)."""
    kinds, furniture = page.kinds, page.furniture
    n = len(kinds)
    blanks = 0
    saw_furniture = False
    while i < n:
        if kinds[i] != BLANK:  # never furniture
            return i, (0 if saw_furniture else blanks)
        if furniture[i]:
            saw_furniture = True
        else:
            blanks += 1
        i += 1
    return i, blanks


def _mark_tables(page: _Page) -> list[int]:
    """Per line: the 1-based id of the table block it belongs to, 0 when it is not in a table."""
    kinds = page.kinds
    marks = [0] * len(kinds)
    table_id = 0
    end = -1
    for start in [i for i, kind in enumerate(kinds) if kind in _ANCHORS]:
        if start <= end:
            continue  # inside the table found last
        end = _table_end(page, start)
        # Tables hold at least one row of numbers; a lone rule or header is not a table.
        if NUMROW in kinds[start : end + 1]:
            table_id += 1
            first = _extend_caption(page, start, marks)
            marks[first : end + 1] = [table_id] * (end + 1 - first)
    _mark_titled_blocks(page, marks, table_id)
    return marks


def _table_end(page: _Page, i: int) -> int:
    """Last line of the table whose first table line is ``i``."""
    kinds = page.kinds
    n = len(kinds)
    end = i
    j = i + 1
    while j < n:
        if kinds[j] in _ANCHORS:  # the next line is a table line, as in most of a table
            end = j
            j += 1
            continue
        # A non-blank line is its own next content: the call is spared for it.
        k, blanks = (j, 0) if kinds[j] != BLANK else _next_content(page, j)
        if k >= n or blanks > 2:
            break
        if kinds[k] in _ANCHORS:
            if blanks and kinds[k] == HEADER and page.indents[k] >= 10 and is_title(page.stripped[k]):
                break  # a centred title after a gap ("THIRD QUARTER RESULTS") starts the next table
            end = k
            j = k + 1
            continue
        # A run of label lines is kept only when a table line follows it closely; a
        # centred capitalised line after a gap is the next table's caption.
        run_end = k
        ok = False
        m = k
        while m < n and m - k < 6:
            k2, b2 = (m, 0) if kinds[m] != BLANK else _next_content(page, m)
            if k2 >= n or b2 > 2:
                break
            if kinds[k2] in _ANCHORS:
                ok = True
                break
            if not _label_like(page, k2):
                break
            run_end = k2
            m = k2 + 1
        if not ok:
            break
        end = run_end
        j = run_end + 1
    return end


def _extend_caption(page: _Page, start: int, marks: list[int]) -> int:
    """Move a table's first line up over its caption (and a short label right above it)."""
    texts, stripped, kinds = page.texts, page.stripped, page.kinds
    i = start - 1
    blanks = 0
    best = start
    while i >= 0 and not marks[i]:
        if page.furniture[i]:
            break
        if kinds[i] == BLANK:
            blanks += 1
            if blanks > 3:
                break
            i -= 1
            continue
        s = stripped[i]  # ends where text.rstrip() ends
        adjacent_label = (
            # only a label directly above the table's first line ("Proven and Probable" over a rule)
            blanks == 0
            and best == start
            and i == start - 1
            and not s.endswith((".", ":"))
            and _label_like(page, i)
        )
        # A caption wraps like any title: a line right above an accepted caption line belongs to
        # it unless it ends a sentence or states an amount (the paragraph above the table does).
        caption_wrap = (
            blanks == 0
            and best == i + 1
            and best < start
            and kinds[i] in _LABEL_KINDS
            and len(s) <= 75
            and not s.endswith((".", ":", ";"))
            and not _AMOUNT.search(texts[i])
            and not _FOOTNOTE_START.match(texts[i])
            and not _URL.search(texts[i])
        )
        if adjacent_label or caption_wrap or _caption_like(page, i):
            best = i
            blanks = 0
            i -= 1
            continue
        break
    return best


def _mark_titled_blocks(page: _Page, marks: list[int], table_id: int) -> None:
    """Small statements printed as a centred title over a few indented lines with numbers
    ("HEDGED POSITIONS / As of ... / Sold forward: 48,928 gold ounces @ ...")."""
    texts, stripped, kinds, indents = page.texts, page.stripped, page.kinds, page.indents
    n = len(kinds)
    done = -1  # the last line of the statement found last
    # Only indented text lines can be a title; the other tests are made on those alone.
    titles = [i for i, indent in enumerate(indents) if indent >= 10 and kinds[i] == TEXT]
    for i in titles:
        if i <= done or marks[i] or len(stripped[i]) > 50 or not _is_caps(texts[i]):
            continue
        j = i + 1
        while j < n and not marks[j] and kinds[j] in _LABEL_KINDS and indents[j] >= 10:
            j += 1
        k, blanks = _next_content(page, j)
        body_end = k - 1
        m = k
        while m < n and not marks[m] and kinds[m] != BLANK:  # a non-blank line is not furniture
            if indents[m] < 4 or len(stripped[m]) > 75:
                break
            body_end = m
            m += 1
        size = body_end + 1 - k
        closed = m >= n or kinds[m] == BLANK
        if (
            blanks <= 2
            and 0 < size <= 6
            and closed
            and any(_BODY_NUMBER.search(texts[x]) for x in range(k, body_end + 1))
        ):
            table_id += 1
            marks[i : body_end + 1] = [table_id] * (body_end + 1 - i)
            done = body_end


def _assemble(page: _Page, marks: list[int]) -> tuple[Block, ...]:
    texts, stripped, kinds, indents = page.texts, page.stripped, page.kinds, page.indents
    blocks: list[Block] = []
    section = ""
    i = 0
    n_lines = len(kinds)
    while i < n_lines:
        mark = marks[i]
        if mark:
            j = i
            while j + 1 < n_lines and marks[j + 1] == mark:
                j += 1
            blocks.append(_block(texts, "table", i, j, section))
            i = j + 1
            continue
        if kinds[i] == BLANK:  # furniture too
            i += 1
            continue
        # A paragraph: consecutive non-blank lines, split where a new indented first line starts.
        j = i
        while j + 1 < n_lines:
            if marks[j + 1] or kinds[j + 1] == BLANK:
                break
            indent = indents[j + 1]
            if indent >= 3 and indent > indents[j] and indents[j] < 3:
                break
            # A footnote starts with "(", "*" or a digit: the regex runs on those lines alone.
            first = stripped[j + 1][0]
            if indent <= 2 and (first in "(*" or first.isdecimal()) and _FOOTNOTE_START.match(texts[j + 1]):
                break
            j += 1
        text = " ".join(stripped[i : j + 1])
        if _BOILERPLATE.search(text) or (i == j and len(text) < 90 and _URL.search(text)):
            kind = "boilerplate"
        elif i == j and len(text) <= 70 and not text.endswith(".") and _is_caps(text):
            kind = "heading"
            section = " ".join(text.split())
        else:
            kind = "prose"
        blocks.append(_block(texts, kind, i, j, section))
        i = j + 1
    return tuple(blocks)


def _block(texts: list[str], kind: str, i: int, j: int, section: str) -> Block:
    # texts[x] is doc.text(x + 1): furniture already blanked
    return Block(kind=kind, first_line=i + 1, last_line=j + 1, lines=tuple(texts[i : j + 1]), section=section)
