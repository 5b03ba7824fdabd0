// The query page: YASGUI bound to this server's endpoint, the saved queries as examples.
"use strict";
(function () {
  const endpoint = new URL("sparql", document.baseURI).href;
  document.getElementById("endpoint").textContent = endpoint;
  const select = document.getElementById("examples");
  const about = document.getElementById("about");

  const notice = document.getElementById("notice");

  // The "class" and "property" completers ask a remote vocabulary service: not offline. The
  // list must be replaced in the defaults: a config list is merged into it index by index.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  // YASR fills "{{name}}" in result literals from other columns (a templating feature): a
  // literal must show exactly as the data has it, so the parsed bindings are put back.
  const setResponse = Yasgui.Yasr.prototype.setResponse;
  Yasgui.Yasr.prototype.setResponse = function (response, duration) {
    const draw = this.draw;
    this.draw = function () {};
    try { setResponse.call(this, response, duration); } finally { this.draw = draw; }
    try {
      const raw = typeof response.content === "string" ? JSON.parse(response.content) : null;
      const shown = this.results && this.results.getAsJson();
      if (raw && raw.results && shown && shown.results) shown.results.bindings = raw.results.bindings;
    } catch (e) { /* not JSON results: nothing was templated */ }
    this.draw();
  };

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null, // always start from the catalogue, never from stale browser storage
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: ["prefixes", "variables"] },
  });

  // Answers cut at the server's row limit say so above the results.
  function watch(tab) {
    tab.getYasqe().on("queryResponse", function (yasqe, response) {
      const headers = response && response.headers;
      const cut = headers && headers.get && headers.get("X-Ecograph-Truncated") === "true";
      notice.textContent = cut
        ? "Only the first " + headers.get("X-Ecograph-Rows") + " rows are shown: the answer was cut at the server's row limit. Add LIMIT and OFFSET to page through it."
        : "";
      notice.hidden = !cut;
    });
  }
  watch(yasgui.getTab());
  yasgui.on("tabAdd", function (y, id) { setTimeout(function () { const t = yasgui.getTab(id); if (t) watch(t); }, 0); });

  function option(value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text; // text, never markup
    return o;
  }

  function open(example) {
    const tab = yasgui.getTab();
    tab.setName(example.title);
    tab.setQuery(example.query);
    about.textContent = example.description || "";
  }

  fetch("catalogue.json")
    .then(function (r) { return r.json(); })
    .then(function (examples) {
      select.replaceChildren(option("", examples.length ? "(choose a saved query)" : "(no saved queries)"));
      examples.forEach(function (ex, i) { select.appendChild(option(String(i), ex.name + " — " + ex.title)); });
      select.addEventListener("change", function () {
        if (select.value !== "") open(examples[Number(select.value)]);
      });
      if (examples.length) {
        select.value = "0";
        open(examples[0]);
      }
      document.body.dataset.examples = String(examples.length);
    })
    .catch(function (err) {
      select.replaceChildren(option("", "(the catalogue could not be loaded)"));
      about.textContent = String(err);
    });
})();
