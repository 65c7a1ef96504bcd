"""graph.html: self-contained, escaped, deterministic; built from a small hand-made graph.

``build_sample_dir`` (used by test_report.py, test_network.py and the browser
tests too) writes a folder shaped like a `kg build` output from hand-made facts:
graph.trig (no store: the page code then loads the TriG itself) and a
validation.ttl with one finding on an observation and one on an entity.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kg.facts import (
    Document,
    DocumentFacts,
    DocumentMeta,
    EntityRef,
    Mention,
    Observation,
    Period,
    Relation,
    Resolution,
    ResolvedEntity,
    Source,
    entity_key,
)
from kg.graph import build_dataset, iris

HECLA = EntityRef("Hecla Mining Company", "Company")
LF = EntityRef("Lucky Friday Unit", "MiningUnit")
GC = EntityRef("Greens Creek Unit", "MiningUnit")
SILVER_OPS = EntityRef("Silver operations", "Segment")
BAKER = EntityRef("Phillips S. Baker, Jr.", "Person")
CEO = EntityRef("President and Chief Executive Officer", "Position")
IDAHO = EntityRef("Idaho", "Place")
ALASKA = EntityRef("Alaska", "Place")
# a hostile label: must come out escaped in HTML and inert in the page's script
EVIL = EntityRef('Evil </script><script>alert("x")</script> & Co', "Organization")
LONER = EntityRef("San Sebastian Mine", "Mine")
# the unit's family: its mine, and the mine's ore body
LF_MINE = EntityRef("Lucky Friday mine", "Mine")
LF_VEIN = EntityRef("Gold Hunter vein system", "OreBody")
REFS = [HECLA, LF, GC, SILVER_OPS, BAKER, CEO, IDAHO, ALASKA, EVIL, LONER, LF_MINE, LF_VEIN]

DOCS = (  # file, id, release date, quarter start, quarter end
    ("000_a.txt", "000_a", date(2006, 5, 1), date(2006, 1, 1), date(2006, 3, 31)),
    ("001_b.txt", "001_b", date(2006, 8, 1), date(2006, 4, 1), date(2006, 6, 30)),
    ("002_c.txt", "002_c", date(2007, 2, 21), date(2006, 10, 1), date(2006, 12, 31)),
)


def sample_facts() -> tuple[list[DocumentFacts], Resolution]:
    facts = []
    for k, (name, doc_id, released, start, end) in enumerate(DOCS):
        q = Period(start=start, end=end)

        def obs(ref: EntityRef, metric: str, value: str, unit: str, line: int, period: Period = q,
                category: str = "", name: str = name) -> Observation:
            return Observation(ref, metric, period, Decimal(value), unit, 0, Source(name, line, "table", "t01"),
                               printed=value, label=metric, category=category)

        observations = [
            obs(LF, "silver-produced", str(600000 + 50000 * k), "OZ", 100),
            obs(GC, "silver-produced", str(900000 - 20000 * k), "OZ", 101),
            obs(GC, "gold-produced", str(15000 + 1000 * k), "OZ", 102),
            obs(LF, "total-cash-cost-per-oz-silver", f"{4.1 + 0.3 * k:.2f}", "USD-PER-OZ", 103),
            obs(LF, "ore-processed", str(70000 + 900 * k), "TON", 104),
            obs(SILVER_OPS, "sales", str(20000000 + 3000000 * k), "USD", 105),
            obs(SILVER_OPS, "gross-profit", str(5000000 + 1000000 * k), "USD", 106),
            obs(HECLA, "sales", str(40000000 + 5000000 * k), "USD", 107),
        ]
        if k == 2:
            year_end = Period(end=date(2006, 12, 31))
            observations += [
                obs(LF, "reserve-contained-silver", "45000000", "OZ", 200, year_end, "proven-probable"),
                obs(GC, "reserve-contained-silver", "28000000", "OZ", 201, year_end, "proven-probable"),
                obs(LF, "reserve-contained-silver", "12000000", "OZ", 202, year_end, "mineralized-material"),
                obs(LF_MINE, "ore-processed", "65000", "TON", 110),
            ]
        relations = [
            Relation(LF, "locatedIn", IDAHO, Source(name, 20, "prose")),
            Relation(GC, "locatedIn", ALASKA, Source(name, 21, "prose")),
            Relation(HECLA, "ownershipInterest", GC, Source(name, 22, "prose"), value="29.73", value_decimals=2),
            Relation(BAKER, "holdsPosition", CEO, Source(name, 5, "prose"), value="Hecla Mining Company"),
        ]
        if k == 0:
            relations.append(Relation(EVIL, "jointVenturePartner", HECLA, Source(name, 30, "prose")))
        mentions = [Mention(name, 10, r, r.label) for r in (HECLA, LF, GC, BAKER)]
        if k == 2:
            relations += [Relation(LF_MINE, "partOf", LF, Source(name, 50, "prose")),
                          Relation(LF_VEIN, "partOf", LF_MINE, Source(name, 51, "prose"))]
            mentions += [Mention(name, 50, LF_MINE, LF_MINE.label), Mention(name, 51, LF_VEIN, LF_VEIN.label)]
        if k == 1:
            mentions.append(Mention(name, 40, LONER, LONER.label))
        facts.append(DocumentFacts(
            doc=name, doc_id=doc_id, sha256=f"{k:064d}",
            meta=DocumentMeta(title=f"Hecla reports results <{k}> & more", release_date=released, period_end=end,
                              company=HECLA.label),
            observations=tuple(observations), mentions=tuple(mentions), relations=tuple(relations),
        ))
    entities = tuple(
        ResolvedEntity(entity_key(r.type, r.label), r.label, r.type,
                       aliases=("Hecla", "Hecla Mining") if r == HECLA else ())
        for r in REFS
    )
    return facts, Resolution(entities, {r: e.key for r, e in zip(REFS, entities, strict=True)})


VALIDATION_TTL = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kgid: <https://w3id.org/mining-kg/id/> .
[] a sh:ValidationReport ;
  sh:conforms false ;
  sh:result [
    a sh:ValidationResult ;
    sh:focusNode <{obs}> ;
    sh:resultSeverity sh:Violation ;
    sh:resultMessage "total cash cost per ounce disagrees with cost / ounces (002_c.txt:103)" ;
    sh:sourceShape kgid:shape-x
  ] , [
    a sh:ValidationResult ;
    sh:focusNode <{entity}> ;
    sh:resultSeverity sh:Warning ;
    sh:resultMessage "ownership share differs between releases" ;
    sh:sourceShape kgid:shape-y
  ] .
"""


def build_sample_dir(out: Path, *, with_store: bool = False) -> Path:
    """Write graph.trig and validation.ttl of the hand-made sample into ``out``; return ``out``.

    ``with_store`` also writes the Oxigraph store, as `kg build` does (the pages then read it).
    """
    facts, resolution = sample_facts()
    ds = build_dataset(facts, resolution)
    out.mkdir(parents=True, exist_ok=True)
    ds.serialize(destination=out / "graph.trig", format="trig")
    if with_store:
        from kg import store

        store.create(out, ds)
    obs = iris.observation("002_c", 103, 0)
    gc = iris.entity(resolution.index[GC])
    (out / "validation.ttl").write_text(VALIDATION_TTL.replace("{obs}", str(obs)).replace("{entity}", str(gc)))
    (out / "validation.txt").write_text("002_c.txt:103: violation: total cash cost per ounce disagrees\n")
    write_sample_sources(out, facts)
    return out


def write_sample_sources(out: Path, facts: list[DocumentFacts]) -> None:
    """sources/ as a build writes it: each release's lines, the printed number on its own line."""
    from kg.sources import write_sources

    docs = []
    for f in facts:
        printed = {o.source.line: f"  {o.label:<40} {o.printed:>14}" for o in f.observations}
        lines = tuple(printed.get(n, f"line {n} of {f.doc}") for n in range(1, 220))
        docs.append(Document(f.doc, f.doc_id, f.doc, "", "text", "utf-8", lines, tuple(range(1, 220))))
    write_sources(out, docs)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_dir(tmp_path_factory.mktemp("viz-sample"))


def _page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "the page embeds its data as JSON"
    return json.loads(m.group(1))


def test_graph_html_is_self_contained(sample_dir: Path) -> None:
    from kg.viz import write_graph_html

    write_graph_html(sample_dir)
    html = (sample_dir / "graph.html").read_text(encoding="utf-8")
    assert "cytoscape" in html
    # no external resources: every script and stylesheet is inline
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=\"(?!data:)", html)
    assert "http://" not in html.split("<script", 1)[0]
    assert "cdn" not in html.lower().replace("cdnjs", "")


def test_graph_html_escapes_document_text(sample_dir: Path) -> None:
    from kg.viz import write_graph_html

    write_graph_html(sample_dir)
    html = (sample_dir / "graph.html").read_text(encoding="utf-8")
    assert '<script>alert("x")' not in html
    data = _page_data(html)
    labels = {n["label"] for n in data["nodes"]}
    assert EVIL.label in labels  # survives the round trip intact


def test_graph_html_data(sample_dir: Path) -> None:
    from kg.viz import write_graph_html

    write_graph_html(sample_dir)
    data = _page_data((sample_dir / "graph.html").read_text(encoding="utf-8"))
    by_label = {n["label"]: n for n in data["nodes"]}
    assert set(by_label) == {r.label for r in REFS}
    lf = by_label["Lucky Friday Unit"]
    assert lf["type"] == "MiningUnit"
    assert all(isinstance(v, (int, float)) for v in lf["pos"])
    # observations are summarised per metric on the node, with their sources
    metrics = {m["metric"]: m for m in data["obs"][lf["id"]]}
    assert metrics["silver-produced"]["n"] == 3
    assert any("000_a.txt" == data["docs"][v[3]] and v[4] == 100 for v in metrics["silver-produced"]["values"])
    assert not any(n["type"] == "Observation" for n in data["nodes"])
    # findings are attached to the entity the observation is about, and to the entity itself
    gc = by_label["Greens Creek Unit"]
    assert [f["severity"] for f in data["findings"][lf["id"]]] == ["Violation"]
    assert [f["severity"] for f in data["findings"][gc["id"]]] == ["Warning"]
    preds = {e["label"] for e in data["edges"]}
    assert {"locatedIn", "ownershipInterest", "holdsPosition", "jointVenturePartner"} <= preds
    assert data["docs"] == ["000_a.txt", "001_b.txt", "002_c.txt"]
    # the family: the unit's mine and that mine's ore body are its parts; the mine is part of the unit
    mine, vein = by_label["Lucky Friday mine"], by_label["Gold Hunter vein system"]
    assert data["family"][lf["id"]] == {"whole": [], "part": [vein["id"], mine["id"]]}
    assert data["family"][mine["id"]] == {"whole": [lf["id"]], "part": [vein["id"]]}
    assert data["family"][vein["id"]]["whole"] == [lf["id"], mine["id"]]
    assert gc["id"] not in data["family"]


def test_family_keeps_members_on_the_page_once() -> None:
    from kg.viz import family_data

    rows = [{"entity": "u", "member": "m", "role": "part"}, {"entity": "u", "member": "m", "role": "part"},
            {"entity": "u", "member": "gone", "role": "part"}, {"entity": "m", "member": "u", "role": "whole"}]
    assert family_data(rows, {"u", "m"}) == {"u": {"whole": [], "part": ["m"]}, "m": {"whole": ["u"], "part": []}}


def test_graph_html_is_deterministic(sample_dir: Path) -> None:
    from kg.viz import write_graph_html

    write_graph_html(sample_dir)
    first = (sample_dir / "graph.html").read_bytes()
    write_graph_html(sample_dir)
    assert (sample_dir / "graph.html").read_bytes() == first


def test_pages_of_an_empty_graph(tmp_path: Path) -> None:
    """A build where nothing was extracted still gets both pages (no validation report either)."""
    from kg.report import write_report_html
    from kg.viz import write_graph_html

    build_dataset([], Resolution((), {})).serialize(destination=tmp_path / "graph.trig", format="trig")
    write_graph_html(tmp_path)
    write_report_html(tmp_path, [])
    data = _page_data((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert data["nodes"] == [] and data["edges"] == []
    assert "No validation report" in (tmp_path / "report.html").read_text(encoding="utf-8")
