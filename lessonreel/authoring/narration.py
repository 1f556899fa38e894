"""Narration inside scenes: beats, their tracker and marks, and the records a scene
writes (the speech services and their cache are :mod:`lessonreel.voice.services`).

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

Over 400 lines because it is the whole of the scene side of a beat (its tracker,
marks, speech, checks and records), which must agree within one Manim process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonreel import settings
from lessonreel.authoring.flashes import FlashWatch
from lessonreel.authoring.repeats import install as install_converted_once
from lessonreel.authoring.spoken import Narration, as_narration
from lessonreel.authoring.texcache import install_from_env as install_texcache_from_env
from lessonreel.errors import DamagedAudioError, MarkError, NarrationError
from lessonreel.files import file_digest, staged, write_atomically
from lessonreel.records import (
    BeatRecord,
    Mark,
    Play,
    QuestionRecord,
    SentenceRecord,
    beats_json,
)
from lessonreel.render.launch import SceneOrders, print_raised
from lessonreel.voice.recordings import decode, find_recording, recorded_speech
from lessonreel.voice.services import SpeechService, service_from_env
from lessonreel.voice.speech import (
    Speech,
    read_wav,
    wav_duration,
    write_wav,
)

if TYPE_CHECKING:
    from manim import Scene





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
    #: The question the beat asks (:mod:`lessonreel.authoring.asking`), once it is asked.
    question: QuestionRecord | None = None

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

    Use as ``class MyScene(NarrationMixin, Scene)``, or derive from
    :class:`lessonreel.LessonScene`, which is that on the course's background.
    """

    #: Silence after each beat (see :data:`lessonreel.settings.BEAT_GAP`).
    beat_gap: float = settings.BEAT_GAP

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        from manim import Scene

        order = cls.__mro__
        if issubclass(cls, Scene) and order.index(Scene) < order.index(NarrationMixin):
            # Scene's play() and render() would run instead of the mixin's: no beats,
            # no captions, no layout check, and no error anywhere.
            raise TypeError(f"{cls.__name__}: write NarrationMixin before the Scene class "
                            f"(class {cls.__name__}(NarrationMixin, Scene)), or derive "
                            "from lessonreel.LessonScene")

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
        # A held frame is converted for the encoder once, not once a frame it is shown.
        install_converted_once()
        try:
            return super().render(*args, **kwargs)  # type: ignore[misc]
        except Exception as error:
            print_raised(error)
            raise

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
        """The flash check's findings so far (see :mod:`lessonreel.authoring.flashes`)."""
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
        skipped = self._skipped_by_shard() or self._skipping_every_play()
        # Checked on skipped plays too: what a flash is follows from the scene's state.
        self.flash_watch.starting(self, self.beats[-1].name if self.beats else None)
        super().play(*args, **kwargs)  # type: ignore[misc]
        self.flash_watch.ended(self)
        # Recorded even when skipped (-s, -n): the frames each play draws at any frame
        # rate follow from these, as Manim counts them (see lessonreel.render.beatcache).
        animations = getattr(scene, "animations", None)
        frozen = bool(animations) and bool(scene.is_current_animation_frozen_frame())
        duration = float(scene.duration)
        self.plays.append((duration, frozen, timed or self._time_based()))
        if skipped:
            # Skipped, Manim's clock runs on the exact run time; drawn, on whole frames.
            # A shard's clock runs as the whole scene's would have run, to the last bit,
            # so every wait (and all that changes with time) is as long as drawn; so does
            # the plan's beats pass (-s), so its beats start where the render's do.
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

    @staticmethod
    def _skipping_every_play() -> bool:
        """Whether Manim skips every play to write only the last frame (``-s``)."""
        from manim import config

        return bool(config.save_last_frame)

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
        smallest and the beat's flashes (:mod:`lessonreel.authoring.flashes`), if asked to."""
        report = SceneOrders.from_environment().layout_file
        if report is None:
            return
        from manim import config

        from lessonreel.authoring import theme
        from lessonreel.authoring.layout import layout_problems, smallest_text
        from lessonreel.records import BeatLayout, read_layout_report, write_layout_report

        on_screen = list(getattr(self, "mobjects", []))
        found = layout_problems(on_screen, config.frame_width, config.frame_height,
                                min_size=theme.SMALL_SIZE, camera=getattr(self, "camera", None))
        smallest = smallest_text(on_screen)
        entries = [e for e in read_layout_report(report) if e.beat != beat]
        first = bool(self.beats) and self.beats[0].name == beat
        entries.append(BeatLayout(
            beat, tuple(found), tuple(str(f) for f in self.flash_watch.in_beat(beat, first)),
            None if smallest is None else (smallest.label, smallest.size)))
        write_layout_report(report, entries)

    def _recording(self, beat: str) -> Path | None:
        """The author's recording of this beat, in the folder the renderer named.

        A plain ``manim render`` names none: the scene then speaks with the voice.
        """
        folder = SceneOrders.from_environment().recordings_dir
        if folder is None:
            return None
        return find_recording(folder, type(self).__name__, beat)

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
        return recorded_speech(recording, text, settings.cache_dir() / "audio",
                               service.sample_rate,
                               with_audio=service.speaks_aloud)

    @contextlib.contextmanager
    def voiceover(self, text: str | Narration, *, beat: str,
                  hold: float = 0.0) -> Iterator[BeatTracker]:
        """One beat: ``text`` is spoken (see :func:`~lessonreel.authoring.spoken.say` for
        values in it) while the body plays; then the beat waits out its speech, the gap
        between beats, and ``hold`` seconds more of silence, so its result stays on screen
        to be read."""
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
        beats_file = SceneOrders.from_environment().beats_file
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
        beats_file = SceneOrders.from_environment().beats_file
        if beats_file:
            # Each beat's segment: its plays up to the next beat's (the first beat's from
            # the scene's first play), so the segments together are the whole scene.
            starts = [0, *(beat.first_animation for beat in self.beats[1:]), None]
            records = [beat_record(beat, [Play(*play) for play in self.plays[start:stop]])
                       for beat, start, stop in zip(self.beats, starts, starts[1:],
                                                    strict=False)]
            write_atomically(Path(beats_file), beats_json([*records, *self.sounds]))

    @property
    def sounds(self) -> list[BeatRecord]:
        """Sounds the scene added itself, as entries of its beats file (``kind: sound``)."""
        if not hasattr(self, "_lessonreel_sounds"):
            self._lessonreel_sounds: list[BeatRecord] = []
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
        if SceneOrders.from_environment().beats_file is None:
            super().add_sound(sound_file, time_offset, gain, **kwargs)  # type: ignore[misc]
            return
        if kwargs:
            raise NarrationError(f"{type(self).__name__}.add_sound: lessonreel mixes a "
                                 f"scene's sound with a file, time_offset and gain only, "
                                 f"not {', '.join(sorted(kwargs))}")
        from manim import config
        from manim.utils.sounds import get_full_sound_file_path

        source = Path(get_full_sound_file_path(sound_file, Path(config.assets_dir)))
        clip = decoded_sound(source, settings.cache_dir() / "audio",
                             self._speech_service().sample_rate, gain or 0.0)
        start = scene.time + time_offset
        self.sounds.append(BeatRecord(
            kind="sound", name=f"sound {len(self.sounds) + 1} ({source.name})",
            start=start, end=start + wav_duration(clip),
            first_animation=getattr(scene.renderer, "num_plays", 0),
            duration=wav_duration(clip), audio=clip))
        self._write_beats()


def decoded_sound(source: Path, cache_dir: Path, rate: int, gain: float) -> Path:
    """``source`` as mono 16-bit WAV at ``rate`` with ``gain`` dB applied, decoded once
    by content into the audio cache."""
    import numpy as np

    digest = file_digest(source)
    target = cache_dir / hashlib.sha256(f"sound:{digest}:{rate}:{gain}".encode()).hexdigest()
    target = target.with_suffix(".wav")
    try:
        read_wav(target)
    except (OSError, DamagedAudioError):
        samples = decode(source, rate).astype(np.float64) * 10 ** (gain / 20)
        with staged(target) as tmp:
            write_wav(tmp, np.clip(np.round(samples), -32768, 32767), rate)
    return target


def beat_record(beat: Beat, plays: Sequence[Play]) -> BeatRecord:
    """A beat as its record: times on the scene's own clock, the same in every shard."""
    return BeatRecord(
        name=beat.name, text=beat.text, spoken=beat.narration.spoken,
        start=beat.start, end=beat.end, first_animation=beat.first_animation,
        duration=beat.speech.duration, hold=beat.hold, time_based=beat.time_based,
        audio=beat.speech.audio or None,
        # Marks by name, each at its word's start (seconds from the beat's start, like
        # the sentences): the beat cache keys them, a timeline can draw them.
        marks=tuple(Mark(name, at) for name, at in beat.marks.items()),
        sentences=tuple(
            SentenceRecord(said.text, said.start, said.end, said.words, sentence.chunks)
            for said, sentence in zip(beat.speech.sentences, beat.narration.sentences,
                                      strict=True)),
        plays=tuple(plays), timed_plays=any(play.timed for play in plays),
        question=beat.question)
