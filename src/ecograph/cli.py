"""The ``ecograph`` command line: a thin Typer layer over build, validate and run."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, Optional, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecograph import __version__
from ecograph.build import BuildReport, StepResult, build as run_build, optional_module
from ecograph.errors import EcographError, ValidationFailed, exit_code

__all__ = ["app"]

app = typer.Typer(
    name="ecograph",
    help="Build, validate and publish the ecograph knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> NoReturn:
    # One line, whatever the message holds: parser messages may contain newlines or [brackets].
    _err().print(f"[bold red]error:[/] {escape(' '.join(message.split()))}")
    raise typer.Exit(code)


def _guard(action: Callable[[], T]) -> T:
    """Run an action; turn ecograph errors into one red stderr line and an exit code."""
    try:
        return action()
    except ValidationFailed as e:
        _out().print(e.report, markup=False)
        _fail(str(e), exit_code(e))
    except EcographError as e:
        _fail(str(e), exit_code(e))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as e:
        if os.environ.get("ECOGRAPH_DEBUG"):
            raise
        _fail(f"internal error: {type(e).__name__}: {e} (set ECOGRAPH_DEBUG=1 for the traceback)", 1)


def _with_status(action: Callable[[Callable[[str], None]], T]) -> T:
    with _err().status("starting") as status:
        return action(lambda step: status.update(f"{step}…"))


def _summary(steps: list[StepResult], report: BuildReport) -> None:
    table = Table(title=f"ecograph → {report.out_dir}")
    table.add_column("step")
    table.add_column("time", justify="right")
    table.add_column("result")
    for s in steps:
        table.add_row(s.name, f"{s.seconds:.2f} s", escape(s.result))
    out = _out()
    out.print(table)
    for note in report.notes:
        out.print(f"[yellow]note:[/] {escape(note)}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecograph {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Build, validate and publish the ecograph knowledge graph."""


OutOption = Annotated[
    Optional[Path], typer.Option("--out", "-o", help="Output directory [default: build/ of the project].")
]


@app.command()
def build(out: OutOption = None) -> None:
    """Load, validate, reason and export the graph, and document the ontology."""
    report = _guard(lambda: _with_status(lambda p: run_build(out, progress=p)))
    out_console = _out()
    for f in report.files:
        count = "" if f.statements is None else f", {f.statements} statements"
        out_console.print(f"{escape(f.path)}  ({f.size} bytes{count})")
    _summary(report.steps, report)


@app.command()
def validate(
    files: Annotated[
        Optional[list[Path]], typer.Argument(help="RDF files to validate [default: the whole project].")
    ] = None,
) -> None:
    """Validate the project (or FILE...) against the SHACL shapes: exit 0 conforms, 1 violations, 2 unreadable."""

    def action() -> tuple[bool, str]:
        mod = optional_module("ecograph.validate")
        if mod is None:
            # Still worth parsing: an unreadable file is reported as file:line.
            from ecograph.loading import load_dataset, load_ontology, store_from_files

            if files:
                store_from_files(files)
            else:
                load_ontology()
                load_dataset()
            return True, "parsed only: ecograph.validate is not available yet"
        result = mod.validate_files(files) if files else mod.validate_project()
        return result.conforms, result.text

    conforms, text = _guard(action)
    if not conforms:
        _out().print(text, markup=False)
        _fail("validation failed: the data does not conform to the shapes", 1)
    _out().print(text or "conforms", markup=False)


@app.command()
def run(out: OutOption = None) -> None:
    """The main job: build everything and print a summary of the steps."""

    def action(progress: Callable[[str], None]) -> tuple[list[StepResult], BuildReport]:
        report = run_build(out, progress=progress)
        steps = list(report.steps)
        # The query catalogue, chains and page steps append their StepResult here as they land.
        return steps, report

    steps, report = _guard(lambda: _with_status(action))
    _summary(steps, report)
