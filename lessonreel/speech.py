"""What speech is, independent of who makes it: sentences, timings, and WAV files.

A leaf module: the speech services (:mod:`lessonreel.narration`), recorded
narration (:mod:`lessonreel.recordings`) and the renderer's narration tracks
all share these types without importing each other.
"""

from __future__ import annotations

import hashlib
import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lessonreel.errors import DamagedAudioError, NarrationError

#: Silence between two sentences of one beat.
SENTENCE_PAUSE = 0.35
#: Speaking rate assumed when narration is off: the Piper voice's own rate inside a
#: sentence, measured on the Module 2 and 3 scripts (2,191 words in 663 s of speech).
ESTIMATED_WORDS_PER_SECOND = 3.3

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    """Split narration into sentences, one caption cue each."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise NarrationError("a beat's narration text is empty: write what the narrator says")
    return [s for s in _SENTENCE_END.split(cleaned) if s]


@dataclass(frozen=True)
class SpokenSentence:
    """One sentence of a beat and where it sits in the beat's audio, in seconds."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Speech:
    """What a speech service produced for one beat."""

    text: str
    duration: float
    sentences: tuple[SpokenSentence, ...]
    audio: Path | None = None


def sentence_times(sentences: list[str], durations: list[float]) -> tuple[SpokenSentence, ...]:
    """Sentences one after another, SENTENCE_PAUSE apart."""
    spoken, t = [], 0.0
    for i, (sentence, length) in enumerate(zip(sentences, durations, strict=True)):
        if i:
            t += SENTENCE_PAUSE
        spoken.append(SpokenSentence(sentence, round(t, 4), round(t + length, 4)))
        t += length
    return tuple(spoken)


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


def file_digest(path: Path) -> str:
    """SHA-256 of a file: what a cache record keeps to know its audio is the one it wrote."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
