"""What a course may tune, in one place: each value with the reason it has it.

Changing a value here changes lessons: the voice's settings key the speech cache (a new
value speaks every beat again), the pauses and the pace are checked against the
README's "Captions and pace", and the render settings only change how work is split
and what the cache keeps.
"""

from __future__ import annotations

import os
from pathlib import Path

# -- The voice ---------------------------------------------------------------------------

#: Silence between two sentences of one beat: a breath a learner can read in.
SENTENCE_PAUSE = 0.5
#: Piper's phoneme length scale: the voice ships with 1.0 (above is slower); 1.15 with the
#: pauses between sentences and beats brings Module 2 to a pace a learner can follow (see
#: the README's "Captions and pace").
LENGTH_SCALE = 1.15
#: Speaking rate assumed when narration is off: the Piper voice's own rate inside a
#: sentence at LENGTH_SCALE, measured on the Module 2 and 3 scripts by
#: scripts/speech_rate.py (1,968 spoken words in 641.9 s of speech: 3.07).
ESTIMATED_WORDS_PER_SECOND = 3.1

# -- Beats and pace ----------------------------------------------------------------------

#: Silence after each beat, so one idea is not run into the next (see the README's
#: "Captions and pace"); ``voiceover(hold=)`` adds more after a beat's key result. A scene
#: class may set its own ``beat_gap``.
BEAT_GAP = 0.7
#: Seconds a question's "pause and think" countdown runs before its answer, in the video.
THINK_SECONDS = 5
#: The pace a learner can follow, in caption words a minute over the whole lesson.
PACE_RANGE = (140, 165)

# -- Rendering ---------------------------------------------------------------------------

#: With automatic sharding, a scene is split when its last render took longer than this.
SHARD_SECONDS = 60.0
#: Below this, splitting a scene saves less than starting another Manim process costs.
MIN_SPLIT_SECONDS = 10.0
#: ``lessonreel preview``'s frame rate: Manim's low quality, fast to draw.
PREVIEW_FPS = 15

# -- The cache ---------------------------------------------------------------------------

#: The cache folder when neither --cache-dir nor $LESSONREEL_CACHE_DIR names one, in the
#: project's root folder (the one holding the lessons package).
CACHE_FOLDER = ".lessonreel-cache"
#: Names the cache folder for every lessonreel command and for the scenes they start.
CACHE_ENV = "LESSONREEL_CACHE_DIR"
#: Entries kept per scene and variant, so an edit tried and reverted is still cached.
KEEP_PER_SCENE = 3
#: A staging folder this old belongs to a run that was killed, not one still writing.
STALE_STAGING_SECONDS = 24 * 3600
#: Speech unused this long is dropped; and the oldest first beyond this many bytes.
AUDIO_UNUSED_DAYS = 30
AUDIO_MAX_BYTES = 2 * 1024**3


def cache_dir(root: Path | None = None) -> Path:
    """The cache folder: $LESSONREEL_CACHE_DIR, else ``.lessonreel-cache`` in ``root`` (the
    project's root; a scene run by a plain ``manim render`` passes none and is run from
    there, so the working directory stands in for it)."""
    named = os.environ.get(CACHE_ENV)
    return Path(named) if named else (root if root is not None else Path.cwd()) / CACHE_FOLDER
