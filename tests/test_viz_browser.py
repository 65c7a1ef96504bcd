"""graph.html and report.html in a real browser: Debian's headless Chromium driven by Playwright.

Nothing is downloaded at test time: Playwright drives the system binary
(/usr/bin/chromium, installed by `make browser`); without it these tests skip.
Each page is opened from a file:// URL and over HTTP from the project's server
(kg.serve, or Python's http.server over the same folder when kg.serve has no
testable server), with no console errors allowed. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.report import write_report_html
from kg.viz import write_graph_html

try:
    from test_viz import build_sample_dir
except ImportError:  # tests/ imported as a package
    from tests.test_viz import build_sample_dir

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: run `make browser` (Debian packages chromium and chromium-driver)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras: make install-dev")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = build_sample_dir(tmp_path_factory.mktemp("browser-sample"), with_store=True)
    write_graph_html(out)
    write_report_html(out, ["built 3 document(s)"])
    ARTIFACTS.mkdir(exist_ok=True)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[tuple[str, str]]:
    """Serve ``folder`` on a free loopback port with `kg serve`'s server; yield the graph and report URLs.

    Falls back to Python's http.server over the same files only when kg.serve is
    missing (it is another module's job; the pages do not depend on it).
    """
    try:
        from kg.serve import make_server
    except ImportError:
        make_server = None
    if make_server is not None:
        server = make_server(folder, host="127.0.0.1", port=0).start()
        try:
            yield f"{server.url}/", f"{server.url}/report"
        finally:
            server.close()
        return
    handler = functools.partial(_QuietHandler, directory=str(folder))
    plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=plain.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{plain.server_address[1]}"
        yield f"{base}/graph.html", f"{base}/report.html"
    finally:
        plain.shutdown()
        plain.server_close()


@contextlib.contextmanager
def opened(browser: object, url: str, shot: str) -> Iterator[object]:
    """A page at ``url`` that fails the test on any console error or uncaught exception."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    try:
        page.goto(url)
        yield page
        page.screenshot(path=str(ARTIFACTS / shot), full_page="report" in shot)
    finally:
        page.close()
    assert errors == []


def _drawn_pixels(page: object) -> int:
    """How many pixels of the graph's canvases are not blank: proves nodes were drawn, not just created."""
    return page.evaluate(  # type: ignore[attr-defined]
        """() => {
          let n = 0;
          for (const c of document.querySelectorAll('#cy canvas')) {
            if (!c.width || !c.height) continue;
            const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) n++;
          }
          return n;
        }"""
    )


def check_graph_page(page: object, expect_label: str, query: str) -> None:
    page.wait_for_function("window.kg && window.kg.ready")  # type: ignore[attr-defined]
    total = page.evaluate("window.kg.data.nodes.length")  # type: ignore[attr-defined]
    assert total > 0
    assert page.evaluate("window.kg.cy.nodes().length") == total  # type: ignore[attr-defined]
    assert page.evaluate("window.kg.visibleNodeCount()") == total  # type: ignore[attr-defined]
    assert page.evaluate("window.kg.cy.edges().length") > 0  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert _drawn_pixels(page) > 500

    # search narrows the graph: type into the box like a person
    page.fill("#search", query)  # type: ignore[attr-defined]
    page.wait_for_function(f"window.kg.visibleNodeCount() < {total}")  # type: ignore[attr-defined]
    shown = page.evaluate("window.kg.visibleNodeCount()")  # type: ignore[attr-defined]
    assert 1 <= shown < total
    labels = page.evaluate("window.kg.cy.nodes().not('.hidden').map(n => n.data('label'))")  # type: ignore[attr-defined]
    assert expect_label in labels
    assert page.locator("#results li").count() >= 1  # type: ignore[attr-defined]

    # click the node on the canvas: the details panel opens with its label
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    node_id = page.evaluate(  # type: ignore[attr-defined]
        "label => window.kg.data.nodes.find(n => n.label === label).id", expect_label
    )
    box = page.locator("#cy").bounding_box()  # type: ignore[attr-defined]
    pos = page.evaluate("id => window.kg.cy.getElementById(id).renderedPosition()", node_id)  # type: ignore[attr-defined]
    assert page.locator("#details").is_hidden()  # type: ignore[attr-defined]
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])  # type: ignore[attr-defined]
    page.wait_for_selector("#details:not([hidden])")  # type: ignore[attr-defined]
    assert page.locator("#details h2").inner_text() == expect_label  # type: ignore[attr-defined]

    # clearing the search brings every node back
    page.fill("#search", "")  # type: ignore[attr-defined]
    page.wait_for_function(f"window.kg.visibleNodeCount() === {total}")  # type: ignore[attr-defined]


def check_report_page(page: object) -> int:
    """Every chart drawn by Vega with its table of figures; returns how many charts."""
    page.wait_for_function("window.kgChartsReady === true", timeout=30_000)  # type: ignore[attr-defined]
    figures = page.locator("figure.chart-figure")  # type: ignore[attr-defined]
    n = figures.count()
    assert n > 0
    for i in range(n):
        fig = figures.nth(i)
        box = fig.locator(".vega-chart svg").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100
        assert fig.locator(".vega-chart svg path, .vega-chart svg line").count() >= 1
        assert fig.locator("table.figures tbody tr").count() >= 2  # each chart has its table
        assert fig.locator("a.csv[download]").count() == 1
    assert page.locator("table.documents tbody tr").count() >= 1  # type: ignore[attr-defined]
    return n


# For every chart, every figure of a period (a year, a quarter ...): its point inside that period on
# the drawn time axis, and in the same year as the period's last day.
ANNUAL_POINTS_JS = """() => {
  const out = [];
  for (const [id, view] of Object.entries(window.kgCharts)) {
    const x = view.scale('x');
    for (const d of view.data('points')) {
      if (d.start === d.mid) continue;  // a figure at a date
      const start = new Date(d.start), end = new Date(d.end), mid = new Date(d.mid);
      out.push({ id, period: d.period, annual: d.period.startsWith('year'), inside: x(start) < x(mid) && x(mid) < x(end),
                 sameYear: mid.getUTCFullYear() === new Date(end - 86400000).getUTCFullYear() });
    }
  }
  return out;
}"""


def check_source_link(page: object, selector: str) -> None:
    """Clicking a FILE:LINE shows that line's text, highlighted, with the lines around it."""
    link = page.locator(selector).first  # type: ignore[attr-defined]
    doc, line = link.get_attribute("data-doc"), link.get_attribute("data-line")
    link.click()
    page.wait_for_selector("dialog#source-view[open]")  # type: ignore[attr-defined]
    expected = page.evaluate("([d, n]) => window.kgSources.lines[d][n]", [doc, line])  # type: ignore[attr-defined]
    assert expected
    hit = page.locator("dialog#source-view .source-line.hit").inner_text()  # type: ignore[attr-defined]
    assert expected.strip() in hit and hit.strip().startswith(line)
    assert page.locator("dialog#source-view .source-line").count() >= 3  # type: ignore[attr-defined]
    assert f"{doc}:{line}" in page.locator("dialog#source-view .source-head").inner_text()  # type: ignore[attr-defined]
    page.locator("dialog#source-view .source-close").click()  # type: ignore[attr-defined]


def test_graph_page_from_file(browser: object, site: Path) -> None:
    with opened(browser, (site / "graph.html").as_uri(), "graph-file.png") as page:
        check_graph_page(page, "Lucky Friday Unit", "lucky")
        # validation findings are marked on the nodes they concern (an observation's on its subject)
        assert page.evaluate("window.kg.cy.nodes('.finding-Violation').map(n => n.data('label'))") == [
            "Lucky Friday Unit"
        ]
        assert page.evaluate("window.kg.cy.nodes('.finding-Warning').map(n => n.data('label'))") == [
            "Greens Creek Unit"
        ]
        # the details panel shows observations with their source lines, and the finding on the node
        page.evaluate("window.kg.select(window.kg.data.nodes.find(n => n.label === 'Lucky Friday Unit').id)")
        text = page.locator("#details").inner_text()
        assert "silver-produced" in text and "002_c.txt:100" in page.locator("#details").text_content()
        assert "Violation" in page.locator("#details-findings").text_content()


def test_graph_page_filters(browser: object, site: Path) -> None:
    with opened(browser, (site / "graph.html").as_uri(), "graph-filters.png") as page:
        page.wait_for_function("window.kg && window.kg.ready")
        total = page.evaluate("window.kg.visibleNodeCount()")
        page.uncheck("#types input[value=Place]")
        assert page.evaluate("window.kg.visibleNodeCount()") == total - 2
        page.check("#types input[value=Place]")
        page.select_option("#doc", label="001_b.txt")  # only entities named in that release
        labels = page.evaluate("window.kg.cy.nodes().not('.hidden').map(n => n.data('label'))")
        assert "San Sebastian Mine" in labels
        assert not any("Evil" in label for label in labels)  # named in 000_a.txt only
        page.select_option("#doc", value="")
        page.uncheck("#relations input[value=locatedIn]")
        assert page.evaluate("window.kg.cy.edges().not('.hidden').map(e => e.data('label'))").count("locatedIn") == 0


def test_graph_page_shows_an_entitys_family(browser: object, site: Path) -> None:
    """A unit's details list its mine and the mine's ore body; a member's link opens its details,
    where the unit is what it is part of."""
    with opened(browser, (site / "graph.html").as_uri(), "graph-family.png") as page:
        page.wait_for_function("window.kg && window.kg.ready")
        page.evaluate("window.kg.select(window.kg.data.nodes.find(n => n.label === 'Lucky Friday Unit').id)")
        family = page.locator("#details-family").inner_text()
        assert "Lucky Friday mine" in family and "Gold Hunter vein system" in family
        page.locator("#details-family .link", has_text="Lucky Friday mine").click()
        assert page.locator("#details h2").inner_text() == "Lucky Friday mine"
        assert "part of" in page.locator("#details-family").inner_text()
        assert "Lucky Friday Unit" in page.locator("#details-family").inner_text()
        # the unit's page carries its mine's figures, each opening its release at the line
        page.locator("#details-family .link", has_text="Lucky Friday Unit").click()
        box = page.locator("#details-family-observations details").first
        assert box.locator("summary").inner_text().startswith("Lucky Friday mine: ")
        box.locator("summary").click()
        check_source_link(page, "#details-family-observations a.src-link")


def test_graph_page_keeps_hostile_labels_inert(browser: object, site: Path) -> None:
    with opened(browser, (site / "graph.html").as_uri(), "graph-escaping.png") as page:
        page.wait_for_function("window.kg && window.kg.ready")
        assert page.locator("body > script").count() == 5  # library, data, lines cited, page script, source viewer: nothing injected
        page.fill("#search", "evil")
        page.wait_for_function("window.kg.visibleNodeCount() === 1")
        page.locator("#results li").first.click()
        assert "</script>" in page.locator("#details h2").inner_text()


def test_report_page_from_file(browser: object, site: Path) -> None:
    with opened(browser, (site / "report.html").as_uri(), "report-file.png") as page:
        assert check_report_page(page) >= 6
        points = page.evaluate(ANNUAL_POINTS_JS)
        assert points and all(p["inside"] and p["sameYear"] for p in points), points
        # a figure's line and a finding's line open the release there
        page.locator("figure.chart-figure details summary").first.click()
        check_source_link(page, "figure.chart-figure table.figures a.src-link")
        check_source_link(page, "table.findings a.src-link")


def test_graph_page_opens_the_lines_it_cites(browser: object, site: Path) -> None:
    with opened(browser, (site / "graph.html").as_uri(), "graph-source.png") as page:
        page.wait_for_function("window.kg && window.kg.ready")
        page.evaluate("window.kg.select(window.kg.data.nodes.find(n => n.label === 'Lucky Friday Unit').id)")
        page.locator("#details-observations details").first.locator("summary").click()
        check_source_link(page, "#details-observations a.src-link")
        check_source_link(page, "#details-findings a.src-link")


def test_pages_over_http(browser: object, site: Path) -> None:
    with serving(site) as (graph_url, report_url):
        with opened(browser, graph_url, "graph-http.png") as page:
            check_graph_page(page, "Greens Creek Unit", "greens")
        with opened(browser, report_url, "report-http.png") as page:
            check_report_page(page)
            check_source_link(page, "table.findings a.src-link")
            # served, the viewer also links the whole release at that line
            href = page.locator("table.findings a.src-link").first
            doc, line = href.get_attribute("data-doc"), href.get_attribute("data-line")
            page.goto(graph_url.rstrip("/") + f"/source/{doc}#L{line}")
            assert page.locator(f"#L{line}").is_visible()
            assert page.evaluate("location.hash") == f"#L{line}"


@pytest.mark.slow
def test_corpus_pages(browser: object, corpus_out: Path, tmp_path: Path) -> None:
    """The pages of a real `kg build` of the bundled corpus, from files and over HTTP."""
    site = tmp_path / "corpus"
    site.mkdir()
    for name in ("graph.html", "report.html"):  # the pages alone: they carry the lines they cite
        shutil.copy(corpus_out / name, site / name)
    with opened(browser, (site / "graph.html").as_uri(), "corpus-graph-file.png") as page:
        page.wait_for_function("window.kg && window.kg.ready")
        first = page.evaluate("window.kg.data.nodes.find(n => n.type === 'MiningUnit') || window.kg.data.nodes[0]")
        check_graph_page(page, first["label"], first["label"].lower())
        # a site whose parts report figures: they are on its page, each opening its release at the line
        whole = page.evaluate(FAMILY_WITH_FIGURES_JS)
        assert whole, "some entity of the corpus has parts with observations"
        page.evaluate("id => window.kg.select(id)", whole)
        page.locator("#details-family-observations details").first.locator("summary").click()
        check_source_link(page, "#details-family-observations a.src-link")
    with opened(browser, (site / "report.html").as_uri(), "corpus-report-file.png") as page:
        check_report_page(page)
        points = page.evaluate(ANNUAL_POINTS_JS)
        assert any(p["annual"] for p in points)
        assert all(p["inside"] and p["sameYear"] for p in points), [p for p in points if not p["inside"]]
    with serving(corpus_out) as (graph_url, report_url):
        with opened(browser, graph_url, "corpus-graph-http.png") as page:
            page.wait_for_function("window.kg && window.kg.ready")
            assert _drawn_pixels(page) > 500
        with opened(browser, report_url, "corpus-report-http.png") as page:
            check_report_page(page)


# The first entity (by IRI) one of whose parts has observations in the page's data.
FAMILY_WITH_FIGURES_JS = """() => {
  const d = window.kg.data;
  return Object.keys(d.family).sort().find(id => d.family[id].part.some(m => (d.obs[m] || []).length)) || null;
}"""


def synthetic_rows(hubs: int = 60, leaves: int = 40, cross: int = 600, singles: int = 300) -> tuple[list, list]:
    """graph-nodes and graph-edges rows of a corpus-sized graph: hubs with leaves, cross links, isolated nodes."""
    import random

    rnd = random.Random(1)
    types = ["Mine", "OreBody", "Place", "Person", "Organization", "Property", "Project"]
    nodes, edges = [], []

    def node(iri: str, label: str, typ: str) -> None:
        nodes.append({"entity": iri, "type": typ, "label": label, "aliases": "", "docs": "a.txt", "mentions": "1",
                      "observations": "0"})

    def edge(s: str, p: str, o: str) -> None:
        edges.append({"source": s, "predicate": p, "target": o, "source_label": "", "target_label": "", "value": "",
                      "docs": "a.txt", "sources": "a.txt:1", "statements": "1"})

    for h in range(hubs):
        node(f"urn:h{h}", f"Hub {h}", "MiningUnit")
        for i in range(leaves):
            node(f"urn:l{h}-{i}", f"Leaf {h}-{i}", rnd.choice(types))
            edge(f"urn:l{h}-{i}", "partOf", f"urn:h{h}")
    iris = [n["entity"] for n in nodes]
    for _ in range(cross):
        s, o = rnd.sample(iris, 2)
        edge(s, "locatedIn", o)
    for i in range(singles):
        node(f"urn:s{i}", f"Single {i}", "Place")
    return nodes, edges


# Records the interval between animation frames while a person drags and scrolls the graph.
FRAMES_START_JS = """() => {
  window.__frames = []; window.__stop = false;
  let last = performance.now();
  function f(now) { window.__frames.push(now - last); last = now; if (!window.__stop) requestAnimationFrame(f); }
  requestAnimationFrame(f);
}"""
FRAMES_STOP_JS = "() => { window.__stop = true; return window.__frames.slice(1).sort((a, b) => a - b); }"


def drag_and_zoom(page: object) -> list[float]:
    """Pan by dragging, then zoom in and out with the wheel, as a person would; frame intervals in ms."""
    page.evaluate(FRAMES_START_JS)  # type: ignore[attr-defined]
    mouse = page.mouse  # type: ignore[attr-defined]
    mouse.move(700, 450)
    mouse.down()
    for i in range(40):
        mouse.move(700 + i * 6, 450 + i * 3)
    mouse.up()
    for i in range(30):
        mouse.wheel(0, -120 if i < 15 else 120)
    return page.evaluate(FRAMES_STOP_JS)  # type: ignore[attr-defined]


FULL_RENDER_JS = """() => {
  const r = window.kg.cy.renderer(), t = performance.now();
  for (let i = 0; i < 5; i++) { r.redrawHint('eles', true); r.render({}); }
  return (performance.now() - t) / 5;
}"""


@pytest.mark.slow
def test_large_graph_stays_smooth(browser: object, tmp_path: Path) -> None:
    """~2,700 entities and 3,000 relations: no physics, positions from Python, panning and zooming at frame rate.

    The thresholds are loose because the test machine renders without a GPU and is
    shared; the measured figures are written to test-artifacts/graph-perf.txt.
    """
    import time

    from kg.viz import page_data, render_graph_html

    nodes, edges = synthetic_rows()
    t = time.perf_counter()
    data = page_data(nodes, edges, [], ["a.txt"], [])
    layout_s = time.perf_counter() - t
    page_file = tmp_path / "big.html"
    page_file.write_text(render_graph_html(data), encoding="utf-8")
    with opened(browser, page_file.as_uri(), "graph-large.png") as page:
        page.wait_for_function("window.kg && window.kg.ready")
        ready_ms = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        assert page.evaluate("window.kg.cy.nodes().length") == len(nodes)
        full_ms = page.evaluate(FULL_RENDER_JS)
        frames = drag_and_zoom(page)
        page.fill("#search", "hub 1")
        page.wait_for_function(f"window.kg.visibleNodeCount() < {len(nodes)}")
    median, p90 = frames[len(frames) // 2], frames[int(len(frames) * 0.9)]
    report = (f"nodes {len(nodes)} edges {len(edges)} layout {layout_s:.2f}s page ready {ready_ms:.0f}ms "
              f"full redraw {full_ms:.0f}ms; while dragging and wheel-zooming: {len(frames)} frames, "
              f"median {median:.0f}ms p90 {p90:.0f}ms max {frames[-1]:.0f}ms; html {page_file.stat().st_size} bytes\n")
    (ARTIFACTS / "graph-perf.txt").write_text(report)
    assert layout_s < 30
    assert ready_ms < 30_000
    # 60 fps is 17 ms a frame: panning and zooming draw a cached bitmap, so frames stay near that even
    # here (no GPU, shared cores); the full redraw after a gesture ends is the rare long frame.
    assert p90 < 100, report
