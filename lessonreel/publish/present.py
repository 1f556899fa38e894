"""Present a rendered lesson live: beat by beat, with the narration as speaker notes.

The page (``present.html``) plays the lesson's video one beat at a time and pauses
on each beat's last frame; ``present.html?notes`` is the speaker's window. Both are
built from the render's ``beats.json`` (:mod:`lessonreel.captions.timeline`), which is read
from disk and checked before a word of it reaches a page, and embedded in the page
as JSON so the page needs no request of its own and works from ``file://``.

``lessonreel present`` serves one render on 127.0.0.1 (with Range requests, which
seeking an MP4 needs) without copying its video, through :mod:`lessonreel.publish.server`:
the page, its assets and the files the page plays, nothing else. ``lessonreel publish
site`` writes the same page beside each lesson page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import srt

from lessonreel.captions.timeline import read_timeline
from lessonreel.errors import NotRenderedError
from lessonreel.files import regular_file_inside
from lessonreel.publish.pages import PALETTE, asset_bytes, asset_stamp, environment
from lessonreel.publish.server import (
    REQUEST_TIMEOUT,
    Content,
    StaticServer,
    folder_files,
    serve_files,
)
from lessonreel.publish.source import RenderedLesson
from lessonreel.records import Timeline

PAGE = "present.html"
#: Files the presenter needs from a render: manifest role -> name beside the page.
SERVED_FILES = {"video": "lesson.mp4", "vtt": "lesson.vtt"}
ASSETS = (PALETTE, "present.css", "present.js")


def lesson_timeline(rendered: RenderedLesson) -> Timeline:
    """The render's ``beats.json``, checked, also against its video: a timeline past the
    video's end would pause on no frame."""
    if "beats" not in rendered.manifest["files"]:
        raise NotRenderedError(
            f"{rendered.folder} has no beats.json (rendered before presenting was possible); "
            f"render it again: lessonreel render {rendered.slug}")
    return read_timeline(rendered.file("beats"), int(rendered.manifest["fps"]),
                         rendered.duration, rendered.slug)


def presentation(rendered: RenderedLesson, timeline: Timeline | None = None) -> dict[str, Any]:
    """What the presenter page shows: the lesson's chapters, beats and questions, checked
    (``timeline``: the render's, if already read)."""
    if timeline is None:
        timeline = lesson_timeline(rendered)
    beats = timeline.beats
    return {
        "lesson": rendered.slug, "title": rendered.title,
        "course": str(rendered.manifest.get("course", "")),
        "fps": timeline.fps, "duration": timeline.duration,
        "chapters": [{"number": c.number, "title": c.title, "start": c.start,
                      "first_beat": c.first_beat,
                      "beats": sum(1 for b in beats if b.chapter == c.number)}
                     for c in timeline.chapters],
        "beats": [{"chapter": b.chapter, "name": b.name, "text": b.text,
                   "first_frame": b.first_frame, "end_frame": b.end_frame}
                  for b in beats],
        # The room answers aloud: the asking beat stops where its countdown would start,
        # and the next key plays the answer.
        "questions": [{"index": q.index, "beat": q.beat, "prompt": q.prompt,
                       "think_frame": q.think_frame, "answer_frame": q.answer_frame}
                      for q in timeline.questions],
        # For a page opened from disk, where browsers refuse the captions file.
        "captions": [{"start": c.start.total_seconds(), "end": c.end.total_seconds(),
                      "text": c.content}
                     for c in srt.parse(rendered.file("srt").read_text(encoding="utf-8"))],
    }


def present_page(env: jinja2.Environment, rendered: RenderedLesson, *, root: str, stamp: str,
                 lesson_href: str | None, timeline: Timeline | None = None) -> str:
    """``present.html`` for ``rendered``: assets under ``root``, the video beside it
    (``timeline``: the render's, if already read)."""
    data = presentation(rendered, timeline)
    manifest = rendered.manifest
    return env.get_template(PAGE).render(
        root=root, stamp=stamp, title=rendered.title, course=data["course"], data=data,
        width=int(manifest.get("width", 0)), height=int(manifest.get("height", 0)),
        lesson_href=lesson_href)


@dataclass
class Presenter:
    """One render served on 127.0.0.1 until :meth:`close`."""

    url: str
    server: StaticServer

    @property
    def notes_url(self) -> str:
        return self.url + "?notes"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_folder(root: Path, port: int = 0, *,
                 timeout: float = REQUEST_TIMEOUT) -> StaticServer:
    """The regular files under ``root`` served on 127.0.0.1:``port`` (0: any free one), as
    listed now: links inside are not followed, folders are not listed. Stop it with
    ``shutdown``. ``timeout``: seconds a client has to send its request."""
    return serve_files(folder_files(root), port, timeout)


def serve(rendered: RenderedLesson, port: int = 0, *,
          timeout: float = REQUEST_TIMEOUT) -> Presenter:
    """Serve the presenter page of ``rendered`` on 127.0.0.1:``port`` (0: any free one).

    Served are the page and its assets, from memory, and the files of the render the
    page plays (:data:`SERVED_FILES`), read where they are: nothing else of the render,
    and nothing a link inside it points to.
    """
    files: dict[str, Content] = {f"/assets/{name}": asset_bytes(name) for name in ASSETS}
    for role, served_name in SERVED_FILES.items():
        rendered.file(role)  # says so if the manifest lists no such file
        name = rendered.manifest["files"][role]
        # Checked again, not trusted from load(): a folder here was a way out through a link.
        path = regular_file_inside(rendered.folder, name)
        if path is None:
            raise NotRenderedError(f"{rendered.folder / 'manifest.json'} names {name!r} as its "
                                   f"{role} file, which is not a file inside the render; render "
                                   f"the lesson again: lessonreel render {rendered.slug}")
        files[f"/{served_name}"] = path
    page = present_page(environment(), rendered, root="", stamp=asset_stamp(ASSETS),
                        lesson_href=None)
    files[f"/{PAGE}"] = page.encode("utf-8")
    try:
        server = serve_files(files, port, timeout)
    except OSError as error:
        raise NotRenderedError(f"cannot serve on 127.0.0.1:{port} ({error.strerror}); "
                               "choose another --port, or 0 for any free one") from error
    return Presenter(f"http://127.0.0.1:{server.server_address[1]}/{PAGE}", server)


@contextlib.contextmanager
def serving(rendered: RenderedLesson, port: int = 0, *,
            timeout: float = REQUEST_TIMEOUT) -> Iterator[Presenter]:
    presenter = serve(rendered, port, timeout=timeout)
    try:
        yield presenter
    finally:
        presenter.close()

