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
    QuestionRecord,
    Timeline,
    TimelineBeat,
    TimelineChapter,
    TimelineQuestion,
    question_fields,
    read_json,
)


@dataclass(frozen=True)
class AskedQuestion:
    """A question a chapter's beat asks: the beat's index among the chapter's beats, and
    when its pause to think begins, in seconds on the scene's clock."""

    beat: int
    think: float
    record: QuestionRecord


@dataclass(frozen=True)
class SceneBeats:
    """One chapter as assembled: its scene, title, frame count, and its beats
    as (name, end in seconds on the scene's clock, caption text)."""

    scene: str
    title: str
    frames: int
    beats: Sequence[tuple[str, float, str]]
    questions: Sequence[AskedQuestion] = ()


def beat_timeline(lesson: str, fps: int, chapters: Sequence[SceneBeats]) -> Timeline:
    """``beats.json``'s content: every chapter and beat with its first frame and the
    frame after its last (``end_frame``), and the same bounds in seconds."""
    out_chapters: list[TimelineChapter] = []
    out_beats: list[TimelineBeat] = []
    out_questions: list[TimelineQuestion] = []
    first = 0
    for number, chapter in enumerate(chapters, 1):
        end_of_chapter = first + chapter.frames
        opened = first
        beats = list(chapter.beats) or [(chapter.scene, chapter.frames / fps, "")]
        unshown: list[str] = []
        #: Each of the chapter's beats' index among the timeline's, once it is placed.
        placed: dict[int, int] = {}
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
            placed[index] = len(out_beats)
            out_beats.append(TimelineBeat(
                len(out_beats), number, chapter.scene, name,
                " ".join(filter(None, [*unshown, text])), opened, closed,
                round(opened / fps, 6), round(closed / fps, 6)))
            unshown = []
            opened = closed
        for asked in chapter.questions:
            out_questions.append(_placed_question(
                len(out_questions), out_beats, placed, asked, first, fps))
        out_chapters.append(TimelineChapter(
            number, chapter.scene, chapter.title, first, end_of_chapter,
            round(first / fps, 6), round(end_of_chapter / fps, 6),
            next(b.index for b in out_beats if b.chapter == number)))
        first = end_of_chapter
    return Timeline(lesson, fps, first, round(first / fps, 6), tuple(out_chapters),
                    tuple(out_beats), tuple(out_questions))


def _placed_question(index: int, beats: Sequence[TimelineBeat], placed: dict[int, int],
                     asked: AskedQuestion, chapter_start: int, fps: int) -> TimelineQuestion:
    """``asked`` on the lesson's frames: from its beat's first frame, the pause to think on
    the frame its speech ends, the answer from the first frame of the beat after it."""
    if asked.beat not in placed:
        raise TimelineError(Path("beats.json"), "questions", f"question {index + 1} is asked "
                            f"by beat {asked.beat + 1} of its scene, which shows no frames",
                            "give the question's beat some time on screen")
    beat = beats[placed[asked.beat]]
    think = min(max(chapter_start + round(asked.think * fps), beat.first_frame),
                beat.end_frame - 1)
    q = asked.record
    return TimelineQuestion(
        index, beat.chapter, beat.scene, beat.index, beat.name, q.prompt, q.choices,
        q.mistakes, q.correct, q.explanation, beat.first_frame, think, beat.end_frame,
        beat.start, round(think / fps, 6), beat.end)


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
        start, finish = _seconds(fields, chapter, where, rate, start=first, end=end)
        read_chapters.append(TimelineChapter(number, scene, title, first, end, start, finish,
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
        start, finish = _seconds(fields, beat, where, rate, start=first, end=end)
        read_beats.append(TimelineBeat(index, named, scene, name, text, first, end, start,
                                       finish))
        at = end
    if at != frames or chapters[-1]["end_frame"] != at:
        refuse("frames", f"is {frames}, but the beats end at frame {at} and the chapters at "
               f"{chapters[-1]['end_frame']}")
    read_questions = []
    for index, question in enumerate(fields.items(data, "questions", default=[])):
        where = f"questions[{index}]"
        fields.object(question, where)
        if question.get("index") != index:
            refuse(f"{where}.index", f"is {question.get('index')!r}, expected {index}")
        beat_index = fields.integer(question, "beat", where, minimum=0)
        if beat_index >= len(read_beats):
            refuse(f"{where}.beat", f"is {beat_index}, but there are {len(read_beats)} beats")
        asking = read_beats[beat_index]
        prompt, choices, mistakes, correct, explanation = question_fields(
            fields, question, where)
        ask = fields.integer(question, "ask_frame", where)
        think = fields.integer(question, "think_frame", where)
        answer = fields.integer(question, "answer_frame", where)
        if (ask, answer) != (asking.first_frame, asking.end_frame) or not ask <= think < answer:
            refuse(where, f"is asked at frames {ask}, {think}, {answer}: not from the first "
                   f"frame of beat {beat_index} ({asking.first_frame}) to its end "
                   f"({asking.end_frame}), with the pause to think between")
        if question.get("chapter") != asking.chapter:
            refuse(f"{where}.chapter", f"is {question.get('chapter')!r}, but beat "
                   f"{beat_index} is in chapter {asking.chapter}")
        if fields.text(question, "name", where) != asking.name:
            refuse(f"{where}.name", f"is not the name of beat {beat_index} ({asking.name!r})")
        asked, thought, answered = _seconds(fields, question, where, rate, ask=ask,
                                            think=think, answer=answer)
        read_questions.append(TimelineQuestion(
            index, asking.chapter, asking.scene, beat_index, asking.name, prompt, choices,
            mistakes, correct, explanation, ask, think, answer, asked, thought, answered))
    return Timeline(lesson, rate, frames, seconds, tuple(read_chapters), tuple(read_beats),
                    tuple(read_questions))


def _seconds(fields: Fields, entry: dict[str, Any], where: str, fps: int,
             **frames: int) -> list[float]:
    """Each frame's time in seconds, under its key (``start=first, end=end``): when the
    entry gives one, it must be the frame's own time."""
    found = []
    for key, frame in frames.items():
        seconds = round(frame / fps, 6)
        if key in entry:
            seconds = fields.number(entry, key, where, minimum=0)
            if abs(seconds - frame / fps) > 0.5 / fps:
                fields.fail(f"{where}.{key}", f"is {seconds} s, but frame {frame} is at "
                            f"{frame / fps:.3f} s")
        found.append(seconds)
    return found
