"""Every registered scene constructs, speaks in beats, captions every beat, and lays out cleanly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lessonreel.authoring.lesson import Lesson, SceneRef, discover
from tests.scenes.conftest import SCENES, ConstructedScene, construct


def test_every_lesson_has_scenes_registered() -> None:
    assert any(s.name == "SensitivityOfFiveX" for s in SCENES)
    assert any(s.name == "SecantBecomesTangent" for s in SCENES)


def test_every_scene_has_a_one_line_docstring() -> None:
    for scene in SCENES:
        assert isinstance(scene, SceneRef)
        assert 10 < len(scene.doc) <= 120, f"{scene.name}: {scene.doc!r}"


def test_sections_are_the_beats_in_order(constructed: ConstructedScene) -> None:
    beats = [beat.name for beat in constructed.scene.beats]
    assert len(beats) >= 3
    assert constructed.sections == beats


def test_every_beat_is_captioned_inside_its_own_time(constructed: ConstructedScene) -> None:
    cues = constructed.subcaptions
    for beat in constructed.scene.beats:
        assert beat.end is not None
        start, end = timedelta(seconds=beat.start), timedelta(seconds=beat.end)
        inside = [c for c in cues if start <= c.start and c.end <= end + timedelta(milliseconds=1)]
        assert inside, f"beat {beat.name!r} has no caption"
        assert " ".join(c.content for c in inside) == " ".join(beat.text.split())


def test_no_beat_cuts_its_speech_short(constructed: ConstructedScene) -> None:
    for beat in constructed.scene.beats:
        assert beat.end is not None
        assert beat.end - beat.start >= beat.speech.duration - 1e-6, beat.name


def test_everything_stays_inside_title_safe_and_text_never_overlaps(
        constructed: ConstructedScene) -> None:
    assert constructed.layout, "no section was checked"
    problems = {moment: found for moment, found in constructed.layout.items() if found}
    assert not problems, problems


THUMBNAILS = [lesson for lesson in discover().values()
              if lesson.thumbnail is not None and lesson.thumbnail.beat is not None]


@pytest.mark.parametrize("lesson", [
    # On the worker that constructs the thumbnail's scene for its other tests.
    pytest.param(lesson, marks=pytest.mark.xdist_group(lesson.thumbnail.scene), id=lesson.slug)
    for lesson in THUMBNAILS])
def test_the_thumbnail_beat_each_lesson_declares_is_a_beat_of_its_scene(
        lesson: Lesson, monkeypatch: pytest.MonkeyPatch) -> None:
    # A beat renamed in a scene would otherwise fail only at the end of a full render.
    spec = lesson.thumbnail
    assert spec is not None and spec.beat is not None
    ref = next(s for s in lesson.scenes if s.name == spec.scene)
    beats = [beat.name for beat in construct(ref, monkeypatch).scene.beats]
    assert spec.beat in beats, (lesson.slug, spec.beat, beats)
