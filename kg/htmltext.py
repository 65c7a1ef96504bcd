"""HTML exhibit → text lines, each with the source line it came from.

Input: the decoded HTML. Output: ``[(text_line, source_line), ...]``.

Paragraph-level elements become lines; ``<pre>`` keeps its lines verbatim;
``<table>`` markup is rendered as fixed-width rows (numbers right-aligned in
their column, ``$`` and ``)`` cells joined to their number) so the same table
parser reads text and HTML exhibits. The standard library's HTML tokenizer does
the parsing; it reports positions, which is what provenance needs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "center", "hr",
    "blockquote", "section", "article", "header", "footer", "title", "dt", "dd", "address",
}
_SKIP = {"script", "style", "head"}
_NUMBER_CELL = re.compile(r"^[($\s-]*[\d.,]+[)%\s]*$|^-+$|^- -$")


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, int]] = []
        self.buf: list[str] = []
        self.buf_line = 0
        self.skip = 0
        self.pre = 0
        self.tables: list[list[tuple[int, list[tuple[str, int]]]]] = []  # stack of tables: rows of (line, cells)
        self.cell: list[str] | None = None
        self.cell_span = 1

    # -- text lines outside tables
    def flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text:
            self.out.append((text, self.buf_line))
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
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append((line, []))
        elif tag in ("td", "th") and self.tables:
            if not self.tables[-1]:
                self.tables[-1].append((line, []))
            self.cell = []
            span = dict(attrs).get("colspan") or "1"
            self.cell_span = int(span) if span.isdigit() and 0 < int(span) < 50 else 1
        elif tag in _BLOCK and self.cell is None:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in ("td", "th") and self.tables and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            row = self.tables[-1][-1][1]
            row.append((text, self.cell_span))
            self.cell = None
        elif tag == "table" and self.tables:
            rows = self.tables.pop()
            self.out.extend(render_table(rows))
        elif tag in _BLOCK and self.cell is None:
            self.flush()

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
                    self.out.append(("".join(self.buf).rstrip(), self.buf_line))
                    self.buf, self.buf_line = [], 0
                    continue
                if k == len(parts) - 1:
                    if part:
                        self.buf, self.buf_line = [part], start + k
                    continue
                self.out.append((part.rstrip(), start + k))
            return
        if data.strip() and not self.buf_line:
            self.buf_line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.buf.append(data)

    def close(self) -> None:
        super().close()
        self.flush()
        while self.tables:
            self.out.extend(render_table(self.tables.pop()))


def _merge_cells(cells: list[tuple[str, int]]) -> list[str]:
    """Expand colspans and join "$" / ")" / "%" cells to their number."""
    flat: list[str] = []
    for text, span in cells:
        flat.append(text)
        flat.extend([""] * (span - 1))
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
    return merged


def render_table(rows: list[tuple[int, list[tuple[str, int]]]]) -> list[tuple[str, int]]:
    grid = [(line, _merge_cells(cells)) for line, cells in rows]
    grid = [(line, cells) for line, cells in grid if any(c.strip() for c in cells)]
    if not grid:
        return []
    width = max(len(cells) for _, cells in grid)
    used = [any(k < len(cells) and cells[k] for _, cells in grid) for k in range(width)]
    cols = [k for k in range(width) if used[k]]
    sizes = {k: max(len(cells[k]) if k < len(cells) else 0 for _, cells in grid) for k in cols}
    out = []
    for line, cells in grid:
        parts = []
        for n, k in enumerate(cols):
            text = cells[k] if k < len(cells) else ""
            if n == 0:
                parts.append(text.ljust(sizes[k]))
            elif _NUMBER_CELL.match(text):
                parts.append(text.rjust(sizes[k]))
            else:
                parts.append(text.ljust(sizes[k]))
        out.append(("   ".join(parts).rstrip(), line))
    return [("", grid[0][0])] + out + [("", grid[-1][0])]


def html_to_lines(html: str) -> list[tuple[str, int]]:
    """Render HTML to text lines, each paired with its 1-based source line."""
    renderer = _Renderer()
    renderer.feed(html)
    renderer.close()
    lines: list[tuple[str, int]] = []
    for text, line in renderer.out:
        # Paragraphs become a line each, separated by a blank, so layout sees blocks.
        if lines and lines[-1][0] and text and not _is_table_row(text):
            lines.append(("", line))
        lines.append((text, max(line, 1)))
    return lines


def _is_table_row(text: str) -> bool:
    return "   " in text.strip()
