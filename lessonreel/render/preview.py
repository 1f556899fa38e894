"""``lessonreel preview``: one scene at low quality, silent, in seconds; ``--watch`` to keep going.

A preview runs Manim in a child process, like a render, so every run sees
the code as it is on disk now. It uses one media folder per lesson under the
cache, which keeps Manim's compiled LaTeX between previews: after the first
run, only what changed is typeset again. Results are copied to stable paths
(``preview/<lesson>/<Scene>.mp4``, ``.png``) that an open player can reload.

Beats are read the same way ``lessonreel narration`` reads them: Manim runs the
scene with every animation skipped (as for a last frame), and the narration
layer writes each beat's name, text, length and first animation.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lessonreel import settings
from lessonreel.authoring import texcache
from lessonreel.authoring.layout import flashes_in_report, smallest_in_report
from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.errors import SceneRenderError, UsageError
from lessonreel.files import staged
from lessonreel.media import frame_count, run_ffmpeg
from lessonreel.records import (
    BeatLayout,
    BeatRecord,
    SmallestText,
    read_beat_records,
    read_layout_report,
    spoken_beats,
)
from lessonreel.render.launch import ManimLaunch, SceneOrders


@dataclass(frozen=True)
class Preview:
    """What one preview produced."""

    path: Path
    seconds: float
    #: "end of beat 'name': problem", for each layout problem the scene has on screen, and
    #: "in beat 'name': flash at T s: ...", for each flash (:mod:`lessonreel.authoring.flashes`).
    layout: tuple[str, ...] = ()
    #: None for a scene with no text at the end of any beat.
    smallest: SmallestText | None = None


class Previewer:
    """Previews of one lesson's scenes, sharing a media folder (and so the LaTeX cache)."""

    def __init__(self, lesson: Lesson, root: Path, cache_dir: Path) -> None:
        self.lesson = lesson
        self.root = root
        self.folder = cache_dir / "preview" / lesson.slug
        self.cache_dir = cache_dir

    @property
    def media_dir(self) -> Path:
        return self.folder / "media"

    def log_path(self, scene: SceneRef) -> Path:
        return self.folder / f"{scene.name}.log"

    def layout_path(self, scene: SceneRef) -> Path:
        return self.folder / f"{scene.name}.layout.json"

    def _layout_entries(self, scene: SceneRef) -> list[BeatLayout]:
        return read_layout_report(self.layout_path(scene))

    def layout_report(self, scene: SceneRef) -> tuple[str, ...]:
        """The layout problems and flashes (:mod:`lessonreel.authoring.flashes`) the last run found,
        beat by beat."""
        found = []
        for entry in self._layout_entries(scene):
            found += [f"end of beat {entry.beat!r}: {problem}" for problem in entry.problems]
            found += flashes_in_report([entry])
        return tuple(found)

    def smallest_text(self, scene: SceneRef) -> SmallestText | None:
        """The smallest text the last run drew at the end of a beat."""
        return smallest_in_report(self._layout_entries(scene))

    def _preview(self, scene: SceneRef, result: Path, started: float) -> Preview:
        return Preview(result, time.monotonic() - started, self.layout_report(scene),
                       self.smallest_text(scene))

    def _run_manim(self, scene: SceneRef, beats_file: Path, *, first: int | None = None,
                   last_frame_only: bool = False, output: str | None = None) -> None:
        launch = ManimLaunch(
            scene_file=scene.file, scene=scene.name, output=output or scene.name,
            media_dir=self.media_dir, project_root=self.root,
            orders=SceneOrders(narration="none", cache_dir=self.cache_dir,
                               tex_dir=texcache.shared_dir(self.cache_dir),
                               beats_file=beats_file, layout_file=self.layout_path(scene),
                               recordings_dir=_recordings(self, scene)),
            last_frame_only=last_frame_only, span=None if first is None else (first, None))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.layout_path(scene).unlink(missing_ok=True)
        log = self.log_path(scene)
        code = launch.run(log)
        texcache.repeat_warnings(log)
        if code != 0:
            from lessonreel.render.pool import last_error_line

            raise SceneRenderError(scene.name, log, last_error_line(log))

    def beats(self, scene: SceneRef) -> list[BeatRecord]:
        """Every beat of the scene (name, text, duration, first animation), without drawing it."""
        beats_file = self.folder / f"{scene.name}.read-beats.json"
        beats_file.unlink(missing_ok=True)
        # Manim's --dry_run still draws every frame; a last-frame run skips every
        # animation (counting them all the same) and draws one frame.
        self._run_manim(scene, beats_file, last_frame_only=True, output=f"{scene.name}-beats")
        if not beats_file.exists():
            return []
        return spoken_beats(read_beat_records(beats_file))

    def first_animation(self, scene: SceneRef, section: str) -> int:
        beats = self.beats(scene)
        names = [b.name for b in beats]
        if section not in names:
            raise UsageError(f"scene {scene.name} has no section {section!r}; its sections: "
                             f"{', '.join(names) or '(none: it has no narrated beats)'}")
        return beats[names.index(section)].first_animation

    def _fresh_output(self, scene: SceneRef, suffix: str) -> Path:
        found = [p for p in self.media_dir.glob(f"**/{scene.name}{suffix}")
                 if "partial_movie_files" not in p.parts]
        if len(found) != 1:
            raise SceneRenderError(scene.name, self.log_path(scene),
                                   f"expected one {suffix} file from Manim, found {len(found)}")
        return found[0]

    def _clear_outputs(self, scene: SceneRef) -> None:
        for suffix in (".mp4", ".png"):
            for old in self.media_dir.glob(f"**/{scene.name}{suffix}"):
                old.unlink()

    def storyboard(self, scene: SceneRef) -> Preview:
        """The scene at the end of every beat, in one picture: the shape of a scene over time."""
        from lessonreel.assemble.artwork import SheetEntry, last_frame_time, make_contact_sheet
        from lessonreel.media import grab_frame

        started = time.monotonic()
        video = self.run(scene).path
        # The scene's own sounds are not beats: a storyboard shows where beats end.
        beats = spoken_beats(read_beat_records(self.folder / f"{scene.name}.beats.json"))
        if not beats:
            raise UsageError(f"scene {scene.name} has no narrated beats to make a storyboard of; "
                             "preview it as a video instead")
        entries = []
        with tempfile.TemporaryDirectory(dir=self.folder) as tmp:
            for number, beat in enumerate(beats):
                at = last_frame_time(beat.end if beat.end is not None else beat.start,
                                     settings.PREVIEW_FPS)
                image = grab_frame(video, at, Path(tmp) / f"{number}.png")
                entries.append(SheetEntry(f"{number + 1}. {beat.name}", beat.start, image))
            result = self.folder / f"{scene.name}-storyboard.png"
            with staged(result) as target:
                make_contact_sheet(entries, f"{scene.name}: the end of each beat", target)
        return self._preview(scene, result, started)

    def run(self, scene: SceneRef, section: str | None = None,
            frame: str | None = None) -> Preview:
        """Render the scene (from ``section`` on), then keep a video, its last frame or frame N."""
        started = time.monotonic()
        frame_number = parse_frame(frame)
        first = None
        if section is not None:
            first = self.first_animation(scene, section) or None
        self._clear_outputs(scene)
        beats_file = self.folder / f"{scene.name}.beats.json"
        if frame == "last":
            self._run_manim(scene, beats_file, first=first, last_frame_only=True)
            result = self.folder / f"{scene.name}.png"
            with staged(result) as tmp:
                shutil.copyfile(self._fresh_output(scene, ".png"), tmp)
            return self._preview(scene, result, started)
        self._run_manim(scene, beats_file, first=first)
        video = self._fresh_output(scene, ".mp4")
        if frame_number is None:
            result = self.folder / f"{scene.name}.mp4"
            with staged(result) as tmp:
                shutil.copyfile(video, tmp)
            return self._preview(scene, result, started)
        frames = frame_count(video)
        if frame_number >= frames:
            raise UsageError(f"--frame {frame_number} is past the end: this preview of "
                             f"{scene.name} has {frames} frames (0 to {frames - 1}) at "
                             f"{settings.PREVIEW_FPS} fps")
        result = self.folder / f"{scene.name}-frame{frame_number}.png"
        with staged(result) as tmp:
            run_ffmpeg(["-i", str(video), "-vf", f"select=eq(n\\,{frame_number})",
                        "-frames:v", "1", "-f", "image2", "-c:v", "png", str(tmp)],
                       f"taking frame {frame_number} of {scene.name}")
        return self._preview(scene, result, started)


def parse_frame(frame: str | None) -> int | None:
    if frame is None or frame == "last":
        return None
    if not (frame.isascii() and frame.isdigit()):
        raise UsageError(f"--frame must be 'last' or a frame number from 0, got {frame!r}")
    return int(frame)


def watched_files(scene: SceneRef, root: Path, lesson: Lesson) -> set[Path]:
    """The scene's file, every project module it imports, and its recorded narration."""
    from lessonreel.render.cache import project_sources
    from lessonreel.voice.recordings import scene_folder

    files = {p.resolve() for p in project_sources(scene.qualified_module, root).values()}
    files.add(scene.file.resolve())
    recordings = scene_folder(root, lesson.slug, scene.name)
    if recordings.is_dir():
        files.update(p.resolve() for p in recordings.iterdir() if p.is_file())
    return files


def watch(previewer: Previewer, scene: SceneRef, render: Callable[[], None],
          report: Callable[[str], None], stop: Any = None) -> None:
    """Call ``render`` now and after every save of a file the scene depends on.

    Errors are the caller's to report inside ``render``; the watch goes on and
    the next save tries again. ``stop`` (a threading.Event) ends the watch, for
    tests; Ctrl-C ends it for people.
    """
    import watchfiles

    # Updated in place: the filter below always sees the scene's current imports.
    files = _safe_watched(previewer, scene, set())
    recordings = _recordings(previewer, scene)
    render()
    while stop is None or not stop.is_set():
        folders = _folders(previewer, scene, files)
        for batch in watchfiles.watch(
                *folders, stop_event=stop, raise_interrupt=False, debounce=300, step=50,
                watch_filter=lambda _change, path: Path(path).resolve() in files
                or Path(path).resolve().parent == recordings):
            changed = sorted({Path(path).name for _change, path in batch})
            report(f"changed: {', '.join(changed)}")
            render()
            now = _safe_watched(previewer, scene, files)
            files.clear()
            files.update(now)
            if _folders(previewer, scene, files) != folders:
                break  # a new import or recording folder: watch the new set of folders
        else:
            return  # Ctrl-C or stop


def _recordings(previewer: Previewer, scene: SceneRef) -> Path:
    from lessonreel.voice.recordings import scene_folder

    return scene_folder(previewer.root, previewer.lesson.slug, scene.name).resolve()


def _folders(previewer: Previewer, scene: SceneRef, files: set[Path]) -> list[Path]:
    """The folders holding the watched files, and the nearest existing recordings folder."""
    folders = {p.parent for p in files}
    recordings = _recordings(previewer, scene)
    while not recordings.is_dir() and recordings != previewer.root:
        recordings = recordings.parent
    folders.add(recordings)
    return sorted(folders)


def _safe_watched(previewer: Previewer, scene: SceneRef, previous: set[Path]) -> set[Path]:
    # A half-typed file does not parse; keep watching what we watched before.
    try:
        return watched_files(scene, previewer.root, previewer.lesson)
    except (SyntaxError, UnicodeDecodeError, OSError):
        return previous | {scene.file.resolve()}
