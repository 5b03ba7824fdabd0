// ecograph page: the figures view, charts of the statistical observations drawn with ECharts on a canvas.
// Tooltips are DOM elements built with textContent (ECharts accepts an element from a formatter),
// so no text from the data is ever parsed as HTML.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  // A big graph has figures for hundreds of areas: each kind of chart draws the best-covered ones
  // and says how many it left to the profiles.
  var MAX_PER_KIND = 8;
  function capped(box, page, keys, weight, what) {
    var sorted = keys.slice().sort(function (a, b) { return weight(b) - weight(a) || (a < b ? -1 : 1); });
    if (sorted.length > MAX_PER_KIND) {
      box.appendChild(page.el("p", sorted.length - MAX_PER_KIND + " more " + what + " are not charted here; their profiles show them.", "muted"));
    }
    return sorted.slice(0, MAX_PER_KIND).sort();
  }

  function tip(page, lines) {
    var box = document.createElement("div");
    lines.forEach(function (line, k) {
      var d = document.createElement("div");
      d.textContent = line;
      if (k === 0) d.style.fontWeight = "600";
      box.appendChild(d);
    });
    return box;
  }
  function figureLines(page, subject, f) {
    var lines = [subject + ": " + page.term(f.indicator),
      "value: " + page.figureValue(f) + " " + page.term(f.unit)];
    if (f.year) lines.push("year: " + f.year);
    var q = page.term(f.qualifier);
    if (q) lines.push("qualifier: " + q);
    if (page.growthText(f)) lines.push("growth: " + page.growthText(f));
    if (f.source !== null && f.source !== undefined) lines.push("source: " + page.sectionText(f.source));
    return lines;
  }
  function baseOption(page) {
    return {
      animation: false,
      textStyle: { fontFamily: "system-ui, 'Noto Sans', 'WenQuanYi Micro Hei', sans-serif" },
      tooltip: { trigger: "item", confine: true, formatter: function (p) { return tip(page, p.data.tip || [String(p.name)]); } },
      grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true }
    };
  }
  function card(box, page, title, note, wide) {
    var c = page.el("div", null, wide ? "chart-card wide" : "chart-card");
    c.appendChild(page.el("h3", title));
    if (note) c.appendChild(page.el("p", note));
    var area = page.el("div", null, "chart");
    c.appendChild(area);
    box.appendChild(c);
    return area;
  }

  // Every figure with its subject (the node it is folded into).
  function allFigures(page) {
    var out = [], profiles = page.data.profiles;
    Object.keys(profiles).forEach(function (k) {
      (profiles[k].figures || []).forEach(function (f) { out.push({ node: Number(k), f: f }); });
    });
    return out;
  }

  // 1. Figures of an area (national figures) with their growth: one bar per indicator, the growth.
  function nationalCharts(box, page, figs, charts) {
    var byArea = {};
    figs.forEach(function (x) {
      if (x.f.area && x.f.growth !== null && x.f.growth !== undefined && typeof x.f.value === "number")
        (byArea[x.f.area + "|" + x.f.year] = byArea[x.f.area + "|" + x.f.year] || []).push(x);
    });
    capped(box, page, Object.keys(byArea), function (k) { return byArea[k].length; }, "areas with growth figures").forEach(function (key) {
      var list = byArea[key].sort(function (a, b) { return a.f.growth - b.f.growth; });
      var subject = page.name(list[0].node), year = list[0].f.year || "";
      var area = card(box, page, subject + ", " + year + ": figures and their growth",
        "Growth over the year before, in per cent, for each figure the source gives with a growth rate (the value in brackets).", true);
      var opt = baseOption(page);
      opt.xAxis = { type: "value", splitNumber: 4, axisLabel: { formatter: "{value} %" } };
      opt.yAxis = { type: "category", data: list.map(function (x) { return page.term(x.f.indicator); }), axisLabel: { width: 360, overflow: "truncate" } };
      opt.series = [{
        type: "bar", itemStyle: { color: "#0072B2" },
        label: { show: true, position: "right", formatter: function (p) { return p.data.text; } },
        data: list.map(function (x) {
          return { value: x.f.growth, text: page.qual(x.f.growthQualifier) + x.f.growth + " % (" + page.figureValue(x.f) + ")", tip: figureLines(page, subject, x.f) };
        })
      }];
      opt.grid.right = 170;
      area.style.height = Math.max(220, 34 * list.length + 60) + "px";
      charts.push(draw(area, opt));
    });
  }

  // 2. Parts against their whole: one chart per whole, the parts stacked beside it.
  function partsCharts(box, page, figs, charts) {
    var byIri = {};
    figs.forEach(function (x) { if (x.f.iri) byIri[x.f.iri] = x; });
    var parts = {};
    figs.forEach(function (x) {
      var whole = x.f.partOf || x.f.subsetOf;
      if (whole && byIri[whole] && typeof x.f.value === "number") (parts[whole] = parts[whole] || []).push(x);
    });
    capped(box, page, Object.keys(parts), function (k) { return parts[k].length; }, "figures with parts").forEach(function (iri) {
      var whole = byIri[iri], list = parts[iri], subject = page.name(whole.node);
      var unit = page.term(whole.f.unit);
      var area = card(box, page, subject + ": " + page.term(whole.f.indicator) + " and its parts",
        list.some(function (x) { return x.f.partOf; }) ? "The parts the source names, stacked, beside the whole they add up to." : "A subset the source names, beside the whole it belongs to.");
      var opt = baseOption(page);
      opt.legend = { bottom: 0, left: 0, orient: "vertical", itemGap: 6 };
      opt.grid.top = 30;
      opt.grid.bottom = 20 * (list.length + 1) + 10;
      area.style.height = (240 + 20 * (list.length + 1)) + "px";
      opt.xAxis = { type: "category", data: ["whole", "parts"] };
      opt.yAxis = { type: "value", name: unit, nameTextStyle: { align: "left" }, axisLabel: { formatter: function (v) { return v.toLocaleString("en"); } } };
      // One stack for the whole and the parts: each category then has one column, in its middle, so
      // the whole's value label is never pushed over the axis' tick labels (two stacks sit side by
      // side in every category, the whole's against the axis).
      opt.series = [{
        name: page.term(whole.f.indicator), type: "bar", stack: "figure", itemStyle: { color: "#8C8C8C" },
        label: { show: true, position: "top", formatter: function (p) { return p.data.text; } },
        data: [{ value: whole.f.value, text: page.figureValue(whole.f), tip: figureLines(page, subject, whole.f) }, null]
      }];
      var palette = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2"];
      list.forEach(function (x, k) {
        opt.series.push({
          name: page.term(x.f.indicator), type: "bar", stack: "figure", itemStyle: { color: palette[k % palette.length] },
          label: { show: true, position: "inside", formatter: function (p) { return p.data ? p.data.text : ""; } },
          data: [null, { value: x.f.value, text: page.figureValue(x.f), tip: figureLines(page, page.name(x.node), x.f) }]
        });
      });
      charts.push(draw(area, opt));
    });
  }

  // 3. Events on a timeline: each dated event of a series, with the concepts it is about (forum themes).
  function timelineCharts(box, page, charts) {
    var data = page.data, col = data.nodes, points = [], rows = [];
    var kindName = data.edgeKinds.map(function (k) { return k.name; });
    // An edition's theme is eco:theme; graphs of other tools may say schema:about.
    var about = kindName.indexOf("theme") >= 0 ? kindName.indexOf("theme") : kindName.indexOf("about");
    var superEvent = kindName.indexOf("superEvent");
    if (about < 0) return;
    // Concepts of a scheme of themes when the graph has one (forum themes), else anything an event is about.
    var schemeOf = function (k) { return (data.profiles[String(k)] || {}).scheme || ""; };
    var themed = false;
    for (var j = 0; j < page.N && !themed; j++) themed = /theme/i.test(schemeOf(j));
    var isTheme = function (k) { return !themed || /theme/i.test(schemeOf(k)); };
    var out = {};
    for (var e = 0; e < page.E; e++) (out[data.edges.s[e]] = out[data.edges.s[e]] || []).push(e);
    Object.keys(data.profiles).forEach(function (k) {
      var i = Number(k), p = data.profiles[k];
      var start = p.dates && (p.dates.startDate || p.dates.eventYear || p.dates.foundingDate || p.dates.foundingYear);
      if (!start || data.classes[col.cls[i]].family !== "events") return;
      var themes = (out[i] || []).filter(function (e) { return data.edges.kind[e] === about && isTheme(data.edges.t[e]); });
      if (!themes.length) return;
      var series = (out[i] || []).filter(function (e) { return data.edges.kind[e] === superEvent; }).map(function (e) { return page.name(data.edges.t[e]); })[0] || page.name(i);
      if (rows.indexOf(series) < 0) rows.push(series);
      themes.forEach(function (e) {
        var src = (data.edgeSources[String(e)] || []).map(page.sectionText).join("; ");
        points.push({ value: [Number(String(start).slice(0, 4)), series], text: page.name(data.edges.t[e]),
          tip: [page.name(i), "year: " + String(start).slice(0, 4), "theme: " + page.name(data.edges.t[e])].concat(src ? ["source: " + src] : []) });
      });
    });
    if (!points.length) return;
    // One row per year, one column per series; the themes of a year side by side in its label.
    var cells = {};
    points.forEach(function (p) {
      var key = p.value[0] + "|" + p.value[1];
      if (!cells[key]) cells[key] = { value: [rows.indexOf(p.value[1]), String(p.value[0])], texts: [], tip: [p.tip[0], p.tip[1]], sources: [] };
      cells[key].texts.push(p.text);
      cells[key].tip.push(p.tip[2]);
      p.tip.slice(3).forEach(function (line) { if (cells[key].sources.indexOf(line) < 0) cells[key].sources.push(line); });
    });
    var data2 = Object.keys(cells).map(function (k) {
      var c = cells[k];
      return { value: c.value, text: c.texts.sort().join(" · "), tip: c.tip.concat(c.sources) };
    });
    var years = Array.from(new Set(points.map(function (p) { return String(p.value[0]); }))).sort();
    var area = card(box, page, "Themes by year: " + rows.join(", "), "Each dated edition with the theme(s) it was given" +
      (rows.length > 1 ? ", one column per series in the order of the title" : "") + "; the tooltip names the source section.", true);
    var opt = baseOption(page);
    opt.xAxis = { type: "value", min: 0, max: rows.length, show: false };
    opt.yAxis = { type: "category", data: years, inverse: true };
    opt.grid = { left: 8, right: 8, top: 30, bottom: 8, containLabel: true };
    opt.series = [{
      type: "scatter", symbolSize: 12, itemStyle: { color: "#CC79A7" },
      label: { show: true, position: "right", fontSize: 12, formatter: function (p) { return p.data.text; } },
      data: data2
    }];
    area.style.height = (28 * years.length + 60) + "px";
    charts.push(draw(area, opt));
  }

  // 4. Series: one indicator of one subject over several years.
  function seriesCharts(box, page, figs, charts) {
    var series = {};
    figs.forEach(function (x) {
      if (x.f.year && typeof x.f.value === "number") (series[x.node + "|" + x.f.indicator + "|" + x.f.unit] = series[x.node + "|" + x.f.indicator + "|" + x.f.unit] || []).push(x);
    });
    var keys = Object.keys(series).filter(function (key) {
      var years = new Set(series[key].map(function (x) { return x.f.year; }));
      return years.size >= 2 && years.size === series[key].length;
    });
    capped(box, page, keys, function (k) { return series[k].length; }, "series").forEach(function (key) {
      var list = series[key];
      var area = card(box, page, page.name(list[0].node) + ": " + page.term(list[0].f.indicator) + " by year", null);
      charts.push(draw(area, lineOption(page, page.name(list[0].node), list.map(function (x) { return x.f; }))));
    });
  }
  function lineOption(page, subject, figs) {
    figs = figs.slice().sort(function (a, b) { return a.year < b.year ? -1 : 1; });
    var opt = baseOption(page);
    opt.xAxis = { type: "category", data: figs.map(function (f) { return f.year; }) };
    opt.yAxis = { type: "value", name: page.term(figs[0].unit), axisLabel: { formatter: function (v) { return v.toLocaleString("en"); } } };
    opt.series = [{ type: "line", symbolSize: 8, itemStyle: { color: "#0072B2" },
      data: figs.map(function (f) { return { value: f.value, tip: figureLines(page, subject, f) }; }) }];
    return opt;
  }

  function draw(area, option) {
    var chart = echarts.init(area, null, { renderer: "canvas" });
    chart.setOption(option);
    return chart;
  }

  window.ecographFigures = {
    // Draws every chart into box and returns how many it drew.
    draw: function (box, page) {
      var charts = [], figs = allFigures(page);
      nationalCharts(box, page, figs, charts);
      partsCharts(box, page, figs, charts);
      timelineCharts(box, page, charts);
      seriesCharts(box, page, figs, charts);
      if (!charts.length) box.appendChild(page.el("p", "This graph has no figures to chart."));
      window.ecographFigures.charts = charts;
      return charts.length;
    },
    // A small line chart of one series, for the profile panel.
    mini: function (area, figs, page) {
      var opt = lineOption(page, "", figs);
      opt.grid = { left: 4, right: 12, top: 20, bottom: 4, containLabel: true };
      return draw(area, opt);
    },
    charts: []
  };
})();
