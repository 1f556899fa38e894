"""The render plan: one task per scene, cut into shards, keyed for the cache.

A task reads its scene's source and writes only inside its own folder of this
run, so tasks run side by side without touching each other, and two runs of
the same lesson never share a folder. Every render goes through
``sys.executable -m manim`` so it uses exactly the interpreter and packages
that lessonreel runs in.

Over 400 lines because the plan is one snapshot: its tasks, shards, beats pass and
beat plan are computed together from the same copy of the sources.
"""

from __future__ import annotations

import ast
import hashlib
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from lessonreel import settings
from lessonreel.authoring import texcache
from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.errors import LessonDeclarationError, UsageError
from lessonreel.files import pid_folder
from lessonreel.records import BeatRecord, SceneRecord, read_beat_records, spoken_beats
from lessonreel.render.beatcache import (
    BeatSegments,
    beat_keys,
    code_key,
    segment_starts,
)
from lessonreel.render.cache import RUN_PREFIX, SceneCache, engine_digest, module_path, scene_key
from lessonreel.render.launch import ManimLaunch, SceneOrders
from lessonreel.render.quality import Quality, encoder_config
from lessonreel.stopping import clean_private_temp
from lessonreel.voice.recordings import scene_folder
from lessonreel.voice.services import NARRATION_CHOICES, SERVICES, SilentSpeech

#: Bump when a change to how scenes are rendered must invalidate every cached scene.
#: 6: a scene's record keeps each beat's marks and word times, and its layout report.
RENDER_SCHEMA = 6
#: The folder holding the running lessonreel package: renders import the engine from here.
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
class BeatPlan:
    """A scene's beats as the beats pass read them, each beat segment's key, and the
    segments the beat cache holds (:mod:`lessonreel.render.beatcache`)."""

    #: The beats pass records, beats and sounds: narration and captions come from these.
    beats: tuple[BeatRecord, ...]
    #: Per segment (one per beat, in order): its key, its first animation, and the
    #: folder of its verified cached segment, or None when it must be rendered.
    keys: tuple[str, ...]
    starts: tuple[int, ...]
    cached: tuple[Path | None, ...]

    def missing_runs(self) -> tuple[Shard, ...]:
        """One shard per run of segments to render: from the first missing one's first
        animation to the last animation before the next cached one."""
        shards: list[Shard] = []
        i = 0
        while i < len(self.starts):
            if self.cached[i] is not None:
                i += 1
                continue
            j = i
            while j < len(self.starts) and self.cached[j] is None:
                j += 1
            last = self.starts[j] - 1 if j < len(self.starts) else None
            shards.append(Shard(len(shards), self.starts[i], last))
            i = j
        return tuple(shards)


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
    #: The scene's recorded beats; None: ``assets/narration/`` under ``project_root``.
    recordings: Path | None = None
    #: The scene's key with narration blanked, which beat segments are keyed on.
    code_key: str = ""
    #: Which beats come from the beat cache; None: the scene renders as ``shards`` say.
    beat_plan: BeatPlan | None = field(default=None, compare=False)

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
        if self.recordings is not None:
            return self.recordings
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

    def layout_path(self, shard: Shard) -> Path:
        """The layout check at the end of each beat, as the shard's Manim run wrote it."""
        return self.shard_dir(shard) / "layout.json"

    def media_dir(self, shard: Shard) -> Path:
        """Where Manim writes the shard's partial movies and video.

        Manim 0.22 joins partial movies through a concat list it does not quote, so
        a ``'`` anywhere in that folder's absolute path (``/home/o'neil``) breaks
        every render: such a shard's media go to a folder of the system's temporary
        directory instead, named after the shard so every step finds the same one.
        """
        inside = self.shard_dir(shard) / "media"
        if "'" not in str(inside.resolve()):
            return inside
        name = hashlib.sha256(str(inside).encode()).hexdigest()[:24]
        # With the pid of the process that renders the shard (this one, wherever it
        # runs): if it is killed, the next plan sees that pid gone and removes it.
        return Path(tempfile.gettempdir()) / f"lessonreel-media-{os.getpid()}-{name}"

    def config_path(self, shard: Shard) -> Path:
        # One per shard: shards of a scene may start at the same moment.
        return self.shard_dir(shard) / "encoder.cfg"

    @property
    def estimated_frames(self) -> int:
        return max(1, round(self.estimated_seconds * self.quality.fps))

    def launch(self, shard: Shard) -> ManimLaunch:
        """The Manim process that draws ``shard``: from the snapshot, with its own media,
        encoder settings, beats file and layout report."""
        return ManimLaunch(
            scene_file=self.scene_file, scene=self.scene.name, output=self.scene.name,
            media_dir=self.media_dir(shard), project_root=self.project_root,
            orders=self.orders(beats_file=self.beats_path(shard),
                               layout_file=self.layout_path(shard)),
            quality=self.quality.flag, config_file=self.config_path(shard),
            span=None if shard.whole else (shard.first, shard.last), progress=True)

    def orders(self, *, beats_file: Path, layout_file: Path) -> SceneOrders:
        return SceneOrders(narration=self.narration, cache_dir=self.cache_dir,
                           tex_dir=texcache.shared_dir(self.cache_dir), beats_file=beats_file,
                           layout_file=layout_file, recordings_dir=self.recordings_dir)

    @property
    def scene_file(self) -> Path:
        """The scene's file under ``project_root``: the snapshot this task was keyed on."""
        found = module_path(self.scene.qualified_module, self.project_root)
        if found is None:
            raise LessonDeclarationError(f"scene {self.scene.name}: module "
                                         f"{self.scene.qualified_module} is not under "
                                         f"{self.project_root}")
        return found

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


def estimate_seconds(scene: SceneRef, previous: SceneRecord | None) -> float:
    """How long the scene will run: as long as its last render, if there was one, or
    else as long as its narration read out of the source takes to say.

    Used only for progress and planning, never for the video itself.
    """
    if previous is not None and previous.render.fps is not None:
        return previous.frames / previous.render.fps
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
                total += settings.BEAT_GAP
    return total or 30.0


def split(beats: Sequence[BeatRecord], count: int) -> tuple[Shard, ...]:
    """``count`` shards of about the same length, cut only where a beat starts.

    ``beats`` are the scene's beats as its current source records them (see
    :func:`read_beats`): cutting at their first animations keeps every shard's
    timing identical to an unsplit render, because a beat waits out its speech by
    reading the scene clock, and the clock of skipped animations runs on exact
    durations, not whole frames.
    """
    starts_at = sorted({(b.first_animation, b.start)
                        for b in spoken_beats(beats) if b.first_animation > 0})
    if count <= 1 or not starts_at:
        return WHOLE_SCENE
    total = max(b.start if b.end is None else b.end for b in beats)
    starts = [0]
    for k in range(1, count):
        target = total * k / count
        cut, _ = min(starts_at, key=lambda beat: abs(beat[1] - target))
        if cut > starts[-1]:
            starts.append(cut)
    ends: list[int | None] = [start - 1 for start in starts[1:]]
    ends.append(None)
    return tuple(Shard(i, first, last)
                 for i, (first, last) in enumerate(zip(starts, ends, strict=True)))


def read_beats(task: SceneTask) -> list[BeatRecord] | None:
    """The beats of the source this task renders, read by a Manim run that skips every
    animation (``-s``: it counts and times them all and draws one frame).

    None when that run fails: the scene then renders whole, and its render reports
    the error with its log.
    """
    folder = task.work_dir / "beats"
    folder.mkdir(parents=True, exist_ok=True)
    beats_file = folder / "beats.json"
    launch = ManimLaunch(
        scene_file=task.scene_file, scene=task.scene.name, output=f"{task.scene.name}-beats",
        media_dir=folder / "media", project_root=task.project_root,
        orders=task.orders(beats_file=beats_file, layout_file=folder / "layout.json"),
        # At the render's frame rate: the clock of a drawn render runs on its frames, and
        # a wait for a word may or may not play depending on it.
        quality=task.quality.flag, last_frame_only=True)
    code = launch.run(folder / "read-beats.log")
    texcache.repeat_warnings(folder / "read-beats.log")
    if code != 0 or not beats_file.is_file():
        return None
    return read_beat_records(beats_file)


def snapshot(project_root: Path, package: str, into: Path) -> Path:
    """A copy of what a render reads from the project: the lessons package, the
    assets and ``manim.cfg``. Keys are computed from it and Manim renders from it,
    so a file saved while the render runs changes neither what renders nor its key.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    staging = into.with_name(into.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(project_root / package, staging / package, ignore=ignore)
    if (project_root / "assets").is_dir():
        shutil.copytree(project_root / "assets", staging / "assets",
                        ignore=shutil.ignore_patterns("readme", "__pycache__"))
    if (project_root / "manim.cfg").is_file():
        shutil.copy2(project_root / "manim.cfg", staging / "manim.cfg")
    os.replace(staging, into)
    return into


def shard_count(shards: int | None, jobs: int, previous: SceneRecord | None,
                to_render: int) -> int:
    """How many shards: as asked, or (auto) judged by this scene's last render at the
    same quality: enough to keep each under settings.SHARD_SECONDS, and when fewer scenes than
    workers need rendering (one edited scene, say), enough to keep every worker busy."""
    if shards is not None:
        return shards
    if previous is None or previous.render.render_seconds is None:
        return 1
    seconds = previous.render.render_seconds
    by_cost = math.ceil(seconds / settings.SHARD_SECONDS)
    spare = jobs // max(1, to_render) if seconds >= settings.MIN_SPLIT_SECONDS else 1
    return max(1, min(jobs, max(by_cost, spare)))


def estimate_cost(scene: SceneRef, previous: SceneRecord | None, seconds: float) -> float:
    """Seconds of rendering this scene is expected to take, to start the longest first."""
    if previous is not None and previous.render.render_seconds is not None:
        return previous.render.render_seconds
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
    whose last render at this quality took longer than settings.SHARD_SECONDS (or, when few
    scenes need rendering, enough to keep every worker busy). A scene is split at
    the beats of its current source (:func:`read_beats`), never at an earlier
    render's; a cached scene is not split at all.
    """
    if narration not in NARRATION_CHOICES:
        raise UsageError(
            f"unknown narration {narration!r}; choose one of: {', '.join(NARRATION_CHOICES)}"
        )
    voice = SERVICES[narration]().identity()
    settings = {"quality": quality.name, "narration": narration, "voice": voice,
                "encoder": encoder_config(quality), "schema": RENDER_SCHEMA,
                "engine": engine_digest()}
    # Unique per plan, even for two plans of one process in the same second.
    run_dir = pid_folder(cache_dir / "runs", RUN_PREFIX, note=time.strftime("%Y%m%d-%H%M%S-"))
    source = snapshot(project_root, lesson.package.split(".")[0],
                      run_dir / "source" / lesson.slug)
    cache = SceneCache(cache_dir)
    cache.clean()
    texcache.clean(texcache.shared_dir(cache_dir))
    clean_private_temp()
    variant = f"{quality.name}-{narration}"
    keys = {scene.name: scene_key(scene, source, settings) for scene in scenes}
    codes = {scene.name: code_key(scene, source, settings) for scene in scenes}
    segments = BeatSegments(cache_dir)
    to_render = [s for s in scenes
                 if not cache.has_entry(lesson.slug, s.name, variant, keys[s.name])]
    tasks = []
    for scene in scenes:
        latest = cache.last_record(lesson.slug, scene.name)
        same_quality = cache.last_record(lesson.slug, scene.name, variant)
        seconds = estimate_seconds(scene, latest)
        tasks.append(SceneTask(
            lesson=lesson.slug, scene=scene, quality=quality, narration=narration,
            run_dir=run_dir, project_root=source, cache_dir=cache_dir,
            key=keys[scene.name], code_key=codes[scene.name], estimated_seconds=seconds,
            estimated_cost=estimate_cost(scene, same_quality, seconds),
        ))
    # Records of earlier renders only say how costly a scene is; where to cut it comes
    # from the source about to render, read while nothing else runs yet.
    counts = {task.scene.name: shard_count(shards, jobs, cache.last_record(
        lesson.slug, task.scene.name, variant), len(to_render)) for task in tasks}
    # Verified, not just present: a damaged entry renders again, and may be split.
    # A scene whose beats the beat cache holds some of reads them too, to render only
    # the others.
    split_these = [t for t in tasks if (
        counts[t.scene.name] > 1 or segments.has_any(lesson.slug, t.scene.name, variant))
        and cache.lookup(lesson.slug, t.scene.name, variant, t.key) is None]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        read = dict(zip((t.scene.name for t in split_these), pool.map(read_beats, split_these),
                        strict=True))
    return [_planned(task, read[task.scene.name], counts[task.scene.name], segments)
            if task.scene.name in read else task for task in tasks]


def _planned(task: SceneTask, beats: list[BeatRecord] | None, count: int,
             segments: BeatSegments) -> SceneTask:
    """The task cut into shards at its current beats: only the beats the beat cache
    does not hold, when it holds any."""
    starts = segment_starts(beats) if beats else None
    if beats is None or starts is None:
        return replace(task, shards=split(beats or [], count))
    keys = beat_keys(task.code_key, beats)
    cached = tuple(None if found is None else found.folder for found in (
        segments.lookup(task.lesson, task.scene.name, task.variant, key, task.quality.fps)
        for key in keys))
    beat_plan = BeatPlan(tuple(beats), tuple(keys), tuple(starts), cached)
    if not any(cached):
        return replace(task, shards=split(beats, count), beat_plan=beat_plan)
    return replace(task, shards=beat_plan.missing_runs(), beat_plan=beat_plan)


