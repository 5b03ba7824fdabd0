"""Tests of ecograph.build.parallel: the build's forked workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecograph.build.parallel import run_forked
from ecograph.errors import InputError


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_results_come_back_in_task_order(workers: int) -> None:
    tasks = [lambda i=i: i * i for i in range(7)]
    assert run_forked(tasks, workers=workers) == [i * i for i in range(7)]


def test_tasks_run_in_children_that_see_the_parents_memory(tmp_path: Path) -> None:
    seen = {"value": 42}
    results = run_forked([lambda: (os.getpid(), seen["value"]), lambda: (os.getpid(), seen["value"] + 1)], workers=2)
    assert [value for _, value in results] == [42, 43]
    assert os.getpid() not in {pid for pid, _ in results}


def test_a_failing_task_raises_its_own_error_in_the_parent(tmp_path: Path) -> None:
    def fail() -> None:
        raise InputError("graph/bad.trig", "does not parse", 3)

    with pytest.raises(InputError, match="bad.trig"):
        run_forked([lambda: 1, fail], workers=2)


def test_an_error_that_cannot_be_pickled_still_names_its_cause() -> None:
    class Local(Exception):
        pass

    def fail() -> None:
        raise Local("a local exception class")

    with pytest.raises(Exception, match="a local exception class"):
        run_forked([fail, lambda: 2], workers=2)


def test_a_child_that_dies_is_an_error() -> None:
    with pytest.raises(Exception, match="exit status 3"):
        run_forked([lambda: os._exit(3), lambda: 2], workers=2)
