"""HTML exhibit → text lines, each with the source line it came from.

Input: the decoded HTML. Output: ``[(text_line, source_line, cells), ...]``, where
``cells`` gives a rendered table row's cells as ``(start, end, source_line)`` column spans
(EDGAR HTML often puts each ``<td>`` on a source line of its own) and is empty elsewhere.

Two steps. The markup is read into a small tree of elements and text, each piece of text with
the source line it starts on, the end tags HTML leaves implied supplied (an unclosed ``<p>``,
``<td>`` or ``<tr>``; a table closed with a cell open; an end tag that matches nothing is
dropped). The tree is then rendered the way a fixed-width release prints, so the same layout
and table parser read text and HTML exhibits:

- a paragraph is a line, with a blank between paragraphs; ``<br>`` breaks a line;
- ``<pre>`` keeps its lines verbatim;
- a data table becomes fixed-width rows: numbers right-aligned in their column, ``$``, ``(``
  and ``)`` cells joined to their number, a cell spanning columns centred over them, header cells
  stacked (``<br>``) or wider than their numbers wrapped, a row label's indent (``&nbsp;``
  padding, ``padding-left`` / ``margin-left`` / ``text-indent``) kept, a cell holding only an
  em dash printed ``--`` as typewriters print one (the zero of a financial column) and an en dash
  ``-``;
- a layout table (one whose cells hold tables, or whose rows hold one cell each) is transparent:
  its cells render as the page would, so the tables nested in it are data tables of their own;
- a table's caption is centred, and wrapped to a page's width, as fixed-width releases centre
  theirs: the short paragraphs just above a table or a ``<pre>`` (where "(dollars in thousands
  ...)" sits in a ``<p>``), the centred title rows at the top of a table, a ``<caption>``;
  centred paragraphs are indented like the centred lines of a text release.

Why the standard library's tokenizer rather than a tree parser such as lxml or html5lib:
provenance needs the line on which each piece of text starts (a row's numbers often stand on
lines of their own), and the tokenizer reports the position of every piece of text, while lxml
keeps only the line of each start tag and html5lib none. The tree a parser would add is built
here with a few rules for implied end tags (:class:`_TreeBuilder`); entities are decoded by the
tokenizer as HTML5 says (``&#151;`` is an em dash, as in cp1252).
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_right
from html.parser import HTMLParser

# A rendered line: its text, the source line it cites, and for a table row the column span and
# source line of each cell.
Rendered = tuple[str, int, tuple[tuple[int, int, int], ...]]

_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "center",
    "hr", "blockquote", "section", "article", "header", "footer", "address", "pre", "table", "form",
    "caption", "tr", "td", "th", "thead", "tbody", "tfoot", "body", "html", "nav", "main", "aside",
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "param", "source", "basefont"}
_SKIP = {"script", "style", "head", "title", "noscript", "template"}
# Start tags that close an open <p> (HTML's implied end tag).
_CLOSES_P = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "center", "hr", "blockquote",
    "section", "article", "header", "footer", "address", "pre", "table", "form", "nav", "main", "aside",
}
_CELL = {"td", "th"}
_ROW_GROUP = {"thead", "tbody", "tfoot"}
_CENTRED_STYLE = re.compile(r"text-align\s*:\s*center", re.I)
_INDENT_STYLE = re.compile(
    r"(padding-left|margin-left|text-indent)\s*:\s*(-?[\d.]+)\s*(pt|px|em|ex|in|cm|mm|pc)?", re.I
)
# Points per unit, for a style's indent; a 10-point Courier character is 6 points wide.
_POINTS = {"pt": 1.0, "px": 0.75, "em": 10.0, "ex": 5.0, "in": 72.0, "cm": 28.35, "mm": 2.835, "pc": 12.0}
_CHAR_POINTS = 6.0
# "Dec. 31,", "MAR. 31,", "September 30,": a wrapped header keeps a month and its day together.
_MONTH_DAY = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b,?", re.I)
# Centred paragraphs are indented like the centred captions of fixed-width releases, so layout
# tells a table's title from a row label the same way in both (it has no other cue in HTML).
_PAGE_WIDTH = 80
_CAPTION_WIDTH = 70  # a centred line longer than a caption can be is wrapped to this width
_CAPTION_MAX = 75  # the longest line layout takes for a caption
_CAPTION_LINES = 6  # paragraphs above a table taken for its caption, at most
_HANGING = 2  # how much deeper the later lines of a broken row label are indented
_NUMBER_CELL = re.compile(r"^[($\s-]*[\d.,]+[)%\s]*$|^-+$|^- -$")
_SENTENCE_END = re.compile(r"[.:;]\s*$")
# A figure a caption does not print: an amount, a number with a thousands separator or decimals
# (a caption's numbers are dates, years, footnote markers and shares such as "(100% basis)").
_FIGURE = re.compile(r"\$\s?\d|\d,\d{3}|\d\.\d+(?!%)")
_EM_DASHES = "\u2014\u2015"
_DASHES = set("\u2014\u2015\u2013\u2012-")


# ---------------------------------------------------------------- the tree


class _Node:
    """An element: its tag, attributes, the line of its start tag and its children (elements
    and text pieces, the latter as ``(text, source line)``)."""

    __slots__ = ("tag", "attrs", "line", "children")

    def __init__(self, tag: str, attrs: dict[str, str], line: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self.line = line
        self.children: list[_Node | tuple[str, int]] = []

    def iter(self, tag: str) -> list[_Node]:
        """Descendant elements named ``tag`` (not this one)."""
        found = []
        stack = [c for c in reversed(self.children) if isinstance(c, _Node)]
        while stack:
            node = stack.pop()
            if node.tag == tag:
                found.append(node)
            stack.extend(c for c in reversed(node.children) if isinstance(c, _Node))
        return found


class _TreeBuilder(HTMLParser):
    """html.parser events → a :class:`_Node` tree, with HTML's implied end tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, 1)
        self.stack: list[_Node] = [self.root]
        self.skipping: list[str] = []  # open elements whose content is not text (script, head)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skipping.clear()  # a <head> left open ends where the body starts
        if self.skipping or tag in _SKIP:
            if tag in _SKIP and tag not in _VOID:
                self.skipping.append(tag)
            return
        self._imply_ends(tag)
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        if tag in _CELL and not self._open_within_table({"tr"}):
            self._push(_Node("tr", {}, node.line))  # a cell outside a row opens one
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack[-1].tag == tag and not self.skipping:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in ("body", "html"):
            return  # text after </body> is still the page's
        # The nearest open element of that name, never across a table boundary (a stray </td>
        # must not close a cell of the table a nested table stands in), and out of a cell only
        # the row's and the table's own end tags (a stray </font> leaves the cell open).
        for k in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[k].tag
            if open_tag == tag:
                del self.stack[k:]
                return
            if open_tag == "table" or (open_tag in _CELL and tag not in _ROW_GROUP | {"tr", "table"}):
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.stack[-1].children.append((data, self.getpos()[0]))

    def _push(self, node: _Node) -> None:
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def _open_within_table(self, tags: set[str]) -> bool:
        """Whether an element named in ``tags`` is open inside the innermost open table."""
        for node in reversed(self.stack):
            if node.tag in tags:
                return True
            if node.tag == "table":
                return False
        return False

    def _close_within_table(self, tags: set[str]) -> None:
        """Close up to and including the innermost open element named in ``tags``, if one is
        open inside the innermost open table."""
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag in tags:
                del self.stack[k:]
                return
            if self.stack[k].tag == "table":
                return

    def _imply_ends(self, tag: str) -> None:
        if tag in _CLOSES_P:
            self._close_paragraph()
        if tag in _CELL:
            self._close_within_table(_CELL)
        elif tag == "tr":
            self._close_within_table({"tr"})
        elif tag in _ROW_GROUP:
            self._close_within_table(_ROW_GROUP | {"tr"})
        elif tag == "li":
            for k in range(len(self.stack) - 1, 0, -1):
                if self.stack[k].tag == "li":
                    del self.stack[k:]
                    return
                if self.stack[k].tag in ("ul", "ol", "table", "td", "th"):
                    return

    def _close_paragraph(self) -> None:
        for k in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[k].tag
            if open_tag == "p":
                del self.stack[k:]
                return
            if open_tag in _CELL or open_tag in ("table", "div", "li", "blockquote", "center"):
                return


def parse_tree(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# ---------------------------------------------------------------- inline text


class _Inline:
    """Text pieces gathered into lines of words, each word with the source line it starts on.
    Words glue across inline tags ("Hecla<b>'s</b>") as a browser prints them."""

    def __init__(self) -> None:
        self.lines: list[tuple[list[str], list[tuple[int, int]]]] = [([], [])]
        self.length = 0  # characters on the last line

    def add(self, text: str, line: int) -> None:
        parts, starts = self.lines[-1]
        text = text.replace("\r\n", "\n")
        starts.append((self.length, line))
        parts.append(text)
        self.length += len(text)

    def newline(self) -> None:
        if self.lines[-1][0]:
            self.lines.append(([], []))
            self.length = 0

    def has_text(self) -> bool:
        return any("".join(parts).strip(" \t\r\n\f\xa0") for parts, _ in self.lines)

    def words(self) -> list[list[tuple[str, int]]]:
        """Per line, its words with their source lines (empty lines dropped)."""
        out = []
        for parts, starts in self.lines:
            text = "".join(parts)
            offsets = [s for s, _ in starts]
            found = []
            for m in re.finditer(r"[^\s\xa0]+", text):
                k = bisect_right(offsets, m.start()) - 1
                at, line = starts[k]
                found.append((m.group(), line + text.count("\n", at, m.start())))
            if found:
                out.append(found)
        return out

    def indent(self) -> int:
        """The leading ``&nbsp;`` padding of the first line, in characters (plain blanks before
        it are the source's formatting, not the page's)."""
        text = "".join(self.lines[0][0])
        lead = text[: len(text) - len(text.lstrip(" \t\r\n\f\xa0"))]
        if "\xa0" not in lead:
            return 0
        return lead.count("\xa0") + len(re.findall(r"[ \t\r\n\f]+", lead))


def _style_indent(attrs: dict[str, str], *, first_line: bool = True) -> int:
    """Characters of indent a style gives: padding-left and margin-left, and text-indent on a
    block's first line (negative for a hanging indent)."""
    points = 0.0
    for prop, value, unit in _INDENT_STYLE.findall(attrs.get("style", "")):
        if prop.lower() == "text-indent" and not first_line:
            continue
        try:
            points += float(value) * _POINTS.get(unit.lower() or "px", 0.75)
        except ValueError:
            continue
    return round(points / _CHAR_POINTS)


def _is_centred(node: _Node) -> bool:
    return (
        node.tag == "center"
        or node.attrs.get("align", "").lower() == "center"
        or bool(_CENTRED_STYLE.search(node.attrs.get("style", "")))
    )


# ---------------------------------------------------------------- rendering


class _Line:
    __slots__ = ("text", "line", "cells", "group", "kind", "words")

    def __init__(
        self,
        text: str,
        line: int,
        group: int,
        kind: str,
        cells: tuple[tuple[int, int, int], ...] = (),
        words: list[tuple[str, int]] | None = None,
    ) -> None:
        self.text = text
        self.line = line
        self.cells = cells
        self.group = group  # lines of one paragraph, <pre> or table share a group
        self.kind = kind  # "para", "pre" or "row"
        self.words = words or []


class _Renderer:
    def __init__(self) -> None:
        self.out: list[_Line] = []
        self.groups = 0
        self.inline = _Inline()
        self.centred = False  # whether the paragraph being gathered is centred
        self.margin = 0  # its indent (margin-left, padding-left of the blocks around it)
        self.hang = 0  # and its first line's (text-indent)

    # -- paragraphs
    def flush(self) -> None:
        words = self.inline.words()
        self.inline = _Inline()
        if not words:
            return
        self.groups += 1
        for k, line_words in enumerate(words):
            indent = max(0, self.margin + (self.hang if k == 0 else 0))
            for text, first in _lay_words(line_words, self.centred, indent):
                self.out.append(_Line(text, first, self.groups, "para", words=line_words))

    def walk(self, node: _Node, centred: bool = False, pre: bool = False, margin: int = 0) -> None:
        centred = centred or _is_centred(node)
        hang = 0
        if node.tag in _BLOCK:
            margin += _style_indent(node.attrs, first_line=False)
            hang = _style_indent(node.attrs) - _style_indent(node.attrs, first_line=False)
        for child in node.children:
            if isinstance(child, tuple):
                text, line = child
                if pre:
                    self.pre_text(text, line)
                    continue
                if not self.inline.has_text():
                    self.centred, self.margin, self.hang = centred, margin, hang
                self.inline.add(text, line)
                continue
            tag = child.tag
            if tag == "br":
                if pre:
                    self.pre_text("\n", child.line)
                elif self.inline.has_text():
                    self.inline.newline()
                continue
            if tag == "table":
                self.flush()
                self.table(child, centred)
                continue
            if tag == "pre":
                self.flush()
                self.take_caption()
                self.groups += 1
                self.pre_lines: list[tuple[list[str], int]] = [([], child.line)]
                self.pre_first = True
                self.walk(child, centred, pre=True)
                self.end_pre()
                continue
            block = tag in _BLOCK and not pre
            if block:
                self.flush()
            self.walk(child, centred, pre, margin)
            if block:
                self.flush()

    # -- <pre>
    def pre_text(self, text: str, line: int) -> None:
        text = text.replace("\r\n", "\n").replace("\xa0", " ")
        if self.pre_first:
            self.pre_first = False
            if text.startswith("\n"):  # a line break right after <pre> is not content
                text, line = text[1:], line + 1
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                self.pre_lines.append(([], line + k))
            if part:
                if not self.pre_lines[-1][0]:
                    self.pre_lines[-1] = ([], line + k)
                self.pre_lines[-1][0].append(part)

    def end_pre(self) -> None:
        lines = self.pre_lines
        if lines and not lines[-1][0]:
            lines.pop()  # the line break before </pre>
        for parts, line in lines:
            self.out.append(_Line("".join(parts).rstrip(), line, self.groups, "pre"))

    # -- captions
    def take_caption(self) -> None:
        """The short paragraphs just above a table (or a <pre>) are its caption: centred and
        wrapped to a caption's width, as a fixed-width release prints one."""
        k = len(self.out)
        while k > 0 and len(self.out) - k < _CAPTION_LINES and self.out[k - 1].kind == "para":
            if not _caption_like(self.out[k - 1]):
                break
            k -= 1
        if k == len(self.out):
            return
        taken = self.out[k:]
        del self.out[k:]
        seen: set[int] = set()
        for line in taken:
            if id(line.words) in seen:
                continue  # one wrapped paragraph line: laid out again once
            seen.add(id(line.words))
            for text, first in _lay_words(line.words, True):
                self.out.append(_Line(text, first, line.group, "para", words=line.words))

    # -- tables
    def table(self, node: _Node, centred: bool) -> None:
        rows = _table_rows(node)
        inlines = [[_gather(cell) for cell in row.cells] for row in rows]  # each cell's text, once
        if _is_layout(node, inlines):
            for row in rows:
                for cell in row.cells:
                    self.walk(cell, centred)
                    self.flush()
            return
        self.take_caption()
        captions, body = _split_title_rows(node, rows, inlines)
        for cap in captions:
            self.groups += 1
            for line_words in cap:
                for text, first in _lay_words(line_words, True):
                    self.out.append(_Line(text, first, self.groups, "para", words=line_words))
        self.groups += 1
        for text, line, cells in render_table(body):
            self.out.append(_Line(text, line, self.groups, "row", cells))


class _Row:
    __slots__ = ("line", "cells")

    def __init__(self, line: int) -> None:
        self.line = line
        self.cells: list[_Node] = []


def _table_rows(table: _Node) -> list[_Row]:
    """The rows of ``table`` (not of tables nested in it), through thead/tbody/tfoot."""
    rows: list[_Row] = []
    stack = [c for c in reversed(table.children) if isinstance(c, _Node)]
    while stack:
        node = stack.pop()
        if node.tag == "tr":
            row = _Row(node.line)
            row.cells = [c for c in node.children if isinstance(c, _Node) and c.tag in _CELL]
            rows.append(row)
        elif node.tag in _ROW_GROUP or node.tag in ("form", "font", "div", "span"):
            stack.extend(c for c in reversed(node.children) if isinstance(c, _Node))
    return rows


def _is_layout(table: _Node, inlines: list[list[_Inline]]) -> bool:
    """A table that lays out the page rather than holding figures: its cells hold tables, or no
    row has more than one cell with text (a box around text)."""
    if table.iter("table"):
        return True
    return not any(sum(1 for inline in row if inline.has_text()) > 1 for row in inlines)


def _gather(node: _Node, inline: _Inline | None = None) -> _Inline:
    """A cell's text as lines of words: <br> and the blocks inside it break lines."""
    inline = inline or _Inline()
    for child in node.children:
        if isinstance(child, tuple):
            inline.add(*child)
        elif child.tag == "br":
            inline.newline()
        else:
            block = child.tag in _BLOCK
            if block:
                inline.newline()
            _gather(child, inline)
            if block:
                inline.newline()
    return inline


def _cell_indent(cell: _Node, inline: _Inline) -> int:
    """A cell's indent: its ``&nbsp;`` padding and the indent styles of the cell and of the
    elements wrapped around its first text."""
    indent = inline.indent() + max(0, _style_indent(cell.attrs))
    node = cell
    while True:
        first = next((c for c in node.children if not (isinstance(c, tuple) and not c[0].strip(" \t\r\n"))), None)
        if not isinstance(first, _Node):
            return indent
        indent += max(0, _style_indent(first.attrs))
        node = first


def _split_title_rows(
    table: _Node, rows: list[_Row], inlines: list[list[_Inline]]
) -> tuple[list[list[list[tuple[str, int]]]], list]:
    """Title rows (a centred cell starting the row, alone in it, above the table's first row of
    several cells) are caption lines; the other rows → ``render_table``'s input."""
    captions: list[list[list[tuple[str, int]]]] = []
    for node in table.children:
        if isinstance(node, _Node) and node.tag == "caption":
            captions.append(_gather(node).words())
    body = []
    titles = True
    carried: dict[int, int] = {}  # column -> rows a cell above still spans (rowspan)
    for row, row_inlines in zip(rows, inlines, strict=True):
        cells: list = []
        column = 0
        for cell, inline in zip(row.cells, row_inlines, strict=True):
            column = _skip_spanned(carried, column, cells, cell.line)
            words = inline.words()
            text = "\n".join(" ".join(w for w, _ in line) for line in words)
            if text and set(text.replace(" ", "")) <= _DASHES:
                # an em dash is typed "--" (the zero of a financial column), an en dash "-"
                text = "--" if any(c in _EM_DASHES for c in text) or text.count("-") > 1 else "-"
            if text and not cells:  # a row label's indent (a number cell's padding is no indent)
                text = " " * _cell_indent(cell, inline) + text
            span = cell.attrs.get("colspan", "1").strip()
            width = int(span) if span.isdigit() and 0 < int(span) < 50 else 1
            cells.append((text, width, words[0][0][1] if words else cell.line, cell))
            down = cell.attrs.get("rowspan", "1").strip()
            if down.isdigit() and 1 < int(down) < 500:
                for k in range(column, column + width):
                    carried[k] = int(down) - 1
            column += width
        _skip_spanned(carried, column, cells, row.line)
        filled = [c for c in cells if c[0].strip()]
        if titles and len(filled) == 1 and cells[0] is filled[0] and _is_centred_cell(cells[0][3]):
            if not _NUMBER_CELL.match(filled[0][0].strip()):
                captions.append(row_inlines[0].words())
                continue
        if len(filled) > 1:
            titles = False
        body.append((row.line, [(t, s, n) for t, s, n, _ in cells]))
    return captions, body


def _skip_spanned(carried: dict[int, int], column: int, cells: list, line: int) -> int:
    """Where a cell of a row above spans this row ("North Zone" down its three categories), an
    empty cell, so the cells after it stay in their columns; the next free column."""
    while carried.get(column):
        carried[column] -= 1
        cells.append(("", 1, line, None))
        column += 1
    return column


def _is_centred_cell(cell: _Node) -> bool:
    if _is_centred(cell):
        return True
    node = cell
    while True:  # <td><p align="center"><b>TITLE</b></p></td>
        inner = [c for c in node.children if not (isinstance(c, tuple) and not c[0].strip(" \t\r\n\xa0"))]
        if len(inner) != 1 or not isinstance(inner[0], _Node):
            return False
        node = inner[0]
        if _is_centred(node):
            return True


def _caption_like(line: _Line) -> bool:
    """A paragraph line that can caption the table below it: short, no sentence's end (a
    capitalised title may end in an abbreviation), no figure (a statement such as "Sold forward:
    48,928 gold ounces @ $288" is not a caption)."""
    text = " ".join(w for w, _ in line.words)
    if not text or len(text) > 2 * _CAPTION_MAX:
        return False
    if _SENTENCE_END.search(text) and not text.isupper():
        return False
    return not _FIGURE.search(text)


def _lay_words(words: list[tuple[str, int]], centred: bool, indent: int = 0) -> list[tuple[str, int]]:
    """A line of words → printed lines with their first word's source line: one line, indented,
    or, when centred, lines wrapped to a caption's width, each centred on the page."""
    text = " ".join(w for w, _ in words)
    if not centred:
        return [(" " * indent + text, words[0][1])]
    if len(text) <= _CAPTION_MAX:
        pieces = [text]
    else:  # whole words only, so each piece starts at a word of ``words``
        pieces = textwrap.wrap(text, _CAPTION_WIDTH, break_long_words=False, break_on_hyphens=False)
    out = []
    at = 0  # index of the piece's first word
    for piece in pieces:
        out.append((" " * max(6, (_PAGE_WIDTH - len(piece)) // 2) + piece, words[at][1]))
        at += len(piece.split())
    return out


# ---------------------------------------------------------------- data tables


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
    column span and source line of every cell it prints. A cell's text may hold line breaks
    ("\\n", from ``<br>``): stacked in a header row, joined by a blank in a row of numbers."""
    grid = []
    for line, cells in rows:
        texts, spans, origins = _merge_cells(cells)
        if texts and "\n" in texts[0]:
            texts[0] = _hang(texts[0])
        if any(k and _NUMBER_CELL.match(t) for k, t in enumerate(texts)):
            # A row label broken over lines prints as a wrapped label does, its numbers on its
            # last line; the numbers' own cells are one line each.
            *above, texts[0] = texts[0].split("\n")
            for part in above:
                grid.append((line, [part] + [""] * (len(texts) - 1), [1] * len(texts), origins))
            texts = texts[:1] + [" ".join(t.split("\n")) for t in texts[1:]]
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
        out.append(("   ".join(parts).rstrip(), _row_line(line, texts, origins), tuple(placed)))
    return out


def _hang(label: str) -> str:
    """A row label broken over lines (``<br>``): the lines after the first indented under it, as
    a fixed-width release indents the lines of a wrapped label."""
    first, *rest = label.split("\n")
    indent = len(first) - len(first.lstrip()) + _HANGING
    return "\n".join([first, *(" " * indent + part for part in rest)])


def _row_line(line: int, texts: list[str], origins: list[int]) -> int:
    """The line a row cites: its first number's (EDGAR HTML often puts each <td> on a line of its
    own, and the <tr> line prints nothing), else its first cell's with text."""
    for k, text in enumerate(texts):
        if k and text and _NUMBER_CELL.match(text) and k < len(origins):
            return origins[k]
    for k, text in enumerate(texts):
        if text.strip() and k < len(origins):
            return origins[k]
    return line


def _wrap_headers(
    grid: list[tuple[int, list[str], list[int], list[int]]],
) -> list[tuple[int, list[str], list[int], list[int]]]:
    """Header cells stack onto lines of their own, bottom-aligned, as printed tables stack
    "Contained / Silver / (ounces)" over a column: at their line breaks (<br>), and where they
    are wider than the numbers under them (one wide line of header words would stand over the
    neighbouring columns instead)."""
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
            stacked = text.split("\n")
            if k and spans[k] == 1 and k in widths and any(len(s) > widths[k] for s in stacked):
                wrapped = []
                for s in stacked:
                    glued = _MONTH_DAY.sub(lambda m: m.group().replace(" ", "\x00"), s)  # "Dec. 31," stays whole
                    room = max(widths[k], *(len(w) for w in glued.split()))
                    wrapped.extend(p.replace("\x00", " ") for p in textwrap.wrap(glued, room))
                pieces[k] = wrapped
            elif len(stacked) > 1:
                pieces[k] = stacked
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
            out.append((line, row, spans, origins))
    return out


# ---------------------------------------------------------------- the whole page


def html_to_lines(html: str) -> list[Rendered]:
    """Render HTML to text lines, each with its 1-based source line and, for a table row, the
    column span and source line of each cell."""
    renderer = _Renderer()
    renderer.walk(parse_tree(html))
    renderer.flush()
    lines: list[Rendered] = []
    previous: _Line | None = None
    for entry in renderer.out:
        # Paragraphs, <pre> blocks and tables are set apart by a blank line, so layout sees
        # blocks; the lines of one stay together.
        if previous is not None and previous.text.strip() and entry.text.strip() and entry.group != previous.group:
            lines.append(("", entry.line, ()))
        lines.append((entry.text, max(entry.line, 1), entry.cells))
        previous = entry
    return lines
