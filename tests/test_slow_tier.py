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
