"""Hand-made graphs for the validation tests: printed numbers read from releases by line.

Input: a fixture folder (tests/data/validate/…) of small CSV files naming, for
chosen lines of release files (the sample corpus, the development set), which
table, subject, metric(s), period(s) and scale the numbers on that line have,
and a folder holding the release files. Output: DocumentFacts and a Resolution
built from them, or a build folder with graph.trig, exactly as the graph stage
would write it.

The numbers themselves are read from the text (the last N number tokens of the
line; in an HTML exhibit, of the line with its tags and entities removed), so a
corrupted copy of a release yields a corrupted graph with the same FILE:LINE
provenance. No table parser is involved: these fixtures pin the shapes'
behaviour independently of extraction.

Columns of observations.csv beyond the obvious: ``periods`` ``none`` for figures
with no period (drill intercepts); ``interval`` / ``within`` the row's interval
key and the key of the interval it lies within; ``unit_guessed`` ``true`` when
no label, header or caption printed the unit; ``share`` the ownership fraction
the row reflects. documents.csv names each release's reporting ``company``.
"""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from kg.facts import (
    DocumentFacts,
    DocumentMeta,
    EntityRef,
    Observation,
    Period,
    Relation,
    Resolution,
    ResolvedEntity,
    Source,
    TableInfo,
    entity_key,
    slugify,
)
from kg.graph import build_dataset

TOKEN = re.compile(r"\((?:\d[\d,]*)?\.?\d+\)|(?:\d[\d,]*)?\.?\d+|- -|--|(?<!\S)-(?!\S)")


_TAG = re.compile(r"<[^>]*>")
_SPLIT_NEGATIVE = re.compile(r"\((\d[\d,.]*)\s*\)")  # "(2,480" and ")" in cells of their own


def tokens(line: str) -> list[str]:
    return TOKEN.findall(line.replace("$", " "))


def html_text(line: str) -> str:
    """An HTML source line as the numbers it prints: tags and entities removed, a negative
    split over two cells joined."""
    return _SPLIT_NEGATIVE.sub(r"(\1)", html.unescape(_TAG.sub(" ", line)))


def parse_number(token: str, scale: Decimal) -> tuple[Decimal, int] | None:
    """(value in base units, XBRL decimals), or None for a bare '-' (not applicable)."""
    shift = -scale.normalize().as_tuple().exponent if scale < 1 else -(len(str(int(scale))) - 1)
    if token in ("- -", "--"):
        return Decimal(0), shift
    if token == "-":
        return None
    negative = token.startswith("(")
    digits = token.strip("()").replace(",", "")
    places = len(digits.split(".")[1]) if "." in digits else 0
    value = Decimal(digits) * scale
    return (-value if negative else value), places + shift


def _period(text: str) -> Period | None:
    if text == "none":
        return None
    if "/" in text:
        a, b = text.split("/")
        return Period(start=date.fromisoformat(a), end=date.fromisoformat(b))
    return Period(end=date.fromisoformat(text))


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if not r["doc"].startswith("#")]


def load_facts(fixture: Path, corpus: Path) -> tuple[list[DocumentFacts], Resolution]:
    docs = {r["doc"]: r for r in _rows(fixture / "documents.csv")}
    tables = {(r["doc"], r["table"]): r for r in _rows(fixture / "tables.csv")}
    observations: dict[str, list[Observation]] = defaultdict(list)
    relations: dict[str, list[Relation]] = defaultdict(list)
    refs: set[EntityRef] = set()
    text: dict[str, list[str]] = {}

    def line_of(doc: str, n: int) -> str:
        if doc not in text:
            text[doc] = (corpus / doc).read_text(encoding="utf-8", errors="replace").splitlines()
        line = text[doc][n - 1]
        return html_text(line) if doc.endswith((".htm", ".html")) else line

    for r in _rows(fixture / "observations.csv"):
        doc, n, t = r["doc"], int(r["line"]), tables.get((r["doc"], r["table"]))
        periods = (r.get("periods") or (t["periods"] if t else "")).split(";")
        metrics = r["metrics"].split(";")
        units = r["units"].split(";")
        scales = (r.get("scale") or (t["scale"] if t else "1")).split(";")
        width = max(len(periods), len(metrics))
        found = tokens(line_of(doc, n))
        if r.get("token"):  # a regular expression whose group is the number (prose)
            match = re.search(r["token"], line_of(doc, n))
            found = [match.group(1)] if match else []
            width = 1
        found = found[-width:]
        subject = EntityRef(r["subject"], r["type"])
        refs.add(subject)
        for i, tok in enumerate(found):

            def pick(xs: list[str], i: int = i) -> str:
                return xs[i] if len(xs) > 1 else xs[0]

            parsed = parse_number(tok, Decimal(pick(scales)))
            if parsed is None:
                continue
            value, decimals = parsed
            observations[doc].append(
                Observation(
                    subject=subject,
                    metric=pick(metrics),
                    period=_period(pick(periods)),
                    value=value,
                    unit=pick(units),
                    decimals=decimals,
                    source=Source(
                        doc,
                        n,
                        r.get("extractor") or "table",
                        "" if r.get("extractor") == "prose" else r["table"],
                    ),
                    printed=tok,
                    label=r.get("label", ""),
                    category=r.get("category", ""),
                    share=Decimal(r["share"]) if r.get("share") else None,
                    mapped=not pick(metrics).startswith("x-"),
                    interval=r.get("interval") or "",
                    within=r.get("within") or "",
                    unit_guessed=r.get("unit_guessed") == "true",
                )
            )
    for r in _rows(fixture / "relations.csv"):
        s, o = EntityRef(r["subject"], r["subject_type"]), EntityRef(r["object"], r["object_type"])
        refs.update((s, o))
        relations[r["doc"]].append(
            Relation(
                s,
                r["predicate"],
                o,
                Source(r["doc"], int(r["line"]), "prose"),
                value=r["value"],
                value_decimals=int(r["value_decimals"]) if r["value_decimals"] else None,
            )
        )
    facts = []
    for doc, meta in sorted(docs.items()):
        infos = tuple(
            TableInfo(t["table"], t["kind"], "", int(t["first"]), int(t["last"]))
            for (d, _), t in sorted(tables.items())
            if d == doc
        )
        facts.append(
            DocumentFacts(
                doc=doc,
                doc_id=slugify(Path(doc).stem),
                meta=DocumentMeta(release_date=date.fromisoformat(meta["release_date"]), company=meta["company"]),
                observations=tuple(observations[doc]),
                relations=tuple(relations[doc]),
                tables=infos,
            )
        )
    refs.update(EntityRef(meta["company"], "Company") for meta in docs.values())
    entities = {}
    index = {}
    for ref in sorted(refs, key=lambda e: (e.type, e.label)):
        key = entity_key(ref.type, ref.label)
        entities[key] = ResolvedEntity(key, ref.label, ref.type)
        index[ref] = key
    return facts, Resolution(tuple(entities.values()), index)


def write_graph(facts: list[DocumentFacts], resolution: Resolution, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    build_dataset(facts, resolution).serialize(out / "graph.trig", format="trig")
    return out


def build_fixture(fixture: Path, corpus: Path, out: Path) -> Path:
    facts, resolution = load_facts(fixture, corpus)
    return write_graph(facts, resolution, out)


SHARED_DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset" / "docs"


def devset_docs() -> Path:
    """The development set's releases (``../shared/devset/docs``, beside the repository), or a
    skip where it is not there: the tests read them in place, never a copy."""
    import pytest

    if not SHARED_DEVSET.is_dir():
        pytest.skip("../shared/devset is not beside the repository")
    return SHARED_DEVSET
