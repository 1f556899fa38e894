"""Caption cues to broadcast rules: lines, cues, reading speed, cuts, and timing by words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lessonreel.captions.cues import (
    BALANCE,
    COMFORT_CPS,
    COMFORT_SECONDS,
    FORBIDDEN,
    MAX_CPS,
    MAX_LINE,
    MAX_LINES,
    MIN_SECONDS,
    Cue,
    TimedSentence,
    break_cost,
    cues_for,
    fit_times,
    problems,
    sentence_cues,
    timed_sentence,
    webvtt,
    word_count,
)
from lessonreel.captions.tracks import captions_from
from lessonreel.records import BeatRecord, Fields

# A sentence of 164 characters with three values in it, each one caption chunk that the
# voice reads in several words.
CHUNKS: list[tuple[str, str]] = [
    *[(w, w) for w in "When x slides from".split()], ("2", "two"), ("to", "to"),
    ("2.001,", "two point zero zero one,"),
    *[(w, w) for w in "the line's output moves from".split()], ("10", "ten"), ("to", "to"),
    ("10.005,", "ten point zero zero five,"),
    *[(w, w) for w in "and the slice of the bowl at y = 1 is the parabola".split()],
    ("x² + 1,", "x squared plus one,"),
    *[(w, w) for w in "whose slope there is exactly".split()], ("2.", "two."),
]
CAPTION = " ".join(c for c, _ in CHUNKS)


def spoken_words(pause_after: tuple[str, ...] = (",",), word: float = 0.27,
                 gap: float = 0.03, pause: float = 0.35) -> list[tuple[float, float]]:
    """Times for every spoken word at about 150 words a minute, with a pause at commas."""
    times, t = [], 1.0
    for _, spoken in CHUNKS:
        for w in spoken.split():
            times.append((round(t, 3), round(t + word, 3)))
            t += word + (pause if w.endswith(pause_after) else gap)
    return times


def sentence() -> TimedSentence:
    words = spoken_words()
    return timed_sentence(CAPTION, words[0][0], words[-1][1], [list(c) for c in CHUNKS], words)


def assert_broadcast_rules(cues: list[Cue]) -> None:
    for cue in cues:
        assert 1 <= len(cue.lines) <= MAX_LINES, cue
        assert all(0 < len(line) <= MAX_LINE for line in cue.lines), cue
        if len(cue.lines) == 2:
            shorter, longer = sorted(len(line) for line in cue.lines)
            assert shorter >= BALANCE * longer, f"unbalanced: {cue.lines}"
        assert cue.seconds >= MIN_SECONDS - 1e-6, cue
        assert cue.cps <= MAX_CPS, cue
        assert problems(cue) == []
    for earlier, later in zip(cues, cues[1:], strict=False):
        assert earlier.end <= later.start + 1e-9, "cues overlap"


def test_the_long_sentence_is_what_the_rules_are_about() -> None:
    assert len(CAPTION) == 164
    assert len(CAPTION) > MAX_LINES * MAX_LINE


def test_a_164_character_sentence_becomes_cues_of_two_balanced_lines_read_at_20_cps() -> None:
    cues = cues_for([sentence()])
    assert_broadcast_rules(cues)
    assert len(cues) >= 2
    # Nothing lost, nothing added, in order.
    assert " ".join(" ".join(c.lines) for c in cues) == CAPTION


def test_a_value_chunk_is_never_cut_across_lines_or_cues() -> None:
    cues = cues_for([sentence()])
    lines = [line for cue in cues for line in cue.lines]
    for value in ("2.001,", "10.005,", "x² + 1", "y = 1"):
        assert any(value in line for line in lines), f"{value!r} was cut: {lines}"


def test_each_cue_appears_when_its_first_word_is_said_and_stays_until_the_next() -> None:
    timed = sentence()
    cues = sentence_cues(timed)
    starts_of_chunks = dict.fromkeys(timed.times)
    assert cues[0].start == timed.start
    position = 0
    for cue in cues:
        first_chunk = " ".join(cue.lines).split(" ")[0]
        # The chunk the cue opens with, found in order in the sentence.
        while timed.chunks[position].split(" ")[0] != first_chunk:
            position += 1
        assert cue.start == timed.times[position][0]
        position += 1
    for earlier, later in zip(cues, cues[1:], strict=False):
        assert earlier.end == later.start
    assert cues[-1].end == timed.end
    assert starts_of_chunks  # the sentence had its chunks timed


def test_the_cut_falls_at_punctuation_before_any_other_boundary() -> None:
    cues = cues_for([sentence()])
    # Each cue but the last ends a clause: after a comma, not inside a phrase.
    for cue in cues[:-1]:
        assert cue.lines[-1].endswith(","), [c.lines for c in cues]


def test_chunks_say_how_the_voice_reads_a_value_so_its_time_covers_every_word() -> None:
    timed = sentence()
    words = spoken_words()
    index = timed.chunks.index("2.001,")
    spoken_before = sum(len(s.split()) for _, s in CHUNKS[:index])
    # "two point zero zero one," is five words: the chunk runs from the first to the fifth.
    assert timed.times[index] == (words[spoken_before][0], words[spoken_before + 4][1])


def test_without_word_times_each_chunk_gets_a_share_of_the_sentence() -> None:
    timed = timed_sentence("A short line, then more words after it.", 2.0, 5.0)
    assert timed.start == 2.0 and timed.end == pytest.approx(5.0)
    assert all(a <= b for a, b in timed.times)
    # Word times that do not match the chunks (an older record) are not trusted.
    odd = timed_sentence("A short line.", 0.0, 1.0, None, [(0.0, 0.5)])
    assert odd.times[-1][1] == pytest.approx(1.0)


@pytest.mark.parametrize(("before", "after"), [
    ("the", "slope"), ("a", "partial"), ("partial", "derivative"), ("x²", "+"),
    ("+", "1"), ("2", "inputs"), ("ordinary", "derivative"), ("learning", "system"),
])
def test_never_between_an_article_or_adjective_and_its_noun_nor_inside_a_formula(
        before: str, after: str) -> None:
    assert break_cost(before, after) == FORBIDDEN


def test_punctuation_then_clauses_then_phrases() -> None:
    punctuation = break_cost("weights,", "until")
    clause = break_cost("output", "when")
    phrase = break_cost("output", "of")
    other = break_cost("output", "never")
    assert punctuation < clause < phrase < other < FORBIDDEN
    # A line had better not end on a preposition or a conjunction, leave a verb behind
    # its subject, or cut a verb from its particle.
    assert break_cost("to", "two") > other
    assert break_cost("there", "is:") > other and break_cost("blows", "up") > other
    assert break_cost("out", "of") > other
    # A value in brackets is no aside: it stays with what it is the value of.
    assert break_cost("from", "(2, 1),") > other
    assert break_cost("gradient", "(that is, its slope)") == 0
    # A verb in the past is no adjective: "computed | came" is a fine break.
    assert break_cost("computed", "came") < FORBIDDEN


def test_a_short_sentence_stays_on_screen_long_enough_and_pushes_the_next_if_it_must() -> None:
    quick = timed_sentence("Why?", 0.0, 0.3)
    following = timed_sentence("Because the slope is five.", 0.5, 1.9)
    cues = cues_for([quick, following])
    assert_broadcast_rules(cues)
    assert cues[0].lines == ("Why?",)
    assert cues[1].start >= cues[0].end


def test_a_fast_cue_takes_the_silence_after_it_to_be_read_at_20_cps() -> None:
    # 41 characters said in 1.2 s would be 34 characters a second.
    fast = timed_sentence("Forty-one characters said rather quickly.", 0.0, 1.2)
    cues = cues_for([fast, timed_sentence("Then a pause.", 4.0, 5.0)])
    assert cues[0].end - cues[0].start >= 41 / MAX_CPS
    assert_broadcast_rules(cues)


def test_cues_never_run_past_the_end_of_the_scene() -> None:
    late = timed_sentence("The very last words of the scene.", 9.6, 9.9)
    (cue,) = fit_times(sentence_cues(late), limit=10.0)
    assert cue.end == 10.0 and cue.seconds >= MIN_SECONDS


def test_words_are_counted_as_a_reader_reads_them() -> None:
    assert word_count("x moves from 2 to 2.001.") == 6
    assert word_count("f(x, 1) = x² + 1") == 4  # "f(x,", "1)", "x²", "1"
    assert word_count("— and then —") == 2


def beat(start: float, sentences: list[dict[str, Any]]) -> BeatRecord:
    """A beat's record as a scene writes it, read back as the renderer reads it."""
    data = {"name": "b", "text": " ".join(s["text"] for s in sentences), "start": start,
            "end": start + sentences[-1]["end"] + 0.4, "first_animation": 0,
            "duration": sentences[-1]["end"], "audio": None, "sentences": sentences}
    return BeatRecord.from_json(data, Fields(Path("beats.json"), "-"), "[0]")


def test_a_scenes_captions_are_cut_to_the_rules_and_timed_by_the_beats_words() -> None:
    words = [(round(a - 1.0, 3), round(b - 1.0, 3)) for a, b in spoken_words()]
    record = {"text": CAPTION, "start": words[0][0], "end": words[-1][1],
              "words": [list(w) for w in words], "chunks": [list(c) for c in CHUNKS]}
    cues = captions_from([beat(3.0, [record])], seconds=40.0)
    assert len(cues) >= 2
    for cue in cues:
        lines = cue.content.split("\n")
        assert len(lines) <= MAX_LINES and all(len(line) <= MAX_LINE for line in lines), lines
    # On the scene's clock: the beat starts at 3 s.
    assert cues[0].start.total_seconds() == pytest.approx(3.0 + words[0][0], abs=1e-3)
    assert " ".join(c.content.replace("\n", " ") for c in cues) == CAPTION


def test_a_beat_recorded_before_word_times_still_gets_cues_to_the_rules() -> None:
    record = {"text": CAPTION, "start": 0.0, "end": 11.0}
    cues = captions_from([beat(0.0, [record])], seconds=20.0)
    assert all(len(line) <= MAX_LINE for c in cues for line in c.content.split("\n"))


def test_one_webvtt_writer_escapes_markup_and_never_lets_a_blank_line_end_a_cue() -> None:
    text = webvtt([("7", 3599.9996, 3661.25, "x < 2 & y > 1\n\nsecond line")])
    assert text.split("\n") == ["WEBVTT", "", "7", "01:00:00.000 --> 01:01:01.250",
                                "x &lt; 2 &amp; y &gt; 1", "second line", ""]


# Issue 23's orphan: OneKnobAtATime, beat 'turn-y', with Piper's word times. Cut as
# "This time f responds at the rate 2y, / the partial derivative with respect to y," and
# "and it ends at 8.", its last cue was on screen 1.01 s, with 2.3 s of silence after it.
ORPHAN_CHUNKS = [*[[w, w] for w in "This time f responds at the rate".split()],
                 ["2y,", "two y,"],
                 *[[w, w] for w in ("the partial derivative with respect to y, "
                                    "and it ends at").split()],
                 ["8.", "eight."]]
ORPHAN_WORDS = [
    (2.9845, 3.1703), (3.24, 3.5302), (3.5766, 3.7392), (3.7972, 4.3893), (4.4242, 4.5054),
    (4.5519, 4.6215), (4.6796, 4.877), (4.9466, 5.1672), (5.2137, 5.562), (5.9567, 6.0147),
    (6.0844, 6.5024), (6.5488, 7.1293), (7.1757, 7.3035), (7.3383, 7.7446), (7.7911, 7.8723),
    (7.9304, 8.2787), (8.7431, 8.894), (8.9753, 9.0333), (9.0682, 9.3004), (9.3468, 9.4165),
    (9.4629, 9.7532)]


def orphan_sentence() -> TimedSentence:
    caption = " ".join(c for c, _ in ORPHAN_CHUNKS)
    return timed_sentence(caption, 2.9381, 9.846, ORPHAN_CHUNKS, ORPHAN_WORDS)


def test_a_sentence_is_not_cut_to_leave_a_piece_on_screen_under_comfort() -> None:
    cues = sentence_cues(orphan_sentence())
    assert [c for c in cues if c.seconds < COMFORT_SECONDS] == [], cues
    assert " ".join(" ".join(c.lines) for c in cues) == orphan_sentence_text()
    assert_broadcast_rules(cues)


def orphan_sentence_text() -> str:
    return " ".join(c for c, _ in ORPHAN_CHUNKS)


def test_a_cue_said_quickly_stays_on_into_the_silence_after_it_to_be_read_at_ease() -> None:
    # "One last look ahead." said in 1.17 s (17 characters a second), then 1.5 s of quiet.
    quick = timed_sentence("One last look ahead.", 0.0, 1.17)
    after = timed_sentence("Everything so far", 2.67, 3.9)
    cues = cues_for([quick, after])
    assert cues[0].seconds >= COMFORT_SECONDS
    assert cues[0].cps <= COMFORT_CPS
    assert cues[1].start == 2.67, "the next cue still appears on its first word"
    assert_broadcast_rules(cues)


def test_comfort_takes_only_silence_never_the_next_cue_or_past_the_scene() -> None:
    quick = timed_sentence("One last look ahead.", 0.0, 1.17)
    after = timed_sentence("Everything so far", 1.3, 2.9)
    cues = cues_for([quick, after], limit=3.0)
    assert cues[0].end == cues[1].start == 1.3
    (last,) = cues_for([timed_sentence("See you in the next lesson.", 8.65, 10.0)], limit=10.2)
    assert last.end == 10.2
