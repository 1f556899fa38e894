"""The fast tier's guard catches Manim and browsers started by an unmarked test's children."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import slow_tier


def test_manim_and_browsers_are_slow_work_and_other_commands_are_not() -> None:
    assert slow_tier.slow_work([sys.executable, "-m", "manim", "render", "x.py"]) == "Manim"
    assert slow_tier.slow_work(["/usr/bin/chromium", "--headless"]) == "a browser"
    assert slow_tier.slow_work(["node", "/x/playwright/driver/cli.js"]) == "a browser"
    assert slow_tier.slow_work(["ffprobe", "-v", "error", "manim.mp4"]) is None
    assert slow_tier.slow_work([sys.executable, "-c", "import manim"]) is None


def test_a_child_of_an_unmarked_test_that_starts_manim_is_stopped_and_logged(
        tmp_path: Path) -> None:
    # This very test runs unmarked, so its environment already carries the guard.
    log = Path(os.environ[slow_tier.LOG_ENV])
    child_log = tmp_path / "child.log"
    child = subprocess.run(
        [sys.executable, "-c",
         "import subprocess, sys; subprocess.run([sys.executable, '-m', 'manim', '--version'])"],
        env={**os.environ, slow_tier.LOG_ENV: str(child_log)}, capture_output=True, text=True)
    assert child.returncode != 0
    assert "SlowWorkInFastTier" in child.stderr
    assert child_log.read_text() == "Manim\n"
    assert not log.exists() or log.read_text() == ""


def test_the_fast_tier_keeps_a_scenes_tests_on_one_worker(tmp_path: Path) -> None:
    # scripts/test --fast builds each scene once, on the worker its group is sent to. A
    # pytest that xdist cannot group with (9.2 and xdist 3.8) spreads them silently, and
    # every scene is built on every worker: this sees the workers the tests ran on.
    (tmp_path / "test_grouped.py").write_text(
        "import pytest\n"
        "SCENES = ['A', 'B']\n"
        "@pytest.fixture(params=[pytest.param(s, marks=pytest.mark.xdist_group(s))\n"
        "                        for s in SCENES])\n"
        "def scene(request): return request.param\n"
        "@pytest.mark.parametrize('n', range(4))\n"
        "def test_one(scene, n): pass\n"
        "@pytest.mark.parametrize('n', range(4))\n"
        "def test_two(scene, n): pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2",
         "--dist", "loadgroup", "-v", "-c", os.devnull, str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    workers: dict[str, set[str]] = {}
    for line in result.stdout.splitlines():
        if "PASSED" in line and line.startswith("[gw"):
            scene = line.split("[")[-1].split("-")[0]
            workers.setdefault(scene, set()).add(line.split("]")[0])
    assert sorted(workers) == ["A", "B"], result.stdout
    assert all(len(ran_on) == 1 for ran_on in workers.values()), workers
