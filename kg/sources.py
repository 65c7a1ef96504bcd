"""Sources: the documents of a build → the text of every line a page cites.

Input: the ingested :class:`kg.facts.Document` objects of a build (written once, into the build's
``sources/`` folder) or that folder (read by the pages and ``kg serve``). Output: per document, its
source-file line numbers and their text — for a plain-text release the file's own lines, for an
HTML exhibit the rendered text of the cells and paragraphs each source line holds — so that every
``FILE:LINE`` a page shows can open the release at that line, with the lines around it.

The pages carry the lines they cite (:func:`excerpts`), so they work from ``file://``; ``kg serve``
serves a whole document at ``/source/DOC``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from kg.export import write_atomic
from kg.facts import Document

SOURCES_DIR = "sources"
AROUND = 3  # lines shown before and after a cited line
CITATION = re.compile(r"([\w.\-]+\.(?:txt|html?)):(\d+)")


def document_lines(doc: Document) -> dict[int, str]:
    """Source line → its text (analysis lines that came from one source line joined by a blank)."""
    out: dict[int, list[str]] = defaultdict(list)
    for text, line in zip(doc.lines, doc.source_lines, strict=True):
        if text.strip() or line not in out:
            out[line].append(text.rstrip())
    return {n: "  ".join(t for t in parts if t) for n, parts in sorted(out.items())}


def _file(out_dir: Path, doc: str) -> Path:
    return Path(out_dir) / SOURCES_DIR / f"{doc}.json"


def write_sources(out_dir: Path, documents: Iterable[Document]) -> None:
    """``out_dir/sources/NAME.json`` for every document: its name, format and lines."""
    for doc in documents:
        lines = document_lines(doc)
        body = {"doc": doc.name, "format": doc.format, "lines": {str(n): t for n, t in lines.items()}}
        write_atomic(_file(out_dir, doc.name), json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def read_lines(out_dir: Path, doc: str) -> dict[int, str]:
    """The lines of ``doc`` as a build wrote them; empty when the build holds no such document."""
    if "/" in doc or doc.startswith("."):
        return {}
    try:
        body = json.loads(_file(out_dir, doc).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {int(n): t for n, t in body.get("lines", {}).items()}


def excerpts(out_dir: Path, citations: Iterable[tuple[str, int]], around: int = AROUND) -> dict[str, dict[str, str]]:
    """For each cited (document, line), that line and ``around`` lines either side: document →
    {line: text}, for a page to carry."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for doc, line in citations:
        wanted[doc].update(range(max(1, line - around), line + around + 1))
    out: dict[str, dict[str, str]] = {}
    for doc in sorted(wanted):
        lines = read_lines(out_dir, doc)
        picked = {str(n): lines[n] for n in sorted(wanted[doc]) if n in lines}
        if picked:
            out[doc] = picked
    return out


def citations_in(text: str) -> list[tuple[str, int]]:
    """Every FILE:LINE in ``text``."""
    return [(m.group(1), int(m.group(2))) for m in CITATION.finditer(text)]
