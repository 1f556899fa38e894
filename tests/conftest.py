"""Shared helpers: the project root and the installed lessonreel command."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonreel import settings
from lessonreel.authoring import texcache
from lessonreel.render.launch import TEX_DIR_ENV
from tests import slow_tier

ROOT = Path(__file__).resolve().parents[1]
LESSONREEL = [sys.executable, "-m", "lessonreel.cli"]


def run_lessonreel(*args: str, env: dict[str, str] | None = None,
                   cwd: Path = ROOT, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process, as a user would."""
    return subprocess.run([*LESSONREEL, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)


#: Marks of the slow tier: a test that runs Manim to draw frames, or opens a browser.
#: ``scripts/test --fast`` deselects them.
SLOW_MARKS = ("render", "browser")


def pytest_configure(config: pytest.Config) -> None:
    # A folder for children's PYTHONPATH: the guard and a sitecustomize that loads it.
    folder = Path(tempfile.mkdtemp(prefix="lessonreel-slow-tier-"))
    shutil.copy(Path(slow_tier.__file__), folder / "_lessonreel_slow_tier.py")
    (folder / "sitecustomize.py").write_text(slow_tier.sitecustomize_source())
    config.stash[_SLOW_TIER_SITE] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_SLOW_TIER_SITE, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


_SLOW_TIER_SITE = pytest.StashKey[Path]()


@contextlib.contextmanager
def _fast_tier_guard(item: pytest.Item) -> Iterator[None]:
    """An unmarked test (and every Python child it starts) may not start Manim or a browser;
    if it tries, the test fails naming the mark to add (see ``tests/slow_tier.py``)."""
    if any(item.get_closest_marker(mark) for mark in SLOW_MARKS):
        yield
        return
    site = item.config.stash[_SLOW_TIER_SITE]
    log = site / f"{os.getpid()}-{abs(hash(item.nodeid))}.log"
    log.unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(slow_tier.LOG_ENV, str(log))
        patch.setenv("PYTHONPATH", os.pathsep.join(
            p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p))
        slow_tier.install(log)
        try:
            yield
        finally:
            slow_tier.uninstall()
            started = sorted(set(log.read_text().split("\n")) - {""}) if log.exists() else []
            if started:
                mark = "browser" if started == ["a browser"] else "render"
                pytest.fail(f"{item.nodeid} starts {' and '.join(started)} but is not marked: "
                            f"add @pytest.mark.{mark} (the fast tier must not)", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    # Around fixture setup too: a module-scoped fixture may render for its first test.
    with _fast_tier_guard(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with _fast_tier_guard(item):
        return (yield)


def ctrl_c_as_at_a_terminal() -> None:
    """For a child process: Ctrl-C (SIGINT) acts as it does at a terminal, even when the
    test run itself was started with it ignored (as a shell's background job is)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_signals_as_delivered() -> None:
    """For a child process: SIGTERM and SIGHUP act as they do for a program a service
    manager or a terminal started, even when the test run itself was started with them
    ignored (``nohup`` ignores SIGHUP, and a child inherits that)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


#: The LaTeX folder of every formula the suite draws: the project's own, found as a render
#: finds it, and kept between runs as a user's is. Safe to share: every entry is keyed by
#: its source and the TeX installation, written atomically and checked at each read.
LATEX = texcache.shared_dir(settings.cache_dir(ROOT))


@pytest.fixture(scope="session", autouse=True)
def shared_latex() -> Iterator[Path]:
    """One LaTeX folder for every render of the session and every scene the tests
    construct, on every xdist worker, as for a user's runs: each formula is compiled
    once, not once per test cache or worker (tests of the LaTeX folder itself name
    their own)."""
    folder = LATEX
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TEX_DIR_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session", autouse=True)
def own_media_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under ``pytest -n`` (the fast tier), each worker gets its own Manim media folder:
    scenes constructed in the test process write Text's SVGs there, and two workers
    writing and reading the same ./media/texts/<hash>.svg at once read it half-written."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from manim import config

        config.media_dir = str(tmp_path_factory.mktemp("media"))


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
