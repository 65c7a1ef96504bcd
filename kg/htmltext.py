"""HTML exhibit → text lines, each with the source line it came from.

Input: the decoded HTML. Output: ``[(text_line, source_line, cells), ...]``, where
``cells`` gives a rendered table row's cells as ``(start, end, source_line)`` column spans
(EDGAR HTML often puts each ``<td>`` on a source line of its own) and is empty elsewhere.

Paragraph-level elements become lines; ``<pre>`` keeps its lines verbatim;
``<table>`` markup is rendered as fixed-width rows (numbers right-aligned in
their column, ``$`` and ``)`` cells joined to their number, a cell spanning
columns centred over them, header cells wider than their numbers wrapped) and
centred paragraphs are indented like the centred captions of text releases, so
the same layout and table parser read text and HTML exhibits. The standard library's HTML tokenizer does
the parsing; it reports positions, which is what provenance needs.
"""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "center", "hr",
    "blockquote", "section", "article", "header", "footer", "title", "dt", "dd", "address",
}
_SKIP = {"script", "style", "head"}
_MONTH_DAY = re.compile(r"\b[A-Z][a-z]{2,8}\.? \d{1,2}\b,?")
# block elements whose start closes an open <p> (HTML's implied end tag)
_CLOSES_P = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "center", "hr", "blockquote", "section", "article", "header", "footer", "address"}
_CENTRED_STYLE = re.compile(r"text-align\s*:\s*center", re.I)
# Centred paragraphs are indented like the centred captions of fixed-width releases, so layout
# tells a table's title from a row label the same way in both (it has no other cue in HTML).
_PAGE_WIDTH = 80
_NUMBER_CELL = re.compile(r"^[($\s-]*[\d.,]+[)%\s]*$|^-+$|^- -$")

# A rendered line: its text, the source line it cites, and for a table row the column span and
# source line of each cell.
Rendered = tuple[str, int, tuple[tuple[int, int, int], ...]]


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[Rendered] = []
        self.buf: list[str] = []
        self.buf_line = 0
        self.skip = 0
        self.pre = 0
        # stack of tables: rows of (line, cells), a cell being (text, colspan, source line)
        self.tables: list[list[tuple[int, list[tuple[str, int, int]]]]] = []
        self.cell: list[str] | None = None
        self.cell_span = 1
        self.cell_line = 0  # source line where the open cell starts
        self.row_numbered = False  # whether the open row has had a number cell
        self.centred: list[str] = []  # open block elements that centre their text
        self.table_rows: set[int] = set()  # indices in ``out`` of rendered table rows
        # The open cell belongs to the table it was opened in: a table nested in it saves it here
        # and gives it back at its end (else the nested table's </td> closed the outer cell into a
        # table with no row yet: IndexError).
        self.outer_cells: list[tuple[list[str] | None, int, int, bool]] = []

    # -- text lines outside tables
    def flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text and self.centred:
            text = " " * max(6, (_PAGE_WIDTH - len(text)) // 2) + text
        if text:
            self.out.append((text, self.buf_line, ()))
        self.buf = []
        self.buf_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _SKIP:
            self.skip += 1
        elif tag == "pre":
            self.flush()
            self.pre += 1
        elif tag == "table":
            self.flush()
            self._close_paragraph()
            self.tables.append([])
            self.outer_cells.append((self.cell, self.cell_span, self.cell_line, self.row_numbered))
            self.cell = None
        elif tag == "tr" and self.tables:
            self.tables[-1].append((line, []))
            self.row_numbered = False
        elif tag in ("td", "th") and self.tables:
            if not self.tables[-1]:
                self.tables[-1].append((line, []))
            self.cell = []
            self.cell_line = line
            span = dict(attrs).get("colspan") or "1"
            self.cell_span = int(span) if span.isdigit() and 0 < int(span) < 50 else 1
        elif tag in _BLOCK and self.cell is None:
            self.flush()
            if tag in _CLOSES_P:
                self._close_paragraph()
            if tag != "br" and _is_centred(tag, attrs):
                self.centred.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in ("td", "th") and self.tables and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            row_line, row = self.tables[-1][-1]
            row.append((text, self.cell_span, self.cell_line))
            self.cell = None
            if not self.row_numbered and text not in ("$", "(", "($") and _NUMBER_CELL.match(text):
                # A row cites the source line of its first number: EDGAR HTML often puts each
                # <td> on a line of its own, and the <tr> line prints nothing.
                self.row_numbered = True
                if self.cell_line != row_line:
                    self.tables[-1][-1] = (self.cell_line, row)
        elif tag == "table" and self.tables:
            rows = self.tables.pop()
            self.cell, self.cell_span, self.cell_line, self.row_numbered = self.outer_cells.pop()
            self._table_lines(render_table(rows))
        elif tag in _BLOCK and self.cell is None:
            self.flush()
            if self.centred and self.centred[-1] == tag:
                self.centred.pop()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        data = data.replace("\xa0", " ")
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.pre:
            start = self.getpos()[0]
            parts = data.split("\n")
            for k, part in enumerate(parts):
                if k == 0 and self.buf:
                    self.buf.append(part)
                    self.out.append(("".join(self.buf).rstrip(), self.buf_line, ()))
                    self.buf, self.buf_line = [], 0
                    continue
                if k == len(parts) - 1:
                    if part:
                        self.buf, self.buf_line = [part], start + k
                    continue
                self.out.append((part.rstrip(), start + k, ()))
            return
        if data.strip() and not self.buf_line:
            self.buf_line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.buf.append(data)

    def close(self) -> None:
        super().close()
        self.flush()
        while self.tables:
            self._table_lines(render_table(self.tables.pop()))

    def _close_paragraph(self) -> None:
        """A block element closes an open <p> (old EDGAR HTML rarely writes </p>), and with it
        the paragraph's centring."""
        if self.centred and self.centred[-1] == "p":
            self.centred.pop()

    def _table_lines(self, lines: list[Rendered]) -> None:
        self.table_rows.update(range(len(self.out), len(self.out) + len(lines)))
        self.out.extend(lines)


def _is_centred(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    values = dict(attrs)
    return (
        tag == "center"
        or (values.get("align") or "").lower() == "center"
        or bool(_CENTRED_STYLE.search(values.get("style") or ""))
    )


def _merge_cells(cells: list[tuple[str, int, int]]) -> tuple[list[str], list[int], list[int]]:
    """Expand colspans and join "$" / ")" / "%" cells to their number. Returns the cell texts,
    per position the number of columns the cell starting there spans (1 for the rest), and per
    position the source line of its cell (a joined number keeps its digits' line)."""
    flat: list[str] = []
    spans: list[int] = []
    origins: list[int] = []
    for text, span, line in cells:
        flat.append(text)
        spans.append(span)
        origins.append(line)
        flat.extend([""] * (span - 1))
        spans.extend([1] * (span - 1))
        origins.extend([line] * (span - 1))
    merged: list[str] = []
    for text in flat:
        if text in (")", "%", ")%") and merged:
            k = len(merged) - 1
            while k > 0 and not merged[k]:
                k -= 1
            merged[k] += text
            merged.append("")
        else:
            merged.append(text)
    for k, text in enumerate(merged):
        if text in ("$", "(", "($") and k + 1 < len(merged):
            j = k + 1
            while j < len(merged) - 1 and not merged[j]:
                j += 1
            merged[j] = text.replace("$", "$ ") + merged[j] if text != "(" else "(" + merged[j]
            merged[k] = ""
    return merged, spans, origins


def render_table(rows: list[tuple[int, list[tuple[str, int, int]]]]) -> list[Rendered]:
    """Rows of cells → fixed-width lines. A cell spanning several columns ("Three Months Ended"
    over a "$", a number and a ")" cell per year) is centred over them, as a printed header
    stands over its numbers; numbers are right-aligned in their column. Each line keeps the
    column span and source line of every cell it prints."""
    grid = []
    for line, cells in rows:
        texts, spans, origins = _merge_cells(cells)
        if any(c.strip() for c in texts):
            grid.append((line, texts, spans, origins))
    if not grid:
        return []
    grid = _wrap_headers(grid)
    width = max(len(texts) for _, texts, _, _ in grid)
    used = [any(k < len(texts) and texts[k] for _, texts, _, _ in grid) for k in range(width)]
    cols = [k for k in range(width) if used[k]]
    numeric = {k for k in cols if any(k < len(t) and _NUMBER_CELL.match(t[k]) for _, t, _, _ in grid)}
    sizes = {
        k: max((len(t[k]) for _, t, s, _ in grid if k < len(t) and s[k] == 1), default=0) for k in cols
    }

    def inside(k: int, span: int) -> list[int]:
        return [j for j in cols if k <= j < k + span]

    for _, texts, spans, _ in grid:  # a spanning cell wider than its columns widens the last of them
        for k, text in enumerate(texts):
            if spans[k] > 1 and text:
                under = inside(k, spans[k])
                room = sum(sizes[j] for j in under) + 3 * (len(under) - 1)
                if len(text) > room:
                    sizes[under[-1]] += len(text) - room
    out: list[Rendered] = []
    for line, texts, spans, origins in grid:
        parts = []
        placed = []  # (column, width, source line) of each cell printed
        at = 0  # where the next part starts ("   " between parts)
        i = 0
        while i < len(cols):
            k = cols[i]
            text = texts[k] if k < len(texts) else ""
            span = spans[k] if k < len(spans) else 1
            if span > 1 and text:
                under = inside(k, span)
                room = sum(sizes[j] for j in under) + 3 * (len(under) - 1)
                part = text.center(room) if i else text.ljust(room)
                i += len(under)
            else:
                if i == 0:
                    part = text.ljust(sizes[k])
                elif _NUMBER_CELL.match(text):
                    part = text.rjust(sizes[k])
                elif k in numeric:
                    part = text.center(sizes[k])  # a header word stands over its numbers
                else:
                    part = text.ljust(sizes[k])
                i += 1
            if text:
                placed.append((at, at + len(part), origins[k] if k < len(origins) else line))
            parts.append(part)
            at += len(part) + 3
        out.append(("   ".join(parts).rstrip(), line, tuple(placed)))
    return [("", grid[0][0], ())] + out + [("", grid[-1][0], ())]


def _wrap_headers(
    grid: list[tuple[int, list[str], list[int], list[int]]],
) -> list[tuple[int, list[str], list[int], list[int]]]:
    """Header cells wider than the numbers under them wrap onto lines of their own, bottom-aligned,
    as printed tables stack "Contained / Silver / (ounces)" over a column: one wide line of
    header words would stand over the neighbouring columns instead."""
    widths: dict[int, int] = {}
    for _, texts, spans, _ in grid:
        for k, text in enumerate(texts):
            if k and spans[k] == 1 and _NUMBER_CELL.match(text):
                widths[k] = max(widths.get(k, 0), len(text))
    out = []
    for line, texts, spans, origins in grid:
        if any(k and _NUMBER_CELL.match(t) for k, t in enumerate(texts)):
            out.append((line, texts, spans, origins))
            continue
        pieces: dict[int, list[str]] = {}
        for k, text in enumerate(texts):
            if k and spans[k] == 1 and k in widths and len(text) > widths[k]:
                glued = _MONTH_DAY.sub(lambda m: m.group().replace(" ", "\x00"), text)  # "Dec. 31," stays whole
                room = max(widths[k], *(len(w) for w in glued.split()))
                pieces[k] = [p.replace("\x00", " ") for p in textwrap.wrap(glued, room)]
        if not pieces:
            out.append((line, texts, spans, origins))
            continue
        depth = max(len(p) for p in pieces.values())
        for r in range(depth):
            row = [
                (pieces[k][r - depth + len(pieces[k])] if r >= depth - len(pieces[k]) else "")
                if k in pieces
                else (text if r == depth - 1 else "")
                for k, text in enumerate(texts)
            ]
            out.append((line, row, spans if r == depth - 1 else [1] * len(spans), origins))
    return out


def html_to_lines(html: str) -> list[Rendered]:
    """Render HTML to text lines, each with its 1-based source line and, for a table row, the
    column span and source line of each cell."""
    renderer = _Renderer()
    renderer.feed(html)
    renderer.close()
    lines: list[Rendered] = []
    rows = renderer.table_rows
    for k, (text, line, cells) in enumerate(renderer.out):
        # Paragraphs become a line each, separated by a blank, so layout sees blocks; the rows of
        # one table (a wrapped header line holds a single word) stay together.
        in_table = k in rows and k - 1 in rows
        if lines and lines[-1][0] and text and not in_table and not _is_table_row(text):
            lines.append(("", line, ()))
        lines.append((text, max(line, 1), cells))
    return lines


def _is_table_row(text: str) -> bool:
    return "   " in text.strip()
