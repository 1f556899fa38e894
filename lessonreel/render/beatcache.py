"""The beat cache: an edit of one beat's narration re-renders that beat, not its scene.

A scene's video is the run of its beats' *segments*: a beat's segment is every
play from the one its ``voiceover`` opens with up to the next beat's (the first
beat's from the scene's first play). Every play is its own partial movie to
Manim, encoded from a keyframe with a closed GOP, so a segment starts on a
keyframe and segments join with the concat demuxer without re-encoding.

A segment's key covers what decides its frames:

* the scene's code with every narration text blanked (a voiceover's ``text=``,
  ``say(...)``'s template and values: a value said and also shown stays in the
  code where it is computed), with every import, asset, setting and the engine,
  as the scene key has them (:func:`code_key`);
* the beat's own record from the beats pass (``-s``) or a render: narration,
  sentences (with word times), speech duration, hold, and its marks with their
  times (marks are not spoken, so moving one changes nothing else of the record,
  yet moves what is timed by it);
* the state the beat starts from. Same code, same state, unless something on
  screen as a beat opens changes with time (an updater that takes ``dt``): from
  that beat on, every key also covers all earlier beats' records, so an edit
  re-renders from the edited beat to the end of the scene.

Segments are verified like scene entries (size and SHA-256 recorded when
stored, and a frame count that must agree with the plays recorded with it; a
segment is stored only if its video starts at 0, as the concat demuxer needs),
written under a temporary name and renamed into place, and pruned with the
scene entries that name them.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lessonreel.authoring.lesson import SceneRef
from lessonreel.errors import LessonDeclarationError, RecordError
from lessonreel.files import file_digest, inside
from lessonreel.records import BeatLayout, BeatRecord, Play, SegmentRecord, spoken_beats
from lessonreel.render.cache import SceneCache, module_path, scene_key

log = logging.getLogger("lessonreel.render.beatcache")

#: Bump when a change to how segments are cut or keyed must invalidate every segment.
#: 2: a scene's first segment was cut starting 2 frames late (see :func:`cut`).
BEAT_SCHEMA = 2


class _Blank(ast.NodeTransformer):
    """Replaces every narration text with "": what a beat says is keyed per beat."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = node.func.attr if isinstance(node.func, ast.Attribute) else (
            node.func.id if isinstance(node.func, ast.Name) else "")
        if name == "voiceover":
            if node.args:
                node.args[0] = ast.Constant("")
            for keyword in node.keywords:
                if keyword.arg == "text":
                    keyword.value = ast.Constant("")
        elif name == "say":
            node.args = [ast.Constant("") for _ in node.args]
            for keyword in node.keywords:
                keyword.value = ast.Constant("")
        return node


def without_narration(source: str) -> str:
    """``source`` as code, with every narration text blanked (comments dropped too)."""
    if not source.strip():
        return ""
    return ast.dump(_Blank().visit(ast.parse(source)))


def code_key(scene: SceneRef, root: Path, settings: dict[str, Any]) -> str:
    """The scene key of ``scene`` with its narration texts blanked."""
    from lessonreel.render.cache import scene_source_parts

    file = module_path(scene.qualified_module, root)
    if file is None:
        raise LessonDeclarationError(f"scene {scene.name}: module {scene.qualified_module} "
                                     f"is not under {root}")
    own, rest = scene_source_parts(scene, file)
    return scene_key(scene, root, {**settings, "beat_schema": BEAT_SCHEMA},
                     parts=(without_narration(own), without_narration(rest)))


def segment_starts(beats: Sequence[BeatRecord]) -> list[int] | None:
    """The first animation of each beat's segment (0 for the first), or None when the
    beats cannot be cut into segments (a beat without a play of its own)."""
    spoken = spoken_beats(beats)
    if not spoken or any(b.plays is None for b in spoken):
        return None
    starts = [0, *(b.first_animation for b in spoken[1:])]
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        return None
    if any(not b.plays for b in spoken):
        return None
    return starts


def _essentials(record: BeatRecord) -> dict[str, Any]:
    """What of a beat's record decides its frames, given the code: its narration and its
    speech's timing, not where it falls on the clock.

    The same in the beats pass (``-s``, whose clock runs on exact run times) and in a
    render (whose clock runs on whole frames), so a render's own records key the
    segments it cuts: its plays' run times, which follow from these, differ between
    the two and are left out.
    """
    beat = record.to_json()
    essentials = {
        "name": beat["name"], "text": beat.get("text"), "spoken": beat.get("spoken"),
        "duration": round(float(beat["duration"]), 6), "hold": beat.get("hold"),
        "first_animation": beat["first_animation"],
        "time_based": bool(beat.get("time_based")),
        "timed_plays": bool(beat.get("timed_plays")),
        "sentences": beat.get("sentences"),
    }
    # Only where there are marks: the keys of beats without any stay as they were.
    if beat.get("marks"):
        essentials["marks"] = beat["marks"]
    return essentials


def beat_keys(code: str, beats: Sequence[BeatRecord]) -> list[str]:
    """One key per beat's segment, in order (see the module's docstring)."""
    spoken = spoken_beats(beats)
    keys = []
    timed = False
    for i, beat in enumerate(spoken):
        # From the first beat that opens on something changing with time, or follows
        # a beat during which something did, what a beat starts from depends on how
        # long the beats before it took.
        timed = timed or beat.time_based or (i > 0 and spoken[i - 1].timed_plays)
        payload = {"code": code, "index": i, "beat": _essentials(beat),
                   "earlier": [_essentials(b) for b in spoken[:i]] if timed else None}
        keys.append(hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest())
    return keys


def beat_frames(plays: Sequence[Play], fps: int) -> int:
    """Frames Manim draws for ``plays`` at ``fps``, counted as Manim counts them: a frozen
    frame held for ``int(duration / dt)`` frames, an animation one frame per step of
    ``arange(0, run_time, dt)``."""
    import numpy as np

    dt = 1 / fps
    total = 0
    for play in plays:
        total += int(play.run_time / dt) if play.frozen else len(
            np.arange(0, play.run_time, dt))
    return total


@dataclass(frozen=True)
class Segment:
    """A verified cached segment."""

    folder: Path
    record: SegmentRecord

    @property
    def video(self) -> Path:
        return self.folder / "segment.mp4"

    @property
    def frames(self) -> int:
        return self.record.frames


class BeatSegments:
    """Cached beat segments, one folder per (scene, variant, beat key)."""

    def __init__(self, cache_dir: Path) -> None:
        self.root = cache_dir / "beats"

    def _scene_dir(self, lesson: str, scene: str, variant: str) -> Path:
        return self.root / lesson / scene / variant

    def _folder(self, lesson: str, scene: str, variant: str, key: str) -> Path:
        return self._scene_dir(lesson, scene, variant) / key[:32]

    def has_any(self, lesson: str, scene: str, variant: str) -> bool:
        folder = self._scene_dir(lesson, scene, variant)
        return folder.is_dir() and any(not p.name.startswith(".") for p in folder.iterdir())

    def lookup(self, lesson: str, scene: str, variant: str, key: str,
               fps: int) -> Segment | None:
        """The verified segment for ``key`` (leased to this process), or None."""
        folder = self._folder(lesson, scene, variant, key)
        if not folder.is_dir():
            return None
        problem = self._problem(folder, key, fps)
        if problem is not None:
            log.warning("beat segment %s is damaged (%s); rendering that beat again",
                        folder, problem)
            return None
        SceneCache._lease(folder)
        return Segment(folder, SegmentRecord.read(folder / "record.json"))

    @staticmethod
    def _problem(folder: Path, key: str, fps: int) -> str | None:
        try:
            record = SegmentRecord.read(folder / "record.json")
        except RecordError as error:
            return f"its record is damaged ({error.field or 'the file'} {error.problem})"
        if record.key != key:
            return "its record is for another key"
        if record.fps != fps or record.frames != beat_frames(record.plays, fps):
            return "its frame count is not what its beat's plays draw at this frame rate"
        video = inside(folder, "segment.mp4")
        if video is None or not video.is_file():
            return "segment.mp4 is missing"
        if video.stat().st_size != record.size:
            return f"segment.mp4 is {video.stat().st_size} bytes, recorded {record.size}"
        if file_digest(video) != record.sha256:
            return "segment.mp4 is not the file that was stored (checksum differs)"
        return None

    def store(self, lesson: str, scene: str, variant: str, key: str, video: Path, *,
              fps: int, plays: Sequence[Play], beats: Sequence[BeatRecord],
              layout: Sequence[BeatLayout]) -> Segment | None:
        """Copy ``video`` into a new segment entry and rename it into place; None (and
        nothing stored) if its frames are not what ``plays`` draw at ``fps`` or its video
        does not start at 0. ``beats`` are on the segment's clock."""
        from lessonreel.media import TICK, frame_count, video_timing

        folder = self._folder(lesson, scene, variant, key)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            shutil.copyfile(video, staging / "segment.mp4")
            frames = frame_count(staging / "segment.mp4")
            if frames != beat_frames(plays, fps):
                log.warning("segment of %s has %d frames, its plays draw %d: not cached",
                            scene, frames, beat_frames(plays, fps))
                return None
            # The concat demuxer shows a piece's frames from its start but places the
            # next piece after its start plus its length: a late start is a gap.
            start = video_timing(staging / "segment.mp4").start
            if abs(start) > TICK:
                log.warning("segment of %s starts its video at %.3f s, not 0: not cached",
                            scene, start)
                return None
            record = SegmentRecord(key, scene, lesson, frames, fps,
                                   (staging / "segment.mp4").stat().st_size,
                                   file_digest(staging / "segment.mp4"), tuple(plays),
                                   tuple(beats), tuple(layout))
            (staging / "record.json").write_text(json.dumps(record.to_json(), indent=1))
            SceneCache._lease(staging)
            try:
                staging.rename(folder)
            except OSError:
                # Another run stored this key first: keep its segment if it is whole.
                if self._problem(folder, key, fps) is None:
                    return self.lookup(lesson, scene, variant, key, fps)
                aside = folder.with_name(f".{folder.name}.damaged-{staging.name[-8:]}")
                with contextlib.suppress(OSError):
                    folder.rename(aside)
                shutil.rmtree(aside, ignore_errors=True)
                staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return self.lookup(lesson, scene, variant, key, fps)

    def prune(self, lesson: str, scene: str, variant: str, keep: set[str]) -> None:
        """Drop segments of this scene and variant that no kept scene entry names and
        no live run uses."""
        folder = self._scene_dir(lesson, scene, variant)
        if not folder.is_dir():
            return
        kept = {key[:32] for key in keep}
        for entry in folder.iterdir():
            if entry.name.startswith(".") or entry.name in kept or SceneCache.in_use(entry):
                continue
            shutil.rmtree(entry, ignore_errors=True)


def cut(video: Path, frames: Sequence[int], into: Path) -> list[Path] | None:
    """``video`` cut, without re-encoding, into pieces of ``frames`` frames each.

    Every cut falls where a play began, which Manim encoded from a keyframe; every
    piece starts its video at 0, as a whole render does (:meth:`BeatSegments.store`
    refuses one that does not). None when the pieces come out otherwise (then nothing
    of this video is cached).
    """
    from lessonreel.media import frame_count

    if len(frames) == 1:
        return [video]
    into.mkdir(parents=True, exist_ok=True)
    bounds = []
    total = 0
    for count in frames[:-1]:
        total += count
        bounds.append(str(total))
    pattern = into / "segment%03d.mp4"
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(video),
         "-map", "0:v:0", "-c", "copy",
         # The B-frames' reorder delay gives the first packets negative decoding times
         # (-2 frames). By default the segment muxer shifts every packet later to make
         # them non-negative; -reset_timestamps takes that shift back out of every
         # piece but the first, which then starts 2 frames late. The MP4 inside each
         # piece keeps negative decoding times as a whole render does (an edit list).
         "-avoid_negative_ts", "disabled",
         "-f", "segment", "-segment_frames", ",".join(bounds),
         "-reset_timestamps", "1", "-segment_format", "mp4", str(pattern)],
        capture_output=True, text=True, check=False)
    pieces = [into / f"segment{i:03d}.mp4" for i in range(len(frames))]
    if result.returncode != 0 or not all(p.is_file() for p in pieces):
        log.warning("cutting %s into beats failed: %s", video, result.stderr.strip()[:200])
        return None
    if [frame_count(p) for p in pieces] != list(frames):
        log.warning("cutting %s into beats gave other frame counts than planned", video)
        return None
    return pieces
