"""Find and read a rendered lesson folder: what every publisher starts from.

A folder counts as rendered when its ``manifest.json`` exists (assembly writes
it last) and every file the manifest lists has the size it recorded, so a
folder that another render is rewriting, or that was copied half-way, is
refused instead of published. The manifest is read from disk, so its slug and
every file name in it are checked first: none may lead out of the folder. Then
every field a publisher uses is checked against the schema assembly writes (types,
finite numbers, scenes that fit the video): a manifest that breaks it is refused
with one :class:`DamagedManifestError` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from lessonreel.authoring.lesson import SLUG_PATTERN
from lessonreel.errors import DamagedManifestError, NotRenderedError, UsageError
from lessonreel.files import inside, regular_file_inside
from lessonreel.media import TICK
from lessonreel.records import Fields, parse_json
from lessonreel.render.quality import QUALITIES


@dataclass(frozen=True)
class RenderedLesson:
    """A complete, assembled lesson on disk, as described by its manifest."""

    folder: Path
    manifest: dict[str, Any]

    @property
    def slug(self) -> str:
        return str(self.manifest["lesson"])

    @property
    def title(self) -> str:
        return str(self.manifest["title"])

    @property
    def quality(self) -> str:
        return str(self.manifest["quality"])

    @property
    def duration(self) -> float:
        return float(self.manifest["duration"])

    @property
    def scenes(self) -> list[dict[str, Any]]:
        return list(self.manifest["scenes"])

    def file(self, role: str) -> Path:
        """The path of one listed output: video, srt, vtt, thumbnail, chapters..."""
        files: dict[str, str] = self.manifest["files"]
        if role not in files:
            raise NotRenderedError(f"{self.folder} has no {role} file; render the whole lesson "
                                   f"again with: lessonreel render {self.slug}")
        path = regular_file_inside(self.folder, files[role])
        if path is None:
            raise NotRenderedError(f"{self.folder / files[role]} is missing or not a file; "
                                   f"render the lesson again: lessonreel render {self.slug}")
        return path



def chapter_bounds(scenes: Sequence[Mapping[str, Any]]) -> list[tuple[float, float]]:
    """Each chapter's start and end, from a manifest's scenes.

    A chapter ends where the next one starts: the manifest rounds starts and
    durations to microseconds, so the sum of the two can overshoot the next start.
    """
    starts = [float(scene["start"]) for scene in scenes]
    ends = starts[1:] + [starts[-1] + float(scenes[-1]["duration"])] if scenes else []
    return list(zip(starts, ends, strict=True))

def load(folder: Path) -> RenderedLesson:
    """Read and check one rendered lesson folder."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise NotRenderedError(f"{folder} holds no rendered lesson (no manifest.json); "
                               "point at a folder written by 'lessonreel render'")
    try:
        manifest: dict[str, Any] = parse_json(manifest_path.read_bytes())
    except (OSError, ValueError) as error:
        raise NotRenderedError(f"{manifest_path} cannot be read ({error}); "
                               "render the lesson again") from error
    check_manifest(manifest_path, manifest)
    _check_paths(manifest_path, manifest)
    for name, size in manifest.get("sizes", {}).items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != size:
            raise NotRenderedError(f"{path} is missing or changed since the render; "
                                   f"render the lesson again: lessonreel render "
                                   f"{manifest.get('lesson', '<lesson>')}")
    lesson = RenderedLesson(folder=folder.resolve(), manifest=manifest)
    if not manifest.get("complete"):
        raise NotRenderedError(f"{folder} is a preview of some scenes only; render every scene "
                               f"before publishing: lessonreel render {lesson.slug}")
    return lesson


def _check_paths(manifest_path: Path, manifest: dict[str, Any]) -> None:
    """Refuse a manifest whose file names would lead out of its folder (its fields'
    types are checked first, by :func:`check_manifest`)."""
    def refuse(what: str) -> NoReturn:
        raise NotRenderedError(f"{manifest_path} {what}; it was not written by 'lessonreel "
                               "render': render the lesson again")

    named = [(f"its {role} file", name) for role, name in manifest["files"].items()]
    named += [("a file it sized", name) for name in manifest.get("sizes", {})]
    named += [(f"the file of scene {number}", scene["file"])
              for number, scene in enumerate(manifest["scenes"], 1)]
    folder = manifest_path.parent
    for what, name in named:
        path = inside(folder, name)
        if path is None:
            refuse(f"names {name!r} as {what}, which is outside {folder}")
        # A folder inside is no file: served, a link in it led anywhere. (A missing
        # file is refused where it is read, by RenderedLesson.file.)
        if path.exists() and regular_file_inside(folder, name) is None:
            refuse(f"names {name!r} as {what}, which is a folder (or a device), not a file")


def check_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse a manifest whose fields are not what assembly writes: the publishers use
    each of these, and a wrong type or a NaN would fail far from here, or be published."""
    fields = Fields(path, "it was not written so by 'lessonreel render': render the lesson "
                          "again", DamagedManifestError)
    fields.object(manifest)
    slug = fields.text(manifest, "lesson")
    if not SLUG_PATTERN.match(slug):
        fields.fail("lesson", f"is {slug!r}, which is not a lesson slug")
    fields.text(manifest, "title", nonempty=True)
    fields.text(manifest, "course", default="")
    quality = fields.text(manifest, "quality")
    if quality not in QUALITIES:
        fields.fail("quality", f"is {quality!r}, not one of: {', '.join(QUALITIES)}")
    for key in ("width", "height"):
        fields.integer(manifest, key, minimum=1, default=1)
    fps = fields.integer(manifest, "fps", minimum=1)
    duration = fields.number(manifest, "duration", above=0)
    fields.boolean(manifest, "complete", default=False)
    fields.texts(manifest, "chapter_problems", default=[])
    fields.text_map(manifest, "files")
    fields.size_map(manifest, "sizes", default={})
    scenes = fields.items(manifest, "scenes", nonempty=True)
    # A frame is the finest timing in a render: a scene may end within one of the video.
    slack = 1 / fps + TICK
    previous = 0.0
    for number, scene in enumerate(scenes):
        where = f"scenes[{number}]"
        fields.object(scene, where)
        fields.text(scene, "name", where, nonempty=True)
        fields.text(scene, "title", where, nonempty=True)
        fields.text(scene, "file", where)
        start = fields.number(scene, "start", where, minimum=previous - TICK)
        length = fields.number(scene, "duration", where, above=0)
        if start + length > duration + slack:
            fields.fail(f"{where}.duration", f"ends the scene at {start + length:.3f} s, past "
                        f"the end of the {duration:.3f} s video")
        previous = start


def find(slug: str, build_dir: Path, quality: str | None = None) -> RenderedLesson:
    """The lesson's render in ``build_dir``: the given quality, else the highest one rendered."""
    lesson_dir = build_dir / slug
    if quality is not None:
        if quality not in QUALITIES:
            raise UsageError(f"unknown quality {quality!r}; choose one of: "
                             f"{', '.join(QUALITIES)}")
        return load(lesson_dir / quality)
    for name in reversed(list(QUALITIES)):
        if (lesson_dir / name / "manifest.json").is_file():
            return load(lesson_dir / name)
    raise NotRenderedError(f"lesson {slug!r} has not been rendered in {build_dir}; "
                           f"render it first: lessonreel render {slug}")
