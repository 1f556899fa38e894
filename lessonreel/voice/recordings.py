"""Recorded narration: an author's own voice in place of the synthetic one, beat by beat.

A recording lives at ``assets/narration/<lesson slug>/<Scene>/<beat>.wav``
(or ``.mp3``, ``.flac``). When it exists, the beat plays it instead of the
speech engine's voice and its length sets the beat's timing. Recordings are
decoded once, by content, into the audio cache at the voice's sample rate, so
they mix with synthetic beats in the same scene.

Captions still come from the beat's text. A recording carries no sentence
timings, so each sentence gets a share of the speech proportional to its
length, with every boundary moved to the nearest pause the recording actually
has (found by ffmpeg's ``silencedetect``); inside a sentence, each word gets a
share by its letters (:func:`lessonreel.voice.speech.with_word_times`), which is what
times a caption cut inside it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lessonreel import settings
from lessonreel.errors import DamagedAudioError, NarrationError
from lessonreel.files import file_digest, staged, write_atomically
from lessonreel.voice.speech import (
    Speech,
    SpokenSentence,
    split_sentences,
    wav_duration,
    with_word_times,
    write_wav,
)

AUDIO_SUFFIXES = (".wav", ".mp3", ".flac")
#: Below this level (dBFS) a stretch of a recording counts as a pause.
SILENCE_DB = -40.0
#: Shortest pause that may separate two sentences, in seconds.
MIN_PAUSE = 0.15
#: How far a proportional sentence boundary may move to reach a real pause.
SNAP_WINDOW = 1.5
#: Rate at which recordings are analysed for --check (and decoded when no voice is loaded).
ANALYSIS_RATE = 22050
#: A recording whose length is outside these multiples of the estimate is flagged.
LENGTH_TOLERANCE = (0.5, 2.0)


def recordings_root(root: Path) -> Path:
    return root / "assets" / "narration"


def scene_folder(root: Path, slug: str, scene: str) -> Path:
    return recordings_root(root) / slug / scene


def find_recording(folder: Path, scene: str, beat: str) -> Path | None:
    """The author's recording of one beat in ``folder`` (a scene's folder), if there is one."""
    found = [folder / f"{beat}{suffix}" for suffix in AUDIO_SUFFIXES
             if (folder / f"{beat}{suffix}").is_file()]
    if len(found) > 1:
        raise NarrationError(
            f"beat {beat!r} of {scene} has {len(found)} recordings "
            f"({', '.join(p.name for p in found)}); keep one of them in {folder}"
        )
    return found[0] if found else None


def decode(source: Path, rate: int) -> Any:
    """The recording as mono 16-bit samples at ``rate`` (a NumPy array)."""
    import numpy as np

    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(source), "-map", "0:a:0",
         "-ac", "1", "-ar", str(rate), "-f", "s16le", "-acodec", "pcm_s16le", "-"],
        capture_output=True, check=False,
    )
    if result.returncode != 0:
        last = result.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no audio"]
        raise NarrationError(f"cannot read the recording {source} ({last[0]}); "
                             "export it again as WAV, MP3 or FLAC")
    samples = np.frombuffer(result.stdout, dtype=np.int16)
    if samples.size == 0:
        raise NarrationError(f"the recording {source} holds no audio; record the beat again")
    return samples


def pauses(samples: Any, rate: int) -> list[tuple[float, float]]:
    """Stretches quieter than SILENCE_DB for at least MIN_PAUSE, as (start, end) seconds."""
    import numpy as np

    window = max(1, rate // 100)  # 10 ms
    usable = len(samples) // window * window
    if usable == 0:
        return []
    blocks = samples[:usable].astype(np.float64).reshape(-1, window) / 32768.0
    level = 20 * np.log10(np.sqrt((blocks ** 2).mean(axis=1)) + 1e-12)
    quiet = level < SILENCE_DB
    found, start = [], None
    for i, flag in enumerate([*quiet.tolist(), False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if (i - start) * window / rate >= MIN_PAUSE:
                found.append((start * window / rate, i * window / rate))
            start = None
    return found


def sentence_timeline(sentences: list[str], samples: Any, rate: int) -> tuple[SpokenSentence, ...]:
    """Where each sentence of the text sits in the recording (see the module docstring)."""
    duration = len(samples) / rate
    gaps = pauses(samples, rate)
    # Speech runs from the end of any leading silence to the start of any trailing one.
    begin = gaps[0][1] if gaps and gaps[0][0] <= 0.0 else 0.0
    finish = gaps[-1][0] if gaps and gaps[-1][1] >= duration - 0.011 else duration
    if finish <= begin:
        begin, finish = 0.0, duration
    inner = [g for g in gaps if g[0] > begin and g[1] < finish]
    weights = [max(1, len(s)) for s in sentences]
    total = sum(weights)
    bounds: list[tuple[float, float]] = []
    acc = 0
    for weight in weights[:-1]:
        acc += weight
        guess = begin + (finish - begin) * acc / total
        near = [g for g in inner if abs((g[0] + g[1]) / 2 - guess) <= SNAP_WINDOW
                and (not bounds or g[0] >= bounds[-1][1])]
        if near:
            chosen = min(near, key=lambda g: abs((g[0] + g[1]) / 2 - guess))
            inner.remove(chosen)
            bounds.append(chosen)
        else:
            bounds.append((guess, guess))
    starts = [begin, *(b[1] for b in bounds)]
    ends = [*(b[0] for b in bounds), finish]
    return tuple(SpokenSentence(text, round(s, 4), round(max(e, s + 0.05), 4))
                 for text, s, e in zip(sentences, starts, ends, strict=True))


def recorded_speech(source: Path, text: str, cache_dir: Path, rate: int,
                    with_audio: bool = True) -> Speech:
    """Speech for a beat from the author's recording, decoded into the audio cache once."""

    digest = file_digest(source)
    key = hashlib.sha256(f"recorded:{digest}:{rate}:{text}".encode()).hexdigest()
    wav_path = cache_dir / f"{key}.wav"
    record_path = cache_dir / f"{key}.json"
    sentences = split_sentences(text)
    try:
        record = json.loads(record_path.read_text())
        duration = wav_duration(wav_path)
        if abs(record["duration"] - duration) > 1e-3 or record["sha256"] != file_digest(wav_path):
            raise ValueError("record and audio disagree")
        # Word times are derived from the sentences, so a record without them is
        # completed here rather than decoded again.
        timeline = with_word_times(tuple(SpokenSentence.from_record(s)
                                         for s in record["sentences"]))
    except (OSError, ValueError, KeyError, TypeError, DamagedAudioError):
        samples = decode(source, rate)
        timeline = with_word_times(sentence_timeline(sentences, samples, rate))
        duration = len(samples) / rate
        with staged(wav_path) as tmp:
            write_wav(tmp, samples, rate)
        write_atomically(record_path, json.dumps({
            "source": str(source), "text": text, "duration": duration,
            "sha256": file_digest(wav_path),
            "sentences": [asdict(s) for s in timeline]}, indent=1).encode())
    return Speech(text=text, duration=duration, sentences=timeline,
                  audio=wav_path if with_audio else None)


def estimated_seconds(text: str) -> float:
    """How long a narrator would take to say ``text``, at the silent render's rate."""
    return len(" ".join(text.split()).split()) / settings.ESTIMATED_WORDS_PER_SECOND


@dataclass(frozen=True)
class RecordingReport:
    """What --check found in one recording."""

    path: Path
    duration: float
    expected: float
    peak_db: float
    clipped_fraction: float
    speech_fraction: float

    @property
    def problems(self) -> list[str]:
        found = []
        if self.peak_db < SILENCE_DB or self.speech_fraction < 0.05:
            found.append(f"silent (peak {self.peak_db:.0f} dBFS)")
        elif self.clipped_fraction > 0.0005:
            found.append(f"clipped ({self.clipped_fraction:.2%} of samples at full scale)")
        low, high = LENGTH_TOLERANCE
        if not low * self.expected <= self.duration <= high * self.expected:
            found.append(f"{self.duration:.1f} s long, expected about {self.expected:.1f} s")
        return found


def analyse(source: Path, text: str) -> RecordingReport:
    import numpy as np

    samples = decode(source, ANALYSIS_RATE)
    duration = len(samples) / ANALYSIS_RATE
    magnitude = np.abs(samples.astype(np.int32))
    peak = int(magnitude.max())
    quiet = sum(e - s for s, e in pauses(samples, ANALYSIS_RATE))
    return RecordingReport(
        path=source,
        duration=duration,
        expected=max(1.0, estimated_seconds(text)),
        peak_db=20 * float(np.log10(max(peak, 1) / 32768.0)),
        clipped_fraction=float((magnitude >= 32767).mean()),
        speech_fraction=max(0.0, 1 - quiet / duration) if duration else 0.0,
    )
