"""The Piper voice's own rate inside a sentence, which silent renders assume.

``ESTIMATED_WORDS_PER_SECOND`` (lessonreel/settings.py) times every beat of a render
with ``--narration none`` and checks an author's recordings; it should be the rate
the voice really speaks at, at the length scale it speaks with now. This script
reads every beat of the lessons named (default: all) from their scenes, speaks each
with lessonreel's Piper service (reusing a speech cache if given one), and prints the
spoken words, the seconds of speech inside sentences (pauses between sentences left
out) and the words a second, per lesson and in all.

    .venv/bin/python scripts/speech_rate.py [--cache-dir DIR] [LESSON ...]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from lessonreel.authoring.lesson import discover, get_lesson
from lessonreel.render.preview import Previewer
from lessonreel.settings import ESTIMATED_WORDS_PER_SECOND, LENGTH_SCALE
from lessonreel.voice.script import read_script
from lessonreel.voice.services import PiperSpeech

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*")
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args()
    cache = args.cache_dir or Path(tempfile.mkdtemp(prefix="speech-rate-"))
    speech = PiperSpeech(cache)
    total_words, total_seconds = 0, 0.0
    print(f"length scale {LENGTH_SCALE}; assumed now: {ESTIMATED_WORDS_PER_SECOND} words a second")
    print("| lesson | beats | spoken words | speech inside sentences | words a second |")
    print("| --- | --: | --: | --: | --: |")
    for slug in args.lessons or list(discover()):
        lesson = get_lesson(slug)
        beats = read_script(lesson, Previewer(lesson, ROOT, cache), jobs=2)
        words, seconds = 0, 0.0
        for beat in beats:
            for sentence in speech.speak(beat.spoken).sentences:
                words += len(sentence.text.split())
                seconds += sentence.end - sentence.start
        print(f"| {slug} | {len(beats)} | {words} | {seconds:.1f} s | {words / seconds:.2f} |")
        total_words += words
        total_seconds += seconds
    print(f"| all | | {total_words} | {total_seconds:.1f} s | "
          f"{total_words / total_seconds:.2f} |")


if __name__ == "__main__":
    main()
