"""The benchmark's verdicts: a step that crashed is a NO with its reason, never n/a or a win."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_runner():
    spec = importlib.util.spec_from_file_location("benchmark_run", REPO / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_run"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_a_crashed_step_is_no_with_its_reason() -> None:
    run = load_runner()
    crashed = run.Row("chains", "chains", {"ecograph": run.Cell(note="failed: MemoryError")})
    rows = {run.TARGET_SIZE: [crashed]}
    table = run.targets(rows, None)
    chain_line = next(line for line in table.splitlines() if line.startswith("| chain search"))
    assert chain_line.rstrip().endswith("| failed: MemoryError | NO |")  # the reason, then the verdict
    assert "n/a" not in chain_line


def test_steps_left_out_are_not_run_but_a_step_that_ran_and_failed_is_no() -> None:
    run = load_runner()
    left_out = run.Row("steps not run (--steps)", "baseline", {}, "load, build, reason, checks, main_job")
    table = run.targets({run.TARGET_SIZE: [left_out]}, None)
    lines = {line.split(" |")[0]: line for line in table.splitlines() if line.startswith("| ")}
    assert lines["| `ecograph build --no-reason` ≤ 2× bare pyoxigraph"].endswith("| not run (--steps) | n/a |")
    reasoning = next(line for line in table.splitlines() if line.startswith("| OWL 2 RL reasoning"))
    assert reasoning.endswith("| not run (--steps) | n/a |")
    assert next(line for line in table.splitlines() if line.startswith("| main job")).endswith("| not run (--steps) | n/a |")
    crashed = run.Row("reason (OWL 2 RL, whole graph with the seed)", "reason", {"ecograph": run.Cell(note="failed: killed")})
    table = run.targets({run.TARGET_SIZE: [run.Row("steps not run (--steps)", "baseline", {}, "load"), crashed]}, None)
    reasoning = next(line for line in table.splitlines() if line.startswith("| OWL 2 RL reasoning"))
    assert reasoning.endswith("| failed: killed | NO |")
    assert next(line for line in table.splitlines() if line.startswith("| `ecograph build")).endswith("| NO |")
    assert next(line for line in table.splitlines() if line.startswith("| main job")).endswith("| not measured | NO |")
