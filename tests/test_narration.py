"""Speech services and the audio cache, with the real offline Piper voice."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from lessonreel.errors import NarrationError, UsageError
from lessonreel.settings import ESTIMATED_WORDS_PER_SECOND, SENTENCE_PAUSE
from lessonreel.voice.services import PiperSpeech, SilentSpeech, service_from_env
from lessonreel.voice.speech import split_sentences, wav_duration, write_wav

TEXT = "Here is a straight line. Nudge x, and y follows at five times the pace."


def test_sentences_split_on_full_stops_but_not_inside_numbers() -> None:
    assert split_sentences("x moves to 2.001. Then y moves! Does it?  Yes.") == [
        "x moves to 2.001.", "Then y moves!", "Does it?", "Yes."]


def test_empty_narration_is_refused_with_a_fix() -> None:
    with pytest.raises(NarrationError, match="write what the narrator says"):
        split_sentences("   ")


def test_silent_speech_estimates_duration_and_times_each_sentence() -> None:
    speech = SilentSpeech().speak(TEXT)
    assert speech.audio is None
    first, second = speech.sentences
    assert first.start == 0 and second.start == pytest.approx(first.end + SENTENCE_PAUSE)
    assert speech.duration == second.end
    # Ten words at the voice's measured rate (scripts/speech_rate.py).
    assert second.end - second.start == pytest.approx(10 / ESTIMATED_WORDS_PER_SECOND, abs=1e-3)


def test_piper_synthesises_real_speech_with_sentence_timings(tmp_path: Path) -> None:
    speech = PiperSpeech(tmp_path).speak(TEXT)
    assert speech.audio is not None and speech.audio.exists()
    assert speech.duration == pytest.approx(wav_duration(speech.audio))
    assert 2.0 < speech.duration < 12.0
    with wave.open(str(speech.audio)) as wav:
        frames = wav.readframes(wav.getnframes())
    assert max(frames) > 0, "the synthesised audio is silent"
    first, second = speech.sentences
    assert first.text == "Here is a straight line."
    assert second.start == pytest.approx(first.end + SENTENCE_PAUSE, abs=1e-3)
    assert second.end == pytest.approx(speech.duration, abs=1e-3)


def test_silent_speech_shares_each_sentence_among_its_words_by_their_letters() -> None:
    speech = SilentSpeech().speak(TEXT)
    for sentence in speech.sentences:
        words = sentence.text.split()
        assert len(sentence.words) == len(words)
        assert sentence.words[0][0] == sentence.start
        assert sentence.words[-1][1] == pytest.approx(sentence.end, abs=1e-3)
    # "Here" takes half the time "straight" does: letters, not punctuation, count.
    here, _, _, straight, _ = speech.sentences[0].words
    assert (here[1] - here[0]) / (straight[1] - straight[0]) == pytest.approx(4 / 8, abs=0.01)


def test_piper_times_every_word_from_its_own_alignment(tmp_path: Path) -> None:
    import numpy as np

    from lessonreel.voice.speech import read_wav

    speech = PiperSpeech(tmp_path).speak(TEXT)
    assert speech.audio is not None
    samples, rate = read_wav(speech.audio)
    level = np.abs(samples.astype(np.int32))
    for sentence in speech.sentences:
        assert len(sentence.words) == len(sentence.text.split())
        starts = [a for a, _ in sentence.words]
        assert starts == sorted(starts)
        assert all(sentence.start <= a <= b <= sentence.end for a, b in sentence.words)
        # The voice is silent before the first word starts, and speaks inside it.
        onset = round(sentence.words[0][0] * rate)
        assert level[round(sentence.start * rate):onset - round(0.03 * rate)].max() < 300
        first = level[onset:round(sentence.words[0][1] * rate)]
        assert first.max() > 3000
    # At the comma, the pause is between the words, not inside them.
    nudge_x, and_ = speech.sentences[1].words[1], speech.sentences[1].words[2]
    pause = level[round(nudge_x[1] * rate) + 200:round(and_[0] * rate) - 200]
    assert len(pause) > 0.05 * rate and pause.max() < 1000


def test_a_cached_record_without_word_times_is_synthesised_again(tmp_path: Path) -> None:
    import json

    service = PiperSpeech(tmp_path)
    first = service.speak(TEXT)
    record_path = service.cache_dir / f"{service.cache_key(TEXT)}.json"
    record = json.loads(record_path.read_text())
    for sentence in record["sentences"]:
        del sentence["words"]
    record_path.write_text(json.dumps(record))
    assert PiperSpeech._load_cached(TEXT, first.audio, record_path) is None  # type: ignore[arg-type]
    again = PiperSpeech(tmp_path).speak(TEXT)
    assert again == first
    assert all(s.get("words") for s in json.loads(record_path.read_text())["sentences"])


def test_a_recorded_beat_shares_each_sentence_among_its_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import numpy as np

    from lessonreel.voice import recordings
    from lessonreel.voice.recordings import recorded_speech

    rate = 22050
    t = np.arange(int(2.0 * rate)) / rate
    tone = (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
    source = tmp_path / "take.wav"
    write_wav(source, np.concatenate([tone, np.zeros(int(0.6 * rate), np.int16), tone]), rate)
    speech = recorded_speech(source, TEXT, tmp_path / "cache", rate)
    for sentence in speech.sentences:
        assert len(sentence.words) == len(sentence.text.split())
        assert sentence.words[0][0] == sentence.start
        assert sentence.words[-1][1] == pytest.approx(sentence.end, abs=1e-3)
    # A record written before word times is completed, not decoded again.
    (record_path,) = (tmp_path / "cache").glob("*.json")
    record = json.loads(record_path.read_text())
    for sentence in record["sentences"]:
        sentence.pop("words")
    record_path.write_text(json.dumps(record))

    def no_decoding(*args: object) -> None:
        raise AssertionError("decoded again for word times it can derive")

    monkeypatch.setattr(recordings, "decode", no_decoding)
    again = recorded_speech(source, TEXT, tmp_path / "cache", rate)
    assert again.sentences == speech.sentences


def test_the_voice_is_timed_by_a_patched_copy_of_its_model_never_the_installed_one(
        tmp_path: Path) -> None:
    from lessonreel.files import file_digest
    from lessonreel.voice.services import aligned_voice_model, joe_voice_model

    installed = joe_voice_model()
    before = file_digest(installed)
    copy = aligned_voice_model(tmp_path)
    assert copy.parent == tmp_path / "voice" and copy != installed
    assert file_digest(installed) == before
    assert aligned_voice_model(tmp_path) == copy
    # A copy cut short is never used: it is patched again.
    copy.write_bytes(copy.read_bytes()[:1000])
    assert aligned_voice_model(tmp_path) == copy
    assert copy.stat().st_size > 10_000_000


def test_piper_reuses_its_cache_instead_of_synthesising_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = PiperSpeech(tmp_path).speak(TEXT)

    def no_synthesis(*args: object) -> None:
        raise AssertionError("synthesised again despite a valid cache entry")

    monkeypatch.setattr(PiperSpeech, "_synthesize", no_synthesis)
    again = PiperSpeech(tmp_path).speak(TEXT)
    assert again == first


def samples_of(path: Path) -> bytes:
    with wave.open(str(path)) as wav:
        return wav.readframes(wav.getnframes())


@pytest.mark.parametrize("keep", [0.5, "odd"])
def test_a_cached_speech_file_cut_short_is_synthesised_again(tmp_path: Path,
                                                            keep: float | str) -> None:
    first = PiperSpeech(tmp_path).speak(TEXT)
    assert first.audio is not None
    whole = first.audio.read_bytes()
    # Cut at half the file, or one byte into a sample: the header still promises it all.
    cut = len(whole) // 2 if keep == 0.5 else len(whole) // 2 + 1 - (len(whole) // 2) % 2
    first.audio.write_bytes(whole[:cut])
    again = PiperSpeech(tmp_path).speak(TEXT)
    assert again.audio is not None
    assert len(samples_of(again.audio)) == len(samples_of_bytes(whole))
    assert again.duration == pytest.approx(first.duration, abs=0.05)


def samples_of_bytes(data: bytes) -> bytes:
    import io

    with wave.open(io.BytesIO(data)) as wav:
        return wav.readframes(wav.getnframes())


def test_a_narration_track_from_a_cut_short_file_is_refused_naming_it(tmp_path: Path) -> None:
    import numpy as np

    from lessonreel.captions.tracks import narration_track
    from lessonreel.errors import SceneRenderError
    from lessonreel.records import BeatRecord

    clip = tmp_path / "beat.wav"
    write_wav(clip, (8000 * np.sin(np.arange(22050) / 5)).astype(np.int16), 22050)
    clip.write_bytes(clip.read_bytes()[:-4001])
    beats = [BeatRecord(name="nudge", start=0.0, end=1.0, first_animation=0, duration=1.0,
                        audio=clip)]
    with pytest.raises(SceneRenderError, match="beat.wav holds .* of the 22050 samples"):
        narration_track(beats, 2.0, tmp_path / "track.wav")
    assert not (tmp_path / "track.wav").exists()


def test_cache_key_changes_with_text_and_voice(tmp_path: Path) -> None:
    service = PiperSpeech(tmp_path)
    assert service.cache_key("one") != service.cache_key("two")
    assert service.identity()["voice"] == "en_US-joe-medium"


def test_the_voices_pace_and_word_timing_are_part_of_its_identity(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lessonreel import settings

    service = PiperSpeech(tmp_path)
    identity = service.identity()
    assert identity["length_scale"] == str(settings.LENGTH_SCALE)
    assert "word_times" in identity
    key = service.cache_key("one")
    monkeypatch.setattr(settings, "LENGTH_SCALE", settings.LENGTH_SCALE + 0.1)
    assert service.cache_key("one") != key


def test_unknown_narration_engine_lists_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONREEL_NARRATION", "espeak")
    with pytest.raises(UsageError, match="choose one of: piper, none"):
        service_from_env()


SYNTHESISE = """
import hashlib, sys, wave
from pathlib import Path
from lessonreel.voice.services import PiperSpeech
speech = PiperSpeech(Path(sys.argv[1]))
for text in sys.argv[2:]:
    audio = speech.speak(text).audio
with wave.open(str(audio)) as wav:
    print(hashlib.sha256(wav.readframes(wav.getnframes())).hexdigest())
"""


def synthesise_last(cache: Path, *texts: str) -> str:
    """In a fresh process with an empty cache: the digest of the last text's samples."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", SYNTHESISE, str(cache), *texts],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_the_same_beat_synthesised_afresh_gives_the_same_samples_whatever_came_before(
    tmp_path: Path,
) -> None:
    alone = synthesise_last(tmp_path / "one", TEXT)
    after_others = synthesise_last(tmp_path / "two", "Something else is said first.",
                                   "And then another thing, at length.", TEXT)
    assert alone == after_others
    assert synthesise_last(tmp_path / "three", TEXT + " Plus one.") != alone
