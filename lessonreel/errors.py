"""Errors that lessonreel reports to people.

::

    LessonreelError            base: the CLI prints "Type: message" and exits 1
    ├── UsageError             bad input from the user (exit 2)
    │   ├── UnknownLessonError
    │   ├── UnknownSceneError
    │   ├── FolderError        a folder to write into cannot be used (not writable, or
    │   │                      holds files lessonreel did not write); nothing was touched
    │   ├── PathError          a path given cannot be used at all (too long, not
    │   │                      permitted, links in a loop)
    │   ├── NotRenderedError   no complete rendered lesson where the user pointed
    │   │   └── DamagedManifestError (also a RecordError) its manifest.json breaks the schema
    │   ├── ClientSecretsError the OAuth client file is missing or not a Desktop app's
    │   ├── MetadataError      title, description, tags or chapters break YouTube's rules
    │   ├── ChangedSinceUploadError  lesson.mp4 differs from the published video
    │   └── YouTubeRecordError (also a RecordError) youtube.json cannot be read
    ├── RecordError            a file lessonreel reads back breaks its schema; names the
    │   │                      file and the field
    │   ├── TimelineError      (also a ValueError) beats.json
    │   └── DamagedTokenError  (also a SignInError) the saved YouTube token
    ├── DiskFullError          a disk filled up; names the folder and, if known, the need
    ├── LessonDeclarationError a lesson package declares something invalid
    ├── NarrationError         speech could not be synthesised or read
    │   ├── DamagedAudioError  a WAV file holds less (or other) audio than it says
    │   ├── MarkError          a scene times something by a mark its beat lacks or has passed
    │   └── QuestionError      a question cannot be asked as written (answer not a choice...)
    ├── SceneRenderError       manim failed on one scene; names the scene and its log
    ├── RenderFailedError      several scenes failed; names each with its log
    ├── ClusterError           the Dask cluster cannot be reached or has no workers
    │   └── WorkerMismatchError  a worker runs other code than this machine
    ├── AssemblyError          joining scenes into the lesson failed, or a rule was broken
    │   └── SeamNotSilent      caught inside assembly: the lesson's sound is then encoded whole
    ├── SignInError            signing in to YouTube failed, or the saved sign-in stopped working
    └── YouTubeError           YouTube refused a request, or the connection kept failing

    ShardFailed                (an Exception, never shown as is) a Dask worker's shard failed;
                               carries the log home, where it becomes a SceneRenderError

Three exceptions are not errors and live with what raises them: ``stopping.Stopped`` (a
BaseException: a signal asked the run to stop), ``publish.server.Unsatisfiable`` (a byte
range the server answers with 416) and ``studio.renders.SceneFailed`` (a scene's render
that failed, caught by the studio and shown on its page).

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


class QuestionError(NarrationError):
    """A question a scene asks cannot be asked as written: its answer is not among its
    choices, two choices are the same answer, or a wrong choice names no mistake."""


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



class SeamNotSilent(AssemblyError):
    """A scene's narration runs on past the frame its segment ends on: the lesson's
    track is then encoded whole instead."""


class TimelineError(RecordError, ValueError):
    """A beats.json that does not describe a lesson's timeline (a ValueError too, as
    callers of :func:`check_timeline` have caught it)."""


class ShardFailed(Exception):
    """A shard's render failed on a worker; carries its log home, since the worker's
    folder is not the client's."""

    def __init__(self, scene: str, detail: str, log: str) -> None:
        super().__init__(scene, detail, log)
        self.scene, self.detail, self.log = scene, detail, log

    def __str__(self) -> str:
        return f"scene {self.scene} failed to render ({self.detail})"


class NotRenderedError(UsageError):
    """There is no complete rendered lesson where the user pointed."""


class DamagedManifestError(RecordError, NotRenderedError):
    """A manifest.json whose fields break the schema assembly writes."""


class ClientSecretsError(UsageError):
    """The OAuth client secrets file is missing or is not a Desktop app's."""


class SignInError(LessonreelError):
    """Signing in failed, or the saved sign-in no longer works."""


class DamagedTokenError(RecordError, SignInError):
    """The saved token file is not one Google's library wrote."""


class YouTubeError(LessonreelError):
    """YouTube refused a request, or the connection kept failing."""


class MetadataError(UsageError):
    """The lesson's title, description, tags or chapters break YouTube's rules."""


class ChangedSinceUploadError(UsageError):
    """lesson.mp4 differs from the published video, and --replace was not given."""


class YouTubeRecordError(RecordError, UsageError):
    """youtube.json cannot be read, or breaks its schema."""

def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
