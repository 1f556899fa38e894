"""``lessonreel publish site``: the pages, the chapters track, escaping, atomic re-publish.

The fast tests build sites from small rendered-lesson folders made here with
ffmpeg. The browser tests (marked render) build from the session's real
Module 2 render, serve it on 127.0.0.1 and drive Debian's Chromium.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import textwrap
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import srt
from click.testing import CliRunner
from PIL import Image

from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.cli.app import cli
from lessonreel.errors import NotRenderedError, UsageError
from lessonreel.publish import site
from lessonreel.publish.present import serve_folder
from lessonreel.publish.source import load
from tests.conftest import run_lessonreel

SCENES = [("Intro", "Welcome & overview", 0.0, 12.0),
          ("Middle", "Why a < b > c matters", 12.0, 15.5),
          ("Outro", "What comes next", 27.5, 11.25)]
SENTENCES = [(0.5, 3.0, "Hello & welcome."), (12.5, 15.0, "When x < 2, <i>not</i> italics."),
             (28.0, 30.0, "Goodbye.")]


def make_render(folder: Path, slug: str = "demo-lesson", title: str = "A demo lesson",
                colour: str = "black", complete: bool = True) -> Path:
    """A small rendered lesson folder, laid out as ``lessonreel render`` writes one."""
    (folder / "scenes").mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c={colour}:s=64x36:r=5:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart", str(folder / "lesson.mp4")], check=True)
    cues = [srt.Subtitle(i, timedelta(seconds=a), timedelta(seconds=b), text)
            for i, (a, b, text) in enumerate(SENTENCES, 1)]
    (folder / "lesson.srt").write_text(srt.compose(cues), encoding="utf-8")
    (folder / "lesson.vtt").write_text("WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nHello.\n")
    (folder / "chapters.txt").write_text("0:00 Welcome\n")
    Image.new("RGB", (1280, 720), "#14161C").save(folder / "thumbnail.png")
    Image.new("RGB", (64, 36), "#14161C").save(folder / "contact-sheet.png")
    for name, *_ in SCENES:
        shutil.copyfile(folder / "lesson.mp4", folder / "scenes" / f"{name}.mp4")
    manifest: dict[str, Any] = {
        "lesson": slug, "title": title, "course": "Test Course", "quality": "low",
        "width": 854, "height": 480, "fps": 15, "duration": 38.75, "complete": complete,
        "files": {"video": "lesson.mp4", "srt": "lesson.srt", "vtt": "lesson.vtt",
                  "thumbnail": "thumbnail.png", "contact_sheet": "contact-sheet.png",
                  **({"chapters": "chapters.txt"} if complete else {})},
        "scenes": [{"name": n, "title": t, "file": f"scenes/{n}.mp4", "start": s, "duration": d}
                   for n, t, s, d in SCENES],
    }
    write_manifest(folder, manifest)
    return folder


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` with the sizes of the files as they are now."""
    names = [*manifest["files"].values(), *(s["file"] for s in manifest["scenes"])]
    manifest["sizes"] = {name: (folder / name).stat().st_size for name in names}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def demo_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_render(tmp_path_factory.mktemp("demo-render") / "low")


def publish(render: Path, out: Path, summary: str = "") -> site.PublishReport:
    return site.build_site([site.SiteLesson(load(render), summary)], out)


class Elements(HTMLParser):
    """Tags with their attributes, and the text of the page, as a browser's parser sees them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags
                if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


# --- the chapters track -----------------------------------------------------------------------

def test_chapters_vtt_has_one_cue_per_scene_from_its_start_to_its_end() -> None:
    scenes = [{"title": t, "start": s, "duration": d} for _, t, s, d in SCENES]
    text = site.chapters_vtt(scenes)
    assert text.startswith("WEBVTT\n\n")
    blocks = text.strip().split("\n\n")[1:]
    assert blocks == [
        "chapter-1\n00:00:00.000 --> 00:00:12.000\nWelcome &amp; overview",
        "chapter-2\n00:00:12.000 --> 00:00:27.500\nWhy a &lt; b &gt; c matters",
        "chapter-3\n00:00:27.500 --> 00:00:38.750\nWhat comes next",
    ]


def test_chapters_vtt_writes_hours_and_keeps_a_title_on_one_line() -> None:
    text = site.chapters_vtt([{"title": "Long\n\nlesson", "start": 3599.9996, "duration": 61}])
    assert "01:00:00.000 --> 01:01:01.000\nLong lesson\n" in text


def test_a_sentence_at_a_rounded_chapter_boundary_is_listed_once_in_the_later_chapter() -> None:
    # Rounded as in a real manifest: 258.533333 + 44.333333 overshoots the next start by 1 µs,
    # and the SRT writes the sentence that opens the third chapter at the millisecond below it.
    scenes = [{"title": "One", "start": 0.0, "duration": 258.533333},
              {"title": "Two", "start": 258.533333, "duration": 44.333333},
              {"title": "Three", "start": 302.866667, "duration": 56.683333}]
    line = site.TranscriptSentence
    cues = [line(302.0, 302.866, "end of two"), line(302.866, 305.0, "opens three"),
            line(302.8667, 306.0, "also three"), line(359.7, 360.0, "after the end")]
    views = site.chapter_views(scenes, cues)
    assert [[c.text for c in v.cues] for v in views] == [
        [], ["end of two"], ["opens three", "also three", "after the end"]]
    assert views[1].end == views[2].start == 302.866667
    assert "00:04:18.533 --> 00:05:02.867\nTwo" in site.chapters_vtt(scenes)


# --- pages -------------------------------------------------------------------------------------

def test_titles_summaries_and_narration_are_escaped(tmp_path: Path) -> None:
    render = make_render(tmp_path / "render", title='<script>alert("t")</script> & Co')
    out = tmp_path / "site"
    publish(render, out, summary='<img src=x onerror=alert(1)> "quoted" & summed up')
    for page_path in (out / "index.html", out / "demo-lesson" / "index.html"):
        page = page_path.read_text(encoding="utf-8")
        parsed = Elements(page)
        # The only script is the site's own; no tag came from a title or summary.
        [script] = parsed.find("script")
        assert str(script["src"]).split("?")[0].endswith("assets/site.js")
        assert not parsed.find("img", src="x")
        text = "".join(parsed.text)
        assert '<script>alert("t")</script> & Co' in text
        assert '<img src=x onerror=alert(1)> "quoted" & summed up' in text
    lesson_page = (out / "demo-lesson" / "index.html").read_text(encoding="utf-8")
    assert "When x &lt; 2, &lt;i&gt;not&lt;/i&gt; italics." in lesson_page
    assert "Why a &lt; b &gt; c matters" in lesson_page
    description = Elements(lesson_page).find("meta", property="og:description")[0]["content"]
    assert description == '<img src=x onerror=alert(1)> "quoted" & summed up'


def test_a_lesson_page_has_the_video_tracks_chapters_transcript_and_open_graph(
        tmp_path: Path, demo_render: Path) -> None:
    out = tmp_path / "site"
    publish(demo_render, out, summary="What this lesson is about.")
    page = Elements((out / "demo-lesson" / "index.html").read_text(encoding="utf-8"))
    [video] = page.find("video")
    assert video["controls"] is None and video["preload"] == "metadata"
    assert video["poster"] == "thumbnail.png"
    assert [a["src"] for a in page.find("source")] == ["lesson.mp4"]
    [captions] = page.find("track", kind="captions")
    assert captions["src"] == "lesson.vtt" and "default" in captions
    assert page.find("track", kind="chapters")[0]["src"] == "chapters.vtt"
    seeks = [a["data-seek"] for t, a in page.tags if t == "a" and "data-seek" in a]
    # Three chapters, then each transcript chapter heading and sentence.
    assert seeks[:3] == ["0", "12", "27.5"]
    assert {"0.5", "12.5", "28"} <= set(seeks)
    meta = {a["property"]: a["content"] for a in page.find("meta") if a.get("property")}
    assert meta["og:title"] == "A demo lesson"
    assert meta["og:description"] == "What this lesson is about."
    assert meta["og:image"] == "thumbnail.png" and meta["og:video"] == "lesson.mp4"
    assert meta["og:type"] == "video.other"
    index = Elements((out / "index.html").read_text(encoding="utf-8"))
    assert [a["href"] for a in index.find("a") if a["href"] != "#main"] == [
        "demo-lesson/index.html"]
    text = "".join(index.text)
    assert "A demo lesson" in text and "0:38" in text and "3 chapters" in text
    assert (out / "demo-lesson" / "chapters.vtt").read_text() == site.chapters_vtt(
        load(demo_render).scenes)


def test_every_link_is_relative_so_the_site_works_anywhere(tmp_path: Path,
                                                            demo_render: Path) -> None:
    out = tmp_path / "site"
    publish(demo_render, out)
    pages = [out / "index.html", out / "demo-lesson" / "index.html"]
    css = (out / "assets" / "site.css").read_text() + (out / "assets" / "site.js").read_text()
    assert "http" not in css and "@import" not in css and "url(" not in css
    for page_path in pages:
        parsed = Elements(page_path.read_text(encoding="utf-8"))
        for tag, attrs in parsed.tags:
            for name in ("href", "src", "poster", "content"):
                value = attrs.get(name) or ""
                if value.startswith("data:") or (
                        name == "content" and not str(attrs.get("property")).startswith("og:")):
                    continue  # an inline value, or a meta tag that is not a link
                assert not re.match(r"^([a-z][a-z0-9+.-]*:|//|/)", value), (
                    f"{page_path.name}: <{tag} {name}={value!r}> is not a relative link")
                if value and name != "content" and not value.startswith("#"):
                    target = (page_path.parent / value.split("?")[0]).resolve()
                    assert target.is_file(), f"{page_path.name} links to missing {value}"


def test_base_url_makes_the_open_graph_links_absolute(tmp_path: Path,
                                                      demo_render: Path) -> None:
    out = tmp_path / "site"
    site.build_site([site.SiteLesson(load(demo_render))], out,
                    base_url="https://example.org/course/")
    page = Elements((out / "demo-lesson" / "index.html").read_text(encoding="utf-8"))
    meta = {a["property"]: a["content"] for a in page.find("meta") if a.get("property")}
    assert meta["og:image"] == "https://example.org/course/demo-lesson/thumbnail.png"
    assert meta["og:video"] == "https://example.org/course/demo-lesson/lesson.mp4"
    assert meta["og:url"] == "https://example.org/course/demo-lesson/index.html"
    assert [a["src"] for a in page.find("source")] == ["lesson.mp4"]


# --- re-publishing ----------------------------------------------------------------------------

def test_republishing_reuses_unchanged_files_and_copies_a_changed_video(
        tmp_path: Path) -> None:
    render = make_render(tmp_path / "render")
    out = tmp_path / "site"
    first = publish(render, out)
    assert sorted(n for n, _ in first.copied) == [
        "demo-lesson/lesson.mp4", "demo-lesson/lesson.vtt", "demo-lesson/thumbnail.png"]
    inode = (out / "demo-lesson" / "lesson.mp4").stat().st_ino

    again = publish(render, out)
    assert again.copied == []
    assert sorted(n for n, _ in again.reused) == [n for n, _ in sorted(first.copied)]
    # Linked from the previous site, not copied from the render again.
    assert (out / "demo-lesson" / "lesson.mp4").stat().st_ino == inode

    make_render(render, colour="white")  # the lesson is rendered again, and its video changed
    (render / "thumbnail.png").write_bytes((render / "thumbnail.png").read_bytes())
    changed = publish(render, out)
    assert [n for n, _ in changed.copied] == ["demo-lesson/lesson.mp4"]
    assert sorted(n for n, _ in changed.reused) == ["demo-lesson/lesson.vtt",
                                                    "demo-lesson/thumbnail.png"]
    published = (out / "demo-lesson" / "lesson.mp4").read_bytes()
    assert published == (render / "lesson.mp4").read_bytes()
    record = json.loads((out / site.SITE_MANIFEST).read_text())
    assert record["files"]["demo-lesson/lesson.mp4"] == {
        "size": len(published), "sha256": hashlib.sha256(published).hexdigest()}
    # The record is published with the site: it names no folder of the author's machine.
    assert str(tmp_path) not in (out / site.SITE_MANIFEST).read_text()


def test_a_published_video_damaged_since_is_copied_again_not_kept(tmp_path: Path) -> None:
    render = make_render(tmp_path / "render")
    # Big enough to damage 4 kB in its middle; the site never decodes it.
    (render / "lesson.mp4").write_bytes(os.urandom(64 * 1024))
    write_manifest(render, json.loads((render / "manifest.json").read_text()))
    out = tmp_path / "site"
    publish(render, out)
    published = out / "demo-lesson" / "lesson.mp4"
    with published.open("r+b") as stream:  # same size, other bytes: only a hash can tell
        stream.seek(30 * 1024)
        damaged = bytes(b ^ 0xFF for b in stream.read(4096))
        stream.seek(30 * 1024)
        stream.write(damaged)

    again = publish(render, out)
    assert "demo-lesson/lesson.mp4" in [n for n, _ in again.copied]
    assert "demo-lesson/lesson.mp4" not in [n for n, _ in again.reused]
    assert sorted(n for n, _ in again.reused) == ["demo-lesson/lesson.vtt",
                                                  "demo-lesson/thumbnail.png"]
    assert any("demo-lesson/lesson.mp4" in note and "copied again" in note
               for note in again.notes), again.notes
    assert published.read_bytes() == (render / "lesson.mp4").read_bytes()


def test_a_kept_file_replaced_by_a_link_is_copied_from_the_render(tmp_path: Path) -> None:
    render = make_render(tmp_path / "render")
    out = tmp_path / "site"
    publish(render, out)
    kept = out / "demo-lesson" / "lesson.vtt"
    moved = tmp_path / "elsewhere.vtt"
    kept.rename(moved)
    kept.symlink_to(moved)  # same bytes, but a site holds files, never links out of itself
    again = publish(render, out)
    assert "demo-lesson/lesson.vtt" in [n for n, _ in again.copied]
    assert not kept.is_symlink() and kept.read_bytes() == (render / "lesson.vtt").read_bytes()


def test_a_republish_replaces_the_whole_site_and_leaves_no_temporary_folders(
        tmp_path: Path, demo_render: Path) -> None:
    other = make_render(tmp_path / "other", slug="other-lesson", title="Another")
    out = tmp_path / "site"
    publish(other, out)
    (out / "other-lesson" / "stray.txt").write_text("left from an earlier publish")
    publish(demo_render, out)
    assert sorted(p.name for p in out.iterdir()) == [
        site.SITE_MANIFEST, "assets", "demo-lesson", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".site.lock") == ["other", "site"]


def test_a_failed_publish_leaves_the_previous_site_as_it_was(
        tmp_path: Path, demo_render: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    publish(demo_render, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(text: str) -> list[site.TranscriptSentence]:
        raise RuntimeError("the disk filled up half-way")

    monkeypatch.setattr(site, "transcript", broken)
    with pytest.raises(RuntimeError, match="half-way"):
        publish(demo_render, out, summary="a new summary that never lands")
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".site.lock") == ["site"]


def test_folders_left_by_a_killed_publish_are_removed_and_publishes_take_turns(
        tmp_path: Path, demo_render: Path) -> None:
    out = tmp_path / "site"
    publish(demo_render, out)
    for leftover in (".site.new-k1ll3d", ".site.old-4242-deadbeef"):
        (tmp_path / leftover / "demo-lesson").mkdir(parents=True)
    with (tmp_path / ".site.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(UsageError, match="another publish to .* is running"):
            publish(demo_render, out)
    publish(demo_render, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_it_will_not_replace_a_folder_it_did_not_publish(tmp_path: Path,
                                                         demo_render: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty and holds no site published by lessonreel"):
        publish(demo_render, out)
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".site.lock") == ["site"]


# --- choosing lessons, and the errors people meet ---------------------------------------------

@pytest.fixture
def lessons_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two declared lessons, alpha and beta, in a throwaway package; returns its build folder."""
    name = f"site_lessons_{uuid.uuid4().hex[:8]}"
    for slug in ("alpha", "beta"):
        package = tmp_path / name / slug
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(textwrap.dedent(f'''
            from lessonreel.authoring.lesson import Lesson, SceneRef
            LESSON = Lesson(slug="{slug}-lesson", title="{slug.title()}", course="Test Course",
                            package=__name__, summary="The {slug} summary, <declared>.",
                            scenes=(SceneRef("scenes", "{slug.title()}Opens", "One"),))
        '''))
    (tmp_path / name / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("LESSONREEL_LESSONS", name)
    return tmp_path / "build"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, ["publish", "site", *args])


def test_with_no_lessons_named_it_publishes_the_rendered_ones_and_names_the_skipped(
        lessons_package: Path, tmp_path: Path) -> None:
    make_render(lessons_package / "alpha-lesson" / "low", slug="alpha-lesson", title="Alpha")
    out = tmp_path / "public"
    result = invoke("--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out / "index.html")
    assert "skipped beta-lesson: lesson 'beta-lesson' has not been rendered" in result.stderr
    assert "lessonreel render beta-lesson" in result.stderr
    assert "copied  alpha-lesson/lesson.mp4" in result.stderr
    assert "published 1 lesson" in result.stderr
    page = (out / "alpha-lesson" / "index.html").read_text()
    assert "The alpha summary, &lt;declared&gt;." in page

    again = invoke("--out", str(out))
    assert "reused  alpha-lesson/lesson.mp4" in again.stderr
    assert "0 files copied" in again.stderr


def test_naming_an_unrendered_lesson_says_how_to_render_it(lessons_package: Path,
                                                           tmp_path: Path) -> None:
    result = invoke("beta-lesson", "--out", str(tmp_path / "public"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"NotRenderedError: lesson 'beta-lesson' has not been rendered in {lessons_package}; "
        "render it first: lessonreel render beta-lesson")
    make_render(lessons_package / "beta-lesson" / "low", slug="beta-lesson")
    result = invoke("beta-lesson", "-q", "high", "--out", str(tmp_path / "public"))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("render it first: lessonreel render beta-lesson -q high")
    assert not (tmp_path / "public").exists()


def test_a_preview_render_of_some_scenes_is_refused(lessons_package: Path,
                                                    tmp_path: Path) -> None:
    make_render(lessons_package / "alpha-lesson" / "low", slug="alpha-lesson", complete=False)
    result = invoke("alpha-lesson", "--out", str(tmp_path / "public"))
    assert result.exit_code == 2
    assert "is a preview of some scenes only" in result.stderr
    assert "lessonreel render alpha-lesson" in result.stderr
    nothing = invoke("--out", str(tmp_path / "public"))
    assert nothing.exit_code == 2
    assert "NotRenderedError: no registered lesson has a complete render" in nothing.stderr


def test_an_unknown_lesson_lists_the_known_ones(lessons_package: Path, tmp_path: Path) -> None:
    result = invoke("gamma-lesson", "--out", str(tmp_path / "public"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "UnknownLessonError: unknown lesson 'gamma-lesson'; "
        "known lessons: alpha-lesson, beta-lesson")


def test_from_a_folder_that_is_not_a_render(tmp_path: Path) -> None:
    result = invoke("--from", str(tmp_path), "--out", str(tmp_path / "public"))
    assert result.exit_code == 2
    assert "holds no rendered lesson (no manifest.json)" in result.stderr


def test_choose_lessons_refuses_mixed_sources_and_duplicate_lessons(demo_render: Path) -> None:
    registry = {"demo-lesson": Lesson(slug="demo-lesson", title="Demo", course="C",
                                      package="x", summary="Declared summary.",
                                      scenes=(SceneRef("m", "A", "A"),))}
    chosen, skipped = site.choose_lessons([], registry, Path("/nonexistent"),
                                          from_dirs=[demo_render])
    assert [c.summary for c in chosen] == ["Declared summary."] and skipped == []
    with pytest.raises(UsageError, match="not both"):
        site.choose_lessons(["demo-lesson"], registry, Path("."), from_dirs=[demo_render])
    with pytest.raises(UsageError, match="given twice"):
        site.choose_lessons([], registry, Path("."), from_dirs=[demo_render, demo_render])
    with pytest.raises(NotRenderedError):
        site.choose_lessons([], registry, Path("/nonexistent"))


# --- in a real browser ---------------------------------------------------------------------

SCRIPT_TITLE = 'Derivatives <script>window.injected = true</script> & "more"'


def wait_until(page: Any, expression: str, arg: Any = None, timeout: float = 10.0) -> None:
    """Poll ``expression`` from Python until it is true.

    Playwright's own wait_for_function evaluates strings inside the page, which
    the site's Content-Security-Policy forbids, as it should.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


def showing_tracks(page: Any) -> list[list[Any]]:
    """The kind and cue count of each text track the page's player is showing."""
    found: list[list[Any]] = page.evaluate(
        """() => Array.from(document.getElementById('player').textTracks)
        .filter(t => t.mode === 'showing').map(t => [t.kind, t.cues.length])""")
    return found


class RangeServer:
    """The sites on 127.0.0.1, with Range requests: Chromium seeks an MP4 through them."""

    def __init__(self, root: Path) -> None:
        self.server = serve_folder(root)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def published(module02_low: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Module 2's site and a copy whose title holds a script tag, served from subfolders."""
    root = tmp_path_factory.mktemp("served")
    result = run_lessonreel("publish", "site", "--from", str(module02_low),
                            "--out", str(root / "course"))
    assert result.returncode == 0, result.stderr
    # The title on a page comes from the render's manifest: the one the video was made with.
    copy = root / "render-copy"
    shutil.copytree(module02_low, copy, copy_function=os.link)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["title"] = SCRIPT_TITLE
    (copy / "manifest.json").unlink()
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = run_lessonreel("publish", "site", "--from", str(copy), "--out", str(root / "odd"))
    assert result.returncode == 0, result.stderr
    server = RangeServer(root)
    yield server.url, root, json.loads((module02_low / "manifest.json").read_text())
    server.close()


@pytest.fixture(scope="module")
def browser(published: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's Chromium plays H.264; Playwright never downloads a browser here.
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        yield chromium
        chromium.close()


@pytest.fixture
def lesson_page(browser: Any, published: Any) -> Iterator[Any]:
    url, _, _ = published
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(url + "course/module02-derivatives/index.html")
    wait_until(page, "document.getElementById('player').readyState >= 1")
    yield page
    page.close()


@pytest.mark.render
def test_the_pages_fetch_nothing_from_outside_the_site(lesson_page: Any, published: Any) -> None:
    url, _, _ = published
    lesson_page.locator(".back-link").click()
    lesson_page.wait_for_load_state()
    assert lesson_page.url == url + "course/index.html"
    assert lesson_page.locator(".lesson-card img").evaluate("img => img.naturalWidth") == 1280
    fetched = {r.removeprefix(url).split("?")[0] for r in lesson_page.requested}
    assert {"course/module02-derivatives/lesson.mp4", "course/module02-derivatives/lesson.vtt",
            "course/assets/site.css", "course/assets/site.js"} <= fetched
    assert all(r.startswith(url) for r in lesson_page.requested), lesson_page.requested


@pytest.mark.render
def test_the_video_loads_with_the_manifests_duration(lesson_page: Any, published: Any) -> None:
    _, _, manifest = published
    duration = lesson_page.evaluate("document.getElementById('player').duration")
    assert duration == pytest.approx(manifest["duration"], abs=0.2)


@pytest.mark.render
def test_muted_playback_advances(lesson_page: Any) -> None:
    lesson_page.evaluate("""async () => {
        const video = document.getElementById('player');
        video.muted = true;
        await video.play();
    }""")
    wait_until(lesson_page, "document.getElementById('player').currentTime > 0.5")


@pytest.mark.render
def test_captions_are_on_and_hold_every_sentence(lesson_page: Any, module02_low: Path) -> None:
    sentences = list(srt.parse((module02_low / "lesson.srt").read_text(encoding="utf-8")))
    wait_until(lesson_page, "document.querySelector('track[kind=captions]').readyState === 2")
    tracks = lesson_page.evaluate("""() => Array.from(document.getElementById('player').textTracks,
        t => ({kind: t.kind, mode: t.mode, cues: t.cues ? t.cues.length : 0,
               first: t.cues && t.cues.length ? t.cues[0].text : null}))""")
    assert tracks[0] == {"kind": "captions", "mode": "showing", "cues": len(sentences),
                         "first": sentences[0].content}
    assert len(sentences) > 10


@pytest.mark.render
def test_the_third_chapter_seeks_by_click_and_the_fourth_by_keyboard(
        lesson_page: Any, published: Any) -> None:
    _, _, manifest = published
    third, fourth = (scene["start"] for scene in manifest["scenes"][2:4])
    lesson_page.locator(".chapter-list a").nth(2).click()
    at = "(t) => { const v = document.getElementById('player'); " \
         "return !v.seeking && v.currentTime >= t - 0.1 && v.currentTime < t + 2; }"
    wait_until(lesson_page, at, third)
    lesson_page.evaluate("document.getElementById('player').pause()")
    wait_until(lesson_page, "document.querySelectorAll('.chapter-list li')[2]"
                            ".getAttribute('aria-current') === 'true'")
    lesson_page.locator(".chapter-list a").nth(3).focus()
    lesson_page.keyboard.press("Enter")
    wait_until(lesson_page, at, fourth)
    assert lesson_page.evaluate("location.hash") == "#t=" + f"{fourth:.3f}".rstrip("0").rstrip(".")


def test_a_sentence_cut_into_captions_is_one_sentence_of_the_transcript() -> None:
    pieces = [(1.0, 3.5, "When x slides from 2 to 2.001,\nthe output moves"),
              (3.5, 6.0, "from 10 to 10.005."), (6.4, 8.0, "A new sentence,"),
              (8.5, 9.5, "after a pause.")]
    text = srt.compose([srt.Subtitle(i, timedelta(seconds=a), timedelta(seconds=b), t)
                        for i, (a, b, t) in enumerate(pieces, 1)])
    first, second, third = site.transcript(text)
    assert first.text == "When x slides from 2 to 2.001, the output moves from 10 to 10.005."
    assert (first.start, first.end) == (1.0, 6.0)
    # The captions it was cut into stay with it, lines and all, for the page's own track.
    assert [c.text for c in first.captions] == [pieces[0][2], pieces[1][2]]
    # A gap means a new cue of the same sentence was not shown on from the last.
    assert second.text == "A new sentence," and third.text == "after a pause."


def test_a_lesson_page_carries_each_sentences_captions_for_its_own_track(
        tmp_path: Path) -> None:
    render = make_render(tmp_path / "low")
    cues = [srt.Subtitle(1, timedelta(seconds=0.5), timedelta(seconds=2), "Hello and,\nwelcome"),
            srt.Subtitle(2, timedelta(seconds=2), timedelta(seconds=3), "to the lesson.")]
    (render / "lesson.srt").write_text(srt.compose(cues), encoding="utf-8")
    write_manifest(render, json.loads((render / "manifest.json").read_text()))
    out = tmp_path / "site"
    publish(render, out)
    html_text = (out / "demo-lesson" / "index.html").read_text(encoding="utf-8")
    page = Elements(html_text)
    assert [a["data-start"] for a in page.find("span", **{"class": "caption"})] == ["0.5", "2"]
    assert "Hello and, welcome to the lesson." in "".join(page.text)
    assert 'hidden data-start="0.5" data-end="2">Hello and,\nwelcome</span>' in html_text


@pytest.mark.render
def test_the_transcript_holds_every_sentence_with_a_time_that_seeks(
        lesson_page: Any, module02_low: Path) -> None:
    sentences = site.transcript((module02_low / "lesson.srt").read_text(encoding="utf-8"))
    texts = lesson_page.locator(".cue .cue-text").all_inner_texts()
    assert texts == [s.text for s in sentences]
    # Every caption of the video belongs to one sentence of the transcript.
    captions = list(srt.parse((module02_low / "lesson.srt").read_text(encoding="utf-8")))
    assert sum(len(s.captions) for s in sentences) == len(captions)
    target = sentences[5].start
    lesson_page.locator(".cue .time").nth(5).click()
    wait_until(lesson_page, "(t) => { const v = document.getElementById('player'); "
                            "return !v.seeking && Math.abs(v.currentTime - t) < 1.5; }", target)


@pytest.mark.render
def test_opened_from_disk_it_plays_seeks_and_shows_captions_from_the_transcript(
        browser: Any, published: Any, module02_low: Path) -> None:
    _, root, manifest = published
    sentences = list(srt.parse((module02_low / "lesson.srt").read_text(encoding="utf-8")))
    page = browser.new_page()
    page.goto((root / "course" / "index.html").as_uri())
    page.locator(".lesson-card a").click()
    assert page.url == (root / "course" / "module02-derivatives" / "index.html").as_uri()
    wait_until(page, "document.getElementById('player').readyState >= 1")
    # Chromium refuses <track> files on file:// pages; the script builds the track instead.
    assert showing_tracks(page) == [["captions", len(sentences)]]
    page.locator(".chapter-list a").nth(2).click()
    wait_until(page, "(t) => { const v = document.getElementById('player'); "
                     "return !v.seeking && Math.abs(v.currentTime - t) < 2; }",
               manifest["scenes"][2]["start"])
    page.close()


@pytest.mark.render
def test_a_title_with_a_script_tag_is_shown_as_text(browser: Any, published: Any) -> None:
    url, _, _ = published
    page = browser.new_page()
    page.goto(url + "odd/module02-derivatives/index.html")
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    assert page.title() == SCRIPT_TITLE
    assert page.evaluate("window.injected") is None
    # Only the page's own scripts: the site's, the questions' and their data (Module 2
    # asks), none the title brought in.
    scripts = page.evaluate("[...document.scripts].map(s => s.type === 'application/json' "
                            "? '#' + s.id : new URL(s.src).pathname.split('/').pop())")
    assert sorted(scripts) == ["#lesson-questions", "questions.js", "site.js"]
    page.goto(url + "odd/index.html")
    assert page.locator(".lesson-card-title").inner_text() == SCRIPT_TITLE
    page.close()


@pytest.mark.render
def test_screenshots_of_the_lesson_page_on_a_desktop_and_a_phone(
        browser: Any, published: Any, tmp_path: Path) -> None:
    """Saved for a person to look at; checked here for the theme and a page that fits a phone.

    Both play the third chapter for a moment, so they show a frame with its caption.
    """
    url, _, manifest = published
    artefacts = tmp_path / "screenshots"
    artefacts.mkdir()
    for name, viewport in (("desktop", {"width": 1280, "height": 900}),
                           ("phone", {"width": 390, "height": 844})):
        page = browser.new_page(viewport=viewport)
        page.goto(url + "course/module02-derivatives/index.html")
        wait_until(page, "document.getElementById('player').readyState >= 2")
        page.evaluate("document.getElementById('player').muted = true")
        page.locator(".chapter-list a").nth(2).click()
        wait_until(page, "(t) => document.getElementById('player').currentTime > t",
                   manifest["scenes"][2]["start"] + 1.5)
        page.evaluate("document.getElementById('player').pause(); window.scrollTo(0, 0)")
        # Let the player's own controls settle (their loading spinner fades out).
        page.wait_for_timeout(500)
        # Nothing is wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot = artefacts / f"lesson-{name}.png"
        page.screenshot(path=str(shot))
        page.close()
        with Image.open(shot) as image:
            assert image.size == (viewport["width"], viewport["height"])
            # The page's background is the videos' background, #14161C.
            assert image.convert("RGB").getpixel((viewport["width"] - 3, 60)) == (20, 22, 28)
        shutil.copyfile(shot, Path("/tmp") / f"site-shot-{name}.png")
    shutil.copyfile(artefacts / "lesson-desktop.png", "/tmp/site-shot.png")


@pytest.mark.render
def test_module2_is_presented_beat_by_beat_from_the_site(
        browser: Any, published: Any, module02_low: Path) -> None:
    url, _, manifest = published
    timeline = json.loads((module02_low / "beats.json").read_text())
    fps = manifest["fps"]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url + "course/module02-derivatives/present.html")
    wait_until(page, "window.lessonreelPresenter && "
                     "document.getElementById('player').readyState >= 2")
    assert page.evaluate("window.lessonreelPresenter.beats.length") == len(timeline["beats"])
    page.keyboard.press("m")
    page.keyboard.press("ArrowRight")
    wait_until(page, "window.lessonreelPresenter.state.mode === 'ended' && "
                     "!document.getElementById('player').seeking", timeout=60)
    last = timeline["beats"][0]["end_frame"] - 1
    at = page.evaluate("document.getElementById('player').currentTime")
    # Paused on the first beat's last frame: within it, not a frame into the next beat.
    assert last / fps <= at < (last + 1) / fps
    assert page.evaluate("window.lessonreelPresenterLog[0].highest") <= last
    assert page.locator("#chapter-title").text_content() == manifest["scenes"][0]["title"]
    # The third chapter by its number, on its first beat's first frame.
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    third = timeline["chapters"][2]
    wait_until(page, f"window.lessonreelPresenter.state.cursor === {third['first_beat']} && "
                     "!document.getElementById('player').seeking")
    at = page.evaluate("document.getElementById('player').currentTime")
    assert third["first_frame"] / fps <= at < (third["first_frame"] + 1) / fps
    page.close()


@pytest.mark.render
def test_the_present_view_opened_from_disk_shows_captions_from_the_page(
        browser: Any, published: Any, module02_low: Path) -> None:
    _, root, _ = published
    cues = list(srt.parse((module02_low / "lesson.srt").read_text(encoding="utf-8")))
    page = browser.new_page()
    page.goto((root / "course" / "module02-derivatives" / "present.html").as_uri())
    wait_until(page, "window.lessonreelPresenter && "
                     "document.getElementById('player').readyState >= 1")
    wait_until(page, """() => Array.from(document.getElementById('player').textTracks)
        .some(t => t.mode === 'showing' && t.cues && t.cues.length > 0)""")
    assert showing_tracks(page) == [["captions", len(cues)]]
    page.close()
