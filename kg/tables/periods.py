"""Column headers → periods: multi-row headers over number columns to :class:`kg.facts.Period`.

Input: the header lines of a table (text with positions) and the columns' character
spans. Output: per column, the header text as printed and its period.

Headers stack a period phrase ("Fourth Quarter Ended", "Six Months Ended",
"Twelve Months Ended", "Year Ended") over dates ("Dec. 31," over "2006", or
"June 30, 2007 Dec. 31, 2006" on one line). A phrase usually spans several
columns, so each column takes the nearest phrase on each line; dates and years
belong to the nearest single column. Columns with no phrase are instants
(balance sheets, reserves "as of" dates).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from kg.facts import Period

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_DAY = re.compile(
    r"\b(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})\b,?"
    r"(?:\s+(?P<year>(?:19|20)\d\d)\b)?",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# a month named alone on a header line ("September      June" over "2019      2019")
_MONTH_NAME = re.compile(
    r"\b(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?",
    re.I,
)
# A month and year without a day ("Dec. 2016", "June 2011", "Dec-16", "Sep'16"): the month's last day.
_MONTH_YEAR = re.compile(
    r"\b(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d)|[-'\u2019](?P<yy>\d\d))\b",
    re.I,
)
# "FY2017", "FY17", "FY 2017": a fiscal year, ending on the release's fiscal year end
_FISCAL_YEAR = re.compile(r"\bFY\s?['\u2019]?(?P<y>(?:19|20)\d\d|\d\d)\b", re.I)
# Length of the period a phrase names, in months, and a word every match contains: a line
# without the word skips the regex (most header lines hold no phrase, and the regexes scan
# every position of a line). The words avoid "i" and "s", which re.I also matches as "ı" and "ſ".
_PHRASES = (
    (re.compile(r"\b(?:(?:first|second|third|fourth)\s+)?quarters?(?:\s+ended)?\b", re.I), 3, "quarter"),
    (re.compile(r"\bqtrs?\b\.?", re.I), 3, "qtr"),
    (re.compile(r"\bthree\s+months(?:\s+ended)?\b", re.I), 3, "month"),
    (re.compile(r"\bsix\s+months(?:\s+ended)?\b", re.I), 6, "month"),
    (re.compile(r"\bnine\s+months(?:\s+ended)?\b", re.I), 9, "month"),
    (re.compile(r"\btwelve\s+months(?:\s+ended)?\b", re.I), 12, "month"),
    (re.compile(r"\b(?:fiscal\s+)?years?(?:\s+ended)?\b", re.I), 12, "year"),
    # "Fiscal 2005" over a year's column; "9 months", "6 mos.", "9M 2018"; "first half"
    (re.compile(r"\bfiscal\b(?!\s+(?:years?|first|second|third|fourth)\b)", re.I), 12, "fiscal"),
    (re.compile(r"\b3\s*(?:months?|mos?\b\.?|m\b)", re.I), 3, "3"),
    (re.compile(r"\b6\s*(?:months?|mos?\b\.?|m\b)", re.I), 6, "6"),
    (re.compile(r"\b9\s*(?:months?|mos?\b\.?|m\b)", re.I), 9, "9"),
    (re.compile(r"\b12\s*(?:months?|mos?\b\.?|m\b)", re.I), 12, "12"),
    (re.compile(r"\b(?:first|second)\s+half\b|\bhalf[- ]year\b", re.I), 6, "half"),
)
# "H1 2018", "2H18": a half year, ending on the half's last day
_HALF = re.compile(r"\b(?:H(?P<h>[12])(?:[/'\u2019-](?P<yy1>\d\d))?|(?P<h2>[12])H(?P<yy>\d\d)?)\b", re.I)
_HALF_END = {1: ("Jun", 30), 2: ("Dec", 31)}
# "Q3 2010", "Q3/16", "3Q10"
_QUARTER = re.compile(r"\b(?:Q(?P<q>[1-4])(?:[/'\u2019-](?P<yy1>\d\d))?|(?P<q2>[1-4])Q(?P<yy>\d\d)?)\b", re.I)
_QUARTER_END = {1: ("Mar", 31), 2: ("Jun", 30), 3: ("Sep", 30), 4: ("Dec", 31)}
_YTD = re.compile(r"\b(?:YTD|year[- ]to[- ]date)\b", re.I)
_DASHES = re.compile(r"[-=_]+")
_HEADER_WORD = re.compile(r"[^\s(]\S*(?: \([^)\s]*\))?|\S+")
_AS_OF = re.compile(r"\bas\s+of\s+(?P<date>[A-Z][a-z]+\.?\s+\d{1,2},?\s+(?:19|20)\d\d)", re.I)
_DATE = re.compile(
    r"\b(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d\d)\b",
    re.I,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    @property
    def center(self) -> float:
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class ColumnHeader:
    text: str  # header words over the column, joined top to bottom
    period: Period | None
    months: int  # 0 for an instant
    problem: str = ""
    # True when the header dates the column by a month without a day ("September 2019",
    # "Sep-19" or "September" over "2019"): the period ending that month, its length unsaid
    by_month: bool = False


def parse_date(text: str) -> date | None:
    """The first "Dec. 31, 2006"-style date in ``text``."""
    m = _DATE.search(text)
    if not m:
        return None
    return _make_date(int(m.group("year")), m.group("month"), int(m.group("day")))


def as_of_date(text: str) -> date | None:
    """The date of an "as of December 31, 2006" phrase."""
    m = _AS_OF.search(text)
    return parse_date(m.group("date")) if m else None


def phrase_months(text: str) -> int:
    """Months of the first period phrase in ``text`` ("THIRD QUARTER" -> 3), 0 when it has none."""
    low = text.lower()
    found = [
        (m.start(), length)
        for pattern, length, word in _PHRASES
        if word in low and (m := pattern.search(text))
    ]
    return min(found)[1] if found else 0


def _phrases(line: str, low: str) -> list[tuple[re.Match[str], int]]:
    """Every period phrase of ``line`` (``low``: lower-cased) with its length in months, pattern by pattern."""
    return [(m, length) for pattern, length, word in _PHRASES if word in low for m in pattern.finditer(line)]


def _make_date(year: int, month: str, day: int) -> date | None:
    try:
        return date(year, _MONTHS[month[:3].lower()], day)
    except (ValueError, KeyError):
        return None


@lru_cache(maxsize=1024)  # a release prints the same few periods over and over; Period is immutable
def period_for(end: date, months: int) -> Period:
    """The period of ``months`` months ending on ``end`` (instant when 0)."""
    if months <= 0:
        return Period(end=end)
    return Period(end=end, start=_months_before(end + timedelta(days=1), months))


def _months_before(day: date, months: int) -> date:
    """``day`` moved back ``months`` calendar months, its day clipped to a shorter month's last
    (as dateutil's relativedelta does, at a sixth of its cost)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _run(line: str, start: int, end: int) -> Span:
    """The extent of the words around ``line[start:end]`` up to a gap of two blanks either side."""
    while start > 0 and not (line[start - 1] == " " and (start < 2 or line[start - 2] == " ")):
        start -= 1
    while end < len(line) and not (line[end] == " " and (end + 1 >= len(line) or line[end + 1] == " ")):
        end += 1
    return Span(start, end)


def _nearest(spans: Sequence[Span], x: float) -> int:
    return min(range(len(spans)), key=lambda i: (abs(spans[i].center - x), i))


def _rule_columns(rules: Sequence[str], columns: Sequence[Span]) -> list[Span]:
    """Per column, the dash run of a header rule over it, when one rule has a distinct run over
    every column; else []."""
    for rule in rules:
        runs: list[Span] = []
        for m in _DASHES.finditer(rule):
            if runs and m.start() - runs[-1].end <= 1:  # "- -----" is one run (EDGAR's escaped dash)
                runs[-1] = Span(runs[-1].start, m.end())
            else:
                runs.append(Span(m.start(), m.end()))
        chosen = []
        for col in columns:
            overlaps = [(min(r.end, col.end) - max(r.start, col.start), k) for k, r in enumerate(runs)]
            best = max(overlaps, default=(0, -1))
            if best[0] <= 0:
                break
            chosen.append(best[1])
        if len(chosen) == len(columns) and len(set(chosen)) == len(chosen):
            return [runs[k] for k in chosen]
    return []


def column_headers(
    lines: Sequence[str],
    columns: Sequence[Span],
    label_end: int,
    default_month_day: tuple[int, int] | None = None,
    rules: Sequence[str] = (),
    fiscal_year_end: tuple[int, int] | None = None,
    release_end: date | None = None,
) -> list[ColumnHeader]:
    """Read the header lines over ``columns``; text left of ``label_end`` is the label column's.

    When a rule under the header marks each column's extent ("-------- --------"), header
    words go to the column whose dashes they stand over; otherwise to the nearest column."""
    segments = _rule_columns(rules, columns)
    n = len(columns)
    words: list[list[str]] = [[] for _ in range(n)]
    months: list[int | None] = [None] * n
    month_day: list[tuple[str, int] | None] = [None] * n
    years: list[int | None] = [None] * n
    by_month = [False] * n
    month_names: list[str] = [""] * n
    # Period phrases: each column takes the nearest phrase of the whole header, so "Fourth
    # Quarter" over one pair of columns and "Year Ended" over the next, even on different lines.
    phrases: list[tuple[Span, int, str]] = []
    runs: list[Span] = []  # per phrase, the words printed with it ("For the three months ended ...")
    left: list[tuple[int, str]] = []  # phrases printed left of the number columns
    lows = [line.lower() for line in lines]
    # read once, used again for the dates below
    line_phrases = [_phrases(line, low) for line, low in zip(lines, lows, strict=True)]
    for line, found in zip(lines, line_phrases, strict=True):
        taken = [False] * len(line)
        for m, length in found:
            if any(taken[m.start() : m.end()]):
                continue
            if m.end() <= label_end:
                left.append((length, m.group()))
                continue
            phrases.append((Span(m.start(), m.end()), length, m.group()))
            runs.append(_run(line, m.start(), m.end()))
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    if not phrases and left:
        # no phrase over the columns, one left of them: a title over the whole table
        # ("FOURTH QUARTER PRODUCTION" over "2010   2009") dates every column
        for c in range(n):
            months[c] = left[0][0]
            words[c].append(left[0][1])
    fiscal = [False] * n  # a column whose phrase says "fiscal": its year ends on the fiscal year end
    part_of_year: list[tuple[int, int] | None] = [None] * n  # (3, q) for "Q3", (6, h) for "H1"
    if phrases:
        spans = [p[0] for p in phrases]
        for c in range(n):
            # the phrase whose words stand over the column ("For the three months ended December
            # 31," centred over four cells), else the nearest
            over = [i for i, run in enumerate(runs) if run.start <= columns[c].center <= run.end]
            k = over[0] if len(over) == 1 else _nearest(spans, columns[c].center)
            months[c] = phrases[k][1]
            words[c].append(phrases[k][2])
            fiscal[c] = "fiscal" in phrases[k][2].lower()
    latest_quarter = 0
    year_to_date: set[int] = set()
    # Each regex below runs only on a line holding a string all its matches contain (as _PHRASES).
    for line, low, found in zip(lines, lows, line_phrases, strict=True):
        consumed = [False] * len(line)
        for m, _length in found:
            consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        # One date (or year) per column on a line: they go in order, whatever their alignment
        # (rendered HTML cells do not line up); otherwise each goes to its nearest column.
        dates = [m for m in _MONTH_DAY.finditer(line) if m.end() > label_end]
        for k, m in enumerate(dates):
            c = k if len(dates) == n else _nearest(columns, (m.start() + m.end()) / 2)
            words[c].append(m.group())
            month_day[c] = (m.group("month"), int(m.group("day")))
            if m.group("year"):
                years[c] = int(m.group("year"))
            consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        # A month and day printed once over a group of columns ("September 30," centred over
        # "2008   2007"): the columns it did not go to take the nearest one too.
        shared = [m for m in dates if not m.group("year")]
        if shared and len(dates) < n:
            for c in range(n):
                if month_day[c] is None:
                    m = min(
                        shared, key=lambda m: (abs((m.start() + m.end()) / 2 - columns[c].center), m.start())
                    )
                    words[c].append(m.group())
                    month_day[c] = (m.group("month"), int(m.group("day")))
        # "Year ended / Dec. 2016": a month and year, ending on the month's last day
        month_years = (
            [m for m in _MONTH_YEAR.finditer(line) if m.end() > label_end and not consumed[m.start()]]
            if "19" in line or "20" in line or "-" in line or "'" in line or "\u2019" in line
            else []
        )
        for k, m in enumerate(month_years):
            c = k if len(month_years) == n else _nearest(columns, (m.start() + m.end()) / 2)
            year = int(m.group("year")) if m.group("year") else 2000 + int(m.group("yy"))
            month = _MONTHS[m.group("month")[:3].lower()]
            month_day[c] = (m.group("month"), calendar.monthrange(year, month)[1])
            years[c] = year
            by_month[c] = True
            words[c].append(m.group())
            consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        # "September      June" on a line of their own, the years on the next
        if not any(ch.isdigit() for ch in line[label_end:]):
            names = [m for m in _MONTH_NAME.finditer(line) if m.end() > label_end and not consumed[m.start()]]
            for k, m in enumerate(names):
                c = k if len(names) == n else _nearest(columns, (m.start() + m.end()) / 2)
                month_names[c] = m.group("month")
                words[c].append(m.group())
                consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        for m in _FISCAL_YEAR.finditer(line) if "fy" in low else ():
            if m.end() > label_end and not consumed[m.start()]:
                c = _nearest(columns, (m.start() + m.end()) / 2)
                y = m.group("y")
                years[c] = int(y) if len(y) == 4 else 2000 + int(y)
                fiscal[c] = True
                months[c] = months[c] or 12
                words[c].append(m.group())
                consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        # "Q3 2010", "3Q10": a quarter, ending on the quarter's last day; "YTD" runs to the latest one
        quarters = (
            [m for m in _QUARTER.finditer(line) if m.end() > label_end and not consumed[m.start()]]
            if "q" in low
            else []
        )
        for k, m in enumerate(quarters):
            c = k if len(quarters) == n else _nearest(columns, (m.start() + m.end()) / 2)
            q = int(m.group("q") or m.group("q2"))
            months[c], month_day[c] = 3, _QUARTER_END[q]
            part_of_year[c] = (3, q)
            latest_quarter = max(latest_quarter, q)
            words[c].append(m.group())
            if m.group("yy") or m.group("yy1"):
                years[c] = 2000 + int(m.group("yy") or m.group("yy1"))
            consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        halves = (
            [m for m in _HALF.finditer(line) if m.end() > label_end and not consumed[m.start()]]
            if "h" in low
            else []
        )
        for k, m in enumerate(halves):
            c = k if len(halves) == n else _nearest(columns, (m.start() + m.end()) / 2)
            h = int(m.group("h") or m.group("h2"))
            months[c], month_day[c] = 6, _HALF_END[h]
            part_of_year[c] = (6, h)
            words[c].append(m.group())
            if m.group("yy") or m.group("yy1"):
                years[c] = 2000 + int(m.group("yy") or m.group("yy1"))
            consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        for m in _YTD.finditer(line) if "ytd" in low or "year" in low else ():
            if m.end() > label_end:
                c = _nearest(columns, (m.start() + m.end()) / 2)
                year_to_date.add(c)
                words[c].append(m.group())
                consumed[m.start() : m.end()] = [True] * (m.end() - m.start())
        found_years = (
            [m for m in _YEAR.finditer(line) if not consumed[m.start()] and m.end() > label_end]
            if "19" in line or "20" in line
            else []
        )
        for k, m in enumerate(found_years):
            c = k if len(found_years) == n else _nearest(columns, (m.start() + m.end()) / 2)
            years[c] = int(m.group())
            words[c].append(m.group())
            consumed[m.start()] = True
        # A word and its unit, "Ag (g/t)", stay together: headers printed a character or two off
        # their column still centre over it.
        for m in _HEADER_WORD.finditer(line):
            if m.end() <= label_end or any(consumed[m.start() : m.end()]):
                continue
            if m.start() > columns[-1].end + 2:
                continue  # a header over a text column after the numbers ("Zone")
            center = (m.start() + m.end()) / 2
            if segments:
                hits = [c for c, seg in enumerate(segments) if seg.start - 1 <= center <= seg.end + 1]
                if hits:
                    words[hits[0]].append(m.group())
                continue
            words[_nearest(columns, center)].append(m.group())
    if latest_quarter:
        # "Q3 2018  ...  9 months 2018": a part-year column that prints no date ends with the
        # latest quarter the header names
        for c in range(n):
            if month_day[c] is None and months[c] in (3, 6, 9) and c not in year_to_date:
                month_day[c] = _QUARTER_END[latest_quarter]
    for c in year_to_date:
        # "YTD 2010" beside "Q3 2010": from January to the end of the latest quarter in the header
        if latest_quarter:
            months[c], month_day[c] = 3 * latest_quarter, _QUARTER_END[latest_quarter]
        elif default_month_day is not None:
            months[c] = default_month_day[0]
    out = []
    for c in range(n):
        text = " ".join(words[c])
        year = years[c]
        if month_day[c] is None and month_names[c] and year is not None:
            month = _MONTHS[month_names[c][:3].lower()]
            month_day[c] = (month_names[c][:3], calendar.monthrange(year, month)[1])
            by_month[c] = True
        if year is None and release_end is not None and month_day[c] is not None and not any(years):
            # "Quarter Ended / March 31, / June 30," in a release for the period ended June 30, 2007:
            # the latest such day up to the release's period end
            month, day = month_day[c]  # type: ignore[misc]
            same_year = _make_date(release_end.year, month, day)
            if same_year is not None:
                year = release_end.year if same_year <= release_end else release_end.year - 1
                text = f"{text} ({year}, the release's period)"
        if year is None:
            out.append(ColumnHeader(text, None, 0, "no year in the column header"))
            continue
        if fiscal[c] and part_of_year[c] is not None:
            # "Q3 FY17": the third quarter of the fiscal year that ends in 2017 (on December 31
            # when the release states no other fiscal year end)
            length, k = part_of_year[c]  # type: ignore[misc]
            fy_month = fiscal_year_end[0] if fiscal_year_end else 12
            index = year * 12 + fy_month - 1 - length * (12 // length - k)
            end = date(index // 12, index % 12 + 1, calendar.monthrange(index // 12, index % 12 + 1)[1])
        elif month_day[c] is not None:
            month, day = month_day[c]  # type: ignore[misc]
            end = _make_date(year, month, day)
        elif fiscal[c] and fiscal_year_end is not None:
            end = _make_date(year, calendar.month_abbr[fiscal_year_end[0]], fiscal_year_end[1])
        elif default_month_day is not None:
            end = date(year, *default_month_day)
        elif months[c] in (6, 9) and fiscal_year_end is None:
            # "9M 2021" and nothing else to go by: the first nine months of the year
            end = date(year, months[c], 30)  # type: ignore[arg-type]
        else:
            end = date(year, 12, 31)
        if end is None:
            out.append(ColumnHeader(text, None, 0, f"impossible date in the column header {text!r}"))
            continue
        length = months[c] or 0
        out.append(ColumnHeader(text, period_for(end, length), length, by_month=by_month[c] and not length))
    return out
