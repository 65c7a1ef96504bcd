"""Numbers as fixed-width tables print them: a printed token → value, precision and kind.

Input: one row of text. Output: its label and its number cells with their
character spans (:func:`split_row`), or one token's value (:func:`parse_number`).

Conventions of results tables: ``(3.70)`` is negative; ``$`` may stand apart from
its number or be glued to it; ``- -`` and ``--`` are zero; a lone ``-`` is "not
applicable" (reserves tables); a footnote marker such as ``(3)`` clings to the
label with at most one space before it, while a real one-digit negative ``(6)``
stands in a column after a gap.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import NamedTuple

NUMBER, ZERO, NA, GARBLED = "number", "zero", "na", "garbled"

_NUMBER = re.compile(r"^(?P<minus>-)?\$?\(?\$?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)\)?%?$")
_MARKER = re.compile(r"^\(\d{1,2}\)$|^\([a-z]\)$|^\*+$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Cells that say "not applicable" or "not meaningful" in words.
_SPACED_PERCENT = re.compile(r"(?<=\s)(\(?\d[\d,.]*\)?) %(?=\s|$)")
_DASH_PERCENT = re.compile(r"(?<=\s)[-\u2013\u2014]%(?=\s|$)")
# Thousands grouped by spaces ("3 412 000", "1 212,4": then the comma is the decimal mark) and a
# decimal comma ("0,83", "12,5"), as South African and European releases print them
_SPACED_GROUPS = re.compile(r"(?<![\w,.])\(?\d{1,3}(?: \d{3})+(?:,\d+)?\)?(?![\w,.])")
_DECIMAL_COMMA = re.compile(r"(?<![\w,.])\(?\d+,(?:\d{1,2}|\d{4,})\)?(?![\w,.])")


_OTHER_SPELLING = re.compile(f"{_SPACED_GROUPS.pattern}|{_DECIMAL_COMMA.pattern}")


def _decimal_comma(line: str) -> str:
    """``line`` with those numbers respelt the way the rest of this module reads them, each at
    its own positions: "3 412 000" as "3,412,000", "1 212,4" as "1,212.4", "0,83" as "0.83"."""

    def spaced(m: re.Match[str]) -> str:
        text = m.group()
        return text.replace(",", ".").replace(" ", ",")

    def comma(m: re.Match[str]) -> str:
        return m.group().replace(",", ".")

    return _DECIMAL_COMMA.sub(comma, _SPACED_GROUPS.sub(spaced, line))


_GLUED_MARKER = re.compile(r"^(.*\d\)?%?)\((?:\d|[a-z])\)$")
_DIGIT = re.compile(r"[0-9]")
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TAIL_MARKS = "*\u2020\u2021" + _LETTERS
_STARRED = re.compile(r"^(.*\d\)?%?)[*\u2020\u2021]+$")
# A number with its scale or unit glued on: "$45.2M", "US$1.2bn", "62.5koz", "1.2Mt", "12.5m". A
# money scale (M, B, K) counts only after a currency mark ("12.5m" in a drill table is metres);
# the other units are left to the row or column to state, their scale taken here.
_SUFFIXED = re.compile(
    r"^(?P<cur>(?:[A-Z]{1,3})?\$)?(?P<num>\(?[\d,]*\.?\d+\)?)"
    r"(?P<suf>M|m|mn|B|b|bn|K|k|koz|Koz|Moz|Mlb|Mlbs|Mt|kt|oz|t|g/t|Mtpa)$"
)
_MONEY_SUFFIXES = frozenset({"M", "m", "mn", "B", "b", "bn", "K", "k"})
_SUFFIX_SHIFT = {
    "M": 6,
    "m": 6,
    "mn": 6,
    "B": 9,
    "b": 9,
    "bn": 9,
    "K": 3,
    "k": 3,
    "koz": 3,
    "Koz": 3,
    "Moz": 6,
    "Mlb": 6,
    "Mlbs": 6,
    "Mt": 6,
    "kt": 3,
    "Mtpa": 6,
}
_NOT_APPLICABLE = frozenset({"n/a", "na", "n.a.", "nm", "n.m.", "n/m"})
_DIGIT_OR_DASH = re.compile("[0-9\\-\u2013\u2014]")
# A number printed with an O, o, l or I among its digits ("1,5O9,67O", "(3.7O)"), as a misprint or
# a bad scan makes them: a cell that holds a number nobody can read, never a word of the label.
_GARBLED = re.compile(r"^[$(]*(?=[\d,.OolI]*\d[\d,.OolI]*\d)(?=[\d,.]*[OolI])[\d,.OolI]{3,}\)?%?$")


class Number(NamedTuple):
    """A parsed number token. ``value`` is None for "not applicable".

    A named tuple, not a frozen dataclass: one is made for every number a table prints."""

    value: Decimal | None
    places: int  # digits printed after the decimal point
    kind: str  # NUMBER | ZERO | NA
    printed: str


class Cell(NamedTuple):
    """A number cell of a row, with the character span of its digits (for column alignment).

    A named tuple, not a dataclass: a corpus has tens of thousands and they are built per line."""

    number: Number
    start: int
    end: int  # exclusive

    @property
    def printed(self) -> str:
        return self.number.printed


def parse_number(token: str) -> Number | None:
    """Parse one printed token; None when it is not a number.

    >>> parse_number("(3.70)").value
    Decimal('-3.70')
    >>> parse_number("$217,417").value
    Decimal('217417')
    """
    t = token.strip()
    m = _NUMBER.match(t)
    # \d matches any script's digits; the digits of a number are ASCII (searched for on the rare
    # token that is not ASCII alone).
    if not m or not (t.isascii() or _DIGIT_OR_DASH.search(t)):
        return _not_a_plain_number(t)
    body = t.replace("$", "").lstrip("-")
    negative = body.startswith("(") and body.rstrip("%").endswith(")")
    if (body.startswith("(") or body.rstrip("%").endswith(")")) and not negative:
        return None  # unbalanced parenthesis: "(4" or "3)" belongs to prose
    digits = m.group("num").replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    dot = digits.find(".")
    places = len(digits) - dot - 1 if dot >= 0 else 0
    if m.group("minus") and negative:
        return None  # "-(3)" is not a way tables print numbers
    negative = negative or bool(m.group("minus"))
    return _new_number((-value if negative else value, places, NUMBER, t))


def _not_a_plain_number(t: str) -> Number | None:
    """:func:`parse_number` of a stripped token that is not a plain number (:data:`_NUMBER` with an
    ASCII digit): a not-applicable word, a zero dash, a number with a glued marker, or no number.
    None of these is a plain number, so the plain numbers, most tokens, are read first."""
    if t.lower() in _NOT_APPLICABLE:
        return _new_number((None, 0, NA, t))
    if not _DIGIT_OR_DASH.search(t):
        return None
    if _GARBLED.match(t) and ("," in t or "." in t or t.startswith("(")):
        return _new_number((None, 0, GARBLED, t))
    if t in ("--", "- -", "\u2014", "\u2013\u2013"):
        return _new_number((Decimal(0), 0, ZERO, t))
    if t == "-":
        return _new_number((None, 0, NA, t))
    glued = _GLUED_MARKER.match(t)  # "1,234(a)": a footnote marker glued to the number
    if glued and glued.group(1) and (inner := parse_number(glued.group(1))) is not None:
        return _new_number((inner.value, inner.places, inner.kind, t))
    starred = _STARRED.match(t)  # "1,045*", "982†": a footnote mark glued to the number
    if starred and (inner := parse_number(starred.group(1))) is not None:
        return _new_number((inner.value, inner.places, inner.kind, t))
    suffixed = _SUFFIXED.match(t)  # "$45.2M", "62.5koz", "12.5m": a scale or unit glued to the number
    if suffixed:
        inner = parse_number(suffixed.group("num"))
        if inner is not None and inner.kind == NUMBER and inner.value is not None:
            shift = (
                _SUFFIX_SHIFT.get(suffixed.group("suf"), 0)
                if suffixed.group("cur") or suffixed.group("suf") not in _MONEY_SUFFIXES
                else 0
            )
            value = inner.value.scaleb(shift) if shift else inner.value
            if shift and inner.places - shift <= 0:
                value = value.quantize(Decimal(1))  # "$45.2M" is 45200000 dollars, not 4.52E+7
            return _new_number((value, inner.places - shift, NUMBER, t))
    return None


_new_number = partial(tuple.__new__, Number)  # skips the named tuple's __new__: one per distinct token


def glued_marker(printed: str) -> str:
    """The footnote marker glued to a printed number ("1,234(a)" → "a"), or ""."""
    m = _GLUED_MARKER.match(printed)
    return printed[len(m.group(1)) :].strip("()") if m and m.group(1) else ""


def is_marker(token: str) -> bool:
    """A footnote marker token: ``(1)``, ``(a)``, ``*``."""
    return bool(_MARKER.match(token))


def is_year(token: str) -> bool:
    return bool(_YEAR.match(token))


class SplitRow(NamedTuple):  # one per table line: a tuple, built fast
    label: str  # the label part as printed (markers kept), stripped
    label_start: int  # column where the label starts (its indent); -1 when there is none
    label_end: int  # column just after the label
    cells: tuple[Cell, ...]
    tail: str = ""  # a text cell after the numbers ("Torcaz Vein" in a drill-intercept row)
    # a range's upper end by the end of its lower end's cell ("180,000 - 200,000": 200,000 under
    # the cell of 180,000)
    highs: tuple[tuple[int, Cell], ...] = ()


def split_row(line: str) -> SplitRow:
    """Split a table line into its label and its number cells.

    The label runs to the last token that is not a number; a number token with at
    most one space after a label word (``share (1)``, ``Eagle (25%)``) belongs to
    the label as a footnote marker or a share. ``$`` tokens join the number after them.
    """
    if "%" in line:
        # "5 %" and "-%" in a "% Change" column: one token each, at the same positions
        line = _SPACED_PERCENT.sub(r"\1% ", _DASH_PERCENT.sub("- ", line))
    if _OTHER_SPELLING.search(line):
        line = _decimal_comma(line)
    if "\u2212" in line or "\u2013" in line or "\u2014" in line:
        # a minus sign or a dash as printed by word processors: "\u22121,234" and "\u2013567" are
        # negative; the same width, so every position stays
        line = _UNICODE_DASH.sub("-", line)
    highs: tuple[tuple[int, Cell], ...] = ()
    if ("-" in line or "\u2013" in line or " to " in line) and _RANGE.search(line):
        line, highs = _ranges(line)
    row = _split(line)
    return row._replace(highs=highs) if highs else row


def _ranges(line: str) -> tuple[str, tuple[tuple[int, Cell], ...]]:
    """``line`` with the upper ends of its ranges blanked ("180,000 - 200,000" reads as one cell,
    180,000), and each upper end as a cell, by the end of the lower end's digits."""
    highs: list[tuple[int, Cell]] = []
    chars = list(line)
    for m in _RANGE.finditer(line):
        low, high = _read_token(m.group(1)), _read_token(m.group(3))
        if not low or not high or low[0].value is None or high[0].value is None:
            continue
        if not low[0].value < high[0].value:
            continue  # "2020-19", "5 - 3": no range
        number, d_start, d_end = high
        highs.append((m.start(1) + low[2], _new_cell((number, m.start(3) + d_start, m.start(3) + d_end))))
        chars[m.end(1) : m.end(3)] = " " * (m.end(3) - m.end(1))
    return "".join(chars), tuple(highs)


def _split(line: str) -> SplitRow:
    stripped = line.rstrip()
    if not stripped:
        return _new_row(("", -1, -1, (), "", ()))
    # The last token is read as the cells are below (a "$" reads as (), a word as None): one cache
    # serves both, and parse_number needs none of its own.
    read = _read_token(stripped[stripped.rfind(" ") + 1 :])
    if read is None or ((not read or read[0].kind == NA) and not _DIGIT_OR_DASH.search(line)):
        # A line ending in a word holds no number cells, nor does one without digits or dashes
        # (a number token with them vouches for the line, sparing data rows that search) ...
        if read is None:
            # ... unless the words are a text cell after the numbers, past a gap of its own
            # ("CT-09-004   38.0   52.2   14.2   6.81   Torcaz Vein")
            gap = stripped.rfind("  ")
            head = stripped[:gap].rstrip()
            if gap > 0 and head and _read_token(head[head.rfind(" ") + 1 :]) and _DIGIT_OR_DASH.search(head):
                row = _split(head)
                if row.cells:
                    return _new_row((*row[:4], stripped[gap:].strip(), ()))
        start = len(stripped) - len(stripped.lstrip())
        return _new_row((stripped[start:], start, len(stripped), (), "", ()))
    words = line.split()
    count = len(words)
    # Right to left, the tokens after the label's last word (at w) are "$" or numbers, read into
    # cells. Each is located by rfind: only blanks follow a token up to the next one's start, so
    # its last occurrence before that is the token.
    starts = [0] * count
    cells: list[Cell] = []
    pos = len(line)
    w = count - 1
    while w >= 0:
        word = words[w]
        pos = starts[w] = line.rfind(word, 0, pos)
        read = _read_token(word)
        if read is None:
            break
        if read:  # not a "$"
            number, d_start, d_end = read
            cells.append(_new_cell((number, pos + d_start, pos + d_end)))
        w -= 1
    label_start = line.find(words[0])  # the indent: only blanks stand before the first word
    label_end = starts[w] + len(words[w]) if w >= 0 else -1
    i = w + 1  # the first token after the label so far
    if w < 0 and count > 1 and starts[0] < 8 and _MARKER.match(words[0]):
        label_end, i = starts[0] + len(words[0]), 1  # " (2)   $ (0.10)": a wrapped label's marker
    if label_end >= 0:
        # Numbers stand in a column after a gap: a token one space after the label belongs to it,
        # as a marker or share ("share (1)", "Eagle (25%)") or a number ("amounts -", "Hecla's
        # 29.73%"); but a number after a one-word capitalised label is a cell ("TOTAL 607,569").
        caps_word = i == 1 and words[0].isupper()
        while i < count:
            word = words[i]
            if word == "$" or starts[i] - label_end > 1 or (caps_word and word[0] != "("):
                break
            caps_word = False
            label_end = starts[i] + len(word)
            i += 1
        if i > w + 1:
            del cells[w + 1 - i :]  # the label took them (numbers all: it stops at a "$")
    cells.reverse()
    if words.count("-") > 1:
        cells = _join_dashes(cells)
    if label_end >= 0:
        return _new_row((line[label_start:label_end], label_start, label_end, tuple(cells), "", ()))
    return _new_row(("", -1, -1, tuple(cells), "", ()))


# a minus sign, and an en or em dash right before a number; a lone dash reads as it always has
# (an em dash a zero), and one between label words ("Grade mined \u2013 underground") is the label's
_UNICODE_DASH = re.compile(r"\u2212|(?<!\S)[\u2013\u2014](?=[\d$.(])")
# a range in one cell: "180,000 - 200,000", "$1,050 - $1,150", "$45 – $55", "1.2 to 1.4"
_RANGE = re.compile(
    r"(?<![\w.,/-])(\$?\d{1,3}(?:,\d{3})*(?:\.\d+)?)(\s?[-\u2013\u2014]\s?|\s+to\s+)"
    r"(\$?\d{1,3}(?:,\d{3})*(?:\.\d+)?)(?![\w.,/%-])"
)


def _join_dashes(cells: list[Cell]) -> list[Cell]:
    """ "- -" is one zero cell: each "-" cell one space after a lone "-" cell joins it."""
    joined: list[Cell] = []
    for cell in cells:
        prev = joined[-1] if joined else None
        if cell.printed == "-" and prev is not None and prev.printed == "-" and cell.start == prev.end + 1:
            number, d_start, d_end = _read_token("- -")
            joined[-1] = _new_cell((number, prev.start + d_start, prev.start + d_end))
        else:
            joined.append(cell)
    return joined


# Rows and cells are built for every table line and number: tuple.__new__ skips the named
# tuple's __new__, a Python function.
_new_row = partial(tuple.__new__, SplitRow)
_new_cell = partial(tuple.__new__, Cell)


def number_cell(token: str, start: int) -> Cell | None:
    """``token`` printed at column ``start`` as a number cell, or None when it is no number."""
    read = _read_token(token)
    if not read:
        return None
    number, d_start, d_end = read
    return Cell(number, start + d_start, start + d_end)


@lru_cache(maxsize=8192)  # tables repeat tokens
def _read_token(token: str) -> tuple[Number, int, int] | tuple[()] | None:
    """A token read as a cell: its number and the span of its digits within the token; () for a
    "$", which joins the number after it; None for a word."""
    if token == "$":
        return ()
    number = parse_number(token)
    if number is None:
        return None
    d_start, d_end = _digit_span(token)
    return number, d_start, d_end


def _digit_span(token: str) -> tuple[int, int]:
    """Span of the digits (or dashes) of a number token, ignoring ``$``, parentheses, ``%`` and a
    glued marker; the whole token when it has neither ("n/a", an em dash).

    A token that parses is ``[-][$][(][$]digits[)][%]`` (:data:`_NUMBER`), a run of dashes or a
    not-applicable word, so the span runs from after its leading "$", "(" or decimal point to
    before its closing ")" or "%": two C-level strips instead of a test per character."""
    if token[-1:] == ")":  # a glued marker ends in ")"
        glued = _GLUED_MARKER.match(token)
        if glued and glued.group(1):
            token = glued.group(1)
    if (token[-1:] in _TAIL_MARKS or token[:1].isalpha()) and _DIGIT.search(token):
        # "1,045*", "62.5koz", "US$45.2M": a mark, a unit or a currency's letters around the digits
        return len(token) - len(token.lstrip(_LETTERS + "$(.")), len(
            token.rstrip(_LETTERS + _TAIL_MARKS + ")%/")
        )
    return len(token) - len(token.lstrip("$(.")), len(token.rstrip(")%"))


def scaled(cell: Cell, factor: Decimal, exp: int | None = None) -> tuple[Decimal, int]:
    """A cell's value in base units and its XBRL-style decimals (``exp``: log10 of ``factor``)."""
    number = cell.number
    value = number.value if number.value is not None else Decimal(0)
    places = 0 if number.kind == ZERO else number.places
    if exp is None:
        exp = factor.adjusted()
    if number.kind == ZERO:
        return Decimal(0), places - exp
    if factor != 1:
        value = value * factor
        if number.kind == NUMBER and exp < 0:
            value = value.quantize(Decimal(1).scaleb(exp - places))  # 35.0 cents is 0.350 dollars
        elif places - exp <= 0:
            value = value.quantize(Decimal(1))  # 62.8 koz is 62800 ounces, not 62800.0
    return value, places - exp
