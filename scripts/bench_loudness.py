"""Time the narration's loudness normalisation (lessonreel/voice/loudness.py) on Piper's voice.

    .venv/bin/python scripts/bench_loudness.py [--seconds 70] [--repeat 3]

Builds a narration of about ``--seconds`` of Piper speech (cached in a temporary
folder), normalises it ``--repeat`` times and prints a table: time taken, the loudness
reached (pyloudnorm) and the true peak (4x oversampled over the whole track).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

from lessonreel.voice.loudness import normalise
from lessonreel.voice.services import PiperSpeech
from lessonreel.voice.speech import read_wav, write_wav

SENTENCES = [
    "Watch x slide from two to two point zero zero one, and y follows at five times the pace.",
    "The ratio of the change in y to the change in x stays at five, however small the nudge.",
    "Now the secant line turns as h shrinks, and its slope settles on the tangent's slope.",
    "A positive slope says the output grows when the input grows; a negative one, it falls.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=70.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        voice = PiperSpeech(folder / "speech")
        pieces: list[np.ndarray] = []
        rate = 22050
        while sum(len(p) for p in pieces) < args.seconds * rate:
            speech = voice.speak(" ".join(SENTENCES))
            assert speech.audio is not None
            samples, rate = read_wav(speech.audio)
            pieces += [samples, np.zeros(int(0.7 * rate), dtype=np.int16)]
        write_wav(folder / "raw.wav", np.concatenate(pieces), rate)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            normalise(folder / "raw.wav", folder / "out.wav")
            times.append(time.perf_counter() - started)
        out, out_rate = read_wav(folder / "out.wav")
        audio = out / 32768.0
        lufs = pyloudnorm.Meter(out_rate).integrated_loudness(audio)
        peak = 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())
        length = sum(len(p) for p in pieces) / rate
    print("| narration | normalise, median | min | loudness | true peak |")
    print("| --: | --: | --: | --: | --: |")
    print(f"| {length:.1f} s | {statistics.median(times):.2f} s | {min(times):.2f} s "
          f"| {lufs:.2f} LUFS | {peak:.2f} dBTP |")


if __name__ == "__main__":
    main()
