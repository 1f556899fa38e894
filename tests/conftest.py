"""Shared helpers: the project root and the installed lessonreel command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONREEL = [sys.executable, "-m", "lessonreel.cli"]


def run_lessonreel(*args: str, env: dict[str, str] | None = None,
                   cwd: Path = ROOT, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process, as a user would."""
    return subprocess.run([*LESSONREEL, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)


@pytest.fixture
def root() -> Path:
    return ROOT


def pytest_addoption(parser: pytest.Parser) -> None:
    # The two flags Manim's frames_comparison reads.
    parser.addoption("--set_test", action="store_true", default=False,
                     help="Write new control frames for frames_comparison tests (on purpose only).")
    parser.addoption("--show_diff", action="store_true", default=False,
                     help="Show a diff image when a frames_comparison test fails.")
