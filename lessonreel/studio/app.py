"""The studio itself: its page served on 127.0.0.1, its renders, and the watch on the files.

The page (``studio.html``, with ``studio.css`` and ``studio.js``, no request leaves the
machine) asks ``state.json`` a few times a second: the outline, which scene renders or
waits, and for each scene its last good render (:func:`lessonreel.studio.views.scene_view`)
and its last error. ``scenes/<Scene>.json`` says which scene the page shows: that scene is
rendered if it has not been yet, and is the one a save renders again. The server is the
presenter's (:mod:`lessonreel.publish.server`): an allow-list of names, nothing else,
with byte ranges for the player; each render's video and captions join the list under a
new name and the one before leaves it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.errors import UsageError
from lessonreel.files import pid_folder, remove_orphans
from lessonreel.publish.pages import PALETTE, asset_bytes, asset_stamp, environment
from lessonreel.publish.server import Content, StaticServer, serve_files
from lessonreel.render.quality import get_quality
from lessonreel.studio.renders import QUALITY, Renderer, RenderQueue, SceneFailed
from lessonreel.studio.views import outline

log = logging.getLogger("lessonreel.studio")

PAGE = "studio.html"
ASSETS = (PALETTE, "studio.css", "studio.js")
#: The package whose templates folder holds the page and its assets.
PACKAGE = "lessonreel.studio"
#: A studio's folder (its published videos and captions) is named so, with its pid.
FOLDER_PREFIX = "studio-"


@dataclass
class SceneState:
    """What the page knows of one scene."""

    #: The last good render: its number (0: none yet) and view, kept through errors.
    version: int = 0
    view: dict[str, Any] | None = None
    files: tuple[Path, ...] = ()
    #: The last render's error, None once a render succeeds again.
    error: dict[str, Any] | None = None
    #: time.time() of the last save the watch saw of this scene's files.
    saved_at: float | None = None
    #: time.time() when the last good render was published.
    ready_at: float | None = None
    phases: dict[str, float] = field(default_factory=dict)
    #: Beats drawn by the last render (None: the whole scene came from the cache).
    drawn: int | None = None
    renders: int = 0

    def shown(self) -> dict[str, Any]:
        return {"version": self.version, "view": self.view, "error": self.error,
                "saved_at": self.saved_at, "ready_at": self.ready_at, "phases": self.phases,
                "drawn": self.drawn, "renders": self.renders}


class Studio:
    """``lesson``'s studio on 127.0.0.1:``port`` (0: any free one) until :meth:`close`."""

    def __init__(self, lesson: Lesson, root: Path, cache_dir: Path, narration: str,
                 port: int = 0, first: SceneRef | None = None, jobs: int | None = None) -> None:
        self.lesson = lesson
        self.root = root
        self.narration = narration
        self.refs = {scene.name: scene for scene in lesson.scenes}
        base = cache_dir / "studio" / lesson.slug
        # Named for this process: a studio killed outright leaves it to the next one.
        remove_orphans(base, (FOLDER_PREFIX,))
        self.folder = pid_folder(base, FOLDER_PREFIX)
        self.renderer = Renderer(lesson, root, cache_dir, narration, self.folder,
                                 jobs=jobs or os.cpu_count() or 1)
        self.states = {name: SceneState() for name in self.refs}
        self.current = (first or lesson.scenes[0]).name
        self.outline = outline(lesson)
        self._lock = threading.Lock()
        self._version = 0
        self._watched: dict[str, set[Path]] = {}
        self._stop = threading.Event()
        files: dict[str, Content] = {f"/assets/{name}": asset_bytes(name, PACKAGE)
                                     for name in ASSETS}
        page = self._page()
        files["/"] = files[f"/{PAGE}"] = page
        files["/state.json"] = self.state_bytes
        for name in self.refs:
            files[f"/scenes/{name}.json"] = functools.partial(self.choose, name)
        try:
            self.server: StaticServer = serve_files(files, port)
        except OSError as error:
            raise UsageError(f"cannot serve the studio on 127.0.0.1:{port} ({error.strerror}); "
                             "choose another --port, or 0 for any free one") from error
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/{PAGE}"
        self.queue = RenderQueue(self._render)
        self.queue.ask(self.current)
        self._watcher = threading.Thread(target=self._watch, name="lessonreel-studio-watch",
                                         daemon=True)
        self._watcher.start()

    # --- the page ------------------------------------------------------------------

    def _page(self) -> bytes:
        import jinja2

        env = environment()
        env.loader = jinja2.PackageLoader("lessonreel.studio", "templates")
        data = {"lesson": self.lesson.slug, "title": self.lesson.title,
                "fps": get_quality(QUALITY).fps, "first": self.current,
                "narration": self.narration}
        return env.get_template(PAGE).render(
            title=self.lesson.title, data=data, stamp=asset_stamp(ASSETS, PACKAGE)).encode("utf-8")

    def state(self) -> dict[str, Any]:
        with self._lock:
            progress = self.renderer.progress
            return {
                "lesson": self.lesson.slug, "title": self.lesson.title,
                "narration": self.narration, "current": self.current,
                "rendering": self.queue.running, "waiting": self.queue.waiting,
                "progress": {"frames": progress.drawn, "expected": progress.expected},
                "outline": self.outline,
                "scenes": {name: state.shown() for name, state in self.states.items()
                           if state.version or state.error or state.saved_at},
            }

    def state_bytes(self) -> bytes:
        return json.dumps(self.state()).encode("utf-8")

    def choose(self, name: str) -> bytes:
        """The page shows ``name`` now: render it if it has no render yet."""
        with self._lock:
            self.current = name
            fresh = not self.states[name].version and self.states[name].error is None
        if fresh and self.queue.running != name:
            self.queue.ask(name)
        return self.state_bytes()

    # --- renders -------------------------------------------------------------------

    def _render(self, name: str) -> None:
        with self._lock:
            self._version += 1
            version = self._version
        state = self.states[name]
        shown: dict[str, Any] | None
        try:
            result = self.renderer.render(self.refs[name], version)
        except SceneFailed as failed:
            shown = failed.shown
        except Exception as error:  # a full disk, a bug: said on the page, not only logged
            log.exception("rendering %s for the studio", name)
            shown = {"message": f"{type(error).__name__}: {error}"}
        else:
            shown = None
        if shown is not None:
            with self._lock:
                state.error = {**shown, "at": time.time()}
                state.renders += 1
            return
        new = {f"/media/{path.name}": path
               for path in (result.video, result.captions) if path is not None}
        with self._lock:
            for served, path in new.items():
                self.server.publish(served, path)
            old = state.files
            state.files = tuple(new.values())
            state.version, state.view, state.error = version, result.view, None
            state.ready_at = time.time()
            state.phases, state.drawn = result.phases, result.drawn
            state.renders += 1
        for path in old:
            self.server.withdraw(f"/media/{path.name}")
            path.unlink(missing_ok=True)

    # --- the watch -----------------------------------------------------------------

    def watched(self, name: str) -> set[Path]:
        """The files a save of which renders ``name`` again: its file, every project
        module it imports, its recorded narration. While a file does not parse, the
        last set known (and the scene's file)."""
        from lessonreel.render.preview import watched_files

        scene = self.refs[name]
        try:
            found = watched_files(scene, self.root, self.lesson)
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
            found = self._watched.get(name, set()) | {scene.file.resolve()}
        self._watched[name] = found
        return found

    def saved(self, paths: set[Path]) -> bool:
        """Files were saved: render the scene on the page again if it depends on one."""
        name = self.current
        self.outline = outline(self.lesson, self.outline)
        if not paths & self.watched(name):
            return False
        with self._lock:
            self.states[name].saved_at = time.time()
        self.queue.ask(name)
        return True

    def _watch(self) -> None:
        import watchfiles

        folders = [self.root / self.lesson.package.split(".")[0]]
        if (self.root / "assets").is_dir():
            folders.append(self.root / "assets")
        for batch in watchfiles.watch(*folders, stop_event=self._stop, raise_interrupt=False,
                                      debounce=300, step=50, rust_timeout=500):
            try:
                self.saved({Path(path).resolve() for _, path in batch})
            except Exception:  # the watch goes on: the next save may be readable
                log.exception("the studio's watch could not read what changed")

    def close(self) -> None:
        self._stop.set()
        self.queue.stop()
        self.renderer.stop()
        self.server.shutdown()
        self.server.server_close()
        self.queue.join(30)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def running(lesson: Lesson, root: Path, cache_dir: Path, narration: str, port: int = 0,
            first: SceneRef | None = None) -> Iterator[Studio]:
    studio = Studio(lesson, root, cache_dir, narration, port, first)
    try:
        yield studio
    finally:
        studio.close()

