"""Which word timing is closest to the audio? Three ways of timing Piper's words, measured.

A caption cut inside a sentence must appear when its first word is said, so each
spoken word needs a time. This script synthesises every sentence of a lesson's
narration the way lessonreel does (one seeded session per beat, sentence by
sentence, at the voice's length scale) and times its words four ways:

(a) Piper's alignment: the samples the model gave each phoneme (the model patched
    with ``piper.patch_voice_with_alignment``), words found in the phonemes by
    :func:`lessonreel.voice.wordtimes.aligned_words`;
(b) synthesis per clause: each clause (the sentence cut at , ; : and dashes)
    synthesised on its own, the clauses' lengths scaled to the sentence's length,
    words shared out inside a clause by their phonemes;
(c) proportional to phonemes: every phoneme of Piper's own phonemisation (espeak)
    of the sentence takes the same time;
(d) proportional to letters: what a silent render or a recorded beat gets.

The reference is independent of all four: the pauses Piper leaves in the audio at
the sentence's commas and clause breaks, found from the audio's energy (10 ms
frames below -60 dB of full scale, the voice being normalised to full scale, for
at least 60 ms), and the speech's first and last loud frame. A sentence with k
clause breaks is scored when its audio has at least k such pauses: its k longest,
in order, are its clause pauses (a stop consonant's closure is shorter than the
breath at a comma), so no method's own estimate chooses its reference. For each
pause: how far from its end each method puts the start of the next word, and how
far from its start the end of the word before; for each sentence, how far from the
speech's onset and offset it puts the first word's start and the last word's end.

    .venv/bin/python scripts/caption_timing.py [LESSON]       # default module02-derivatives
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from lessonreel.authoring.lesson import get_lesson
from lessonreel.render.preview import Previewer
from lessonreel.settings import LENGTH_SCALE
from lessonreel.voice.script import read_script
from lessonreel.voice.services import PiperSpeech
from lessonreel.voice.speech import split_sentences
from lessonreel.voice.wordtimes import aligned_words, is_sound, proportional

ROOT = Path(__file__).resolve().parents[1]
FRAME = 0.010
SILENT_DB = -60.0
MIN_PAUSE = 0.060
_BREAK = re.compile(r"[,;:\u2013\u2014]$")

Times = tuple[tuple[float, float], ...]


def levels(samples: np.ndarray, rate: int) -> np.ndarray:
    size = int(FRAME * rate)
    usable = len(samples) // size * size
    blocks = samples[:usable].astype(np.float64).reshape(-1, size) / 32768.0
    return 20 * np.log10(np.sqrt((blocks ** 2).mean(axis=1)) + 1e-12)


def reference(samples: np.ndarray, rate: int) -> tuple[float, float, list[tuple[float, float]]]:
    """Speech onset, offset, and the pauses inside it, in seconds."""
    loud = levels(samples, rate) >= SILENT_DB
    frames = np.flatnonzero(loud)
    onset, offset = frames[0], frames[-1] + 1
    pauses, start = [], None
    for i in range(onset, offset):
        if not loud[i] and start is None:
            start = i
        elif loud[i] and start is not None:
            if (i - start) * FRAME >= MIN_PAUSE:
                pauses.append((start * FRAME, i * FRAME))
            start = None
    return onset * FRAME, offset * FRAME, pauses


def isolated_phonemes(voice: Any, words: list[str]) -> list[list[str]]:
    return [[p for group in voice.phonemize(w) for p in group] for w in words]


def by_phonemes(voice: Any, words: list[str], start: float, end: float) -> Times:
    weights = [max(1, sum(is_sound(p) for p in ph)) for ph in isolated_phonemes(voice, words)]
    return proportional(words, start, end, weights)


def per_clause(speech: PiperSpeech, voice: Any, config: Any, sentence: str,
               duration: float) -> Times:
    words = sentence.split()
    clauses: list[list[str]] = [[]]
    for word in words:
        clauses[-1].append(word)
        if _BREAK.search(word):
            clauses.append([])
    clauses = [c for c in clauses if c]
    lengths = []
    for clause in clauses:
        text = " ".join(clause)
        speech._seed_noise(voice, speech.cache_key(text))
        lengths.append(sum(len(c.audio_int16_array) for c in voice.synthesize(text, config)))
    scale = duration / sum(lengths)
    times: list[tuple[float, float]] = []
    t = 0.0
    for clause, length in zip(clauses, lengths, strict=True):
        times += by_phonemes(voice, clause, t, t + length * scale)
        t += length * scale
    return tuple(times)


def main() -> None:
    from piper import SynthesisConfig

    slug = sys.argv[1] if len(sys.argv) > 1 else "module02-derivatives"
    lesson = get_lesson(slug)
    scratch = Path(tempfile.mkdtemp(prefix="caption-timing-"))
    print(f"reading {slug}'s narration from its scenes ...", file=sys.stderr)
    beats = read_script(lesson, Previewer(lesson, ROOT, scratch), jobs=2)
    speech = PiperSpeech(scratch)
    voice = speech._voice
    config = SynthesisConfig(length_scale=LENGTH_SCALE)
    rate = int(voice.config.sample_rate)
    methods = ("(a) Piper's alignment", "(b) synthesis per clause",
               "(c) proportional to phonemes", "(d) proportional to letters")
    starts: dict[str, list[float]] = {m: [] for m in methods}
    ends: dict[str, list[float]] = {m: [] for m in methods}
    edges: dict[str, list[float]] = {m: [] for m in methods}
    sentences = scored = breaks = all_breaks = 0
    for n, beat in enumerate(beats, 1):
        print(f"beat {n} of {len(beats)}: {beat.scene} {beat.name}", file=sys.stderr)
        speech._seed_noise(voice, speech.cache_key(beat.spoken))
        timed = []
        for sentence in split_sentences(beat.spoken):
            chunks = list(voice.synthesize(sentence, config, include_alignments=True))
            timed.append((sentence, chunks))
        for sentence, chunks in timed:
            sentences += 1
            samples = np.concatenate([c.audio_int16_array for c in chunks])
            duration = len(samples) / rate
            words = sentence.split()
            onset, offset, pauses = reference(samples, rate)
            phonemes = [a.phoneme for c in chunks for a in c.phoneme_alignments]
            evenly = aligned_words(isolated_phonemes(voice, words), phonemes,
                                   [1] * len(phonemes), len(phonemes) / duration)
            found = {
                methods[0]: PiperSpeech._word_times(voice, sentence, chunks, rate),
                methods[1]: per_clause(speech, voice, config, sentence, duration),
                methods[2]: evenly,
                methods[3]: proportional(words, 0.0, duration),
            }
            after = [i + 1 for i, w in enumerate(words[:-1]) if _BREAK.search(w)]
            all_breaks += len(after)
            for method, times in found.items():
                assert len(times) == len(words), (method, sentence)
                edges[method] += [abs(times[0][0] - onset), abs(times[-1][1] - offset)]
            if len(pauses) < len(after) or not after:
                continue
            longest = sorted(pauses, key=lambda p: p[1] - p[0], reverse=True)[:len(after)]
            pauses = sorted(longest)
            scored += 1
            breaks += len(after)
            for method, times in found.items():
                for i, (p0, p1) in zip(after, pauses, strict=True):
                    starts[method].append(abs(times[i][0] - p1))
                    ends[method].append(abs(times[i - 1][1] - p0))

    def cell(values: list[float]) -> str:
        return f"{1000 * statistics.mean(values):.0f} / {1000 * max(values):.0f}"

    print(f"\n{slug}: {len(beats)} beats, {sentences} sentences, length scale {LENGTH_SCALE}; "
          f"{breaks} of its {all_breaks} clause breaks scored (in the {scored} sentences with "
          "a pause for each); onset and offset of every sentence")
    print("\n| method | next word starts (pause end), ms mean / worst | word before ends "
          "(pause start) | first word starts, last ends (speech onset, offset) |")
    print("| --- | --: | --: | --: |")
    for method in methods:
        print(f"| {method} | {cell(starts[method])} | {cell(ends[method])} | "
              f"{cell(edges[method])} |")


if __name__ == "__main__":
    main()
