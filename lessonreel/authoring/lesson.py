"""Lessons, their scenes, and the registry that finds them.

A lesson package under ``scenes/`` declares ``LESSON = Lesson(...)`` in its
``__init__.py``. Scenes are named by module and class, not imported, so
listing lessons is instant and never loads Manim; docstrings are read from the
source with :mod:`ast`.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import pkgutil
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lessonreel.authoring import theme
from lessonreel.errors import LessonDeclarationError, UnknownLessonError, UnknownSceneError

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: YouTube's limit on a chapter title.
MAX_CHAPTER_TITLE = 70
#: The package whose sub-packages declare lessons; LESSONREEL_LESSONS overrides it.
LESSONS_PACKAGE = "scenes"
LESSONS_ENV = "LESSONREEL_LESSONS"
#: YouTube's assignable video categories, by the id that videos.insert takes.
YOUTUBE_CATEGORIES = {
    "1": "Film & Animation", "2": "Autos & Vehicles", "10": "Music", "15": "Pets & Animals",
    "17": "Sports", "19": "Travel & Events", "20": "Gaming", "22": "People & Blogs",
    "23": "Comedy", "24": "Entertainment", "25": "News & Politics", "26": "Howto & Style",
    "27": "Education", "28": "Science & Technology", "29": "Nonprofits & Activism",
}
#: YouTube's limit on a video's tags, counted as :func:`tags_length` counts them.
MAX_TAGS_LENGTH = 500


def lessons_package() -> str:
    return os.environ.get(LESSONS_ENV) or LESSONS_PACKAGE


def tags_length(tags: tuple[str, ...]) -> int:
    """Tags' length as YouTube counts it: a comma between tags, quotes round those with spaces."""
    return sum(len(tag) + (2 if " " in tag else 0) for tag in tags) + max(len(tags) - 1, 0)


@dataclass(frozen=True)
class SceneRef:
    """One scene of a lesson: where its class lives and the chapter title it gets."""

    module: str
    name: str
    title: str
    package: str = field(default="", compare=False)

    @property
    def qualified_module(self) -> str:
        return f"{self.package}.{self.module}" if self.package else self.module

    @cached_property
    def file(self) -> Path:
        spec = importlib.util.find_spec(self.qualified_module)
        if spec is None or spec.origin is None:
            raise LessonDeclarationError(
                f"scene {self.name}: module {self.qualified_module} not found; "
                "check the module name in the lesson's SceneRef"
            )
        return Path(spec.origin)

    @cached_property
    def doc(self) -> str:
        """First line of the scene class's docstring, read without importing it."""
        tree = ast.parse(self.file.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == self.name:
                doc = ast.get_docstring(node) or ""
                return doc.strip().splitlines()[0] if doc.strip() else ""
        raise LessonDeclarationError(
            f"scene {self.name} is not defined in {self.file}; "
            "check the class name in the lesson's SceneRef"
        )


#: A hook is a few words read at a glance in a list of videos, not a sentence.
MAX_HOOK = 32


@dataclass(frozen=True)
class Thumbnail:
    """The thumbnail: which frame of the lesson, which part of it, and its hook."""

    scene: str
    #: Seconds into that scene; None takes its last frame.
    at: float | None = None
    #: Or a beat of that scene: the frame at the end of it, which stays put when the
    #: narration (and so every time in the scene) changes.
    beat: str | None = None
    #: A few words in large type that make a viewer want the lesson ("How steep is a
    #: bowl?"), not its title, which YouTube already shows beside the thumbnail; empty:
    #: the lesson's title.
    hook: str = ""
    #: The part of the frame shown, in scene units (left, bottom, right, top; the frame
    #: spans ±7.11 by ±4): the picture without the scene's title or faded text around
    #: it. None shows the whole frame.
    crop: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Lesson:
    """A lesson: its slug, titles, and scenes in the order they play."""

    slug: str
    title: str
    course: str
    scenes: tuple[SceneRef, ...]
    package: str
    summary: str = ""
    #: The frame behind the title on the thumbnail; default: the first scene's last frame.
    thumbnail: Thumbnail | None = None
    #: YouTube tags, so the lesson is found by what it teaches.
    tags: tuple[str, ...] = ()
    #: YouTube category id (see YOUTUBE_CATEGORIES); 27 is Education.
    category: str = "27"
    #: The lesson's number in its course ("Module 2"): its title card says it, and it is
    #: the one number its captions may hold that its math layer does not.
    module: int | None = None
    #: The share of its questions, in per cent, a learner must answer right to pass the
    #: lesson in a course platform (SCORM's mastery score); unused by a lesson without any.
    mastery_score: int = 80

    def _check_thumbnail_look(self, thumbnail: Thumbnail) -> None:
        hook = " ".join(thumbnail.hook.split())
        if len(hook) > MAX_HOOK:
            raise LessonDeclarationError(
                f"lesson {self.slug}: thumbnail hook {hook!r} has {len(hook)} characters; "
                f"keep it to {MAX_HOOK}, a few words read at a glance")
        if hook and hook.casefold() == " ".join(self.title.split()).casefold():
            raise LessonDeclarationError(
                f"lesson {self.slug}: thumbnail hook repeats the title, which YouTube shows "
                "beside it; say why to watch instead, or leave hook empty")
        if thumbnail.crop is not None:
            crop = thumbnail.crop
            half_w, half_h = theme.FRAME_WIDTH / 2 + 1e-3, theme.FRAME_HEIGHT / 2 + 1e-3
            if (len(crop) != 4 or not all(isinstance(v, (int, float)) for v in crop)
                    or not (-half_w <= crop[0] < crop[2] <= half_w)
                    or not (-half_h <= crop[1] < crop[3] <= half_h)):
                raise LessonDeclarationError(
                    f"lesson {self.slug}: thumbnail crop {crop!r} must be (left, bottom, "
                    f"right, top) in scene units inside the frame, ±{theme.FRAME_WIDTH / 2:.2f}"
                    f" by ±{theme.FRAME_HEIGHT / 2:g}, left < right and bottom < top")

    def __post_init__(self) -> None:
        if not SLUG_PATTERN.match(self.slug):
            raise LessonDeclarationError(
                f"lesson slug {self.slug!r} must be lowercase words joined by hyphens"
            )
        if not self.scenes:
            raise LessonDeclarationError(f"lesson {self.slug} declares no scenes")
        if self.module is not None and (isinstance(self.module, bool)
                                        or not isinstance(self.module, int) or self.module < 1):
            raise LessonDeclarationError(
                f"lesson {self.slug}: module={self.module!r} must be its number in the "
                "course, a whole number from 1")
        if (isinstance(self.mastery_score, bool) or not isinstance(self.mastery_score, int)
                or not 0 <= self.mastery_score <= 100):
            raise LessonDeclarationError(
                f"lesson {self.slug}: mastery_score={self.mastery_score!r} must be the per "
                "cent of questions a learner must answer right to pass, a whole number "
                "from 0 to 100")
        names = [s.name for s in self.scenes]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise LessonDeclarationError(
                f"lesson {self.slug} lists scenes twice: {', '.join(duplicates)}"
            )
        for scene in self.scenes:
            if not scene.title or len(scene.title) > MAX_CHAPTER_TITLE:
                raise LessonDeclarationError(
                    f"scene {scene.name}: chapter title must be 1 to {MAX_CHAPTER_TITLE} "
                    f"characters, got {len(scene.title)}"
                )
        if self.thumbnail is not None:
            if self.thumbnail.scene not in names:
                raise LessonDeclarationError(
                    f"lesson {self.slug}: thumbnail scene {self.thumbnail.scene!r} is not one "
                    f"of its scenes: {', '.join(names)}"
                )
            if self.thumbnail.at is not None and self.thumbnail.beat is not None:
                raise LessonDeclarationError(
                    f"lesson {self.slug}: give the thumbnail a time (at=) or a beat (beat=), "
                    "not both"
                )
            if self.thumbnail.at is not None and self.thumbnail.at < 0:
                raise LessonDeclarationError(
                    f"lesson {self.slug}: thumbnail time must be 0 or more seconds"
                )
            self._check_thumbnail_look(self.thumbnail)
        self._check_youtube_fields()
        # Scenes are declared relative to the lesson package.
        object.__setattr__(
            self,
            "scenes",
            tuple(
                s if s.package else SceneRef(s.module, s.name, s.title, self.package)
                for s in self.scenes
            ),
        )

    def _check_youtube_fields(self) -> None:
        if isinstance(self.tags, str) or not all(isinstance(t, str) for t in self.tags):
            raise LessonDeclarationError(
                f"lesson {self.slug}: tags must be a tuple of strings, "
                "e.g. tags=(\"calculus\", \"derivatives\")"
            )
        object.__setattr__(self, "tags", tuple(self.tags))
        for tag in self.tags:
            if not tag.strip() or any(c in tag for c in "<>,"):
                raise LessonDeclarationError(
                    f"lesson {self.slug}: tag {tag!r} must not be empty or hold '<', '>' or "
                    "a comma (YouTube refuses the first two; a comma splits the tag)"
                )
        if tags_length(self.tags) > MAX_TAGS_LENGTH:
            raise LessonDeclarationError(
                f"lesson {self.slug}: its tags take {tags_length(self.tags)} characters as "
                f"YouTube counts them (a comma between tags, quotes round tags with spaces); "
                f"the limit is {MAX_TAGS_LENGTH}: drop or shorten some"
            )
        if self.category not in YOUTUBE_CATEGORIES:
            choices = ", ".join(f"{key} ({name})" for key, name in YOUTUBE_CATEGORIES.items())
            raise LessonDeclarationError(
                f"lesson {self.slug}: category {self.category!r} is not a YouTube category "
                f"id; choose one of: {choices}"
            )

    @property
    def scene_names(self) -> list[str]:
        return [s.name for s in self.scenes]

    def select(self, names: list[str] | tuple[str, ...] = ()) -> list[SceneRef]:
        """The named scenes in lesson order, or all of them when none are named."""
        if not names:
            return list(self.scenes)
        for name in names:
            if name not in self.scene_names:
                raise UnknownSceneError(name, self.slug, self.scene_names)
        return [s for s in self.scenes if s.name in names]


def discover(package: str | None = None) -> dict[str, Lesson]:
    """Every lesson declared by a sub-package of ``package``, by slug."""
    package = package or lessons_package()
    root = importlib.import_module(package)
    lessons: dict[str, Lesson] = {}
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        lesson = getattr(module, "LESSON", None)
        if lesson is None:
            continue
        if not isinstance(lesson, Lesson):
            raise LessonDeclarationError(f"{module.__name__}.LESSON is not a Lesson")
        if lesson.slug in lessons:
            raise LessonDeclarationError(f"two packages declare lesson {lesson.slug!r}")
        # Control frames, test ids and logs are named by scene class: names are course-wide.
        for other in lessons.values():
            shared = sorted(set(lesson.scene_names) & set(other.scene_names))
            if shared:
                raise LessonDeclarationError(
                    f"lessons {other.slug} and {lesson.slug} both have a scene named "
                    f"{', '.join(shared)}; scene class names must be unique across lessons, "
                    "so rename one (name it for what the viewer sees)"
                )
        lessons[lesson.slug] = lesson
    return lessons


def project_root(package: str | None = None) -> Path:
    """The folder holding the lessons package: renders run from here, assets live here."""
    module = importlib.import_module(package or lessons_package())
    return Path(next(iter(module.__path__))).resolve().parent


def get_lesson(slug: str, package: str | None = None) -> Lesson:
    lessons = discover(package)
    if slug not in lessons:
        raise UnknownLessonError(slug, list(lessons))
    return lessons[slug]
