"""What speech is, independent of who makes it: sentences, timings, and WAV files.

A leaf module: the speech services (:mod:`lessonreel.authoring.narration`), recorded
narration (:mod:`lessonreel.voice.recordings`) and the renderer's narration tracks
all share these types without importing each other.
"""

from __future__ import annotations

import re
import wave
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lessonreel import settings
from lessonreel.errors import DamagedAudioError, NarrationError

#: What opens a sentence after . ! or ? and a space: a capital, a digit, a quote or an
#: opening bracket. The one rule for both sides: the voice splits a beat's spoken text
#: with it, and spoken.py splits the captioned template by it (with its placeholders), so
#: both cut a beat into the same sentences.
SENTENCE_OPENERS = "A-Z0-9\"'("
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[" + SENTENCE_OPENERS + "])")


def split_sentences(text: str) -> list[str]:
    """Split narration into sentences, one caption cue each."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise NarrationError("a beat's narration text is empty: write what the narrator says")
    return [s for s in _SENTENCE_END.split(cleaned) if s]


@dataclass(frozen=True)
class SpokenSentence:
    """One sentence of a beat and where it sits in the beat's audio, in seconds.

    ``words`` holds (start, end) of each spoken word (the sentence's spoken text split
    at spaces), on the same clock, so a caption cut inside the sentence is timed by
    the words it covers; empty when nobody knows (see :func:`with_word_times`).
    """

    text: str
    start: float
    end: float
    words: tuple[tuple[float, float], ...] = ()

    @classmethod
    def from_record(cls, data: Any) -> SpokenSentence:
        """A sentence read back from a cache record, checked: ValueError if malformed."""
        try:
            words = tuple((float(a), float(b)) for a, b in data.get("words", ()))
            sentence = cls(str(data["text"]), float(data["start"]), float(data["end"]), words)
        except (AttributeError, KeyError, TypeError) as error:
            raise ValueError(f"malformed sentence record ({error})") from error
        if any(b < a for a, b in words) or any(later[0] < earlier[1] - 1e-3 for earlier, later
                                               in zip(words, words[1:], strict=False)):
            raise ValueError("word times out of order")
        return sentence


@dataclass(frozen=True)
class Speech:
    """What a speech service produced for one beat."""

    text: str
    duration: float
    sentences: tuple[SpokenSentence, ...]
    audio: Path | None = None


def sentence_times(sentences: list[str], durations: list[float],
                   words: list[tuple[tuple[float, float], ...]] | None = None,
                   ) -> tuple[SpokenSentence, ...]:
    """Sentences one after another, settings.SENTENCE_PAUSE apart; ``words`` (each sentence's
    word times from its own start) are moved onto the beat's clock with it."""
    spoken, t = [], 0.0
    per_sentence = words if words is not None else [()] * len(sentences)
    for i, (sentence, length, own) in enumerate(zip(sentences, durations, per_sentence,
                                                    strict=True)):
        if i:
            t += settings.SENTENCE_PAUSE
        spoken.append(SpokenSentence(sentence, round(t, 4), round(t + length, 4),
                                     tuple((round(t + a, 4), round(t + b, 4)) for a, b in own)))
        t += length
    return tuple(spoken)


def with_word_times(sentences: tuple[SpokenSentence, ...]) -> tuple[SpokenSentence, ...]:
    """Each sentence with its words timed: kept where they are known (one time per
    spoken word), else shared out over the sentence in proportion to their letters,
    which is how silent renders and recorded narration time their captions."""
    from lessonreel.voice.wordtimes import proportional

    timed = []
    for sentence in sentences:
        words = sentence.text.split()
        if len(sentence.words) != len(words):
            sentence = replace(sentence, words=proportional(words, sentence.start, sentence.end))
        timed.append(sentence)
    return tuple(timed)


def write_wav(path: Path, samples: Any, rate: int) -> None:
    """Mono 16-bit PCM, the one audio format narration tracks are built from."""
    import numpy as np

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.asarray(samples, dtype=np.int16).tobytes())


def read_wav(path: Path) -> tuple[Any, int]:
    """The mono 16-bit samples of ``path`` (a NumPy array) and its rate, checked by its data.

    A file cut short keeps the header it was written with, so the header's length
    says nothing about what is there: the data chunk must hold every sample the
    header promises, else :class:`DamagedAudioError`.
    """
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise DamagedAudioError(f"{path} is not mono 16-bit PCM "
                                        f"({wav.getnchannels()} channels, "
                                        f"{8 * wav.getsampwidth()}-bit)")
            promised, rate = wav.getnframes(), wav.getframerate()
            data = wav.readframes(promised)
    except (wave.Error, EOFError) as error:
        raise DamagedAudioError(f"{path} is not a readable WAV file ({error})") from error
    if len(data) != 2 * promised:
        raise DamagedAudioError(f"{path} holds {len(data) / 2:g} of the {promised} samples "
                                "its header promises (cut short)")
    return np.frombuffer(data, dtype=np.int16), rate


def wav_duration(path: Path) -> float:
    """Seconds of audio ``path`` holds, counted from its data (see :func:`read_wav`)."""
    samples, rate = read_wav(path)
    return len(samples) / rate
