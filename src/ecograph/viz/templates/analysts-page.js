// ecograph page: legend, search, profile, labels and the measuring hook. Every text from the data
// reaches the DOM through textContent or a canvas, never as HTML. The renderer (renderer-*.js) draws.
(function () {
  "use strict";
  // The map's data comes first; profiles, sources, figures and IRIs follow the scripts (page.py's
  // split_payload) and are read once the first frame is drawn, so the browser parses them after it.
  var data = JSON.parse(document.getElementById("ecograph-data").textContent);
  var meta = data.meta, N = data.nodes.x.length, E = data.edges.s.length;
  var col = data.nodes, classes = data.classes, sections = [], detailsLoaded = false;
  data.profiles = {};
  data.edgeSources = {};
  data.terms = {};
  col.id = [];
  function loadDetails() {
    if (detailsLoaded) return;
    var details = JSON.parse(document.getElementById("ecograph-details").textContent);
    // The details keep every repeated string once (payload.py): IRIs as namespace + local part,
    // classes and source sections as indexes into tables. Profiles get them back as lists.
    var ids = details.ids, sets = details.sourceSets, i;
    col.id = new Array(N);
    for (i = 0; i < N; i++) col.id[i] = ids.prefixes[ids.prefix[i]] + ids.local[i];
    data.profiles = details.profiles;
    for (i = 0; i < N; i++) {
      var c = details.nodeClasses[i], s = details.nodeSources[i], named = details.namesAreLabels[i];
      if (c < 0 && s < 0 && !named) continue;
      var q = data.profiles[String(i)] || (data.profiles[String(i)] = {});
      if (c >= 0) q.classes = details.classSets[c];
      if (named) q.names = col.zh[i] ? [["en", col.label[i]], ["zh", col.zh[i]]] : [["en", col.label[i]]];
      if (s >= 0) q.sources = sets[s];
    }
    // Indexed by edge: data.edgeSources[String(e)] reads it as before.
    data.edgeSources = details.edgeSources.map(function (k) { return k >= 0 ? sets[k] : undefined; });
    data.terms = details.terms;
    data.sections = sections = details.sections;
    data.figures = details.figures;
    // Figures come as one columnar table; each node's profile gets its figures back as objects.
    var t = data.figures, iri = function (k) { return k >= 0 ? t.iris[k] : ""; };
    for (var f = 0; f < (t.node || []).length; f++) {
      var key = String(t.node[f]);
      var p = data.profiles[key] || (data.profiles[key] = {});
      (p.figures = p.figures || []).push({
        iri: "figure:" + f, indicator: iri(t.indicator[f]), value: t.value[f], unit: iri(t.unit[f]),
        qualifier: iri(t.qualifier[f]), year: t.year[f], growth: t.growth[f], growthQualifier: iri(t.growthQualifier[f]),
        area: iri(t.area[f]), partOf: t.partOf[f] >= 0 ? "figure:" + t.partOf[f] : "",
        subsetOf: t.subsetOf[f] >= 0 ? "figure:" + t.subsetOf[f] : "", source: t.source[f] >= 0 ? t.source[f] : null
      });
    }
    detailsLoaded = true;
    if (!document.getElementById("figures-view").hidden) showTab("figures");  // opened before the details were in
    ready();
  }
  var LABEL_FONT = "12px system-ui, 'Noto Sans', 'WenQuanYi Micro Hei', sans-serif";
  var MAX_LABELS = 250;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function short(iri) {
    var s = String(iri || "");
    if (s.indexOf("://") < 0) return s;  // not an IRI: the text as it is
    var m = s.replace(/[\/#]+$/, "").split(/[\/#]/);
    return m[m.length - 1];
  }
  function term(iri) {
    if (!iri) return "";
    var t = data.terms[iri];
    if (t && t.en) return t.en;
    if (String(iri).indexOf("://") < 0) return String(iri);
    return short(iri).replace(/^(unit|qualifier|indicator)-/, "").replace(/-/g, " ");
  }
  function family(i) { return classes[col.cls[i]].family; }
  function name(i) { return col.label[i] || col.zh[i] || "(unnamed " + classes[col.cls[i]].name + ")"; }

  // --- adjacency (CSR) -------------------------------------------------------------
  var deg = new Int32Array(N + 1);
  for (var e = 0; e < E; e++) { deg[data.edges.s[e] + 1]++; deg[data.edges.t[e] + 1]++; }
  for (var i = 0; i < N; i++) deg[i + 1] += deg[i];
  var adj = new Int32Array(2 * E), fill = deg.slice(0, N);
  for (e = 0; e < E; e++) { adj[fill[data.edges.s[e]]++] = e; adj[fill[data.edges.t[e]]++] = e; }
  function edgesOf(i) { return Array.prototype.slice.call(adj, deg[i], deg[i + 1]); }
  function other(e, i) { return data.edges.s[e] === i ? data.edges.t[e] : data.edges.s[e]; }

  // --- state -------------------------------------------------------------------------
  var hiddenFamilies = new Set(), hiddenClasses = new Set(), hiddenEdgeKinds = new Set();
  var focusSet = null, selected = null, chainOn = false, community = null;
  var chainNodes = new Set(), chainEdges = new Set();
  data.chains.forEach(function (c) {
    if (!c.highlight) return;
    c.members.forEach(function (m) { chainNodes.add(m); });
    c.edges.forEach(function (m) { chainEdges.add(m); });
  });
  var groups = (data.communities && data.communities.groups) || [];

  function nodeVisible(i) {
    if (hiddenClasses.has(col.cls[i]) || hiddenFamilies.has(family(i))) return false;
    if (meta.aggregated) return community !== null && col.community[i] === community;
    return true;
  }
  function edgeVisible(e) {
    return !hiddenEdgeKinds.has(data.edges.kind[e]) && nodeVisible(data.edges.s[e]) && nodeVisible(data.edges.t[e]);
  }
  // What a node looks like now: "focus" (selected neighbourhood or chain member), "dim" or "normal".
  // A chain highlights only where part of it is drawn (not inside a community it does not touch).
  var chainShown = false;
  function nodeState(i) {
    if (focusSet) return focusSet.has(i) ? "focus" : "dim";
    if (chainOn && chainShown) return chainNodes.has(i) ? "focus" : "dim";
    return "normal";
  }
  function edgeState(e) {
    if (focusSet) return focusSet.has(data.edges.s[e]) && focusSet.has(data.edges.t[e]) ? "focus" : "dim";
    if (chainOn && chainShown) return chainEdges.has(e) ? "focus" : "dim";
    return "normal";
  }
  function dim(hex) {
    var r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
    // Faded, yet its family's hue still shows: the overview stays readable while a chain stands out.
    function f(c) { return Math.round(c * 0.42 + 255 * 0.58).toString(16).padStart(2, "0"); }
    return "#" + f(r) + f(g) + f(b);
  }

  // --- labels: most important first, none overlapping at the current zoom -------------------
  var widthCache = new Float32Array(N).fill(-1), measureCtx = document.createElement("canvas").getContext("2d");
  measureCtx.font = LABEL_FONT;
  // A label's width is the sum of its characters' widths (each measured once): measureText on every
  // name cost seconds on 10^5 nodes; kerning only makes the drawn text narrower than its box.
  var charWidths = new Map();
  function labelWidth(i) {
    if (widthCache[i] < 0) {
      var w = 0;
      for (var ch of name(i)) {
        var cw = charWidths.get(ch);
        if (cw === undefined) { cw = measureCtx.measureText(ch).width; charWidths.set(ch, cw); }
        w += cw;
      }
      widthCache[i] = w;
    }
    return widthCache[i];
  }
  // Where a label may go: right of the node, left of it, below it, above it (tried in that order).
  function labelBox(i, p, where) {
    var w = labelWidth(i) + 4;
    if (where === 1) return { x: p.x - p.r - 3 - w, y: p.y - 8, w: w, h: 16 };
    if (where === 2) return { x: p.x - w / 2, y: p.y + p.r + 2, w: w, h: 16 };
    if (where === 3) return { x: p.x - w / 2, y: p.y - p.r - 18, w: w, h: 16 };
    return { x: p.x + p.r + 3, y: p.y - 8, w: w, h: 16 };
  }
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
  // Boxes by the grid cells they cover (numeric keys: choosing labels tests each candidate of 10^5
  // nodes against it, and string keys with arrays per test cost seconds there).
  function BoxGrid(cell) { this.cell = cell; this.cells = new Map(); }
  BoxGrid.prototype.some = function (b, test) {
    var c = this.cell, x1 = Math.floor((b.x + b.w) / c), y0 = Math.floor(b.y / c), y1 = Math.floor((b.y + b.h) / c);
    for (var gx = Math.floor(b.x / c); gx <= x1; gx++)
      for (var gy = y0; gy <= y1; gy++) {
        var list = this.cells.get(gx * 65536 + gy);
        if (list) for (var k = 0; k < list.length; k++) if (overlaps(list[k], b) && test(list[k])) return true;
      }
    return false;
  };
  BoxGrid.prototype.hits = function (b) {
    var found = [];
    this.some(b, function (o) { if (found.indexOf(o) < 0) found.push(o); return false; });
    return found;
  };
  BoxGrid.prototype.add = function (b) {
    var c = this.cell, x1 = Math.floor((b.x + b.w) / c), y0 = Math.floor(b.y / c), y1 = Math.floor((b.y + b.h) / c);
    for (var gx = Math.floor(b.x / c); gx <= x1; gx++)
      for (var gy = y0; gy <= y1; gy++) {
        var key = gx * 65536 + gy, list = this.cells.get(key);
        if (list) list.push(b); else this.cells.set(key, [b]);
      }
  };
  function any() { return true; }

  var drawn = { labels: [] };  // what the last frame drew: boxes of the labels, for stats()
  function chooseLabels(view) {
    var grid = new BoxGrid(64), chosen = [], w = view.width, h = view.height;
    // Highlighted nodes (a focused neighbourhood, a chain) first, then the rest, each by importance.
    var order = data.labelOrder.filter(function (i) { return nodeState(i) === "focus"; });
    if (order.length) order = order.concat(data.labelOrder.filter(function (i) { return nodeState(i) !== "focus"; }));
    else order = data.labelOrder;
    // On graphs small enough, drawn nodes are obstacles too: a label never covers another node.
    var discs = new BoxGrid(64);
    if (N <= 20000) {
      for (var j = 0; j < N; j++) {
        if (!nodeVisible(j)) continue;
        var q = view.screen(j);
        if (!q || q.x < -50 || q.y < -50 || q.x > w + 50 || q.y > h + 50) continue;
        discs.add({ x: q.x - q.r, y: q.y - q.r, w: 2 * q.r, h: 2 * q.r, node: j });
      }
    }
    for (var k = 0; k < order.length && chosen.length < MAX_LABELS; k++) {
      var i = order[k];
      if (!nodeVisible(i)) continue;
      var p = view.screen(i);
      if (!p || p.x < -50 || p.y < -20 || p.x > w + 20 || p.y > h + 20) continue;
      // A place that covers no other node first; only the most important names (and highlighted
      // ones) may then take a place over a node, the rest are left out.
      var box = null, mayCover = k < 12 || nodeState(i) === "focus";
      var notNode = function (d) { return d.node !== i; };
      for (var pass = 0; pass < (mayCover ? 2 : 1) && !box; pass++) {
        for (var where = 0; where < 4 && !box; where++) {
          var b = labelBox(i, p, where);
          if (b.x < 0 || b.x + b.w > w || b.y < 0 || b.y + b.h > h) continue;
          if (grid.some(b, any)) continue;
          if (pass === 0 && discs.some(b, notNode)) continue;
          box = b;
        }
      }
      if (!box) continue;
      grid.add(box);
      box.node = i;
      chosen.push(box);
    }
    return chosen;
  }
  function drawLabelBox(ctx, box, text, strong, faint) {
    ctx.fillStyle = "rgba(255,255,255,0.82)";
    ctx.fillRect(box.x, box.y, box.w, box.h);
    ctx.fillStyle = strong ? "#000" : faint ? "#7a828e" : "#1d2430";
    ctx.fillText(text, box.x + 2, box.y + box.h / 2);
  }
  // Called by the renderer after each frame with a 2D context in CSS pixels.
  function paintLabels(ctx, view) {
    ctx.font = LABEL_FONT;
    ctx.textBaseline = "middle";
    var chosen = chooseLabels(view);
    chosen.forEach(function (b) { drawLabelBox(ctx, b, name(b.node), selected === b.node, nodeState(b.node) === "dim"); });
    drawn.labels = chosen;
    if (hovered !== null && nodeVisible(hovered)) {
      var p = view.screen(hovered);
      if (p) {
        var b = labelBox(hovered, p, 0);
        ctx.fillStyle = "#fffef0";
        ctx.strokeStyle = "#555";
        ctx.fillRect(b.x, b.y, b.w, b.h);
        ctx.strokeRect(b.x, b.y, b.w, b.h);
        ctx.fillStyle = "#000";
        ctx.fillText(name(hovered), b.x + 2, b.y + b.h / 2);
      }
    }
    labelsDrawn();
  }
  // Aggregated overview: community names, biggest first, each left out where it would overlap one drawn.
  function paintGroupLabels(ctx, view) {
    ctx.font = LABEL_FONT;
    ctx.textBaseline = "middle";
    var grid = new BoxGrid(64);
    groups.slice().sort(function (a, b) { return b.size - a.size || a.id - b.id; }).slice(0, 150).forEach(function (c) {
      var p = view.screen(c.id), text = c.size.toLocaleString("en") + " · " + c.label;
      if (!p) return;
      var box = { x: p.x + p.r + 3, y: p.y - 8, w: measureCtx.measureText(text).width + 4, h: 16 };
      if (box.x + box.w > view.width || box.y < 0 || box.y + box.h > view.height || grid.some(box, any)) return;
      grid.add(box);
      drawLabelBox(ctx, box, text, false, false);
    });
    drawn.labels = [];
    labelsDrawn();
  }
  // Size an overlay canvas to its box, in device pixels; returns the scale to draw in CSS pixels.
  function fitCanvas(canvas, box) {
    var dpr = window.devicePixelRatio || 1, w = box.clientWidth, h = box.clientHeight;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    return dpr;
  }
  function countOverlaps(boxes) {
    var grid = new BoxGrid(64), n = 0;
    boxes.forEach(function (b) { n += grid.hits(b).length; grid.add(b); });
    return n;
  }

  // --- legend: families with their classes, each with a count and a toggle ----------------
  var classCount = new Array(classes.length).fill(0);
  for (i = 0; i < N; i++) classCount[col.cls[i]]++;
  function toggleButton(label, colour, count, pressed, onClick, cls) {
    var b = el("button", null, "entry " + (cls || ""));
    b.type = "button";
    b.setAttribute("aria-pressed", String(pressed));
    var sw = el("span", null, "swatch");
    sw.style.backgroundColor = colour;
    b.appendChild(sw);
    b.appendChild(el("span", label, "name"));
    b.appendChild(el("span", count, "count"));
    b.addEventListener("click", onClick);
    return b;
  }
  function buildLegend() {
    var ul = document.getElementById("legend-families");
    data.families.forEach(function (f) {
      var members = [];
      classes.forEach(function (c, k) { if (c.family === f.id && classCount[k]) members.push(k); });
      if (!members.length) return;
      var total = members.reduce(function (s, k) { return s + classCount[k]; }, 0);
      var li = el("li");
      var fb = toggleButton(f.name, f.color, total, true, function () {
        if (hiddenFamilies.has(f.id)) hiddenFamilies.delete(f.id); else hiddenFamilies.add(f.id);
        fb.setAttribute("aria-pressed", String(!hiddenFamilies.has(f.id)));
        redraw();
      }, "family");
      fb.setAttribute("data-family", f.id);
      li.appendChild(fb);
      var sub = el("ul", null, "classes");
      members.forEach(function (k) {
        var c = classes[k];
        var cb = toggleButton(c.name, c.color, classCount[k], true, function () {
          if (hiddenClasses.has(k)) hiddenClasses.delete(k); else hiddenClasses.add(k);
          cb.setAttribute("aria-pressed", String(!hiddenClasses.has(k)));
          redraw();
        });
        cb.setAttribute("data-kind", c.name);
        cb.setAttribute("data-family", f.id);
        cb.title = "shape in the vis renderer: " + c.shape;
        var cli = el("li");
        cli.appendChild(cb);
        sub.appendChild(cli);
      });
      li.appendChild(sub);
      ul.appendChild(li);
    });
    var kindCount = new Array(data.edgeKinds.length).fill(0);
    for (e = 0; e < E; e++) kindCount[data.edges.kind[e]]++;
    var eul = document.getElementById("legend-edges");
    data.edgeKinds.forEach(function (k, j) {
      var b = toggleButton(k.name, k.color, kindCount[j], true, function () {
        if (hiddenEdgeKinds.has(j)) hiddenEdgeKinds.delete(j); else hiddenEdgeKinds.add(j);
        b.setAttribute("aria-pressed", String(!hiddenEdgeKinds.has(j)));
        redraw();
      });
      b.querySelector(".swatch").className = "swatch edge";
      b.setAttribute("data-kind", k.name);
      var li = el("li");
      li.appendChild(b);
      eul.appendChild(li);
    });
    document.getElementById("size-note").textContent = "Node size: " + meta.sizeMeasure + ". Unnamed parties: small, unlabelled." +
      (meta.aggregated ? " More than " + meta.maxNodes + " nodes: the page opens on one node per community (" + groups.length + "); click one to see its members." : "");
  }

  // --- profile -------------------------------------------------------------------------
  function sectionText(k) {
    var s = sections[k];
    return s ? s.title + (s.documentTitle ? " — " + s.documentTitle : "") : "";
  }
  function num(v) { return typeof v === "number" ? v.toLocaleString("en") : String(v); }
  function qual(q) { var t = term(q); return t && t !== "exact" ? t + " " : ""; }
  function figureValue(f) { return qual(f.qualifier) + num(f.value); }
  function growthText(f) {
    return f.growth === null || f.growth === undefined ? "" : qual(f.growthQualifier) + f.growth + " %";
  }
  function linkTo(i, text) {
    var b = el("button", text === undefined ? name(i) : text, "link");
    b.type = "button";
    b.setAttribute("data-node", col.id[i]);
    b.addEventListener("click", function () { select(i); });
    return b;
  }
  function sparqlFor(iri) {
    var safe = iri.replace(/[<>"{}|^`\\\s]/g, "");
    return "PREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n" +
      "PREFIX eco: <https://w3id.org/ecograph/ontology#>\n" +
      "# Everything said of this entity, in either direction, with the source section of each statement,\n" +
      "# and its figures with theirs.\n" +
      "SELECT ?direction ?property ?value ?section ?title WHERE {\n" +
      "  {\n    GRAPH ?g { <" + safe + "> ?property ?value } BIND(\"out\" AS ?direction)\n" +
      "  } UNION {\n    GRAPH ?g { ?value ?property <" + safe + "> } BIND(\"in\" AS ?direction)\n" +
      "  } UNION {\n    GRAPH ?g { ?value eco:refSubject|eco:refArea <" + safe + "> } BIND(\"figure\" AS ?direction) BIND(eco:refSubject AS ?property)\n" +
      "  }\n  OPTIONAL { ?g prov:wasDerivedFrom ?section OPTIONAL { ?section dcterms:title ?title } }\n" +
      "}\nORDER BY ?direction ?property ?value";
  }
  var miniCharts = [];
  function figuresBlock(panel, figs) {
    panel.appendChild(el("h3", "Figures"));
    var byIndicator = {};
    figs.forEach(function (f) { (byIndicator[f.indicator + "|" + f.unit] = byIndicator[f.indicator + "|" + f.unit] || []).push(f); });
    Object.keys(byIndicator).forEach(function (key) {
      var list = byIndicator[key];
      var years = new Set(list.map(function (f) { return f.year; }));
      if (list.length > 1 && years.size === list.length && window.ecographFigures && window.ecographFigures.mini) {
        var box = el("div", null, "mini-chart");
        panel.appendChild(el("div", term(list[0].indicator) + " (" + term(list[0].unit) + ")", "muted"));
        panel.appendChild(box);
        miniCharts.push(window.ecographFigures.mini(box, list, api));
      }
    });
    var table = el("table", null, "figures");
    var head = el("tr");
    ["Figure", "Value", "Unit", "Year", "Growth"].forEach(function (h) { head.appendChild(el("th", h)); });
    table.appendChild(head);
    figs.forEach(function (f) {
      var tr = el("tr", null, "figure");
      tr.appendChild(el("td", term(f.indicator) + (f.area && f.area !== col.id[selected] ? " (" + short(f.area) + ")" : "")));
      tr.appendChild(el("td", figureValue(f), "num"));
      tr.appendChild(el("td", term(f.unit)));
      tr.appendChild(el("td", f.year || ""));
      tr.appendChild(el("td", growthText(f), "num"));
      table.appendChild(tr);
      var src = el("tr", null, "figure-source");
      var td = el("td", f.source === null ? "Source: not given" : "Source: " + sectionText(f.source), "src");
      td.colSpan = 5;
      src.appendChild(td);
      table.appendChild(src);
    });
    panel.appendChild(table);
  }
  function showProfile(i) {
    var panel = document.getElementById("panel");
    miniCharts.forEach(function (c) { if (c && c.dispose) c.dispose(); });
    miniCharts = [];
    clear(panel);
    if (i === null) { panel.hidden = true; return; }
    var p = data.profiles[String(i)] || {}, c = classes[col.cls[i]];
    panel.appendChild(el("h2", name(i), "name"));
    if (col.zh[i] && col.zh[i] !== name(i)) panel.appendChild(el("p", col.zh[i], "zh"));
    if (col.unnamed[i]) panel.appendChild(el("p", "Unnamed in the source.", "note"));
    var dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", k)); var dd = el("dd"); if (typeof v === "string") dd.textContent = v; else dd.appendChild(v); dl.appendChild(dd); }
    row("Class", (p.classes || [c.name]).join(", "));
    var fam = data.families.filter(function (f) { return f.id === c.family; })[0];
    row("Family", fam ? fam.name : c.family);
    (p.names || []).forEach(function (pair) { row("Name (" + (pair[0] || "no language") + ")", pair[1]); });
    Object.keys(p.dates || {}).forEach(function (k) { row(k.replace(/([A-Z])/g, " $1").toLowerCase(), p.dates[k]); });
    if (p.url) row("Web", p.url);
    panel.appendChild(dl);
    panel.appendChild(el("p", col.id[i], "iri"));
    if (p.descriptions && p.descriptions.length) {
      panel.appendChild(el("h3", col.unnamed[i] ? "What the source says of it" : "Description"));
      p.descriptions.forEach(function (d) { panel.appendChild(el("p", d[1], "description")); });
    }
    if (p.figures && p.figures.length) figuresBlock(panel, p.figures);
    // Relations grouped by kind and direction, each neighbour a link that focuses it.
    var groupsByKind = {};
    edgesOf(i).forEach(function (e) {
      var out = data.edges.s[e] === i, k = data.edgeKinds[data.edges.kind[e]].name;
      var key = (out ? "→ " : "← ") + k;
      (groupsByKind[key] = groupsByKind[key] || []).push(e);
    });
    var keys = Object.keys(groupsByKind).sort();
    if (keys.length) {
      panel.appendChild(el("h3", "Relations"));
      keys.forEach(function (key) {
        panel.appendChild(el("div", key + " (" + groupsByKind[key].length + ")", "muted"));
        var ul = el("ul", null, "rel");
        groupsByKind[key].slice(0, 200).forEach(function (e) {
          var li = el("li");
          li.appendChild(linkTo(other(e, i)));
          var src = (data.edgeSources[String(e)] || []).map(sectionText).join("; ");
          if (src) li.appendChild(el("div", "Source: " + src, "src"));
          ul.appendChild(li);
        });
        if (groupsByKind[key].length > 200) ul.appendChild(el("li", "… and " + (groupsByKind[key].length - 200) + " more", "muted"));
        panel.appendChild(ul);
      });
    }
    var inChains = data.chains.filter(function (ch) { return ch.members.indexOf(i) >= 0; });  // every declared chain
    if (inChains.length) {
      panel.appendChild(el("h3", "Chains"));
      var cul = el("ul");
      inChains.forEach(function (ch) { cul.appendChild(el("li", ch.name + " (" + ch.instances + " instance(s) in the graph)")); });
      panel.appendChild(cul);
    }
    if (p.sources && p.sources.length) {
      panel.appendChild(el("h3", "Stated in"));
      var sul = el("ul", null, "sources");
      p.sources.forEach(function (k) { sul.appendChild(el("li", sectionText(k))); });
      panel.appendChild(sul);
    }
    panel.appendChild(el("h3", "SPARQL for this profile"));
    var ta = el("textarea");
    ta.readOnly = true;
    ta.value = sparqlFor(col.id[i]);
    ta.setAttribute("aria-label", "SPARQL query that returns this profile");
    panel.appendChild(ta);
    var copy = el("button", "Copy the query");
    copy.type = "button";
    copy.addEventListener("click", function () {
      ta.select();
      if (navigator.clipboard) navigator.clipboard.writeText(ta.value).catch(function () {});
      copy.textContent = "Copied (paste it into the endpoint's query page)";
    });
    panel.appendChild(copy);
    panel.hidden = false;
  }

  // --- selection, focus, search ------------------------------------------------------------
  var hovered = null;
  function select(i) {
    if (meta.aggregated && col.community[i] !== community) enterCommunity(col.community[i], true);
    if (hiddenClasses.has(col.cls[i]) || hiddenFamilies.has(family(i))) {
      hiddenClasses.delete(col.cls[i]);
      hiddenFamilies.delete(family(i));
      document.querySelectorAll("#legend-families button").forEach(function (b) { b.setAttribute("aria-pressed", "true"); });
      document.querySelectorAll("#legend-families button").forEach(function (b) {
        var k = classes.map(function (c) { return c.name; }).indexOf(b.getAttribute("data-kind"));
        if (b.getAttribute("data-kind") && hiddenClasses.has(k)) b.setAttribute("aria-pressed", "false");
      });
    }
    selected = i;
    focusSet = new Set([i]);
    edgesOf(i).forEach(function (e) { focusSet.add(other(e, i)); });
    document.getElementById("unfocus").hidden = false;
    redraw();
    renderer.centre(i);
    showProfile(i);
  }
  function unfocus() {
    selected = null;
    focusSet = null;
    document.getElementById("unfocus").hidden = true;
    showProfile(null);
    redraw();
  }
  function matches(query) {
    var q = query.trim().toLocaleLowerCase();
    if (!q) return [];
    var found = [];
    for (var k = 0; k < N; k++) {
      var hit = col.label[k].toLocaleLowerCase().indexOf(q) >= 0 || col.zh[k].toLocaleLowerCase().indexOf(q) >= 0;
      if (!hit) {
        var p = data.profiles[String(k)];
        hit = !!(p && p.names && p.names.some(function (pair) { return pair[1].toLocaleLowerCase().indexOf(q) >= 0; }));
      }
      if (!hit) hit = col.id[k].toLocaleLowerCase() === q;
      if (hit) found.push(k);
    }
    var rank = {};
    data.labelOrder.forEach(function (k, r) { rank[k] = r; });
    return found.sort(function (a, b) {
      var ea = name(a).toLocaleLowerCase() === q ? 0 : 1, eb = name(b).toLocaleLowerCase() === q ? 0 : 1;
      return ea - eb || (rank[a] === undefined ? 1e9 : rank[a]) - (rank[b] === undefined ? 1e9 : rank[b]) || a - b;
    });
  }
  function search(query) {
    var found = matches(query);
    var box = document.getElementById("results-box"), ol = document.getElementById("results");
    clear(ol);
    found.slice(0, 25).forEach(function (k) {
      var li = el("li");
      li.appendChild(linkTo(k, name(k) + (col.zh[k] && col.zh[k] !== name(k) ? " · " + col.zh[k] : "") + " — " + classes[col.cls[k]].name));
      ol.appendChild(li);
    });
    if (found.length > 25) ol.appendChild(el("li", "… " + (found.length - 25) + " more", "muted"));
    box.hidden = found.length === 0;
    if (found.length) select(found[0]);
    document.getElementById("status").textContent = found.length ? found.length + " match(es)" : "no match for " + query;
    return found.map(function (k) { return col.id[k]; });
  }
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    showTab("graph");
    search(document.getElementById("search").value);
  });
  document.getElementById("unfocus").addEventListener("click", unfocus);

  // --- communities (aggregated pages) -----------------------------------------------------
  function enterCommunity(c, quiet) {
    community = c;
    document.getElementById("drill-back").hidden = false;
    renderer.rebuild();
    if (!quiet) redraw();
  }
  document.getElementById("drill-back").addEventListener("click", function () {
    community = null;
    focusSet = null;
    selected = null;
    document.getElementById("drill-back").hidden = true;
    renderer.rebuild();
    redraw();
  });

  // --- chains ----------------------------------------------------------------------------------
  function applyChains(on) {
    chainOn = on && chainNodes.size > 0;
    var t = document.getElementById("chain-toggle");
    t.setAttribute("aria-pressed", String(chainOn));
    t.textContent = chainOn ? "Highlight on" : "Highlight off";
    redraw();
  }

  // --- tooltip -----------------------------------------------------------------------------------
  var tooltip = document.getElementById("tooltip");
  function showTooltip(lines, x, y) {
    clear(tooltip);
    lines.forEach(function (line, k) { tooltip.appendChild(el("div", line, k === 0 ? "tip-title" : "tip-line")); });
    tooltip.style.left = (x + 14) + "px";
    tooltip.style.top = (y + 14) + "px";
    tooltip.hidden = false;
  }
  function hoverNode(i, x, y) {
    hovered = i;
    if (i === null) { tooltip.hidden = true; renderer.repaint(); return; }
    var p = data.profiles[String(i)] || {};
    var lines = [name(i), classes[col.cls[i]].name + (col.unnamed[i] ? " · unnamed in the source" : "")];
    (p.figures || []).slice(0, 3).forEach(function (f) { lines.push(term(f.indicator) + ": " + figureValue(f) + " " + term(f.unit) + (f.year ? " (" + f.year + ")" : "")); });
    if (p.sources && p.sources.length) lines.push("Source: " + p.sources.map(sectionText).join("; "));
    showTooltip(lines, x, y);
    renderer.repaint();
  }
  function hoverGroup(c, x, y) {
    if (c === null) { tooltip.hidden = true; return; }
    var g = groups[c];
    showTooltip(["Community " + (c + 1) + ": " + g.size + " nodes", "around " + g.label, "click to see its members"], x, y);
  }

  // --- tabs ----------------------------------------------------------------------------------------
  var chartsDrawn = 0;
  function showTab(which) {
    var graph = which === "graph";
    document.getElementById("graph-view").hidden = !graph;
    document.getElementById("figures-view").hidden = graph;
    document.getElementById("tab-graph").setAttribute("aria-selected", String(graph));
    document.getElementById("tab-figures").setAttribute("aria-selected", String(!graph));
    if (!graph && detailsLoaded && window.ecographFigures && !chartsDrawn) chartsDrawn = window.ecographFigures.draw(document.getElementById("charts"), api);
    if (!graph && !window.ecographFigures) document.getElementById("figures-note").textContent = "Charts need ECharts, vendored by scripts/setup.sh.";
    if (graph) renderer.resize();
  }
  document.getElementById("tab-graph").addEventListener("click", function () { showTab("graph"); });
  document.getElementById("tab-figures").addEventListener("click", function () { showTab("figures"); });

  // --- status, stats ---------------------------------------------------------------------------
  // firstFrameMs: the renderer has drawn every node and edge of the first view; labelsMs: the labels
  // of that view are drawn on it too.
  var firstFrameMs = 0, labelsMs = 0, shownMs = 0;
  function frameDrawn() { if (!firstFrameMs) firstFrameMs = performance.now(); }
  function labelsDrawn() {
    if (labelsMs) return;
    frameDrawn();
    labelsMs = performance.now();
    ready();
  }
  function status() {
    var c = renderer.counts();
    document.getElementById("status").textContent = c.nodes.toLocaleString("en") + " nodes, " + c.edges.toLocaleString("en") + " edges drawn" +
      (meta.aggregated && community === null ? " (" + meta.graphNodes.toLocaleString("en") + " nodes in " + groups.length + " communities)" : "");
  }
  function redraw() {
    chainShown = false;
    chainNodes.forEach(function (i) { if (nodeVisible(i)) chainShown = true; });
    renderer.refresh();
    status();
  }
  function ready() {
    // Ready once the first view and its labels are drawn and the details are read; the first frame
    // may come during start-up: announced at the end.
    if (!window.ecographPage || !labelsMs || !detailsLoaded || window.ecographPage.ready) return;
    // firstFrameMs is when the page drew; the browser still has to rasterise that frame (SwiftShader
    // does it on the CPU) before anyone sees it: the callback of the frame after it says when it had.
    requestAnimationFrame(function () { requestAnimationFrame(function () { shownMs = performance.now(); }); });
    window.ecographPage.ready = true;
    window.ecograph.ready = true;
    window.ecograph.readyMs = firstFrameMs;
  }

  var api = {
    data: data, meta: meta, N: N, E: E, el: el, clear: clear, name: name, term: term, short: short, num: num,
    sectionText: sectionText, figureValue: figureValue, growthText: growthText, qual: qual,
    nodeVisible: nodeVisible, edgeVisible: edgeVisible, nodeState: nodeState, edgeState: edgeState, dim: dim,
    colourOf: function (i) { return classes[col.cls[i]].color; },
    frameDrawn: frameDrawn, paintLabels: paintLabels, paintGroupLabels: paintGroupLabels, fitCanvas: fitCanvas, hoverNode: hoverNode, hoverGroup: hoverGroup,
    clickNode: function (i) { select(i); },
    clickGroup: function (c) { enterCommunity(c); },
    clickStage: function () { if (selected !== null) unfocus(); },
    community: function () { return community; },
    groups: groups, select: select
  };
  // The state of the first view is set before the renderer is made: it draws that view once, as
  // it is built (drawing it twice cost a third of the time to the first frame on big graphs).
  chainOn = chainNodes.size > 0;
  chainNodes.forEach(function (i) { if (nodeVisible(i)) chainShown = true; });
  var renderer = window.ecographRenderer(document.getElementById("network"), document.getElementById("labels"), api);

  buildLegend();
  document.getElementById("title").textContent = meta.title;
  document.title = meta.title;
  if (chainNodes.size) {
    var list = document.getElementById("chains");
    data.chains.filter(function (c) { return c.highlight; }).forEach(function (c) {
      list.appendChild(el("li", c.name + ": " + c.instances + " instance(s), " + c.members.length + " nodes"));
    });
    document.getElementById("chains-box").hidden = false;
    document.getElementById("chain-toggle").addEventListener("click", function () { applyChains(!chainOn); });
  }
  status();

  function stats() {
    var c = renderer.counts();
    return {
      renderer: meta.renderer,
      nodes: c.nodes,
      edges: c.edges,
      aggregated: !!(meta.aggregated && community === null),
      labelsShown: drawn.labels.length,
      labelOverlaps: countOverlaps(drawn.labels),
      charts: chartsDrawn,
      firstFrameMs: Math.round(firstFrameMs),
      labelsMs: Math.round(labelsMs),
      shownMs: Math.round(shownMs)  // 0 until the first frame is on screen
    };
  }
  window.ecographPage = {
    ready: false,
    stats: stats,
    search: search,
    select: function (iri) { var k = col.id.indexOf(iri); if (k >= 0) select(k); return k >= 0; },
    unfocus: unfocus,
    showTab: showTab,
    chainsOn: function () { return chainOn; },
    setChains: applyChains,
    highlighted: function () {
      var out = [];
      for (var k = 0; k < N; k++) if (nodeVisible(k) && nodeState(k) === "focus") out.push(col.id[k]);
      return out;
    },
    shownLabels: function () { return drawn.labels.map(function (b) { return { id: col.id[b.node], text: name(b.node), x: b.x, y: b.y, w: b.w, h: b.h }; }); },
    selected: function () { return selected === null ? null : col.id[selected]; },
    nodeId: function (k) { return col.id[k]; },
    enterCommunity: function (c) { enterCommunity(c); },
    renderer: renderer
  };
  // The first generation's hook, kept for scripts written against it.
  window.ecograph = { meta: meta, ready: false, readyMs: null, counts: function () { return renderer.counts(); },
    search: search, select: window.ecographPage.select };
  ready();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loadDetails);
  else loadDetails();
})();
