"""Ingest: bytes of a press release → a :class:`kg.facts.Document`.

Handles what real EDGAR filings contain: UTF-8, UTF-16 or UTF-32 (by byte-order
mark), cp1252, and files mixing them line by line (bad bytes replaced and
reported with their line), CRLF/CR line ends, tabs, form feeds, SGML wrappers (``<DOCUMENT>``, ``<TEXT>``, ``<PAGE>``),
HTML exhibits (text, ``<pre>`` blocks and ``<table>`` markup rendered as
fixed-width rows), repeated page footers and ``[LOGO]`` furniture. Furniture is
marked, never deleted, so every later stage keeps the source's line numbers.

Limits (:class:`kg.settings.BuildLimits`): a file over ``max_file_bytes`` is not
read, a line over ``max_line_chars`` is left out with a warning. Discovery walks
folders without following links unless asked, and passes over kg's own output
folders.

Lines are counted the way editors and ``grep -n`` count them: ``\\n``, ``\\r\\n``
and ``\\r`` end a line; a form feed does not (it is blanked).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from itertools import compress, count, islice
from operator import itemgetter
from pathlib import Path

from dateutil import parser as dateparser

from kg.errors import InputError
from kg.facts import Document, DocumentMeta, Problem
from kg.header import read_header
from kg.htmltext import html_to_lines
from kg.settings import BuildLimits

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".htm", ".html")

_SGML_LINE = re.compile(
    r"^\s*</?(DOCUMENT|TYPE|SEQUENCE|FILENAME|DESCRIPTION|TEXT|PAGE|SEC-DOCUMENT|SEC-HEADER|PRE|HTML|BODY)\b[^>]*>.*$",
    re.I,
)
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*\d{1,3}\s*-|page\s+\d{1,3}(?:\s+of\s+\d{1,3})?|\d{1,3})\s*$", re.I)
_LOGO = re.compile(r"^\s*\[(?:LOGO|GRAPHIC|PHOTO|PICTURE)[^\]]*\]\s*$", re.I)
# Cues that make a repeated line page furniture rather than a repeated caption.
_FOOTER_CUE = re.compile(
    r"\b(?:contact|fax|phone|tel\.?|suite|www\.|e-?mail)\b|\d{3}[-/.]\d{3}[-.]\d{4}|\b\d{5}(?:-\d{4})?\b",
    re.I,
)
_CONTACT_BLOCK = re.compile(r"^\s*(?:CONTACT\b|Contact:|Contact\s+[A-Z][a-z]+\s+[A-Z])")

_MONTH_DATE = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
)
_DATELINE = re.compile(r"--\s*(?:\(?BUSINESS WIRE\)?|\(?PR ?NEWSWIRE\)?)?\s*--\s*(" + _MONTH_DATE + r")", re.I)
_FOR_RELEASE = re.compile(r"For\s+(?:Immediate\s+)?Release:?\s*(" + _MONTH_DATE + r")", re.I)
_PERIOD_ENDED = re.compile(r"For\s+the\s+(?:Period|Quarter|Year)\s+Ended:?\s*(" + _MONTH_DATE + r")", re.I)
_ANY_DATE = re.compile(_MONTH_DATE, re.I)
# A letterhead line that is no part of the title: "NEWS RELEASE    FOR IMMEDIATE RELEASE".
_RELEASE_LINE = re.compile(r"^(?:NEWS\s+RELEASE|PRESS\s+RELEASE|FOR\s+IMMEDIATE\s+RELEASE|NEWS|Stock\s+Symbol\b.*)(?:\s+(?:NEWS\s+RELEASE|FOR\s+IMMEDIATE\s+RELEASE))*$", re.I)
_COMPANY_TICKER = re.compile(
    r"([A-Z][A-Za-z&.,' -]{2,60}?(?:Company|Corporation|Corp\.?|Inc\.?|Limited|Ltd\.?|plc|N\.V\.))\s*"
    r"\(\s*(?:(?:NYSE|NASDAQ|AMEX|TSX|NYSE\s*Amex)\s*:\s*([A-Z.]{1,6})|([A-Z.]{1,6})\s*:\s*(?:NYSE|NASDAQ|AMEX|TSX))\s*\)",
)
# Month name, day, year, as _MONTH_DATE finds them, with dateutil's month names; the year has four
# digits and no leading zero (dateutil reads "0000" as 2000).
_PLAIN_DATE = re.compile(r"([A-Za-z]+)\.?\s+([0-9]{1,2}),?\s+([1-9][0-9]{3})")
_MONTH_NUMBERS = {
    name.lower(): number
    for number, names in enumerate(dateparser.parserinfo.MONTHS, start=1)
    for name in names
}
_WIDE_GAP = re.compile(r"\s{5,}")
_WORD = re.compile(r"[A-Za-z]+")
_EXCHANGES = ("NYSE", "NASDAQ", "AMEX", "TSX")  # the exchange names of _COMPANY_TICKER
_EXHIBIT = re.compile(r"^\s*(?:EX-|Exhibit\s+)(\d+(?:\.\d+)?)", re.I)
# Bytes below 32 other than tab, newline, form feed and carriage return: counted to spot binary input.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_LINE_END = re.compile(r"\r\n|\r|\n")
_TABLE_TAG = re.compile("<table", re.I)
_ROW_TAG = re.compile("<tr", re.I)
# How the keys of furniture lines start (:func:`_line_keys` of ASCII text; lower-cased first
# non-blank character): SGML, logo, page number, contact.
_FURNITURE_KEY_STARTS = frozenset(bytes([c]) for c in b"<[-pc0123456789")
# The characters str.split() splits on in ASCII text, but the line break.
_ASCII_BLANKS = b" \t\r\x0b\x0c\x1c\x1d\x1e\x1f"
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def slug(text: str) -> str:
    """A stable, IRI-safe id for a file stem."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "doc"


_BOMS = (  # the UTF-32 marks first: UTF-32-LE's starts with UTF-16-LE's
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BYTE_LINES = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# A well-formed UTF-8 sequence of two to four bytes: a line holding one is UTF-8 text.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_REPORTED_LINES = 10  # bad-byte lines reported one by one; the rest are counted


def decode(data: bytes, name: str, problems: list[Problem] | None = None) -> tuple[str, str]:
    """Bytes → (text, encoding).

    UTF-8, UTF-16 and UTF-32 by their byte-order marks (UTF-16 without one by its zero bytes);
    UTF-8 when the whole file is; otherwise line by line: a line that is UTF-8 stays UTF-8, a line
    with no UTF-8 sequence at all is read as cp1252 where cp1252 fits it, and the bytes that fit
    neither are replaced by U+FFFD and reported with their line in ``problems``.
    """
    if not data or data.isspace():  # not data.strip(), without copying the data
        raise InputError("empty file: expected a press release in text or HTML", doc=name)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_wide(data[len(bom) :], codec, name, problems)
    sample = data[:65536]
    wide = _sniff_utf16(sample)
    if wide:
        return _decode_wide(data, wide, name, problems)
    if b"\x00" in sample:
        offset = sample.index(b"\x00")
        raise InputError(f"binary content (NUL byte at offset {offset}); expected a text or HTML press release", doc=name)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > max(8, len(sample) // 100):
        raise InputError(f"binary content ({controls} control bytes in the first {len(sample)}); expected text", doc=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not _UTF8_MULTIBYTE.search(data):
        try:
            return data.decode("cp1252"), "cp1252"  # no UTF-8 anywhere: a cp1252 file
        except UnicodeDecodeError:
            pass
    return _decode_lines(data, name, problems)


def _sniff_utf16(sample: bytes) -> str:
    """``utf-16-le`` or ``utf-16-be`` for text without a byte-order mark whose every other byte is
    zero (Latin text in UTF-16), else ""."""
    pairs = len(sample) // 2
    if pairs < 8:
        return ""
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    if odd >= 0.6 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return ""


def _decode_wide(data: bytes, codec: str, name: str, problems: list[Problem] | None) -> tuple[str, str]:
    text = data.decode(codec, errors="replace")
    if "\ufffd" in text and problems is not None:
        bad = [n for n, line in enumerate(split_lines(text), 1) if "\ufffd" in line]
        if bad:
            problems.append(Problem(name, bad[0], f"bytes that are not {codec} replaced by U+FFFD on {len(bad)} line(s), the first here", "warning"))
    return text, codec


def _decode_lines(data: bytes, name: str, problems: list[Problem] | None) -> tuple[str, str]:
    """A file that is not UTF-8 throughout, decoded line by line (lines numbered as split_lines does)."""
    parts: list[str] = []
    cp1252_lines: list[int] = []
    bad_lines: list[tuple[int, int]] = []
    utf8_lines = 0
    for n, m in enumerate(_BYTE_LINES.finditer(data), start=1):
        raw = m.group()
        try:
            parts.append(raw.decode("utf-8"))
            utf8_lines += not raw.isascii()
            continue
        except UnicodeDecodeError:
            pass
        if not _UTF8_MULTIBYTE.search(raw):
            try:
                parts.append(raw.decode("cp1252"))
                cp1252_lines.append(n)
                continue
            except UnicodeDecodeError:
                pass
        text = raw.decode("utf-8", errors="replace")
        parts.append(text)
        bad_lines.append((n, text.count("\ufffd") - raw.decode("utf-8", errors="ignore").count("\ufffd")))
    if problems is not None:
        for n, count in bad_lines[:_REPORTED_LINES]:
            problems.append(Problem(name, n, f"{count} byte(s) that are not UTF-8 replaced by U+FFFD", "warning"))
        if len(bad_lines) > _REPORTED_LINES:
            first = bad_lines[_REPORTED_LINES][0]
            problems.append(Problem(name, first, f"bytes that are not UTF-8 on {len(bad_lines) - _REPORTED_LINES} more line(s), from here", "warning"))
        if cp1252_lines and (utf8_lines or bad_lines):
            problems.append(Problem(name, cp1252_lines[0], f"{len(cp1252_lines)} line(s) are not UTF-8 and were read as cp1252, the first here", "info"))
    if utf8_lines or bad_lines:
        encoding = "utf-8+cp1252" if cp1252_lines else "utf-8"
    else:
        encoding = "cp1252"
    return "".join(parts), encoding


def split_lines(text: str) -> list[str]:
    """Split on \\r\\n, \\r or \\n only (not on form feeds), tabs expanded, form feeds blanked."""
    lines = text.split("\n") if "\r" not in text else _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    if "\t" not in text and "\f" not in text and "\v" not in text:
        return [line.rstrip() for line in lines]  # the common case, over every line of a corpus
    return [line.replace("\f", "").replace("\v", "").expandtabs(8).rstrip() for line in lines]


def line_count(text: str) -> int:
    """How many lines :func:`split_lines` finds in ``text``, without building them."""
    if "\r" in text:
        return len(split_lines(text))
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)


def looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    # The tag searches ignore case instead of lower-casing the whole text (the same matches).
    return "<html" in head or "<body" in head or bool(_TABLE_TAG.search(text) and _ROW_TAG.search(text))


def find_furniture(lines: list[str]) -> frozenset[int]:
    """1-based numbers of lines that are page furniture: SGML markers, logos, page
    numbers, contact blocks and footers repeated on every page."""
    found: set[int] = set()
    keys = _line_keys(lines)
    # Every pattern is anchored after leading blanks and starts with one of a few characters:
    # only the lines starting with one are tested (this runs over every line of a corpus).
    contacts: list[int] = []
    for i in _furniture_candidates(keys):
        line = lines[i - 1]
        head = line.lstrip()
        c = head[0]
        if c == "<":
            if _SGML_LINE.match(line):
                found.add(i)
        elif c == "[":
            if _LOGO.match(line):
                found.add(i)
        elif c.isdigit() or c in "-pP":
            # A page number ends in a digit or "-" (blanks aside); a rule ("----") is none.
            last = head[-1]
            if (
                (last.isdecimal() or last == "-" or last.isspace())
                and not head.startswith("--")
                and _PAGE_NUMBER.match(line)
                and _blank_around(lines, i)
            ):
                found.add(i)
        if c == "C" and head.startswith(("CONTACT", "Contact")) and _CONTACT_BLOCK.match(line):
            contacts.append(i)
    # Repeated footers: a line seen on three or more pages carrying a contact cue,
    # and the repeated lines right next to it (address, "o FAX ...").
    normal = _repeated_lines(lines, keys)
    counts = Counter(normal.values())
    # Rules repeat on every page but carry no cue (every cue has a letter or a digit).
    cued = {n for n, k in counts.items() if k >= 3 and n.strip("-=_ ") and _FOOTER_CUE.search(n)}
    footer = [i for i, n in normal.items() if n in cued]
    grown = set(footer)
    for i in footer:
        for step in (-1, 1):
            j = i + step
            while j in normal and counts[normal[j]] >= 3 and j not in grown:
                grown.add(j)
                j += step
    found |= grown
    # A closing contact block: "CONTACT: ..." and its indented continuation lines.
    for i in contacts:
        if i in found:
            continue
        j = i
        while j <= len(lines) and lines[j - 1].strip() and j - i < 6:
            found.add(j)
            j += 1
    return frozenset(found)


def _line_keys(lines: list[str]) -> list[bytes] | list[str]:
    """Per line a key that is the same for lines that normalise alike (blanks collapsed, lower
    case), empty for a blank line and starting with the line's first non-blank character,
    lower-cased.

    ASCII text is keyed all at once by one bytes.translate (lower-cased, every blank deleted),
    much cheaper than normalising line by line; other text is keyed by the normal form itself."""
    text = "\n".join(lines)
    if text.isascii():
        keys = text.encode("ascii").translate(_ASCII_LOWER, _ASCII_BLANKS).split(b"\n")
        if len(keys) == len(lines):  # else a line holds a line break
            return keys
    return [" ".join(line.split()).lower() for line in lines]


def _furniture_candidates(keys: list[bytes] | list[str]) -> Iterable[int]:
    """Numbers of the lines that start (after blanks) with "<", "[", "-", "p", "c" or a digit."""
    if keys and isinstance(keys[0], bytes):
        # Filtered by map and compress, without a Python-level step per line.
        firsts = map(itemgetter(slice(0, 1)), keys)
        return compress(count(1), map(_FURNITURE_KEY_STARTS.__contains__, firsts))
    return [i for i, key in enumerate(keys, start=1) if key and (key[0] in "<[-pc" or key[0].isdigit())]


def _repeated_lines(lines: list[str], keys: list[bytes] | list[str]) -> dict[int, str]:
    """Line number → normal form (blanks collapsed, lower case) of the non-blank lines whose
    normal form may occur three times or more, in line order; no other line can be a footer.

    Normalising is the costly part of finding footers: lines that normalise alike share a key
    (:func:`_line_keys`), so only lines whose key occurs three times need their normal form."""
    repeated = {key for key, times in Counter(keys).items() if times >= 3 and key}
    # compress() picks the line numbers without a Python-level loop over every line.
    numbers = compress(count(1), map(repeated.__contains__, keys))
    return {i: " ".join(lines[i - 1].split()).lower() for i in numbers}


def _blank_around(lines: list[str], i: int) -> bool:
    before = lines[i - 2].strip() if i >= 2 else ""
    after = lines[i].strip() if i < len(lines) else ""
    return not before and not after


def _parse_date(text: str) -> date | None:
    # The common "Feb. 21, 2007" is read directly (dateutil takes tens of microseconds a date);
    # anything else, an invalid day included, is left to dateutil.
    plain = _PLAIN_DATE.fullmatch(text)
    if plain and plain.group(1).lower() in _MONTH_NUMBERS:
        try:
            return date(int(plain.group(3)), _MONTH_NUMBERS[plain.group(1).lower()], int(plain.group(2)))
        except ValueError:
            pass
    try:
        return dateparser.parse(text.replace("Sept.", "Sep."), fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


def _title_part(line: str, company: str) -> str:
    """The part of a head line that belongs to the title: letterhead columns
    (a logo's "HECLA / MINING COMPANY" printed left of the title) and lines with
    no words (filing codes such as "2003-07") are left out."""
    parts = [p for p in _WIDE_GAP.split(line.strip()) if p]
    words = {w.lower() for w in _WORD.findall(company)}
    keep = []
    for part in parts:
        letters = _WORD.findall(part)
        if not letters or (words and {w.lower() for w in letters} <= words):
            continue
        keep.append(part)
    return " ".join(keep)


def _company_ticker(text: str) -> re.Match[str] | None:
    """``_COMPANY_TICKER.search(text)`` on blank-collapsed text, started shortly before the first
    exchange name: every match holds one, at most 85 characters from its start (a name of up to
    72, single blanks, a ticker of up to 6), and the lazy name makes the search slow elsewhere."""
    first = min((k for k in map(text.find, _EXCHANGES) if k >= 0), default=-1)
    if first < 0:
        return None
    return _COMPANY_TICKER.search(text, max(0, first - 100))


def read_meta(lines: list[str], furniture: frozenset[int]) -> DocumentMeta:
    """Title, release date, period, company, aliases and tickers from the head of a release
    (:mod:`kg.header` reads the dateline, the ticker parentheticals and the opening sentence)."""
    body = list(islice(((i, line) for i, line in enumerate(lines, start=1) if i not in furniture), 80))
    head_lines = [line for _, line in body]
    first = read_header(head_lines)
    company = first.company

    exhibit = ""
    title_lines: list[str] = []
    for k, (_, line) in enumerate(body[:40]):
        m = _EXHIBIT.match(line)
        if m and not exhibit and not title_lines:
            exhibit = m.group(1)
            continue
        if k == first.dateline or _FOR_RELEASE.search(line) or _PERIOD_ENDED.search(line) or _DATELINE.search(line):
            break
        text = _title_part(line, company)
        if not text or _RELEASE_LINE.match(text):
            if title_lines and not line.strip():
                break
            continue
        title_lines.append(text)
    title = " ".join(" ".join(title_lines).split()).rstrip(";:, ")
    header = read_header(head_lines, title) if title else first
    period_end = header.period_end
    m = _PERIOD_ENDED.search(" ".join(" ".join(head_lines).split()))
    if m and period_end is None:
        period_end = _parse_date(m.group(1))
    return DocumentMeta(
        title=title,
        release_date=header.release_date,
        period_end=period_end,
        company=company,
        ticker=header.tickers[0][1] if header.tickers else "",
        exhibit=exhibit,
        aliases=header.aliases,
        tickers=header.tickers,
        period_start=header.period_start,
        fiscal_year_end=header.fiscal_year_end,
        missing=header.missing,
    )


def read_document(
    path: str | Path,
    *,
    name: str | None = None,
    limits: BuildLimits | None = None,
    problems: list[Problem] | None = None,
) -> Document:
    """Read one file into a Document. Raises InputError naming the file on bad input; a file over
    ``limits.max_file_bytes`` is not read at all. Warnings (bad bytes, over-long lines) go into
    ``problems``."""
    path = Path(path)
    name = name or path.name
    limits = limits or BuildLimits()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file (a device, pipe or socket); expected a press release", doc=name)
        if info.st_size > limits.max_file_bytes:
            raise InputError(
                f"file of {info.st_size:,} bytes is over the limit of {limits.max_file_bytes:,} (max_file_bytes; "
                "kg build --max-file-size raises it); not read",
                doc=name,
            )
        with open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)  # the file may grow meanwhile
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", doc=name) from exc
    if len(data) > limits.max_file_bytes:
        raise InputError(f"file grew over the limit of {limits.max_file_bytes:,} bytes while read (max_file_bytes)", doc=name)
    return parse_document(data, name=name, path=str(path), limits=limits, problems=problems)


def parse_document(
    data: bytes,
    *,
    name: str,
    path: str = "",
    limits: BuildLimits | None = None,
    problems: list[Problem] | None = None,
) -> Document:
    """Bytes → Document (pure; no file system access). Lines over ``limits.max_line_chars`` are
    left out (blank, so numbering stays) and reported in ``problems``."""
    limits = limits or BuildLimits()
    text, encoding = decode(data, name, problems)
    if looks_like_html(text):
        source_count = line_count(text)
        rendered = html_to_lines(text)
        last = max(source_count, 1)
        lines = [line.expandtabs(8).rstrip() for line, _, _ in rendered]
        source_lines = [min(max(n, 1), last) for _, n, _ in rendered]
        cell_lines = tuple(
            tuple((start, end, min(max(n, 1), last)) for start, end, n in cells) for _, _, cells in rendered
        )
        fmt = "html"
    else:
        lines = split_lines(text)
        source_lines = list(range(1, len(lines) + 1))
        cell_lines = ()
        fmt = "text"
    if lines and max(map(len, lines)) > limits.max_line_chars:
        for i, line in enumerate(lines):
            if len(line) > limits.max_line_chars:
                lines[i] = ""
                if cell_lines:
                    cell_lines = cell_lines[:i] + ((),) + cell_lines[i + 1 :]
                if problems is not None:
                    problems.append(
                        Problem(
                            name, source_lines[i],
                            f"line of {len(line):,} characters is over the limit of {limits.max_line_chars:,} "
                            "(max_line_chars); left out",
                            "warning",
                        )
                    )
    if not any(line.strip() for line in lines):
        raise InputError("no text found: expected a press release in text or HTML", doc=name)
    furniture = find_furniture(lines)
    meta = read_meta(lines, furniture)
    return Document(
        name=name,
        id=slug(Path(name).stem),
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        encoding=encoding,
        lines=tuple(lines),
        source_lines=tuple(source_lines),
        furniture=furniture,
        meta=meta,
        cell_lines=cell_lines,
    )


def discover(
    paths: list[Path],
    *,
    follow_links: bool = False,
    skip: Iterable[Path] = (),
    problems: list[Problem] | None = None,
) -> list[Path]:
    """Files to build from the given files and folders, sorted by name for determinism.

    Folders are walked for .txt, .htm and .html files. Links met while walking are not followed
    unless ``follow_links`` (a link in a folder of releases may point anywhere, a system file
    included); files and folders named here are. The folders in ``skip`` (the output folder), any
    folder kg build wrote (its ``.kg/`` marker) and the files in one are passed over. Links not
    followed, dangling links and link loops are reported in ``problems``; a named path that does
    not exist raises InputError.
    """
    from kg.outdir import is_output_folder

    skipped = {os.path.realpath(p) for p in skip}
    found: list[Path] = []

    def note(path: Path, message: str, severity: str = "warning") -> None:
        if problems is not None:
            problems.append(Problem(str(path), 0, message, severity))

    for p in paths:
        p = Path(p)
        if not p.exists():
            if p.is_symlink():
                raise InputError(f"{_broken_link(p)}; nothing to read", doc=str(p))
            raise InputError("no such file or folder", doc=str(p))
        if p.is_dir():
            if os.path.realpath(p) in skipped:
                note(p, "is the output folder; not read as press releases")
                continue
            if is_output_folder(p):
                note(p, "is an output folder of kg build; not read as press releases")
                continue
            found.extend(_walk(p, follow_links, skipped, note))
        elif _inside_output(p):
            note(p, "was written by kg build (it lies in an output folder); not read as a press release")
        else:
            found.append(p)
    return sorted(set(found), key=lambda f: (f.name, str(f)))


def _broken_link(path: Path) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link loop (the link leads back to itself)"
    return f"a dangling link (its target {os.readlink(path)} does not exist)"


def _inside_output(path: Path) -> bool:
    from kg.outdir import is_output_folder

    return any(is_output_folder(folder) for folder in Path(os.path.realpath(path)).parents)


def _walk(root: Path, follow_links: bool, skipped: set[str], note: Callable[..., None]) -> list[Path]:
    """The release files under ``root``: a depth-first walk that enters a folder once (links may
    lead back into the tree) and follows links only when asked."""
    from kg.outdir import KG_DIR, is_output_folder

    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                note(folder, "a link loop (the folder was walked already); not walked again")
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            note(folder, f"cannot read the folder: {exc.strerror or exc}")
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name == KG_DIR:
                continue
            try:
                link = entry.is_symlink()
                if link:
                    if not os.path.exists(path):
                        note(path, f"{_broken_link(path)}; skipped")
                        continue
                    is_dir = path.is_dir()
                    if not (is_dir or path.suffix.lower() in SUFFIXES):
                        continue
                    if not follow_links:
                        note(path, f"a link to {os.path.realpath(path)}; not followed (kg build --follow-links reads it)")
                        continue
                else:
                    is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                note(path, f"cannot read: {exc.strerror or exc}")
                continue
            if is_dir:
                if os.path.realpath(path) in skipped or is_output_folder(path):
                    note(path, "is an output folder of kg build; not read as press releases", "info")
                    continue
                stack.append(path)
            elif path.suffix.lower() in SUFFIXES and (link or entry.is_file(follow_symlinks=False)):
                found.append(path)
    return found
