"""Visualisation: a built graph folder → ``graph.html``, one self-contained interactive page.

Input: a ``kg build`` output folder (the store or graph.trig, and validation.ttl
when present). Output: ``graph.html`` in that folder: entities coloured by type,
relations as labelled arrows, search by name, filters by type, relation and
document, and a details panel (properties, aliases, relations, observations
summarised per metric with their FILE:LINE sources, validation findings, and the
entity's family: what it is part of, its parts, and their observations).

The page inlines cytoscape.js (vendored in ``kg/viz_assets/``, MIT), its own
script and style, and the data as JSON, so it works from ``file://`` and from
``kg serve`` with no network. Positions are computed here (``kg.network.layout``)
and the browser only draws: no force simulation runs in the page, which is
what keeps a graph of thousands of nodes smooth.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

from kg.network import TYPE_COLORS, Row, layout, project_rows, select, split

log = logging.getLogger(__name__)

# Values kept per (entity, metric, category, unit) in the details panel; the rest
# are counted. Keeps the page small on a corpus with thousands of numbers.
VALUES_PER_METRIC = 24

_SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def _asset(name: str) -> str:
    return resources.files("kg").joinpath("viz_assets", name).read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """JSON safe inside an HTML ``<script>`` element: no ``</script>``, ``<!--`` or ``&`` escapes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def inline_script(code: str) -> str:
    """Script text safe to inline: a literal ``</script`` would end the element early."""
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


# ---------------------------------------------------------------- findings


def read_findings(data: Path) -> list[dict[str, str]]:
    """The SHACL results of ``data/validation.ttl`` as dicts: focus, severity, message, path, shape.

    Empty when the folder has no validation.ttl (validation not run yet).
    """
    path = Path(data) / "validation.ttl"
    if not path.is_file():
        return []
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    g = Graph()
    g.parse(path, format="turtle")
    out = []
    for r in g.subjects(RDF.type, SH.ValidationResult):
        severity = g.value(r, SH.resultSeverity)
        out.append({
            "focus": str(g.value(r, SH.focusNode) or ""),
            "severity": str(severity).rsplit("#", 1)[-1] if severity else "Info",
            "message": " ".join(str(m) for m in g.objects(r, SH.resultMessage)),
            "path": str(g.value(r, SH.resultPath) or ""),
            "shape": str(g.value(r, SH.sourceShape) or ""),
        })
    out.sort(key=lambda f: (_SEVERITY_RANK.get(f["severity"], 3), f["message"], f["focus"], f["shape"], f["path"]))
    return out


def findings_of(result: object) -> list[dict[str, str]]:
    """The findings of a ValidationResult (``kg.validate``) as :func:`read_findings` gives them from
    validation.ttl: the build hands them to the pages as data, without a Turtle round trip."""
    out = [
        {
            "focus": str(r.focus or ""),
            "severity": str(r.severity).rsplit("#", 1)[-1] if r.severity else "Info",
            "message": r.message,
            "path": str(r.path or ""),
            "shape": str(r.source_shape or ""),
        }
        for r in getattr(result, "results", ())
    ]
    out.sort(key=lambda f: (_SEVERITY_RANK.get(f["severity"], 3), f["message"], f["focus"], f["shape"], f["path"]))
    return out


def attach_findings(
    findings: list[dict[str, str]], entities: set[str], observations: list[Row]
) -> tuple[dict[str, list[dict[str, object]]], list[dict[str, object]]]:
    """Findings by the entity they concern (an observation's finding goes to its subject).

    Returns (entity IRI → findings, findings that concern no entity). Each finding
    carries the FILE:LINE of its focus observation when it has one.
    """
    obs_at = {r["obs"]: r for r in observations}
    by_entity: dict[str, list[dict[str, object]]] = defaultdict(list)
    loose: list[dict[str, object]] = []
    for f in findings:
        item: dict[str, object] = {"severity": f["severity"], "message": f["message"], "sources": []}
        focus = f["focus"]
        if focus in obs_at:
            r = obs_at[focus]
            item["sources"] = [f"{r['doc']}:{r['line']}"]
            item["metric"] = r["metric"]
            by_entity[r["entity"]].append(item)
        elif focus in entities:
            by_entity[focus].append(item)
        else:
            item["focus"] = focus
            loose.append(item)
    return dict(by_entity), loose


# ---------------------------------------------------------------- page data


def _observation_groups(rows: list[Row], doc_index: dict[str, int]) -> dict[str, list[dict[str, object]]]:
    groups: dict[tuple[str, str, str, str], list[Row]] = defaultdict(list)
    labels: dict[str, str] = {}
    for r in rows:
        groups[(r["entity"], r["metric"], r["category"], r["unit"])].append(r)
        if r["metric_label"]:
            labels[r["metric"]] = r["metric_label"]
    out: dict[str, list[dict[str, object]]] = defaultdict(list)
    for (entity, metric, category, unit), rs in sorted(groups.items()):
        rs = sorted(rs, key=lambda r: (r["period_end"], r["period_start"], r["doc"], int(r["line"] or 0)), reverse=True)
        out[entity].append({
            "metric": metric,
            "label": labels.get(metric, ""),
            "category": category,
            "unit": unit,
            "n": len(rs),
            "values": [
                [r["period_start"], r["period_end"], r["value"], doc_index[r["doc"]], int(r["line"] or 0),
                 r.get("printed", "")]
                for r in rs[:VALUES_PER_METRIC]
            ],
        })
    for groups_of in out.values():  # most-reported metrics first
        groups_of.sort(key=lambda m: (-int(m["n"]), str(m["metric"]), str(m["category"])))  # type: ignore[call-overload]
    return dict(out)


def family_data(rows: list[Row], nodes: set[str]) -> dict[str, dict[str, list[str]]]:
    """Each entity's family from the rows of ``entity-family``: ``{"whole": [...], "part": [...]}``,
    the IRIs of what it is part of and of its parts (directly or through others), members on the
    page (``nodes``) only, in the query's order."""
    out: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        if r["entity"] in nodes and r["member"] in nodes:
            members = out.setdefault(r["entity"], {"whole": [], "part": []})[r["role"]]
            if r["member"] not in members:
                members.append(r["member"])
    return out


# The named queries graph.html is made from.
PAGE_QUERIES = ("graph-nodes", "graph-edges", "entity-observations", "report-documents", "counts", "entity-family")


def graph_data(
    data: Path, rows: dict[str, list[Row]] | None = None, findings: list[dict[str, str]] | None = None
) -> dict[str, object]:
    """Everything graph.html shows for the graph in ``data``, as one JSON-ready dict; ``rows``:
    the results of ``PAGE_QUERIES`` when the caller has run them already; ``findings``: the
    validation's (:func:`findings_of`), else read from ``data``."""
    from kg.sources import citations_in, excerpts

    rows = rows if rows is not None else select(data, *PAGE_QUERIES)
    docs = [r["doc"] for r in rows["report-documents"]]
    shacl = findings if findings is not None else read_findings(data)
    totals = {r["kind"]: int(r["count"] or 0) for r in rows.get("counts", [])}
    out = page_data(rows["graph-nodes"], rows["graph-edges"], rows["entity-observations"], docs, shacl, totals=totals)
    out["family"] = family_data(rows.get("entity-family", []), {str(n["id"]) for n in out["nodes"]})  # type: ignore[attr-defined]
    cited = [(r["doc"], int(r["line"] or 0)) for r in rows["entity-observations"]]
    cited += [c for e in out["edges"] for s in e["sources"] for c in citations_in(s)]  # type: ignore[attr-defined]
    cited += [c for fs in out["findings"].values() for f in fs for s in f["sources"] for c in citations_in(s)]  # type: ignore[attr-defined]
    out["sourceLines"] = excerpts(data, cited)
    return out


def page_data(
    nodes: list[Row], edges: list[Row], obs: list[Row], documents: list[str], shacl: list[dict[str, str]],
    totals: dict[str, int] | None = None,
) -> dict[str, object]:
    """The page's data from the rows of the page queries and the SHACL findings (deterministic order)."""
    g = project_rows(nodes, edges, obs)
    pos = layout(g)

    docs = sorted(set(documents) | {r["doc"] for r in obs})
    doc_index = {d: i for i, d in enumerate(docs)}

    def doc_ids(value: str) -> list[int]:
        return sorted(doc_index[d] for d in split(value) if d in doc_index)

    findings, loose = attach_findings(shacl, set(g.nodes), obs)
    node_list = []
    for n in sorted(g.nodes):
        a = g.nodes[n]
        weight = int(a["mentions"]) + int(a["observations"]) + 2 * g.degree(n)
        node_list.append({
            "id": n,
            "label": a["label"],
            "type": a["type"],
            "aliases": split(a["aliases"]),
            "docs": doc_ids(a["docs"]),
            "mentions": a["mentions"],
            "observations": a["observations"],
            "size": round(min(60.0, 14.0 + 3.0 * weight**0.5), 1),
            "pos": list(pos[n]),
        })
    edge_list = []
    for i, (s, t, a) in enumerate(sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))):
        edge_list.append({
            "id": f"e{i}",
            "source": s,
            "target": t,
            "label": a["predicate"],
            "value": a["value"],
            "docs": doc_ids(a["docs"]),
            "sources": split(a["sources"]),
        })
    type_counts: dict[str, int] = defaultdict(int)
    for n in node_list:
        type_counts[str(n["type"])] += 1
    pred_counts: dict[str, int] = defaultdict(int)
    for e in edge_list:
        pred_counts[str(e["label"])] += 1
    return {
        "docs": docs,
        "types": [{"name": t, "color": TYPE_COLORS.get(t, "#999999"), "count": c} for t, c in sorted(type_counts.items())],
        "predicates": [{"name": p, "count": c} for p, c in sorted(pred_counts.items())],
        "nodes": node_list,
        "edges": edge_list,
        "obs": _observation_groups(obs, doc_index),
        "findings": findings,
        "otherFindings": loose,
        # the graph's own counts (queries/counts.rq) and the findings as kg validate counts them
        "counts": {
            "observations": (totals or {}).get("observations", len(obs)),
            "facts": (totals or {}).get("facts", len({r.get("fact") or r["obs"] for r in obs})),
            "findings": len({(f["shape"], f["message"]) for f in shacl}),
        },
    }


def render_graph_html(data: dict[str, object]) -> str:
    """The page for ``data`` (from ``graph_data``): template + inlined style, library, script and data."""
    page = _asset("graph.html")
    data = dict(data)
    source_lines = data.pop("sourceLines", {})
    parts = {
        "/*KG_STYLE*/": _asset("graph.css"),
        "/*KG_SOURCE_STYLE*/": _asset("sources.css"),
        "/*KG_LIBRARY*/": inline_script(_asset("cytoscape.min.js")),
        "/*KG_SOURCES*/": script_json(source_lines),
        "/*KG_SCRIPT*/": inline_script(_asset("graph.js")),
        "/*KG_SOURCE_VIEW*/": inline_script(_asset("sources.js")),
        "/*KG_DATA*/": script_json(data),
    }
    for marker in parts:
        if marker not in page:
            raise AssertionError(f"graph.html template lacks {marker}")
    # one pass over the template: text put in (a label, a document's line) is never searched again
    page = re.sub(r"/\*KG_[A-Z_]+\*/", lambda m: parts[m.group(0)], page)
    return page


def write_graph_html(
    out_dir: Path, rows: dict[str, list[Row]] | None = None, findings: list[dict[str, str]] | None = None
) -> None:
    """Write ``out_dir/graph.html`` for the graph built in ``out_dir`` (atomically); ``rows`` and
    ``findings`` as for :func:`graph_data`."""
    out_dir = Path(out_dir)
    data = graph_data(out_dir, rows, findings)
    html = render_graph_html(data)
    target = out_dir / "graph.html"
    tmp = target.with_name(".graph.html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(target)
    log.info("wrote %s (%d nodes, %d edges, %d bytes)", target, len(data["nodes"]), len(data["edges"]),  # type: ignore[arg-type]
             len(html.encode("utf-8")))
