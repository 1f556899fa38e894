"""A lesson's narration script: exported for the person who records it, checked when they have.

The script is read from the scenes themselves (a dry run of each, see
:mod:`lessonreel.render.preview`), so it is always the text the video speaks, with
the values SymPy put into it, never a copy that drifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lessonreel.authoring.lesson import Lesson
from lessonreel.files import write_atomically
from lessonreel.render.preview import Previewer
from lessonreel.voice.recordings import (
    AUDIO_SUFFIXES,
    RecordingReport,
    analyse,
    estimated_seconds,
    scene_folder,
)


@dataclass(frozen=True)
class ScriptBeat:
    scene: str
    chapter: str
    name: str
    #: What the captions show, values written as on screen ("2.001").
    text: str
    #: What the narrator says, values in words ("two point zero zero one").
    spoken: str


def read_script(lesson: Lesson, previewer: Previewer, jobs: int) -> list[ScriptBeat]:
    """Every beat of every scene, in lesson order."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        per_scene = list(pool.map(previewer.beats, lesson.scenes))
    return [ScriptBeat(scene.name, scene.title, beat.name, " ".join(beat.text.split()),
                       " ".join((beat.spoken or beat.text).split()))
            for scene, beats in zip(lesson.scenes, per_scene, strict=True) for beat in beats]


def script_markdown(lesson: Lesson, beats: Sequence[ScriptBeat], root: Path) -> str:
    minutes = sum(estimated_seconds(b.spoken) for b in beats) / 60
    lines = [
        f"# {lesson.title}: narration script", "",
        f"{lesson.course}. {len(lesson.scenes)} scenes, {len(beats)} beats, about "
        f"{minutes:.0f} minutes of speech.", "",
        "Record each beat as its own file, named by the beat, in its scene's folder: "
        f"`assets/narration/{lesson.slug}/<Scene>/<beat>.wav` (or "
        f"{', '.join(AUDIO_SUFFIXES[1:])}). A recording replaces the synthetic voice for "
        f"that beat, and its length sets the beat's timing. Check takes with "
        f"`lessonreel narration {lesson.slug} --check`.", "",
    ]
    for number, scene in enumerate(lesson.scenes, 1):
        lines += [f"## {number}. {scene.title} (`{scene.name}`)", ""]
        folder = scene_folder(root, lesson.slug, scene.name).relative_to(root).as_posix()
        for beat in (b for b in beats if b.scene == scene.name):
            lines += [f"### {beat.name}", "",
                      f"*File: `{folder}/{beat.name}.wav`, about "
                      f"{estimated_seconds(beat.spoken):.0f} s*", "",
                      beat.spoken, ""]
            if beat.text != beat.spoken:
                # The narrator reads the words; the captions show the values as on screen.
                lines += [f"> Captions: {beat.text}", ""]
    return "\n".join(lines)


def export(lesson: Lesson, beats: Sequence[ScriptBeat], root: Path, out_dir: Path) -> Path:
    target = out_dir / f"{lesson.slug}.md"
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(target, script_markdown(lesson, beats, root).encode())
    return target


@dataclass
class BeatCheck:
    """One beat's state: its recording (if any) and what is wrong with it."""

    beat: ScriptBeat
    recording: Path | None = None
    report: RecordingReport | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    beats: list[BeatCheck]
    #: Recordings whose file name matches no beat of their scene (a typo, or a renamed beat).
    orphans: list[tuple[Path, str]]

    @property
    def recorded(self) -> list[BeatCheck]:
        return [b for b in self.beats if b.recording is not None]

    @property
    def missing(self) -> list[BeatCheck]:
        return [b for b in self.beats if b.recording is None]

    @property
    def flagged(self) -> list[BeatCheck]:
        return [b for b in self.beats if b.problems]

    @property
    def ok(self) -> bool:
        return not self.flagged and not self.orphans


def check(lesson: Lesson, beats: Sequence[ScriptBeat], root: Path) -> CheckResult:
    checks: list[BeatCheck] = []
    orphans: list[tuple[Path, str]] = []
    for scene in lesson.scenes:
        names = [b.name for b in beats if b.scene == scene.name]
        folder = scene_folder(root, lesson.slug, scene.name)
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_file() and path.suffix.lower() in AUDIO_SUFFIXES \
                    and path.stem not in names:
                orphans.append((path, f"matches no beat of {scene.name}; its beats: "
                                      f"{', '.join(names) or '(none)'}"))
        for beat in (b for b in beats if b.scene == scene.name):
            entry = BeatCheck(beat)
            takes = sorted(p for p in folder.glob(f"{beat.name}.*")
                           if p.suffix.lower() in AUDIO_SUFFIXES) if folder.is_dir() else []
            if len(takes) > 1:
                entry.problems.append(f"{len(takes)} recordings "
                                      f"({', '.join(p.name for p in takes)}); keep one")
            if takes:
                entry.recording = takes[0]
                try:
                    entry.report = analyse(takes[0], beat.spoken)
                    entry.problems += entry.report.problems
                except Exception as error:  # noqa: BLE001 - any unreadable file is a finding
                    entry.problems.append(str(error))
            checks.append(entry)
    lesson_folder = scene_folder(root, lesson.slug, "x").parent
    if lesson_folder.is_dir():
        for stray in sorted(p for p in lesson_folder.iterdir() if p.name not in lesson.scene_names):
            orphans.append((stray, f"{lesson.slug} has no scene {stray.name}; its scenes: "
                                   f"{', '.join(lesson.scene_names)}"))
    return CheckResult(checks, orphans)


def check_rows(result: CheckResult) -> list[dict[str, Any]]:
    """The check as rows for a table or JSON."""
    rows = []
    for entry in result.beats:
        report = entry.report
        rows.append({
            "scene": entry.beat.scene, "beat": entry.beat.name,
            "recording": entry.recording.name if entry.recording else None,
            "seconds": round(report.duration, 2) if report else None,
            "expected": round(estimated_seconds(entry.beat.spoken), 1),
            "problems": entry.problems,
        })
    return rows
