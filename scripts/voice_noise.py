"""Is the seeded voice the same voice? Seeded synthesis against Piper's own random draws.

For a few of Module 2's sentences, synthesise each once the way lessonreel does
(a fresh session seeded from the beat's key) and DRAWS times the way Piper does
by default (one session whose noise runs on), and print a table: length, and
two measures of how lively the delivery is (spread of pitch in semitones over
voiced frames, spread of loudness in dB). The seeded take should fall among the
random ones: seeding picks one of the voice's own takes, it does not flatten it.

    .venv/bin/python scripts/voice_noise.py [DRAWS]
"""

from __future__ import annotations

import statistics
import sys

import numpy as np

from lessonreel.voice.services import PiperSpeech
from lessonreel.voice.speech import read_wav

SENTENCES = [
    "Start with the simplest rule there is: the output is five times the input.",
    "Nudge the input by a thousandth, and watch how far the output moves.",
    "As the second point slides in, the secant line settles onto the tangent.",
    "Turn one knob at a time, and hold every other knob still.",
]


def pitch_and_loudness(samples: np.ndarray, rate: int) -> tuple[float, float]:
    """Standard deviation of F0 (semitones) over voiced 40 ms frames, and of their
    loudness (dB): autocorrelation pitch between 70 and 300 Hz."""
    frame = int(0.04 * rate)
    pitches, levels = [], []
    x = samples.astype(float) / 32768
    for start in range(0, len(x) - frame, frame // 2):
        piece = x[start:start + frame] - x[start:start + frame].mean()
        energy = float(np.sqrt(np.mean(piece ** 2)))
        if energy < 0.02:
            continue
        corr = np.correlate(piece, piece, "full")[frame - 1:]
        low, high = int(rate / 300), int(rate / 70)
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] / corr[0] < 0.5:
            continue  # unvoiced
        pitches.append(12 * np.log2(rate / lag / 100))
        levels.append(20 * np.log10(energy))
    return float(np.std(pitches)), float(np.std(levels))


def measure(speech: PiperSpeech, text: str, seeded: bool, path: str) -> tuple[float, float, float]:
    from pathlib import Path

    if not seeded:
        speech._seed_noise = lambda voice, key: None  # type: ignore[method-assign]
    result = speech._synthesize(text, Path(path))
    samples, rate = read_wav(Path(path))
    return (result.duration, *pitch_and_loudness(samples, rate))


def main() -> None:
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    import tempfile

    folder = tempfile.mkdtemp()
    print(f"| sentence | seeded: s, pitch sd, loud sd | {draws} random draws: s (min-max), "
          "pitch sd, loud sd (mean) |")
    print("|---|---|---|")
    for n, text in enumerate(SENTENCES, 1):
        seeded = measure(PiperSpeech(), text, True, f"{folder}/s{n}.wav")
        free = PiperSpeech()
        takes = [measure(free, text, False, f"{folder}/r{n}-{i}.wav") for i in range(draws)]
        lengths = [t[0] for t in takes]
        print(f"| {n} | {seeded[0]:.2f}, {seeded[1]:.2f} st, {seeded[2]:.2f} dB | "
              f"{min(lengths):.2f}-{max(lengths):.2f}, "
              f"{statistics.mean(t[1] for t in takes):.2f} st, "
              f"{statistics.mean(t[2] for t in takes):.2f} dB |")


if __name__ == "__main__":
    main()
