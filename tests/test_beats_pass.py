"""The plan's beats pass (Manim's ``-s``, every animation skipped) sees the scene as the
render draws it: the same clock, so the same waits and the same animation numbers.

A shard is cut where the beats pass says a beat starts. When its clock ran on exact run
times at 15 fps while the render's ran on whole frames at its own rate, a wait for a
word could be long enough in one and too short to play in the other: at 1080p60,
OneKnobAtATime's third beat started at animation 14 in the pass and at 15 in the
render, and every split render of it failed.
"""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import pytest

from lessonreel.authoring.lesson import discover
from lessonreel.records import read_beat_records
from lessonreel.render.plan import WHOLE_SCENE, plan, read_beats
from lessonreel.render.quality import QUALITIES, encoder_config

# Plays of a length that is no whole number of frames at any quality's rate, and a wait
# for what is left of the beat's speech, as narration.wait_until waits for a word.
SCENE = '''
from manim import Dot, FadeIn, Square, config
from lessonreel import LessonScene


class UnevenPlays(LessonScene):
    def construct(self):
        for beat, shape in (("one", Dot()), ("two", Square()), ("three", Dot())):
            with self.voiceover(beat=beat, text="A shape appears here.") as narration:
                self.play(FadeIn(shape), run_time=0.37)
                left = narration.remaining()
                if left >= 0.5 / config.frame_rate:
                    self.wait(left)
'''


@pytest.mark.render
@pytest.mark.parametrize("quality", ["medium", "high"])
def test_the_beats_pass_numbers_and_times_beats_as_the_render_draws_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quality: str) -> None:
    pkg = f"uneven_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / pkg / "uneven"
    folder.mkdir(parents=True)
    (tmp_path / pkg / "__init__.py").write_text("")
    (folder / "__init__.py").write_text(textwrap.dedent('''
        from lessonreel.authoring.lesson import Lesson, SceneRef
        LESSON = Lesson(slug="uneven", title="Uneven", course="Tests", package=__name__,
                        scenes=(SceneRef("shapes", "UnevenPlays", "Shapes"),))
    '''))
    (folder / "shapes.py").write_text(SCENE)
    monkeypatch.syspath_prepend(str(tmp_path))
    lesson = discover(pkg)["uneven"]
    task, = plan(lesson, lesson.scenes, QUALITIES[quality], "none", tmp_path,
                 tmp_path / "cache")

    passed = read_beats(task)
    assert passed is not None
    whole = WHOLE_SCENE[0]
    task.config_path(whole).parent.mkdir(parents=True, exist_ok=True)
    task.config_path(whole).write_text(encoder_config(task.quality))
    assert task.launch(whole).run(task.log_path(whole)) == 0, task.log_path(whole).read_text()
    drawn = read_beat_records(task.beats_path(whole))

    assert [(b.name, b.first_animation) for b in passed] == \
        [(b.name, b.first_animation) for b in drawn]
    for seen, made in zip(passed, drawn, strict=True):
        # Records keep times to a tenth of a millisecond; a frame at 60 fps is 16.7 ms.
        assert seen.start == pytest.approx(made.start, abs=1e-3), seen.name
