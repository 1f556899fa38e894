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
from dataclasses import dataclass
from typing import Any

#: Written into beats.json; a reader refuses a version it does not know.
TIMELINE_VERSION = 1


@dataclass(frozen=True)
class SceneBeats:
    """One chapter as assembled: its scene, title, frame count, and its beats
    as (name, end in seconds on the scene's clock, caption text)."""

    scene: str
    title: str
    frames: int
    beats: Sequence[tuple[str, float, str]]


def beat_timeline(lesson: str, fps: int, chapters: Sequence[SceneBeats]) -> dict[str, Any]:
    """``beats.json``'s content: every chapter and beat with its first frame and the
    frame after its last (``end_frame``), and the same bounds in seconds."""
    out_chapters: list[dict[str, Any]] = []
    out_beats: list[dict[str, Any]] = []
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
                if index < len(beats) - 1 or not out_beats or out_beats[-1]["chapter"] != number:
                    unshown.append(text)
                else:
                    out_beats[-1]["text"] = " ".join(filter(None, [out_beats[-1]["text"], text]))
                continue
            out_beats.append({
                "index": len(out_beats), "chapter": number, "scene": chapter.scene,
                "name": name, "text": " ".join(filter(None, [*unshown, text])),
                "first_frame": opened, "end_frame": closed,
                "start": round(opened / fps, 6), "end": round(closed / fps, 6),
            })
            unshown = []
            opened = closed
        out_chapters.append({
            "number": number, "scene": chapter.scene, "title": chapter.title,
            "first_frame": first, "end_frame": end_of_chapter,
            "start": round(first / fps, 6), "end": round(end_of_chapter / fps, 6),
            "first_beat": next(b["index"] for b in out_beats if b["chapter"] == number),
        })
        first = end_of_chapter
    return {"version": TIMELINE_VERSION, "lesson": lesson, "fps": fps, "frames": first,
            "duration": round(first / fps, 6), "chapters": out_chapters, "beats": out_beats}


class TimelineError(ValueError):
    """A beats.json that does not describe a lesson's timeline."""


def check_timeline(data: Any, fps: int | None = None) -> dict[str, Any]:
    """``data`` if it is a timeline as :func:`beat_timeline` writes one (beats that tile
    the lesson, in order, each inside its chapter); else a :class:`TimelineError`
    saying what is wrong. Read from disk, so nothing in it is trusted unchecked."""
    def refuse(what: str) -> TimelineError:
        return TimelineError(f"beats.json {what}")

    if not isinstance(data, dict) or data.get("version") != TIMELINE_VERSION:
        raise refuse(f"is not a version {TIMELINE_VERSION} beat timeline")
    rate = data.get("fps")
    if not isinstance(rate, int) or rate <= 0 or (fps is not None and rate != fps):
        raise refuse(f"gives {rate!r} frames a second, the video has {fps}")
    chapters, beats = data.get("chapters"), data.get("beats")
    if not isinstance(chapters, list) or not isinstance(beats, list) or not beats:
        raise refuse("lists no chapters or no beats")
    at = 0
    for number, chapter in enumerate(chapters, 1):
        if (not isinstance(chapter, dict) or chapter.get("number") != number
                or not isinstance(chapter.get("title"), str)
                or chapter.get("first_frame") != at
                or not isinstance(chapter.get("end_frame"), int) or chapter["end_frame"] <= at
                or not isinstance(chapter.get("first_beat"), int)):
            raise refuse(f"chapter {number} is not a chapter that follows on from the one "
                         "before it")
        at = chapter["end_frame"]
    at = 0
    for index, beat in enumerate(beats):
        if not isinstance(beat, dict) or beat.get("index") != index:
            raise refuse(f"has no beat {index} where one is expected")
        if not isinstance(beat.get("text"), str) or not isinstance(beat.get("name"), str):
            raise refuse(f"beat {index} has no name or text")
        first, end = beat.get("first_frame"), beat.get("end_frame")
        if first != at or not isinstance(first, int) or not isinstance(end, int) \
                or end <= first:
            raise refuse(f"beat {index} ({beat.get('name')!r}) does not follow on from the "
                         f"beat before it (frames {first!r} to {end!r}, expected from {at})")
        named = beat.get("chapter")
        if not isinstance(named, int) or not 1 <= named <= len(chapters):
            raise refuse(f"beat {index} names chapter {named!r}, which is not listed")
        chapter = chapters[named - 1]
        if not chapter["first_frame"] <= first < end <= chapter["end_frame"]:
            raise refuse(f"beat {index} runs outside chapter {named}")
        at = end
    if at != data.get("frames") or chapters[-1].get("end_frame") != at:
        raise refuse(f"ends its beats at frame {at}, its lesson at {data.get('frames')!r}")
    return data
