"""The lesson's beats on its frame-exact timeline: ``beats.json`` beside the video.

A presenter plays a lesson one beat at a time and pauses on the last frame of each,
so every beat is written with the frames it covers on the lesson's timeline, not
only with seconds. The beats tile the lesson: a beat runs from where the one before
it ended (a chapter's first beat from the chapter's first frame) to the frame its
``voiceover`` block closed on, and a chapter's last beat runs on to the chapter's
end, so whatever a scene plays between or after its narrated blocks belongs to a
beat and no frame is left out. A scene without narration is one beat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from lessonreel.errors import TimelineError
from lessonreel.records import (
    TIMELINE_VERSION,
    Fields,
    Timeline,
    TimelineBeat,
    TimelineChapter,
    read_json,
)


@dataclass(frozen=True)
class SceneBeats:
    """One chapter as assembled: its scene, title, frame count, and its beats
    as (name, end in seconds on the scene's clock, caption text)."""

    scene: str
    title: str
    frames: int
    beats: Sequence[tuple[str, float, str]]


def beat_timeline(lesson: str, fps: int, chapters: Sequence[SceneBeats]) -> Timeline:
    """``beats.json``'s content: every chapter and beat with its first frame and the
    frame after its last (``end_frame``), and the same bounds in seconds."""
    out_chapters: list[TimelineChapter] = []
    out_beats: list[TimelineBeat] = []
    first = 0
    for number, chapter in enumerate(chapters, 1):
        end_of_chapter = first + chapter.frames
        opened = first
        beats = list(chapter.beats) or [(chapter.scene, chapter.frames / fps, "")]
        unshown: list[str] = []
        for index, (name, end, text) in enumerate(beats):
            # A voiceover closes on a frame boundary: the scene's clock is frames / fps.
            closed = first + min(max(round(end * fps), opened - first), chapter.frames)
            if index == len(beats) - 1:
                closed = end_of_chapter
            if closed == opened:
                # A beat of no frames cannot be shown: what it says goes to the beat
                # that shows its moment (the next, or the last one if none follows).
                if index < len(beats) - 1 or not out_beats or out_beats[-1].chapter != number:
                    unshown.append(text)
                else:
                    out_beats[-1] = replace(out_beats[-1], text=" ".join(
                        filter(None, [out_beats[-1].text, text])))
                continue
            out_beats.append(TimelineBeat(
                len(out_beats), number, chapter.scene, name,
                " ".join(filter(None, [*unshown, text])), opened, closed,
                round(opened / fps, 6), round(closed / fps, 6)))
            unshown = []
            opened = closed
        out_chapters.append(TimelineChapter(
            number, chapter.scene, chapter.title, first, end_of_chapter,
            round(first / fps, 6), round(end_of_chapter / fps, 6),
            next(b.index for b in out_beats if b.chapter == number)))
        first = end_of_chapter
    return Timeline(lesson, fps, first, round(first / fps, 6), tuple(out_chapters),
                    tuple(out_beats))


#: How to repair a beats.json: it is only ever written by assembly.
FIX = "render the lesson again: it is written by 'lessonreel render'"


def read_timeline(path: Path, fps: int, duration: float | None = None,
                  lesson: str | None = None) -> Timeline:
    """The checked timeline in ``path`` (see :func:`check_timeline`) of a video of ``fps``
    frames a second, ``duration`` seconds long, of ``lesson``; else a TimelineError
    naming the file and the field."""
    data = read_json(path, FIX, TimelineError)
    timeline = check_timeline(data, fps, duration=duration, path=path)
    if lesson is not None and timeline.lesson != lesson:
        raise TimelineError(path, "lesson", f"is {timeline.lesson!r}, the timeline of "
                            f"another lesson than {lesson!r}", FIX)
    return timeline


def check_timeline(data: Any, fps: int | None = None, *, duration: float | None = None,
                   path: Path = Path("beats.json")) -> Timeline:
    """``data`` if it is a timeline as :func:`beat_timeline` writes one (beats that tile
    the lesson, in order, each inside its chapter, every number finite and every frame
    range inside the video of ``duration`` seconds); else a :class:`TimelineError`
    naming the field. Read from disk, so nothing in it is trusted unchecked."""
    fields = Fields(path, FIX, TimelineError)

    def refuse(field: str | None, what: str) -> NoReturn:
        fields.fail(field, what)

    fields.object(data)
    if data.get("version") != TIMELINE_VERSION:
        refuse("version", f"is {data.get('version')!r}: not a version {TIMELINE_VERSION} "
               "beat timeline")
    rate = fields.integer(data, "fps", minimum=1)
    if fps is not None and rate != fps:
        refuse("fps", f"gives {rate!r} frames a second, the video has {fps}")
    lesson = fields.text(data, "lesson", default="")
    frames = fields.integer(data, "frames", minimum=1)
    seconds = fields.number(data, "duration", minimum=0)
    if abs(seconds - frames / rate) > 0.5 / rate:
        refuse("duration", f"is {seconds} s, but {frames} frames at {rate} a second last "
               f"{frames / rate:.3f} s")
    if duration is not None and abs(frames / rate - duration) > 1 / rate + 0.001:
        refuse("frames", f"is {frames}: the timeline lasts {frames / rate:.3f} s, but the "
               f"video {duration:.3f} s")
    chapters = fields.items(data, "chapters", nonempty=True)
    beats = fields.items(data, "beats", nonempty=True)
    at = 0
    read_chapters = []
    for number, chapter in enumerate(chapters, 1):
        where = f"chapters[{number - 1}]"
        fields.object(chapter, where)
        title = fields.text(chapter, "title", where)
        scene = fields.text(chapter, "scene", where, default="")
        first = fields.integer(chapter, "first_frame", where)
        end = fields.integer(chapter, "end_frame", where)
        first_beat = fields.integer(chapter, "first_beat", where, minimum=0)
        if chapter.get("number") != number or first != at or end <= at:
            refuse(where, f"is not chapter {number} following on from the one before it "
                   f"(frames {first} to {end}, expected from {at})")
        if first_beat >= len(beats):
            refuse(f"{where}.first_beat", f"is {first_beat}, but there are {len(beats)} beats")
        read_chapters.append(TimelineChapter(number, scene, title, first, end,
                                             *_seconds(fields, chapter, where, first, end, rate),
                                             first_beat))
        at = end
    at = 0
    read_beats = []
    for index, beat in enumerate(beats):
        where = f"beats[{index}]"
        fields.object(beat, where)
        if beat.get("index") != index:
            refuse(f"{where}.index", f"is {beat.get('index')!r}, expected {index}")
        name = fields.text(beat, "name", where)
        text = fields.text(beat, "text", where)
        scene = fields.text(beat, "scene", where, default="")
        first = fields.integer(beat, "first_frame", where)
        end = fields.integer(beat, "end_frame", where)
        if first != at or end <= first:
            refuse(where, f"({name!r}) does not follow on from the beat before it "
                   f"(frames {first!r} to {end!r}, expected from {at})")
        named = fields.integer(beat, "chapter", where)
        if not 1 <= named <= len(chapters):
            refuse(f"{where}.chapter", f"names chapter {named!r}, which is not listed")
        chapter = chapters[named - 1]
        if not chapter["first_frame"] <= first < end <= chapter["end_frame"]:
            refuse(where, f"runs outside chapter {named}")
        read_beats.append(TimelineBeat(index, named, scene, name, text, first, end,
                                       *_seconds(fields, beat, where, first, end, rate)))
        at = end
    if at != frames or chapters[-1]["end_frame"] != at:
        refuse("frames", f"is {frames}, but the beats end at frame {at} and the chapters at "
               f"{chapters[-1]['end_frame']}")
    return Timeline(lesson, rate, frames, seconds, tuple(read_chapters), tuple(read_beats))


def _seconds(fields: Fields, entry: dict[str, Any], where: str, first: int, end: int,
             fps: int) -> tuple[float, float]:
    """``start`` and ``end`` in seconds: when given, they must be the frames' own times."""
    found = []
    for key, frame in (("start", first), ("end", end)):
        seconds = round(frame / fps, 6)
        if key in entry:
            seconds = fields.number(entry, key, where, minimum=0)
            if abs(seconds - frame / fps) > 0.5 / fps:
                fields.fail(f"{where}.{key}", f"is {seconds} s, but frame {frame} is at "
                            f"{frame / fps:.3f} s")
        found.append(seconds)
    return found[0], found[1]
