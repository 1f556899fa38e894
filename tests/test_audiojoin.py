"""The lesson's AAC track joined from per-scene segments: as clean as one encode, in sync,
and an edit encodes only the scene it touched."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from lessonreel.assemble import audio as audiojoin
from lessonreel.assemble.audio import FRAME, RATE, Piece
from lessonreel.errors import SeamNotSilent

VOICE_RATE = 22050  # what Piper writes


def voice(path: Path, seconds: float, sound: tuple[float, float], pitch: float) -> Path:
    """A mono WAV like a narration track: a voiced sound from sound[0] to sound[1] s
    (harmonics under a syllable-rate envelope), silence elsewhere."""
    t = np.arange(int(seconds * VOICE_RATE)) / VOICE_RATE
    tone = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 6))
    envelope = (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)) * ((t >= sound[0]) & (t < sound[1]))
    samples = (0.3 * tone * envelope * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(VOICE_RATE)
        out.writeframes(samples.tobytes())
    return path


def decoded(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "2",
                          "-ar", str(RATE), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2)


def placed(pieces: list[Piece], at_grid: bool) -> np.ndarray:
    """The lesson's samples: each narration from its video start (or its grid frame)."""
    total = round(pieces[-1].end * RATE / FRAME) * FRAME
    out = np.zeros((total, 2), np.float32)
    for piece in pieces:
        start = round(piece.start * RATE / FRAME) * FRAME if at_grid else round(piece.start * RATE)
        length = round((piece.end - piece.start) * RATE)
        samples = audiojoin.decode(piece.narration, length)[: total - start]
        out[start:start + len(samples)] += samples
    return out


def snr(test: np.ndarray, ideal: np.ndarray) -> float:
    error = float(((test - ideal) ** 2).mean())
    return 10 * np.log10(float((ideal ** 2).mean()) / error)


def encoded_whole(samples: np.ndarray, path: Path) -> np.ndarray:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "2",
                    "-i", "-", *audiojoin.ENCODER, str(path)],
                   input=samples.tobytes(), check=True)
    return decoded(path)


@pytest.fixture
def lesson(tmp_path: Path) -> list[Piece]:
    """Three scenes whose starts fall between AAC frames; the second one speaks from its
    very first sample, so the seam before it cuts through sound."""
    return [
        Piece(voice(tmp_path / "a.wav", 2.517, (0.2, 2.0), 180), 0.0, 2.517),
        Piece(voice(tmp_path / "b.wav", 1.783, (0.0, 1.3), 140), 2.517, 4.3),
        Piece(None, 4.3, 4.9),
        Piece(voice(tmp_path / "c.wav", 1.45, (0.1, 1.0), 220), 4.9, 6.35),
    ]


def test_a_joined_track_is_as_clean_as_one_encode_of_the_whole_lesson(
        lesson: list[Piece], tmp_path: Path) -> None:
    target = tmp_path / "lesson.m4a"
    audiojoin.join(lesson, tmp_path / "segments", target)
    joined = decoded(target)
    ideal = placed(lesson, at_grid=True)
    whole = encoded_whole(ideal, tmp_path / "whole.m4a")
    assert len(joined) == len(ideal) == len(whole)
    assert snr(joined, ideal) > snr(whole, ideal) - 0.5
    for piece in lesson[1:]:
        seam = round(piece.start * RATE / FRAME) * FRAME
        near = slice(seam - RATE // 10, seam + RATE // 10)
        # A click or a lost frame at a seam would show here, whatever the rest does.
        if np.abs(ideal[near]).max() == 0:
            assert np.abs(joined[near]).max() < 1e-3
        else:
            assert snr(joined[near], ideal[near]) > snr(whole[near], ideal[near]) - 1.0


def test_every_scene_sounds_within_one_video_frame_of_its_picture(
        lesson: list[Piece], tmp_path: Path) -> None:
    target = tmp_path / "lesson.m4a"
    audiojoin.join(lesson, tmp_path / "segments", target)
    joined = decoded(target)[:, 0]
    on_time = placed(lesson, at_grid=False)[:, 0]
    frame_at_60fps = RATE // 60
    for piece in lesson:
        if piece.narration is None:
            continue
        start, end = round(piece.start * RATE), round(piece.end * RATE)
        lags = [lag for lag in range(-2 * frame_at_60fps, 2 * frame_at_60fps + 1, 8)
                if start + lag >= 0 and end + lag <= len(joined)]
        best = max(lags, key=lambda lag: float(np.dot(joined[start + lag:end + lag],
                                                      on_time[start:end])))
        assert abs(best) < frame_at_60fps, f"scene at {piece.start} s is {best} samples off"


def test_editing_one_scene_encodes_only_that_scenes_segment(
        lesson: list[Piece], tmp_path: Path) -> None:
    segments = tmp_path / "segments"
    assert audiojoin.join(lesson, segments, tmp_path / "first.m4a") == [True] * 4
    # The second scene's narration is rewritten and gets longer: every scene after
    # it moves along the lesson by 0.37 s, off the frames they sat on.
    # Its first words are the same: the seam before it sounds as it did.
    longer = voice(tmp_path / "b2.wav", 2.153, (0.0, 1.7), 140)
    shift = 0.37
    edited = [lesson[0], Piece(longer, 2.517, 4.3 + shift),
              *(Piece(p.narration, p.start + shift, p.end + shift) for p in lesson[2:])]
    assert audiojoin.join(edited, segments, tmp_path / "edited.m4a") == [False, True, False,
                                                                        False]
    ideal = placed(edited, at_grid=True)
    whole = encoded_whole(ideal, tmp_path / "whole.m4a")
    assert snr(decoded(tmp_path / "edited.m4a"), ideal) > snr(whole, ideal) - 0.5


def test_a_scene_sounding_past_the_frame_its_segment_ends_on_is_refused(tmp_path: Path) -> None:
    """2.01 s ends 0.22 of an AAC frame past a frame: the scene gets the frames up to
    that one, and the sound in the rest would be lost. The lesson is then encoded whole."""
    pieces = [Piece(voice(tmp_path / "a.wav", 2.01, (0.2, 2.01), 180), 0.0, 2.01),
              Piece(voice(tmp_path / "b.wav", 1.0, (0.1, 0.5), 140), 2.01, 3.0)]
    with pytest.raises(SeamNotSilent, match="scene 1"):
        audiojoin.join(pieces, tmp_path / "segments", tmp_path / "lesson.m4a")


def test_a_damaged_segment_is_encoded_again(lesson: list[Piece], tmp_path: Path) -> None:
    segments = tmp_path / "segments"
    audiojoin.join(lesson, segments, tmp_path / "first.m4a")
    victim = sorted(segments.glob("*.m4a"))[0]
    victim.write_bytes(victim.read_bytes()[:200])
    fresh = audiojoin.join(lesson, segments, tmp_path / "again.m4a")
    assert fresh.count(True) == 1
    assert np.array_equal(decoded(tmp_path / "again.m4a"), decoded(tmp_path / "first.m4a"))
