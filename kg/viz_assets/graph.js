/* graph.html behaviour: draw the entity graph at fixed positions, filter, search, show details.
   All text from documents goes into the page through textContent, never innerHTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var docs = data.docs;
  var nodeById = {}, edgeById = {}, typeColor = {};
  data.types.forEach(function (t) { typeColor[t.name] = t.color; });

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  var SEV = ["Violation", "Warning", "Info"];
  function worstSeverity(id) {
    var fs = data.findings[id] || [];
    for (var i = 0; i < SEV.length; i++) {
      for (var j = 0; j < fs.length; j++) if (fs[j].severity === SEV[i]) return SEV[i];
    }
    return fs.length ? "Info" : "";
  }

  var elements = [];
  data.nodes.forEach(function (n) {
    n.search = (n.label + "\u0001" + n.aliases.join("\u0001")).toLowerCase();
    nodeById[n.id] = n;
    var sev = worstSeverity(n.id);
    elements.push({
      group: "nodes",
      data: { id: n.id, label: n.label, type: n.type, color: typeColor[n.type] || "#999", size: n.size },
      position: { x: n.pos[0], y: n.pos[1] },
      classes: sev ? "finding-" + sev : ""
    });
  });
  data.edges.forEach(function (e) {
    edgeById[e.id] = e;
    elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label } });
  });

  var big = data.nodes.length + data.edges.length > 1500;
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    // Positions come from Python; fit: false because fitting measures every label (slow on big graphs).
    layout: { name: "preset", fit: false },
    minZoom: 0.02,
    maxZoom: 5,
    boxSelectionEnabled: false,
    selectionType: "single",
    // Large graphs: draw a cached bitmap while panning/zooming and skip edges meanwhile; their edges are
    // "haystack" lines (no arrowheads, about twice as fast to draw; direction stays in the details panel).
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    hideLabelsOnViewport: big,
    motionBlur: false,
    pixelRatio: big ? 1 : "auto",
    style: [
      { selector: "node", style: {
        "background-color": "data(color)", "width": "data(size)", "height": "data(size)",
        "label": "data(label)", "font-size": 12, "min-zoomed-font-size": big ? 7 : 6, "text-valign": "bottom",
        "text-margin-y": 2, "color": "#222", "border-width": big ? 0 : 1, "border-color": "#fff" } },
      { selector: "node.finding-Violation", style: { "border-width": 4, "border-color": "#d00" } },
      { selector: "node.finding-Warning", style: { "border-width": 4, "border-color": "#f90" } },
      { selector: "node.finding-Info", style: { "border-width": 3, "border-color": "#39f" } },
      { selector: "node.match", style: { "underlay-color": "#1a4fd0", "underlay-opacity": 0.25, "underlay-padding": 6 } },
      { selector: "node:selected", style: { "underlay-color": "#000", "underlay-opacity": 0.3, "underlay-padding": 8 } },
      { selector: "edge", style: {
        "width": 1.4, "line-color": "#b5b5b5", "target-arrow-color": "#b5b5b5", "target-arrow-shape": "triangle",
        "arrow-scale": 0.8, "curve-style": big ? "haystack" : "bezier", "label": "data(label)", "font-size": 9,
        "min-zoomed-font-size": big ? 8 : 5, "color": "#666", "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 1 } },
      { selector: "edge.near", style: { "line-color": "#555", "target-arrow-color": "#555", "width": 2 } },
      { selector: ".hidden", style: { "display": "none" } }
    ]
  });

  // ------------------------------------------------------------------ filters
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  var docSelect = document.getElementById("doc");
  var countEl = document.getElementById("count");

  docs.forEach(function (d, i) { docSelect.appendChild(el("option", { value: String(i), text: d })); });

  function checkboxes(fieldsetId, items, colorOf) {
    var fs = document.getElementById(fieldsetId);
    items.forEach(function (it) {
      var box = el("input", { type: "checkbox", value: it.name });
      box.checked = true;
      box.addEventListener("change", applyFilters);
      fs.appendChild(el("label", null, box,
        colorOf ? el("span", { cls: "swatch", style: "background:" + colorOf(it) }) : null,
        it.name + " (" + it.count + ")"));
    });
  }
  checkboxes("types", data.types, function (t) { return t.color; });
  checkboxes("relations", data.predicates, null);

  function checked(fieldsetId) {
    var s = {};
    document.querySelectorAll("#" + fieldsetId + " input:checked").forEach(function (b) { s[b.value] = true; });
    return s;
  }

  function applyFilters() {
    var q = search.value.trim().toLowerCase();
    var types = checked("types"), preds = checked("relations");
    var doc = docSelect.value === "" ? -1 : Number(docSelect.value);
    var matches = [];
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var d = nodeById[n.id()];
        var ok = types[d.type] === true && (doc < 0 || d.docs.indexOf(doc) >= 0);
        var hit = ok && q !== "" && d.search.indexOf(q) >= 0;
        if (ok && q !== "") ok = hit;
        if (hit) matches.push(d);
        n.toggleClass("hidden", !ok);
        n.toggleClass("match", hit);
      });
      cy.edges().forEach(function (e) {
        var d = edgeById[e.id()];
        var ok = preds[d.label] === true && (doc < 0 || d.docs.indexOf(doc) >= 0) &&
          !e.source().hasClass("hidden") && !e.target().hasClass("hidden");
        e.toggleClass("hidden", !ok);
      });
    });
    var shown = visibleNodes();
    updateCount();
    results.textContent = "";
    matches.sort(function (a, b) { return a.label.localeCompare(b.label); });
    matches.slice(0, 50).forEach(function (d) {
      var li = el("li", { text: d.label + " \u00b7 " + d.type });
      li.addEventListener("click", function () { select(d.id); });
      results.appendChild(li);
    });
    if (matches.length > 50) results.appendChild(el("li", { cls: "muted", text: "\u2026 " + (matches.length - 50) + " more" }));
    if (q !== "" && shown.length) fitNodes(shown, 60);
  }

  function updateCount() {
    countEl.textContent = visibleNodes().length + " of " + data.nodes.length + " entities, " +
      cy.edges().not(".hidden").length + " of " + data.edges.length + " relations, " +
      data.counts.observations + " observations (" + data.counts.facts + " facts), " + data.counts.findings + " validation findings";
  }

  // Fit the view to node positions (cy.fit would measure every label first).
  function fitNodes(nodes, padding) {
    if (!nodes.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    nodes.forEach(function (n) {
      var p = n.position();
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
    });
    var w = cy.width(), h = cy.height();
    var zoom = Math.min((w - 2 * padding) / Math.max(x1 - x0, 1), (h - 2 * padding) / Math.max(y1 - y0, 1));
    zoom = Math.max(cy.minZoom(), Math.min(zoom, 2));
    cy.viewport({ zoom: zoom, pan: { x: w / 2 - zoom * (x0 + x1) / 2, y: h / 2 - zoom * (y0 + y1) / 2 } });
  }

  function visibleNodes() { return cy.nodes().not(".hidden"); }

  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(applyFilters, 120);
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    clearTimeout(timer);
    applyFilters();
    var shown = visibleNodes();
    if (shown.length >= 1 && search.value.trim() !== "") select(shown[0].id());
  });
  docSelect.addEventListener("change", applyFilters);

  // ------------------------------------------------------------------ details
  var panel = document.getElementById("details");
  var body = document.getElementById("details-body");
  document.getElementById("close").addEventListener("click", function () {
    panel.hidden = true;
    cy.elements().unselect();
    cy.edges().removeClass("near");
    cy.resize();
  });

  var numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });
  function fmtValue(v, unit) {
    var n = Number(v);
    var text = isFinite(n) ? numberFormat.format(n) : v;
    return unit ? text + " " + unit : text;
  }
  function fmtPeriod(start, end) { return start ? start + " \u2013 " + end : "at " + end; }

  function section(title) { return el("h3", { text: title }); }

  // A FILE:LINE that opens the release at that line (sources.js): "doc:line" text, or doc and line.
  function srcLink(doc, line, mark) {
    var attrs = { cls: "src-link", href: "#" + doc + ":" + line, "data-doc": doc, "data-line": String(line), text: doc + ":" + line };
    if (mark) attrs["data-mark"] = mark;
    return el("a", attrs);
  }
  function srcLinks(list) {
    var box = el("div", { cls: "src" });
    list.forEach(function (s) {
      var at = s.lastIndexOf(":");
      box.appendChild(srcLink(s.slice(0, at), s.slice(at + 1)));
    });
    return box;
  }

  function relationItem(e, outgoing) {
    var other = nodeById[outgoing ? e.target : e.source];
    var otherLabel = other ? other.label : (outgoing ? e.target : e.source);
    var link = el("span", { cls: "link", text: otherLabel });
    link.addEventListener("click", function () { select(outgoing ? e.target : e.source); });
    var li = outgoing ? el("li", null, e.label + " \u2192 ", link) : el("li", null, link, " \u2192 " + e.label + " \u2192 this");
    if (e.value) li.appendChild(document.createTextNode(" (" + e.value.split(" | ").join(", ") + ")"));
    if (e.sources.length) li.appendChild(srcLinks(e.sources));
    return li;
  }

  // One <details> per series (metric, category, unit): the latest value, then every value with its FILE:LINE.
  function seriesList(groups, prefix, attrs) {
    var wrap = el("div", attrs);
    groups.forEach(function (g) {
      var latest = g.values[0];
      var name = prefix + (g.label ? g.label + " [" + g.metric + "]" : g.metric);
      if (g.category) name += " \u00b7 " + g.category;
      var rows = g.values.map(function (v) {
        return el("tr", null, el("td", { text: fmtPeriod(v[0], v[1]) }), el("td", { cls: "num", text: fmtValue(v[2], g.unit) }),
          el("td", { cls: "src" }, srcLink(docs[v[3]], v[4], v[5])));
      });
      if (g.n > g.values.length) rows.push(el("tr", null, el("td", { cls: "muted", colspan: "3",
        text: "\u2026 and " + (g.n - g.values.length) + " older values (see observations.csv)" })));
      wrap.appendChild(el("details", null,
        el("summary", null, name + ": " + fmtValue(latest[2], g.unit) + " (" + fmtPeriod(latest[0], latest[1]) + ")" +
          (g.n > 1 ? ", " + g.n + " values" : "")),
        el("table", null, ...rows)));
    });
    return wrap;
  }

  // The entity's family (entity-family.rq): what it is part of, its parts (a unit's mines and their
  // ore bodies), each a link to its own details, and the parts' observations with their sources.
  function familySection(id) {
    var fam = (data.family || {})[id];
    if (!fam || !(fam.whole.length || fam.part.length)) return;
    function member(m) {
      var other = nodeById[m];
      var link = el("span", { cls: "link", text: other.label });
      link.addEventListener("click", function () { select(m); });
      return el("li", null, link, " (" + other.type + "; " + other.mentions + " mentions, " + (other.observations || 0) + " observations)");
    }
    body.appendChild(section("Family (" + (fam.whole.length + fam.part.length) + ")"));
    var list = el("ul", { id: "details-family" });
    if (fam.whole.length) list.appendChild(el("li", null, "part of", el("ul", null, ...fam.whole.map(member))));
    if (fam.part.length) list.appendChild(el("li", null, "parts", el("ul", null, ...fam.part.map(member))));
    body.appendChild(list);
    var partGroups = [];
    fam.part.forEach(function (m) {
      (data.obs[m] || []).forEach(function (g) { partGroups.push({ member: m, group: g }); });
    });
    if (partGroups.length) {
      body.appendChild(section("Observations of its parts (" + partGroups.length + " series)"));
      var wrap = el("div", { id: "details-family-observations" });
      partGroups.forEach(function (pg) {
        wrap.appendChild(seriesList([pg.group], nodeById[pg.member].label + ": ", null).firstChild);
      });
      body.appendChild(wrap);
    }
  }

  function showDetails(id) {
    var n = nodeById[id];
    if (!n) return;
    body.textContent = "";
    body.appendChild(el("h2", { text: n.label }));
    body.appendChild(el("span", { cls: "badge", style: "background:" + (typeColor[n.type] || "#999"), text: n.type }));
    body.appendChild(el("div", { cls: "iri", text: n.id }));

    var props = el("table", null,
      el("tr", null, el("th", { text: "Mentions" }), el("td", { text: String(n.mentions) })),
      el("tr", null, el("th", { text: "Observations" }), el("td", { text: String(n.observations) })));
    body.appendChild(props);

    if (n.aliases.length) {
      body.appendChild(section("Aliases"));
      body.appendChild(el("ul", null, ...n.aliases.map(function (a) { return el("li", { text: a }); })));
    }
    var out = data.edges.filter(function (e) { return e.source === id; });
    var inc = data.edges.filter(function (e) { return e.target === id; });
    if (out.length || inc.length) {
      body.appendChild(section("Relations (" + (out.length + inc.length) + ")"));
      body.appendChild(el("ul", null, ...out.map(function (e) { return relationItem(e, true); }),
        ...inc.map(function (e) { return relationItem(e, false); })));
    }
    var groups = data.obs[id] || [];
    if (groups.length) {
      body.appendChild(section("Observations (" + n.observations + " in " + groups.length + " series)"));
      body.appendChild(seriesList(groups, "", { id: "details-observations" }));
    }
    familySection(id);
    var fs = data.findings[id] || [];
    if (fs.length) {
      var counts = {};
      fs.forEach(function (f) { counts[f.severity] = (counts[f.severity] || 0) + 1; });
      var summary = Object.keys(counts).map(function (k) { return counts[k] + " " + k.toLowerCase(); }).join(", ");
      body.appendChild(section("Validation findings (" + summary + ")"));
      var list = el("ul", { id: "details-findings" }, ...fs.slice(0, 50).map(function (f) {
        return el("li", null, el("span", { cls: "sev sev-" + f.severity, text: f.severity }), " " + f.message,
          f.sources.length ? srcLinks(f.sources) : null);
      }));
      if (fs.length > 50) list.appendChild(el("li", { cls: "muted", text: "\u2026 " + (fs.length - 50) + " more in validation.txt" }));
      var box = el("details", null, el("summary", { text: fs.length + (fs.length === 1 ? " finding" : " findings") }), list);
      if (fs.length <= 5) box.open = true;
      body.appendChild(box);
    }
    if (n.docs.length) {
      body.appendChild(section("Documents (" + n.docs.length + ")"));
      body.appendChild(el("ul", null, ...n.docs.map(function (i) { return el("li", { cls: "src", text: docs[i] }); })));
    }
    var wasHidden = panel.hidden;
    panel.hidden = false;
    if (wasHidden) cy.resize();
    cy.edges().removeClass("near");
    cy.getElementById(id).connectedEdges().addClass("near");
  }

  function select(id) {
    var node = cy.getElementById(id);
    if (node.empty()) return;
    cy.elements().unselect();
    node.select();
    showDetails(id);
    if (node.hasClass("hidden")) return;
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
  }

  cy.on("tap", "node", function (ev) { select(ev.target.id()); });

  updateCount();  // everything starts visible: no need to run the filters
  fitNodes(cy.nodes(), 40);
  // A small API for people in the console and for the browser tests.
  window.kg = {
    cy: cy,
    data: data,
    ready: true,
    visibleNodeCount: function () { return visibleNodes().length; },
    search: function (q) { search.value = q; applyFilters(); return visibleNodes().length; },
    select: select
  };
})();
