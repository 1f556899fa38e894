"""The code stays ruff- and mypy-clean, as the style guide asks."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_finds_nothing() -> None:
    command = [sys.executable, "-m", "ruff", "check", "lessonreel", "scenes", "tests", "scripts"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_engine() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "lessonreel"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
