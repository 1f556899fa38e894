"""The render plan: one task per scene, cut into shards, keyed for the cache.

A task reads its scene's source and writes only inside its own folder of this
run, so tasks run side by side without touching each other, and two runs of
the same lesson never share a folder. Every render goes through
``sys.executable -m manim`` so it uses exactly the interpreter and packages
that lessonreel runs in.
"""

from __future__ import annotations

import ast
import hashlib
import math
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lessonreel.cache import SceneCache, scene_key
from lessonreel.errors import UsageError
from lessonreel.lesson import Lesson, SceneRef
from lessonreel.narration import (
    BEATS_FILE_ENV,
    CACHE_ENV,
    LESSON_ENV,
    NARRATION_CHOICES,
    NARRATION_ENV,
    RECORDINGS_ENV,
    SERVICES,
    NarrationMixin,
    SilentSpeech,
)
from lessonreel.quality import Quality, encoder_config
from lessonreel.recordings import scene_folder

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
    def recordings_dir(self) -> Path:
        """Where this scene's recorded beats are (the folder need not exist)."""
        return scene_folder(self.project_root, self.lesson, self.scene.name)

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
        env[LESSON_ENV] = self.lesson
        env[RECORDINGS_ENV] = str(self.recordings_dir)
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


