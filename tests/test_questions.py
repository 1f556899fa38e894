"""Questions: checked by SymPy before they are drawn, read as narration reads values, and
placed on the lesson's frames in beats.json. No rendering here."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

from lessonreel import Choice, say
from lessonreel.authoring.questions import question
from lessonreel.captions.timeline import AskedQuestion, SceneBeats, beat_timeline, check_timeline
from lessonreel.errors import QuestionError, RecordError, TimelineError
from lessonreel.records import BeatRecord, Fields, QuestionRecord

FPS = 15
HALF, QUARTER = sp.Rational(1, 2), sp.Rational(1, 4)


def ask(choices: list[Choice], answer: Any) -> Any:
    return question("Demo beat 'q'", say("What is {a} of {b}?", a=HALF, b=HALF), choices,
                    answer, "Half of a half is a quarter.")


def test_the_right_choice_is_found_by_value_wherever_it_stands() -> None:
    asked = ask([Choice(HALF, mistake="the half itself"), Choice(sp.sqrt(sp.Rational(1, 16))),
                 Choice(sp.Integer(1), mistake="added the halves")], QUARTER)
    assert asked.correct == 1  # √(1/16) is 1/4, as SymPy sees it
    assert asked.captions == ("0.5", "0.25", "1")
    assert asked.letters == "ABC"


def test_asking_reads_each_choice_by_its_letter_with_a_mark_before_it() -> None:
    asked = ask([Choice(QUARTER), Choice(HALF, mistake="the half itself", style="frac")],
                QUARTER)
    narration = asked.asking()
    assert narration.caption == "What is 0.5 of 0.5? Is it A: 0.25; or B: 1/2?"
    assert narration.spoken.endswith("Is it A: zero point two five; or B: one half?")
    assert [mark.name for mark in narration.marks] == ["choice-A", "choice-B"]


@pytest.mark.parametrize(("choices", "answer", "message"), [
    ([Choice(HALF, "x"), Choice(sp.Integer(1), "y")], QUARTER,
     r"the answer 1/4 is not among the choices \(1/2, 1\); add it"),
    ([Choice(QUARTER), Choice(sp.Rational(2, 8), "z")], QUARTER,
     "choices A and B are the same answer"),
    ([Choice(QUARTER), Choice(sp.sqrt(sp.Rational(1, 16)), "z")], QUARTER,
     "choices A and B are the same answer"),
    ([Choice(QUARTER), Choice(HALF)], QUARTER, "wrong choice B .* names no mistake"),
    ([Choice(QUARTER, mistake="oops"), Choice(HALF, "x")], QUARTER,
     "choice A is the right answer but names a mistake"),
    ([Choice(QUARTER)], QUARTER, "2 to 4 choices"),
    ([Choice(sp.Integer(n), "x") for n in range(4)] + [Choice(QUARTER)], QUARTER,
     "2 to 4 choices"),
    ([Choice(0.25), Choice(HALF, "x")], QUARTER, "is a float"),
    ([Choice("y falls"), Choice("Y  FALLS", "x")], "y falls", "choices A and B are the same"),
])
def test_a_question_that_cannot_be_asked_is_one_line_naming_the_beat(
        choices: list[Choice], answer: Any, message: str) -> None:
    with pytest.raises(QuestionError, match=message) as raised:
        ask(choices, answer)
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("Demo beat 'q'")


def test_a_choice_read_in_a_way_its_value_cannot_be_is_refused() -> None:
    with pytest.raises(QuestionError, match=r"^Demo beat 'q': choice B cannot be read: 1/3 "
                       r"has no last decimal place to read it by; use \{:frac\}$"):
        ask([Choice(QUARTER), Choice(sp.Rational(1, 3), "thirds", style="places")], QUARTER)


def test_words_and_points_are_choices_too() -> None:
    words = question("S beat 'w'", "Which way?", [Choice("y rises", "backwards"),
                                                  Choice("y falls")], "y falls", "Down.")
    assert words.correct == 1 and words.captions == ("y rises", "y falls")
    points = question("S beat 'p'", "Where?", [
        Choice((sp.Integer(2), sp.Integer(4))), Choice((sp.Integer(4), sp.Integer(2)), "swap"),
        Choice(sp.Integer(5), "height")], (sp.Integer(2), sp.Integer(4)), "There.")
    assert points.correct == 0 and points.captions == ("(2, 4)", "(4, 2)", "5")


RECORD = QuestionRecord("How far?", ("10.015", "0.015"), ("the new value", None), 1,
                        "Five times as far.", 3.25)


def test_a_question_record_round_trips_through_a_beats_file() -> None:
    beat = BeatRecord(name="q", start=1.0, end=9.0, first_animation=3, duration=3.0,
                      text="How far?", question=RECORD)
    data = json.loads(json.dumps(beat.to_json()))
    assert BeatRecord.from_json(data, Fields(Path("b.json"), "fix"),
                                "[0]") == beat


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("correct", 2, "is 2, but there are 2 choices"),
    ("mistakes", [None, None], r"mistakes\[0\] must name the mistake"),
    ("mistakes", ["a", "b"], r"mistakes\[1\] must be null for the right choice"),
    ("choices", ["same", "same"], "has an empty or a repeated choice"),
    ("choices", ["only"], "has 1 choices, not 2 to 4"),
    ("think", -1, "below 0"),
    ("prompt", "", "is empty"),
])
def test_a_damaged_question_record_is_refused_naming_its_field(
        field: str, value: Any, problem: str) -> None:
    data = RECORD.to_json() | {field: value}
    with pytest.raises(RecordError, match=problem):
        QuestionRecord.from_json(data, Fields(Path("b.json"), "fix"),
                                 "[0].question")


def timeline_with_a_question() -> Any:
    # Chapter 2's second beat asks (opens at 1.0 s on its scene's clock, speech over at
    # 2.0 s), its third answers; chapter 2 starts at frame 30.
    return beat_timeline("demo", FPS, [
        SceneBeats("Intro", "Welcome", 30, [("hello", 2.0, "Hello.")]),
        SceneBeats("Quiz", "Quiz", 75, [("lead", 1.0, "Lead."), ("q", 3.0, "How far?"),
                                        ("q-answer", 5.0, "Five times as far.")],
                   [AskedQuestion(1, 2.0, RECORD)]),
    ])


def test_a_question_is_placed_on_its_beats_frames() -> None:
    timeline = timeline_with_a_question()
    [placed] = timeline.questions
    asking = timeline.beats[placed.beat]
    assert (asking.name, placed.chapter, placed.scene) == ("q", 2, "Quiz")
    assert (placed.ask_frame, placed.think_frame, placed.answer_frame) == (45, 60, 75)
    assert (placed.ask, placed.think, placed.answer) == (3.0, 4.0, 5.0)
    assert timeline.beats[placed.beat + 1].first_frame == placed.answer_frame
    assert placed.choices == RECORD.choices and placed.correct == 1
    # beats.json lists it, and reads back the same.
    data = json.loads(json.dumps(timeline.to_json()))
    assert data["questions"][0]["think_frame"] == 60
    assert check_timeline(data, FPS) == timeline


@pytest.mark.parametrize(("change", "problem"), [
    (lambda q: q.update(think_frame=44), "with the pause to think between"),
    (lambda q: q.update(answer_frame=70), "not from the first frame of beat"),
    (lambda q: q.update(beat=9), "is 9, but there are 4 beats"),
    (lambda q: q.update(name="other"), "is not the name of beat 2"),
    (lambda q: q.update(chapter=1), "but beat 2 is in chapter 2"),
    (lambda q: q.update(correct=5), "is 5, but there are 2 choices"),
    (lambda q: q.update(think=9.0), r"think is 9.0 s, but frame 60 is at 4.000 s"),
    (lambda q: q.update(index=3), "expected 0"),
])
def test_a_damaged_question_in_beats_json_is_refused(change: Any, problem: str) -> None:
    data = copy.deepcopy(timeline_with_a_question().to_json())
    change(data["questions"][0])
    with pytest.raises(TimelineError, match=problem):
        check_timeline(data, FPS)


def test_a_timeline_without_questions_reads_as_before() -> None:
    data = timeline_with_a_question().to_json()
    del data["questions"]
    assert check_timeline(data, FPS).questions == ()
