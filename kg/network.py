"""Network projection: a built graph folder → a networkx graph of entities and relations.

Input: a folder written by ``kg build`` (its Oxigraph store, or ``graph.trig``
when there is no store). Output: a ``networkx.MultiDiGraph`` whose nodes are the
resolved entities (attributes: ``type``, ``label``, aliases, documents, counts
and a summary of the observations about them) and whose edges are the stated
relations (attributes: ``label`` = the predicate, values, FILE:LINE sources);
GraphML and GEXF files of it for Gephi and Cytoscape; and a fixed 2D layout.

Observations are summarised as node attributes, never nodes: a corpus has
thousands of numbers and they would drown the entities. This is the only module
that imports networkx (house style rule 16); the rows come from the named
queries ``graph-nodes``, ``graph-edges`` and ``entity-observations``.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KGError, QueryError

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox

log = logging.getLogger(__name__)

SEP = " | "  # the separator the page queries use in GROUP_CONCAT columns

Row = dict[str, str]

# Colour per entity type (colour-blind-safe hues first; presentation only).
TYPE_COLORS: dict[str, str] = {
    "Company": "#1f77b4",
    "MiningUnit": "#d62728",
    "Mine": "#ff7f0e",
    "OreBody": "#8c564b",
    "Property": "#bcbd22",
    "Project": "#9467bd",
    "Facility": "#7f7f7f",
    "Person": "#2ca02c",
    "Position": "#98df8a",
    "Organization": "#17becf",
    "Place": "#e377c2",
    "Commodity": "#c5b0d5",
    "Segment": "#aec7e8",
    "Entity": "#cccccc",
}


# ---------------------------------------------------------------- query rows


def _open(data: Path) -> ox.Store:
    """The build's Oxigraph store, or an in-memory store loaded from graph.trig."""
    import pyoxigraph as ox

    data = Path(data)
    if (data / "store").is_dir():
        try:
            from kg.store import open_store
        except ImportError:  # the store module is optional for these pages
            open_store = None  # type: ignore[assignment]
        if open_store is not None:
            return open_store(data)
    trig = data / "graph.trig"
    if not trig.is_file():
        raise KGError(f"{data} is not a `kg build` output folder: it has neither store/ nor graph.trig")
    from kg.store import merge_into_default_graph

    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    merge_into_default_graph(store)  # named queries read the merged default graph
    return store


def select(data: Path, *names: str, store: ox.Store | None = None) -> dict[str, list[Row]]:
    """Run the named SELECT queries ``names`` over the graph in ``data`` (or over ``store``, the one
    a build has open); rows as plain strings.

    Unbound values are empty strings. The store is opened once for all queries.
    """
    from kg.query import execute, find_query, plain

    store = store if store is not None else _open(data)
    out: dict[str, list[Row]] = {}
    for name in names:
        q = find_query(name)
        result = execute(store, q.text, name=q.name)
        if result.kind != "select":
            raise QueryError(f"named query {name!r} must be a SELECT query for the pages, not {result.kind}")
        out[name] = [{c: plain(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]
        log.debug("query %s: %d rows", name, len(out[name]))
    return out


def split(value: str) -> list[str]:
    """A GROUP_CONCAT column of the page queries as a list (empty → [])."""
    return [v for v in value.split(SEP) if v] if value else []


# ---------------------------------------------------------------- projection


def source_key(source: str) -> tuple[str, int]:
    """Sort key of a FILE:LINE: the file, then the line as a number."""
    doc, _, line = source.rpartition(":")
    return (doc, int(line) if line.isdigit() else 0)


def _sorted(value: str, key: object = None) -> str:
    """A GROUP_CONCAT column in a stable order (SPARQL leaves the order of the group open)."""
    return SEP.join(sorted(split(value), key=key))  # type: ignore[arg-type]


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def metric_summary(obs_rows: Iterable[Row]) -> dict[str, str]:
    """entity IRI → "metric (n), metric (n), ..." over its observations, most frequent first."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for r in obs_rows:
        per[r["entity"]][r["metric"]] += 1
    return {
        e: ", ".join(f"{m} ({n})" for m, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
        for e, c in per.items()
    }


def project_rows(nodes: list[Row], edges: list[Row], observations: list[Row]) -> nx.MultiDiGraph:
    """Build the projection from the rows of the three page queries (see ``project``)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    metrics = metric_summary(observations)
    for r in nodes:
        g.add_node(
            r["entity"],
            label=r["label"],
            type=r["type"],
            aliases=_sorted(r["aliases"]),
            docs=_sorted(r["docs"]),
            mentions=_int(r["mentions"]),
            observations=_int(r["observations"]),
            metrics=metrics.get(r["entity"], ""),
        )
    for r in edges:
        for end, label in ((r["source"], r["source_label"]), (r["target"], r["target_label"])):
            if end not in g:  # an endpoint of a type the page does not list: keep the edge anyway
                g.add_node(end, label=label or end.rsplit("/", 1)[-1], type="Entity", aliases="", docs="",
                           mentions=0, observations=0, metrics="")
        g.add_edge(
            r["source"],
            r["target"],
            key=r["predicate"],
            label=r["predicate"],
            predicate=r["predicate"],
            value=_sorted(r["value"]),
            docs=_sorted(r["docs"]),
            sources=_sorted(r["sources"], key=source_key),
            statements=_int(r["statements"]),
        )
    return g


def project(data: Path) -> nx.MultiDiGraph:
    """The entity/relation projection of the graph in ``data`` (a ``kg build`` output folder).

    One node per resolved entity (id = its IRI), one edge per distinct
    (subject, predicate, object) relation, keyed by the predicate. Every attribute
    is a string or an int, so GraphML and GEXF can hold them.
    """
    rows = select(data, "graph-nodes", "graph-edges", "entity-observations")
    g = project_rows(rows["graph-nodes"], rows["graph-edges"], rows["entity-observations"])
    g.graph["name"] = "mining-kg entities and relations"
    return g


# ---------------------------------------------------------------- exports


def _write(data: Path, to: Path, fmt: str) -> None:
    import networkx as nx

    g = project(data)
    to = Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    tmp = to.with_name(f".{to.name}.tmp")
    if fmt == "graphml":
        nx.write_graphml(g, tmp, encoding="utf-8", prettyprint=True, named_key_ids=True)
    else:
        writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
        # networkx stamps <meta lastmodifieddate> with today's date, so two exports of the same
        # build would differ; GEXF 1.2 makes the attribute optional, so it is left out.
        meta = writer.xml.find("meta")
        if meta is not None:
            meta.attrib.pop("lastmodifieddate", None)
        writer.add_graph(with_gexf_viz(g))
        writer.write(tmp)
    tmp.replace(to)
    log.info("wrote %s: %d nodes, %d edges", to, g.number_of_nodes(), g.number_of_edges())


def with_gexf_viz(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` with GEXF viz attributes (colour by type, the page's layout), so Gephi opens it drawn."""
    h = g.copy()
    pos = layout(g)
    for n, a in h.nodes(data=True):
        rgb = TYPE_COLORS.get(a["type"], "#999999").lstrip("#")
        a["viz"] = {
            "color": {"r": int(rgb[0:2], 16), "g": int(rgb[2:4], 16), "b": int(rgb[4:6], 16), "a": 1.0},
            "position": {"x": pos[n][0], "y": -pos[n][1], "z": 0.0},  # GEXF's y axis points up
            "size": 5.0 + min(20.0, (a["mentions"] + a["observations"]) ** 0.5),
        }
    return h


def write_graphml(data_dir: Path, to: Path) -> None:
    """Write the projection of ``data_dir`` as GraphML (Gephi, Cytoscape, yEd) to ``to``."""
    _write(data_dir, to, "graphml")


def write_gexf(data_dir: Path, to: Path) -> None:
    """Write the projection of ``data_dir`` as GEXF 1.2 (Gephi) to ``to``."""
    _write(data_dir, to, "gexf")


# ---------------------------------------------------------------- layout

# Largest core laid out by networkx's dense Fruchterman-Reingold: above it the
# O(n²) iterations get slow (and the sparse variant needs scipy), so bigger cores
# get fewer iterations. Leaves never enter the force layout.
_DENSE_LIMIT = 400


def layout(g: nx.MultiDiGraph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Fixed, deterministic positions for every node, so the browser runs no physics.

    Each connected component is laid out on its own: its core (nodes with more
    than one neighbour) by Fruchterman-Reingold, its leaves on a small ring around
    their one neighbour; components are then packed in rows, largest first, and
    isolated entities fill a grid at the end. Coordinates are in pixels.
    """
    import networkx as nx

    u = nx.Graph()
    u.add_nodes_from(sorted(g.nodes))
    u.add_edges_from((a, b) for a, b in g.edges() if a != b)
    comps = sorted((sorted(c) for c in nx.connected_components(u)), key=lambda c: (-len(c), c[0]))
    placed: list[tuple[list[str], dict[str, tuple[float, float]]]] = []
    singles: list[str] = []
    for comp in comps:
        if len(comp) == 1:
            singles.append(comp[0])
        else:
            placed.append((comp, _component_layout(u.subgraph(comp), seed)))

    pos: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    # Rows as wide as the largest component (or a screen-shaped box around everything), so the
    # whole graph fits a landscape window rather than a tall strip.
    area = sum(_extent(p)[0] * _extent(p)[1] for _, p in placed) + len(singles) * 110.0 * 70.0
    width = max([1200.0, math.sqrt(area * 1.6)] + [_extent(p)[0] for _, p in placed[:1]])
    gap = 80.0
    for _comp, p in placed:
        w, h = _extent(p)
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        minx = min(v[0] for v in p.values())
        miny = min(v[1] for v in p.values())
        for n, (px, py) in p.items():
            pos[n] = (round(x + px - minx, 1), round(y + py - miny, 1))
        x += w + gap
        row_h = max(row_h, h)
    y = y + row_h + (gap if placed else 0)
    step_x, step_y = 110.0, 70.0  # room for a label under each isolated node
    cols = max(1, int(width // step_x))
    for i, n in enumerate(sorted(singles, key=lambda n: (g.nodes[n].get("type", ""), g.nodes[n].get("label", ""), n))):
        pos[n] = (round((i % cols) * step_x, 1), round(y + (i // cols) * step_y, 1))
    return pos


def _extent(p: dict[str, tuple[float, float]]) -> tuple[float, float]:
    xs = [v[0] for v in p.values()]
    ys = [v[1] for v in p.values()]
    return max(xs) - min(xs) + 1, max(ys) - min(ys) + 1


def _component_layout(comp: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    import networkx as nx

    leaves = {n for n in comp if comp.degree(n) == 1}
    # Sorted, and the core copied into a graph of its own: a networkx subgraph view iterates
    # its nodes in set order, which changes with the interpreter's string hash seed, and the
    # force layout's result depends on node order (graph.html differed between two builds).
    core = sorted(n for n in comp if n not in leaves)
    if not core:  # a single edge (two leaves): keep one as the core
        first = min(comp)
        core, leaves = [first], {n for n in comp if n != first}
    sub = nx.Graph()
    sub.add_nodes_from(core)
    sub.add_edges_from(sorted(tuple(sorted(e)) for e in comp.subgraph(core).edges()))
    if len(core) == 1:
        core_pos = {core[0]: (0.0, 0.0)}
    else:
        if len(core) <= _DENSE_LIMIT:
            raw = nx.spring_layout(sub, seed=seed, iterations=50, method="force")
        else:  # spring_layout switches to a scipy-only method at 500 nodes; ForceAtlas2 is numpy-only
            iterations = max(10, int(40 * _DENSE_LIMIT / len(core)))
            raw = nx.rescale_layout_dict(nx.forceatlas2_layout(sub, seed=seed, max_iter=iterations))
        scale = 120.0 * math.sqrt(len(core))
        core_pos = {n: (float(v[0]) * scale, float(v[1]) * scale) for n, v in raw.items()}
    pos = dict(core_pos)
    hanging: dict[str, list[str]] = defaultdict(list)
    for leaf in sorted(leaves):
        parent = next(iter(comp.neighbors(leaf)))
        if parent in leaves:  # the two-node case: hang off the chosen core node
            parent = core[0]
        hanging[parent].append(leaf)
    for parent, kids in hanging.items():
        px, py = pos[parent]
        r = 110.0 + 8.0 * len(kids)
        for i, leaf in enumerate(kids):
            a = 2 * math.pi * i / len(kids)
            pos[leaf] = (px + r * math.cos(a), py + r * math.sin(a))
    return pos
