/* actorgraph HTML viewer: draws the node-link JSON embedded in the page with
 * Cytoscape.js.  Every piece of graph data reaches the page through
 * textContent or Cytoscape's canvas, never through innerHTML. */
(function () {
  "use strict";

  var root = document.documentElement;
  var COLOR = /^#[0-9a-fA-F]{6}$/;
  var NODE_COLOR = "#7f7f7f", EDGE_COLOR = "#999999";
  var HIDDEN_KEYS = { id: 1, source: 1, target: 1, key: 1 };

  function byId(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  function num(v, fallback) { return typeof v === "number" && isFinite(v) ? v : fallback; }

  function str(v) { return v === undefined || v === null ? "" : String(v); }

  function color(v, fallback) { return typeof v === "string" && COLOR.test(v) ? v : fallback; }

  function splitList(v) {
    return str(v).split(" | ").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function formatValue(v) {
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number" && !Number.isInteger(v)) return String(Number(v.toPrecision(6)));
    return str(v);
  }

  /* A small seeded generator, so that the layout (which calls Math.random)
   * gives the same picture every time the page is opened. */
  function seededRandom(seed) {
    var s = seed >>> 0;
    return function () {
      s = (s + 0x6d2b79f5) >>> 0;
      var t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function readGraph() {
    var data = JSON.parse(byId("ag-data").textContent);
    return {
      nodes: Array.isArray(data.nodes) ? data.nodes : [],
      links: Array.isArray(data.links) ? data.links : Array.isArray(data.edges) ? data.edges : []
    };
  }

  /* Cytoscape wants ids unique across nodes and edges; ours are unique
   * within each, so prefix them. */
  function buildElements(graph, info) {
    var elements = [], seen = Object.create(null), skipped = 0;
    graph.nodes.forEach(function (n, i) {
      var id = str(n.id);
      if (!id || seen[id]) { skipped++; return; }
      seen[id] = true;
      var cid = "n:" + id;
      info[cid] = n;
      var angle = i * 2.399963, radius = 40 * Math.sqrt(i + 1);
      elements.push({
        group: "nodes",
        data: {
          id: cid,
          label: str(n.label) || id,
          color: color(n.color, NODE_COLOR),
          w: Math.max(8, Math.min(80, num(n.size, 20)))
        },
        position: { x: radius * Math.cos(angle), y: radius * Math.sin(angle) }
      });
    });
    graph.links.forEach(function (l, i) {
      var s = str(l.source), t = str(l.target);
      if (!seen[s] || !seen[t]) { skipped++; return; }
      var cid = "e:" + (str(l.id) || str(l.key) || String(i)) + ":" + i;
      info[cid] = l;
      var weight = num(l.weight, 1);
      elements.push({
        group: "edges",
        data: {
          id: cid,
          source: "n:" + s,
          target: "n:" + t,
          relation: str(l.relation),
          label: str(l.label) || str(l.relation),
          color: color(l.color, EDGE_COLOR),
          w: Math.min(8, 1.5 + Math.log(Math.max(1, weight)) * 1.5)
        }
      });
    });
    return { elements: elements, skipped: skipped };
  }

  var STYLE = [
    { selector: "node", style: {
      "background-color": "data(color)", width: "data(w)", height: "data(w)",
      label: "data(label)", "font-size": 16, color: "#222",
      "text-valign": "bottom", "text-margin-y": 3,
      "text-wrap": "ellipsis", "text-max-width": "140px",
      "text-outline-color": "#ffffff", "text-outline-width": 3,
      "min-zoomed-font-size": 4, "border-width": 1, "border-color": "#ffffff"
    } },
    { selector: "edge", style: {
      "line-color": "data(color)", "target-arrow-color": "data(color)",
      "target-arrow-shape": "triangle", "arrow-scale": 0.8,
      "curve-style": "bezier", width: "data(w)", opacity: 0.85,
      label: "data(label)", "font-size": 11, color: "#444",
      "text-rotation": "autorotate", "text-background-color": "#ffffff",
      "text-background-opacity": 0.75, "text-background-padding": "1px",
      "min-zoomed-font-size": 5
    } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#222" } },
    { selector: "edge:selected", style: { opacity: 1, "underlay-color": "#ffd54f",
      "underlay-opacity": 0.6, "underlay-padding": 3 } },
    { selector: ".ag-dim", style: { opacity: 0.12, "text-opacity": 0.2 } },
    { selector: "node.ag-hit", style: { "border-width": 5, "border-color": "#000000",
      "font-size": 13, "font-weight": "bold", "z-index": 10 } },
    { selector: ".ag-hidden", style: { display: "none" } }
  ];

  function runLayout(cy, done) {
    var saved = Math.random;
    var n = cy.nodes().length;
    Math.random = seededRandom(20240611);
    var layout = cy.layout({
      name: "cose", randomize: false, animate: false, fit: true, padding: 30,
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: function () { return 60; },
      nodeRepulsion: function () { return 9000; },
      edgeElasticity: function () { return 60; },
      nodeOverlap: 12, gravity: 1, componentSpacing: 50,
      numIter: n > 150 ? 600 : 1000
    });
    var finished = false;
    function finish() {
      if (finished) return;
      finished = true;
      Math.random = saved;
      done();
    }
    cy.resize();
    layout.one("layoutstop", finish);
    try {
      layout.run();
    } finally {
      if (!finished) Math.random = saved;
    }
  }

  function start() {
    var info = Object.create(null);
    var graph = readGraph();
    var built = buildElements(graph, info);
    var cy = cytoscape({
      container: byId("ag-graph"),
      elements: built.elements,
      style: STYLE,
      minZoom: 0.05,
      maxZoom: 6,
      boxSelectionEnabled: false
    });
    var state = { cy: cy, info: info, hit: null };

    setupFilter(state);
    setupSearch(state);
    setupDetails(state);
    byId("ag-fit").addEventListener("click", function () { cy.fit(cy.elements(":visible"), 30); });
    keepFitted(state);

    runLayout(cy, function () {
      updateCount(state);
      root.setAttribute("data-ag-nodes", String(cy.nodes().length));
      root.setAttribute("data-ag-edges", String(cy.edges().length));
      root.setAttribute("data-ag-skipped", String(built.skipped));
      openFromHash(state);
      root.setAttribute("data-ag-ready", "1");
    });
  }

  /* page.html#actor=lazarus-group opens with that actor found (an id, a
   * label or an alias), so a link can point at one actor. */
  function openFromHash(state) {
    var m = /^#actor=(.*)$/.exec(location.hash);
    if (!m) return;
    var query;
    try { query = decodeURIComponent(m[1]); } catch (e) { return; }
    byId("ag-search").value = query;
    var node = findNode(state, query);
    if (node) highlight(state, node);
    else byId("ag-search-status").textContent = "no actor matches";
  }

  /* Until the reader pans or zooms, a resized window re-fits the graph
   * (a browser may size the page only after the layout ran). */
  function keepFitted(state) {
    var box = byId("ag-graph"), touched = false;
    ["wheel", "mousedown", "touchstart", "keydown"].forEach(function (type) {
      box.addEventListener(type, function () { touched = true; }, { passive: true });
    });
    window.addEventListener("resize", function () {
      state.cy.resize();
      if (!touched && !state.hit) state.cy.fit(state.cy.elements(":visible"), 30);
    });
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function updateCount(state) {
    var cy = state.cy;
    var nodes = cy.nodes().length, edges = cy.edges().length;
    var vn = cy.nodes().not(".ag-hidden").length, ve = cy.edges().not(".ag-hidden").length;
    var text = plural(nodes, "actor", "actors") + ", " + plural(edges, "relation", "relations");
    if (vn !== nodes || ve !== edges) text += " (showing " + vn + " and " + ve + ")";
    byId("ag-count").textContent = text;
  }

  /* ---- filter by relation ---------------------------------------------- */

  function setupFilter(state) {
    var cy = state.cy, box = byId("ag-relations");
    var counts = Object.create(null), colors = Object.create(null), names = [];
    cy.edges().forEach(function (e) {
      var r = e.data("relation") || "(none)";
      if (!(r in counts)) { counts[r] = 0; colors[r] = e.data("color"); names.push(r); }
      counts[r]++;
    });
    names.sort();
    var boxes = [];
    names.forEach(function (r) {
      var label = el("label"), input = el("input"), swatch = el("span", "ag-swatch");
      input.type = "checkbox";
      input.checked = true;
      input.value = r;
      swatch.style.backgroundColor = colors[r];
      label.appendChild(input);
      label.appendChild(swatch);
      label.appendChild(el("span", "", r));
      label.appendChild(el("span", "ag-n", counts[r]));
      box.appendChild(label);
      boxes.push(input);
      input.addEventListener("change", function () { applyFilter(state, boxes); });
    });
    if (!names.length) box.appendChild(el("p", "ag-hint", "No relations."));
    function setAll(on) {
      boxes.forEach(function (b) { b.checked = on; });
      applyFilter(state, boxes);
    }
    byId("ag-all").addEventListener("click", function () { setAll(true); });
    byId("ag-none").addEventListener("click", function () { setAll(false); });
  }

  /* Hide the edges of unticked relations, and the actors left with no
   * visible relation (actors that never had one stay). */
  function applyFilter(state, boxes) {
    var cy = state.cy, shown = Object.create(null);
    boxes.forEach(function (b) { if (b.checked) shown[b.value] = true; });
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        if (shown[e.data("relation") || "(none)"]) e.removeClass("ag-hidden");
        else e.addClass("ag-hidden");
      });
      cy.nodes().forEach(function (n) {
        var edges = n.connectedEdges();
        if (edges.length && !edges.not(".ag-hidden").length) n.addClass("ag-hidden");
        else n.removeClass("ag-hidden");
      });
    });
    updateCount(state);
  }

  /* ---- search ------------------------------------------------------------ */

  function nodeNames(n, id) {
    var names = [str(n.label), id];
    return names.concat(splitList(n.aliases)).filter(Boolean).map(function (s) {
      return s.toLowerCase();
    });
  }

  function findNode(state, query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var exact = null, partial = null;
    state.cy.nodes().forEach(function (node) {
      if (exact) return;
      var names = nodeNames(state.info[node.id()], node.id().slice(2));
      if (names.indexOf(q) >= 0) exact = node;
      else if (!partial && names.some(function (s) { return s.indexOf(q) >= 0; })) partial = node;
    });
    return exact || partial;
  }

  function clearHighlight(state) {
    state.cy.elements().removeClass("ag-dim ag-hit");
    state.hit = null;
  }

  function highlight(state, node) {
    var cy = state.cy;
    clearHighlight(state);
    state.hit = node;
    var near = node.closedNeighborhood();
    cy.batch(function () {
      cy.elements().not(near).addClass("ag-dim");
      node.addClass("ag-hit");
    });
    cy.$(":selected").unselect();
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.3) }, { duration: 300 });
    showNode(state, node);
  }

  function setupSearch(state) {
    var input = byId("ag-search"), status = byId("ag-search-status"), list = byId("ag-names");
    var labels = [];
    state.cy.nodes().forEach(function (node) {
      labels.push(str(state.info[node.id()].label) || node.id().slice(2));
    });
    labels.sort().forEach(function (l, i) {
      if (i && labels[i - 1] === l) return;
      var option = el("option");
      option.value = l;
      list.appendChild(option);
    });
    byId("ag-search-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var node = findNode(state, input.value);
      status.textContent = "";
      if (node) {
        if (node.hasClass("ag-hidden")) status.textContent = "hidden by the relation filter";
        highlight(state, node);
      } else if (input.value.trim()) {
        status.textContent = "no actor matches";
        clearHighlight(state);
      } else {
        clearHighlight(state);
      }
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        input.value = "";
        status.textContent = "";
        clearHighlight(state);
      }
    });
  }

  /* ---- details panel --------------------------------------------------- */

  function setupDetails(state) {
    var cy = state.cy;
    cy.on("tap", "node", function (ev) { highlight(state, ev.target); });
    cy.on("tap", "edge", function (ev) { showEdge(state, ev.target); });
    cy.on("tap", function (ev) {
      if (ev.target === cy) {
        clearHighlight(state);
        resetDetails();
      }
    });
  }

  function resetDetails() {
    var box = byId("ag-details");
    clear(box);
    box.appendChild(el("h2", "", "Details"));
    box.appendChild(el("p", "ag-hint",
      "Click an actor or a relation to read its attributes, evidence and sources."));
  }

  function attrTable(obj, skip) {
    var table = el("table", "ag-attrs");
    Object.keys(obj).forEach(function (k) {
      if (HIDDEN_KEYS[k] || skip[k]) return;
      var tr = el("tr");
      tr.appendChild(el("th", "", k));
      tr.appendChild(el("td", "", formatValue(obj[k])));
      table.appendChild(tr);
    });
    return table;
  }

  function link(text, onClick) {
    var a = el("a", "ag-link", text);
    a.tabIndex = 0;
    a.addEventListener("click", onClick);
    a.addEventListener("keydown", function (ev) { if (ev.key === "Enter") onClick(); });
    return a;
  }

  function nodeLabel(state, node) {
    return str(state.info[node.id()].label) || node.id().slice(2);
  }

  function edgeTitle(state, edge) {
    return nodeLabel(state, edge.source()) + " \u2192 " + (edge.data("label") || "?") +
      " \u2192 " + nodeLabel(state, edge.target());
  }

  function sourcesList(items) {
    var ul = el("ul", "ag-list");
    items.forEach(function (s) { ul.appendChild(el("li", "", s)); });
    return ul;
  }

  function showNode(state, node) {
    var box = byId("ag-details"), n = state.info[node.id()];
    clear(box);
    box.appendChild(el("h2", "", nodeLabel(state, node)));
    box.appendChild(el("p", "ag-hint", node.id().slice(2) + (n.actor_type ? " \u00b7 " + n.actor_type : "")));
    box.appendChild(attrTable(n, {}));
    var edges = node.connectedEdges();
    var sources = Object.create(null), sourceNames = [];
    box.appendChild(el("h2", "", "Relations (" + edges.length + ")"));
    var ul = el("ul", "ag-list");
    edges.forEach(function (edge) {
      var li = el("li");
      li.appendChild(link(edgeTitle(state, edge), function () { showEdge(state, edge); }));
      var evidence = str(state.info[edge.id()].evidence);
      if (evidence) li.appendChild(el("blockquote", "ag-evidence", evidence));
      ul.appendChild(li);
      splitList(state.info[edge.id()].sources).forEach(function (s) {
        if (!sources[s]) { sources[s] = true; sourceNames.push(s); }
      });
    });
    box.appendChild(ul);
    if (sourceNames.length) {
      box.appendChild(el("h2", "", "Sources"));
      box.appendChild(sourcesList(sourceNames.sort()));
    }
  }

  function showEdge(state, edge) {
    var box = byId("ag-details"), e = state.info[edge.id()];
    state.cy.$(":selected").unselect();
    edge.select();
    clear(box);
    var title = el("h2");
    title.appendChild(link(nodeLabel(state, edge.source()), function () { highlight(state, edge.source()); }));
    title.appendChild(document.createTextNode(" \u2192 " + (edge.data("label") || "?") + " \u2192 "));
    title.appendChild(link(nodeLabel(state, edge.target()), function () { highlight(state, edge.target()); }));
    box.appendChild(title);
    if (e.evidence) {
      box.appendChild(el("h2", "", "Evidence"));
      box.appendChild(el("blockquote", "ag-evidence", e.evidence));
    }
    var sources = splitList(e.sources);
    if (sources.length) {
      box.appendChild(el("h2", "", "Sources"));
      box.appendChild(sourcesList(sources));
    }
    box.appendChild(el("h2", "", "Attributes"));
    box.appendChild(attrTable(e, { evidence: 1, sources: 1 }));
  }

  try {
    start();
  } catch (err) {
    byId("ag-count").textContent = "the graph could not be drawn: " + err.message;
    throw err;
  }
})();
