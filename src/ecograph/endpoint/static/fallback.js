// The plain query page: a form, the saved queries, results in a table (all text, no markup).
"use strict";
(function () {
  const endpoint = new URL("sparql", document.baseURI).href;
  const $ = function (id) { return document.getElementById(id); };
  $("endpoint").textContent = endpoint;

  function cell(tag, text) {
    const el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  // Bidi controls (U+202A-E, U+2066-9, marks) would reorder what a reader sees: show them as codes.
  const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  function visible(text) {
    return text.replace(BIDI, function (c) { return "<U+" + c.charCodeAt(0).toString(16).toUpperCase() + ">"; });
  }

  function termText(term) {
    if (!term) return "";
    if (term.type === "literal" && term["xml:lang"]) return visible(term.value) + " @" + term["xml:lang"];
    return visible(term.value);
  }

  function show(response, body) {
    const table = $("results");
    table.replaceChildren();
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.startsWith("application/sparql-results+json")) {
      const row = document.createElement("tr");
      row.appendChild(cell("td", body)).className = "raw";
      table.appendChild(row);
      return;
    }
    const data = JSON.parse(body);
    if ("boolean" in data) {
      table.appendChild(document.createElement("tr")).appendChild(cell("td", String(data.boolean)));
      return;
    }
    const head = document.createElement("tr");
    data.head.vars.forEach(function (v) { head.appendChild(cell("th", "?" + v)); });
    table.appendChild(head);
    data.results.bindings.forEach(function (b) {
      const row = document.createElement("tr");
      data.head.vars.forEach(function (v) { row.appendChild(cell("td", termText(b[v]))); });
      table.appendChild(row);
    });
  }

  $("form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("status").textContent = "running…";
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: $("query").value,
    }).then(function (response) {
      return response.text().then(function (body) {
        const cut = response.headers.get("X-Ecograph-Truncated") === "true"
          ? " — only the first " + response.headers.get("X-Ecograph-Rows") + " rows: the answer was cut at the server's row limit"
          : "";
        $("status").textContent = response.status + " " + response.statusText + cut;
        show(response, body);
      });
    }).catch(function (err) { $("status").textContent = String(err); });
  });

  fetch("catalogue.json").then(function (r) { return r.json(); }).then(function (examples) {
    const select = $("examples");
    select.replaceChildren(cell("option", examples.length ? "(choose a saved query)" : "(no saved queries)"));
    select.firstChild.value = "";
    examples.forEach(function (ex, i) {
      const o = cell("option", ex.name + " — " + ex.title);
      o.value = String(i);
      select.appendChild(o);
    });
    select.addEventListener("change", function () {
      if (select.value === "") return;
      const ex = examples[Number(select.value)];
      $("query").value = ex.query;
      $("about").textContent = ex.description || "";
    });
    if (examples.length) { select.value = "0"; $("query").value = examples[0].query; }
    document.body.dataset.examples = String(examples.length);
  });
})();
