"""The render plan: one independent task per scene, run by a pool of Manim processes.

A task reads its scene's source and writes only inside its own folder of this
run, so tasks run side by side without touching each other, and two runs of
the same lesson never share a folder. A finished scene goes into the scene
cache (:mod:`lessonreel.cache`) in one atomic rename; an unchanged scene is
taken from there instead of being rendered. Every render goes through
``sys.executable -m manim`` so it uses exactly the interpreter and packages
that lessonreel runs in.

What runs the tasks is an :class:`Executor`: :class:`LocalPool` (threads, each
driving one Manim process) or the Dask cluster of :mod:`lessonreel.distributed`.
Both call :func:`render_shard` for a shard and hand its video back;
:func:`run_plan` does everything else (cache, order, joining, progress) the same
way for both.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import srt

from lessonreel.artwork import grab_frame
from lessonreel.cache import SceneCache, scene_key
from lessonreel.errors import RenderFailedError, SceneRenderError, UsageError
from lessonreel.lesson import Lesson, SceneRef
from lessonreel.loudness import normalise
from lessonreel.media import video_duration
from lessonreel.narration import (
    BEATS_FILE_ENV,
    CACHE_ENV,
    NARRATION_CHOICES,
    NARRATION_ENV,
    SERVICES,
    NarrationMixin,
    SilentSpeech,
    write_wav,
)


@dataclass(frozen=True)
class Quality:
    """A render quality: Manim's flag, frame size and frame rate."""

    name: str
    flag: str
    width: int
    height: int
    fps: int

    @property
    def gop(self) -> int:
        """Keyframe interval: half a second, so any cut point is near a keyframe."""
        return max(1, self.fps // 2)


QUALITIES: dict[str, Quality] = {
    "low": Quality("low", "l", 854, 480, 15),
    "medium": Quality("medium", "m", 1280, 720, 30),
    "high": Quality("high", "h", 1920, 1080, 60),
    "4k": Quality("4k", "k", 3840, 2160, 60),
}


def get_quality(name: str) -> Quality:
    if name not in QUALITIES:
        raise UsageError(f"unknown quality {name!r}; choose one of: {', '.join(QUALITIES)}")
    return QUALITIES[name]


def encoder_config(quality: Quality) -> str:
    """Manim config that makes every scene's H.264 stream joinable without re-encoding.

    All scenes share profile, pixel format, frame rate and a closed GOP, so the
    concat demuxer can copy their packets into one file and players can seek
    to any chapter start.
    """
    gop = quality.gop
    return "\n".join([
        "[video_encoder]",
        "codec = libx264",
        "pixel_format = yuv420p",
        "[video_encoder.options]",
        "profile = high",
        "preset = medium",
        "crf = 20",
        # x264's own keys: a closed GOP of fps/2 frames, no scene-cut keyframes,
        # and exactly two B-frames, as YouTube's upload recommendations ask.
        f"x264-params = keyint={gop}:min-keyint={gop}:scenecut=0:bframes=2:open-gop=0",
        "",
    ])


#: Bump when a change to how scenes are rendered must invalidate every cached scene.
RENDER_SCHEMA = 4
#: With automatic sharding, a scene is split when its last render took longer than this.
SHARD_SECONDS = 60.0
#: Below this, splitting a scene saves less than starting another Manim process costs.
MIN_SPLIT_SECONDS = 10.0
_PROGRESS = re.compile(r"Animation (\d+)[^\r\n|]*?\|[^\r\n|]*\|\s*(\d+)/(\d+)")


@dataclass(frozen=True)
class Shard:
    """A run of a scene's animations, ``first`` to ``last`` inclusive (None: to the end).

    Manim's ``-n FIRST,LAST`` skips the earlier animations without drawing them, so
    a shard starts from exactly the state the whole scene would be in there.
    """

    index: int
    first: int
    last: int | None

    @property
    def whole(self) -> bool:
        return self.first == 0 and self.last is None


WHOLE_SCENE = (Shard(0, 0, None),)


@dataclass(frozen=True)
class SceneTask:
    """Render one scene of one lesson at one quality, inside its own folder of this run."""

    lesson: str
    scene: SceneRef
    quality: Quality
    narration: str
    run_dir: Path
    project_root: Path
    cache_dir: Path
    key: str
    estimated_seconds: float
    estimated_cost: float = 0.0
    shards: tuple[Shard, ...] = WHOLE_SCENE

    @property
    def variant(self) -> str:
        return f"{self.quality.name}-{self.narration}"

    @property
    def id(self) -> str:
        """Unique within a run, even when two lessons of a course name a scene alike."""
        return f"{self.lesson}/{self.scene.name}"

    @property
    def work_dir(self) -> Path:
        return self.run_dir / self.lesson / self.scene.name

    def shard_dir(self, shard: Shard) -> Path:
        return self.work_dir / f"shard{shard.index}"

    def log_path(self, shard: Shard) -> Path:
        return self.shard_dir(shard) / "render.log"

    def beats_path(self, shard: Shard) -> Path:
        return self.shard_dir(shard) / "beats.json"

    def config_path(self, shard: Shard) -> Path:
        # One per shard: shards of a scene may start at the same moment.
        return self.shard_dir(shard) / "encoder.cfg"

    @property
    def estimated_frames(self) -> int:
        return max(1, round(self.estimated_seconds * self.quality.fps))

    def command(self, shard: Shard) -> list[str]:
        span = [] if shard.whole else [
            "-n", f"{shard.first},{shard.last}" if shard.last is not None else f"{shard.first}"]
        return [
            sys.executable, "-m", "manim", "render",
            f"-q{self.quality.flag}",
            "--config_file", str(self.config_path(shard)),
            "--media_dir", str(self.shard_dir(shard) / "media"),
            # Our scene cache decides what to re-render; Manim's own hashing of every
            # play() call would only cost time in a folder that lives for one run.
            "--disable_caching",
            # Progress bars go to the log, where the progress display reads frame counts.
            "--progress_bar", "display",
            *span,
            "-o", self.scene.name,
            str(self.scene.file), self.scene.name,
        ]

    def environment(self, shard: Shard) -> dict[str, str]:
        env = dict(os.environ)
        env[NARRATION_ENV] = self.narration
        env[CACHE_ENV] = str(self.cache_dir)
        env[BEATS_FILE_ENV] = str(self.beats_path(shard))
        # The scene file imports lesson packages by their absolute names.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.project_root), env.get("PYTHONPATH", "")) if p
        )
        return env

    def animation_frames(self) -> dict[int, tuple[int, int]]:
        """(frames drawn, frames in total) of every animation Manim has started, by index."""
        found: dict[int, tuple[int, int]] = {}
        for shard in self.shards:
            try:
                text = self.log_path(shard).read_text(errors="replace")
            except OSError:
                continue
            for animation, done, total in _PROGRESS.findall(text):
                index = int(animation)
                previous = found.get(index, (0, 0))
                found[index] = (max(previous[0], int(done)), max(previous[1], int(total)))
        return found

    def frames_done(self) -> int:
        """Frames Manim has drawn so far, read from the progress bars in its logs."""
        return sum(done for done, _ in self.animation_frames().values())


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

    @property
    def name(self) -> str:
        return self.task.scene.name

    @property
    def title(self) -> str:
        return self.task.scene.title


def estimate_seconds(scene: SceneRef, previous: dict[str, Any] | None) -> float:
    """How long the scene will run: as long as its last render, if there was one, or
    else as long as its narration read out of the source takes to say.

    Used only for progress and planning, never for the video itself.
    """
    if previous is not None:
        return float(previous["frames"]) / float(previous["fps"])
    tree = ast.parse(scene.file.read_text(encoding="utf-8"))
    speech = SilentSpeech()
    total = 0.0
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == scene.name:
            for call in ast.walk(node):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "voiceover"):
                    continue
                for keyword in call.keywords:
                    if keyword.arg == "text" and isinstance(keyword.value, ast.Constant):
                        total += speech.speak(str(keyword.value.value)).duration
                    elif keyword.arg == "text":
                        total += 8.0  # computed text: a typical beat
                total += NarrationMixin.beat_gap
    return total or 30.0


def split(animation_frames: Sequence[int], beat_starts: Sequence[int],
          count: int) -> tuple[Shard, ...]:
    """``count`` shards of about the same number of frames, cut only where a beat starts.

    Cutting at beat starts keeps every shard's timing identical to an unsplit
    render: a beat waits out its speech by reading the scene clock, and the
    clock of skipped animations runs on exact durations, not whole frames.
    """
    cuts = sorted({b for b in beat_starts if 0 < b < len(animation_frames)})
    if count <= 1 or not cuts:
        return WHOLE_SCENE
    total = sum(animation_frames)
    before = [sum(animation_frames[:c]) for c in cuts]
    starts = [0]
    for k in range(1, count):
        target = total * k / count
        best = min(range(len(cuts)), key=lambda i: abs(before[i] - target))
        if cuts[best] > starts[-1]:
            starts.append(cuts[best])
    ends: list[int | None] = [start - 1 for start in starts[1:]]
    ends.append(None)
    return tuple(Shard(i, first, last)
                 for i, (first, last) in enumerate(zip(starts, ends, strict=True)))


def shard_count(shards: int | None, jobs: int, previous: dict[str, Any] | None,
                to_render: int) -> int:
    """How many shards: as asked, or (auto) judged by this scene's last render at the
    same quality: enough to keep each under SHARD_SECONDS, and when fewer scenes than
    workers need rendering (one edited scene, say), enough to keep every worker busy."""
    if shards is not None:
        return shards
    if previous is None or "render_seconds" not in previous:
        return 1
    seconds = float(previous["render_seconds"])
    by_cost = math.ceil(seconds / SHARD_SECONDS)
    spare = jobs // max(1, to_render) if seconds >= MIN_SPLIT_SECONDS else 1
    return max(1, min(jobs, max(by_cost, spare)))


def estimate_cost(scene: SceneRef, previous: dict[str, Any] | None, seconds: float) -> float:
    """Seconds of rendering this scene is expected to take, to start the longest first."""
    if previous is not None and "render_seconds" in previous:
        return float(previous["render_seconds"])
    tree = ast.parse(scene.file.read_text(encoding="utf-8"))
    three_d = any(isinstance(node, ast.ClassDef) and node.name == scene.name
                  and any("ThreeD" in ast.unparse(base) for base in node.bases)
                  for node in tree.body)
    # Measured here: a 3D surface scene costs about six times a 2D scene per second.
    return seconds * (6.0 if three_d else 1.0)


def plan(
    lesson: Lesson,
    scenes: Sequence[SceneRef],
    quality: Quality,
    narration: str,
    project_root: Path,
    cache_dir: Path,
    jobs: int = 1,
    shards: int | None = 1,
) -> list[SceneTask]:
    """One task per scene, in lesson order, each keyed for the cache.

    ``shards`` splits every scene into that many parts; None splits only scenes
    whose last render at this quality took longer than SHARD_SECONDS. A scene is
    split by the animation frame counts of an earlier render; one never rendered
    before renders whole.
    """
    if narration not in NARRATION_CHOICES:
        raise UsageError(
            f"unknown narration {narration!r}; choose one of: {', '.join(NARRATION_CHOICES)}"
        )
    voice = SERVICES[narration]().identity()
    engine = Path(__file__).parent
    settings = {"quality": quality.name, "narration": narration, "voice": voice,
                "encoder": encoder_config(quality), "schema": RENDER_SCHEMA,
                # What turns Manim's output into a cache entry: shards, narration, loudness.
                "engine": [hashlib.sha256((engine / name).read_bytes()).hexdigest()
                           for name in ("render.py", "loudness.py")]}
    run_dir = cache_dir / "runs" / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    cache = SceneCache(cache_dir)
    variant = f"{quality.name}-{narration}"
    keys = {scene.name: scene_key(scene, project_root, settings) for scene in scenes}
    to_render = sum(not cache.has_entry(lesson.slug, s.name, variant, keys[s.name])
                    for s in scenes)
    tasks = []
    for scene in scenes:
        latest = cache.last_record(lesson.slug, scene.name)
        same_quality = cache.last_record(lesson.slug, scene.name, variant)
        count = shard_count(shards, jobs, same_quality, to_render)
        seconds = estimate_seconds(scene, latest)
        tasks.append(SceneTask(
            lesson=lesson.slug, scene=scene, quality=quality, narration=narration,
            run_dir=run_dir, project_root=project_root, cache_dir=cache_dir,
            key=keys[scene.name], estimated_seconds=seconds,
            estimated_cost=estimate_cost(scene, same_quality, seconds),
            shards=split(latest.get("animation_frames", []) if latest else [],
                         latest.get("beat_starts", []) if latest else [], count),
        ))
    return tasks


def last_error_line(log: Path) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return ""
    lines = [ln.strip() for ln in text.replace("\r", "\n").splitlines() if ln.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line[:200]
    return lines[-1][:200] if lines else ""


class Workers:
    """The Manim processes of one run, so Ctrl-C can stop every one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()
        self.stopping = False

    def run(self, task: SceneTask, shard: Shard) -> int:
        log_path = task.log_path(shard)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if self.stopping:
                return -signal.SIGTERM
            log = log_path.open("w")
            log.write("$ " + " ".join(task.command(shard)) + "\n")
            log.flush()
            process = subprocess.Popen(
                task.command(shard), cwd=task.project_root, env=task.environment(shard),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
            self._running.add(process)
        try:
            return process.wait()
        finally:
            log.close()
            with self._lock:
                self._running.discard(process)

    def stop_all(self) -> None:
        with self._lock:
            self.stopping = True
            running = list(self._running)
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def render_shard(task: SceneTask, shard: Shard, workers: Workers) -> Path:
    """Run Manim on one shard; its video, or SceneRenderError naming the scene and log.

    The one unit of work of every executor. Everything it writes is in
    ``task.shard_dir(shard)``: the video, the beats Manim recorded (beats.json,
    whose speech files are in ``task.cache_dir``) and the log.
    """
    task.shard_dir(shard).mkdir(parents=True, exist_ok=True)
    task.config_path(shard).write_text(encoder_config(task.quality))
    code = workers.run(task, shard)
    log = task.log_path(shard)
    if code != 0:
        detail = "stopped" if workers.stopping else (
            f"killed by signal {-code}" if code < 0 else last_error_line(log))
        raise SceneRenderError(task.scene.name, log, detail)
    videos = sorted((task.shard_dir(shard) / "media").glob(f"videos/**/{task.scene.name}.mp4"))
    if len(videos) != 1:
        raise SceneRenderError(task.scene.name, log, f"expected one video, found {len(videos)}")
    return videos[0]


def narration_track(beats: Sequence[dict[str, Any]], seconds: float, target: Path) -> bool:
    """Every beat's speech at its start time on a silent track ``seconds`` long.

    Returns False, writing nothing, when no beat has audio (narration off).
    """
    import numpy as np

    spoken = [b for b in beats if b.get("audio")]
    if not spoken:
        return False
    rate = 0
    clips = []
    for beat in spoken:
        with wave.open(beat["audio"], "rb") as clip:
            rate = rate or clip.getframerate()
            if clip.getframerate() != rate or clip.getnchannels() != 1:
                raise SceneRenderError(beat["name"], Path(beat["audio"]), "mixed audio formats")
            clips.append((beat["start"], np.frombuffer(clip.readframes(clip.getnframes()),
                                                       dtype=np.int16)))
    track = np.zeros(round(seconds * rate), dtype=np.int32)
    for start, samples in clips:
        offset = round(start * rate)
        end = min(len(track), offset + len(samples))
        track[offset:end] += samples[: end - offset]
    write_wav(target, np.clip(track, -32768, 32767), rate)
    return True


def captions_from(beats: Sequence[dict[str, Any]], seconds: float) -> list[srt.Subtitle]:
    """One caption per spoken sentence, on the scene's clock, cut at its end."""
    cues = []
    for beat in beats:
        for sentence in beat["sentences"]:
            start = beat["start"] + sentence["start"]
            end = min(beat["start"] + sentence["end"], seconds)
            if start < end:
                cues.append(srt.Subtitle(0, timedelta(seconds=start), timedelta(seconds=end),
                                         sentence["text"]))
    return list(srt.sort_and_reindex(cues))


def shard_beats(task: SceneTask, durations: Sequence[float]) -> list[dict[str, Any]]:
    """Every beat on the joined video's clock, each taken from the shard that drew it.

    A shard starts at a beat, so that beat's start on the shard's own clock is where
    the shard's video begins; before it, the clock ran on skipped animations.
    """
    beats: list[dict[str, Any]] = []
    offset = 0.0
    for shard, duration in zip(task.shards, durations, strict=True):
        path = task.beats_path(shard)
        recorded = json.loads(path.read_text()) if path.exists() else []
        drawn = [b for b in recorded if b["first_animation"] >= shard.first
                 and (shard.last is None or b["first_animation"] <= shard.last)]
        origin = 0.0 if shard.first == 0 else min((b["start"] for b in drawn), default=0.0)
        for beat in drawn:
            moved = dict(beat)
            moved["start"] = offset + beat["start"] - origin
            moved["end"] = offset + beat["end"] - origin if beat["end"] is not None else None
            beats.append(moved)
        offset += duration
    return beats


def finish_scene(task: SceneTask, videos: Sequence[Path], cache: SceneCache,
                 started: float) -> SceneOutput:
    """Join the shards, build narration and captions from the beats, store in the cache."""
    work = task.work_dir
    if len(videos) == 1:
        video = videos[0]
    else:
        video = work / "joined.mp4"
        listing = work / "shards.txt"
        listing.write_text("".join(f"file '{v.resolve()}'\n" for v in videos))
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
        "beat_starts": [beat["first_animation"] for beat in beats],
        "beats": [{"name": beat["name"], "start": beat["start"], "end": beat["end"]}
                  for beat in beats],
    })
    shutil.rmtree(work, ignore_errors=True)
    return SceneOutput(task, entry.video, entry.narration, entry.captions, entry.last_frame,
                       elapsed, False, beat_times(entry.record))


def from_cache(task: SceneTask, cache: SceneCache) -> SceneOutput | None:
    entry = cache.lookup(task.lesson, task.scene.name, task.variant, task.key)
    if entry is None:
        return None
    return SceneOutput(task, entry.video, entry.narration, entry.captions, entry.last_frame,
                       0.0, True, beat_times(entry.record))


def beat_times(record: dict[str, Any]) -> tuple[tuple[str, float, float], ...]:
    return tuple((b["name"], float(b["start"]), float(b["end"])) for b in record.get("beats", []))


class Reporter(Protocol):
    """What a progress display needs to hear from the pool."""

    def started(self, task: SceneTask) -> None: ...
    def frames(self, task: SceneTask, shard: Shard, done: int) -> None: ...
    def finished(self, output: SceneOutput) -> None: ...
    def failed(self, task: SceneTask, error: SceneRenderError) -> None: ...


#: One shard to render.
Job = tuple[SceneTask, Shard]
#: A shard and what came of it: its video, or the error naming the scene and its log.
Outcome = tuple[SceneTask, Shard, Path | SceneRenderError]


class Executor(Protocol):
    """Runs shards, each through :func:`render_shard`, and yields them as they finish.

    ``started`` is called when a shard begins; ``frames`` whenever the executor
    learns how many frames a shard has drawn that the logs under the task's own
    folder cannot show (a remote worker's).
    """

    def run(self, jobs: Sequence[Job], started: Callable[[SceneTask], None],
            frames: Callable[[SceneTask, Shard, int], None]) -> Iterator[Outcome]: ...

    def skip(self, task: SceneTask) -> None:
        """The scene has failed: its shards not yet started need not run."""

    def stop(self) -> None:
        """Stop every shard now (Ctrl-C): nothing of this run may keep running."""


class LocalPool:
    """``jobs`` threads on this machine, each driving one Manim process at a time."""

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise UsageError(f"--jobs must be 1 or more, got {jobs}")
        self.workers = Workers()
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="lessonreel-render")
        self._skipped: set[str] = set()

    def run(self, jobs: Sequence[Job], started: Callable[[SceneTask], None],
            frames: Callable[[SceneTask, Shard, int], None]) -> Iterator[Outcome]:
        def one(task: SceneTask, shard: Shard) -> Outcome:
            if task.id in self._skipped:
                return task, shard, SceneRenderError(task.scene.name, task.log_path(shard),
                                                     "skipped")
            started(task)
            try:
                return task, shard, render_shard(task, shard, self.workers)
            except SceneRenderError as error:
                return task, shard, error

        # Submitted in order, so the first (longest) jobs start first.
        futures = [self.pool.submit(one, task, shard) for task, shard in jobs]
        for future in as_completed(futures):
            yield future.result()
        self.pool.shutdown(wait=True)

    def skip(self, task: SceneTask) -> None:
        self._skipped.add(task.id)

    def stop(self) -> None:
        self.workers.stop_all()
        self.pool.shutdown(wait=True, cancel_futures=True)


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
