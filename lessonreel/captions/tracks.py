"""A scene's narration track and captions, built from the beats its shards recorded.

Manim's own sound track would be cut wherever a scene is split into shards, so
the renderer rebuilds both from each beat's start, speech file and sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import srt

from lessonreel.captions.cues import cues_for, timed_sentence
from lessonreel.errors import DamagedAudioError, SceneRenderError
from lessonreel.records import BeatRecord, read_beat_records, spoken_beats
from lessonreel.render.plan import SceneTask, Shard
from lessonreel.voice.speech import read_wav, write_wav


def narration_track(beats: Sequence[BeatRecord], seconds: float, target: Path) -> bool:
    """Every beat's speech at its start time on a silent track ``seconds`` long.

    Returns False, writing nothing, when no beat has audio (narration off).
    """
    import numpy as np

    spoken = [(b, b.audio) for b in beats if b.audio is not None]
    if not spoken:
        return False
    rate = 0
    clips = []
    for beat, audio in spoken:
        try:
            samples, clip_rate = read_wav(audio)
        except DamagedAudioError as error:
            raise SceneRenderError(beat.name, audio, str(error)) from error
        rate = rate or clip_rate
        if clip_rate != rate:
            raise SceneRenderError(beat.name, audio,
                                   f"sample rate {clip_rate} among clips at {rate}")
        clips.append((beat.start, samples))
    track = np.zeros(round(seconds * rate), dtype=np.int32)
    for start, samples in clips:
        offset = round(start * rate)
        end = min(len(track), offset + len(samples))
        track[offset:end] += samples[: end - offset]
    write_wav(target, np.clip(track, -32768, 32767), rate)
    return True


def captions_from(beats: Sequence[BeatRecord], seconds: float) -> list[srt.Subtitle]:
    """The scene's captions on its own clock, none past ``seconds``: each spoken sentence
    cut into cues to broadcast rules, each cue timed by the words it shows
    (:mod:`lessonreel.captions.cues`)."""
    sentences = []
    for beat in beats:
        offset = beat.start
        for sentence in beat.sentences:
            start, end = offset + sentence.start, offset + sentence.end
            if start >= seconds:
                continue
            sentences.append(timed_sentence(
                sentence.text, start, end, sentence.chunks or None,
                [(offset + a, offset + b) for a, b in sentence.words] if sentence.words
                else None))
    cues = [srt.Subtitle(0, timedelta(seconds=cue.start), timedelta(seconds=cue.end), cue.text)
            for cue in cues_for(sentences, limit=seconds)]
    return list(srt.sort_and_reindex(cues))


def drawn_beats(task: SceneTask, shard: Shard, offset: float) -> list[BeatRecord]:
    """The beats (and sounds) ``shard`` drew, on a clock where its video starts at ``offset``."""
    path = task.beats_path(shard)
    recorded = read_beat_records(path) if path.exists() else []
    drawn = [b for b in recorded if b.first_animation >= shard.first
             and (shard.last is None or b.first_animation <= shard.last)]
    spoken = spoken_beats(drawn)
    if shard.first > 0 and not any(b.first_animation == shard.first for b in spoken):
        # Its beats would be placed by a clock that started mid-beat: captions and
        # narration would drift from the pictures. The plan cuts at the current
        # source's beats, so this means the scene is not the one that was planned.
        raise SceneRenderError(
            task.scene.name, task.log_path(shard),
            f"shard {shard.index} starts at animation {shard.first}, where no beat "
            "starts; the scene changed after it was planned, render it again")
    origin = 0.0 if shard.first == 0 else min(b.start for b in spoken)
    return [beat.moved(offset, less=origin) for beat in drawn]
