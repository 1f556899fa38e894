"""Errors that lessonreel reports to people.

::

    LessonreelError            base: the CLI prints "Type: message" and exits 1
    ├── UsageError             bad input from the user (exit 2)
    │   ├── UnknownLessonError
    │   ├── UnknownSceneError
    │   ├── FolderError        a folder to write into cannot be used (not writable, or
    │   │                      holds files lessonreel did not write); nothing was touched
    │   └── PathError          a path given cannot be used at all (too long, not
    │                          permitted, links in a loop)
    ├── RecordError            a file lessonreel reads back breaks its schema; names the
    │                          file and the field
    ├── DiskFullError          a disk filled up; names the folder and, if known, the need
    ├── LessonDeclarationError a lesson package declares something invalid
    ├── NarrationError         speech could not be synthesised or read
    │   ├── DamagedAudioError  a WAV file holds less (or other) audio than it says
    │   └── MarkError          a scene times something by a mark its beat lacks or has passed
    ├── SceneRenderError       manim failed on one scene; names the scene and its log
    ├── RenderFailedError      several scenes failed; names each with its log
    ├── ClusterError           the Dask cluster cannot be reached or has no workers
    │   └── WorkerMismatchError  a worker runs other code than this machine
    └── AssemblyError          joining scenes into the lesson failed, or a rule was broken

Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class LessonreelError(Exception):
    """Base of every error lessonreel reports without a traceback."""

    exit_code = 1


class UsageError(LessonreelError):
    """The user asked for something that does not exist or is malformed."""

    exit_code = 2


class UnknownLessonError(UsageError):
    def __init__(self, slug: str, known: list[str]) -> None:
        super().__init__(
            f"unknown lesson {slug!r}; known lessons: {', '.join(sorted(known)) or '(none)'}"
        )


class UnknownSceneError(UsageError):
    def __init__(self, name: str, lesson: str, known: list[str]) -> None:
        super().__init__(
            f"lesson {lesson!r} has no scene {name!r}; its scenes: {', '.join(known)}"
        )


class LessonDeclarationError(LessonreelError):
    """A lesson package's declaration is invalid."""


class NarrationError(LessonreelError):
    """Speech could not be synthesised, cached or read back."""


class DamagedAudioError(NarrationError):
    """A WAV file holds fewer samples than its header says, or not the format it should."""


class MarkError(NarrationError):
    """A beat's marks (``{@name}`` in its text) and the scene's timing disagree: a mark
    the text lacks or holds twice, or one an animation was asked to end at after it passed."""


class SceneRenderError(LessonreelError):
    def __init__(self, scene: str, log: Path, detail: str = "") -> None:
        self.scene = scene
        self.log = log
        self.detail = detail
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"scene {scene} failed to render{suffix}; see its log: {log}")


class RenderFailedError(LessonreelError):
    """Several scenes failed; each is named with its log."""

    def __init__(self, failures: list[SceneRenderError]) -> None:
        self.failures = failures
        names = ", ".join(f.scene for f in failures)
        logs = "; ".join(f"{f.scene}: {f.log}" for f in failures)
        super().__init__(f"{len(failures)} scenes failed to render ({names}); logs: {logs}")


class ClusterError(LessonreelError):
    """The Dask cluster named by --scheduler cannot be used."""


class WorkerMismatchError(ClusterError):
    """A Dask worker runs other lessonreel, lesson or package code than the client."""


class AssemblyError(LessonreelError):
    """The rendered scenes could not be turned into a valid lesson."""


class FolderError(UsageError):
    """A folder given to write into is not writable, is a file, or holds someone's files."""


class PathError(UsageError):
    """The system refused a path the user gave: too long, not permitted, or a loop."""


class RecordError(LessonreelError):
    """A file lessonreel wrote and reads back (a manifest, beats.json, a cache record,
    youtube.json, the YouTube token) is not what it wrote: unreadable, or a field of the
    wrong type, not a finite number, or out of its range."""

    def __init__(self, path: Path, field: str | None, problem: str, fix: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        where = f"{path}: {field}" if field else str(path)
        super().__init__(f"{where} {problem}; {fix}")


class DiskFullError(LessonreelError):
    """A disk has no room left for what lessonreel was writing."""

    def __init__(self, folder: Path | str | None, needed: int | None = None,
                 free: int | None = None) -> None:
        self.folder = folder
        place = f"the disk holding {folder}" if folder else "the disk"
        amounts = ""
        if needed is not None:
            amounts = f" (about {megabytes(needed)} needed"
            amounts += f", {megabytes(free)} free)" if free is not None else ")"
        super().__init__(f"{place} is full{amounts}; free some space there (or point the "
                         "folder at another disk) and run the command again: nothing "
                         "half-written was kept")


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
