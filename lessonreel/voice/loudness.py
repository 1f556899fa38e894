"""Loudness normalisation of narration to EBU R128 (-16 LUFS, peaks under -2 dBTP).

Each scene's narration is normalised once, when the scene is rendered, and
cached with it; since every scene then speaks at the same integrated loudness,
the joined lesson does too, and an edit to one scene never re-measures the rest.

Loudness is measured in this process with pyloudnorm (ITU-R BS.1770-4, the measure
ffmpeg's loudnorm and ebur128 use), and ffmpeg runs once, for the resampling and the
limiter (once or twice). ffmpeg's two-pass loudnorm ran four passes, two of them at
192 kHz: 2.87 s for 72 s of narration here, against 1.26 s now, and it landed 0.5 LU
short of the target (scripts/bench_loudness.py; the README's author-loop section).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from lessonreel.errors import AssemblyError
from lessonreel.media import run_ffmpeg
from lessonreel.voice.speech import read_wav, write_wav

#: Integrated loudness of the narration, as streaming platforms expect (-16 LUFS).
TARGET_LUFS = -16.0
#: Aim below the -1 dBTP ceiling: AAC encoding adds a little to true peaks.
TARGET_TRUE_PEAK = -2.0
TARGET_RANGE = 11.0
SAMPLE_RATE = 48000
#: At most this many limiter passes to bring speech up to the target: two for Piper's voice
#: here, five for the peakiest speech-like noise the tests make.
LIMITER_PASSES = 6
#: How many of the loudest samples :func:`true_peak` looks between.
TRUE_PEAK_WINDOWS = 400


def loudness(samples: np.ndarray, rate: int) -> float | None:
    """Integrated loudness of float samples in [-1, 1], in LUFS; None when silent (below
    the gate of -70 LUFS, or too short to measure)."""
    if len(samples) < int(0.4 * rate):  # shorter than one gating block
        return None
    # Imported here: SciPy under pyloudnorm costs 0.6 s, which every command would pay.
    import pyloudnorm

    value = float(pyloudnorm.Meter(rate).integrated_loudness(samples))
    return None if not np.isfinite(value) or value < -70 else value


def true_peak(samples: np.ndarray) -> float:
    """The peak between samples too, in dBTP: 4x oversampled, as BS.1770 measures it.

    An inter-sample peak stands within a few samples of a sample near the highest, so
    only the stretches around the loudest samples are oversampled (the whole of a
    minute's narration took a second)."""
    from scipy.signal import resample_poly

    level = np.abs(samples)
    loudest = np.flatnonzero(level >= level.max() * 10 ** (-1 / 20))
    loudest = loudest[np.argsort(level[loudest])[::-1][:TRUE_PEAK_WINDOWS]]
    peak = float(level.max())
    for index in loudest:
        around = samples[max(0, index - 24):index + 25]
        peak = max(peak, float(np.abs(resample_poly(around, 4, 1)[8:-8]).max()))
    return float(20 * np.log10(max(peak, 1e-9)))


def _limited(source: Path, gain: float, ceiling: float, work: Path) -> np.ndarray:
    """``source`` at 48 kHz, ``gain`` dB louder, its peaks held under ``ceiling``."""
    run_ffmpeg(["-i", str(source), "-af",
                f"aresample={SAMPLE_RATE},volume={gain:.2f}dB,"
                f"alimiter=limit={ceiling:.4f}:attack=5:release=50:level=false",
                "-ac", "1", "-f", "f32le", "-c:a", "pcm_f32le", str(work)],
               "limiting narration peaks")
    return np.fromfile(work, dtype="<f4").astype(np.float64)


def normalise(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` at the target loudness, 48 kHz mono 16-bit WAV.

    Piper peaks at full scale, so reaching -16 LUFS with a linear gain alone would
    push peaks over the ceiling. So: gain to the target with a limiter 1 dB under the
    true-peak ceiling (ffmpeg, resampled to 48 kHz on the way), then measure again and
    make up the little the limiter took with a linear gain, which the limiter's
    headroom keeps under the ceiling.
    """
    samples, rate = read_wav(source)
    first = loudness(samples / 32768.0, rate)
    if first is None:
        run_ffmpeg(["-i", str(source), "-ar", str(SAMPLE_RATE), "-ac", "1",
                    "-c:a", "pcm_s16le", str(target)], "resampling silent narration")
        return
    gain = TARGET_LUFS - first
    ceiling = 10 ** ((TARGET_TRUE_PEAK - 1.0) / 20)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        # The limiter takes loudness off the peaks it holds down; each pass adds what the
        # last one lost, until a linear gain within the peaks' room makes up the rest.
        for _ in range(LIMITER_PASSES):
            limited = _limited(source, gain, ceiling, Path(work) / "limited.f32")
            reached = loudness(limited, SAMPLE_RATE)
            if reached is None:
                raise AssemblyError(f"narration in {source} fell silent while limiting it")
            short = TARGET_LUFS - reached
            room = TARGET_TRUE_PEAK - true_peak(limited)
            if short <= room:
                break
            gain += short
    # A linear make-up gain for the last fraction, which never takes a sample over the
    # true-peak target: the limiter left a decibel under it.
    out = limited * 10 ** (min(short, room) / 20)
    write_wav(target, np.clip(np.round(out * 32767), -32768, 32767), SAMPLE_RATE)
