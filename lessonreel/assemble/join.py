"""Join rendered scenes into one lesson: video, captions, chapters, manifest.

Video packets are copied, never re-encoded (every scene shares the encoder
settings from :func:`lessonreel.render.quality.encoder_config`). Audio is rebuilt for
the whole lesson so that it is continuous, 48 kHz stereo AAC, and normalised
to one loudness. Every output is written under a temporary name and renamed
into place, so an interrupted run never leaves a half-written file behind.

Over 400 lines because the lesson's files are assembled as one staged set, named by
one key, and replaced together.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import srt
from PIL import Image

from lessonreel import settings
from lessonreel.assemble import audio as audiojoin
from lessonreel.assemble.artwork import (
    SheetEntry,
    last_frame_time,
    make_contact_sheet,
    make_thumbnail,
)
from lessonreel.authoring.lesson import Lesson
from lessonreel.captions import chapters as chapter_rules
from lessonreel.captions import cues as captions
from lessonreel.captions.chapters import Chapter
from lessonreel.captions.timeline import AskedQuestion, SceneBeats, beat_timeline
from lessonreel.errors import AssemblyError, SeamNotSilent
from lessonreel.files import inside, staged, write_atomically
from lessonreel.media import (
    TICK,
    VideoTiming,
    audio_duration,
    concat_listing,
    grab_frame,
    run_ffmpeg,
    video_timing,
)
from lessonreel.records import Timeline
from lessonreel.render.cache import ASSEMBLY_ROOTS, engine_digest
from lessonreel.render.cache import versions as cache_versions
from lessonreel.render.outputs import replacing
from lessonreel.render.quality import Quality
from lessonreel.render.run import SceneOutput

AUDIO_RATE = 48000


@dataclass(frozen=True)
class PlacedScene:
    """A rendered scene and where it sits on the lesson's timeline."""

    output: SceneOutput
    start: float
    duration: float

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def chapter(self) -> Chapter:
        return Chapter(self.output.title, self.start, self.end)


def place(outputs: Sequence[SceneOutput]) -> list[PlacedScene]:
    """Each scene after the ones before it, by its frame count: the clock its narration,
    captions and beats run on, which its picture must keep (see :func:`check_in_step`)."""
    placed, t = [], 0.0
    for output in outputs:
        timing = video_timing(output.video)
        check_in_step(output, timing)
        placed.append(PlacedScene(output, t, timing.seconds))
        t += timing.seconds
    return placed


def check_in_step(output: SceneOutput, timing: VideoTiming) -> None:
    """Refuse a scene whose picture would be out of step with its sound: a video that
    does not start at 0, or whose timestamps run longer or shorter than its frames over
    its frame rate, or than its narration, by more than a frame.

    The frame count cannot see this: a scene joined with a gap, or shifted late, has
    every frame, each shown late, and every scene after it in the lesson with it.
    """
    fps = output.task.quality.fps
    duration, start, end = timing.seconds, timing.start, timing.end
    picture = end - start
    sound = duration if output.narration is None else audio_duration(output.narration)
    cache, lesson = output.task.cache_dir, output.task.lesson
    fix = (f"remove {cache / 'scenes' / lesson / output.name} and "
           f"{cache / 'beats' / lesson / output.name}, and render again")
    if abs(start) > TICK:
        raise AssemblyError(f"scene {output.name}: its video starts at {start:.3f} s, not 0 "
                            f"(its picture would lag its sound); {fix}")
    worst = max(abs(end - duration), abs(end - sound))
    if worst > 1 / fps + TICK:
        raise AssemblyError(
            f"scene {output.name}: its picture runs {picture:.3f} s ({duration * fps:.0f} "
            f"frames, {duration:.3f} s at {fps} fps), its sound {sound:.3f} s: more than "
            f"a frame ({1 / fps:.3f} s) apart; {fix}")


def merge_captions(placed: Sequence[PlacedScene]) -> list[srt.Subtitle]:
    """Every scene's subcaptions, shifted onto the lesson's timeline and kept inside it."""
    cues: list[srt.Subtitle] = []
    for scene in placed:
        if scene.output.captions is None:
            continue
        offset = timedelta(seconds=scene.start)
        end_of_scene = timedelta(seconds=scene.end)
        for cue in srt.parse(scene.output.captions.read_text(encoding="utf-8")):
            # Whole milliseconds, so lesson.srt (which truncates) and lesson.vtt (which
            # rounds) give every cue the same times.
            start = _millisecond(cue.start + offset)
            end = _millisecond(min(cue.end + offset, end_of_scene))
            if start < end:
                cues.append(srt.Subtitle(index=0, start=start, end=end, content=cue.content))
    return list(srt.sort_and_reindex(cues))


def lesson_beats(slug: str, fps: int, placed: Sequence[PlacedScene]) -> Timeline:
    """Every beat on the lesson's frame-exact timeline (``beats.json``), for presenting."""
    return beat_timeline(slug, fps, [
        SceneBeats(p.output.name, p.output.title, round(p.duration * fps),
                   [(b.name, b.end, b.text) for b in p.output.beats],
                   [AskedQuestion(index, b.start + b.question.think, b.question)
                    for index, b in enumerate(p.output.beats) if b.question is not None])
        for p in placed])


def _millisecond(t: timedelta) -> timedelta:
    return timedelta(milliseconds=round(t.total_seconds() * 1000))




def pace(cues: Sequence[srt.Subtitle], seconds: float) -> dict[str, Any]:
    """Words a minute over the lesson, counted on its captions as a reader reads them
    (:func:`lessonreel.captions.cues.word_count`: "2.001" is one word, a lone "+" none)."""
    words = sum(captions.word_count(cue.content) for cue in cues)
    rate = words / (seconds / 60) if seconds > 0 else 0.0
    low, high = settings.PACE_RANGE
    return {"words": words, "seconds": round(seconds, 3), "words_per_minute": round(rate, 1),
            "within": [low, high], "ok": low <= rate <= high,
            "counted": "caption words: each space-separated token with a letter or digit"}


def caption_figures(cues: Sequence[srt.Subtitle]) -> dict[str, Any]:
    """Cue count, longest line, most lines, fastest reading, shortest cue, cues off the rules."""
    return dict(captions.summary([
        captions.Cue(c.start.total_seconds(), c.end.total_seconds(),
                     tuple(c.content.split("\n"))) for c in cues]))


def to_webvtt(cues: Sequence[srt.Subtitle]) -> str:
    """The lesson's captions as WebVTT (:func:`captions.webvtt` writes it)."""
    return captions.webvtt((str(c.index), c.start.total_seconds(), c.end.total_seconds(),
                            c.content) for c in cues)


def versions() -> dict[str, str]:
    """lessonreel's version beside those the scene cache keys on (manim, sympy, the voice...)."""
    return {"lessonreel": metadata.version("lessonreel"), **cache_versions()}


def _build_audio(placed: Sequence[PlacedScene], work: Path) -> Path:
    """The lesson's AAC track, joined from per-scene segments (see
    :mod:`lessonreel.assemble.audio`), so an edit encodes only the scenes it changed; or,
    where a scene's narration does not end in silence, encoded whole."""
    encoded = work / "lesson-audio.m4a"
    pieces = [audiojoin.Piece(p.output.narration, p.start, p.end) for p in placed]
    try:
        audiojoin.join(pieces, placed[0].output.task.cache_dir / "aac", encoded)
    except SeamNotSilent:
        return _encode_whole(placed, work)
    return encoded


def _encode_whole(placed: Sequence[PlacedScene], work: Path) -> Path:
    """One continuous AAC track: each scene's narration padded or cut to its video's length.

    Every scene's narration was already normalised to the lesson's loudness when it
    was rendered (see :mod:`lessonreel.voice.loudness`), so joining needs no second pass
    over the whole lesson and an edit to one scene costs only that scene.
    """
    inputs: list[str] = []
    chains: list[str] = []
    for i, scene in enumerate(placed):
        if scene.output.narration is not None:
            inputs += ["-i", str(scene.output.narration)]
            source = f"[{len(inputs) // 2 - 1}:a:0]"
            chains.append(
                f"{source}aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                f"apad,atrim=0:{scene.duration:.6f},asetpts=N/SR/TB[a{i}]"
            )
        else:
            chains.append(
                f"anullsrc=r={AUDIO_RATE}:cl=stereo,atrim=0:{scene.duration:.6f},"
                f"aformat=sample_fmts=fltp,asetpts=N/SR/TB[a{i}]"
            )
    joined = "".join(f"[a{i}]" for i in range(len(placed)))
    graph = ";".join(chains) + f";{joined}concat=n={len(placed)}:v=0:a=1[mix]"
    encoded = work / "lesson-audio.m4a"
    # The "fast" coder encodes the whole lesson in about half the time of the default
    # two-loop search; at 192 kb/s speech stays transparent. This is the one step
    # whose cost grows with the lesson, not with what changed.
    run_ffmpeg([*inputs, "-filter_complex", graph, "-map", "[mix]", "-c:a", "aac",
                "-aac_coder", "fast", "-profile:a", "aac_low", "-b:a", "192k",
                "-ar", str(AUDIO_RATE), "-ac", "2", str(encoded)],
               "joining and encoding the narration")
    return encoded


@dataclass(frozen=True)
class AssembledLesson:
    out_dir: Path
    video: Path
    manifest: dict[str, Any]
    #: True when nothing had changed and the earlier files were kept as they were.
    reused: bool = False


def _artwork(lesson: Lesson, placed: Sequence[PlacedScene], work: Path, out_dir: Path) -> None:
    """thumbnail.png from the declared frame, contact-sheet.png from every chapter's end
    (or, for a chapter that asks, from the moment before its first question)."""
    spec = lesson.thumbnail
    by_name = {p.output.name: p for p in placed}
    source = by_name.get(spec.scene) if spec is not None else None
    at = spec.at if spec is not None and source is not None else None
    source = source or placed[0]
    if spec is not None and spec.beat is not None and source.output.name == spec.scene:
        ends = {beat.name: beat.end for beat in source.output.beats}
        if spec.beat not in ends:
            raise AssemblyError(
                f"thumbnail beat {spec.beat!r} is not a beat of {spec.scene}; its beats: "
                f"{', '.join(ends) or '(none)'}"
            )
        at = last_frame_time(min(ends[spec.beat], source.duration),
                             source.output.task.quality.fps)
    if at is not None and at >= source.duration:
        raise AssemblyError(
            f"thumbnail time {at} s is past the end of {source.output.name} "
            f"({source.duration:.1f} s); pick an earlier time in the lesson declaration"
        )
    if at is None:
        with Image.open(source.output.last_frame) as image:
            frame = image.convert("RGB")
    else:
        frame = grab_frame(source.output.video, at, work / "thumbnail-frame.png")
    make_thumbnail(frame, (spec.hook if spec is not None else "") or lesson.title,
                   out_dir / "thumbnail.png", spec.crop if spec is not None else None)
    entries = []
    for p in placed:
        # A chapter that ends on a question shows what it taught, before the question's
        # card cleared the screen, not the card.
        asking = next((b for b in p.output.beats if b.question is not None), None)
        if asking is not None:
            frame = grab_frame(p.output.video,
                               last_frame_time(asking.start, p.output.task.quality.fps),
                               work / f"sheet-{p.output.name}.png")
        else:
            with Image.open(p.output.last_frame) as image:
                frame = image.convert("RGB")
        entries.append(SheetEntry(p.output.title, p.start, frame))
    make_contact_sheet(entries, f"{lesson.course}: {lesson.title}", out_dir / "contact-sheet.png")


OUTPUT_FILES = ("lesson.mp4", "lesson.srt", "lesson.vtt", "thumbnail.png", "contact-sheet.png",
                "beats.json")


def assembly_key(lesson: Lesson, quality: Quality, narration: str,
                 outputs: Sequence[SceneOutput]) -> str:
    """Changes whenever anything that goes into the assembled lesson changes."""
    payload = {
        "scenes": [[o.name, o.title, o.task.key] for o in outputs],
        "lesson": [lesson.slug, lesson.title, lesson.course, repr(lesson.thumbnail)],
        "quality": quality.name,
        "narration": narration,
        # Every module the assembly imports: a hand-kept list missed the audio join.
        "engine": engine_digest(roots=ASSEMBLY_ROOTS),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def up_to_date(out_dir: Path, key: str) -> dict[str, Any] | None:
    """The manifest of an earlier assembly with this key whose files are all intact."""
    try:
        manifest: dict[str, Any] = json.loads((out_dir / "manifest.json").read_text())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict) or manifest.get("assembly_key") != key:
        return None
    sizes = manifest.get("sizes", {})
    if not isinstance(sizes, dict):
        return None
    for name, size in sizes.items():
        path = inside(out_dir, name)
        if path is None or not path.is_file() or path.stat().st_size != size:
            return None
    return manifest


def assemble(
    lesson: Lesson,
    quality: Quality,
    outputs: Sequence[SceneOutput],
    out_dir: Path,
    narration: str,
) -> AssembledLesson:
    """Write lesson.mp4, captions, chapters, artwork, the scene files and manifest.json.

    chapters.txt is written only for the whole lesson, and only when its chapters
    obey YouTube's rules (the manifest lists what breaks them otherwise). A render
    of some scenes only is a preview: its chapters would not be the lesson's.
    """
    if not outputs:
        raise AssemblyError("no scenes were rendered, so there is nothing to assemble")
    key = assembly_key(lesson, quality, narration, outputs)
    earlier = up_to_date(out_dir, key)
    if earlier is not None:
        return AssembledLesson(out_dir=out_dir, video=out_dir / "lesson.mp4", manifest=earlier,
                               reused=True)
    # Written into a staging folder that replaces out_dir whole, so a failure (a full
    # disk too) leaves the previous render; the scene videos are copied, and the lesson
    # is as large again: that room must be free before anything is written.
    needed = 2 * sum(o.video.stat().st_size for o in outputs) + (1 << 20)
    with replacing(out_dir, lesson.slug, needed) as staging:
        manifest = _write(lesson, quality, outputs, staging, narration, key)
    return AssembledLesson(out_dir=out_dir, video=out_dir / "lesson.mp4", manifest=manifest)


def _write(lesson: Lesson, quality: Quality, outputs: Sequence[SceneOutput], out_dir: Path,
           narration: str, key: str) -> dict[str, Any]:
    """Every file of the lesson, into the new, empty folder ``out_dir``; its manifest."""
    placed = place(outputs)
    complete = [p.output.name for p in placed] == lesson.scene_names
    chapters = [p.chapter for p in placed]
    # A lesson that breaks YouTube's chapter rules (a new one-scene lesson, say) still
    # renders, and plays with its chapters embedded; it only gets no chapters.txt,
    # and publishing to YouTube refuses it with these problems.
    chapter_issues = chapter_rules.chapter_problems(chapters) if complete else []
    chaptered = complete and not chapter_issues
    total = placed[-1].end
    cues = merge_captions(placed)
    timeline = lesson_beats(lesson.slug, quality.fps, placed)

    with tempfile.TemporaryDirectory(prefix=".assemble-", dir=out_dir) as tmp:
        work = Path(tmp)
        # Encoding the narration is the slow step: it runs beside everything else.
        with ThreadPoolExecutor(max_workers=1) as background:
            encoding = background.submit(_build_audio, placed, work)
            listing = work / "scenes.txt"
            listing.write_text(concat_listing([p.output.video for p in placed],
                                              [p.duration for p in placed]))
            video_only = work / "video.mp4"
            run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0:v:0",
                        "-c", "copy", str(video_only)], "joining scene videos")
            meta = work / "chapters.ffmeta"
            meta.write_text(chapter_rules.ffmetadata(lesson.title, lesson.course, chapters),
                            encoding="utf-8")
            _artwork(lesson, placed, work, out_dir)
            scene_dir = out_dir / "scenes"
            scene_dir.mkdir(exist_ok=True)
            for scene in placed:
                with staged(scene_dir / f"{scene.output.name}.mp4") as target:
                    shutil.copyfile(scene.output.video, target)
            audio = encoding.result()

        with staged(out_dir / "lesson.mp4") as target:
            run_ffmpeg(["-i", str(video_only), "-i", str(audio), "-f", "ffmetadata",
                        "-i", str(meta), "-map", "0:v:0", "-map", "1:a:0",
                        "-map_metadata", "2", "-map_chapters", "2", "-c", "copy",
                        "-movflags", "+faststart", "-f", "mp4", str(target)],
                       "writing lesson.mp4")

    manifest: dict[str, Any] = {
        "lesson": lesson.slug,
        "title": lesson.title,
        "course": lesson.course,
        "quality": quality.name,
        "width": quality.width,
        "height": quality.height,
        "fps": quality.fps,
        "narration": narration,
        "duration": round(total, 6),
        "complete": complete,
        "chapter_problems": chapter_issues,
        "pace": pace(cues, total),
        "captions": caption_figures(cues),
        "files": {"video": "lesson.mp4", "srt": "lesson.srt", "vtt": "lesson.vtt",
                  "thumbnail": "thumbnail.png", "contact_sheet": "contact-sheet.png",
                  "beats": "beats.json",
                  **({"chapters": "chapters.txt"} if chaptered else {})},
        "scenes": [
            {"name": p.output.name, "title": p.output.title,
             "file": f"scenes/{p.output.name}.mp4",
             "start": round(p.start, 6), "duration": round(p.duration, 6)}
            for p in placed
        ],
        "versions": versions(),
        # What a player that asks the learner needs (see beats.json for the frames).
        "questions": [q.to_json() for q in timeline.questions],
        "mastery_score": lesson.mastery_score,
        "assembly_key": key,
    }
    write_atomically(out_dir / "lesson.srt", srt.compose(cues).encode())
    write_atomically(out_dir / "lesson.vtt", to_webvtt(cues).encode())
    write_atomically(out_dir / "beats.json", json.dumps(timeline.to_json(), indent=1).encode())
    if chaptered:
        write_atomically(out_dir / "chapters.txt", chapter_rules.youtube_text(chapters).encode())
    names = [*OUTPUT_FILES, *(["chapters.txt"] if chaptered else []),
             *(scene["file"] for scene in manifest["scenes"])]
    manifest["sizes"] = {name: (out_dir / name).stat().st_size for name in names}
    # The manifest goes last: its presence means the folder is complete.
    write_atomically(out_dir / "manifest.json", json.dumps(manifest, indent=2).encode())
    return manifest
