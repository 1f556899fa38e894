"""Narration normalised to -16 LUFS with its peaks under -2 dBTP, measured as a player would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from lessonreel.voice.loudness import SAMPLE_RATE, TARGET_LUFS, TARGET_TRUE_PEAK, normalise
from lessonreel.voice.speech import read_wav, write_wav


def speechlike(rate: int, seconds: float, level: float) -> np.ndarray:
    """Syllables of filtered noise with pauses between words, peaking at full scale as
    Piper's voice does, then scaled by ``level``."""
    rng = np.random.default_rng(7)
    t = np.arange(int(rate * seconds)) / rate
    envelope = np.clip(np.sin(2 * np.pi * 3.1 * t), 0, None) ** 2
    envelope *= (np.sin(2 * np.pi * 0.4 * t) > -0.3)  # pauses
    voice = np.convolve(rng.standard_normal(len(t)), np.ones(8) / 8, mode="same")
    signal = voice * envelope
    return signal / np.abs(signal).max() * level


@pytest.mark.parametrize("level", [1.0, 0.05])
def test_narration_comes_out_at_the_target_loudness_with_peaks_under_the_ceiling(
    tmp_path: Path, level: float,
) -> None:
    rate = 22050
    write_wav(tmp_path / "raw.wav", np.round(speechlike(rate, 20, level) * 32767), rate)
    normalise(tmp_path / "raw.wav", tmp_path / "out.wav")
    samples, out_rate = read_wav(tmp_path / "out.wav")
    assert out_rate == SAMPLE_RATE
    assert len(samples) == pytest.approx(20 * SAMPLE_RATE, abs=SAMPLE_RATE * 0.01)
    audio = samples / 32768.0
    assert pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(audio) == pytest.approx(
        TARGET_LUFS, abs=0.2)
    true_peak = 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())
    assert true_peak <= TARGET_TRUE_PEAK + 0.1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wav", "raw.wav"]


def test_silence_stays_silent_and_is_only_resampled(tmp_path: Path) -> None:
    write_wav(tmp_path / "raw.wav", np.zeros(22050 * 2), 22050)
    normalise(tmp_path / "raw.wav", tmp_path / "out.wav")
    samples, rate = read_wav(tmp_path / "out.wav")
    assert rate == SAMPLE_RATE and len(samples) == 2 * SAMPLE_RATE and not samples.any()
