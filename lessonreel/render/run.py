"""Run a render plan: shards on an executor, scenes joined, cached and handed on.

What runs the shards is an :class:`~lessonreel.render.pool.Executor`:
:class:`~lessonreel.render.pool.LocalPool` (threads, each driving one Manim process)
or the Dask cluster of :mod:`lessonreel.render.distributed`. :func:`run_plan` does
everything else (cache, order, joining, progress) the same way for both. A
finished scene goes into the scene cache (:mod:`lessonreel.render.cache`) in one
atomic rename; an unchanged scene is taken from there instead of being rendered.

Over 400 lines because running, joining and storing a scene share the scene's work
folder and its records; the pool and Dask, which only run shards, are apart.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, Protocol

import srt

from lessonreel.authoring.layout import flashes_in_report, once_a_beat, smallest_in_report
from lessonreel.captions.tracks import captions_from, drawn_beats, narration_track
from lessonreel.errors import RenderFailedError, SceneRenderError, UsageError
from lessonreel.media import (
    TICK,
    concat_listing,
    frame_count,
    frames_off_grid,
    grab_frame,
    video_duration,
    video_timing,
)
from lessonreel.records import (
    BeatLayout,
    BeatRecord,
    QuestionRecord,
    SceneBeat,
    SceneRender,
    SegmentRecord,
    SmallestText,
    read_beat_records,
    read_layout_report,
    spoken_beats,
)
from lessonreel.render.beatcache import (
    BeatSegments,
    beat_frames,
    beat_keys,
    cut,
    segment_starts,
)
from lessonreel.render.cache import CacheEntry, SceneCache
from lessonreel.render.plan import SceneTask, Shard
from lessonreel.render.pool import Executor, Job, LocalPool
from lessonreel.stopping import Stopped, clean_private_temp
from lessonreel.voice.loudness import normalise

log = logging.getLogger("lessonreel.render.run")


class BeatSpan(NamedTuple):
    """A narrated beat as rendered: its name, where it opened and closed on the scene's
    clock, and what its captions show (values as on screen)."""

    name: str
    start: float
    end: float
    text: str = ""
    #: The question the beat asks, if it asks one.
    question: QuestionRecord | None = None


@dataclass(frozen=True)
class SceneOutput:
    """A rendered scene, from the cache: video, narration track, captions, last frame."""

    task: SceneTask
    video: Path
    narration: Path | None
    captions: Path | None
    last_frame: Path
    seconds: float
    cached: bool
    #: Each narrated beat, in seconds on the scene's clock.
    beats: tuple[BeatSpan, ...] = ()
    #: The text drawn smallest at the end of a beat; None: no text, or no beats.
    smallest_text: SmallestText | None = None
    #: "in beat 'name': flash at T s: ...", for each flash (lessonreel.authoring.flashes).
    flashes: tuple[str, ...] = ()

    @classmethod
    def of(cls, task: SceneTask, entry: CacheEntry, seconds: float,
           cached: bool) -> SceneOutput:
        """The scene ``task`` rendered, as its cache ``entry`` holds it."""
        return cls(task, entry.video, entry.narration, entry.captions, entry.last_frame,
                   seconds, cached,
                   tuple(BeatSpan(b.name, b.start, b.end, b.text, b.question)
                         for b in entry.record.render.beats),
                   entry.record.render.smallest_text, entry.record.render.flashes)

    @property
    def name(self) -> str:
        return self.task.scene.name

    @property
    def title(self) -> str:
        return self.task.scene.title



def _join(task: SceneTask, videos: Sequence[Path], durations: Sequence[float]) -> Path:
    """The videos joined by the concat demuxer, without re-encoding, each placed after
    the frames of those before it."""
    if len(videos) == 1:
        return videos[0]
    work = task.work_dir
    video = work / "joined.mp4"
    listing = work / "shards.txt"
    listing.write_text(concat_listing(videos, durations))
    joined = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "concat",
         "-safe", "0", "-i", str(listing), "-c", "copy", str(video)],
        capture_output=True, text=True, check=False)
    if joined.returncode != 0:
        raise SceneRenderError(task.scene.name, task.log_path(task.shards[-1]) if task.shards
                               else work / "shards.txt",
                               f"joining shards failed: {joined.stderr.strip()[:200]}")
    return video


def _on_frame_grid(task: SceneTask, video: Path, index: int) -> Path:
    """``video`` with frame n shown at exactly n / fps, without re-encoding.

    Manim joins a scene's partial movies with the concat demuxer, which places each
    after the one before by its MP4 duration, rounded to whole milliseconds: the
    frames of a whole render drift off the grid by up to half a millisecond a play,
    where a scene joined from beat segments does not. While every frame is nearer its
    own grid point than the next, rounding each timestamp puts it back; past that
    (half a frame of drift, hundreds of plays) ``video`` is kept as Manim wrote it.
    """
    fps = task.quality.fps
    snapped = task.work_dir / f"shard{index}-on-grid.mp4"
    to_grid = f"round({{0}}*TB*{fps})/(TB*{fps})"
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(video),
         "-map", "0", "-c", "copy", "-bsf:v",
         f"setts=pts={to_grid.format('PTS')}:dts={to_grid.format('DTS')}", str(snapped)],
        capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SceneRenderError(task.scene.name, video,
                               f"putting its frames on the {fps} fps grid failed: "
                               f"{result.stderr.strip()[:200]}")
    if frames_off_grid(snapped, fps):
        log.warning("%s: shard %d drifts too far to put on the frame grid; kept as rendered",
                    task.scene.name, index)
        return video
    return snapped


def _order(task: SceneTask) -> list[tuple[Shard | None, int]]:
    """The scene's pieces in order: each a shard rendered now (with the first segment it
    holds) or a cached beat segment (None, its index)."""
    plan = task.beat_plan
    if plan is None:
        return [(shard, -1) for shard in task.shards]
    order: list[tuple[Shard | None, int]] = []
    shards = iter(task.shards)
    i = 0
    while i < len(plan.starts):
        if plan.cached[i] is not None:
            order.append((None, i))
            i += 1
            continue
        shard = next(shards)
        order.append((shard, i))
        i += 1
        while i < len(plan.starts) and plan.cached[i] is None and (
                shard.last is None or plan.starts[i] <= shard.last):
            i += 1
    return order


def _layout_entries(task: SceneTask, shard: Shard) -> list[BeatLayout]:
    return read_layout_report(task.layout_path(shard))


def finish_scene(task: SceneTask, videos: Sequence[Path], cache: SceneCache,
                 started: float) -> SceneOutput:
    """Join the shards and cached beat segments, build narration and captions from the
    beats, store the scene in the cache and each beat's segment in the beat cache."""
    work = task.work_dir
    work.mkdir(parents=True, exist_ok=True)
    fps = task.quality.fps
    plan = task.beat_plan
    rendered = {shard.index: _on_frame_grid(task, video, shard.index)
                for shard, video in zip(task.shards, videos, strict=True)}
    from_pass = {b.name: b for b in plan.beats} if plan is not None else {}
    pieces: list[Path] = []
    lengths: list[float] = []
    beats: list[BeatRecord] = []
    layout: list[BeatLayout] = []
    drawn_now: list[tuple[Shard, Path, float, list[BeatRecord]]] = []
    offset = 0.0
    for shard, segment in _order(task):
        if shard is None:
            assert plan is not None and plan.cached[segment] is not None
            folder = plan.cached[segment]
            assert folder is not None
            record = SegmentRecord.read(folder / "record.json")
            pieces.append(folder / "segment.mp4")
            for beat in record.beats:
                # Narration, audio and captions as the beats pass has them now, at the
                # times the segment was drawn with.
                now = from_pass.get(beat.name, beat)
                beats.append(replace(now, start=beat.start, end=beat.end).moved(offset))
            layout.extend(record.layout)
            lengths.append(record.frames / fps)
            offset += lengths[-1]
        else:
            video = rendered[shard.index]
            pieces.append(video)
            drawn = drawn_beats(task, shard, offset)
            beats.extend(drawn)
            layout.extend(_layout_entries(task, shard))
            drawn_now.append((shard, video, offset, drawn))
            lengths.append(video_duration(video))
            offset += lengths[-1]
    video = _join(task, pieces, lengths)
    # The frame count alone misses a picture shifted late or a gap at a seam (the
    # frames are all there, shown later than the narration and captions expect): the
    # timestamps must run from 0 to the pieces' length too.
    timing = video_timing(video)
    seconds, start, end = timing.seconds, timing.start, timing.end
    if abs(seconds - offset) > 0.5 / fps or abs(start) > TICK or abs(end - offset) > 0.5 / fps:
        raise SceneRenderError(task.scene.name, work / "shards.txt",
                               f"the joined scene's {seconds * fps:.0f} frames run from "
                               f"{start:.3f} s to {end:.3f} s, its pieces from 0 to "
                               f"{offset:.3f} s")
    beat_keys = _store_segments(task, drawn_now, layout)
    files = {"video.mp4": video, "last-frame.png": work / "last-frame.png"}
    grab_frame(video, None, files["last-frame.png"])
    if narration_track(beats, seconds, work / "narration-raw.wav"):
        normalise(work / "narration-raw.wav", work / "narration.wav")
        files["narration.wav"] = work / "narration.wav"
    cues = captions_from(beats, seconds)
    if cues:
        (work / "captions.srt").write_text(srt.compose(cues), encoding="utf-8")
        files["captions.srt"] = work / "captions.srt"
    frames = task.animation_frames()
    elapsed = time.monotonic() - started
    entry = cache.store(task.lesson, task.scene.name, task.variant, task.key, files,
                        SceneRender(
        render_seconds=round(elapsed, 2), quality=task.quality.name,
        fps=task.quality.fps, shards=len(task.shards),
        animation_frames=tuple(frames[i][1] for i in sorted(frames)),
        beats=tuple(SceneBeat.of(beat) for beat in spoken_beats(beats)),
        # The layout check at the end of each beat, once a beat (every shard of a split
        # scene runs the beats before its own): what the studio places on its timeline.
        layout=tuple(once_a_beat(layout)),
        smallest_text=smallest_in_report(layout),
        flashes=tuple(flashes_in_report(layout)),
        beat_keys=tuple(beat_keys),
        beats_cached=0 if plan is None else sum(1 for c in plan.cached if c is not None),
    ))
    # Segments no kept entry names belong to edits pruned away with their entries.
    BeatSegments(task.cache_dir).prune(task.lesson, task.scene.name, task.variant,
                                       cache.beat_keys_named(task.lesson, task.scene.name,
                                                             task.variant))
    shutil.rmtree(work, ignore_errors=True)
    return SceneOutput.of(task, entry, elapsed, cached=False)


def _store_segments(task: SceneTask,
                    drawn_now: Sequence[tuple[Shard, Path, float, list[BeatRecord]]],
                    layout: Sequence[BeatLayout]) -> list[str]:
    """Cut what was rendered now into beat segments and store each under its beat key;
    the keys of every segment of the scene (cached or new)."""
    plan = task.beat_plan
    if plan is not None:
        records: list[BeatRecord] = list(plan.beats)
        keys = list(plan.keys)
    else:
        # The last shard ran the whole scene up to its end: it recorded every beat.
        path = task.beats_path(task.shards[-1]) if task.shards else None
        records = read_beat_records(path) if path is not None and path.exists() else []
        keys = beat_keys(task.code_key, records) if task.code_key else []
    starts = segment_starts(records) if records else None
    if not keys or starts is None or len(starts) != len(keys):
        return []
    names = [b.name for b in spoken_beats(records)]
    fps = task.quality.fps
    store = BeatSegments(task.cache_dir)
    for shard, video, offset, drawn in drawn_now:
        spoken = spoken_beats(drawn)
        if any(b.name not in names or b.plays is None for b in spoken):
            continue
        counts = [beat_frames(b.plays or (), fps) for b in spoken]
        cut_into = task.work_dir / "segments" / f"shard{shard.index}"
        found = cut(video, counts, cut_into) if sum(counts) == frame_count(video) else None
        if found is None:
            log.warning("%s: shard %d not cut into beats; its beats are not cached",
                        task.scene.name, shard.index)
            continue
        start = offset
        for beat, piece, count in zip(spoken, found, counts, strict=True):
            index = names.index(beat.name)
            first = starts[index]
            upto = starts[index + 1] if index + 1 < len(starts) else None
            inside_it = [beat, *(b for b in drawn if b.is_sound
                                 and first <= b.first_animation
                                 and (upto is None or b.first_animation < upto))]
            store.store(task.lesson, task.scene.name, task.variant, keys[index], piece,
                        fps=fps, plays=beat.plays or (),
                        beats=[b.moved(0.0, less=start) for b in inside_it],
                        layout=[e for e in layout if e.beat == beat.name])
            start += count / fps
    return keys


def from_cache(task: SceneTask, cache: SceneCache) -> SceneOutput | None:
    entry = cache.lookup(task.lesson, task.scene.name, task.variant, task.key)
    if entry is None:
        return None
    return SceneOutput.of(task, entry, 0.0, cached=True)


class Reporter(Protocol):
    """What a progress display needs to hear from the pool."""

    def started(self, task: SceneTask) -> None: ...
    def frames(self, task: SceneTask, shard: Shard, done: int) -> None: ...
    def finished(self, output: SceneOutput) -> None: ...
    def failed(self, task: SceneTask, error: SceneRenderError) -> None: ...



def run_plan(tasks: Sequence[SceneTask], jobs: int, reporter: Reporter,
             executor: Executor | None = None) -> list[SceneOutput]:
    """Run every task, each shard of a split scene as its own job, on ``executor``
    (default: a :class:`LocalPool` of ``jobs`` workers).

    Longest first. A scene is joined and cached as soon as its last shard is in, so
    a run that stops early keeps every scene it finished. A failed scene does not
    stop the others; failures are reported together at the end. Ctrl-C (or any
    other interruption) stops every worker.
    """
    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, got {jobs}")
    if not tasks:
        return []
    cache = SceneCache(tasks[0].cache_dir)
    results: dict[str, SceneOutput] = {}
    failures: dict[str, SceneRenderError] = {}
    videos: dict[str, dict[int, Path]] = {}
    lock = threading.Lock()
    started_at: dict[str, float] = {}
    runner = executor or LocalPool(jobs)

    def started(task: SceneTask) -> None:
        with lock:
            first = task.id not in started_at
            if first:
                started_at[task.id] = time.monotonic()
        if first:
            reporter.started(task)

    def fail(task: SceneTask, error: SceneRenderError) -> None:
        failures[task.id] = error
        runner.skip(task)
        reporter.failed(task, error)

    jobs_to_run: list[Job] = []
    for task in tasks:
        cached = from_cache(task, cache)
        if cached is not None:
            results[task.id] = cached
            reporter.finished(cached)
        elif not task.shards:
            # Every beat's segment is in the beat cache: join them, nothing to render.
            started(task)
            try:
                output = finish_scene(task, [], cache, started_at[task.id])
            except SceneRenderError as error:
                fail(task, error)
                continue
            results[task.id] = output
            reporter.finished(output)
        else:
            jobs_to_run.extend((task, shard) for shard in task.shards)
    # Longest first, so the costliest scene is not left running alone at the end.
    jobs_to_run.sort(key=lambda job: job[0].estimated_cost / len(job[0].shards), reverse=True)

    try:
        for task, shard, outcome in runner.run(jobs_to_run, started, reporter.frames):
            if task.id in failures:
                continue
            if isinstance(outcome, SceneRenderError):
                fail(task, outcome)
                continue
            done = videos.setdefault(task.id, {})
            done[shard.index] = outcome
            if len(done) < len(task.shards):
                continue
            started(task)  # in case the executor's word that it started has not come yet
            try:
                output = finish_scene(task, [done[s.index] for s in task.shards], cache,
                                      started_at[task.id])
            except SceneRenderError as error:
                fail(task, error)
                continue
            results[task.id] = output
            reporter.finished(output)
    except BaseException as error:
        runner.stop()
        if isinstance(error, (KeyboardInterrupt, Stopped)):
            # Asked to stop: finished scenes are cached; the rest of the run is debris,
            # the stopped workers' private folders too.
            for run_dir in {task.run_dir for task in tasks}:
                shutil.rmtree(run_dir, ignore_errors=True)
            clean_private_temp()
        raise
    if not failures:
        for run_dir in {task.run_dir for task in tasks}:
            shutil.rmtree(run_dir, ignore_errors=True)
    # Failed scenes keep their folder of this run: the log named in the error is there.
    ordered = [failures[t.id] for t in tasks if t.id in failures]
    if len(ordered) == 1:
        raise ordered[0]
    if ordered:
        raise RenderFailedError(ordered)
    return [results[task.id] for task in tasks]
