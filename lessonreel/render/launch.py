"""How every Manim process is started, and what it is told: one object for both sides.

A scene runs in its own ``python -m manim`` process, for a render's shard, the beats pass
of a plan, a preview, the studio or a Dask worker alike. :class:`ManimLaunch` builds the
command line and the environment; :class:`SceneOrders` is the part of it the scene reads
back (:meth:`SceneOrders.from_environment`, in :mod:`lessonreel.authoring.narration` and
:mod:`lessonreel.authoring.texcache`), so the variables written and the variables read are one list.

A launch runs in its own process group: stopping it (a stopped render, Ctrl-C in a
preview) stops Manim and whatever it started (LaTeX, ffmpeg), not the caller's terminal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lessonreel import settings

#: The engine's own folder: a scene process imports lessonreel from where this one runs.
ENGINE_HOME = Path(__file__).resolve().parents[2]

NARRATION_ENV = "LESSONREEL_NARRATION"
#: glibc's malloc settings for a Manim process. A scene allocates and frees a frame
#: (3.6 MB at 720p, 8 MB at 1080p, 33 MB at 4K) for every frame it draws; below these
#: thresholds glibc maps each one afresh, or hands the heap's top back and faults it in
#: again. Keeping them in the heap saves 2-3 % of a scene's CPU for about 15 % more
#: memory; with the low trim threshold Dask gives its workers, the same scene took 27 %
#: more CPU (README, "Manim's memory and malloc").
MALLOC_SETTINGS = {
    "MALLOC_MMAP_THRESHOLD_": str(64 * 1024 * 1024),
    "MALLOC_TRIM_THRESHOLD_": str(1024 * 1024 * 1024),
}
BEATS_FILE_ENV = "LESSONREEL_BEATS_FILE"
LAYOUT_FILE_ENV = "LESSONREEL_LAYOUT_FILE"
RECORDINGS_ENV = "LESSONREEL_RECORDINGS_DIR"
TEX_DIR_ENV = "LESSONREEL_TEX_DIR"


@dataclass(frozen=True)
class SceneOrders:
    """What a scene process is told. Every field is optional: a plain ``manim render``
    of a scene, with none of them set, speaks with Piper and writes no records."""

    #: The speech service's name (:data:`lessonreel.voice.services.SERVICES`).
    narration: str = "piper"
    #: The cache folder (speech, sounds); unset: :func:`lessonreel.settings.cache_dir`.
    cache_dir: Path | None = None
    #: The LaTeX cache shared by every Manim process of a run (:mod:`lessonreel.authoring.texcache`;
    #: a user may set it too, to share one folder between caches). Unset, a plain
    #: ``manim render`` of a scene file keeps Manim's own LaTeX folder.
    tex_dir: Path | None = None
    #: Where the scene writes its beats (JSON): the renderer builds the scene's narration
    #: track and captions from them, since Manim's own sound track would be cut wherever a
    #: scene is split into shards.
    beats_file: Path | None = None
    #: Where the scene writes its layout check at the end of every beat.
    layout_file: Path | None = None
    #: This scene's recorded beats (``<beat>.wav|mp3|flac``), as the renderer keyed and
    #: shipped them: the scene never looks its lesson up in the registry.
    recordings_dir: Path | None = None

    def variables(self) -> dict[str, str]:
        """The environment variables that carry these orders."""
        found = {NARRATION_ENV: self.narration}
        for name, value in ((settings.CACHE_ENV, self.cache_dir), (TEX_DIR_ENV, self.tex_dir),
                            (BEATS_FILE_ENV, self.beats_file),
                            (LAYOUT_FILE_ENV, self.layout_file),
                            (RECORDINGS_ENV, self.recordings_dir)):
            if value is not None:
                found[name] = str(value)
        return found

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> SceneOrders:
        """The orders this process was started with (an empty variable counts as unset)."""
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            value = env.get(name)
            return Path(value) if value else None

        return cls(narration=env.get(NARRATION_ENV) or "piper",
                   cache_dir=path(settings.CACHE_ENV), tex_dir=path(TEX_DIR_ENV),
                   beats_file=path(BEATS_FILE_ENV), layout_file=path(LAYOUT_FILE_ENV),
                   recordings_dir=path(RECORDINGS_ENV))


@dataclass(frozen=True)
class ManimLaunch:
    """One ``python -m manim render`` of one scene."""

    scene_file: Path
    scene: str
    #: The movie's name (``-o``), in ``media_dir``.
    output: str
    media_dir: Path
    #: Where the scene's lesson package is imported from: the working folder and first
    #: on PYTHONPATH (a render's snapshot, or the project for a preview).
    project_root: Path
    orders: SceneOrders = field(default_factory=SceneOrders)
    #: Manim's quality letter (``-ql``, ``-qh`` ...).
    quality: str = "l"
    #: A per-run manim.cfg (the render's encoder settings); None: the project's own.
    config_file: Path | None = None
    #: ``-s``: skip every animation and write only the last frame.
    last_frame_only: bool = False
    #: ``-n first,last``: draw only these animations (a shard); None: all of them.
    span: tuple[int, int | None] | None = None
    #: Progress bars into the log, where the render's progress display reads them.
    progress: bool = False

    def command(self) -> list[str]:
        span = [] if self.span is None else [
            "-n", f"{self.span[0]},{self.span[1]}" if self.span[1] is not None
            else f"{self.span[0]}"]
        return [
            sys.executable, "-m", "manim", "render", f"-q{self.quality}",
            *(["--config_file", str(self.config_file)] if self.config_file else []),
            "--media_dir", str(self.media_dir),
            # Our scene cache decides what to re-render; Manim's own hashing of every
            # play() call would only cost time in a folder that lives for one run.
            "--disable_caching",
            "--progress_bar", "display" if self.progress else "none",
            *(["-s"] if self.last_frame_only else []),
            *span,
            "-o", self.output,
            str(self.scene_file), self.scene,
        ]

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        # Over whatever malloc settings this process has: a Dask worker's nanny pins the
        # trim threshold low for the worker's own memory, which a Manim would inherit.
        env.update(MALLOC_SETTINGS)
        env.update(self.orders.variables())
        # The scene file imports lesson packages by their absolute names, from
        # project_root; the engine comes from where this lessonreel runs.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.project_root), str(ENGINE_HOME), env.get("PYTHONPATH", ""))
            if p)
        return env

    def start(self, log: IO[str]) -> subprocess.Popen[bytes]:
        """Start the process in its own process group, its output into ``log`` after a
        first line with the command."""
        log.write("$ " + " ".join(self.command()) + "\n")
        log.flush()
        return subprocess.Popen(self.command(), cwd=self.project_root, env=self.environment(),
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)

    def run(self, log_path: Path) -> int:
        """Run to the end; its exit code. Interrupted (Ctrl-C, a stop signal), the
        process group is stopped before the interruption goes on."""
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("w") as log:
            process = self.start(log)
            try:
                return process.wait()
            except BaseException:
                stop_groups([process], grace=5.0)
                raise


def stop_groups(processes: Sequence[subprocess.Popen[bytes]], grace: float = 10.0) -> None:
    """Stop launches and everything they started: SIGTERM to each process group at once,
    then, after up to ``grace`` seconds for each, SIGKILL to whatever is left of the group
    (a child that ignored SIGTERM, or the process itself)."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen[bytes], number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, number)


# -- Where a scene raised ------------------------------------------------------------

#: Starts each line :func:`print_raised` writes into a render's log.
RAISED_AT = "lessonreel: raised at "
RAISED = "lessonreel: raised "


def print_raised(error: BaseException) -> None:
    """Where ``error`` was raised, one plain line a frame (innermost last), then what it
    says: Manim's own traceback is drawn in a box that cuts long paths short, and the
    studio (:mod:`lessonreel.studio`) shows the author the file and line."""
    import traceback

    for frame in traceback.extract_tb(error.__traceback__):
        print(f"{RAISED_AT}{frame.filename}:{frame.lineno} in {frame.name}", flush=True)
    message = " ".join(str(error).split())
    print(f"{RAISED}{type(error).__name__}: {message}", flush=True)
