"""Render progress: a live rich display on a terminal, plain log lines elsewhere."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from lessonreel.errors import SceneRenderError
from lessonreel.render.plan import SceneTask, Shard
from lessonreel.render.run import SceneOutput

#: How often the live display reads frame counts from the Manim logs.
POLL_SECONDS = 0.5


def labeller(tasks: Sequence[SceneTask]) -> Callable[[SceneTask], str]:
    """A scene's name, or lesson/scene when a course render holds several lessons."""
    if len({task.lesson for task in tasks}) > 1:
        return lambda task: task.id
    return lambda task: task.scene.name


class LiveProgress:
    """One line per scene (state, frames drawn of expected) and the lesson's ETA."""

    def __init__(self, tasks: Sequence[SceneTask], console: Console) -> None:
        self.tasks = list(tasks)
        self.progress = Progress(
            TextColumn("{task.description}"),
            TextColumn("{task.fields[state]}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("frames"),
            TimeRemainingColumn(),
            console=console,
        )
        self.rows: dict[str, TaskID] = {}
        self.running: set[str] = set()
        #: Frames drawn by each shard, as reported by remote workers, by task id.
        self.reported: dict[str, dict[int, int]] = {}
        label = labeller(self.tasks)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, daemon=True)
        self.total = self.progress.add_task(
            "whole lesson", total=sum(t.estimated_frames for t in self.tasks), state="")
        for task in self.tasks:
            self.rows[task.id] = self.progress.add_task(
                label(task), total=task.estimated_frames, state="waiting")

    def __enter__(self) -> LiveProgress:
        self.progress.start()
        self._poller.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._poller.join()
        self.progress.stop()

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._refresh()

    def _refresh(self) -> None:
        with self._lock:
            done = 0
            for task in self.tasks:
                row = self.rows[task.id]
                if task.id in self.running:
                    remote = sum(self.reported.get(task.id, {}).values())
                    frames = min(max(task.frames_done(), remote), task.estimated_frames)
                    self.progress.update(row, completed=frames)
                done += int(self.progress.tasks[row].completed)
            self.progress.update(self.total, completed=done)

    def started(self, task: SceneTask) -> None:
        with self._lock:
            self.running.add(task.id)
            self.progress.update(self.rows[task.id], state="rendering")

    def frames(self, task: SceneTask, shard: Shard, done: int) -> None:
        with self._lock:
            self.reported.setdefault(task.id, {})[shard.index] = done

    def finished(self, output: SceneOutput) -> None:
        name = output.task.id
        state = "cached" if output.cached else f"done in {output.seconds:.1f} s"
        with self._lock:
            self.running.discard(name)
            row = self.rows[name]
            total = self.progress.tasks[row].total or 1
            self.progress.update(row, state=state, completed=total)
        self._refresh()

    def failed(self, task: SceneTask, error: SceneRenderError) -> None:
        with self._lock:
            self.running.discard(task.id)
            self.progress.update(self.rows[task.id], state="[red]failed[/red]")


class PlainProgress:
    """One line per event, for logs and CI where a live display would be noise."""

    def __init__(self, tasks: Sequence[SceneTask], console: Console) -> None:
        self.console = console
        self.label = labeller(tasks)
        self.count = len(tasks)
        self.done = 0
        self.started_at = time.monotonic()

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        return None

    def started(self, task: SceneTask) -> None:
        self.console.print(f"rendering {self.label(task)} …", highlight=False)

    def frames(self, task: SceneTask, shard: Shard, done: int) -> None:
        """Frame counts would flood a log; the live display shows them."""

    def finished(self, output: SceneOutput) -> None:
        self.done += 1
        how = "cached" if output.cached else f"rendered in {output.seconds:.1f} s"
        self.console.print(f"[{self.done}/{self.count}] {self.label(output.task)}: {how}",
                           highlight=False)

    def failed(self, task: SceneTask, error: SceneRenderError) -> None:
        self.done += 1
        self.console.print(f"[{self.done}/{self.count}] {self.label(task)}: FAILED ({error})",
                           highlight=False)


def progress_for(tasks: Sequence[SceneTask], console: Console) -> LiveProgress | PlainProgress:
    return LiveProgress(tasks, console) if console.is_terminal else PlainProgress(tasks, console)
