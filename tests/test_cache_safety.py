"""The scene cache fails safe: a missing tool, a second run or a prune never costs a
valid entry, and nothing it does to itself crashes a render."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from lessonreel.authoring.texcache import TEX_DIR_ENV
from lessonreel.files import pid_folder, remove_orphans
from lessonreel.records import SceneRender
from lessonreel.render.cache import SceneCache
from lessonreel.settings import KEEP_PER_SCENE
from tests.conftest import stop_signals_as_delivered
from tests.test_render_cache import DemoLesson, decoded_frames, demo  # noqa: F401  (the fixture)
from tests.test_texcache import damaged, svgs

pytestmark = pytest.mark.render


def entries(cache: Path) -> set[Path]:
    return {p.parent for p in (cache / "scenes").glob("*/*/*/*/record.json")}


def path_without_ffprobe(tmp_path: Path) -> str:
    """PATH with ffmpeg (Manim's encoder needs none, lessonreel's joins need it) but no
    ffprobe."""
    bin_dir = tmp_path / "bin-without-ffprobe"
    bin_dir.mkdir()
    for tool in ("ffmpeg", "latex", "dvisvgm"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    return os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent)])


def test_without_ffprobe_no_entry_is_deleted_and_the_error_names_ffprobe(
    demo: DemoLesson, tmp_path: Path,  # noqa: F811
) -> None:
    first = demo.render()
    assert first.returncode == 0, first.stderr[-2000:]
    stored = entries(demo.root / "cache")
    assert len(stored) == 3
    no_probe = {"PATH": path_without_ffprobe(tmp_path)}
    # Nothing changed: every entry is checked and used without ffprobe.
    again = demo.render(extra_env=no_probe)
    assert again.returncode == 0, again.stderr[-2000:]
    assert entries(demo.root / "cache") == stored
    # One scene edited: its render needs ffprobe to be stored, and says so.
    demo.write_a("The first number, edited.")
    edited = demo.render(extra_env=no_probe)
    assert edited.returncode != 0
    assert "ffprobe" in edited.stderr.strip().splitlines()[-1]
    assert "Traceback" not in edited.stderr
    assert stored <= entries(demo.root / "cache")


def test_two_runs_of_one_lesson_at_once_both_succeed(demo: DemoLesson) -> None:  # noqa: F811
    command = [sys.executable, "-m", "lessonreel.cli", "render", "demo", "-q", "low",
               "--narration", "none", "--jobs", "1", "--cache-dir", str(demo.root / "cache")]
    env = {**os.environ, **demo.env()}
    runs = [subprocess.Popen([*command, "--out", str(demo.root / f"out{i}")], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for i in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err[-2000:]
    assert (demo.root / "out0" / "lesson.srt").read_text() == \
        (demo.root / "out1" / "lesson.srt").read_text()
    assert len(entries(demo.root / "cache")) == 3


def stored_entry(cache: SceneCache, tmp_path: Path, key: str) -> Path:
    source = tmp_path / "video.mp4"
    if not source.exists():
        # A real, tiny H.264 file: the record counts its frames.
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                        "color=c=black:s=64x36:d=0.2:r=15", "-c:v", "libx264", str(source)],
                       check=True)
    entry = cache.store("demo", "Scene", "low-none", key, {"video.mp4": source}, SceneRender())
    return entry.folder


def test_storing_a_key_that_another_run_stored_meanwhile_keeps_one_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = SceneCache(tmp_path / "cache")
    rename = os.rename
    raced: list[Path] = []

    def other_run_first(source: str | Path, target: str | Path) -> None:
        # The other run's store lands between this run's staging and its rename.
        if not raced and Path(source).name.startswith("."):
            raced.append(Path(target))
            monkeypatch.setattr(os, "rename", rename)
            SceneCache(tmp_path / "cache").store(
                "demo", "Scene", "low-none", "k" * 64,
                {"video.mp4": tmp_path / "video.mp4"}, SceneRender())
        rename(source, target)

    stored_entry(cache, tmp_path, "a" * 64)  # makes the video, outside the race
    monkeypatch.setattr(os, "rename", other_run_first)
    folder = stored_entry(cache, tmp_path, "k" * 64)
    assert raced == [folder]
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".")] == []
    assert cache.lookup("demo", "Scene", "low-none", "k" * 64) is not None


def test_pruning_keeps_the_newest_keys_and_any_entry_a_live_run_uses(tmp_path: Path) -> None:
    cache = SceneCache(tmp_path / "cache")
    used = stored_entry(cache, tmp_path, "0" * 64)
    # Another process, still running, is assembling a lesson from it.
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lease = used / ".leases"
        for mine in lease.iterdir():
            mine.rename(lease / str(other.pid))
        for n in range(1, KEEP_PER_SCENE + 3):
            time.sleep(0.01)
            stored_entry(cache, tmp_path, str(n) * 64)
        cache.release()
        assert used.is_dir(), "an entry in use was pruned"
    finally:
        other.kill()
        other.wait()
    stored_entry(cache, tmp_path, "9" * 64)
    left = {p.name for p in used.parent.iterdir()}
    assert used.name not in left
    assert len(left) == KEEP_PER_SCENE


def test_a_damaged_entry_is_reported_kept_and_then_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    cache = SceneCache(tmp_path / "cache")
    folder = stored_entry(cache, tmp_path, "d" * 64)
    video = folder / "video.mp4"
    video.write_bytes(video.read_bytes()[:-100])
    with caplog.at_level("WARNING", logger="lessonreel.render.cache"):
        assert cache.lookup("demo", "Scene", "low-none", "d" * 64) is None
    assert "video.mp4 is" in caplog.text and "recorded" in caplog.text
    assert video.exists(), "a damaged entry is left for the render that replaces it"
    stored_entry(cache, tmp_path, "d" * 64)
    assert cache.lookup("demo", "Scene", "low-none", "d" * 64) is not None


def test_run_folders_of_finished_processes_are_cleaned_at_the_next_run(tmp_path: Path) -> None:
    cache = SceneCache(tmp_path / "cache")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = tmp_path / "cache" / "runs" / f"run-{gone.stdout.strip()}-20260101-000000-abcd"
    alive = tmp_path / "cache" / "runs" / f"run-{os.getpid()}-20260101-000000-abcd"
    for folder in (dead, alive):
        (folder / "scene").mkdir(parents=True)
    cache.clean()
    assert not dead.exists() and alive.exists()


def test_a_folder_named_for_a_gone_process_is_removed_but_no_link_and_no_pidless_name(
    tmp_path: Path,
) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "keep.txt").parent.mkdir()
    (elsewhere / "keep.txt").write_text("not ours")
    parent = tmp_path / "parent"
    parent.mkdir()
    dead = parent / f".work-{gone}-x"
    (dead / "inside").mkdir(parents=True)
    link = parent / f".work-{gone}-link"
    link.symlink_to(elsewhere)
    pidless, mine = parent / ".work-abc", pid_folder(parent, ".work-")
    pidless.mkdir()
    assert remove_orphans(parent, (".work-",)) == [dead]
    assert not dead.exists() and link.is_symlink() and pidless.is_dir() and mine.is_dir()
    assert (elsewhere / "keep.txt").read_text() == "not ours"


FORMULA_SCENES = '''
import os, subprocess, time
from pathlib import Path
from manim import *
from lessonreel.authoring.narration import NarrationMixin

class Formula(NarrationMixin, Scene):
    """A formula."""
    def construct(self):
        self.add(MathTex(r"\\frac{\\Delta y}{\\Delta x} = 5"))
        self.wait(1)

class Held(NarrationMixin, Scene):
    """Another formula, held on screen until stopped when the test asks."""
    def construct(self):
        self.add(MathTex(r"f(x) = x^2 + 1"))
        ready = os.environ.get("FORMULA_HOLD")
        if ready:
            # A child of the worker, as LaTeX or ffmpeg would be: the stop must end it too.
            subprocess.Popen(["sleep", "600"])
            Path(ready).write_text(str(os.getpid()))
            time.sleep(600)
        self.wait(1)
'''


class FormulaLesson:
    """Two one-second scenes, each one formula, rendered once clean into ``out``;
    every test renders it again into its own cache and output, with its own LaTeX
    folder and system temporary folder (to see what processes leave there)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pkg = f"formula_lessons_{uuid.uuid4().hex[:8]}"
        folder = root / self.pkg / "formulas"
        folder.mkdir(parents=True)
        (root / self.pkg / "__init__.py").write_text("")
        (folder / "__init__.py").write_text(
            "from lessonreel.authoring.lesson import Lesson, SceneRef\n"
            "LESSON = Lesson(slug='formulas', title='Formulas', course='Tests', "
            "package=__name__, scenes=(SceneRef('scenes', 'Formula', 'Formula'), "
            "SceneRef('scenes', 'Held', 'Held')))\n")
        (folder / "scenes.py").write_text(FORMULA_SCENES)

    def command(self, name: str) -> list[str]:
        return [sys.executable, "-m", "lessonreel.cli", "render", "formulas", "-q", "low",
                "--narration", "none", "--jobs", "2", "--out", str(self.root / f"out-{name}"),
                "--cache-dir", str(self.root / f"cache-{name}")]

    def env(self, name: str) -> dict[str, str]:
        temp = self.root / f"tmp-{name}"
        temp.mkdir(exist_ok=True)
        return {**os.environ, "LESSONREEL_LESSONS": self.pkg, "TMPDIR": str(temp),
                TEX_DIR_ENV: str(self.root / f"tex-{name}"),
                "PYTHONPATH": os.pathsep.join([str(self.root), os.environ.get("PYTHONPATH", "")])}

    def render(self, name: str, tex: str | None = None) -> subprocess.CompletedProcess[str]:
        env = self.env(name)
        if tex is not None:
            env[TEX_DIR_ENV] = str(self.root / f"tex-{tex}")
        return subprocess.run(self.command(name), capture_output=True, text=True, timeout=600,
                              env=env)

    def tex_copy(self, name: str) -> Path:
        """A copy of the clean render's LaTeX folder, for a test to damage."""
        copy = self.root / f"tex-{name}"
        shutil.copytree(self.root / "tex-clean", copy)
        return copy

    def frames(self, name: str, scene: str) -> list[np.ndarray]:
        return decoded_frames(self.root / f"out-{name}" / "scenes" / f"{scene}.mp4")


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> FormulaLesson:
    lesson = FormulaLesson(tmp_path_factory.mktemp("formulas"))
    clean = lesson.render("clean")
    assert clean.returncode == 0, clean.stderr[-2000:]
    assert len(svgs(lesson.root / "tex-clean")) == 2
    return lesson


def test_a_damaged_formula_in_the_latex_cache_is_compiled_again_with_a_warning(
    formulas: FormulaLesson,
) -> None:
    tex = formulas.tex_copy("damaged")
    for name, data in svgs(tex).items():
        (tex / name).write_bytes(damaged(data, "one digit"))
    result = formulas.render("damaged")
    assert result.returncode == 0, result.stderr[-2000:]
    for scene in ("Formula", "Held"):
        clean, again = formulas.frames("clean", scene), formulas.frames("damaged", scene)
        assert len(clean) == len(again)
        assert all(np.array_equal(a, b) for a, b in zip(clean, again, strict=True)), scene
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    for name in svgs(tex):
        assert any(str(tex / name) in line for line in warnings), (name, warnings)
    # dvisvgm may order an SVG's glyphs differently each time: what is drawn must match.
    assert svgs(tex).keys() == svgs(formulas.root / "tex-clean").keys()


def processes_with(marker: str) -> set[int]:
    """The live processes whose environment holds ``marker``: every descendant of a
    process started with it, whichever session or group it moved to."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if marker.encode() in (proc / "environ").read_bytes().split(b"\0"):
                    found.add(int(proc.name))
    return found


@pytest.mark.parametrize(("signum", "executor"), [
    (signal.SIGTERM, "local"), (signal.SIGHUP, "local"), (signal.SIGTERM, "dask")],
    ids=["TERM", "HUP", "TERM-dask"])
def test_a_stop_signal_ends_every_worker_and_leaves_nothing_half_done(
    formulas: FormulaLesson, signum: int, executor: str,
) -> None:
    name = signal.Signals(signum).name
    run = f"{name}-{executor}"
    ready = formulas.root / f"held-{run}"
    marker = f"LESSONREEL_TEST_RUN={uuid.uuid4().hex}"
    env = {**formulas.env(run), "FORMULA_HOLD": str(ready),
           **dict([marker.split("=", 1)])}
    # As a service manager or a closing terminal does: the signal goes to lessonreel alone.
    process = subprocess.Popen([*formulas.command(run), "--executor", executor], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=stop_signals_as_delivered)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not ready.exists() and process.poll() is None:
            time.sleep(0.1)
        assert ready.exists(), "the held scene never started: " + process.communicate()[1][-2000:]
        running = processes_with(marker) - {process.pid}
        assert int(ready.read_text()) in running and len(running) >= 2  # worker and child

        os.kill(process.pid, signum)
        _, err = process.communicate(timeout=60)
        left = processes_with(marker)
    finally:
        # A failed run must not leave its workers to the next test.
        for pid in processes_with(marker):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert process.returncode == 128 + signum, err[-2000:]
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"Stopped: {name} received") and last.count(name) == 1
    assert [line for line in err.splitlines() if name in line] == [last]
    assert left == set(), "a process of the run outlived it"
    cache = formulas.root / f"cache-{run}"
    # Entries live at scenes/<lesson>/<scene>/<variant>/<key>: none may be half-written.
    found = list((cache / "scenes").glob("*/*/*/*"))
    assert [e for e in found if e.name.startswith(".") or not (e / "record.json").exists()] == []
    assert not any((cache / "scenes").glob("formulas/Held/*/*"))
    assert list((cache / "runs").iterdir()) == []
    # Dask keeps its own scratch folder there; lessonreel's processes leave nothing.
    assert [p for p in (formulas.root / f"tmp-{run}").iterdir()
            if p.name.startswith("lessonreel-")] == []
    assert not (formulas.root / f"out-{run}").exists()

    again = formulas.render(run)
    assert again.returncode == 0, again.stderr[-2000:]
    for scene in ("Formula", "Held"):
        assert all(np.array_equal(a, b) for a, b in zip(
            formulas.frames("clean", scene), formulas.frames(run, scene), strict=True))


def test_private_temporary_folders_of_gone_processes_are_removed_at_the_next_plan(
    demo: DemoLesson, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = [temp / f"lessonreel-tex-{gone}-abc", temp / f"lessonreel-media-{gone}-0123"]
    kept = [temp / f"lessonreel-tex-{os.getpid()}-def",  # a live process's, in use
            temp / "lessonreel-tex-x1y2z3",  # no pid: whose it is cannot be told
            temp / f"someone-else-{gone}"]
    for folder in left + kept:
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "file.svg").write_text("<svg/>")
    demo.keys()  # plans the lesson
    assert sorted(temp.iterdir()) == sorted(kept)
