"""The render plan: one independent task per scene, run by a pool of Manim processes.

A task reads its scene's source and writes only inside its own folder of this
run, so tasks run side by side without touching each other, and two runs of
the same lesson never share a folder. A finished scene goes into the scene
cache (:mod:`lessonreel.cache`) in one atomic rename; an unchanged scene is
taken from there instead of being rendered. Every render goes through
``sys.executable -m manim`` so it uses exactly the interpreter and packages
that lessonreel runs in.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lessonreel.artwork import grab_frame
from lessonreel.cache import SceneCache, scene_key
from lessonreel.errors import RenderFailedError, SceneRenderError, UsageError
from lessonreel.lesson import Lesson, SceneRef
from lessonreel.narration import (
    CACHE_ENV,
    NARRATION_CHOICES,
    NARRATION_ENV,
    SERVICES,
    NarrationMixin,
    SilentSpeech,
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
RENDER_SCHEMA = 1
_PROGRESS = re.compile(r"Animation (\d+)[^\r\n|]*?\|[^\r\n|]*\|\s*(\d+)/(\d+)")


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

    @property
    def variant(self) -> str:
        return f"{self.quality.name}-{self.narration}"

    @property
    def work_dir(self) -> Path:
        return self.run_dir / self.scene.name

    @property
    def media_dir(self) -> Path:
        return self.work_dir / "media"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "render.log"

    @property
    def config_path(self) -> Path:
        return self.work_dir / "encoder.cfg"

    @property
    def estimated_frames(self) -> int:
        return max(1, round(self.estimated_seconds * self.quality.fps))

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "manim", "render",
            f"-q{self.quality.flag}",
            "--config_file", str(self.config_path),
            "--media_dir", str(self.media_dir),
            # Our scene cache decides what to re-render; Manim's own hashing of every
            # play() call would only cost time in a folder that lives for one run.
            "--disable_caching",
            # Progress bars go to the log, where the progress display reads frame counts.
            "--progress_bar", "display",
            "-o", self.scene.name,
            str(self.scene.file), self.scene.name,
        ]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env[NARRATION_ENV] = self.narration
        env[CACHE_ENV] = str(self.cache_dir)
        # The scene file imports lesson packages by their absolute names.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.project_root), env.get("PYTHONPATH", "")) if p
        )
        return env

    def frames_done(self) -> int:
        """Frames Manim has drawn so far, read from the progress bars in its log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return 0
        latest: dict[str, int] = {}
        for animation, done, _ in _PROGRESS.findall(text):
            latest[animation] = int(done)
        return sum(latest.values())


@dataclass(frozen=True)
class SceneOutput:
    """A rendered scene, from the cache: its video, captions and last frame."""

    task: SceneTask
    video: Path
    captions: Path | None
    last_frame: Path
    seconds: float
    cached: bool

    @property
    def name(self) -> str:
        return self.task.scene.name

    @property
    def title(self) -> str:
        return self.task.scene.title


def estimate_seconds(scene: SceneRef, cache: SceneCache, lesson: str) -> float:
    """How long the scene will run: as long as its last render, if there was one, or
    else as long as its narration read out of the source takes to say.

    Used only for progress and planning, never for the video itself.
    """
    previous = cache.last_duration(lesson, scene.name)
    if previous is not None:
        return previous
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


def plan(
    lesson: Lesson,
    scenes: Sequence[SceneRef],
    quality: Quality,
    narration: str,
    project_root: Path,
    cache_dir: Path,
) -> list[SceneTask]:
    """One task per scene, in lesson order, each keyed for the cache."""
    if narration not in NARRATION_CHOICES:
        raise UsageError(
            f"unknown narration {narration!r}; choose one of: {', '.join(NARRATION_CHOICES)}"
        )
    voice = SERVICES[narration]().identity()
    settings = {"quality": quality.name, "narration": narration, "voice": voice,
                "encoder": encoder_config(quality), "schema": RENDER_SCHEMA}
    run_dir = cache_dir / "runs" / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    cache = SceneCache(cache_dir)
    return [
        SceneTask(
            lesson=lesson.slug, scene=scene, quality=quality, narration=narration,
            run_dir=run_dir, project_root=project_root, cache_dir=cache_dir,
            key=scene_key(scene, project_root, settings),
            estimated_seconds=estimate_seconds(scene, cache, lesson.slug),
        )
        for scene in scenes
    ]


def _last_error_line(log: Path) -> str:
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

    def run(self, task: SceneTask) -> int:
        with self._lock:
            if self.stopping:
                return -signal.SIGTERM
            with task.log_path.open("w") as log:
                log.write("$ " + " ".join(task.command()) + "\n")
            log = task.log_path.open("a")
            process = subprocess.Popen(
                task.command(), cwd=task.project_root, env=task.environment(),
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


def run_task(task: SceneTask, cache: SceneCache, workers: Workers) -> SceneOutput:
    """The scene from the cache, or rendered now and stored there."""
    entry = cache.lookup(task.lesson, task.scene.name, task.variant, task.key)
    if entry is not None:
        return SceneOutput(task, entry.video, entry.captions, entry.last_frame, 0.0, True)
    task.work_dir.mkdir(parents=True, exist_ok=True)
    task.config_path.write_text(encoder_config(task.quality))
    started = time.monotonic()
    code = workers.run(task)
    if code != 0:
        detail = "stopped" if workers.stopping else (
            f"killed by signal {-code}" if code < 0 else _last_error_line(task.log_path))
        raise SceneRenderError(task.scene.name, task.log_path, detail)
    videos = sorted(task.media_dir.glob(f"videos/**/{task.scene.name}.mp4"))
    if len(videos) != 1:
        raise SceneRenderError(
            task.scene.name, task.log_path, f"expected one video, found {len(videos)}"
        )
    last_frame = task.work_dir / "last-frame.png"
    grab_frame(videos[0], None, last_frame)
    files = {"video.mp4": videos[0], "last-frame.png": last_frame}
    captions = videos[0].with_suffix(".srt")
    if captions.exists():
        files["captions.srt"] = captions
    seconds = time.monotonic() - started
    entry = cache.store(task.lesson, task.scene.name, task.variant, task.key, files,
                        {"render_seconds": round(seconds, 2), "quality": task.quality.name,
                         "fps": task.quality.fps})
    shutil.rmtree(task.work_dir, ignore_errors=True)
    return SceneOutput(task, entry.video, entry.captions, entry.last_frame, seconds, False)


class Reporter(Protocol):
    """What a progress display needs to hear from the pool."""

    def started(self, task: SceneTask) -> None: ...
    def finished(self, output: SceneOutput) -> None: ...
    def failed(self, task: SceneTask, error: SceneRenderError) -> None: ...


def run_plan(tasks: Sequence[SceneTask], jobs: int, reporter: Reporter) -> list[SceneOutput]:
    """Run every task on ``jobs`` workers. A failed scene does not stop the others; the
    failures are reported together at the end. Ctrl-C stops every worker."""
    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, got {jobs}")
    cache = SceneCache(tasks[0].cache_dir) if tasks else None
    workers = Workers()
    results: dict[str, SceneOutput] = {}
    failures: list[SceneRenderError] = []

    def one(task: SceneTask) -> None:
        assert cache is not None
        reporter.started(task)
        try:
            output = run_task(task, cache, workers)
        except SceneRenderError as error:
            if not workers.stopping:
                reporter.failed(task, error)
                failures.append(error)
            return
        results[task.scene.name] = output
        reporter.finished(output)

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="lessonreel-render")
    try:
        futures = [pool.submit(one, task) for task in tasks]
        for future in futures:
            future.result()
    except BaseException:
        workers.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if tasks and not failures:
        # Failed scenes keep their folder of this run: the log named in the error is there.
        shutil.rmtree(tasks[0].run_dir, ignore_errors=True)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise RenderFailedError(failures)
    return [results[task.scene.name] for task in tasks]
