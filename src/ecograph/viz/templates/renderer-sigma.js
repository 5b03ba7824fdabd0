// ecograph page renderer: sigma.js on WebGL with a graphology graph. Labels are drawn by the page
// (analysts-page.js) on its own canvas after each frame, so it decides which ones fit.
(function () {
  "use strict";
  window.ecographRenderer = function (container, labelCanvas, page) {
    var data = page.data, col = data.nodes, N = page.N, E = page.E, meta = page.meta;
    var graph, sigma, drawnNodes = 0, drawnEdges = 0;
    var dpr = 1, lctx = labelCanvas.getContext("2d");
    function sizeLabelCanvas() { dpr = page.fitCanvas(labelCanvas, container); }

    // The overview of an aggregated page: one node per community, sized by members.
    function groupGraph() {
      var g = new graphology.Graph({ type: "undirected", multi: false });
      page.groups.forEach(function (c) {
        g.addNode("c" + c.id, { x: c.x, y: -c.y, size: c.radius, color: "#6b7a90", label: null, group: c.id });
      });
      data.communities.links.forEach(function (l) {
        var a = "c" + l[0], b = "c" + l[1];
        if (g.hasNode(a) && g.hasNode(b) && !g.hasEdge(a, b)) g.addEdge(a, b, { size: Math.min(4, 0.5 + Math.log10(1 + l[2])), color: "#c8ced8" });
      });
      return g;
    }
    function nodeGraph() {
      var g = new graphology.MultiDirectedGraph();
      var c = page.community();
      for (var i = 0; i < N; i++) {
        if (meta.aggregated && col.community[i] !== c) continue;
        g.addNode(String(i), { x: col.x[i], y: -col.y[i], size: col.size[i], color: page.colourOf(i), label: null, i: i });
      }
      var es = data.edges.s, et = data.edges.t, kinds = data.edges.kind, all = !meta.aggregated;
      for (var e = 0; e < E; e++) {
        var s = String(es[e]), t = String(et[e]);
        if (all || (g.hasNode(s) && g.hasNode(t))) g.addEdgeWithKey("e" + e, s, t, { color: data.edgeKinds[kinds[e]].color, size: 1, e: e });
      }
      return g;
    }
    // Sigma hands the reducers a copy of the attributes, so they change it in place (a second copy per
    // node and edge cost a noticeable part of the first frame on 10^5 nodes).
    function nodeReducer(key, attrs) {
      if (attrs.group !== undefined) return attrs;
      var i = attrs.i, out = attrs;
      if (!page.nodeVisible(i)) { out.hidden = true; return out; }
      var state = page.nodeState(i);
      if (state === "dim") { out.color = page.dim(attrs.color); out.zIndex = 0; }
      else if (state === "focus") out.zIndex = 2;  // not bigger: sizes are those the layout kept apart
      else out.zIndex = 1;
      return out;
    }
    function edgeReducer(key, attrs) {
      if (attrs.e === undefined) return attrs;
      var e = attrs.e, out = attrs;
      if (!page.edgeVisible(e)) { out.hidden = true; return out; }
      var state = page.edgeState(e);
      if (state === "dim") { out.color = "#eceef2"; out.zIndex = 0; }
      else if (state === "focus") { out.color = "#39424e"; out.size = 2; out.zIndex = 2; }
      return out;
    }
    function view() {
      return {
        width: container.clientWidth,
        height: container.clientHeight,
        screen: function (i) {
          var key = String(i);
          var d = sigma.getNodeDisplayData(key);
          if (!d || d.hidden) return null;
          var p = sigma.framedGraphToViewport(d);
          return { x: p.x, y: p.y, r: sigma.scaleSize(d.size) };
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
            var d = sigma.getNodeDisplayData("c" + c);
            if (!d) return null;
            var p = sigma.framedGraphToViewport(d);
            return { x: p.x, y: p.y, r: sigma.scaleSize(d.size) };
          }
        });
        return;
      }
      page.paintLabels(lctx, view());
    }
    function count() {
      drawnNodes = 0;
      drawnEdges = 0;
      graph.forEachNode(function (k, a) { if (!sigma.getNodeDisplayData(k).hidden) drawnNodes++; });
      graph.forEachEdge(function (k) { var d = sigma.getEdgeDisplayData(k); if (d && !d.hidden) drawnEdges++; });
    }
    // Sizes are in layout units, so no two nodes overlap at any zoom (the layout removed overlaps in
    // those units); zoomed out so far that a typical node would be under 2.5 px, sizes stop shrinking.
    function sizeFloor(g) {
      var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, sizes = new Float64Array(g.order), n = 0;
      g.forEachNode(function (k, a) {
        minX = Math.min(minX, a.x); maxX = Math.max(maxX, a.x); minY = Math.min(minY, a.y); maxY = Math.max(maxY, a.y);
        sizes[n++] = a.size;
      });
      sizes.sort();  // numeric: a typed array
      var extent = Math.max(maxX - minX, maxY - minY, 1e-9);
      var px = (Math.min(container.clientWidth, container.clientHeight) - 80) / extent;
      return Math.max(1e-4, (sizes[sizes.length >> 1] || 1) * px / 2.5);
    }
    function build() {
      if (sigma) sigma.kill();
      graph = meta.aggregated && page.community() === null ? groupGraph() : nodeGraph();
      var floor = sizeFloor(graph);
      var many = graph.size > 20000;
      sigma = new Sigma(graph, container, {
        renderLabels: false,
        renderEdgeLabels: false,
        defaultEdgeType: many ? "line" : "arrow",
        hideEdgesOnMove: many,
        zIndex: true,
        nodeReducer: nodeReducer,
        edgeReducer: edgeReducer,
        minCameraRatio: 0.01,
        maxCameraRatio: 20,
        stagePadding: 40,  // room for the labels of the outermost nodes
        // Sizes in graph units, as the layout removed overlaps in those units: no overlap at any zoom.
        itemSizesReference: "positions",
        zoomToSizeRatioFunction: function (ratio) { return Math.min(ratio, floor); },
        defaultDrawNodeHover: function () {}
      });
      // Sigma drew the whole view, every node and edge, as it was made: that is the first frame. Its
      // labels are chosen and drawn right after it, before the browser shows the frame.
      page.frameDrawn();
      sigma.on("afterRender", paint);
      paint();
      sigma.on("enterNode", function (ev) {
        var a = graph.getNodeAttributes(ev.node), x = ev.event.x, y = ev.event.y;
        if (a.group !== undefined) page.hoverGroup(a.group, x, y); else page.hoverNode(a.i, x, y);
      });
      sigma.on("leaveNode", function () { page.hoverNode(null); page.hoverGroup(null); });
      sigma.on("clickNode", function (ev) {
        var a = graph.getNodeAttributes(ev.node);
        if (a.group !== undefined) page.clickGroup(a.group); else page.clickNode(a.i);
      });
      sigma.on("clickStage", function () { page.clickStage(); });
      count();
    }

    sizeLabelCanvas();
    build();
    window.addEventListener("resize", function () { sizeLabelCanvas(); });
    return {
      refresh: function () { sigma.refresh(); count(); },
      repaint: function () { paint(); },
      rebuild: function () { build(); },
      resize: function () { sizeLabelCanvas(); sigma.resize(); sigma.refresh(); },
      counts: function () { return { nodes: drawnNodes, edges: drawnEdges }; },
      centre: function (i) {
        var d = sigma.getNodeDisplayData(String(i));
        if (!d) return;
        sigma.getCamera().setState({ x: d.x, y: d.y, ratio: Math.min(sigma.getCamera().ratio, 0.35) });
      },
      camera: function () { return sigma.getCamera(); },
      sigma: function () { return sigma; }
    };
  };
})();
