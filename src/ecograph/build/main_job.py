"""The main job: build (validate, reason, export, document), then run the catalogue, find the chains and draw the page."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.build.artefacts import BuildReport, StepResult, build
from ecograph.rdf.loading import temporarily_added

__all__ = ["MainJobReport", "run_main_job"]


@dataclass
class MainJobReport:
    """What the main job did: the build's report, every step (build steps first), and what failed.

    ``failed`` names the catalogue queries that could not run or, for a violation query,
    found violations; ``ecograph run`` exits 1 when it is not empty. ``build`` no longer holds
    the build's stores (``data`` is None, ``inferred`` and ``provenance`` are empty): the job lets
    them go once the chains' projection is made, to keep its peak memory down.
    """

    build: BuildReport
    steps: list[StepResult] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_main_job(
    out_dir: Path | None = None, *, progress: Callable[[str], None] | None = None, reason: bool = True
) -> MainJobReport:
    """Build the graph into ``out_dir``, then run the query catalogue, the chains and the page.

    Parameters
    ----------
    out_dir : Path, optional
        Output directory; ``build/`` of the project by default.
    progress : callable, optional
        Called with the name of each step as it starts.
    reason : bool, default True
        Materialise the OWL 2 RL entailments; without them the class-based queries find fewer answers.

    Returns
    -------
    MainJobReport

    Raises
    ------
    EcographError
        When a file cannot be read, the data does not conform, or a step fails.
    """
    say = progress or (lambda step: None)
    report = build(out_dir, progress=progress, reason=reason)
    job = MainJobReport(report, list(report.steps))

    from ecograph.sparql.query import catalogue_summary, run_catalogue

    assert report.data is not None and report.ontology is not None, "a finished build keeps its stores"

    say("queries")
    # The catalogue runs on the data with the ontology and the inferred graph added in place (a copy of
    # the store would double the memory); they leave again before the projection reads the data.
    with temporarily_added(report.data, [*report.ontology, *report.inferred, *report.provenance]) as store:
        runs = run_catalogue(store)
    job.steps.append(StepResult("queries", sum(r.seconds for r in runs), catalogue_summary(runs)))
    job.failed = [r.name for r in runs if not r.ok]

    from ecograph.network.chains import find_chains
    from ecograph.network.projection import project

    say("chains")
    started = time.perf_counter()
    graph = project(report.data, inferred=report.inferred, ontology=report.ontology)
    # From here on the projection is all the job needs: the build's stores leave memory (at 10^7
    # statements the data and the inferred statements hold about 7 GB, which the page's communities need).
    report.data, report.inferred, report.provenance = None, [], []
    found = find_chains(graph)
    counts = ", ".join(f"{name} {len(instances)}" for name, instances in found.items())
    job.steps.append(StepResult("chains", time.perf_counter() - started, counts))
    del found

    from ecograph.viz import write_page

    say("page")
    started = time.perf_counter()
    page = write_page(report.out_dir / "ecograph.html", graph=graph)
    drawn = f"ecograph.html: {page.nodes} nodes, {page.edges} edges, {page.size // 1024} KiB"
    job.steps.append(StepResult("page", time.perf_counter() - started, drawn))
    return job
