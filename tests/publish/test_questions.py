"""A lesson that asks questions: its site page stops to ask them, the presenter pauses for them.

One synthetic render (tests/publish/test_present.py's ``make_lesson``: frame n shows its own
number as a grey level) asks two questions; a lesson without questions is published beside
it. The browser tests drive Debian's Chromium through the site and the present view.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lessonreel.captions.timeline import AskedQuestion
from lessonreel.publish.pages import asset_bytes, palette_css
from lessonreel.records import QuestionRecord
from tests.conftest import run_lessonreel
from tests.publish.test_present import (
    FPS,
    ONE_EACH,
    frame_on_screen,
    make_lesson,
    open_presenter,
    press,
)
from tests.publish.test_site import Elements, RangeServer, wait_until

#: Two chapters of 24 and 18 frames (2.8 s in all): the first asks in its second beat,
#: the second in its first.
QUIZ = [
    ("Ask", "Asking first", 24, [("intro", 6 / FPS, "We begin."),
                                 ("quiz-one", 14 / FPS, "How far does y move?"),
                                 ("answer-one", 24 / FPS, "It moves 0.015.")]),
    ("Again", "Asking again", 18, [("quiz-two", 9 / FPS, "What is the slope?"),
                                   ("answer-two", 18 / FPS, "The slope is 5.")]),
]
FIRST = QuestionRecord(
    prompt="On y = 5x, x moves from 2 to 2.003. How far does y move?",
    choices=("0.015", "10.015", "0.003", "5"),
    mistakes=(None, "the new value of y, not its change", "how far x moves, not y",
              "the slope, not the change in y"),
    correct=0, explanation="y moves 5 times as far as x: 5 × 0.003 = 0.015.", think=4 / FPS)
SECOND = QuestionRecord(
    # Markup in a question is text, on the page and in the data the page carries.
    prompt="What is the slope of y = 5x? <b>Not bold</b></script><script>window.injected = 1",
    choices=("5", "0.015", "10"),
    mistakes=(None, "the change in y, not the slope", "the value of y at x = 2"),
    correct=0, explanation="y = 5x rises 5 for every 1 across.", think=5 / FPS)
#: Each scene's questions: (beat of the scene, think on the scene's clock, question).
ASKED = {"Ask": [AskedQuestion(1, 10 / FPS, FIRST)], "Again": [AskedQuestion(0, 5 / FPS, SECOND)]}
SLUG = "quiz-lesson"


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("question-renders")
    return {"quiz": make_lesson(root / "quiz", SLUG, "A lesson that asks", QUIZ, ASKED),
            "plain": make_lesson(root / "plain", "plain-lesson", "No questions", ONE_EACH)}


@pytest.fixture(scope="module")
def site_root(renders: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("question-site")
    result = run_lessonreel("publish", "site", "--from", str(renders["quiz"]),
                            "--from", str(renders["plain"]), "--out", str(root / "site"))
    assert result.returncode == 0, result.stderr
    return root


def questions_of(render: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((render / "beats.json").read_text())["questions"]
    return found


def test_a_page_embeds_its_lessons_questions_and_a_lesson_without_any_has_no_panel(
        site_root: Path, renders: dict[str, Path]) -> None:
    plain = (site_root / "site" / "plain-lesson" / "index.html").read_text(encoding="utf-8")
    parsed = Elements(plain)
    assert [str(s["src"]).split("?")[0] for s in parsed.find("script")] == ["../assets/site.js"]
    assert not {"lesson-questions", "questions.js", "questions.css", "questions-note"} & {
        str(value).split("?")[0].rsplit("/", 1)[-1] for _, a in parsed.tags for value in a.values()}
    quiz = Elements((site_root / "site" / SLUG / "index.html").read_text(encoding="utf-8"))
    sources = [str(s["src"]).split("?")[0] for s in quiz.find("script") if s.get("src")]
    # questions.js first: site.js attaches it, and deferred scripts run in order.
    assert sources == ["../assets/questions.js", "../assets/site.js"]
    assert quiz.find("script", id="lesson-questions", type="application/json")
    embedded = json.loads(_script_text(site_root / "site" / SLUG / "index.html"))
    assert embedded == {"lesson": SLUG, "questions": questions_of(renders["quiz"])}
    assert [q["prompt"] for q in embedded["questions"]] == [FIRST.prompt, SECOND.prompt]
    assert "<script>window.injected" not in (site_root / "site" / SLUG / "index.html").read_text()
    assert quiz.find("p", id="questions-note")


def _script_text(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index('id="lesson-questions">') + len('id="lesson-questions">')
    return text[start:text.index("</script>", start)]


# --- in a browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site_root: Path) -> Iterator[str]:
    server = RangeServer(site_root)
    yield server.url + "site/"
    server.close()


PANEL = ".lq-panel"


def open_lesson(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url)
    wait_until(page, "window.lessonreelQuestions && "
                     "document.getElementById('player').readyState >= 2")
    # Every state the panel takes, in order, from here on.
    page.evaluate("""() => {
        const panel = document.querySelector('.lq-panel');
        window.panelStates = [];
        new MutationObserver(() => {
            if (!panel.hidden) window.panelStates.push(panel.dataset.state);
        }).observe(panel, {attributes: true, attributeFilter: ['hidden', 'data-state']});
        window.seeked = [];
        const video = document.getElementById('player');
        video.addEventListener('seeked', () => window.seeked.push(video.currentTime));
    }""")
    return page


def play(page: Any) -> None:
    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; "
                  "return v.play(); }")


def wait_for_question(page: Any, prompt: str) -> None:
    try:
        wait_until(page, "(p) => { const panel = document.querySelector('.lq-panel'); "
                         "return !panel.hidden && panel.dataset.state === 'asking' && "
                         "panel.querySelector('.lq-prompt').textContent === p && "
                         "!document.getElementById('player').seeking; }", prompt, timeout=15)
    except AssertionError as error:
        seen = page.evaluate("[window.panelStates, window.seeked, "
                             "document.querySelector('.lq-panel').hidden]")
        raise AssertionError(f"{error}; video {video_state(page)}, panel states and "
                             f"seeks {seen}") from None


def video_state(page: Any) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        "() => { const v = document.getElementById('player'); "
        "return {paused: v.paused, time: v.currentTime, ended: v.ended}; }")
    return found


def stored(page: Any) -> Any:
    return page.evaluate(f"JSON.parse(localStorage.getItem('lessonreel-questions:{SLUG}'))")


@pytest.mark.browser
def test_the_site_stops_to_ask_tells_right_from_wrong_and_remembers(
        browser: Any, served: str, renders: dict[str, Path]) -> None:
    first, second = questions_of(renders["quiz"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = open_lesson(context, served + f"{SLUG}/index.html")
    assert page.locator("#questions-note").is_visible()
    play(page)
    wait_for_question(page, FIRST.prompt)
    at = video_state(page)
    assert at["paused"] and abs(at["time"] - first["think"]) <= 1.5 / FPS, at
    choices = page.locator(f"{PANEL} .lq-choice")
    assert choices.locator(".lq-letter").all_inner_texts() == ["A", "B", "C", "D"]
    assert choices.locator(".lq-choice-text").all_inner_texts() == list(FIRST.choices)
    assert page.evaluate("document.activeElement.classList.contains('lq-panel')")
    assert page.locator(PANEL).get_attribute("role") == "dialog"

    choices.nth(1).click()
    feedback = page.locator(f"{PANEL} .lq-feedback").inner_text()
    assert "Wrong" in feedback and "A: 0.015" in feedback
    assert FIRST.explanation in feedback and "the new value of y, not its change" in feedback
    assert video_state(page)["paused"]
    page.locator(f"{PANEL} .lq-continue").click()
    # On from the answer's first frame, playing: the countdown is not shown again.
    wait_until(page, "window.seeked.length >= 2 && !document.getElementById('player').paused")
    landed = page.evaluate("window.seeked[window.seeked.length - 1]")
    assert first["answer"] <= landed < first["answer"] + 1 / FPS

    wait_for_question(page, SECOND.prompt)
    assert abs(video_state(page)["time"] - second["think"]) <= 1.5 / FPS
    page.keyboard.press("1")
    assert "Right" in page.locator(f"{PANEL} .lq-feedback").inner_text()
    assert page.evaluate("window.injected") is None
    page.keyboard.press("Enter")
    wait_until(page, "document.getElementById('player').ended", timeout=15)
    wait_until(page, "document.querySelector('.lq-panel').dataset.state === 'score'")
    assert page.locator(f"{PANEL} .lq-title").inner_text() == "Your score: 1 of 2"
    assert page.locator("#questions-score").inner_text() == "Your score: 1 of 2."
    assert page.evaluate("window.lessonreelQuestions.score()") == {
        "right": 1, "answered": 2, "total": 2}
    assert page.evaluate("window.panelStates") == ["asking", "wrong", "asking", "right", "score"]
    kept = stored(page)
    assert kept["answers"] == {"0": 1, "1": 0}
    assert kept["furthest"] == pytest.approx(2.8, abs=0.1)

    # Back again: answered questions do not stop the video.
    page.reload()
    page.close()
    page = open_lesson(context, served + f"{SLUG}/index.html")
    play(page)
    wait_until(page, "document.getElementById('player').ended", timeout=15)
    assert page.evaluate("window.panelStates") == ["score"]
    assert page.locator(f"{PANEL} .lq-title").inner_text() == "Your score: 1 of 2"
    context.close()


@pytest.mark.browser
def test_a_skip_goes_on_without_an_answer_and_a_letter_key_answers(
        browser: Any, served: str, renders: dict[str, Path]) -> None:
    first, _ = questions_of(renders["quiz"])
    context = browser.new_context(viewport={"width": 480, "height": 900})
    page = open_lesson(context, served + f"{SLUG}/index.html")
    play(page)
    wait_for_question(page, FIRST.prompt)
    page.locator(f"{PANEL} .lq-skip").click()
    wait_until(page, "!document.getElementById('player').paused")
    assert video_state(page)["time"] >= first["think"] - 1 / FPS
    wait_for_question(page, SECOND.prompt)
    assert page.evaluate("window.lessonreelQuestions.state().answers") == {}
    page.keyboard.press("a")
    assert "Right" in page.locator(f"{PANEL} .lq-feedback").inner_text()
    assert stored(page)["answers"] == {"1": 0}
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelector('.lq-panel').dataset.state === 'score'", timeout=15)
    assert page.evaluate("window.lessonreelQuestions.score()") == {
        "right": 1, "answered": 1, "total": 2}
    # Nothing wider than a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 480
    context.close()


@pytest.mark.browser
def test_a_learners_seek_past_a_question_goes_there_and_the_next_is_still_asked(
        browser: Any, served: str, renders: dict[str, Path]) -> None:
    first, second = questions_of(renders["quiz"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = open_lesson(context, served + f"{SLUG}/index.html")
    # Past the first question (a chapter link does the same): the learner chose to go there.
    target = (first["think_frame"] + first["answer_frame"]) / 2 / FPS
    page.evaluate(f"document.getElementById('player').currentTime = {target}")
    play(page)
    wait_for_question(page, SECOND.prompt)
    assert abs(video_state(page)["time"] - second["think"]) <= 1.5 / FPS
    # The first was never put to the learner on the way: the panel has asked once.
    assert page.evaluate("window.panelStates") == ["asking"]
    context.close()


@pytest.mark.browser
def test_the_presenter_pauses_before_the_countdown_and_plays_the_answer(
        browser: Any, served: str, renders: dict[str, Path]) -> None:
    first, _ = questions_of(renders["quiz"])
    context = browser.new_context(viewport={"width": 960, "height": 640})
    page = open_presenter(context, served + f"{SLUG}/present.html")
    hint = page.locator("#question-hint")
    press(page, "ArrowRight")
    assert not hint.is_visible()
    press(page, "ArrowRight")
    # The asking beat stops on the frame before the countdown; the room thinks.
    assert frame_on_screen(page) == first["think_frame"] - 1
    assert hint.is_visible() and hint.inner_text() == "Question — press → to reveal"
    press(page, "ArrowRight")
    assert not hint.is_visible()
    entry = page.evaluate("window.lessonreelPresenterLog[2]")
    # Played from the answer's first frame: not a frame of the countdown on the way.
    assert entry["from"] == first["answer_frame"] <= entry["lowest"]
    assert frame_on_screen(page) == QUIZ[0][2] - 1
    # Back from the answer, and back again from the pause, land on the beats' first frames.
    press(page, "ArrowLeft", then="ready")
    assert frame_on_screen(page) == first["answer_frame"]
    press(page, "ArrowLeft", then="ready")
    press(page, "ArrowRight")
    assert frame_on_screen(page) == first["think_frame"] - 1
    press(page, "ArrowLeft", then="ready")
    assert frame_on_screen(page) == first["ask_frame"]
    context.close()


def test_the_panel_wears_the_palettes_colours_and_writes_none_of_its_own() -> None:
    css = asset_bytes("questions.css").decode()
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\(", css)
    named = set(re.findall(r"--([a-z-]+):", palette_css())) | set(re.findall(r"--([a-z-]+):", css))
    used = set(re.findall(r"var\(--([a-z-]+)\)", css))
    assert used and used <= named, used - named
