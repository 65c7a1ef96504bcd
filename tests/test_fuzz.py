"""Fuzzing: mutated sample releases (text, and HTML renderings of them) through ingest, layout,
tables and the narrative stage. Nothing may raise but InputError from ingest, nothing may be
swallowed as an internal error, and every fact must cite a line the file has.

A few hundred examples run with the suite (the same ones every run); ``make fuzz`` runs many
more, freshly drawn: ``KG_FUZZ_EXAMPLES=5000 KG_FUZZ_RANDOM=1 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.facts import Problem
from kg.ingest import parse_document
from kg.layout import segment
from kg.tables import extract_tables

ROOT = Path(__file__).resolve().parents[1]
WINDOW = 160  # lines of a release per example: a table or two and the prose around them

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "250"))
settings.register_profile(
    "kg-fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("KG_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None,
)
FUZZ = settings.get_profile("kg-fuzz")


def _as_html(text: str) -> bytes:
    """A text release as an HTML exhibit: table-like lines (cells apart by two blanks) as table
    rows, the rest as paragraphs, as EDGAR's HTML exhibits print them."""
    out = ["<html><body>"]
    in_table = False
    for line in text.splitlines():
        cells = [c for c in re.split(r"\s{2,}", line.strip()) if c]
        if len(cells) >= 2:
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        out.append(f"<p>{html.escape(line.strip())}</p>" if line.strip() else "")
    out.append("</table></body></html>" if in_table else "</body></html>")
    return "\n".join(out).encode("utf-8")


def _sources() -> list[tuple[str, bytes]]:
    files = sorted((ROOT / "corpus").glob("*.txt"))
    sources = [(p.name, p.read_bytes()) for p in files]
    sources.append(("exhibit.htm", (ROOT / "tests" / "data" / "ingest" / "exhibit.htm").read_bytes()))
    for p in files[:2]:
        sources.append((p.stem + ".htm", _as_html(p.read_text(encoding="utf-8", errors="replace"))))
    return sources


SOURCES = _sources()
TAGS = [
    b"<table>", b"</table>", b"<tr>", b"</tr>", b"<td>", b"</td>", b"<th colspan=3>", b"<td colspan=99>",
    b"<pre>", b"</pre>", b"<p align=center>", b"</p>", b"<br>", b"<!--", b"-->", b"<script>", b"</script>",
    b"<center>", b"&nbsp;", b"&#x2014;", b"<td>$</td>", b"<td>)</td>", b"<html>", b"<body>",
]
NOISE = [b"(3.7O)", b"1,5O9,67O", b"- -", b"--", b"$", b"(1)", b"\x00", b"\x0c", b"\r", b"\t", b"\xff\xfe", b"\xc3",
         b"\xe2\x80\x94", b"\x92", b"Dec. 31,", b"2006", b"Three Months Ended", b"=====", b"     "]


def _mutations() -> list[Callable[[st.DataObject, bytes], bytes]]:
    def at(data: st.DataObject, doc: bytes) -> int:
        return data.draw(st.integers(0, len(doc)), label="at")

    def insert_noise(data: st.DataObject, doc: bytes) -> bytes:
        k = at(data, doc)
        return doc[:k] + data.draw(st.sampled_from(NOISE)) + doc[k:]

    def insert_tag(data: st.DataObject, doc: bytes) -> bytes:
        k = at(data, doc)
        return doc[:k] + data.draw(st.sampled_from(TAGS)) + doc[k:]

    def insert_bytes(data: st.DataObject, doc: bytes) -> bytes:
        k = at(data, doc)
        return doc[:k] + data.draw(st.binary(min_size=1, max_size=12)) + doc[k:]

    def delete_range(data: st.DataObject, doc: bytes) -> bytes:
        k = at(data, doc)
        return doc[:k] + doc[k + data.draw(st.integers(1, 400)) :]

    def duplicate_range(data: st.DataObject, doc: bytes) -> bytes:
        k = at(data, doc)
        n = data.draw(st.integers(1, 600))
        return doc[:k] + doc[k : k + n] * data.draw(st.integers(2, 4)) + doc[k:]

    def truncate(data: st.DataObject, doc: bytes) -> bytes:
        return doc[: at(data, doc)]

    def garble_digits(data: st.DataObject, doc: bytes) -> bytes:
        k = at(data, doc)
        n = data.draw(st.integers(1, 300))
        table = bytes.maketrans(b"0,", b"O.") if data.draw(st.booleans()) else bytes.maketrans(b"17", b"l?")
        return doc[:k] + doc[k : k + n].translate(table) + doc[k + n :]

    def shift_columns(data: st.DataObject, doc: bytes) -> bytes:
        lines = doc.split(b"\n")
        k = data.draw(st.integers(0, max(0, len(lines) - 1)))
        pad = b" " * data.draw(st.integers(1, 30))
        for j in range(k, min(len(lines), k + data.draw(st.integers(1, 20)))):
            lines[j] = pad + lines[j] if data.draw(st.booleans()) else lines[j].replace(b"  ", b" ", 1)
        return b"\n".join(lines)

    def long_line(data: st.DataObject, doc: bytes) -> bytes:
        k = at(data, doc)
        return doc[:k] + data.draw(st.sampled_from([b"x", b"1,234 ", b"word ", b"<td>1</td>"])) * data.draw(st.integers(100, 20_000)) + doc[k:]

    def swap_lines(data: st.DataObject, doc: bytes) -> bytes:
        lines = doc.split(b"\n")
        if len(lines) < 2:
            return doc
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)

    def reencode(data: st.DataObject, doc: bytes) -> bytes:
        text = doc.decode("utf-8", errors="replace")
        codec = data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "utf-8-sig", "cp1252"]))
        return text.encode(codec, errors="replace")

    return [insert_noise, insert_tag, insert_bytes, delete_range, duplicate_range, truncate, garble_digits,
            shift_columns, long_line, swap_lines, reencode]


MUTATIONS = _mutations()


_ROW = re.compile(rb"\S\s{2,}[$(]*[\d,.]+\)?\s{2,}[$(]*[\d,.]+|<td[^>]*>\s*[$(]*[\d,.]+")


def _table_starts(whole: bytes) -> list[int]:
    """Line numbers a little above rows of numbers: windows that hold a table and its caption."""
    lines = whole.splitlines()
    rows = [i for i, line in enumerate(lines) if _ROW.search(line)]
    firsts = [i for k, i in enumerate(rows) if k == 0 or i - rows[k - 1] > 6]  # the first row of each table
    return sorted({max(0, i - 15) for i in firsts}) or [0]


STARTS = {name: _table_starts(whole) for name, whole in SOURCES}


def _document(data: st.DataObject) -> tuple[str, bytes]:
    name, whole = data.draw(st.sampled_from(SOURCES), label="source")
    lines = whole.splitlines(keepends=True)
    anywhere = st.integers(0, max(0, len(lines) - 1))
    start = data.draw(st.one_of(st.sampled_from(STARTS[name]), anywhere), label="start")
    doc = b"".join(lines[start : start + data.draw(st.integers(1, WINDOW), label="size")])
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        doc = data.draw(st.sampled_from(MUTATIONS), label="mutation")(data, doc)
    return name, doc


@contextmanager
def _no_internal_errors() -> Iterator[list[logging.LogRecord]]:
    """Fails on anything a stage logged with a traceback: a crash it swallowed is still a crash."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.exc_info:
                records.append(record)

    handler = Keep(level=logging.ERROR)
    logger = logging.getLogger("kg")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
    assert not records, [f"{r.getMessage()}: {r.exc_info[1]!r}" for r in records]


def _stages(name: str, raw: bytes):
    problems: list[Problem] = []
    try:
        doc = parse_document(raw, name=name, problems=problems)
    except InputError as exc:
        assert str(exc).startswith(name)
        return None
    blocks = segment(doc)
    facts = extract_tables(doc, blocks)
    last = max(doc.source_lines)
    for o in facts.observations:
        assert 1 <= o.source.line <= last, (o.label, o.source.line, last)
    for p in problems + list(facts.problems):
        assert 0 <= p.line <= max(last, raw.count(b"\n") + 1), str(p)
    return doc, blocks, facts


@FUZZ
@given(st.data())
def test_ingest_layout_and_tables_survive_mutated_releases(data: st.DataObject) -> None:
    name, raw = _document(data)
    with _no_internal_errors():
        _stages(name, raw)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 8))
@given(st.data())
def test_the_narrative_stage_survives_mutated_releases(data: st.DataObject) -> None:
    from kg.nlp import extract_narrative

    name, raw = _document(data)
    with _no_internal_errors():
        staged = _stages(name, raw)
        if staged is None:
            return
        doc, blocks, _ = staged
        [facts] = extract_narrative([(doc, blocks)])
    assert not [p for p in facts.problems if p.severity == "error"], [str(p) for p in facts.problems]
    last = max(doc.source_lines)
    assert all(1 <= m.line <= last for m in facts.mentions)


@pytest.mark.parametrize(
    "html_text",
    [
        "<table><tr><td>a<table></td></table>",  # the IndexError of handle_endtag: a table opened inside a cell
        "<table><tr><td>Gold<table><tr><td>1</td></tr></table>ounces</td><td>51,438</td></tr></table>",
        "<table><tr><td>x</table></td>after the table",
        "</td></tr></table><td><tr>",
    ],
)
def test_html_table_nesting_found_by_fuzzing(html_text: str) -> None:
    from kg.htmltext import html_to_lines

    lines = html_to_lines(html_text)
    assert all(text == "" or text.strip() for text, _, _ in lines)
    if "after the table" in html_text:
        # not swallowed into a closed cell; the cell </table> closes keeps its text, as a browser shows it
        assert [t for t, _, _ in lines if t.strip()] == ["x", "after the table"]
