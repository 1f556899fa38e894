"""beats.json: the beats tile the lesson's frames, and a damaged file is refused."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lessonreel.captions.timeline import SceneBeats, beat_timeline, check_timeline
from lessonreel.errors import TimelineError
from lessonreel.records import Timeline

FPS = 15


def spans(timeline: Timeline) -> list[tuple[int, str, int, int]]:
    return [(b.chapter, b.name, b.first_frame, b.end_frame) for b in timeline.beats]


def test_beats_follow_on_and_a_chapters_last_beat_runs_to_its_end() -> None:
    timeline = beat_timeline("demo", FPS, [
        SceneBeats("Intro", "Welcome", 30, [("hello", 1.0, "Hello."), ("plan", 1.6, "Plan.")]),
        SceneBeats("Middle", "Middle", 45, [("only", 2.0, "Only one beat.")]),
    ])
    assert spans(timeline) == [(1, "hello", 0, 15), (1, "plan", 15, 30), (2, "only", 30, 75)]
    assert [(c.first_frame, c.end_frame, c.first_beat) for c in timeline.chapters] \
        == [(0, 30, 0), (30, 75, 2)]
    assert timeline.frames == 75 and timeline.duration == 5.0
    assert timeline.beats[1].start == 1.0 and timeline.beats[1].end == 2.0
    # Written and read back, it is the same timeline.
    assert check_timeline(json.loads(json.dumps(timeline.to_json())), FPS) == timeline


def test_a_beat_shorter_than_a_second_keeps_its_frames() -> None:
    timeline = beat_timeline("demo", FPS, [
        SceneBeats("Intro", "Intro", 40, [("a", 1.0, "A."), ("b", 1.2, "B."), ("c", 2.0, "C.")]),
    ])
    assert spans(timeline) == [(1, "a", 0, 15), (1, "b", 15, 18), (1, "c", 18, 40)]


def test_a_beat_that_closed_with_no_frames_of_its_own_is_left_out() -> None:
    timeline = beat_timeline("demo", FPS, [
        SceneBeats("Intro", "Intro", 30, [("a", 1.0, "A."), ("empty", 1.0, ""), ("c", 2.0, "C.")]),
    ])
    assert spans(timeline) == [(1, "a", 0, 15), (1, "c", 15, 30)]
    check_timeline(timeline.to_json(), FPS)


def test_no_words_are_lost_with_a_beat_that_has_no_frames() -> None:
    timeline = beat_timeline("demo", FPS, [
        SceneBeats("Intro", "Intro", 30, [("a", 1.0, "A."), ("b", 1.0, "B."), ("c", 2.0, "C.")]),
        SceneBeats("Next", "Next", 30, [("d", 2.0, "D."), ("e", 2.0, "E.")]),
    ])
    assert [(b.name, b.text) for b in timeline.beats] == [
        ("a", "A."), ("c", "B. C."), ("d", "D. E.")]


def test_a_scene_without_narration_is_one_beat() -> None:
    timeline = beat_timeline("demo", FPS, [SceneBeats("Title", "Title card", 20, [])])
    assert spans(timeline) == [(1, "Title", 0, 20)]
    assert timeline.beats[0].text == ""


def test_a_beat_closing_past_its_scene_is_held_to_the_scene() -> None:
    timeline = beat_timeline("demo", FPS, [
        SceneBeats("A", "A", 30, [("a", 2.5, "A."), ("b", 3.0, "B.")]),
        SceneBeats("B", "B", 15, [("c", 1.0, "C.")]),
    ])
    assert spans(timeline) == [(1, "a", 0, 30), (2, "c", 30, 45)]
    assert timeline.beats[0].text == "A. B."


def damaged(change: str) -> dict[str, Any]:
    timeline = beat_timeline("demo", FPS, [
        SceneBeats("A", "A", 30, [("a", 1.0, "A."), ("b", 2.0, "B.")]),
        SceneBeats("B", "B", 15, [("c", 1.0, "C.")]),
    ])
    data = copy.deepcopy(timeline.to_json())
    if change == "gap":
        data["beats"][1]["first_frame"] += 1
    elif change == "overlap":
        data["beats"][0]["end_frame"] += 2
    elif change == "chapter":
        data["beats"][2]["chapter"] = 7
    elif change == "outside":
        data["beats"][1]["chapter"] = 2
    elif change == "short":
        data["frames"] = 60
    elif change == "text":
        data["beats"][0]["text"] = None
    elif change == "version":
        data["version"] = 99
    return data


@pytest.mark.parametrize("change", ["gap", "overlap", "chapter", "outside", "short", "text",
                                    "version"])
def test_a_damaged_timeline_is_refused_with_what_is_wrong(change: str) -> None:
    with pytest.raises(TimelineError, match="^beats.json"):
        check_timeline(damaged(change), FPS)


def test_a_timeline_at_another_frame_rate_is_refused() -> None:
    with pytest.raises(TimelineError, match="frames a second"):
        check_timeline(damaged("none"), 30)
