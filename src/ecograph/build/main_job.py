"""The main job: build (validate, reason, export, document), then run the catalogue, find the chains and draw the page."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.build.artefacts import BuildReport, StepResult, build

__all__ = ["MainJobReport", "run_main_job"]


@dataclass
class MainJobReport:
    """What the main job did: the build's report and every step, build steps first."""

    build: BuildReport
    steps: list[StepResult] = field(default_factory=list)


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
        Run the OWL reasoner; without it the class-based queries find fewer answers.

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

    assert report.store is not None and report.data is not None, "a finished build keeps its stores"

    say("queries")
    runs = run_catalogue(report.store, inferred=report.inferred)
    job.steps.append(StepResult("queries", sum(r.seconds for r in runs), catalogue_summary(runs)))

    from ecograph.network.chains import find_chains
    from ecograph.network.projection import project

    say("chains")
    started = time.perf_counter()
    graph = project(report.data, inferred=report.inferred, ontology=report.ontology)
    found = find_chains(graph)
    counts = ", ".join(f"{name} {len(instances)}" for name, instances in found.items())
    job.steps.append(StepResult("chains", time.perf_counter() - started, counts))

    from ecograph.viz import write_page

    say("page")
    started = time.perf_counter()
    page = write_page(report.out_dir / "ecograph.html", graph=graph)
    drawn = f"ecograph.html: {page.nodes} nodes, {page.edges} edges, {page.size // 1024} KiB"
    job.steps.append(StepResult("page", time.perf_counter() - started, drawn))
    return job
