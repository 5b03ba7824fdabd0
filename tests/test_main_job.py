"""The README's main job (`ecograph run`) builds, reasons, exports, queries, finds chains and draws the page."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from typer.testing import CliRunner

from ecograph.build.main_job import run_main_job
from ecograph.cli import app
from ecograph.sparql.catalogue import load_catalogue

ECOD = "https://w3id.org/ecograph/id/"


def test_run_writes_every_output_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["run", "--out", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    for name in ("ecograph.ttl", "ecograph.nt", "ecograph.trig", "ecograph.jsonld", "ecograph-inferred.ttl",
                 "ecograph-inferred.trig", "ontology/index.html", "ecograph.html"):
        assert (out / name).is_file(), name
    queries = len(load_catalogue())
    assert re.search(rf"{queries} queries in [0-9.]+ s: {queries} ok", result.output)
    assert "virtuous-circle 4" in result.output
    assert "conforms" in result.output


def test_inferred_output_classifies_the_virtuous_circle(tmp_path: Path) -> None:
    job = run_main_job(tmp_path / "build")
    inferred = ox.Store()
    inferred.load(path=tmp_path / "build" / "ecograph-inferred.ttl", format=ox.RdfFormat.TURTLE)
    members = {
        row["x"].value.removeprefix(ECOD)
        for row in inferred.query(
            "SELECT ?x WHERE { ?x a <https://w3id.org/ecograph/ontology#VirtuousCircleCompany> }"
        )
    }
    assert members == {"zbj", "iflytek", "daan-gene", "enjoyor"}
    assert [s.name for s in job.steps][-3:] == ["queries", "chains", "page"]
    # The stores were let go before the chains and the page (peak memory at 10^7 statements).
    assert job.build.data is None and not job.build.inferred and not job.build.provenance
    page = (tmp_path / "build" / "ecograph.html").read_text(encoding="utf-8")
    assert "Particle Space" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)


def test_run_exits_1_when_a_catalogue_query_fails(tmp_path: Path, monkeypatch) -> None:
    import ecograph.sparql.query as query_module
    from ecograph.errors import EcographError

    real = query_module.run_query

    def failing(q, *args, **kwargs):
        if getattr(q, "name", "") == "06-national-figures":
            raise EcographError("query 06-national-figures failed: simulated engine error")
        return real(q, *args, **kwargs)

    monkeypatch.setattr(query_module, "run_query", failing)
    result = CliRunner().invoke(app, ["run", "--out", str(tmp_path / "build")], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert "1 catalogue query failed: 06-national-figures" in result.output
