// ecograph page: every text reaches the DOM through textContent, never as HTML.
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("ecograph-data").textContent);
  var options = JSON.parse(document.getElementById("ecograph-options").textContent);
  var meta = data.meta;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  var hiddenKinds = new Set();
  var hiddenEdgeKinds = new Set();
  var kindOf = {};
  var base = {};
  data.nodes.forEach(function (n) { kindOf[n.id] = n.kind; base[n.id] = n; });
  var baseEdge = {};
  data.edges.forEach(function (e) { baseEdge[e.id] = e; });

  function nodeItem(n, dim, member) {
    var c = dim ? n.dimColor : n.color;
    return {
      id: n.id, label: n.label, kind: n.kind, x: n.x, y: n.y, size: member ? n.size * 1.25 + 4 : n.size, shape: n.shape,
      color: { background: c, border: member ? "#1d2430" : c, highlight: { background: n.color, border: "#000000" } },
      borderWidth: member ? 2 : 1,
      font: member ? { color: "#000000", size: 16 } : { color: dim ? "#b8bcc4" : "#1d2430" },
      current: c
    };
  }
  function edgeItem(e, dim, member) {
    var c = dim ? e.dimColor : e.color;
    var item = { id: e.id, from: e.from, to: e.to, kind: e.kind, color: { color: c, highlight: e.color }, width: member ? 3 : (e.width || 1), current: c };
    if (e.label) item.label = e.label;
    return item;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) { return nodeItem(n, false, false); }));
  var edges = new vis.DataSet(data.edges.map(function (e) { return edgeItem(e, false, false); }));
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return !hiddenKinds.has(n.kind); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) {
      return !hiddenEdgeKinds.has(e.kind) && !hiddenKinds.has(kindOf[e.from]) && !hiddenKinds.has(kindOf[e.to]);
    }
  });

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  // --- chains: members keep their colour, everything else is dimmed ---------------
  var chainNodes = new Set(), chainEdges = new Set();
  data.chains.forEach(function (c) {
    c.members.forEach(function (m) { chainNodes.add(m); });
    c.edges.forEach(function (m) { chainEdges.add(m); });
  });
  var chainOn = false;
  function applyChains(on) {
    chainOn = on && chainNodes.size > 0;
    nodes.update(data.nodes.map(function (n) {
      var member = chainOn && chainNodes.has(n.id);
      return nodeItem(n, chainOn && !member, member);
    }));
    edges.update(data.edges.map(function (e) {
      var member = chainOn && chainEdges.has(e.id);
      return edgeItem(e, chainOn && !member, member);
    }));
    var t = document.getElementById("chain-toggle");
    t.setAttribute("aria-pressed", String(chainOn));
    t.textContent = chainOn ? "Highlight on" : "Highlight off";
  }
  if (data.chains.length) {
    var list = document.getElementById("chains");
    data.chains.forEach(function (c) {
      list.appendChild(el("li", c.name + ": " + c.instances + " instance(s), " + c.members.length + " nodes"));
    });
    document.getElementById("chains-box").hidden = false;
    document.getElementById("chain-toggle").addEventListener("click", function () { applyChains(!chainOn); });
    applyChains(true);
  }

  // --- legend with toggles ---------------------------------------------------------
  function legend(listId, entries, hidden, isEdge) {
    var ul = document.getElementById(listId);
    entries.forEach(function (entry) {
      var b = el("button", null, "entry");
      b.type = "button";
      b.setAttribute("aria-pressed", "true");
      b.setAttribute("data-kind", entry.kind);
      var sw = el("span", null, isEdge ? "swatch edge" : "swatch");
      sw.style.backgroundColor = entry.color;
      b.appendChild(sw);
      b.appendChild(el("span", entry.kind, "name"));
      if (entry.shape) b.title = "shape: " + entry.shape;
      b.appendChild(el("span", entry.count, "count"));
      b.addEventListener("click", function () {
        if (hidden.has(entry.kind)) hidden.delete(entry.kind); else hidden.add(entry.kind);
        b.setAttribute("aria-pressed", String(!hidden.has(entry.kind)));
        nodeView.refresh();
        edgeView.refresh();
        status();
      });
      var li = el("li");
      li.appendChild(b);
      ul.appendChild(li);
    });
  }
  legend("legend-nodes", data.legend.nodes, hiddenKinds, false);
  legend("legend-edges", data.legend.edges, hiddenEdgeKinds, true);
  document.getElementById("size-note").textContent = "Node size: " + meta.sizeMeasure +
    (meta.aggregated ? ". More than " + meta.maxNodes + " nodes: one node per class." : ".");

  // --- details panel and tooltip ------------------------------------------------------
  function figureText(f) {
    var value = typeof f.value === "number" ? f.value.toLocaleString("en") : String(f.value);
    var parts = [f.indicator + ": " + (f.qualifier && f.qualifier !== "exact" ? f.qualifier + " " : "") + value + (f.unit ? " " + f.unit : "")];
    if (f.year) parts.push("(" + f.year + ")");
    if (f.growth !== null && f.growth !== undefined) {
      parts.push("growth " + (f.growthQualifier && f.growthQualifier !== "exact" ? f.growthQualifier + " " : "") + f.growth + " %");
    }
    return parts.join(" ");
  }
  function showDetails(id) {
    var d = data.details[id];
    var panel = document.getElementById("panel");
    clear(panel);
    if (!d) { panel.hidden = true; return; }
    panel.appendChild(el("h2", d.label, "name"));
    if (d.labelZh && d.labelZh !== d.label) panel.appendChild(el("p", d.labelZh, "zh"));
    if (d.iri) panel.appendChild(el("p", d.iri, "iri"));
    var dl = el("dl");
    dl.appendChild(el("dt", "Class"));
    dl.appendChild(el("dd", d.classes.length ? d.classes.join(", ") : d.kind));
    panel.appendChild(dl);
    if (d.figures.length) {
      panel.appendChild(el("h2", "Figures"));
      d.figures.forEach(function (f) {
        var div = el("div", null, "figure");
        div.appendChild(el("div", figureText(f)));
        if (f.source) div.appendChild(el("div", "Source: " + f.source, "src"));
        panel.appendChild(div);
      });
    }
    if (d.sources.length) {
      panel.appendChild(el("h2", "Sources"));
      var ul = el("ul", null, "sources");
      d.sources.forEach(function (s) { ul.appendChild(el("li", s)); });
      panel.appendChild(ul);
    }
    panel.hidden = false;
  }
  var tooltip = document.getElementById("tooltip");
  function showTooltip(lines, pointer) {
    clear(tooltip);
    lines.forEach(function (line, i) { tooltip.appendChild(el("div", line, i === 0 ? "tip-title" : "tip-line")); });
    tooltip.style.left = (pointer.x + 12) + "px";
    tooltip.style.top = (pointer.y + 12) + "px";
    tooltip.hidden = false;
  }
  network.on("hoverNode", function (p) {
    var d = data.details[p.node];
    if (!d) return;
    var lines = [d.label, d.classes.length ? d.classes.join(", ") : d.kind];
    d.figures.slice(0, 3).forEach(function (f) { lines.push(figureText(f)); });
    if (d.sources.length) lines.push("Source: " + d.sources.join("; "));
    showTooltip(lines, p.pointer.DOM);
  });
  network.on("hoverEdge", function (p) {
    var e = baseEdge[p.edge];
    if (!e) return;
    var lines = [e.title_text || e.kind];
    if (e.count) lines.push(e.count + " edges");
    if (e.sources && e.sources.length) lines.push("Source: " + e.sources.join("; "));
    showTooltip(lines, p.pointer.DOM);
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("blurEdge", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });
  network.on("selectNode", function (p) { if (p.nodes.length) showDetails(p.nodes[0]); });

  // --- search by English or Chinese label -----------------------------------------------
  function matches(query) {
    var q = query.trim().toLocaleLowerCase();
    if (!q) return [];
    return data.nodes.filter(function (n) {
      return n.label.toLocaleLowerCase().indexOf(q) >= 0 || (n.labelZh && n.labelZh.toLocaleLowerCase().indexOf(q) >= 0);
    }).map(function (n) { return n.id; });
  }
  function select(id) {
    if (hiddenKinds.has(kindOf[id])) {
      hiddenKinds.delete(kindOf[id]);
      var b = document.querySelector('#legend-nodes button[data-kind="' + CSS.escape(kindOf[id]) + '"]');
      if (b) b.setAttribute("aria-pressed", "true");
      nodeView.refresh();
      edgeView.refresh();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showDetails(id);
  }
  function search(query) {
    var found = matches(query);
    var box = document.getElementById("results-box"), ol = document.getElementById("results");
    clear(ol);
    found.slice(0, 25).forEach(function (id) {
      var b = el("button", base[id].label + (base[id].labelZh && base[id].labelZh !== base[id].label ? " · " + base[id].labelZh : ""), "entry");
      b.type = "button";
      b.addEventListener("click", function () { select(id); });
      var li = el("li");
      li.appendChild(b);
      ol.appendChild(li);
    });
    box.hidden = found.length === 0;
    if (found.length) select(found[0]);
    document.getElementById("status").textContent = found.length ? found.length + " match(es)" : "no match for " + query;
    return found;
  }
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("search").value);
  });

  function counts() {
    return {
      nodes: network.body.nodeIndices.length,
      edges: network.body.edgeIndices.length,
      viewNodes: nodeView.length,
      viewEdges: edgeView.length,
      totalNodes: nodes.length,
      totalEdges: edges.length
    };
  }
  function status() {
    var c = counts();
    document.getElementById("status").textContent = c.nodes + " nodes, " + c.edges + " edges shown" +
      (meta.aggregated ? " (" + meta.graphNodes + " nodes aggregated by class)" : "");
  }
  document.getElementById("title").textContent = meta.title;
  document.title = meta.title;
  status();

  // Test hook: read-only views of the page's state, used by the browser tests.
  window.ecograph = {
    meta: meta,
    network: network,
    nodes: nodes,
    edges: edges,
    counts: counts,
    search: search,
    select: select,
    chainsOn: function () { return chainOn; },
    highlighted: function () {
      return nodes.get({ filter: function (n) { return chainOn && n.current === base[n.id].color; } }).map(function (n) { return n.id; });
    },
    ready: false,
    readyMs: null
  };
  network.once("afterDrawing", function () {
    window.ecograph.readyMs = performance.now() - started;
    window.ecograph.ready = true;
  });
})();
