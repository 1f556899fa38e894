"""The studio's renders: one scene at low quality through the render pipeline, on a thread
of its own, one at a time.

:class:`RenderQueue` runs what it is asked in order; a scene asked again while it is
rendering (a save during the render) is queued once more, however many saves there were.
:func:`render_scene` is one render: :func:`lessonreel.render.plan.plan` and
:func:`lessonreel.render.run.run_plan` exactly as ``lessonreel render LESSON --scene NAME
-q low`` run them (so the scene cache and the beat cache serve what did not change),
then the scene's video is given its narration (stream copy of the picture, AAC of the
sound) and its captions as WebVTT, for the page's player.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srt

from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.errors import (
    AssemblyError,
    LessonreelError,
    RenderFailedError,
    SceneRenderError,
)
from lessonreel.files import staged, write_atomically
from lessonreel.media import run_ffmpeg
from lessonreel.records import SceneRecord
from lessonreel.render.cache import SceneCache
from lessonreel.render.plan import SceneTask, Shard, plan
from lessonreel.render.pool import LocalPool, last_error_line
from lessonreel.render.quality import get_quality
from lessonreel.render.run import SceneOutput, run_plan
from lessonreel.studio.views import raised_from_log, scene_view, syntax_error

log = logging.getLogger("lessonreel.studio")

#: The studio's quality: the quick look.
QUALITY = "low"


class RenderQueue:
    """Calls ``render(scene)`` on a thread of its own, one scene at a time, in the order
    asked. Asking for a scene already waiting changes nothing; asking for the one that is
    rendering queues it once more, so a burst of saves during a render costs one render
    after it, not one per save."""

    def __init__(self, render: Callable[[str], None]) -> None:
        self._render = render
        self._changed = threading.Condition()
        self._waiting: list[str] = []
        self._stopped = False
        #: The scene rendering now, or None.
        self.running: str | None = None
        self.renders = 0
        self._thread = threading.Thread(target=self._loop, name="lessonreel-studio-render",
                                        daemon=True)
        self._thread.start()

    def ask(self, scene: str) -> None:
        with self._changed:
            if scene not in self._waiting:
                self._waiting.append(scene)
                self._changed.notify_all()

    @property
    def waiting(self) -> list[str]:
        with self._changed:
            return list(self._waiting)

    def idle(self) -> bool:
        with self._changed:
            return self.running is None and not self._waiting

    def wait_idle(self, timeout: float) -> bool:
        """Whether every render asked for so far finished within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.running is not None or self._waiting:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def stop(self) -> None:
        """No render starts after this; the one running finishes (or is stopped by its
        owner) and the thread ends."""
        with self._changed:
            self._stopped = True
            self._waiting.clear()
            self._changed.notify_all()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._changed:
                while not self._waiting and not self._stopped:
                    self._changed.wait()
                if self._stopped:
                    return
                scene = self.running = self._waiting.pop(0)
            try:
                self._render(scene)
            except Exception:  # a bug in a render must not end the studio's renders
                log.exception("the studio's render of %s failed", scene)
            finally:
                with self._changed:
                    self.running = None
                    self.renders += 1
                    self._changed.notify_all()


@dataclass
class Progress:
    """What the pool says of the render running (a :class:`lessonreel.render.run.Reporter`):
    frames drawn, shard by shard, of those expected."""

    expected: int = 0
    shards: dict[int, int] = field(default_factory=dict)

    @property
    def drawn(self) -> int:
        return sum(self.shards.values())

    def started(self, task: SceneTask) -> None:
        self.expected = task.estimated_frames

    def frames(self, task: SceneTask, shard: Shard, done: int) -> None:
        self.shards[shard.index] = done

    def finished(self, output: SceneOutput) -> None:
        pass

    def failed(self, task: SceneTask, error: SceneRenderError) -> None:
        pass


@dataclass(frozen=True)
class Rendered:
    """A scene rendered for the page: its video with narration, captions, and view."""

    scene: str
    video: Path
    captions: Path | None
    view: dict[str, Any]
    #: Seconds each step took: plan (snapshot, keys, the beats pass when the beat cache
    #: is asked), render (Manim: start-up, speech, drawing; joining and caching the
    #: scene), publish (the narration put beside the picture, the captions).
    phases: dict[str, float]
    #: Beats drawn now, of the scene's beats; None when the scene came whole from the cache.
    drawn: int | None
    cached: bool


class SceneFailed(Exception):
    """A render that did not give a video: what the page shows (message, file, line)."""

    def __init__(self, shown: dict[str, Any]) -> None:
        super().__init__(shown.get("message", ""))
        self.shown = shown


@dataclass
class Renderer:
    """Renders scenes of ``lesson`` for the studio into ``folder``."""

    lesson: Lesson
    root: Path
    cache_dir: Path
    narration: str
    folder: Path
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    progress: Progress = field(default_factory=Progress)
    _pool: LocalPool | None = None
    _stopping: bool = False

    def stop(self) -> None:
        """Stop the render running now, every Manim process with it."""
        self._stopping = True
        pool = self._pool
        if pool is not None:
            pool.stop()

    def render(self, scene: SceneRef, version: int) -> Rendered:
        """Render ``scene`` (what changed only) and publish it as ``version``; raises
        :class:`SceneFailed` with what the page shows when it cannot."""
        try:
            return self._render(scene, version)
        finally:
            # The studio lives on: what this render took from the caches is no longer in
            # use once its video is published (a copy of it), and may be pruned.
            SceneCache(self.cache_dir).release()

    def _render(self, scene: SceneRef, version: int) -> Rendered:
        quality = get_quality(QUALITY)
        self.progress = Progress()
        started = time.monotonic()
        tasks: list[SceneTask] = []
        try:
            check_syntax(scene, self.root)
            tasks = plan(self.lesson, [scene], quality, self.narration, self.root,
                         self.cache_dir, jobs=self.jobs, shards=None)
            planned = time.monotonic()
            self._pool = LocalPool(self.jobs)
            if self._stopping:
                raise SceneFailed({"message": "the studio is stopping"})
            output = run_plan(tasks, self.jobs, self.progress, self._pool)[0]
        except SyntaxError as error:
            snapshot = tasks[0].project_root if tasks else None
            raise SceneFailed(syntax_error(error, _snapshot_of(error, self.root) or snapshot,
                                           self.root)) from error
        except SceneRenderError as error:
            raise SceneFailed(self._failure(error, tasks)) from error
        except RenderFailedError as error:
            raise SceneFailed(self._failure(error.failures[0], tasks)) from error
        except LessonreelError as error:
            raise SceneFailed({"message": f"{type(error).__name__}: {error}"}) from error
        finally:
            self._pool = None
            for run_dir in {task.run_dir for task in tasks}:
                shutil.rmtree(run_dir, ignore_errors=True)
        rendered = time.monotonic()
        record = SceneRecord.read(output.video.parent / "record.json")
        view = scene_view(record, scene, quality.fps)
        video, captions = self._publish(output, scene, version)
        view["version"] = version
        view["video"] = f"media/{video.name}"
        view["captions"] = f"media/{captions.name}" if captions is not None else None
        beat_plan = tasks[0].beat_plan if tasks else None
        drawn = (None if output.cached else len(view["beats"]) if beat_plan is None
                 else sum(1 for cached in beat_plan.cached if cached is None))
        return Rendered(scene.name, video, captions, view, {
            "plan": round(planned - started, 3), "render": round(rendered - planned, 3),
            "publish": round(time.monotonic() - rendered, 3)}, drawn, output.cached)

    def _failure(self, error: SceneRenderError, tasks: list[SceneTask]) -> dict[str, Any]:
        try:
            text = error.log.read_text(errors="replace")
        except OSError:
            text = ""
        snapshot = tasks[0].project_root if tasks else None
        fallback = error.detail or last_error_line(error.log) or str(error)
        return raised_from_log(text, snapshot, self.root, fallback)

    def _publish(self, output: SceneOutput, scene: SceneRef,
                 version: int) -> tuple[Path, Path | None]:
        """The scene's video with its narration, and its captions as WebVTT, in the
        studio's folder under names of this version."""
        from lessonreel.assemble.join import to_webvtt

        self.folder.mkdir(parents=True, exist_ok=True)
        video = self.folder / f"{scene.name}-{version}.mp4"
        inputs, maps = ["-i", str(output.video)], ["-map", "0:v:0", "-c:v", "copy"]
        if output.narration is not None:
            # The fast coder: a third of the default's time (0.3 s against 1.0 s for a
            # minute of narration here), plenty for a preview.
            inputs += ["-i", str(output.narration)]
            maps += ["-map", "1:a:0", "-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k"]
        try:
            with staged(video) as target:
                run_ffmpeg(["-loglevel", "error", *inputs, *maps, "-movflags", "+faststart",
                            "-f", "mp4", str(target)], "putting the narration beside the picture")
        except AssemblyError as error:
            raise SceneFailed({"message": str(error)[:300]}) from error
        captions = None
        if output.captions is not None:
            captions = self.folder / f"{scene.name}-{version}.vtt"
            cues = list(srt.parse(output.captions.read_text(encoding="utf-8")))
            write_atomically(captions, to_webvtt(cues).encode())
        return video, captions


def check_syntax(scene: SceneRef, root: Path) -> None:
    """Raise the SyntaxError of a file the scene imports (of any file of its lessons
    package, while its imports cannot be read), named by its path in the project."""
    import ast

    from lessonreel.render.cache import project_sources

    try:
        files = [scene.file, *project_sources(scene.qualified_module, root).values()]
    except SyntaxError:
        package = root / scene.qualified_module.split(".")[0]
        files = [scene.file, *sorted(package.rglob("*.py"))]
    for path in files:
        try:
            source = path.read_bytes()
        except OSError:
            continue
        ast.parse(source, filename=str(path))


def _snapshot_of(error: SyntaxError, root: Path) -> Path | None:
    """The render snapshot a SyntaxError's file is in (``<run>/source/<lesson>``), if any."""
    if not error.filename:
        return None
    path = Path(error.filename)
    for parent in path.parents:
        if parent.parent.name == "source":
            return parent
    return None
