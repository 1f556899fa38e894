"""The render plan reads the present: cuts and keys come from the source that renders.

A one-scene lesson of five beats, written afresh for each test, is edited the
way an author edits (a wait added at the top, beats removed, narration saved
while a render is queued) and rendered again with a warm cache; what comes out
must be what a clean render of the edited source gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import av
import pytest
import srt

from lessonreel.authoring.lesson import discover
from lessonreel.render.cache import ASSEMBLY_ROOTS, SceneCache, engine_digest
from lessonreel.render.plan import plan
from lessonreel.render.quality import QUALITIES
from lessonreel.render.run import run_plan

pytestmark = pytest.mark.render

BEAT = '''
        with self.voiceover(beat="{name}", text="{text}") as tracker:
            self.play(FadeIn(Text("{name}").shift(UP)), run_time=tracker.duration / 3)
            self.play(Indicate(Dot()), run_time=tracker.duration / 3)
'''
BEATS = [("first", "One for the first beat."), ("second", "Two for the second beat."),
         ("third", "Three for the third beat."), ("fourth", "Four for the fourth beat."),
         ("fifth", "Five for the fifth beat.")]


class BeatsLesson:
    """A lesson of one scene, ``Beats``, in a temporary folder under a unique package."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pkg = f"plan_lessons_{uuid.uuid4().hex[:8]}"
        self.folder = root / self.pkg / "beats"
        self.folder.mkdir(parents=True)
        (root / self.pkg / "__init__.py").write_text("")
        (self.folder / "__init__.py").write_text(textwrap.dedent('''
            from lessonreel.authoring.lesson import Lesson, SceneRef
            LESSON = Lesson(slug="beats", title="Beats", course="Tests", package=__name__,
                            scenes=(SceneRef("scene", "Beats", "Beats"),))
        '''))
        self.write()

    def write(self, beats: list[tuple[str, str]] = BEATS, top: str = "",
              sound: tuple[str, Path] | None = None) -> None:
        """``sound``: (beat, file) for a sound the scene adds where that beat starts."""
        body = "".join(
            (f"        self.add_sound({str(sound[1])!r})\n" if sound and sound[0] == n else "")
            + BEAT.format(name=n, text=t) for n, t in beats)
        (self.folder / "scene.py").write_text(
            "from manim import *\nfrom lessonreel.authoring.narration import NarrationMixin\n\n"
            "class Beats(NarrationMixin, Scene):\n    \"\"\"Five beats.\"\"\"\n"
            f"    def construct(self):\n{top}{body}")

    def render(self, out: str, cache: str = "cache", *args: str) -> dict[str, Any]:
        command = [sys.executable, "-m", "lessonreel.cli", "render", "beats", "-q", "low",
                   "--narration", "none", "--jobs", "2", "--out", str(self.root / out),
                   "--cache-dir", str(self.root / cache), *args]
        env = {**os.environ, "LESSONREEL_LESSONS": self.pkg,
               "PYTHONPATH": os.pathsep.join([str(self.root), os.environ.get("PYTHONPATH", "")])}
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        video = self.root / out / "scenes" / "Beats.mp4"
        with av.open(str(video)) as container:
            frames = sum(1 for _ in container.decode(container.streams.video[0]))
        return {"captions": [(c.start, c.end, c.content) for c in
                             srt.parse((self.root / out / "lesson.srt").read_text())],
                "frames": frames,
                "duration": json.loads((self.root / out / "manifest.json").read_text())
                ["duration"]}


@pytest.fixture
def lesson(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BeatsLesson:
    monkeypatch.syspath_prepend(str(tmp_path))
    return BeatsLesson(tmp_path)


def test_an_edit_that_moves_every_animation_index_keeps_captions_on_their_pictures(
    lesson: BeatsLesson,
) -> None:
    lesson.render("before", "cache", "--shards", "3")
    # Every later animation index moves by one; cuts from the last render would fall
    # one animation into a beat.
    lesson.write(top="        self.wait(0.5)\n        self.play(FadeIn(Square()), run_time=0.5)\n")
    warm = lesson.render("warm", "cache", "--shards", "3")
    clean = lesson.render("clean", "fresh-cache", "--shards", "1")
    assert warm == clean
    assert len(warm["captions"]) == len(BEATS)


def test_removing_beats_so_an_old_cut_falls_past_the_end_still_renders(
    lesson: BeatsLesson,
) -> None:
    lesson.render("before", "cache", "--shards", "3")
    lesson.write(beats=BEATS[:2])
    warm = lesson.render("warm", "cache", "--shards", "3")
    clean = lesson.render("clean", "fresh-cache", "--shards", "1")
    assert warm == clean
    assert [c[2] for c in warm["captions"]] == [t for _, t in BEATS[:2]]


class Quiet:
    def started(self, task: Any) -> None: ...
    def frames(self, task: Any, shard: Any, done: int) -> None: ...
    def finished(self, output: Any) -> None: ...
    def failed(self, task: Any, error: Any) -> None: ...


def test_an_edit_saved_while_a_render_is_queued_is_not_stored_under_the_old_key(
    lesson: BeatsLesson, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LESSONREEL_LESSONS", lesson.pkg)
    monkeypatch.chdir(lesson.root)
    declared = discover(lesson.pkg)["beats"]
    cache_dir = lesson.root / "cache"
    tasks = plan(declared, declared.scenes, QUALITIES["low"], "none", lesson.root, cache_dir)
    lesson.write(beats=[("first", "Saved in the editor after the plan.")])
    [output] = run_plan(tasks, 1, Quiet())
    assert output.captions is not None
    stored = [c.content for c in srt.parse(output.captions.read_text())]
    # The entry under the planned key holds the planned source.
    assert stored == [t for _, t in BEATS]
    entry = SceneCache(cache_dir).lookup("beats", "Beats", "low-none", tasks[0].key)
    assert entry is not None and entry.captions == output.captions


def test_a_quote_in_the_project_path_renders_a_lesson_of_shards(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  ) -> None:
    root = tmp_path / "o'neil's lessons"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    quoted = BeatsLesson(root)
    rendered = quoted.render("out", "cache", "--shards", "2")
    assert len(rendered["captions"]) == len(BEATS)


def audio_level(video: Path, start: float, end: float) -> float:
    """RMS of the lesson's sound between two times, in dBFS."""
    import numpy as np

    with av.open(str(video)) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        # AAC decodes to planar float: one row per channel.
        samples = np.concatenate([f.to_ndarray().mean(axis=0) for f in container.decode(stream)])
    window = samples[int(start * rate):int(end * rate)].astype(np.float64)
    return float(20 * np.log10(np.sqrt(np.mean(window ** 2)) + 1e-9))


def test_a_sound_the_scene_adds_itself_plays_in_the_lesson_at_its_moment(
    lesson: BeatsLesson,
) -> None:
    import numpy as np

    from lessonreel.voice.speech import write_wav

    rate = 22050
    tone = lesson.root / "tone.wav"
    write_wav(tone, 12000 * np.sin(2 * np.pi * 440 * np.arange(rate // 2) / rate), rate)
    lesson.write(sound=("fourth", tone))
    rendered = lesson.render("out", "cache", "--shards", "2")
    fourth = rendered["captions"][3][0].total_seconds()
    video = lesson.root / "out" / "lesson.mp4"
    # Silent narration: the tone is the only sound there is.
    assert audio_level(video, fourth + 0.05, fourth + 0.45) > -40
    assert audio_level(video, 0.2, fourth - 0.3) < -60
    assert audio_level(video, fourth + 0.8, fourth + 2.0) < -60


def copy_engine(into: Path) -> Path:
    engine = Path(__file__).resolve().parents[1] / "lessonreel"
    subprocess.run(["cp", "-r", str(engine), str(into / "lessonreel")], check=True)
    return into


@pytest.mark.parametrize(("module", "shapes_an_entry"), [
    *((name, True) for name in ("authoring/narration.py", "voice/services.py",
                                "voice/speech.py", "captions/tracks.py", "media.py",
                                "voice/loudness.py", "render/plan.py", "settings.py",
                                "records.py")),
    # The assembly and publishing read entries and have keys of their own.
    *((name, False) for name in ("assemble/join.py", "assemble/artwork.py",
                                 "captions/chapters.py", "assemble/audio.py",
                                 "publish/site.py", "cli/render.py")),
])
def test_an_edit_changes_the_scene_key_exactly_when_its_module_shapes_an_entry(
    tmp_path: Path, module: str, shapes_an_entry: bool,
) -> None:
    engine = copy_engine(tmp_path)
    before = engine_digest(engine)
    path = engine / "lessonreel" / module
    path.write_text(path.read_text() + "\n# an edit\n")
    assert (engine_digest(engine) != before) == shapes_an_entry


@pytest.mark.parametrize(("module", "shapes_the_lesson"), [
    # The audio join was missing from a hand-kept list of the assembly's sources.
    *((name, True) for name in ("assemble/join.py", "assemble/audio.py",
                                "assemble/artwork.py", "captions/chapters.py",
                                "captions/timeline.py", "captions/cues.py")),
    *((name, False) for name in ("publish/site.py", "cli/render.py", "studio/app.py")),
])
def test_an_edit_changes_the_assembly_key_exactly_when_its_module_shapes_the_lesson(
    tmp_path: Path, module: str, shapes_the_lesson: bool,
) -> None:
    engine = copy_engine(tmp_path)
    before = engine_digest(engine, roots=ASSEMBLY_ROOTS)
    path = engine / "lessonreel" / module
    path.write_text(path.read_text() + "\n# an edit\n")
    assert (engine_digest(engine, roots=ASSEMBLY_ROOTS) != before) == shapes_the_lesson


def test_the_engine_digest_carries_lessonreels_version(tmp_path: Path) -> None:
    from importlib import metadata

    assert engine_digest(copy_engine(tmp_path))["version"] == metadata.version("lessonreel")
