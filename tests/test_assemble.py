"""Assembly pieces that need no render: timestamps, captions, chapters, atomic output."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import srt

from lessonreel.assemble import (
    PlacedScene,
    assemble,
    chapter_lines,
    clock,
    ffmetadata,
    merge_captions,
    to_webvtt,
)
from lessonreel.errors import AssemblyError
from lessonreel.lesson import get_lesson
from lessonreel.render import QUALITIES, SceneOutput, plan


def outputs_for(
    tmp_path: Path, videos: list[Path], captions: list[str | None]
) -> list[SceneOutput]:
    lesson = get_lesson("module02-derivatives")
    tasks = plan(lesson, lesson.scenes, QUALITIES["low"], "none", tmp_path / "work",
                 tmp_path, tmp_path / "cache")
    result = []
    for task, video, caption in zip(tasks, videos, captions, strict=True):
        path = None
        if caption is not None:
            path = video.with_suffix(".srt")
            path.write_text(caption)
        result.append(SceneOutput(task=task, video=video, captions=path, seconds=0.0))
    return result


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0:00"), (9.99, "0:09"), (61, "1:01"), (599, "9:59"), (3600, "1:00:00"), (3725, "1:02:05"),
])
def test_chapter_clock_uses_youtube_format(seconds: float, text: str) -> None:
    assert clock(seconds) == text


def test_captions_are_shifted_onto_the_lesson_timeline_and_clipped(tmp_path: Path) -> None:
    first = "1\n00:00:01,000 --> 00:00:03,000\nfirst scene\n"
    second = "1\n00:00:00,500 --> 00:00:20,000\nruns past the end\n"
    videos = [tmp_path / "a.mp4", tmp_path / "b.mp4"]
    outputs = outputs_for(tmp_path, videos, [first, second])
    placed = [PlacedScene(outputs[0], 0.0, 10.0), PlacedScene(outputs[1], 10.0, 5.0)]
    cues = merge_captions(placed)
    assert [(c.start, c.end, c.content) for c in cues] == [
        (timedelta(seconds=1), timedelta(seconds=3), "first scene"),
        (timedelta(seconds=10.5), timedelta(seconds=15), "runs past the end"),
    ]
    assert [c.index for c in cues] == [1, 2]
    vtt = to_webvtt(cues)
    assert "00:00:10.500 --> 00:00:15.000\nruns past the end" in vtt
    assert chapter_lines(placed) == ["0:00 Sensitivity: how y = 5x responds",
                                     "0:10 From secant to tangent"]
    meta = ffmetadata(get_lesson("module02-derivatives"), placed)
    assert "START=10000\nEND=15000\ntitle=From secant to tangent" in meta
    assert srt.compose(cues)


def test_failed_assembly_leaves_no_partial_lesson_behind(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"not really a video" * 100)
    out = tmp_path / "out"
    out.mkdir()
    (out / "lesson.mp4").write_bytes(b"previous lesson")
    (out / "manifest.json").write_text("{}")
    outputs = outputs_for(tmp_path, [broken, broken], [None, None])
    with pytest.raises(AssemblyError, match="cannot read"):
        assemble(get_lesson("module02-derivatives"), QUALITIES["low"], outputs, out, "none")
    assert (out / "lesson.mp4").read_bytes() == b"previous lesson"
    # Without a manifest the folder no longer claims to be a complete lesson.
    assert sorted(p.name for p in out.iterdir()) == ["lesson.mp4"]
