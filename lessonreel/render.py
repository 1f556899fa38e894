"""Run a render plan: shards on an executor, scenes joined, cached and handed on.

What runs the shards is an :class:`~lessonreel.pool.Executor`:
:class:`~lessonreel.pool.LocalPool` (threads, each driving one Manim process)
or the Dask cluster of :mod:`lessonreel.distributed`. :func:`run_plan` does
everything else (cache, order, joining, progress) the same way for both. A
finished scene goes into the scene cache (:mod:`lessonreel.cache`) in one
atomic rename; an unchanged scene is taken from there instead of being rendered.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import srt

from lessonreel.artwork import grab_frame
from lessonreel.cache import SceneCache
from lessonreel.errors import RenderFailedError, SceneRenderError, UsageError
from lessonreel.layout import SmallestText, smallest_in_report
from lessonreel.loudness import normalise
from lessonreel.media import concat_listing, video_duration
from lessonreel.plan import SceneTask, Shard
from lessonreel.pool import Executor, Job, LocalPool
from lessonreel.tracks import captions_from, narration_track, shard_beats


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
    #: (name, start, end) of each narrated beat, in seconds on the scene's clock.
    beats: tuple[tuple[str, float, float], ...] = ()
    #: The text drawn smallest at the end of a beat; None: no text, or no beats.
    smallest_text: SmallestText | None = None

    @property
    def name(self) -> str:
        return self.task.scene.name

    @property
    def title(self) -> str:
        return self.task.scene.title



def finish_scene(task: SceneTask, videos: Sequence[Path], cache: SceneCache,
                 started: float) -> SceneOutput:
    """Join the shards, build narration and captions from the beats, store in the cache."""
    work = task.work_dir
    if len(videos) == 1:
        video = videos[0]
    else:
        video = work / "joined.mp4"
        listing = work / "shards.txt"
        listing.write_text(concat_listing(videos))
        joined = subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "concat",
             "-safe", "0", "-i", str(listing), "-c", "copy", str(video)],
            capture_output=True, text=True, check=False)
        if joined.returncode != 0:
            raise SceneRenderError(task.scene.name, task.log_path(task.shards[-1]),
                                   f"joining shards failed: {joined.stderr.strip()[:200]}")
    seconds = video_duration(video)
    beats = shard_beats(task, [video_duration(v) for v in videos])
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
    entry = cache.store(task.lesson, task.scene.name, task.variant, task.key, files, {
        "render_seconds": round(elapsed, 2), "quality": task.quality.name,
        "fps": task.quality.fps, "shards": len(task.shards),
        "animation_frames": [frames[i][1] for i in sorted(frames)],
        "beats": [{"name": beat["name"], "start": beat["start"], "end": beat["end"]}
                  for beat in beats if beat.get("kind") != "sound"],
        "smallest_text": _smallest_text(task),
    })
    shutil.rmtree(work, ignore_errors=True)
    return SceneOutput(task, entry.video, entry.narration, entry.captions, entry.last_frame,
                       elapsed, False, beat_times(entry.record), smallest_text(entry.record))


def from_cache(task: SceneTask, cache: SceneCache) -> SceneOutput | None:
    entry = cache.lookup(task.lesson, task.scene.name, task.variant, task.key)
    if entry is None:
        return None
    return SceneOutput(task, entry.video, entry.narration, entry.captions, entry.last_frame,
                       0.0, True, beat_times(entry.record), smallest_text(entry.record))


def beat_times(record: dict[str, Any]) -> tuple[tuple[str, float, float], ...]:
    return tuple((b["name"], float(b["start"]), float(b["end"])) for b in record.get("beats", []))


def _smallest_text(task: SceneTask) -> dict[str, Any] | None:
    """The smallest text over the shards' layout checks, as the cache record keeps it.

    A shard runs the scene up to its last animation, skipping what it does not draw,
    and checks each beat it reaches: together the shards check every beat, and each
    check is of a picture that is on screen where a beat ends.
    """
    entries: list[dict[str, Any]] = []
    for shard in task.shards:
        path = task.layout_path(shard)
        if path.exists():
            entries.extend(json.loads(path.read_text()))
    found = smallest_in_report(entries)
    return None if found is None else asdict(found)


def smallest_text(record: dict[str, Any]) -> SmallestText | None:
    found = record.get("smallest_text")
    return None if found is None else SmallestText(**found)


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
    except BaseException:
        runner.stop()
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
