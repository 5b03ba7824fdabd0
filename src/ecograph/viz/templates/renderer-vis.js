// ecograph page renderer: vis-network (the copy pyvis bundles) on a 2D canvas, for small graphs and
// notebooks. Shapes show the class within a family. Labels are drawn by the page after each frame.
(function () {
  "use strict";
  window.ecographRenderer = function (container, labelCanvas, page) {
    var data = page.data, col = data.nodes, N = page.N, E = page.E, meta = page.meta;
    var network, nodes, edges, drawnNodes = 0, drawnEdges = 0;
    var dpr = 1, lctx = labelCanvas.getContext("2d");
    function sizeLabelCanvas() { dpr = page.fitCanvas(labelCanvas, container); }
    function nodeItem(i) {
      var c = page.colourOf(i), state = page.nodeState(i), colour = state === "dim" ? page.dim(c) : c;
      return {
        id: i, x: col.x[i], y: col.y[i], size: state === "focus" ? col.size[i] * 1.15 + 1 : col.size[i],
        shape: data.classes[col.cls[i]].shape, hidden: !page.nodeVisible(i),
        color: { background: colour, border: state === "focus" ? "#1d2430" : colour, highlight: { background: c, border: "#000" }, hover: { background: c, border: "#000" } },
        borderWidth: state === "focus" ? 2 : 1
      };
    }
    function edgeItem(e) {
      var state = page.edgeState(e), c = data.edgeKinds[data.edges.kind[e]].color;
      return {
        id: e, from: data.edges.s[e], to: data.edges.t[e], hidden: !page.edgeVisible(e),
        color: { color: state === "dim" ? "#eceef2" : state === "focus" ? "#39424e" : c, highlight: "#39424e" },
        width: state === "focus" ? 2 : 1
      };
    }
    function groupItems() {
      return {
        nodes: page.groups.map(function (c) {
          return { id: "c" + c.id, group: c.id, x: c.x, y: c.y, size: c.radius * 2, shape: "dot", color: "#6b7a90" };
        }),
        edges: data.communities.links.map(function (l, k) {
          return { id: "l" + k, from: "c" + l[0], to: "c" + l[1], color: "#c8ced8", width: Math.min(4, 0.5 + Math.log10(1 + l[2])) };
        })
      };
    }
    function items() {
      if (meta.aggregated && page.community() === null) return groupItems();
      var ns = [], es = [], c = page.community(), keep = new Set();
      for (var i = 0; i < N; i++) if (!meta.aggregated || col.community[i] === c) { ns.push(nodeItem(i)); keep.add(i); }
      for (var e = 0; e < E; e++) if (keep.has(data.edges.s[e]) && keep.has(data.edges.t[e])) es.push(edgeItem(e));
      return { nodes: ns, edges: es };
    }
    function view() {
      return {
        width: container.clientWidth,
        height: container.clientHeight,
        screen: function (i) {
          var n = network.body.nodes[i];
          if (!n || n.options.hidden) return null;
          var p = network.canvasToDOM({ x: n.x, y: n.y });
          return { x: p.x, y: p.y, r: n.options.size * network.getScale() };
        }
      };
    }
    function paint() {
      lctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      lctx.clearRect(0, 0, labelCanvas.width, labelCanvas.height);
      if (meta.aggregated && page.community() === null) {
        page.paintGroupLabels(lctx, {
          width: container.clientWidth, height: container.clientHeight,
          screen: function (c) {
            var p = network.canvasToDOM(network.getPositions(["c" + c])["c" + c]);
            return { x: p.x, y: p.y, r: page.groups[c].radius * 2 * network.getScale() };
          }
        });
        return;
      }
      page.paintLabels(lctx, view());
    }
    function count() {
      drawnNodes = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
      drawnEdges = edges.get({ filter: function (e) { return !e.hidden; } }).length;
    }
    function build() {
      if (network) network.destroy();
      var it = items();
      nodes = new vis.DataSet(it.nodes);
      edges = new vis.DataSet(it.edges);
      network = new vis.Network(container, { nodes: nodes, edges: edges }, {
        physics: { enabled: false },
        layout: { improvedLayout: false, randomSeed: 7 },
        interaction: { hover: true, tooltipDelay: 3600000, hideEdgesOnDrag: E > 3000 },
        edges: { arrows: { to: { enabled: true, scaleFactor: 0.4 } }, smooth: false },
        nodes: { font: { size: 0 } }
      });
      network.on("afterDrawing", paint);
      network.fit({ maxZoomLevel: 10, animation: false });  // vis caps an automatic fit at zoom 1
      network.on("hoverNode", function (p) {
        var id = p.node, x = p.pointer.DOM.x, y = p.pointer.DOM.y;
        if (typeof id === "string") page.hoverGroup(Number(id.slice(1)), x, y); else page.hoverNode(id, x, y);
      });
      network.on("blurNode", function () { page.hoverNode(null); page.hoverGroup(null); });
      network.on("click", function (p) {
        if (!p.nodes.length) { page.clickStage(); return; }
        var id = p.nodes[0];
        if (typeof id === "string") page.clickGroup(Number(id.slice(1))); else page.clickNode(id);
      });
      count();
    }
    sizeLabelCanvas();
    build();
    window.addEventListener("resize", sizeLabelCanvas);
    return {
      refresh: function () {
        if (!(meta.aggregated && page.community() === null)) {
          nodes.update(nodes.getIds().map(nodeItem));
          edges.update(edges.getIds().map(edgeItem));
        }
        count();
        network.redraw();
      },
      repaint: function () { network.redraw(); },
      rebuild: build,
      resize: function () { sizeLabelCanvas(); network.redraw(); },
      counts: function () { return { nodes: drawnNodes, edges: drawnEdges }; },
      centre: function (i) { network.focus(i, { scale: Math.max(network.getScale(), 1.5), animation: false }); network.selectNodes([i]); },
      network: function () { return network; }
    };
  };
})();
