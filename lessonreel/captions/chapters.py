"""Chapters: one per scene, in YouTube's text format and ffmpeg's metadata format.

YouTube shows chapters only when the description's list obeys its rules, so a
lesson that breaks them is refused rather than published without chapters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MIN_CHAPTERS = 3
MIN_CHAPTER_SECONDS = 10.0
MAX_TITLE_CHARS = 70


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def clock(seconds: float) -> str:
    """YouTube's chapter timestamp: ``m:ss`` or ``h:mm:ss``."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def chapter_problems(chapters: Sequence[Chapter]) -> list[str]:
    """Every way ``chapters`` break YouTube's rules, each with what to change."""
    problems = []
    if len(chapters) < MIN_CHAPTERS:
        problems.append(
            f"{len(chapters)} chapter(s); YouTube needs at least {MIN_CHAPTERS}: "
            "render the whole lesson or add scenes"
        )
    if chapters and clock(chapters[0].start) != "0:00":
        problems.append(f"the first chapter starts at {clock(chapters[0].start)}, not 0:00")
    for earlier, later in zip(chapters, chapters[1:], strict=False):
        if later.start <= earlier.start:
            problems.append(
                f"chapter {later.title!r} does not start after {earlier.title!r}"
            )
    for chapter in chapters:
        if chapter.duration < MIN_CHAPTER_SECONDS:
            problems.append(
                f"chapter {chapter.title!r} lasts {chapter.duration:.1f} s; YouTube needs at "
                f"least {MIN_CHAPTER_SECONDS:.0f} s: lengthen its scene or merge it with another"
            )
        if not chapter.title.strip() or len(chapter.title) > MAX_TITLE_CHARS:
            problems.append(
                f"chapter title {chapter.title!r} has {len(chapter.title)} characters; "
                f"use 1 to {MAX_TITLE_CHARS}"
            )
    return problems


def youtube_text(chapters: Sequence[Chapter]) -> str:
    """``0:00 Title`` lines, as YouTube reads them from a video description."""
    return "".join(f"{clock(c.start)} {c.title}\n" for c in chapters)


def _ffmeta_escape(text: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", text)


def ffmetadata(title: str, album: str, chapters: Sequence[Chapter]) -> str:
    """Chapters in ffmpeg's metadata format, so players show them from the MP4 itself."""
    lines = [";FFMETADATA1", f"title={_ffmeta_escape(title)}", f"album={_ffmeta_escape(album)}"]
    for chapter in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000",
                  f"START={round(chapter.start * 1000)}", f"END={round(chapter.end * 1000)}",
                  f"title={_ffmeta_escape(chapter.title)}"]
    return "\n".join(lines) + "\n"
