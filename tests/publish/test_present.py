"""The presenter: beat by beat in Debian's Chromium, on a frame-exact timeline.

Each lesson here is made with ffmpeg so that every frame shows its own number (its
grey level), so the test reads off the picture which frame the presenter stopped on,
instead of trusting the player's clock. The published Module 2 is presented in
tests/publish/test_site.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import srt
from PIL import Image

from lessonreel.captions.timeline import AskedQuestion, SceneBeats, beat_timeline
from tests.conftest import LESSONREEL, run_lessonreel
from tests.publish.test_site import RangeServer, wait_until, write_manifest

FPS = 15
#: A grey level per frame: frame n is drawn at luma 16 + STEP * n.
STEP = 5
SCRIPT_TITLE = "Beats <script>window.injected = true</script> & more"

#: (scene, chapter title, frames, [(beat, end in s on the scene's clock, text)]).
#: Chapter 1 has a beat of 3 frames (0.2 s); the frame of every boundary is known.
MIXED = [
    ("Intro", "Welcome & plan", 13, [("hello", 10 / FPS, "Hello there. Welcome."),
                                     ("blink", 13 / FPS, "A short one.")]),
    ("Body", "The <b>middle</b>", 27, [("three", 12 / FPS, "Third beat says this."),
                                       ("four", 27 / FPS, "Fourth and last.")]),
]
#: The last frame of each beat above, on the lesson's timeline.
MIXED_LAST_FRAMES = [9, 12, 24, 39]
ONE_EACH = [
    ("A", "First", 10, [("a", 10 / FPS, "Only A.")]),
    ("B", "Second", 12, [("b", 12 / FPS, "Only B.")]),
    ("C", "Third", 8, [("c", 8 / FPS, "Only C.")]),
]


def make_lesson(folder: Path, slug: str, title: str,
                scenes: list[tuple[str, str, int, list[tuple[str, float, str]]]],
                questions: Mapping[str, Sequence[AskedQuestion]] | None = None) -> Path:
    """A rendered lesson whose frame n shows grey level 16 + STEP * n, with its beats and
    the ``questions`` each scene (by name) asks, in beats.json and the manifest."""
    frames = sum(count for _, _, count, _ in scenes)
    assert 16 + STEP * frames < 236
    (folder / "scenes").mkdir(parents=True)
    # Closed GOPs with B-frames and an edit list, as lessonreel's own videos have.
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c=black:s=160x90:r={FPS}:d={frames / FPS},"
                    f"geq=lum='16+{STEP}*N':cb=128:cr=128", "-frames:v", str(frames),
                    "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-bf", "2",
                    "-g", str(FPS // 2), "-qp", "4", "-movflags", "+faststart",
                    str(folder / "lesson.mp4")], check=True)
    cues = [srt.Subtitle(i, timedelta(seconds=i), timedelta(seconds=i + 0.5), f"Cue {i}")
            for i in (0, 1)]
    (folder / "lesson.srt").write_text(srt.compose(cues), encoding="utf-8")
    (folder / "lesson.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:00.500\nCue 0\n")
    Image.new("RGB", (1280, 720), "#14161C").save(folder / "thumbnail.png")
    Image.new("RGB", (64, 36), "#14161C").save(folder / "contact-sheet.png")
    asked = questions or {}
    timeline = beat_timeline(slug, FPS, [SceneBeats(*scene, questions=asked.get(scene[0], ()))
                                         for scene in scenes])
    (folder / "beats.json").write_text(json.dumps(timeline.to_json()), encoding="utf-8")
    starts = [c.start for c in timeline.chapters]
    for name, *_ in scenes:
        (folder / "scenes" / f"{name}.mp4").write_bytes(b"")
    write_manifest(folder, {
        "lesson": slug, "title": title, "course": "Test Course", "quality": "low",
        "width": 160, "height": 90, "fps": FPS, "duration": frames / FPS, "complete": True,
        "files": {"video": "lesson.mp4", "srt": "lesson.srt", "vtt": "lesson.vtt",
                  "thumbnail": "thumbnail.png", "contact_sheet": "contact-sheet.png",
                  "beats": "beats.json"},
        "scenes": [{"name": name, "title": chapter, "file": f"scenes/{name}.mp4",
                    "start": start, "duration": count / FPS}
                   for (name, chapter, count, _), start in zip(scenes, starts, strict=True)],
        "questions": [q.to_json() for q in timeline.questions], "mastery_score": 80,
    })
    return folder


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("present-renders")
    return {"mixed": make_lesson(root / "mixed", "mixed-beats", SCRIPT_TITLE, MIXED),
            "one-each": make_lesson(root / "one", "one-beat-each", "One beat each", ONE_EACH)}


@pytest.fixture(scope="module")
def served(renders: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("present-site")
    result = run_lessonreel("publish", "site", "--from", str(renders["mixed"]),
                            "--from", str(renders["one-each"]), "--out", str(root / "site"))
    assert result.returncode == 0, result.stderr
    server = RangeServer(root)
    yield server.url + "site/"
    server.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 960, "height": 640})
    yield context
    context.close()


def open_presenter(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url)
    wait_until(page, "window.lessonreelPresenter && "
                     "document.getElementById('player').readyState >= 2 && "
                     "!document.getElementById('player').seeking")
    return page


def frame_on_screen(page: Any) -> int:
    """The frame the video shows now, read from its picture (its grey level)."""
    wait_until(page, "!document.getElementById('player').seeking")
    level = page.evaluate("""() => new Promise((resolve, reject) => {
        const video = document.getElementById('player');
        const read = () => {
            try {
                const canvas = document.createElement('canvas');
                canvas.width = video.videoWidth; canvas.height = video.videoHeight;
                const context = canvas.getContext('2d');
                context.drawImage(video, 0, 0);
                resolve(context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data[0]);
            } catch (error) {
                reject(error);  // e.g. a page from disk, whose video taints the canvas
            }
        };
        // A timer, not animation frames: those never come to a page in the background.
        setTimeout(read, 100);
    })""")
    # Limited-range luma 16 + STEP * n shows as (STEP * n) * 255 / 219 in RGB.
    return round(level * 219 / 255 / STEP)


def press(page: Any, key: str, then: str = "ended") -> None:
    page.keyboard.press(key)
    wait_until(page, f"window.lessonreelPresenter.state.mode === '{then}'", timeout=20)


def state(page: Any) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate("({...window.lessonreelPresenter.state})")
    return found


@pytest.mark.render
def test_next_plays_exactly_the_first_beat_and_back_returns(context: Any, served: str) -> None:
    page = open_presenter(context, served + "mixed-beats/present.html")
    assert frame_on_screen(page) == 0
    press(page, "ArrowRight")
    assert state(page)["cursor"] == 1
    assert frame_on_screen(page) == MIXED_LAST_FRAMES[0]
    log = page.evaluate("window.lessonreelPresenterLog")
    # Never a frame of the next beat, not even in passing.
    assert log[0]["highest"] <= MIXED_LAST_FRAMES[0]
    wait_until(page, "window.lessonreelPresenterLog[0].shown !== null")
    assert page.evaluate("window.lessonreelPresenterLog[0].shown") == MIXED_LAST_FRAMES[0]
    press(page, "ArrowLeft", then="ready")
    assert state(page)["cursor"] == 0
    assert frame_on_screen(page) == 0


@pytest.mark.render
def test_every_beat_pauses_on_its_last_frame_the_short_one_too(context: Any, served: str) -> None:
    page = open_presenter(context, served + "mixed-beats/present.html")
    for index, last in enumerate(MIXED_LAST_FRAMES):
        press(page, "ArrowRight" if index % 2 == 0 else "PageDown")
        assert frame_on_screen(page) == last, f"beat {index + 1}"
    log = page.evaluate("window.lessonreelPresenterLog")
    assert [entry["highest"] <= entry["last"] for entry in log] == [True] * 4
    # At the end, next does nothing; PageUp goes back to the last beat's start.
    page.keyboard.press("ArrowRight")
    assert state(page) | {"startedAt": None} == {"cursor": 4, "mode": "ended", "typed": "",
                                                 "startedAt": None}
    press(page, "PageUp", then="ready")
    assert frame_on_screen(page) == MIXED_LAST_FRAMES[2] + 1


@pytest.mark.render
def test_a_chapter_number_and_enter_land_on_its_first_beat(context: Any, served: str) -> None:
    page = open_presenter(context, served + "mixed-beats/present.html")
    page.keyboard.press("2")
    assert page.locator("#typed").text_content() == "chapter 2 ⏎"
    press(page, "Enter", then="ready")
    assert state(page)["cursor"] == 2
    assert frame_on_screen(page) == MIXED_LAST_FRAMES[1] + 1
    assert page.locator("#chapter-title").text_content() == "The <b>middle</b>"
    press(page, "Space")
    assert frame_on_screen(page) == MIXED_LAST_FRAMES[2]
    # End and Home.
    page.keyboard.press("End")
    wait_until(page, "window.lessonreelPresenter.state.cursor === 4")
    assert frame_on_screen(page) == MIXED_LAST_FRAMES[-1]
    press(page, "Home", then="ready")
    assert frame_on_screen(page) == 0
    # A chapter that does not exist changes nothing.
    page.keyboard.press("9")
    page.keyboard.press("Enter")
    assert state(page)["cursor"] == 0


@pytest.mark.render
def test_a_lesson_of_one_beat_a_scene_steps_through_its_chapters(
        context: Any, served: str) -> None:
    page = open_presenter(context, served + "one-beat-each/present.html")
    for number, last in enumerate([9, 21, 29], 1):
        press(page, "ArrowRight")
        assert frame_on_screen(page) == last
        assert page.locator("#chapter-number").text_content() == f"Chapter {number} of 3:"


@pytest.mark.render
def test_the_notes_window_follows_the_main_one_and_drives_it(context: Any, served: str) -> None:
    page = open_presenter(context, served + "mixed-beats/present.html")
    notes = context.new_page()
    notes.goto(served + "mixed-beats/present.html?notes")
    wait_until(notes, "document.getElementById('notes-now').textContent === "
                      "'Hello there. Welcome.'")
    assert notes.locator("#notes-next").text_content() == "A short one."
    assert notes.locator("#notes-state").text_content() == "ready to play"
    press(page, "ArrowRight")
    wait_until(notes, "document.getElementById('notes-state').textContent === "
                      "'paused at its end'")
    # Keys pressed in the notes window drive the main one.
    notes.keyboard.press("ArrowRight")
    wait_until(page, "window.lessonreelPresenter.state.cursor === 2 && "
                     "window.lessonreelPresenter.state.mode === 'ended'", timeout=20)
    wait_until(notes, "document.getElementById('notes-now').textContent === 'A short one.'")
    assert notes.locator("#notes-next").text_content() == "Third beat says this."
    assert notes.locator("#notes-chapter").text_content() == "Chapter 1 of 2: Welcome & plan"
    assert notes.locator("#elapsed").text_content() != ""
    notes.keyboard.press("M")
    wait_until(notes, "document.getElementById('notes-link').textContent.includes('off')")
    assert page.evaluate("document.getElementById('player').muted") is True


@pytest.mark.render
def test_n_opens_the_notes_window(context: Any, served: str) -> None:
    page = open_presenter(context, served + "mixed-beats/present.html")
    with context.expect_page() as opened:
        page.keyboard.press("n")
    notes = opened.value
    # The popup exists before its document does; reading it earlier finds no elements.
    notes.wait_for_load_state("domcontentloaded")
    assert notes.url.endswith("present.html?notes")
    wait_until(notes, "document.getElementById('notes-now').textContent === "
                      "'Hello there. Welcome.'")


@pytest.mark.render
def test_captions_toggle_and_a_script_in_the_title_is_text(context: Any, served: str) -> None:
    page = open_presenter(context, served + "mixed-beats/present.html")
    assert page.title() == f"Present: {SCRIPT_TITLE}"
    assert page.evaluate("window.injected") is None
    assert page.locator("#captions-state").text_content() == "captions on"
    page.keyboard.press("c")
    assert page.locator("#captions-state").text_content() == "captions off"
    assert page.evaluate("document.getElementById('player').textTracks[0].mode") == "hidden"


@pytest.mark.render
def test_the_lesson_page_links_to_its_present_view(context: Any, served: str) -> None:
    page = context.new_page()
    page.goto(served + "mixed-beats/index.html")
    page.locator(".present-link").click()
    page.wait_for_load_state()
    assert page.url == served + "mixed-beats/present.html"


def linked_copy(render: Path, into: Path) -> Path:
    """``render``'s files linked into ``into``, but for its beats and manifest."""
    (into / "scenes").mkdir(parents=True)
    for path in render.rglob("*"):
        if path.is_file() and path.name not in ("beats.json", "manifest.json"):
            os.link(path, into / path.relative_to(render))
    return into


def test_a_render_without_beats_publishes_with_no_present_view(
        renders: dict[str, Path], tmp_path: Path) -> None:
    copy = linked_copy(renders["one-each"], tmp_path / "render")
    manifest = json.loads((renders["one-each"] / "manifest.json").read_text())
    del manifest["files"]["beats"]
    write_manifest(copy, manifest)
    result = run_lessonreel("publish", "site", "--from", str(copy), "--out", str(tmp_path / "s"))
    assert result.returncode == 0, result.stderr
    assert "no Present view" in result.stderr
    assert not (tmp_path / "s" / "one-beat-each" / "present.html").exists()
    assert "present-link" not in (tmp_path / "s" / "one-beat-each" / "index.html").read_text()


def test_a_damaged_beats_file_is_refused_in_one_line(renders: dict[str, Path],
                                                     tmp_path: Path) -> None:
    copy = linked_copy(renders["one-each"], tmp_path / "render")
    timeline = json.loads((renders["one-each"] / "beats.json").read_text())
    timeline["beats"][1]["first_frame"] += 2
    (copy / "beats.json").write_text(json.dumps(timeline))
    write_manifest(copy, json.loads((renders["one-each"] / "manifest.json").read_text()))
    result = run_lessonreel("present", "--from", str(copy), "--no-open")
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert "beats.json: beats[1] ('b') does not follow on" in line and "render" in line


def test_a_listed_beats_file_that_is_gone_is_named_in_one_line(renders: dict[str, Path],
                                                               tmp_path: Path) -> None:
    copy = linked_copy(renders["one-each"], tmp_path / "render")
    manifest = json.loads((renders["one-each"] / "manifest.json").read_text())
    del manifest["sizes"]["beats.json"]  # listed, not sized: only reading it finds it gone
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = run_lessonreel("present", "--from", str(copy), "--no-open")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert f"{copy.resolve() / 'beats.json'} is missing" in line and "render" in line
    assert "rendered before presenting was possible" not in line


def test_present_names_the_known_lessons_when_given_an_unknown_one() -> None:
    result = run_lessonreel("present", "no-such-lesson", "--no-open")
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert "no-such-lesson" in line and "module02-derivatives" in line


def ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(("stop", "background"), [(signal.SIGINT, False), (signal.SIGTERM, False),
                                                  (signal.SIGINT, True)])
def test_present_serves_the_page_and_the_video_with_ranges(
        renders: dict[str, Path], stop: signal.Signals, background: bool) -> None:
    """Stopped by Ctrl-C or a kill, also when started as a shell's background job is
    (with Ctrl-C ignored), it stops cleanly and leaves nothing behind."""
    served = Path(tempfile.gettempdir()).glob("lessonreel-present-*")
    before = set(served)
    process = subprocess.Popen([*LESSONREEL, "present", "--from", str(renders["mixed"]),
                                "--no-open"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=ignore_ctrl_c if background else None)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/present.html")
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read().decode()
        assert "Beats &lt;script&gt;" in page and "<script>window" not in page
        request = urllib.request.Request(url.replace("present.html", "lesson.mp4"),
                                         headers={"Range": "bytes=100-199"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 206
            body = response.read()
        assert body == (renders["mixed"] / "lesson.mp4").read_bytes()[100:200]
    finally:
        process.send_signal(stop)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "speaker notes: " in err and err.rstrip().endswith("stopped")
    # It served its page from memory and wrote nothing; the render is untouched.
    assert set(Path(tempfile.gettempdir()).glob("lessonreel-present-*")) == before
    assert (renders["mixed"] / "lesson.mp4").is_file()


@pytest.mark.render
def test_opened_from_disk_the_notes_follow_and_drive_the_main_window(
        context: Any, renders: dict[str, Path], tmp_path: Path) -> None:
    result = run_lessonreel("publish", "site", "--from", str(renders["mixed"]),
                            "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    page_url = (tmp_path / "site" / "mixed-beats" / "present.html").as_uri()
    page = open_presenter(context, page_url)
    # One notes window opened by hand, one with N (the second talks by postMessage too).
    by_hand = context.new_page()
    by_hand.goto(page_url + "?notes")
    with context.expect_page() as opened:
        page.keyboard.press("n")
    opened.value.wait_for_load_state("domcontentloaded")
    for notes in (by_hand, opened.value):
        wait_until(notes, "document.getElementById('notes-now').textContent === "
                          "'Hello there. Welcome.'")
    opened.value.keyboard.press("ArrowRight")
    wait_until(page, "window.lessonreelPresenter.state.mode === 'ended'", timeout=20)
    # The beat played to its own end and logged it: the command reached the main window
    # by both routes, and a second "next" would have cut the beat short, unlogged. A video
    # from disk cannot be read back through a canvas: the compositor's word for the frame
    # on screen is taken instead.
    wait_until(page, "window.lessonreelPresenterLog.length === 1 && "
                     "window.lessonreelPresenterLog[0].shown !== null")
    assert page.evaluate("window.lessonreelPresenterLog[0].shown") == MIXED_LAST_FRAMES[0]
    assert state(page)["cursor"] == 1
    wait_until(by_hand, "document.getElementById('notes-state').textContent === "
                        "'paused at its end'")
