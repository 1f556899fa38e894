"""Shared helpers: the project root and the installed lessonreel command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonreel.texcache import TEX_DIR_ENV

ROOT = Path(__file__).resolve().parents[1]
LESSONREEL = [sys.executable, "-m", "lessonreel.cli"]


def run_lessonreel(*args: str, env: dict[str, str] | None = None,
                   cwd: Path = ROOT, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process, as a user would."""
    return subprocess.run([*LESSONREEL, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)


def ctrl_c_as_at_a_terminal() -> None:
    """For a child process: Ctrl-C (SIGINT) acts as it does at a terminal, even when the
    test run itself was started with it ignored (as a shell's background job is)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="session", autouse=True)
def shared_latex(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One LaTeX folder for every render of the session, as for a user's runs: each
    formula is compiled once, not once per test cache (tests of the LaTeX folder
    itself name their own)."""
    folder = tmp_path_factory.mktemp("latex")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TEX_DIR_ENV, str(folder))
        yield folder


@pytest.fixture
def root() -> Path:
    return ROOT


def pytest_addoption(parser: pytest.Parser) -> None:
    # The two flags Manim's frames_comparison reads.
    parser.addoption("--set_test", action="store_true", default=False,
                     help="Write new control frames for frames_comparison tests (on purpose only).")
    parser.addoption("--show_diff", action="store_true", default=False,
                     help="Show a diff image when a frames_comparison test fails.")


@pytest.fixture(scope="session")
def module02_low(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Module 2 rendered once per test session at -q low with the real voice, by the local pool.

    The end-to-end, site and Dask tests all read this one render: it is the
    slowest thing the suite does. Treat the folder as read-only.
    """
    base = tmp_path_factory.mktemp("module02-low")
    out = base / "out"
    result = run_lessonreel("render", "module02-derivatives", "-q", "low", "--out", str(out),
                            "--cache-dir", str(base / "cache"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == str(out / "lesson.mp4")
    return out
