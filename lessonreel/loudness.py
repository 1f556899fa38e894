"""Loudness normalisation of narration, with ffmpeg's two-pass EBU R128 loudnorm.

Each scene's narration is normalised once, when the scene is rendered, and
cached with it; since every scene then speaks at the same integrated loudness,
the joined lesson does too, and an edit to one scene never re-measures the rest.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from lessonreel.errors import AssemblyError
from lessonreel.media import run_ffmpeg

#: Integrated loudness of the narration, as streaming platforms expect (-16 LUFS).
TARGET_LUFS = -16.0
#: Aim below the -1 dBTP ceiling: AAC encoding adds a little to true peaks.
TARGET_TRUE_PEAK = -2.0
TARGET_RANGE = 11.0
SAMPLE_RATE = 48000


def measure(path: Path) -> dict[str, str] | None:
    """loudnorm's first pass over ``path``; None when it is silent."""
    result = run_ffmpeg(["-i", str(path), "-af",
                         f"loudnorm=I={TARGET_LUFS}:TP={TARGET_TRUE_PEAK}:LRA={TARGET_RANGE}"
                         ":print_format=json", "-f", "null", "-"], "measuring loudness")
    match = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", result.stderr)
    if match is None:
        raise AssemblyError("ffmpeg's loudnorm printed no measurement")
    values: dict[str, str] = json.loads(match.group(0))
    if values["input_i"] in ("-inf", "inf") or float(values["input_i"]) < -70:
        return None
    return values


def normalise(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` at the target loudness, 48 kHz mono 16-bit WAV.

    Piper peaks at full scale, so reaching -16 LUFS with a linear gain alone would
    push peaks over the ceiling, and loudnorm would fall back to its dynamic mode,
    which lands more than a unit short on speech. So: gain to the target, a
    limiter 1 dB under the true-peak ceiling, then a final linear loudnorm pass.
    """
    first = measure(source)
    if first is None:
        run_ffmpeg(["-i", str(source), "-ar", str(SAMPLE_RATE), "-ac", "1",
                    "-c:a", "pcm_s16le", str(target)], "resampling silent narration")
        return
    limited = target.with_name(target.stem + "-limited.wav")
    gain = TARGET_LUFS - float(first["input_i"])
    ceiling = 10 ** ((TARGET_TRUE_PEAK - 1.0) / 20)
    run_ffmpeg(["-i", str(source), "-af",
                f"aresample={SAMPLE_RATE},volume={gain:.2f}dB,"
                f"alimiter=limit={ceiling:.4f}:attack=5:release=50:level=false",
                "-ac", "1", "-c:a", "pcm_f32le", str(limited)], "limiting narration peaks")
    second = measure(limited)
    if second is None:
        raise AssemblyError(f"narration in {source} fell silent while limiting it")
    run_ffmpeg(["-i", str(limited), "-af",
             f"loudnorm=I={TARGET_LUFS}:TP={TARGET_TRUE_PEAK}:LRA={TARGET_RANGE}"
             f":measured_I={second['input_i']}:measured_TP={second['input_tp']}"
             f":measured_LRA={second['input_lra']}:measured_thresh={second['input_thresh']}"
             f":offset={second['target_offset']}:linear=true,aresample={SAMPLE_RATE}",
             "-ar", str(SAMPLE_RATE), "-ac", "1", "-c:a", "pcm_s16le", str(target)],
               "normalising narration loudness")
    limited.unlink()
