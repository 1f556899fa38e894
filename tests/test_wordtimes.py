"""Word times from Piper's phoneme alignment, and by share: pure, no voice needed."""

from __future__ import annotations

import pytest

from lessonreel.voice.wordtimes import aligned_words, is_sound, proportional

# "In the line, x." as Piper aligned it (espeak runs "in the" together), 100 samples a
# phoneme at a rate of 1000, except the pause after the comma (the space after it).
PHONEMES = ["^", "ɪ", "n", "ð", "ə", " ", "l", "ˈ", "a", "ɪ", "n", ",", " ",
            "ˈ", "ɛ", "k", "s", ".", "$"]
SAMPLES = [100] * len(PHONEMES)
SAMPLES[12] = 400
# Each word said alone: "the" alone is ðə, "x" is ˈɛks.
ISOLATED = [["ˈ", "ɪ", "n"], ["ð", "ə"], ["l", "ˈ", "a", "ɪ", "n", ","], ["ˈ", "ɛ", "k", "s", "."]]


def test_words_run_together_by_espeak_are_found_inside_their_group() -> None:
    (in_, the, line, x) = aligned_words(ISOLATED, PHONEMES, SAMPLES, 1000)
    assert in_ == (0.1, 0.3)
    assert the == (0.3, 0.5)
    assert line == (0.6, 1.1)
    # The pause at the comma lies between the words: "x" starts after it, with its stress.
    assert x == (1.6, 2.0)


def test_a_word_said_otherwise_in_context_still_lands() -> None:
    # "the" alone is ðiː, in context ðə: the alignment matches what it can.
    isolated = [["ɪ", "n"], ["ð", "i", "ː"], *ISOLATED[2:]]
    times = aligned_words(isolated, PHONEMES, SAMPLES, 1000)
    assert times[1][0] == pytest.approx(0.3)
    assert [a for a, _ in times] == sorted(a for a, _ in times)


def test_a_word_the_alignment_cannot_find_shares_the_time_between_its_neighbours() -> None:
    isolated = [ISOLATED[0], ["q"], ISOLATED[2], ISOLATED[3]]
    times = aligned_words(isolated, PHONEMES, SAMPLES, 1000)
    assert len(times) == 4
    assert times[0][1] <= times[1][0] <= times[1][1] <= times[2][0]


def test_sample_counts_must_match_the_phonemes() -> None:
    with pytest.raises(ValueError, match="phonemes"):
        aligned_words(ISOLATED, PHONEMES, SAMPLES[:-1], 1000)


def test_stress_and_length_marks_are_not_sounds_of_their_own() -> None:
    assert is_sound("a") and is_sound("ɪ")
    assert not any(is_sound(p) for p in ("ˈ", "ˌ", "ː", "ʲ", " ", ",", "^", "$"))


def test_proportional_shares_by_letters_and_fills_the_span() -> None:
    times = proportional(["a", "bbb,"], 1.0, 2.0)
    assert times == ((1.0, 1.25), (1.25, 2.0))
    assert proportional(["x", "y"], 0.0, 1.0, weights=[3, 1])[0] == (0.0, 0.75)
