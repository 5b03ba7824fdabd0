// The query page: YASGUI bound to this server's endpoint, the saved queries as examples.
"use strict";
(function () {
  const endpoint = new URL("sparql", document.baseURI).href;
  document.getElementById("endpoint").textContent = endpoint;
  const select = document.getElementById("examples");
  const about = document.getElementById("about");

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null, // always start from the catalogue, never from stale browser storage
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // The "class" and "property" completers ask a remote vocabulary service: not offline.
    yasqe: { autocompleters: ["prefixes", "variables"] },
  });

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
