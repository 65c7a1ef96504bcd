"""Release header → who reports, when, and for which period (part of the ingest stage).

Input: the first lines of a release (page furniture left out) and the header patterns of
``ontology/patterns/headers.json`` (wire services, exchanges, words that make a date a period
end). Output: :class:`Header`, the fields :class:`kg.facts.DocumentMeta` takes, plus a reason
for each field that could not be found.

The forms were learnt from openings of real releases of many companies and decades: datelines
with and without a wire service ("TOWN, State--(BUSINESS WIRE)--Feb. 21, 2007--", "TOWN, May 15,
2012 /CNW/ -", "TOWN, State--(Marketwired - October 24, 2013) -", "TOWN, Feb. 16, 2017 (GLOBE
NEWSWIRE) --", "TOWN (March 10, 2011) —", a "For Immediate Release" line, a date alone on its
line, day-month-year dates), one or several ticker parentheticals ("(NASDAQ: PAAS; TSX: PAA)",
"(NYSE:CDE, TSX:CDM)", "(TSX VENTURE:RHR)(OTCBB:RHRRF)"), the names the release gives the company
after them ("(“Pan American” or the “Company”)", "(Hecla or the Company)"), a name in capitals,
and periods stated in the title or the opening sentence ("for the fourth quarter and year ended
December 31, 2013", "for the three and six months ended June 30, 2015", "third quarter of 2006",
"fiscal 2005 second quarter ended December 31, 2004", "financial year ended 30 June 1998").
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from kg.resources import data_dir

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_YEAR = r"(?:19|20)\d\d"
# "Feb. 19, 2014", "FEBRUARY 3, 2005", "May 08, 2018"; "30 June 1998"
DATE = (
    rf"(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+{_YEAR})"
)
_DATE_RE = re.compile(DATE, re.I)
_DATE_PARTS = re.compile(
    rf"(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+({_YEAR})|(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+({_YEAR}))",
    re.I,
)
_DAY_MONTH = re.compile(rf"(?:({_MONTH})\.?\s+(\d{{1,2}})|(\d{{1,2}})\s+({_MONTH}))\b", re.I)
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\xa0": " "})
_DASHES = re.compile(r"\s*[\u2013\u2014\u2015]+\s*")
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_COUNT = r"(?:three|six|nine|twelve|3|6|9|12)"


@dataclass(frozen=True)
class Header:
    """What the head of a release says about itself; ``missing`` says what it does not, and why."""

    company: str = ""
    aliases: tuple[str, ...] = ()
    tickers: tuple[tuple[str, str], ...] = ()
    release_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    fiscal_year_end: tuple[int, int] | None = None
    missing: tuple[str, ...] = ()
    dateline: int = -1  # index of the line the release date is printed on, in the lines given


@cache
def header_patterns(folder: str | None = None) -> dict[str, Any]:
    root = Path(folder) if folder else data_dir("ontology")
    data: dict[str, Any] = json.loads((root / "patterns" / "headers.json").read_text(encoding="utf-8"))
    return data


def normalise(text: str) -> str:
    """Curly quotes straight, en and em dashes as "--", no-break spaces as spaces."""
    return _DASHES.sub(" -- ", text.translate(_QUOTES))


def parse_date(text: str) -> date | None:
    """A month-name date ("Feb. 19, 2014", "30 June 1998"), else None."""
    m = _DATE_PARTS.search(text)
    if not m:
        return None
    mon, day, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
    try:
        return date(int(year), _MONTHS[mon[:4].lower().rstrip(".") if mon[:4].lower() == "sept" else mon[:3].lower()], int(day))
    except (KeyError, ValueError):
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months_back(end: date, months: int) -> date:
    """First day of the period of ``months`` months that ends on ``end`` (a month end)."""
    month = end.month - months + 1
    year = end.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


# ------------------------------------------------------------------ patterns built from the data


@dataclass(frozen=True)
class _Rules:
    ticker_group: re.Pattern[str]
    ticker_item: re.Pattern[str]
    exchanges: dict[str, str]
    wire: re.Pattern[str]
    period_cue: re.Pattern[str]
    suffix: re.Pattern[str]


def _alt(words: Any) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@cache
def _rules(folder: str | None = None) -> _Rules:
    p = header_patterns(folder)
    exchanges: dict[str, str] = {}
    for k, v in p["exchanges"].items():
        exchanges[k] = v
        exchanges.setdefault(k.upper(), v)
    for v in list(exchanges.values()):  # the name spelt out ("Lima Stock Exchange: ALTIPLC1")
        exchanges.setdefault(v, v)
    exch = _alt(exchanges).replace("\\ ", r"\s+")  # a name spelt out may wrap across lines
    symbol = r"[A-Z][A-Za-z0-9]{0,7}(?:[.\-][A-Z0-9]{1,3})?"
    item = rf"(?:(?P<ex>{exch})\s*(?:and\s+(?:{exch})\s*)?[:\-]\s*(?P<sym>{symbol})(?:\s*-\s*news)?|(?P<sym2>{symbol})\s*:\s*(?P<ex2>{exch}))"
    plain = re.sub(r"\?P<\w+>", "?:", item)
    group = rf"\(\s*{plain}(?:\s*[;,/]\s*(?:and\s+)?{plain})*\s*\)"
    wire = _alt(p["wire_services"])
    cues = _alt(p["period_end_cues"])
    return _Rules(
        ticker_group=re.compile(group),
        ticker_item=re.compile(item),
        exchanges=exchanges,
        wire=re.compile(rf"(?:{wire})", re.I),
        period_cue=re.compile(rf"\b(?:{cues})\s*:?\s*$", re.I),
        suffix=re.compile(rf"(?:{_alt(p['company_suffixes'])})\.?$"),
    )


# ------------------------------------------------------------------ release date


def _release_date(head: str, rules: _Rules, release_cues: list[str]) -> tuple[date | None, int]:
    """The release date and where it is printed: the first month-name date of a dateline (after a
    town or a wire service, before a dash or a slash), of a release line, or alone on its line;
    never a date a period or an event ends on ("quarter ended December 31", "as at")."""
    cue = re.compile(rf"(?:{_alt(release_cues)})\s*:?\s*$", re.I)
    for m in _DATE_RE.finditer(head):
        before = head[max(0, m.start() - 60) : m.start()]
        after = head[m.end() : m.end() + 8]
        if rules.period_cue.search(before) and not cue.search(before):
            continue
        line_start = head.rfind("\n", 0, m.start()) + 1
        line_end = head.find("\n", m.end())
        line = head[line_start : line_end if line_end >= 0 else len(head)].strip(" ()-")
        alone = line == m.group().strip()
        dateline = bool(re.match(r"\s*(?:--|-|/|\)|:|\(|\s*$)", after)) and bool(
            re.search(r"(?:[A-Z][A-Za-z.'\-]*[,.]?\s*|--|\(|-|\)\s*|/)\s*$", before)
        )
        if alone or dateline or cue.search(before) or rules.wire.search(before[-40:]):
            when = parse_date(m.group())
            if when is not None:
                return when, m.start()
    return None, -1


# ------------------------------------------------------------------ company, tickers, aliases


_NAME_WORD = r"(?:[A-Z][\w&'.\-]*|[a-z]{1,2}'[A-Z][\w'.\-]*|de|del|la|las|los|du|des|of|and|&|y|e)"


def _title_case(name: str) -> str:
    """"STILLWATER MINING COMPANY" → "Stillwater Mining Company"; mixed case is kept."""
    if not name.isupper():
        return name
    out = []
    for w in name.split():
        if re.fullmatch(r"[A-Z]{1,2}'[A-Z]+", w):  # "D'ALENE" → "d'Alene"
            out.append(w[: w.index("'") + 1].lower() + w[w.index("'") + 1 :].title())
        elif w in ("DE", "DEL", "LA", "OF", "AND", "Y") and out:
            out.append(w.lower())
        elif re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?|PLC|LLC|NL|AG|ASA|AB", w):
            out.append(w)  # "S.A.", "N.V.", "PLC" stay as printed
        else:
            out.append(w.title().replace("'S", "'s"))
    return " ".join(out)


def _name_before(text: str, suffixes: list[str]) -> str:
    """The company's name that ends ``text``: the words after the dateline's last dash, slash or
    parenthesis, capitalised words and connectors only."""
    chunk = re.split(r"--|\s-\s|\s/\s?|/\s|\)|\]|:\s|\n\s*\n|\s{3,}", text)[-1]
    chunk = " ".join(chunk.split()).strip(" ,-")
    # a suffix printed in lower case ends a name too: "Tarrant Zinc plc"
    lower = "|".join(re.escape(s) for s in suffixes if s[:1].islower())
    tail = rf"(?:,?\s+(?:{lower}))?" if lower else ""
    m = re.search(rf"((?:[A-Z][\w&'.\-]*)(?:,?\s+{_NAME_WORD})*{tail})$", chunk)
    if not m:
        return ""
    words = m.group(1).split()
    while words and words[-1] in ("of", "and", "&", "de", "la"):
        words.pop()
    return _title_case(" ".join(words).rstrip(","))


def _tickers(text: str, rules: _Rules) -> list[tuple[str, str]]:
    out = []
    for m in rules.ticker_item.finditer(text):
        ex = m.group("ex") or m.group("ex2")
        sym = m.group("sym") or m.group("sym2")
        ex = " ".join(ex.split())
        out.append((rules.exchanges.get(ex, ex), sym))
    return out


def _aliases(text: str, generic: list[str]) -> list[str]:
    """Names a parenthetical gives the company: ("Pan American" or the "Company"), (Hecla or the Company)."""
    out: list[str] = []
    quoted = list(re.finditer(r'"([^"]{1,60})"', text))
    if quoted:
        for q in quoted:
            name = q.group(1).strip(" ,")
            if re.search(r"\bthe\s*$", text[: q.start()], re.I) and not name.lower().startswith("the "):
                name = "the " + name
            out.append(name)
        return out
    for part in re.split(r",|\s+or\s+|\s+and\s+", text):
        part = part.strip()
        if part and (part[0].isupper() or part.lower() in {g.lower() for g in generic}) and len(part.split()) <= 5:
            out.append(part)
    return out


def _company(head: str, start: int, rules: _Rules, patterns: dict[str, Any]) -> tuple[str, list[str], list[tuple[str, str]], str]:
    """Company name, aliases and tickers from the opening; and why not, when not found."""
    tickers: list[tuple[str, str]] = []
    name = ""
    aliases: list[str] = []
    groups = list(rules.ticker_group.finditer(head, start))
    if groups:
        first = groups[0]
        run_end = first.end()
        for g in groups:  # consecutive parentheticals: "(TSX VENTURE:RHR)(OTCBB:RHRRF)"
            if g.start() - run_end > 3 and g is not first:
                break
            tickers += _tickers(g.group(), rules)
            run_end = g.end()
        before = head[max(0, first.start() - 160) : first.start()]
        alias_paren = re.search(r"\(([^()]{1,120})\)\s*$", before)
        if alias_paren and '"' in alias_paren.group(1):  # ("Silvercorp" or the "Company") (TSX: SVM)
            aliases += _aliases(alias_paren.group(1), patterns["alias_generic"])
            before = before[: alias_paren.start()]
        name = _name_before(before, patterns["company_suffixes"])
        after = re.match(r"\s*\(([^()]{1,120})\)", head[run_end:])
        if after and not rules.ticker_item.search(after.group(1)):
            aliases += _aliases(after.group(1), patterns["alias_generic"])
    if not name:
        # no ticker: "Hecla Mining Company today announced ..." or a letterhead in capitals
        suffix = _alt(patterns["company_suffixes"])
        m = re.search(
            rf"((?:[A-Z][\w&'.\-]*,?\s+)(?:{_NAME_WORD},?\s+){{0,5}}(?:{suffix})\.?)(?:,?\s+\(|\s+(?:today|announce|report|is\s+pleased|has))",
            head[start:],
        )
        if m:
            name = _name_before(m.group(1), patterns["company_suffixes"])
        else:
            for line in head[:start].splitlines():
                text = " ".join(line.split())
                if text.isupper() and rules.suffix.search(text.title()) and 2 <= len(text.split()) <= 7:
                    name = _title_case(text)
                    break
    why = "" if name else "no name before a ticker parenthetical, before 'today announced/reported', or in a letterhead"
    return name, list(dict.fromkeys(a for a in aliases if a and a != name)), tickers, why


# ------------------------------------------------------------------ period


@dataclass(frozen=True)
class _Period:
    start: date
    end: date
    at: int  # where the text states it
    stop: int = -1  # where the statement ends


def _fy_end_from(text: str) -> tuple[int, int] | None:
    """ "fiscal year ends June 30", "financial year ended 30 June 1998" → (6, 30); December 31 → None."""
    m = re.search(rf"(?:fiscal|financial)\s+year\s+(?:ends?|ended|ending)\s+(?:on\s+)?({_MONTH}\.?\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})", text, re.I)
    if not m:
        return None
    d = _DAY_MONTH.search(m.group(1))
    if not d:
        return None
    mon, day = (d.group(1), d.group(2)) if d.group(1) else (d.group(4), d.group(3))
    month = _MONTHS.get(mon[:3].lower())
    if month is None or (month, int(day)) == (12, 31):
        return None
    return month, int(day)


def _fiscal_year(fy: int, fy_end: tuple[int, int] | None) -> tuple[date, date]:
    """Fiscal year ``fy`` (named by the calendar year it ends in) as (start, end)."""
    month = fy_end[0] if fy_end else 12
    end = _month_end(fy, month)
    return _months_back(end, 12), end


def _quarter(year: int, n: int, fy_end: tuple[int, int] | None, fiscal: bool) -> tuple[date, date]:
    if fiscal and fy_end:
        fy_start, _ = _fiscal_year(year, fy_end)
        first_end = _month_end(fy_start.year, fy_start.month)
        months = 3 * n
        end_month = fy_start.month + months - 1
        end_year = fy_start.year + (end_month - 1) // 12
        end = _month_end(end_year, (end_month - 1) % 12 + 1)
        del first_end
        return _months_back(end, 3), end
    end = _month_end(year, 3 * n)
    return _months_back(end, 3), end


def _ord(word: str, patterns: dict[str, Any]) -> int:
    return int(patterns["ordinals"][word.lower()])


def _periods(text: str, patterns: dict[str, Any], fy_end: tuple[int, int] | None) -> tuple[list[_Period], tuple[int, int] | None]:
    """Every period a stretch of text states, in order, and a fiscal year end it implies."""
    found: list[_Period] = []
    counts = patterns["month_counts"]
    taken: list[tuple[int, int]] = []  # spans read already: "quarter of fiscal 2004" is no fiscal year 2004

    def free(m: re.Match[str]) -> bool:
        if any(a < m.end() and m.start() < b for a, b in taken):
            return False
        taken.append(m.span())
        return True

    def add(start: date, end: date, at: int, stop: int) -> None:
        found.append(_Period(start, end, at, stop))

    # "fiscal 2005 second quarter ended December 31, 2004": the quarter and the fiscal year's end
    # ("fiscal 2020 first quarter results for the period ended November 30, 2019")
    for m in re.finditer(
        rf"\bfiscal\s+(?:year\s+)?({_YEAR})\s+({_ORD})[\s-]+quarter"
        rf"(?:\s+(?:(?:financial\s+)?results\s+)?(?:for\s+the\s+(?:period|quarter|three\s+months)\s+)?(?:ended|ending)\s+({DATE}))?",
        text, re.I,
    ):
        if not free(m):
            continue
        n = _ord(m.group(2), patterns)
        end = parse_date(m.group(3)) if m.group(3) else None
        if end is not None:
            fy_end = fy_end or _implied_fy_end(end, n)
            add(_months_back(end, 3), end, m.start(), m.end())
        elif fy_end:
            add(*_quarter(int(m.group(1)), n, fy_end, True), m.start(), m.end())
    for m in re.finditer(rf"\b({_ORD})[\s-]+quarter\s+(?:of\s+)?fiscal\s+(?:year\s+)?({_YEAR})|\bQ([1-4])\s+fiscal\s+({_YEAR})", text, re.I):
        if not free(m):
            continue
        n = _ord(m.group(1), patterns) if m.group(1) else int(m.group(3))
        if fy_end:
            add(*_quarter(int(m.group(2) or m.group(4)), n, fy_end, True), m.start(), m.end())
    # "(three|six|nine) months ended <date>", "three and six months ended <date>"
    for m in re.finditer(
        rf"\b((?:{_COUNT})(?:\s+months)?(?:(?:,\s*|\s+and\s+)(?:{_COUNT})(?:\s+months)?)*)\s+months\s+(?:period\s+)?(?:ended|ending)\s+({DATE})",
        text, re.I,
    ):
        if not free(m):
            continue
        end = parse_date(m.group(2))
        if end is None:
            continue
        for c in re.findall(_COUNT, m.group(1), re.I):
            add(_months_back(end, int(counts[c.lower()])), end, m.start(), m.end())
    # "fourth quarter and (full) year ended <date>", "quarter ended <date>", "year ended <date>"
    for m in re.finditer(
        rf"\b(?:({_ORD})[\s-]+)?(quarter|half(?:[\s-]year)?|(?:full[\s-]+)?(?:fiscal\s+|financial\s+)?year(?:[\s-]end)?)"
        rf"(?:\s+and\s+(?:the\s+)?((?:full[\s-]+)?(?:fiscal\s+|financial\s+)?year(?:[\s-]end)?|(?:{_COUNT})\s+months|first\s+half|quarter))?"
        rf"\s+(?:ended|ending|ends)\s+(?:on\s+)?({DATE})",
        text, re.I,
    ):
        if not free(m):
            continue
        end = parse_date(m.group(4))
        if end is None:
            continue
        kind = m.group(2).lower()
        months = 3 if kind == "quarter" else 6 if kind.startswith("half") else 12
        add(_months_back(end, months), end, m.start(), m.end())
        if "fiscal" in kind or "financial" in kind:
            fy_end = fy_end or ((end.month, end.day) if (end.month, end.day) != (12, 31) else None)
        if m.group(3):
            also = m.group(3).lower()
            n = 12 if "year" in also else 6 if "half" in also else 3 if also == "quarter" else int(counts[also.split()[0]])
            add(_months_back(end, n), end, m.start(), m.end())
    # "third quarter of 2006", "first quarter 2008", "Q3 2013", "2013 fourth quarter"
    for m in re.finditer(
        rf"\b({_ORD})[\s-]+quarter(?:\s+(?:and\s+(?:the\s+)?(?:full[\s-]+)?year\s+)?(?:of\s+)?|\s+)({_YEAR})\b"
        rf"|\bQ([1-4])\s+({_YEAR})\b|\b({_YEAR})\s+({_ORD})[\s-]+quarter\b",
        text, re.I,
    ):
        if not free(m):
            continue
        if m.group(1):
            n, year = _ord(m.group(1), patterns), int(m.group(2))
        elif m.group(3):
            n, year = int(m.group(3)), int(m.group(4))
        else:
            n, year = _ord(m.group(6), patterns), int(m.group(5))
        add(*_quarter(year, n, fy_end, False), m.start(), m.end())
        if re.search(r"\band\s+(?:the\s+)?(?:full[\s-]+)?year\b", m.group(0), re.I):
            add(date(year, 1, 1), date(year, 12, 31), m.start(), m.end())
    # "full year 2013", "year-end 2013", "2016 full year", "fiscal 2023", "first half of 2007"
    for m in re.finditer(
        rf"\b(?:full[\s-]+year|year[\s-]+end(?:ed)?|fiscal(?:\s+year)?|annual)\s+({_YEAR})\b|\b({_YEAR})\s+(?:full[\s-]+year|annual|year[\s-]+end)\b",
        text, re.I,
    ):
        if not free(m):
            continue
        year = int(m.group(1) or m.group(2))
        if m.group(0).lower().startswith("fiscal"):
            # a fiscal year the text also states as twelve months ended on another day than December 31
            fy_end = fy_end or next(
                ((p.end.month, p.end.day) for p in found if _months_back(p.end, 12) == p.start and (p.end.month, p.end.day) != (12, 31)),
                None,
            )
            add(*_fiscal_year(year, fy_end), m.start(), m.end())
        else:
            add(date(year, 1, 1), date(year, 12, 31), m.start(), m.end())
    # "first nine months of 2004", "first six months of fiscal 2005"
    for m in re.finditer(rf"\bfirst\s+({_COUNT})\s+months\s+(?:of\s+)?(fiscal\s+(?:year\s+)?)?({_YEAR})\b", text, re.I):
        if not free(m):
            continue
        year, months = int(m.group(3)), int(counts[m.group(1).lower()])
        fy_start = _fiscal_year(year, fy_end)[0] if m.group(2) else date(year, 1, 1)
        end_month = fy_start.month + months - 1
        end = _month_end(fy_start.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1)
        add(fy_start, end, m.start(), m.end())
    # "reported 2006 income", "2013 results": a year's results
    for m in re.finditer(rf"\b(?:reported|reports|announced|announces)\s+(?:its\s+)?({_YEAR})\s+(?!first|second|third|fourth)|\b({_YEAR})\s+(?:annual\s+|year[\s-]end\s+)?(?:results|financial\s+results|earnings)\b", text, re.I):
        if not free(m):
            continue
        year = int(m.group(1) or m.group(2))
        add(date(year, 1, 1), date(year, 12, 31), m.start(), m.end())
    for m in re.finditer(rf"\b(first|second)\s+half\s+(?:of\s+)?({_YEAR})\b", text, re.I):
        if not free(m):
            continue
        year = int(m.group(2))
        end = date(year, 6, 30) if m.group(1).lower() == "first" else date(year, 12, 31)
        add(_months_back(end, 6), end, m.start(), m.end())
    return found, fy_end


def stated_periods(text: str, fy_end: tuple[int, int] | None = None) -> list[tuple[int, int, date, date]]:
    """Every period a stretch of prose states with its year ("the fourth quarter of 2006", "fiscal
    2005", "the first nine months of 2004", "the three months ended June 30, 2011"), as (start and
    end of the words that state it, first and last day), in the order the text states them. The
    narrative stage dates prose figures with it."""
    found, _ = _periods(text, header_patterns(), fy_end)
    return sorted((p.at, p.stop, p.start, p.end) for p in found)


def _implied_fy_end(end: date, quarter: int) -> tuple[int, int] | None:
    """Quarter ``quarter`` of a fiscal year ends on ``end``: the fiscal year ends this many months later."""
    month = (end.month + 3 * (4 - quarter) - 1) % 12 + 1
    if month == 12:
        return None
    return month, calendar.monthrange(2001, month)[1]


_COMPARISON = re.compile(r"\b(?:compared|comparison|versus|vs\.?|up\s+from|down\s+from|from\s+the\s+same|prior[\s-]year|previous|over\s+the|increase\s+of|decrease\s+of)\b", re.I)


def _period(
    title: str, opening: str, head: str, patterns: dict[str, Any], release: date | None
) -> tuple[_Period | None, tuple[int, int] | None, str]:
    fy_end = _fy_end_from(head)
    for text in (opening, title):
        stated = _COMPARISON.split(text, maxsplit=1)[0]
        periods, fy_end = _periods(stated, patterns, fy_end)
        if periods:
            best = max(periods, key=lambda p: ((p.end - p.start).days, p.end))
            return best, fy_end, ""
    if release is not None:  # "today announced first quarter net income": the last such quarter before the release
        for text in (opening, title):
            m = re.search(rf"\b({_ORD})[\s-]+quarter\b", _COMPARISON.split(text, maxsplit=1)[0], re.I)
            if m and not fy_end:
                n = _ord(m.group(1), patterns)
                year = release.year if _month_end(release.year, 3 * n) < release else release.year - 1
                start, end = _quarter(year, n, None, False)
                return _Period(start, end, m.start()), fy_end, ""
    m = re.search(rf"For\s+the\s+(?:Period|Quarter|Year)\s+Ended:?\s*({DATE})", head, re.I)
    if m and (end := parse_date(m.group(1))):
        return _Period(date(end.year, 1, 1) if not fy_end else _months_back(end, 12), end, m.start()), fy_end, ""
    return None, fy_end, "no quarter, half, nine months or year stated in the title or the opening sentence"


# ------------------------------------------------------------------ the header


def read_header(lines: list[str], title: str = "", folder: str | None = None) -> Header:
    """The header fields of a release from its first lines (furniture already left out)."""
    patterns = header_patterns(folder)
    rules = _rules(folder)
    head = normalise("\n".join(lines))
    release, at = _release_date(head, rules, patterns["release_cues"])
    start = max(at, 0)
    company, aliases, tickers, why_company = _company(head, start, rules, patterns)
    # the opening sentence: from the dateline (or the head's start) over the next few hundred characters
    opening = " ".join(head[start : start + 700].split())
    period, fy_end, why_period = _period(" ".join(normalise(title).split()), opening, " ".join(head.split()), patterns, release)
    missing = []
    if release is None:
        missing.append("release date: no dateline, release line or date alone on a line in the head")
    if not company:
        missing.append(f"company: {why_company}")
    if period is None:
        missing.append(f"period: {why_period}")
    return Header(
        company=company,
        aliases=tuple(aliases),
        tickers=tuple(tickers),
        release_date=release,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        fiscal_year_end=fy_end,
        missing=tuple(missing),
        dateline=head.count("\n", 0, at) if at >= 0 else -1,
    )
