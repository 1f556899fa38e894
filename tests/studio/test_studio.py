"""``lessonreel studio`` in Debian's Chromium, on a copy of the project.

One studio runs for the module, on the scene ``lessonreel new`` writes (two beats, Piper's
voice): its first render is shared by every test, and the tests after it edit the copy in
turn (narration, then an overlap, then an error), each waiting for the render its save
starts. Nothing here touches the repository's own files.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.publish.test_site import wait_until
from tests.test_authoring import SCENE, SLUG, Repo

pytestmark = [pytest.mark.render, pytest.mark.browser]

FPS = 15


@dataclass
class Running:
    url: str
    base: str
    process: subprocess.Popen[str]
    repo: Repo
    errors: Path

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1].strip("/"))

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.base + "state.json", timeout=10) as answer:
            found: dict[str, Any] = json.load(answer)
        return found

    def scene(self) -> dict[str, Any]:
        found: dict[str, Any] = self.state()["scenes"].get(SCENE, {})
        return found

    def record(self) -> dict[str, Any]:
        """The scene cache's record of the render the page plays now."""
        records = sorted((self.repo.cache / "scenes" / SLUG / SCENE / "low-piper").glob(
            "*/record.json"), key=lambda p: p.stat().st_mtime)
        found: dict[str, Any] = json.loads(records[-1].read_text())
        return found

    def edit(self, old: str, new: str) -> None:
        source = self.repo.scene_file.read_text()
        assert old in source
        self.repo.scene_file.write_text(source.replace(old, new, 1))


def wait_for(running: Running, predicate: Any, timeout: float = 150) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        scene = running.scene()
        if predicate(scene):
            return scene
        assert running.process.poll() is None, running.errors.read_text()
        assert time.monotonic() < deadline, f"still not there after {timeout} s: {scene}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    repo = Repo(tmp_path_factory.mktemp("studio-repo"))
    made = repo.run("new", SLUG, "--title", "Vectors in the Plane")
    assert made.returncode == 0, made.stderr
    env = {**os.environ, "LESSONREEL_CACHE_DIR": str(repo.cache)}
    env.pop("LESSONREEL_LESSONS", None)
    # To a file, not a pipe: a pipe nobody reads would stop the studio once it filled.
    errors = repo.root / "studio-stderr.txt"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "lessonreel.cli", "studio", SLUG, "--no-open", "--port",
             "0"], cwd=repo.root, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), errors.read_text()
    running = Running(url, url.rsplit("/", 1)[0] + "/", process, repo, errors)
    try:
        wait_for(running, lambda scene: scene.get("version", 0) >= 1, timeout=240)
        yield running
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(studio: Running) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's Chromium plays H.264; Playwright never downloads a browser here.
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser: Any, studio: Running) -> Iterator[Any]:
    """One page for the whole module, as an author keeps one open while editing."""
    opened = browser.new_page(viewport={"width": 1280, "height": 800})
    opened.errors = []
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.goto(studio.url)
    wait_until(opened, "window.lessonreelStudio && window.lessonreelStudio.loads >= 1 "
                       "&& document.getElementById('player').readyState >= 2", timeout=30)
    # Gone if the page is ever loaded again: every later change must come in place.
    opened.evaluate("window.sameDocument = true")
    yield opened
    assert opened.errors == []
    opened.close()


def frame(page: Any) -> int:
    wait_until(page, "!document.getElementById('player').seeking")
    found: int = page.evaluate("window.lessonreelStudio.frame()")
    return found


def test_the_outline_lists_the_lesson_with_each_scene_and_its_beats(page: Any) -> None:
    scenes = page.locator("#outline-list > li")
    assert scenes.count() == 1
    assert scenes.first.get_attribute("data-scene") == SCENE
    assert "Welcome" in scenes.first.locator(".scene-title").inner_text()
    assert page.locator("#outline-list .beat-button").all_inner_texts() == [
        "welcome", "first-rule"]
    assert page.title() == "Studio: Vectors in the Plane"


def test_beat_blocks_and_word_ticks_match_the_renders_records(page: Any,
                                                              studio: Running) -> None:
    record = studio.record()
    blocks = page.evaluate("""() => Array.from(document.querySelectorAll('.lane-beats .beat'),
        b => [b.dataset.name, +b.dataset.firstFrame, +b.dataset.endFrame])""")
    ends = [round(beat["end"] * FPS) for beat in record["beats"]]
    ends[-1] = record["frames"]
    assert blocks == [[beat["name"], first, end] for beat, first, end in zip(
        record["beats"], [0, *ends[:-1]], ends, strict=True)]
    ticks = page.evaluate("""() => Array.from(document.querySelectorAll('.lane-words .word'),
        w => [w.dataset.beat, w.dataset.word, +w.dataset.start])""")
    expected = [[beat["name"], word, round(beat["start"] + start, 4)]
                for beat in record["beats"] for sentence in beat["sentences"]
                for word, (start, _) in zip(sentence["spoken"].split(), sentence["words"],
                                            strict=True)]
    assert ticks == expected
    assert len(ticks) > 20 and ticks[0][1] == "Welcome"
    # Piper's alignment, not shares of a sentence: the speech cache holds these times.
    speech = [json.loads(p.read_text()) for p in (studio.repo.cache / "audio").glob("*.json")]
    aligned = {(s["text"], tuple(tuple(w) for w in s["words"]))
               for r in speech for s in r["sentences"]}
    for beat in record["beats"]:
        for sentence in beat["sentences"]:
            assert (sentence["spoken"], tuple(tuple(w) for w in sentence["words"])) in aligned


def test_the_player_has_the_narration_and_the_captions(page: Any, studio: Running) -> None:
    wait_until(page, "document.querySelector('#player track') && "
                     "document.querySelector('#player track').readyState === 2")
    cues = page.evaluate("Array.from(document.getElementById('player').textTracks, "
                         "t => [t.mode, t.cues ? t.cues.length : 0])")
    assert cues[0][0] == "showing" and cues[0][1] >= 4
    video = studio.base + studio.scene()["view"]["video"]
    streams = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type",
                              "-of", "csv=p=0", video], capture_output=True, text=True,
                             check=True).stdout.split()
    assert streams == ["video", "audio"]


def test_frames_step_by_key_and_button_and_the_timeline_scrubs(page: Any) -> None:
    page.evaluate("window.lessonreelStudio.seekFrame(10)")
    assert frame(page) == 10
    page.keyboard.press("ArrowRight")
    assert frame(page) == 11
    page.locator("#prev-frame").click()
    page.locator("#prev-frame").click()
    assert frame(page) == 9
    assert page.locator("#frame").inner_text() == "frame 9 / " + str(
        page.evaluate("window.lessonreelStudio.shown().frames - 1"))
    page.keyboard.press("Shift+ArrowRight")
    second = page.evaluate("window.lessonreelStudio.shown().beats[1].first_frame")
    assert frame(page) == second
    assert page.locator("#beat-now").inner_text() == "beat: first-rule"
    box = page.locator("#timeline").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + 10)
    frames = page.evaluate("window.lessonreelStudio.shown().frames")
    assert abs(frame(page) - frames // 4) <= 1


def test_a_narration_edit_appears_in_the_player_without_a_reload(page: Any,
                                                                 studio: Running) -> None:
    before = studio.scene()
    # On the second beat, a few frames in: the new render must come back to it.
    second = page.evaluate("window.lessonreelStudio.shown().beats[1].first_frame")
    page.evaluate(f"window.lessonreelStudio.seekFrame({second + 5})")
    studio.edit("'Welcome to ", "'Hello, and welcome to ")
    after = wait_for(studio, lambda s: s["version"] > before["version"])
    assert after["error"] is None
    assert after["drawn"] == 1  # the edited beat only; the other from the beat cache
    wait_until(page, f"window.lessonreelStudio.loadedVersion === {after['version']}", timeout=20)
    assert page.evaluate("window.sameDocument") is True
    words = page.evaluate("Array.from(document.querySelectorAll('.lane-words .word'), "
                          "w => w.dataset.word)")
    assert words[:3] == ["Hello,", "and", "welcome"]
    moved = page.evaluate("window.lessonreelStudio.shown().beats[1].first_frame")
    assert moved > second  # the first beat got longer
    assert frame(page) == moved + 5  # the same beat, as far in
    assert page.locator("#beat-now").inner_text() == "beat: first-rule"


def test_an_overlap_is_shown_at_its_beat_and_a_click_seeks_there(page: Any,
                                                                 studio: Running) -> None:
    before = studio.scene()
    assert before["view"]["findings"] == []
    studio.edit("self.play(FadeIn(slope, shift=UP * 0.2), run_time=1.0)",
                "self.play(FadeIn(slope, shift=UP * 0.2), run_time=1.0)\n"
                "            self.add(Text(\"in the way\", font_size=40).move_to(rule))")
    after = wait_for(studio, lambda s: s["version"] > before["version"])
    wait_until(page, f"window.lessonreelStudio.loadedVersion === {after['version']}", timeout=20)
    flags = page.locator(".lane-findings .finding.overlap")
    assert flags.count() >= 1
    beat = page.evaluate("window.lessonreelStudio.shown().beats[1]")
    assert flags.first.get_attribute("data-beat") == "first-rule"
    assert int(flags.first.get_attribute("data-frame")) == beat["end_frame"] - 1
    assert "overlaps" in flags.first.get_attribute("title")
    # The flag sits over the beat's end on the timeline.
    left = flags.first.bounding_box()
    timeline = page.locator("#timeline").bounding_box()
    share = (left["x"] + left["width"] / 2 - timeline["x"]) / timeline["width"]
    assert share == pytest.approx((beat["end_frame"] - 0.5) / after["view"]["frames"], abs=0.02)
    page.evaluate("window.lessonreelStudio.seekFrame(0)")
    flags.first.click()
    assert frame(page) == beat["end_frame"] - 1
    listed = page.locator("#findings-list .finding-link.overlap")
    assert "end of beat 'first-rule'" in listed.first.inner_text()
    page.evaluate("window.lessonreelStudio.seekFrame(3)")
    listed.first.click()
    assert frame(page) == beat["end_frame"] - 1


def test_a_scene_that_raises_shows_the_error_and_keeps_the_last_video(page: Any,
                                                                      studio: Running) -> None:
    before = studio.scene()
    playing = page.evaluate("document.getElementById('player').currentSrc")
    studio.edit("self.play(Write(rule), run_time=1.5)",
                "self.play(Write(rule), run_time=1.5)\n"
                "            raise ValueError(\"the studio's test raised this\")")
    line = next(number for number, text in enumerate(
        studio.repo.scene_file.read_text().splitlines(), 1) if "raise ValueError" in text)
    failed = wait_for(studio, lambda s: s["error"] is not None)
    assert failed["version"] == before["version"]
    wait_until(page, "!document.getElementById('error').hidden")
    assert page.locator("#error-message").inner_text() == (
        "ValueError: the studio's test raised this")
    assert page.locator("#error-where").inner_text() == (
        f"scenes/module09_vectors/introduction.py:{line}")
    assert "raise ValueError" in page.locator("#error-code").inner_text()
    assert page.evaluate("document.getElementById('player').currentSrc") == playing
    with urllib.request.urlopen(playing) as answer:
        assert answer.status == 200
    # A file that does not parse: its line too, before Manim is asked anything.
    studio.edit("raise ValueError(\"the studio's test raised this\")", "raise ValueError(")
    wait_until(page, "document.getElementById('error-message').textContent"
                     ".startsWith('SyntaxError')", timeout=60)
    assert page.locator("#error-where").inner_text().startswith(
        "scenes/module09_vectors/introduction.py:")
    assert page.evaluate("window.sameDocument") is True


def listening_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on at ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_server_binds_127_0_0_1_and_serves_nothing_outside_its_list(
        studio: Running) -> None:
    assert listening_addresses(studio.port) == {"0100007F"}  # 127.0.0.1, nothing else
    video = studio.scene()["view"]["video"]
    served = studio.repo.cache / "studio" / SLUG
    folder = next(served.iterdir())
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=10)
    for path, status in [
            ("/studio.html", 200), ("/state.json", 200), ("/assets/studio.js", 200),
            ("/" + video, 200),
            ("/../../etc/passwd", 404), ("/%2e%2e/%2e%2e/etc/passwd", 404),
            ("/media/../../../../etc/passwd", 404), ("/media/", 404), ("/media", 404),
            ("/scenes/", 404), ("/scenes/NoSuchScene.json", 404), ("/assets/", 404),
            ("/manim.cfg", 404), ("/.lessonreel-cache/", 404), ("/" + video + "/x", 404),
            ("/media/" + next(p.name for p in folder.iterdir()) + ".bak", 404),
            ("/etc/passwd", 404), ("//etc/passwd", 404)]:
        connection.request("GET", path)
        answer = connection.getresponse()
        body = answer.read()
        assert (path, answer.status) == (path, status)
        assert b"root:" not in body
    connection.close()
    # An old render's video leaves the list with its file.
    assert not re.search(r"-1\.mp4$", video)
