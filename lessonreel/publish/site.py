"""``lessonreel publish site``: a static course site built from rendered lessons.

A published site, every link in it relative so it works from ``file://``, from
any static host and from any subfolder of one::

    index.html              the course index: thumbnail, title, duration, chapters
    assets/site.css, site.js, questions.css, questions.js, palette.css, present.*
    <slug>/index.html       the lesson: video, captions, chapters, transcript; the
                            questions it stops to ask, if its beats.json has any
    <slug>/lesson.mp4, lesson.vtt, thumbnail.png   copied from the render
    <slug>/chapters.vtt     the manifest's scenes as a WebVTT chapters track
    .lessonreel-site.json   the size and SHA-256 of every file copied from a render

Titles and chapter names come from the manifest, since they are what the video
was rendered with; the summary comes from the lesson declaration, which is the
only place it is written. Every string reaches the page through Jinja2 with
autoescaping on.

A publish builds the whole site in a temporary folder beside ``--out`` and
swaps it in with two renames, so a failed or interrupted publish leaves the
previous site as it was. A file whose hash matches the previous site's record
is linked from the previous site instead of copied again from the render.

Over 400 lines because choosing the renders, staging, reusing unchanged files and
swapping the site in are one transaction; split, each part would need the others' state.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import srt

from lessonreel.authoring.lesson import Lesson
from lessonreel.captions.cues import ends_sentence, webvtt
from lessonreel.errors import UnknownLessonError, UsageError
from lessonreel.files import default_mode, stream_digest, swap_folder_in
from lessonreel.publish.pages import asset_bytes, asset_stamp, environment
from lessonreel.publish.present import ASSETS as PRESENT_ASSETS
from lessonreel.publish.present import PAGE as PRESENT_PAGE
from lessonreel.publish.present import lesson_timeline, present_page
from lessonreel.publish.source import (
    NotRenderedError,
    RenderedLesson,
    chapter_bounds,
    find,
    load,
)

#: Written at the site's root: what each copied file was, so a re-publish can reuse it.
SITE_MANIFEST = ".lessonreel-site.json"
#: Files a lesson page needs from its render: manifest role -> name on the site.
COPIED_FILES = {"video": "lesson.mp4", "vtt": "lesson.vtt", "thumbnail": "thumbnail.png"}
CHAPTERS_FILE = "chapters.vtt"
#: The palette comes with the presenter's; questions.* with a lesson that asks any.
ASSETS = ("site.css", "site.js", "questions.css", "questions.js", *PRESENT_ASSETS)


@dataclass(frozen=True)
class SiteLesson:
    """A rendered lesson with the words its declaration adds."""

    rendered: RenderedLesson
    summary: str = ""

    @property
    def slug(self) -> str:
        return self.rendered.slug


@dataclass(frozen=True)
class TranscriptSentence:
    """One narrated sentence of the transcript, with the caption cues it was cut into."""

    start: float
    end: float
    text: str
    #: The sentence's captions as the video shows them (lines split with "\n"); a page
    #: opened from disk builds its caption track from these.
    captions: tuple[TranscriptSentence, ...] = ()


@dataclass(frozen=True)
class ChapterView:
    """A chapter as a lesson page shows it, with the sentences spoken in it."""

    number: int
    title: str
    start: float
    end: float
    cues: tuple[TranscriptSentence, ...] = ()


@dataclass
class PublishReport:
    """What a publish wrote: files copied from renders, and files kept from the previous site."""

    out: Path
    lessons: list[str] = field(default_factory=list)
    #: What a reader of the site will miss, a line each (a lesson with no Present view).
    notes: list[str] = field(default_factory=list)
    copied: list[tuple[str, int]] = field(default_factory=list)
    reused: list[tuple[str, int]] = field(default_factory=list)


def choose_lessons(
    slugs: Sequence[str],
    registry: Mapping[str, Lesson],
    build_dir: Path,
    quality: str | None = None,
    from_dirs: Sequence[Path] = (),
) -> tuple[list[SiteLesson], list[str]]:
    """The lessons to publish, and a note for each registered lesson skipped.

    Named lessons must be rendered; with no names, every registered lesson
    with a complete render is published and the others are skipped.
    """
    if from_dirs and slugs:
        raise UsageError("give either LESSON names or --from folders, not both")
    if from_dirs and quality:
        raise UsageError("-q picks a render in the build folder; --from names the folder "
                         "itself, so give one or the other")
    if from_dirs:
        rendered = [load(folder) for folder in from_dirs]
        chosen = [SiteLesson(r, _summary(registry, r.slug)) for r in rendered]
        return _unique(chosen), []
    if slugs:
        chosen = []
        for slug in dict.fromkeys(slugs):
            if slug not in registry:
                raise UnknownLessonError(slug, list(registry))
            chosen.append(SiteLesson(_find(slug, build_dir, quality), registry[slug].summary))
        return chosen, []
    chosen, skipped = [], []
    for slug, lesson in registry.items():
        try:
            chosen.append(SiteLesson(_find(slug, build_dir, quality), lesson.summary))
        except NotRenderedError as error:
            skipped.append(f"{slug}: {error}")
    if not chosen:
        first = next(iter(registry), "<lesson>")
        raise NotRenderedError(
            f"no registered lesson has a complete render in {build_dir}; render one first, "
            f"e.g. lessonreel render {first}; registered: {', '.join(registry) or '(none)'}")
    return chosen, skipped


def _find(slug: str, build_dir: Path, quality: str | None) -> RenderedLesson:
    if quality is not None and not (build_dir / slug / quality / "manifest.json").is_file():
        raise NotRenderedError(f"lesson {slug!r} has no {quality} render in {build_dir}; "
                               f"render it first: lessonreel render {slug} -q {quality}")
    return find(slug, build_dir, quality)


def _summary(registry: Mapping[str, Lesson], slug: str) -> str:
    lesson = registry.get(slug)
    return lesson.summary if lesson is not None else ""


def _unique(lessons: list[SiteLesson]) -> list[SiteLesson]:
    seen: dict[str, Path] = {}
    for lesson in lessons:
        if lesson.slug in seen:
            raise UsageError(f"lesson {lesson.slug!r} is given twice: {seen[lesson.slug]} and "
                             f"{lesson.rendered.folder}; publish one render of each lesson")
        seen[lesson.slug] = lesson.rendered.folder
    return lessons


# SRT times are truncated to the millisecond: a sentence written as 85.383 opens a chapter
# that starts at 85.3833333.
SRT_SLACK = 0.001


def chapters_vtt(scenes: Iterable[Mapping[str, Any]]) -> str:
    """A WebVTT chapters track: one cue per scene, titled with its chapter title on one line."""
    scenes = list(scenes)
    return webvtt((f"chapter-{number}", start, end, " ".join(str(scene["title"]).split()))
                  for number, (scene, (start, end))
                  in enumerate(zip(scenes, chapter_bounds(scenes), strict=True), 1))


def transcript(srt_text: str) -> list[TranscriptSentence]:
    """The narration's sentences, from the lesson's SRT captions.

    A sentence too long for one caption was cut into several, each shown until the
    next appears: cues that follow on without a gap, the first not ending a sentence,
    are joined back into the sentence they were cut from.
    """
    sentences: list[list[TranscriptSentence]] = []
    for cue in srt.parse(srt_text):
        piece = TranscriptSentence(start=cue.start.total_seconds(), end=cue.end.total_seconds(),
                    text=cue.content.strip())
        last = sentences[-1][-1] if sentences else None
        if (last is not None and not ends_sentence(last.text)
                and piece.start - last.end <= SRT_SLACK):
            sentences[-1].append(piece)
        else:
            sentences.append([piece])
    return [TranscriptSentence(start=pieces[0].start, end=pieces[-1].end,
                text=" ".join(" ".join(p.text for p in pieces).split()), captions=tuple(pieces))
            for pieces in sentences]


def chapter_views(scenes: Sequence[Mapping[str, Any]],
                  cues: Sequence[TranscriptSentence]) -> list[ChapterView]:
    """Each chapter with the sentences that start within it; every sentence lands in one chapter.

    A chapter ends where the next starts (:func:`chapter_bounds`), and a sentence is placed
    by its start with a millisecond of slack for the SRT's truncation.
    """
    bounds = chapter_bounds(scenes)
    starts = [start for start, _ in bounds]
    placed: list[list[TranscriptSentence]] = [[] for _ in scenes]
    for cue in cues:
        if starts:
            placed[max(0, bisect.bisect_right(starts, cue.start + SRT_SLACK) - 1)].append(cue)
    return [ChapterView(number, str(scene["title"]), start, end, tuple(inside))
            for number, (scene, (start, end), inside)
            in enumerate(zip(scenes, bounds, placed, strict=True), 1)]


def _read_site_manifest(out: Path) -> dict[str, Any] | None:
    """The previous publish's record, or None when ``out`` holds no site of ours."""
    try:
        record: dict[str, Any] = json.loads((out / SITE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record.get("files"), dict) else None


def _check_out(out: Path) -> dict[str, Any]:
    """The previous site's record; refuses to replace a folder this command did not write."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder for the site")
    previous = _read_site_manifest(out) if out.is_dir() else None
    if out.is_dir() and previous is None and any(out.iterdir()):
        raise UsageError(f"--out {out} is not empty and holds no site published by lessonreel "
                         f"(no {SITE_MANIFEST}); choose a new or empty folder, nothing was changed")
    return previous or {"files": {}}


def _place(source: Path, name: str, staging: Path, out: Path, previous: dict[str, Any],
           record: dict[str, Any], report: PublishReport) -> None:
    """Put one rendered file on the site: linked from the previous site if unchanged."""
    target = staging / name
    # Hashed and copied through one open file, so the record describes the bytes
    # published even if a render replaces the file meanwhile.
    with source.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        sha256 = stream_digest(stream)
        # No source paths: this record is published with the site.
        record["files"][name] = {"size": size, "sha256": sha256}
        earlier = previous["files"].get(name, {})
        if earlier.get("sha256") == sha256 and earlier.get("size") == size:
            if _keep(out / name, target, size, sha256):
                report.reused.append((name, size))
                return
            report.notes.append(f"{name}: the published copy no longer matched the record of "
                                "the last publish (changed or damaged since); copied again "
                                "from the render")
        # A copy, not a link to the render: the site's files get the site's
        # permissions, and nothing done to the site can reach back into the build.
        stream.seek(0)
        with target.open("wb") as copy:
            shutil.copyfileobj(stream, copy, 1 << 20)
    report.copied.append((name, size))


def _keep(kept: Path, target: Path, size: int, sha256: str) -> bool:
    """Put the previous site's ``kept`` at ``target`` if its bytes are still the ones
    recorded; else False, with nothing left at ``target``.

    The record says what was published, not what is there now: a file damaged on
    disk since would be kept for ever. Checked after linking, so the bytes checked
    are the bytes published.
    """
    try:
        status = kept.lstat()  # a link is not kept: a site holds files, never links out
        if not stat.S_ISREG(status.st_mode) or status.st_size != size:
            return False
        try:
            # The previous site is deleted after the swap; the link keeps its data.
            os.link(kept, target)
        except OSError:
            shutil.copyfile(kept, target)
        with target.open("rb") as stream:
            if os.fstat(stream.fileno()).st_size == size and stream_digest(stream) == sha256:
                return True
    except OSError:
        pass
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    return False


def _og(base_url: str | None, path: str, relative: str) -> str:
    """An Open Graph address: absolute under ``--base-url``, else relative to the page.

    Sharing previews need absolute addresses, but only the author knows where
    the site will live; without ``--base-url`` the site stays relocatable.
    """
    return f"{base_url.rstrip('/')}/{path}" if base_url else relative


def _render_site(lessons: Sequence[SiteLesson], staging: Path, out: Path,
                 previous: dict[str, Any], base_url: str | None,
                 report: PublishReport) -> dict[str, Any]:
    env = environment()
    version = metadata.version("lessonreel")
    record: dict[str, Any] = {"generator": f"lessonreel {version}", "lessons": [], "files": {}}
    assets = staging / "assets"
    assets.mkdir()
    for name in ASSETS:
        (assets / name).write_bytes(asset_bytes(name))
    stamp = asset_stamp(ASSETS)

    cards: list[dict[str, Any]] = []
    for lesson in lessons:
        rendered = lesson.rendered
        folder = staging / lesson.slug
        folder.mkdir()
        for role, name in COPIED_FILES.items():
            _place(rendered.file(role), f"{lesson.slug}/{name}", staging, out, previous,
                   record, report)
        (folder / CHAPTERS_FILE).write_text(chapters_vtt(rendered.scenes), encoding="utf-8")
        cues = transcript(rendered.file("srt").read_text(encoding="utf-8"))
        chapters = chapter_views(rendered.scenes, cues)
        manifest = rendered.manifest
        presentable = "beats" in manifest["files"]
        questions: list[dict[str, Any]] = []
        if presentable:
            timeline = lesson_timeline(rendered)
            questions = [q.to_json() for q in timeline.questions]
            (folder / PRESENT_PAGE).write_text(
                present_page(env, rendered, root="../", stamp=stamp, lesson_href="index.html",
                             timeline=timeline),
                encoding="utf-8")
        else:
            report.notes.append(f"{lesson.slug}: no Present view, its render has no beats.json "
                                f"(render it again: lessonreel render {lesson.slug})")
        page = env.get_template("lesson.html").render(
            root="../", stamp=stamp, lesson=lesson, title=rendered.title,
            course=str(manifest.get("course", "")), summary=lesson.summary,
            duration=rendered.duration, quality=rendered.quality,
            width=int(manifest.get("width", 0)), height=int(manifest.get("height", 0)),
            chapters=chapters, has_transcript=bool(cues),
            present_href=PRESENT_PAGE if presentable else None,
            # The page stops to ask them (questions.js); none, and it is the page it was.
            questions={"lesson": lesson.slug, "questions": questions} if questions else None,
            og_image=_og(base_url, f"{lesson.slug}/thumbnail.png", "thumbnail.png"),
            og_video=_og(base_url, f"{lesson.slug}/lesson.mp4", "lesson.mp4"),
            og_url=_og(base_url, f"{lesson.slug}/index.html", "") or None,
        )
        (folder / "index.html").write_text(page, encoding="utf-8")
        cards.append({"slug": lesson.slug, "title": rendered.title, "summary": lesson.summary,
                      "course": str(manifest.get("course", "")), "duration": rendered.duration,
                      "chapters": len(chapters)})
        record["lessons"].append({"slug": lesson.slug, "quality": rendered.quality})
        report.lessons.append(lesson.slug)

    courses: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        courses.setdefault(card["course"], []).append(card)
    first = cards[0]["slug"]
    index = env.get_template("index.html").render(
        root="", stamp=stamp, courses=courses, lesson_count=len(cards),
        site_title=next(iter(courses)) if len(courses) == 1 else "Lessons",
        og_image=_og(base_url, f"{first}/thumbnail.png", f"{first}/thumbnail.png"),
        og_url=_og(base_url, "index.html", "") or None,
    )
    (staging / "index.html").write_text(index, encoding="utf-8")
    return record



def build_site(lessons: Sequence[SiteLesson], out: Path,
               base_url: str | None = None) -> PublishReport:
    """Build the site for ``lessons`` beside ``out``, then swap it into place."""
    if not lessons:
        raise UsageError("no lessons to publish")
    out = out.absolute()
    previous = _check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _publishing(out):
        return _build_locked(lessons, out, previous, base_url)


@contextlib.contextmanager
def _publishing(out: Path) -> Iterator[None]:
    """One publish to ``out`` at a time; folders a killed publish left behind are removed.

    Holding the lock, any staging or retired folder beside ``out`` belongs to a
    run that can no longer finish, so it is safe to delete.
    """
    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another publish to {out} is running; wait for it to finish"
                             ) from None
        for stale in out.parent.glob(f".{out.name}.*-*"):
            if stale.is_dir() and (f".{out.name}.new-" in stale.name
                                   or f".{out.name}.old-" in stale.name):
                shutil.rmtree(stale, ignore_errors=True)
        yield


def _build_locked(lessons: Sequence[SiteLesson], out: Path, previous: dict[str, Any],
                  base_url: str | None) -> PublishReport:
    report = PublishReport(out=out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        # mkdtemp makes the folder private; a site is meant to be read by a web server.
        staging.chmod(default_mode(folder=True))
        record = _render_site(lessons, staging, out, previous, base_url, report)
        # Written last: a site folder with this record is a complete one.
        (staging / SITE_MANIFEST).write_text(json.dumps(record, indent=2), encoding="utf-8")
        swap_folder_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report
