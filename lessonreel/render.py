"""The render plan: one independent task per scene, each rendered by Manim in its own process.

A task only reads its scene's source and writes inside its own work folder, so
tasks can later run side by side in a worker pool without touching each other.
Every render goes through ``sys.executable -m manim`` so it uses exactly the
interpreter and packages that lessonreel runs in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lessonreel.errors import SceneRenderError, UsageError
from lessonreel.lesson import Lesson, SceneRef
from lessonreel.narration import CACHE_ENV, NARRATION_CHOICES, NARRATION_ENV


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


@dataclass(frozen=True)
class SceneTask:
    """Render one scene of one lesson at one quality, inside ``work_dir``."""

    lesson: str
    scene: SceneRef
    quality: Quality
    narration: str
    work_dir: Path
    project_root: Path
    cache_dir: Path

    @property
    def media_dir(self) -> Path:
        return self.work_dir / "media"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "render.log"

    @property
    def config_path(self) -> Path:
        return self.work_dir / "encoder.cfg"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "manim", "render",
            f"-q{self.quality.flag}",
            "--config_file", str(self.config_path),
            "--media_dir", str(self.media_dir),
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


@dataclass(frozen=True)
class SceneOutput:
    """What a finished task leaves behind."""

    task: SceneTask
    video: Path
    captions: Path | None
    seconds: float

    @property
    def name(self) -> str:
        return self.task.scene.name

    @property
    def title(self) -> str:
        return self.task.scene.title


def plan(
    lesson: Lesson,
    scenes: Sequence[SceneRef],
    quality: Quality,
    narration: str,
    work_root: Path,
    project_root: Path,
    cache_dir: Path,
) -> list[SceneTask]:
    """One task per scene, in lesson order, each with a folder of its own."""
    if narration not in NARRATION_CHOICES:
        raise UsageError(
            f"unknown narration {narration!r}; choose one of: {', '.join(NARRATION_CHOICES)}"
        )
    return [
        SceneTask(
            lesson=lesson.slug,
            scene=scene,
            quality=quality,
            narration=narration,
            work_dir=work_root / lesson.slug / quality.name / scene.name,
            project_root=project_root,
            cache_dir=cache_dir,
        )
        for scene in scenes
    ]


def _last_error_line(log: Path) -> str:
    lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line[:200]
    return lines[-1][:200] if lines else ""


def run_task(task: SceneTask) -> SceneOutput:
    """Render one scene in a fresh Manim process; raise SceneRenderError with its log."""
    if task.media_dir.exists():
        # Stale videos from an earlier render must never be mistaken for this one.
        shutil.rmtree(task.media_dir / "videos", ignore_errors=True)
    task.work_dir.mkdir(parents=True, exist_ok=True)
    task.config_path.write_text(encoder_config(task.quality))
    started = time.monotonic()
    with task.log_path.open("w") as log:
        log.write("$ " + " ".join(task.command()) + "\n")
        log.flush()
        result = subprocess.run(
            task.command(), cwd=task.project_root, env=task.environment(),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False,
        )
    if result.returncode != 0:
        raise SceneRenderError(task.scene.name, task.log_path, _last_error_line(task.log_path))
    videos = sorted(task.media_dir.glob(f"videos/**/{task.scene.name}.mp4"))
    if len(videos) != 1:
        raise SceneRenderError(
            task.scene.name, task.log_path, f"expected one video, found {len(videos)}"
        )
    captions = videos[0].with_suffix(".srt")
    return SceneOutput(
        task=task,
        video=videos[0],
        captions=captions if captions.exists() else None,
        seconds=time.monotonic() - started,
    )


def run_plan(
    tasks: Sequence[SceneTask],
    on_start: Callable[[SceneTask], None] = lambda task: None,
    on_done: Callable[[SceneOutput], None] = lambda output: None,
) -> list[SceneOutput]:
    """Run every task, in order; the first failure stops the plan."""
    outputs = []
    for task in tasks:
        on_start(task)
        output = run_task(task)
        on_done(output)
        outputs.append(output)
    return outputs
