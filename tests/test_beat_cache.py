"""The beat cache: an edit of one beat re-renders that beat, and the scene joined from
cached and new segments is the scene a clean render makes.

Each test renders the five-beat scene of :mod:`tests.test_render_plan` at low
quality, edits it as an author would, renders again into the same cache and
compares that with a render of the edited scene from an empty cache: same frame
count, every frame within 45 dB PSNR, the same captions. The timing tests at the
end compare every frame's timestamp, for each way a scene can be put together.
"""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from tests.test_render_plan import BEATS, BeatsLesson, lesson  # noqa: F401  (the fixture)

pytestmark = pytest.mark.render

#: A square turning by itself (an updater taking dt) from the scene's start, so what
#: every beat starts from depends on how long the beats before it took.
SPINNER = ("        spinner = Square(side_length=1).to_corner(DL)\n"
           "        spinner.add_updater(lambda m, dt: m.rotate(0.8 * dt))\n"
           "        self.add(spinner)\n")


def edited(beat: str, text: str) -> list[tuple[str, str]]:
    return [(name, text if name == beat else said) for name, said in BEATS]


def record(scene: BeatsLesson, cache: str = "cache") -> dict[str, Any]:
    """The record of the newest cache entry of the scene."""
    records = sorted((scene.root / cache / "scenes" / "beats" / "Beats").glob(
        "*/*/record.json"), key=lambda p: p.stat().st_mtime)
    found: dict[str, Any] = json.loads(records[-1].read_text())
    return found


def drawn(entry: dict[str, Any]) -> list[int]:
    """The frames of each animation Manim drew (a skipped one's progress bar shows one)."""
    return [frames for frames in entry["animation_frames"] if frames > 1]


def frames_of(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(container.streams.video[0])]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    error = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if error == 0 else 10 * np.log10(255.0**2 / error)


def assert_same_scene(scene: BeatsLesson, warm: str, clean: str) -> None:
    """The scene rendered into ``warm`` is the one rendered into ``clean``."""
    ours = frames_of(scene.root / warm / "scenes" / "Beats.mp4")
    theirs = frames_of(scene.root / clean / "scenes" / "Beats.mp4")
    assert len(ours) == len(theirs)
    worst = min(psnr(a, b) for a, b in zip(ours, theirs, strict=True))
    assert worst >= 45, f"a frame differs from the clean render: {worst:.1f} dB"
    assert (scene.root / warm / "lesson.srt").read_text() == (
        scene.root / clean / "lesson.srt").read_text()


def segments(scene: BeatsLesson) -> dict[str, Path]:
    """Each cached beat segment's video, by the beat it holds."""
    found = {}
    for path in (scene.root / "cache" / "beats" / "beats" / "Beats").glob("*/*/record.json"):
        beats = json.loads(path.read_text())["beats"]
        found[next(b["name"] for b in beats if b.get("kind") != "sound")] = \
            path.parent / "segment.mp4"
    return found


def test_editing_the_middle_beats_narration_renders_only_that_beat(
    lesson: BeatsLesson,  # noqa: F811
) -> None:
    lesson.render("before")
    assert set(segments(lesson)) == {name for name, _ in BEATS}
    lesson.write(edited("third", "Three for the third beat, said at more length this time."))
    warm = lesson.render("warm")
    entry = record(lesson)
    # One Manim render, drawing the third beat's two plays and no other.
    assert entry["beats_cached"] == len(BEATS) - 1
    assert entry["shards"] == 1
    assert len(drawn(entry)) == 2
    clean = lesson.render("clean", "fresh-cache")
    assert record(lesson, "fresh-cache")["beats_cached"] == 0
    assert len(drawn(record(lesson, "fresh-cache"))) == 2 * len(BEATS)
    assert warm == clean
    assert_same_scene(lesson, "warm", "clean")


def test_a_time_based_updater_across_beats_renders_the_rest_of_the_scene(
    lesson: BeatsLesson,  # noqa: F811
) -> None:
    lesson.write(top=SPINNER)
    lesson.render("before")
    lesson.write(edited("third", "Three for the third beat, said at more length this time."),
                 top=SPINNER)
    lesson.render("warm")
    entry = record(lesson)
    # The first two beats start where they did; from the third on, the square's turn
    # depends on how long the third beat took.
    assert entry["beats_cached"] == 2
    assert entry["shards"] == 1
    lesson.render("clean", "fresh-cache")
    assert_same_scene(lesson, "warm", "clean")


def test_a_damaged_segment_is_rendered_again(lesson: BeatsLesson) -> None:  # noqa: F811
    lesson.render("before")
    second = segments(lesson)["second"]
    whole = second.stat().st_size
    second.write_bytes(second.read_bytes()[: whole // 2])
    lesson.write(edited("fourth", "Four for the fourth beat, with a few more words."))
    lesson.render("warm")
    entry = record(lesson)
    assert entry["beats_cached"] == len(BEATS) - 2
    assert entry["shards"] == 2
    lesson.render("clean", "fresh-cache")
    assert_same_scene(lesson, "warm", "clean")
    # The damaged segment was replaced by a whole one.
    assert segments(lesson)["second"].stat().st_size == whole


def test_editing_code_outside_narration_renders_every_beat(
    lesson: BeatsLesson,  # noqa: F811
) -> None:
    lesson.render("before")
    source = lesson.folder / "scene.py"
    source.write_text(source.read_text().replace("Indicate(Dot())", "Indicate(Dot(color=RED))"))
    lesson.render("warm")
    assert record(lesson)["beats_cached"] == 0


#: Two plays of 41 frames (2.733 s, which an MP4 keeps as 2733 ms) before the first beat:
#: Manim joins its partial movies by their rounded durations, so in its own output
#: the frames after each drift 0.33 ms off their places.
ODD_PLAYS = ("        self.play(FadeIn(Square()), run_time=2.696)\n"
             "        self.play(FadeIn(Circle()), run_time=2.696)\n")


def frame_times(video: Path) -> list[Fraction]:
    """When each frame of ``video`` is shown, in seconds, in display order."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.time_base is not None
        return sorted(Fraction(packet.pts) * stream.time_base
                      for packet in container.demux(stream) if packet.pts is not None)


@pytest.fixture(scope="module")
def assembled(tmp_path_factory: pytest.TempPathFactory) -> tuple[BeatsLesson, dict[str, tuple[
        str, str]]]:
    """The scene put together every way it can be, each beside a clean render of the same
    source: {way: (its render folder, the clean one's)}. Six small renders, shared by the
    timing tests below."""
    scene = BeatsLesson(tmp_path_factory.mktemp("assembled"))
    scene.write(top=ODD_PLAYS)
    ways: dict[str, tuple[str, str]] = {}
    scene.render("whole", "cache", "--shards", "1")
    assert record(scene)["shards"] == 1 and record(scene)["beats_cached"] == 0
    scene.render("shards", "shard-cache", "--shards", "3")
    assert record(scene, "shard-cache")["shards"] == 3
    ways["shards"] = ("shards", "whole")

    # The scene's entry gone, it is joined from its five cached segments.
    entry = scene.root / "cache" / "scenes" / "beats" / "Beats"
    shutil.rmtree(entry)
    scene.render("all-cached", "cache")
    assert record(scene)["beats_cached"] == len(BEATS) and record(scene)["shards"] == 0
    ways["all beats from cache"] = ("all-cached", "whole")

    # Only the first beat's segment left: the cached first beat, then a shard of the rest.
    shutil.rmtree(entry)
    for name, segment in segments(scene).items():
        if name != "first":
            shutil.rmtree(segment.parent)
    scene.render("first-cached", "cache")
    assert record(scene)["beats_cached"] == 1 and record(scene)["shards"] == 1
    ways["first beat from cache"] = ("first-cached", "whole")

    scene.write(edited("third", "Three for the third beat, said at more length this time."),
                top=ODD_PLAYS)
    scene.render("middle-edited", "cache")
    assert record(scene)["beats_cached"] == len(BEATS) - 1
    scene.render("middle-edited-clean", "fresh-cache")
    ways["middle beat edited"] = ("middle-edited", "middle-edited-clean")
    return scene, ways


@pytest.mark.parametrize("way", ["shards", "all beats from cache", "first beat from cache",
                                 "middle beat edited"])
@pytest.mark.parametrize("video", ["scenes/Beats.mp4", "lesson.mp4"])
def test_every_frame_is_shown_when_a_clean_render_shows_it(
    assembled: tuple[BeatsLesson, dict[str, tuple[str, str]]], way: str, video: str,
) -> None:
    scene, ways = assembled
    warm, clean = ways[way]
    ours = frame_times(scene.root / warm / video)
    theirs = frame_times(scene.root / clean / video)
    assert len(ours) == len(theirs)
    late = [(i, float(a), float(b)) for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
            if a != b]
    assert not late, f"{len(late)} frames not at the clean render's time, the first " \
                     f"(frame, at, clean): {late[0]}"


def test_a_scene_rendered_whole_shows_frame_n_at_n_over_the_frame_rate(
    assembled: tuple[BeatsLesson, dict[str, tuple[str, str]]],
) -> None:
    scene, _ = assembled
    for video in ("scenes/Beats.mp4", "lesson.mp4"):
        times = frame_times(scene.root / "whole" / video)
        off = [(n, float(t - Fraction(n, 15))) for n, t in enumerate(times)
               if t != Fraction(n, 15)]
        assert not off, f"{video}: {len(off)} frames off the grid, the first (frame, by): " \
                        f"{off[0]}"


def test_every_cached_segment_starts_its_video_at_zero(
    assembled: tuple[BeatsLesson, dict[str, tuple[str, str]]],
) -> None:
    scene, _ = assembled
    found = segments(scene)
    assert set(found) == {name for name, _ in BEATS}
    starts = {name: float(frame_times(video)[0]) for name, video in found.items()}
    assert starts == dict.fromkeys(starts, 0.0)
