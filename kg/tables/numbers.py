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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

NUMBER, ZERO, NA = "number", "zero", "na"

_NUMBER = re.compile(r"^(?P<minus>-)?\$?\(?\$?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)\)?%?$")
_MARKER = re.compile(r"^\(\d{1,2}\)$|^\([a-z]\)$|^\*+$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Cells that say "not applicable" or "not meaningful" in words.
_GLUED_MARKER = re.compile(r"^(.*\d\)?%?)\((?:\d|[a-z])\)$")
_NOT_APPLICABLE = frozenset({"n/a", "na", "n.a.", "nm", "n.m.", "n/m"})
_DIGIT_OR_DASH = re.compile("[0-9\\-\u2013\u2014]")


@dataclass(frozen=True)
class Number:
    """A parsed number token. ``value`` is None for "not applicable"."""

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


@lru_cache(maxsize=4096)  # tables repeat tokens; Number is immutable
def parse_number(token: str) -> Number | None:
    """Parse one printed token; None when it is not a number.

    >>> parse_number("(3.70)").value
    Decimal('-3.70')
    >>> parse_number("$217,417").value
    Decimal('217417')
    """
    t = token.strip()
    if t.lower() in _NOT_APPLICABLE:
        return Number(None, 0, NA, t)
    if not _DIGIT_OR_DASH.search(t):
        return None
    if t in ("--", "- -", "\u2014", "\u2013\u2013"):
        return Number(Decimal(0), 0, ZERO, t)
    if t == "-":
        return Number(None, 0, NA, t)
    m = _NUMBER.match(t)
    if not m:
        glued = _GLUED_MARKER.match(t)  # "1,234(a)": a footnote marker glued to the number
        if glued and glued.group(1) and (inner := parse_number(glued.group(1))) is not None:
            return Number(inner.value, inner.places, inner.kind, t)
        return None
    body = t.replace("$", "").lstrip("-")
    negative = body.startswith("(") and body.rstrip("%").endswith(")")
    if (body.startswith("(") or body.rstrip("%").endswith(")")) and not negative:
        return None  # unbalanced parenthesis: "(4" or "3)" belongs to prose
    digits = m.group("num").replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    places = len(digits.split(".", 1)[1]) if "." in digits else 0
    if m.group("minus") and negative:
        return None  # "-(3)" is not a way tables print numbers
    negative = negative or bool(m.group("minus"))
    return Number(-value if negative else value, places, NUMBER, t)


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


def split_row(line: str) -> SplitRow:
    """Split a table line into its label and its number cells.

    The label runs to the last token that is not a number; a number token with at
    most one space after a label word (``share (1)``, ``Eagle (25%)``) belongs to
    the label as a footnote marker or a share. ``$`` tokens join the number after them.
    """
    if not _DIGIT_OR_DASH.search(line):
        stripped = line.strip()  # no number can stand in a line without digits or dashes
        start = len(line) - len(line.lstrip())
        return SplitRow(stripped, start if stripped else -1, start + len(stripped) if stripped else -1, ())
    stripped = line.rstrip()
    last = stripped[stripped.rfind(" ") + 1 :]
    if last != "$" and parse_number(last) is None:
        start = len(line) - len(line.lstrip())  # a line ending in a word holds no number cells
        return SplitRow(stripped.strip(), start, len(stripped), ())
    words = line.split()
    count = len(words)
    # The label runs to the last word (a token that is neither "$" nor a number); only the tokens
    # after it need reading, and they are read as a left-to-right pass would read them.
    w = count - 1
    while w >= 0 and (words[w] == "$" or parse_number(words[w]) is not None):
        w -= 1
    # (token, start, end) from the label's last word on, located from the right: only blanks
    # follow a token up to the next one's start, so its last occurrence before that is the token.
    tokens: list[tuple[str, int, int]] = [("", 0, 0)] * count
    pos = len(line)
    for k in range(count - 1, max(w, 0) - 1, -1):
        start = line.rfind(words[k], 0, pos)
        tokens[k] = (words[k], start, start + len(words[k]))
        pos = start
    label_start = len(line) - len(line.lstrip())
    # tail: (token, start, end, kind, index of its first token) after the last word, "- -" joined
    tail: list[tuple[str, int, int, str, int]] = []
    prev_kind = "word" if w >= 0 else ""
    for i in range(w + 1, count):
        tok, start, end = tokens[i]
        if tok == "$":
            kind = "$"
        elif i == 0 and start < 8 and _MARKER.match(tok) and count > 1:
            kind = "label-num"  # " (2)   $ (0.10)": the marker of a label wrapped onto this line
        elif i and prev_kind in ("word", "label-num") and start - tokens[i - 1][2] <= 1 and tok[0] == "(":
            kind = "label-num"  # "(3)" or "(29.73%)," right after a label word
        else:
            kind = "num"
        prev_kind = kind
        if kind == "num" and tok == "-" and tail and tail[-1][3] == "num" and tail[-1][0] == "-" and (
            start - tail[-1][2] == 1
        ):
            tail[-1] = ("- -", tail[-1][1], end, "num", tail[-1][4])  # "- -" is one zero cell
            continue
        tail.append((tok, start, end, kind, i))
    # last: index in ``tail`` of the label's last token; -1 for the word at ``w`` (or no label).
    last = -1
    for k, item in enumerate(tail):
        if item[3] == "label-num":
            last = k
    has_label = w >= 0 or last >= 0
    label_end = tail[last][2] if last >= 0 else (tokens[w][2] if w >= 0 else -1)
    last_index = tail[last][4] if last >= 0 else w
    # Numbers stand in a column after a gap: one space after a label word makes the number part of
    # the label ("amounts -", "Hecla's 29.73%"), except after a one-word capitalised label ("TOTAL 607,569").
    while has_label and last < len(tail) - 1:
        first_value = tail[last + 1]
        caps_word = last_index == 0 and words[0].isupper()
        if first_value[1] - label_end >= 2 or caps_word or first_value[3] == "$":
            break
        last += 1
        label_end, last_index = first_value[2], first_value[4]
    cells = []
    for tok, start, _end, kind, _i in tail[last + 1 :]:
        if kind != "num":
            continue
        number, d_start, d_end = _cell_token(tok)
        cells.append(Cell(number, start + d_start, start + d_end))
    if has_label:
        return SplitRow(line[label_start:label_end], label_start, label_end, tuple(cells))
    return SplitRow("", -1, -1, tuple(cells))


def number_cell(token: str, start: int) -> Cell | None:
    """``token`` printed at column ``start`` as a number cell, or None when it is no number."""
    if parse_number(token) is None:
        return None
    number, d_start, d_end = _cell_token(token)
    return Cell(number, start + d_start, start + d_end)


@lru_cache(maxsize=8192)  # tables repeat tokens
def _cell_token(token: str) -> tuple[Number, int, int]:
    """A number token's value and the span of its digits within the token."""
    number = parse_number(token)
    assert number is not None  # only called for tokens read as numbers
    d_start, d_end = _digit_span(token, 0)
    return number, d_start, d_end


def _digit_span(token: str, start: int) -> tuple[int, int]:
    """Span of the digits (or dashes) of a token, ignoring ``$``, parentheses, ``%`` and a glued marker."""
    glued = _GLUED_MARKER.match(token)
    if glued and glued.group(1):
        token = glued.group(1)
    chars = [i for i, c in enumerate(token) if c.isdigit() or c == "-"]
    if not chars:
        return start, start + len(token)
    return start + chars[0], start + chars[-1] + 1
