"""The scene cache and the worker pool, on a tiny lesson written for each test.

The demo lesson has three short scenes: two in one file that share a math
module, one in another file that also uses a shared helper. Each test edits
what a course author would edit and checks exactly which scenes render again.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import av
import numpy as np
import pytest

from lessonreel.authoring.lesson import discover
from lessonreel.render.cache import SceneCache
from lessonreel.render.plan import plan
from lessonreel.render.quality import QUALITIES
from tests.conftest import ctrl_c_as_at_a_terminal, run_lessonreel

SCENE_FILE_A = '''
from manim import *
from lessonreel.authoring.narration import NarrationMixin
from {pkg}.demo import math as m

class FirstScene(NarrationMixin, Scene):
    """Shows the first number."""
    def construct(self):
        with self.voiceover(beat="one", text="{first_text}") as tracker:
            self.play(Write(Text(str(m.FIRST))), run_time=tracker.duration / 2)
        self.wait(9)  # YouTube's shortest chapter is 10 s

class SecondScene(NarrationMixin, Scene):
    """Shows the second number."""
    def construct(self):
        with self.voiceover(beat="two", text="The second number, shown for a moment.") as t:
            self.play(FadeIn(Text(str(m.SECOND))), run_time=t.duration / 2)
        self.wait(9)
'''

SCENE_FILE_B = '''
import os, signal
from manim import *
from lessonreel.authoring.narration import NarrationMixin
from {pkg}.demo import math as m
from {pkg}.demo.helper import badge

class ThirdScene(NarrationMixin, Scene):
    """Shows a badge."""
    def construct(self):
        if os.environ.get("DEMO_KILL_THIRD"):
            os.kill(os.getpid(), signal.SIGKILL)
        if os.environ.get("DEMO_SLOW_THIRD"):
            import time
            time.sleep(600)  # still rendering whenever Ctrl-C comes
        with self.voiceover(beat="three", text="A badge for the third number.") as tracker:
            self.play(FadeIn(badge(m.FIRST + m.SECOND)), run_time=tracker.duration / 2)
        self.wait(9)
'''


class DemoLesson:
    """A lesson package in a temporary folder, importable under a unique name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pkg = f"demo_lessons_{uuid.uuid4().hex[:8]}"
        self.folder = root / self.pkg / "demo"
        self.folder.mkdir(parents=True)
        (root / self.pkg / "__init__.py").write_text("")
        (self.folder / "__init__.py").write_text(textwrap.dedent('''
            from lessonreel.authoring.lesson import Lesson, SceneRef
            LESSON = Lesson(slug="demo", title="Demo lesson", course="Tests", package=__name__,
                            scenes=(SceneRef("a", "FirstScene", "First"),
                                    SceneRef("a", "SecondScene", "Second"),
                                    SceneRef("b", "ThirdScene", "Third")))
        '''))
        (self.folder / "math.py").write_text("FIRST = 2\nSECOND = 3\n")
        (self.folder / "helper.py").write_text(
            "from manim import Text\n\ndef badge(value):\n    return Text(f'[{value}]')\n")
        self.write_a("The first number, shown briefly.")
        (self.folder / "b.py").write_text(SCENE_FILE_B.format(pkg=self.pkg))

    def write_a(self, first_text: str) -> None:
        (self.folder / "a.py").write_text(
            SCENE_FILE_A.format(pkg=self.pkg, first_text=first_text))

    def env(self) -> dict[str, str]:
        return {"LESSONREEL_LESSONS": self.pkg,
                "PYTHONPATH": os.pathsep.join([str(self.root), os.environ.get("PYTHONPATH", "")])}

    def keys(self, quality: str = "low") -> dict[str, str]:
        lesson = discover(self.pkg)["demo"]
        tasks = plan(lesson, lesson.scenes, QUALITIES[quality], "none", self.root,
                     self.root / "cache")
        return {t.scene.name: t.key for t in tasks}

    def render(self, *args: str, out: str = "out", cache: str = "cache",
               extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "lessonreel.cli", "render", "demo", "-q", "low",
                   "--narration", "none", "--out", str(self.root / out),
                   "--cache-dir", str(self.root / cache), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=600,
                              env={**os.environ, **self.env(), **(extra_env or {})})


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DemoLesson:
    lesson = DemoLesson(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return lesson


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_editing_one_scenes_narration_invalidates_only_that_scene(demo: DemoLesson) -> None:
    before = demo.keys()
    demo.write_a("The first number, shown briefly, now with more words.")
    assert changed(before, demo.keys()) == {"FirstScene"}


def test_editing_the_math_layer_invalidates_every_scene_that_imports_it(
    demo: DemoLesson,
) -> None:
    before = demo.keys()
    (demo.folder / "math.py").write_text("FIRST = 2\nSECOND = 4\n")
    assert changed(before, demo.keys()) == {"FirstScene", "SecondScene", "ThirdScene"}


def test_editing_a_shared_helper_invalidates_only_its_users(demo: DemoLesson) -> None:
    before = demo.keys()
    (demo.folder / "helper.py").write_text(
        "from manim import Text\n\ndef badge(value):\n    return Text(f'<{value}>')\n")
    assert changed(before, demo.keys()) == {"ThirdScene"}


def test_a_new_take_of_recorded_narration_invalidates_only_its_scene(demo: DemoLesson) -> None:
    before = demo.keys()
    take = demo.root / "assets" / "narration" / "demo" / "SecondScene" / "two.wav"
    take.parent.mkdir(parents=True)
    take.write_bytes(b"RIFF first take")
    after = demo.keys()
    assert changed(before, after) == {"SecondScene"}
    take.write_bytes(b"RIFF second take")
    assert changed(after, demo.keys()) == {"SecondScene"}


def test_a_scene_built_on_a_project_base_class_is_keyed_on_its_own_source(
    demo: DemoLesson,
) -> None:
    init = demo.folder / "__init__.py"
    init.write_text(init.read_text().replace(
        'SceneRef("b", "ThirdScene", "Third")',
        'SceneRef("b", "ThirdScene", "Third"), SceneRef("a", "FourthScene", "Fourth")'))
    base = ("\n\nclass Opening(NarrationMixin, Scene):\n"
            "    def construct(self):\n        self.wait(self.seconds)\n")
    a = demo.folder / "a.py"
    a.write_text(a.read_text() + base + "\n\nclass FourthScene(Opening):\n    seconds = 10\n")
    before = demo.keys()
    a.write_text(a.read_text().replace("seconds = 10", "seconds = 11"))
    # Its base class is no scene by name, but the lesson declares it as one.
    assert changed(before, demo.keys()) == {"FourthScene"}


def test_changing_quality_gives_every_scene_a_new_key(demo: DemoLesson) -> None:
    assert changed(demo.keys("low"), demo.keys("medium")) == {
        "FirstScene", "SecondScene", "ThirdScene"}


def test_chapter_titles_do_not_invalidate_rendered_scenes(demo: DemoLesson) -> None:
    before = demo.keys()
    init = demo.folder / "__init__.py"
    init.write_text(init.read_text().replace('"First"', '"The first"'))
    assert changed(before, demo.keys()) == set()


@pytest.mark.render
def test_second_run_renders_nothing_and_an_edit_renders_one_scene(demo: DemoLesson) -> None:
    first = demo.render("--jobs", "2")
    assert first.returncode == 0, first.stderr[-2000:]
    # The summary wraps at the terminal's width, wherever a long path puts the break.
    assert "3 of 3 scenes rendered" in " ".join(first.stderr.split())
    manifest = json.loads((demo.root / "out" / "manifest.json").read_text())
    assert [s["name"] for s in manifest["scenes"]] == ["FirstScene", "SecondScene", "ThirdScene"]
    # The summary lists each scene's smallest text, as the cache entry records it.
    [record] = (demo.root / "cache" / "scenes" / "demo" / "FirstScene").glob("*/*/record.json")
    assert json.loads(record.read_text())["smallest_text"] == {
        "label": "Text('2')", "size": pytest.approx(48), "beat": "one"}
    assert "smallest text" in first.stderr and "48.0 Text('2')" in first.stderr

    again = demo.render()
    assert again.returncode == 0
    said = " ".join(again.stderr.split())
    assert "nothing changed" in said and "0 of 3 scenes rendered" in said

    demo.write_a("The first number, said differently this time.")
    edited = demo.render()
    assert edited.returncode == 0, edited.stderr[-2000:]
    assert "FirstScene: rendered" in edited.stderr
    assert "SecondScene: cached" in edited.stderr and "ThirdScene: cached" in edited.stderr
    srt = (demo.root / "out" / "lesson.srt").read_text()
    assert "said differently" in srt


@pytest.mark.render
def test_a_corrupt_cache_entry_is_rendered_again(demo: DemoLesson) -> None:
    assert demo.render().returncode == 0
    entries = list((demo.root / "cache" / "scenes" / "demo" / "SecondScene").glob("*/*"))
    assert len(entries) == 1
    video = entries[0] / "video.mp4"
    video.write_bytes(video.read_bytes()[: video.stat().st_size // 2])
    again = demo.render()
    assert again.returncode == 0, again.stderr[-2000:]
    assert "SecondScene: rendered" in again.stderr and "FirstScene: cached" in again.stderr
    lesson = discover(demo.pkg)["demo"]
    task = plan(lesson, lesson.select(["SecondScene"]), QUALITIES["low"], "none", demo.root,
                demo.root / "cache")[0]
    assert SceneCache(demo.root / "cache").lookup("demo", "SecondScene", task.variant,
                                                  task.key) is not None


@pytest.mark.render
def test_a_killed_worker_fails_its_scene_and_the_others_finish(demo: DemoLesson) -> None:
    killed = demo.render("--jobs", "2", extra_env={"DEMO_KILL_THIRD": "1"})
    assert killed.returncode == 1
    message = killed.stderr.strip().splitlines()[-1]
    assert message.startswith("SceneRenderError: scene ThirdScene failed to render "
                              "(killed by signal 9)")
    assert Path(message.rsplit("see its log: ", 1)[1]).is_file()
    assert "FirstScene: rendered" in killed.stderr and "SecondScene: rendered" in killed.stderr
    assert not (demo.root / "out" / "lesson.mp4").exists()
    healed = demo.render()
    assert healed.returncode == 0, healed.stderr[-2000:]
    assert "ThirdScene: rendered" in healed.stderr
    assert "FirstScene: cached" in healed.stderr and "SecondScene: cached" in healed.stderr


@pytest.mark.render
def test_jobs_1_and_jobs_2_give_identical_files(demo: DemoLesson) -> None:
    one = demo.render("--jobs", "1", out="out1", cache="cache1")
    two = demo.render("--jobs", "2", out="out2", cache="cache2")
    assert one.returncode == 0 and two.returncode == 0, two.stderr[-2000:]
    for name in ["lesson.mp4", "lesson.srt", "lesson.vtt", "chapters.txt", "thumbnail.png",
                 "scenes/FirstScene.mp4", "scenes/ThirdScene.mp4"]:
        first, second = (demo.root / out / name for out in ("out1", "out2"))
        assert first.read_bytes() == second.read_bytes(), name


@pytest.mark.render
def test_ctrl_c_stops_the_workers_and_leaves_no_partial_entry_or_output(
    demo: DemoLesson,
) -> None:
    command = [sys.executable, "-m", "lessonreel.cli", "render", "demo", "-q", "low",
               "--narration", "none", "--out", str(demo.root / "out"),
               "--cache-dir", str(demo.root / "cache"), "--jobs", "2"]
    # One scene never finishes on its own: on a loaded machine the whole demo could
    # otherwise render between two polls below, and Ctrl-C would come too late.
    process = subprocess.Popen(command, env={**os.environ, **demo.env(), "DEMO_SLOW_THIRD": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, preexec_fn=ctrl_c_as_at_a_terminal)
    runs = demo.root / "cache" / "runs"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(runs.rglob("render.log")):
        time.sleep(0.1)
    assert any(runs.rglob("render.log")), "no scene started rendering"
    os.killpg(process.pid, signal.SIGINT)
    process.communicate(timeout=60)
    assert process.returncode != 0
    # Entries live at scenes/demo/<scene>/<variant>/<key>: none may be half-written.
    entries = list((demo.root / "cache" / "scenes" / "demo").glob("*/*/*"))
    assert [e for e in entries if e.name.startswith(".") or not (e / "record.json").exists()] == []
    assert not (demo.root / "out" / "lesson.mp4").exists()
    manim = subprocess.run(["pgrep", "-f", str(demo.root / demo.pkg)], capture_output=True)
    assert manim.stdout == b"", "a manim worker outlived Ctrl-C"


def decoded_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(container.streams.video[0])]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


@pytest.mark.render
def test_a_sharded_scene_matches_the_unsharded_render(tmp_path: Path) -> None:
    """SensitivityOfFiveX has updaters and a moving readout: a fair test of skipping."""
    cache = tmp_path / "cache"
    common = ["render", "module02-derivatives", "--scene", "SensitivityOfFiveX", "-q", "low",
              "--narration", "none", "--cache-dir", str(cache), "--jobs", "2"]
    whole = run_lessonreel(*common, "--shards", "1", "--out", str(tmp_path / "whole"))
    assert whole.returncode == 0, whole.stderr[-2000:]
    # Damage the cached video: the next run must render again, now split in two
    # by the animation frame counts the first render recorded.
    entry = next((cache / "scenes").glob("module02-derivatives/SensitivityOfFiveX/*/*"))
    smallest = json.loads((entry / "record.json").read_text())["smallest_text"]
    assert smallest is not None
    (entry / "video.mp4").write_bytes(b"damaged")
    # Every beat's segment is in the beat cache: the scene is joined from them, unrendered.
    joined = run_lessonreel(*common, "--shards", "2", "--out", str(tmp_path / "joined"))
    assert joined.returncode == 0, joined.stderr[-2000:]
    record = json.loads(next((cache / "scenes").glob(
        "module02-derivatives/SensitivityOfFiveX/*/*/record.json")).read_text())
    assert record["shards"] == 0 and record["beats_cached"] == len(record["beat_keys"]) > 1
    # Without them, it renders again, now split in two at its beats.
    (entry / "video.mp4").write_bytes(b"damaged")
    shutil.rmtree(cache / "beats")
    split = run_lessonreel(*common, "--shards", "2", "--out", str(tmp_path / "split"))
    assert split.returncode == 0, split.stderr[-2000:]
    record = json.loads(next((cache / "scenes").glob(
        "module02-derivatives/SensitivityOfFiveX/*/*/record.json")).read_text())
    assert record["shards"] == 2
    # Each shard checks every beat's layout: together they find what one render finds.
    assert record["smallest_text"] == smallest

    one = decoded_frames(tmp_path / "whole" / "scenes" / "SensitivityOfFiveX.mp4")
    for other in ("joined", "split"):
        two = decoded_frames(tmp_path / other / "scenes" / "SensitivityOfFiveX.mp4")
        assert len(one) == len(two) > 100
        worst = min(psnr(a, b) for a, b in zip(one, two, strict=True))
        assert worst >= 45, f"a frame of {other} differs: PSNR {worst:.1f} dB"
        for name in ("lesson.srt", "lesson.vtt"):
            assert (tmp_path / "whole" / name).read_text() == (
                tmp_path / other / name).read_text()
