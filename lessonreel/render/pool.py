"""The worker pool: Manim processes on this machine, one per shard.

:func:`render_shard` is the one unit of work of every executor: the local pool
here and the Dask cluster of :mod:`lessonreel.render.distributed` both call it and hand
its video back to :func:`lessonreel.render.run.run_plan`.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Protocol

from lessonreel.authoring.texcache import repeat_warnings
from lessonreel.errors import SceneRenderError, UsageError
from lessonreel.render.launch import RAISED, RAISED_AT, stop_groups
from lessonreel.render.plan import SceneTask, Shard
from lessonreel.render.quality import encoder_config


def last_error_line(log: Path) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return ""
    if "No space left on device" in text or "[Errno 28]" in text:
        # Else the line quoted is a fragment of a progress bar the error cut short.
        return "the disk is full: No space left on device"
    lines = [ln.strip() for ln in text.replace("\r", "\n").splitlines() if ln.strip()]
    # What the scene raised, as it printed it in one line: Manim's own traceback box
    # wraps and cuts a long message, and quoting the box gave half a sentence.
    raised = [ln[len(RAISED):] for ln in lines
              if ln.startswith(RAISED) and not ln.startswith(RAISED_AT)]
    if raised:
        return raised[-1]
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line[:200]
    return lines[-1][:200] if lines else ""


class Workers:
    """The Manim processes of one run, so a stop (Ctrl-C, SIGTERM, SIGHUP) can end
    every one of them, and everything each started.

    Each runs in its own process group: the stop signals the group, so LaTeX, dvisvgm
    or ffmpeg a worker started go with it. Nor does a signal meant for lessonreel (a
    terminal's Ctrl-C or hangup) reach them first: lessonreel stops them itself.
    """

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
            process = task.launch(shard).start(log)
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
        stop_groups(running)


def render_shard(task: SceneTask, shard: Shard, workers: Workers) -> Path:
    """Run Manim on one shard; its video, or SceneRenderError naming the scene and log.

    The one unit of work of every executor. Everything it writes is in
    ``task.shard_dir(shard)``: the video, the beats Manim recorded (beats.json,
    whose speech files are in ``task.cache_dir``), the layout check at the end of
    each beat (layout.json) and the log.
    """
    task.shard_dir(shard).mkdir(parents=True, exist_ok=True)
    task.config_path(shard).write_text(encoder_config(task.quality))
    media = task.media_dir(shard)
    try:
        code = workers.run(task, shard)
        log = task.log_path(shard)
        if code != 0:
            detail = "stopped" if workers.stopping else (
                f"killed by signal {-code}" if code < 0 else last_error_line(log))
            raise SceneRenderError(task.scene.name, log, detail)
        videos = sorted(media.glob(f"videos/**/{task.scene.name}.mp4"))
        if len(videos) != 1:
            raise SceneRenderError(task.scene.name, log,
                                   f"expected one video, found {len(videos)}")
        video = task.shard_dir(shard) / f"{task.scene.name}.mp4"
        shutil.move(videos[0], video)
        return video
    finally:
        if not media.is_relative_to(task.shard_dir(shard)):
            shutil.rmtree(media, ignore_errors=True)


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
            finally:
                repeat_warnings(task.log_path(shard))

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


