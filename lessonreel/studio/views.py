"""What the studio page shows, as JSON: no Manim, no server, no threads here.

- :func:`outline`: the lesson's scenes in order, each with its beats, read from the
  source (``voiceover(beat=...)`` in the scene's class), so it is there before any render
  and follows every save;
- :func:`scene_view`: one render of a scene on its frames: the beats as blocks (the
  beats of ``beats.json``, :func:`lessonreel.captions.timeline.beat_timeline`), each spoken word
  as a tick and each mark as a flag (from the beat records the scene cache keeps), and
  the layout check's findings, each at the frame it is about;
- :func:`raised_from_log` and :func:`syntax_error`: where a scene that raised did so, as
  a file and line of the project (not of the render's snapshot of it).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.captions.timeline import SceneBeats, beat_timeline
from lessonreel.records import SceneRecord
from lessonreel.render.launch import RAISED, RAISED_AT

#: "at 1.27 s: ...", how a flash (lessonreel.authoring.flashes.Flash) names its moment.
_FLASH_AT = re.compile(r"at (\d+(?:\.\d+)?) s: ")
_RAISED_FRAME = re.compile(r"(?P<file>.+):(?P<line>\d+) in (?P<function>.*)")


def beat_names(scene: SceneRef) -> list[str] | None:
    """The beats ``scene``'s class names in its source, in order (``voiceover(beat=...)``
    with a written name); None for a file that does not parse now."""
    try:
        tree = ast.parse(scene.file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    names: list[tuple[int, int, str]] = []
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name == scene.name):
            continue
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "voiceover"):
                continue
            for keyword in call.keywords:
                if (keyword.arg == "beat" and isinstance(keyword.value, ast.Constant)
                        and isinstance(keyword.value.value, str)):
                    names.append((call.lineno, call.col_offset, keyword.value.value))
    return [name for _, _, name in sorted(names)]


def outline(lesson: Lesson, before: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """The lesson's scenes in order, each with its chapter title and beats; a scene whose
    file does not parse now keeps its beats of the outline ``before``."""
    known = {entry["name"]: entry["beats"] for entry in before}
    found = []
    for scene in lesson.scenes:
        beats = beat_names(scene)
        found.append({"name": scene.name, "title": scene.title,
                      "beats": beats if beats is not None else known.get(scene.name, [])})
    return found


def frame_at(seconds: float, fps: int, frames: int) -> int:
    """The frame on screen ``seconds`` into a video of ``frames`` frames."""
    return min(max(frames - 1, 0), max(0, math.floor(seconds * fps + 1e-6)))


def _kind(problem: str) -> str:
    if " overlaps " in problem:
        return "overlap"
    if "leaves the safe area" in problem:
        return "margin"
    if "legibility floor" in problem:
        return "small"
    return "layout"


def scene_view(record: SceneRecord, scene: SceneRef, fps: int) -> dict[str, Any]:
    """One render of ``scene`` as the page draws it, from its scene cache ``record``."""
    frames = record.frames
    beats = record.render.beats
    timeline = beat_timeline("", fps, [SceneBeats(
        scene.name, scene.title, frames, [(b.name, b.end, b.text) for b in beats])])
    blocks = [{"name": beat.name, "text": beat.text, "first_frame": beat.first_frame,
               "end_frame": beat.end_frame, "start": beat.start, "end": beat.end}
              for beat in timeline.beats]
    words: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    for beat in beats:
        opened = beat.start
        for sentence in beat.sentences:
            times = sentence.words
            said = (sentence.spoken or sentence.text).split()
            labels = said if len(said) == len(times) else [""] * len(times)
            for (start, end), word in zip(times, labels, strict=True):
                at = opened + start
                words.append({"beat": beat.name, "word": word, "start": round(at, 4),
                              "end": round(opened + end, 4),
                              "frame": frame_at(at, fps, frames)})
        for mark in beat.marks:
            at = opened + mark.at
            marks.append({"beat": beat.name, "name": mark.name, "at": round(at, 4),
                          "frame": frame_at(at, fps, frames)})
    return {"scene": scene.name, "title": scene.title, "fps": fps, "frames": frames,
            "duration": round(frames / fps, 6), "beats": blocks, "words": words,
            "marks": marks, "findings": findings(record, fps)}


def findings(record: SceneRecord, fps: int) -> list[dict[str, Any]]:
    """The layout check's findings in time order, each at the frame it is about: a layout
    problem (overlap, margin, text under the legibility floor) at the last frame of the
    beat it was found at the end of; a flash at the play that shows it."""
    frames = record.frames
    ends = {b.name: b.end for b in record.render.beats}
    starts = {b.name: b.start for b in record.render.beats}
    found: list[dict[str, Any]] = []
    for entry in record.render.layout:
        beat = entry.beat
        if beat not in ends:
            continue
        last = frame_at(ends[beat] - 1 / fps, fps, frames)
        for problem in entry.problems:
            found.append({"kind": _kind(problem), "beat": beat, "frame": last,
                          "time": round(last / fps, 6),
                          "message": f"end of beat {beat!r}: {problem}"})
        for flash in entry.flashes:
            said = _FLASH_AT.match(flash)
            at = float(said.group(1)) if said else starts[beat]
            frame = frame_at(at, fps, frames)
            found.append({"kind": "flash", "beat": beat, "frame": frame,
                          "time": round(frame / fps, 6),
                          "message": f"in beat {beat!r}: flash {flash}"})
    return sorted(found, key=lambda f: f["frame"])


def _in_project(path: Path, snapshot: Path | None, root: Path) -> Path | None:
    """``path`` as the project's own file: one of the render's snapshot is named by its
    place in the project; one outside both is None."""
    for base, home in ((snapshot, root), (root, root)):
        if base is None:
            continue
        try:
            relative = path.relative_to(base)
        except ValueError:
            continue
        return home / relative
    return None


def _location(file: Path, line: int, root: Path) -> dict[str, Any]:
    try:
        code = file.read_text(encoding="utf-8").splitlines()[line - 1].strip()
    except (OSError, IndexError, UnicodeDecodeError):
        code = ""
    try:
        shown = file.relative_to(root).as_posix()
    except ValueError:
        shown = str(file)
    return {"file": shown, "line": line, "where": f"{shown}:{line}", "code": code}


def raised_from_log(log: str, snapshot: Path | None, root: Path,
                    fallback: str) -> dict[str, Any]:
    """What a scene raised and where, from its render's log: the innermost frame in the
    project's files (:func:`lessonreel.render.launch.print_raised` writes them). Without
    those lines (Manim failed before the scene ran), ``fallback`` and no place."""
    message = fallback
    place: dict[str, Any] = {}
    for line in log.splitlines():
        if line.startswith(RAISED_AT):
            found = _RAISED_FRAME.fullmatch(line[len(RAISED_AT):].strip())
            if found is None:
                continue
            file = _in_project(Path(found["file"]), snapshot, root)
            if file is not None:
                place = _location(file, int(found["line"]), root)
        elif line.startswith(RAISED):
            message = line[len(RAISED):].strip()
    return {"message": message, **place}


def syntax_error(error: SyntaxError, snapshot: Path | None, root: Path) -> dict[str, Any]:
    """A file of the scene that does not parse, with its line."""
    message = f"SyntaxError: {error.msg}"
    file = _in_project(Path(error.filename), snapshot, root) if error.filename else None
    if file is None or error.lineno is None:
        return {"message": message}
    return {"message": message, **_location(file, int(error.lineno), root)}
