"""Reading back the files lessonreel writes, checked field by field.

Every file the project reads back (a render's ``manifest.json`` and ``beats.json``,
the cache's ``record.json``, ``youtube.json``, the YouTube token) can be edited,
truncated or copied from another version, so nothing in one is used before it is
checked: its JSON parses, each field has its type, numbers are finite and in their
range. What breaks the schema is one :class:`~lessonreel.errors.RecordError`
naming the file and the field, never a ``KeyError`` three calls later.

A :class:`Fields` is bound to one file and to what fixes it, so each check is one
line: ``fields.number(scene, "duration", "scenes[2]", minimum=0)``. Readers build
typed values from it: the records that cross the process boundary are dataclasses
here (a scene's :class:`BeatRecord`, with its sentences, marks and plays), each with
its ``to_json`` and a ``from_json`` that checks as it reads.

Over 400 lines because it is the one place every record read back is defined: a
newcomer looks here, and nowhere else, for what a file holds and how it is checked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from lessonreel.errors import RecordError
from lessonreel.files import write_atomically

T = TypeVar("T")
_MISSING: Any = object()


def _refuse_constant(name: str) -> NoReturn:
    # Python's json reads NaN and Infinity, which no JSON writer of ours emits.
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str | bytes) -> Any:
    """JSON as lessonreel writes it: no NaN or Infinity; ValueError otherwise (a nesting
    too deep for the parser is a ValueError too, not a RecursionError)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def read_json(path: Path, fix: str, error: type[RecordError] = RecordError) -> Any:
    """The JSON in ``path``, or an ``error`` naming it and saying ``fix``."""
    try:
        return parse_json(path.read_bytes())
    except FileNotFoundError:
        raise error(path, None, "is missing", fix) from None
    except IsADirectoryError:
        raise error(path, None, "is a folder, not a file", fix) from None
    except OSError as problem:
        raise error(path, None, f"cannot be read ({problem.strerror})", fix) from None
    except (UnicodeDecodeError, ValueError) as problem:
        reason = "not UTF-8" if isinstance(problem, UnicodeDecodeError) else str(problem)
        raise error(path, None, f"is not valid JSON ({reason})", fix) from None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
          list: "a list", dict: "an object"}


@dataclass(frozen=True)
class Fields:
    """Checked access to the fields of one file's JSON; every failure names ``path``,
    the field, and says ``fix``."""

    path: Path
    fix: str
    #: The error raised: RecordError, or a subclass a caller already handles.
    error: type[RecordError] = RecordError

    def fail(self, field: str | None, problem: str) -> NoReturn:
        raise self.error(self.path, field, problem, self.fix)

    @staticmethod
    def name(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def object(self, value: Any, where: str = "") -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where or None, f"is {_kind(value)}, not an object")
        return value

    def get(self, obj: Mapping[str, Any], key: str, kind: type[T], where: str = "",
            default: Any = _MISSING) -> T:
        """``obj[key]`` if it is a ``kind`` (a bool is never taken for a number)."""
        field = self.name(where, key)
        if key not in obj:
            if default is not _MISSING:
                return default  # type: ignore[no-any-return]
            self.fail(field, "is missing")
        value = obj[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(field, f"is {_kind(value)}, not {_NAMES.get(kind, kind.__name__)}")
        return value

    def text(self, obj: Mapping[str, Any], key: str, where: str = "",
             default: Any = _MISSING, nonempty: bool = False) -> str:
        value = self.get(obj, key, str, where, default)
        if nonempty and not value:
            self.fail(self.name(where, key), "is empty")
        return value

    def number(self, obj: Mapping[str, Any], key: str, where: str = "", *,
               minimum: float | None = None, above: float | None = None,
               default: Any = _MISSING) -> float:
        """A finite number (a whole one too), at least ``minimum`` / above ``above``."""
        field = self.name(where, key)
        if key not in obj and default is not _MISSING:
            return default  # type: ignore[no-any-return]
        if key not in obj:
            self.fail(field, "is missing")
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, f"is {_kind(value)}, not a number")
        try:
            value = float(value)
        except OverflowError:
            self.fail(field, "is too large a number")
        if not math.isfinite(value):
            self.fail(field, f"is {value}, not a finite number")
        if minimum is not None and value < minimum:
            self.fail(field, f"is {value}, below {minimum}")
        if above is not None and value <= above:
            self.fail(field, f"is {value}, not above {above}")
        return value

    def integer(self, obj: Mapping[str, Any], key: str, where: str = "", *,
                minimum: int | None = None, default: Any = _MISSING) -> int:
        field = self.name(where, key)
        if key not in obj and default is not _MISSING:
            return default  # type: ignore[no-any-return]
        value = self.get(obj, key, int, where)
        if minimum is not None and value < minimum:
            self.fail(field, f"is {value}, below {minimum}")
        return value

    def boolean(self, obj: Mapping[str, Any], key: str, where: str = "",
                default: Any = _MISSING) -> bool:
        return self.get(obj, key, bool, where, default)

    def items(self, obj: Mapping[str, Any], key: str, where: str = "",
              default: Any = _MISSING, nonempty: bool = False) -> list[Any]:
        value = self.get(obj, key, list, where, default)
        if nonempty and not value:
            self.fail(self.name(where, key), "is an empty list")
        return value

    def mapping(self, obj: Mapping[str, Any], key: str, where: str = "",
                default: Any = _MISSING) -> dict[str, Any]:
        return self.get(obj, key, dict, where, default)

    def texts(self, obj: Mapping[str, Any], key: str, where: str = "",
              default: Any = _MISSING) -> list[str]:
        """A list of strings."""
        value = self.items(obj, key, where, default)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{self.name(where, key)}[{index}]", f"is {_kind(item)}, not text")
        return value

    def text_map(self, obj: Mapping[str, Any], key: str, where: str = "",
                 default: Any = _MISSING) -> dict[str, str]:
        """An object whose values are strings."""
        value = self.mapping(obj, key, where, default)
        for name, item in value.items():
            if not isinstance(item, str):
                self.fail(f"{self.name(where, key)}.{name}", f"is {_kind(item)}, not text")
        return value

    def size_map(self, obj: Mapping[str, Any], key: str, where: str = "",
                 default: Any = _MISSING) -> dict[str, int]:
        """An object whose values are sizes in bytes: whole numbers from 0."""
        value = self.mapping(obj, key, where, default)
        for name, item in value.items():
            if isinstance(item, bool) or not isinstance(item, int) or item < 0:
                self.fail(f"{self.name(where, key)}.{name}",
                          f"is {item!r}, not a size in bytes (a whole number from 0)")
        return value


def read_object(path: Path, fix: str, error: type[RecordError] = RecordError
                ) -> tuple[Fields, dict[str, Any]]:
    """The JSON object in ``path`` and the :class:`Fields` to check it with."""
    fields = Fields(path, fix, error)
    return fields, fields.object(read_json(path, fix, error))


# --- A scene's beats file: what its Manim process writes and the renderer reads -------------

#: How to repair a beats file: the scene writes it again at the end of its next run's beats.
BEATS_FIX = "render the scene again: its beats file is written at the end of every beat"


@dataclass(frozen=True)
class Mark:
    """A mark of a beat's narration (``{@name}``), at its word's start: seconds from the
    beat's start."""

    name: str
    at: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "at": self.at}


def _marks(fields: Fields, entry: Mapping[str, Any], where: str) -> tuple[Mark, ...]:
    """The ``marks`` of a beat (a beats file's or a scene record's)."""
    marks = []
    for index, mark in enumerate(fields.items(entry, "marks", where, default=[])):
        at = f"{where}.marks[{index}]"
        fields.object(mark, at)
        marks.append(Mark(fields.text(mark, "name", at), fields.number(mark, "at", at,
                                                                      minimum=0)))
    return tuple(marks)


def _word_times(fields: Fields, entry: Mapping[str, Any], where: str
                ) -> tuple[tuple[float, float], ...]:
    """The ``words`` of a sentence (a beats file's or a scene record's): (start, end) each."""
    words = []
    for index, word in enumerate(fields.items(entry, "words", where, default=[])):
        if (not isinstance(word, list) or len(word) != 2
                or not all(_is_number(t) and 0 <= t < 1e6 for t in word) or word[1] < word[0]):
            fields.fail(f"{where}.words[{index}]", "is not a word's [start, end] in seconds")
        words.append((float(word[0]), float(word[1])))
    return tuple(words)


@dataclass(frozen=True)
class SentenceRecord:
    """One spoken sentence of a beat, seconds from the beat's start, with each spoken word's
    (start, end) and its caption chunks beside the words said for them (a caption cut inside
    a sentence is timed by the spoken words it covers)."""

    text: str
    start: float
    end: float
    words: tuple[tuple[float, float], ...] = ()
    chunks: tuple[tuple[str, str], ...] = ()

    @property
    def spoken(self) -> str:
        """What the narrator says for this sentence; its caption text when unknown."""
        return " ".join(spoken for _, spoken in self.chunks) or self.text

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "words": [list(w) for w in self.words],
                "chunks": [list(c) for c in self.chunks]}

    @classmethod
    def from_json(cls, data: Any, fields: Fields, where: str) -> SentenceRecord:
        entry = fields.object(data, where)
        chunks = []
        for index, chunk in enumerate(fields.items(entry, "chunks", where, default=[])):
            if not isinstance(chunk, list) or len(chunk) != 2 or not all(
                    isinstance(part, str) for part in chunk):
                fields.fail(f"{where}.chunks[{index}]", "is not a [caption, spoken] pair")
            chunks.append((chunk[0], chunk[1]))
        return cls(fields.text(entry, "text", where), fields.number(entry, "start", where),
                   fields.number(entry, "end", where), _word_times(fields, entry, where),
                   tuple(chunks))


#: The fewest and the most choices a question offers (lettered A to D).
MIN_CHOICES, MAX_CHOICES = 2, 4
LETTERS = "ABCD"


@dataclass(frozen=True)
class QuestionRecord:
    """A question a beat asks (``self.ask`` in a scene), as the captions show it: the
    prompt, the lettered choices, the mistake each wrong choice stands for, which choice
    is right, the explanation the answer gives, and when the pause to think begins."""

    prompt: str
    choices: tuple[str, ...]
    #: For each choice, the mistake it stands for; None for the right one.
    mistakes: tuple[str | None, ...]
    correct: int
    explanation: str
    #: Seconds from the asking beat's start to the pause to think (its speech is over).
    think: float

    def to_json(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "choices": list(self.choices),
                "mistakes": list(self.mistakes), "correct": self.correct,
                "explanation": self.explanation, "think": self.think}

    @classmethod
    def from_json(cls, data: Any, fields: Fields, where: str) -> QuestionRecord:
        entry = fields.object(data, where)
        prompt, choices, mistakes, correct, explanation = question_fields(
            fields, entry, where)
        return cls(prompt, choices, mistakes, correct, explanation,
                   fields.number(entry, "think", where, minimum=0))


def question_fields(fields: Fields, entry: Mapping[str, Any], where: str
                     ) -> tuple[str, tuple[str, ...], tuple[str | None, ...], int, str]:
    """A question's prompt, choices, mistakes, right choice and explanation, checked: 2 to 4
    distinct choices, one mistake per choice, none for the right one, one for each other."""
    prompt = fields.text(entry, "prompt", where, nonempty=True)
    choices = tuple(fields.texts(entry, "choices", where))
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        fields.fail(fields.name(where, "choices"), f"has {len(choices)} choices, not "
                    f"{MIN_CHOICES} to {MAX_CHOICES}")
    if any(not choice.strip() for choice in choices) or len(set(choices)) != len(choices):
        fields.fail(fields.name(where, "choices"), "has an empty or a repeated choice")
    correct = fields.integer(entry, "correct", where, minimum=0)
    if correct >= len(choices):
        fields.fail(fields.name(where, "correct"), f"is {correct}, but there are "
                    f"{len(choices)} choices")
    raw = fields.items(entry, "mistakes", where)
    if len(raw) != len(choices):
        fields.fail(fields.name(where, "mistakes"), f"has {len(raw)} entries for "
                    f"{len(choices)} choices")
    for index, mistake in enumerate(raw):
        wanted_none = index == correct
        if (mistake is None) != wanted_none or (
                mistake is not None and (not isinstance(mistake, str) or not mistake.strip())):
            fields.fail(f"{fields.name(where, 'mistakes')}[{index}]",
                        "must be null for the right choice" if wanted_none
                        else "must name the mistake this wrong choice stands for")
    return (prompt, choices, tuple(raw), correct,
            fields.text(entry, "explanation", where, nonempty=True))


@dataclass(frozen=True)
class Play:
    """One ``play`` or ``wait`` of a scene, as Manim draws it: its run time, whether it
    holds a frozen frame, and whether something changed with time during it."""

    run_time: float
    frozen: bool
    timed: bool = False

    def to_json(self) -> list[Any]:
        return [self.run_time, self.frozen, self.timed]


@dataclass(frozen=True)
class BeatRecord:
    """A narrated beat, or a sound the scene added (``kind`` "sound"), as the scene
    process records it: times on the scene's own clock, the same in every shard; the
    renderer moves them onto a video's clock with :meth:`moved`."""

    name: str
    start: float
    #: None while the beat is still open (a segment's last sound may run on).
    end: float | None
    #: How many plays the scene had made when the beat opened.
    first_animation: int
    #: Seconds of speech (or of sound).
    duration: float
    #: The caption text, values as on screen ("2.001").
    text: str = ""
    #: The spoken text, values in words ("two point zero zero one").
    spoken: str = ""
    kind: str = "beat"
    #: Seconds of silence held after the speech and the gap.
    hold: float = 0.0
    #: The beat opens on something that changes with time (an updater).
    time_based: bool = False
    #: The speech (or sound) file, in the audio cache; None with narration off.
    audio: Path | None = None
    marks: tuple[Mark, ...] = ()
    sentences: tuple[SentenceRecord, ...] = ()
    #: The beat's plays up to the next beat's; None where they were not recorded.
    plays: tuple[Play, ...] | None = None
    #: Something changed with time during one of the beat's plays.
    timed_plays: bool = False
    #: The question this beat asks; its answer is the beat after it.
    question: QuestionRecord | None = None

    @property
    def is_sound(self) -> bool:
        return self.kind == "sound"

    def moved(self, by: float, less: float = 0.0) -> BeatRecord:
        """The same record ``by - less`` seconds later, added in that order (so a clock
        moved in two steps lands on the very same float as before)."""
        return replace(self, start=by + self.start - less,
                       end=None if self.end is None else by + self.end - less)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.kind == "beat" else {"kind": self.kind}
        data.update({
            "name": self.name, "text": self.text, "start": self.start, "end": self.end,
            "first_animation": self.first_animation, "duration": self.duration,
            "audio": None if self.audio is None else str(self.audio),
            "sentences": [s.to_json() for s in self.sentences]})
        if self.kind == "beat":
            data.update({"spoken": self.spoken, "hold": self.hold,
                         "time_based": self.time_based,
                         "marks": [m.to_json() for m in self.marks]})
            if self.question is not None:
                data["question"] = self.question.to_json()
        if self.plays is not None:
            data["plays"] = [p.to_json() for p in self.plays]
            data["timed_plays"] = self.timed_plays
        return data

    @classmethod
    def from_json(cls, data: Any, fields: Fields, where: str) -> BeatRecord:
        """A record read back, checked field by field (a RecordError names the field)."""
        entry = fields.object(data, where)
        kind = fields.text(entry, "kind", where, default="beat")
        if kind not in ("beat", "sound"):
            fields.fail(f"{where}.kind", f"is {kind!r}, not 'beat' or 'sound'")
        if "end" not in entry:
            fields.fail(f"{where}.end", "is missing")
        audio = entry.get("audio")
        if audio is not None:
            audio = Path(fields.text(entry, "audio", where, nonempty=True))
        plays = read_plays(fields, entry, where) if "plays" in entry else None
        return cls(
            name=fields.text(entry, "name", where, nonempty=True),
            start=fields.number(entry, "start", where),
            end=None if entry["end"] is None else fields.number(entry, "end", where),
            first_animation=fields.integer(entry, "first_animation", where, minimum=0),
            duration=fields.number(entry, "duration", where, minimum=0),
            text=fields.text(entry, "text", where, default=""),
            spoken=fields.text(entry, "spoken", where, default=""),
            kind=kind,
            hold=fields.number(entry, "hold", where, minimum=0, default=0.0),
            time_based=fields.boolean(entry, "time_based", where, default=False),
            audio=audio, marks=_marks(fields, entry, where),
            sentences=tuple(SentenceRecord.from_json(s, fields, f"{where}.sentences[{index}]")
                            for index, s in enumerate(fields.items(entry, "sentences", where,
                                                                   default=[]))),
            plays=plays,
            timed_plays=fields.boolean(entry, "timed_plays", where, default=False),
            question=None if entry.get("question") is None else QuestionRecord.from_json(
                entry["question"], fields, f"{where}.question"))


def _is_number(value: Any) -> bool:
    return (not isinstance(value, bool) and isinstance(value, (int, float))
            and math.isfinite(value))


def read_plays(fields: Fields, entry: Mapping[str, Any], where: str = "") -> tuple[Play, ...]:
    """The ``plays`` of a record: [run time in seconds, frozen, timed] each."""
    plays = []
    for index, data in enumerate(fields.items(entry, "plays", where, default=[])):
        if (not isinstance(data, list) or not 2 <= len(data) <= 3 or not _is_number(data[0])
                or not 0 <= data[0] < 1e6 or not all(isinstance(f, bool) for f in data[1:])):
            fields.fail(f"{fields.name(where, 'plays')}[{index}]",
                        "is not a play: [run time in seconds, frozen, timed]")
        plays.append(Play(float(data[0]), data[1], data[2] if len(data) > 2 else False))
    return tuple(plays)


def beat_records(data: Any, fields: Fields, where: str = "") -> list[BeatRecord]:
    """A list of beat records inside a file being read (a beats file, a segment's record)."""
    if not isinstance(data, list):
        fields.fail(where or None, "is not a list of beats")
    return [BeatRecord.from_json(entry, fields, f"{where}[{index}]")
            for index, entry in enumerate(data)]


def read_beat_records(path: Path) -> list[BeatRecord]:
    """A scene's beats file, checked; a damaged one is a RecordError naming the field."""
    return beat_records(read_json(path, BEATS_FIX), Fields(path, BEATS_FIX))


def beats_json(records: Sequence[BeatRecord]) -> bytes:
    """A beats file's bytes (written atomically by the scene process)."""
    return json.dumps([record.to_json() for record in records], indent=1).encode()


def spoken_beats(records: Sequence[BeatRecord]) -> list[BeatRecord]:
    """The narrated beats among ``records``, without the scene's own sounds."""
    return [record for record in records if not record.is_sound]


# --- A scene's layout report: the layout check at the end of each beat ----------------------

@dataclass(frozen=True)
class SmallestText:
    """The text a scene draws smallest, over the ends of all its beats."""

    label: str
    #: In Manim's font-size units, as the theme's sizes are.
    size: float
    #: The first beat that ends with it on screen.
    beat: str

    def __str__(self) -> str:
        return f"{self.label} at font size {self.size:.1f} (end of beat {self.beat!r})"


@dataclass(frozen=True)
class BeatLayout:
    """The layout check at the end of one beat: what a scene writes into its layout report
    (:attr:`lessonreel.render.launch.SceneOrders.layout_file`), one entry a beat, and what the
    renderer keeps in the scene's record for the render summary and the studio."""

    beat: str
    #: Overlaps, text outside the title-safe area, text under the legibility floor.
    problems: tuple[str, ...] = ()
    #: The beat's flashes (:mod:`lessonreel.authoring.flashes`), each "at T s: ...".
    flashes: tuple[str, ...] = ()
    #: The text drawn smallest at the beat's end, and its font size; None: no text.
    smallest: tuple[str, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"beat": self.beat, "problems": list(self.problems),
                "flashes": list(self.flashes),
                "smallest": None if self.smallest is None
                else {"label": self.smallest[0], "size": round(self.smallest[1], 2)}}

    @classmethod
    def from_json(cls, data: Any, fields: Fields, where: str) -> BeatLayout:
        """An entry read back, checked field by field (a RecordError names the field)."""
        entry = fields.object(data, where)
        smallest = entry.get("smallest")
        if smallest is not None:
            fields.object(smallest, f"{where}.smallest")
            smallest = (fields.text(smallest, "label", f"{where}.smallest"),
                        fields.number(smallest, "size", f"{where}.smallest", above=0))
        return cls(fields.text(entry, "beat", where),
                   tuple(fields.texts(entry, "problems", where, default=[])),
                   tuple(fields.texts(entry, "flashes", where, default=[])), smallest)


#: How to repair a layout report: the scene writes it again on its next run.
LAYOUT_FIX = "run the scene again: its layout report is written at the end of every beat"


def read_layout_report(path: Path) -> list[BeatLayout]:
    """A scene's layout report, checked; [] when the run wrote none (it stopped before
    its first beat ended). A damaged one is a RecordError naming the file and field."""
    if not path.exists():
        return []
    fields = Fields(path, LAYOUT_FIX)
    data = read_json(path, LAYOUT_FIX)
    if not isinstance(data, list):
        fields.fail(None, "is not a list of beats")
    return [BeatLayout.from_json(entry, fields, f"[{index}]")
            for index, entry in enumerate(data)]


def write_layout_report(path: Path, entries: Iterable[BeatLayout]) -> None:
    write_atomically(path, json.dumps([e.to_json() for e in entries], indent=1).encode())


# --- A cached beat segment's record ---------------------------------------------------------

#: How to repair a segment's record: the beat is drawn again.
SEGMENT_FIX = "the segment is rendered again"


@dataclass(frozen=True)
class SegmentRecord:
    """A cached beat segment's ``record.json``: which key and video it holds, the plays
    that drew its frames, and its beats (and sounds) and layout, on the segment's clock."""

    key: str
    scene: str
    lesson: str
    frames: int
    fps: int
    size: int
    sha256: str
    plays: tuple[Play, ...]
    beats: tuple[BeatRecord, ...]
    layout: tuple[BeatLayout, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "scene": self.scene, "lesson": self.lesson,
                "frames": self.frames, "fps": self.fps, "size": self.size,
                "sha256": self.sha256,
                "plays": [p.to_json() for p in self.plays],
                "beats": [b.to_json() for b in self.beats],
                "layout": [entry.to_json() for entry in self.layout]}

    @classmethod
    def read(cls, path: Path) -> SegmentRecord:
        """The record in ``path``, checked field by field (a RecordError names the field)."""
        fields, record = read_object(path, SEGMENT_FIX)
        return cls(
            key=fields.text(record, "key"), scene=fields.text(record, "scene", default=""),
            lesson=fields.text(record, "lesson", default=""),
            frames=fields.integer(record, "frames", minimum=0),
            fps=fields.integer(record, "fps", minimum=1),
            size=fields.integer(record, "size", minimum=0),
            sha256=fields.text(record, "sha256"), plays=read_plays(fields, record),
            beats=tuple(beat_records(fields.items(record, "beats"), fields, "beats")),
            layout=tuple(BeatLayout.from_json(entry, fields, f"layout[{index}]")
                         for index, entry in enumerate(fields.items(record, "layout",
                                                                    default=[]))))


# --- A scene cache entry's record.json --------------------------------------------------------

#: How to repair a scene entry's record: the scene is rendered again.
SCENE_FIX = "the entry is rendered again"


@dataclass(frozen=True)
class SpokenWords:
    """A sentence as a scene's record keeps it: its caption text, what is said, and each
    spoken word's (start, end), seconds from its beat's start."""

    text: str
    start: float
    end: float
    words: tuple[tuple[float, float], ...] = ()
    spoken: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "words": [list(w) for w in self.words], "spoken": self.spoken}

    @classmethod
    def from_json(cls, data: Any, fields: Fields, where: str) -> SpokenWords:
        entry = fields.object(data, where)
        start = fields.number(entry, "start", where, minimum=0)
        return cls(fields.text(entry, "text", where), start,
                   fields.number(entry, "end", where, minimum=start),
                   _word_times(fields, entry, where),
                   fields.text(entry, "spoken", where, default=""))


@dataclass(frozen=True)
class SceneBeat:
    """A beat as a scene's record keeps it: name, times and caption text on the scene's
    clock, its marks and its sentences' word times (what the studio draws)."""

    name: str
    start: float
    end: float
    text: str = ""
    marks: tuple[Mark, ...] = ()
    sentences: tuple[SpokenWords, ...] = ()
    question: QuestionRecord | None = None

    @classmethod
    def of(cls, beat: BeatRecord) -> SceneBeat:
        """The part of a rendered beat's record the scene's record keeps."""
        return cls(beat.name, beat.start, beat.end if beat.end is not None else beat.start,
                   beat.text, beat.marks,
                   tuple(SpokenWords(s.text, s.start, s.end, s.words,
                                     " ".join(spoken for _, spoken in s.chunks))
                         for s in beat.sentences),
                   beat.question)

    def to_json(self) -> dict[str, Any]:
        data = {"name": self.name, "start": self.start, "end": self.end, "text": self.text,
                "marks": [m.to_json() for m in self.marks],
                "sentences": [s.to_json() for s in self.sentences]}
        if self.question is not None:
            data["question"] = self.question.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any, fields: Fields, where: str) -> SceneBeat:
        entry = fields.object(data, where)
        start = fields.number(entry, "start", where, minimum=0)
        return cls(fields.text(entry, "name", where), start,
                   fields.number(entry, "end", where, minimum=start),
                   fields.text(entry, "text", where, default=""),
                   _marks(fields, entry, where),
                   tuple(SpokenWords.from_json(s, fields, f"{where}.sentences[{index}]")
                         for index, s in enumerate(fields.items(entry, "sentences", where,
                                                                default=[]))),
                   None if entry.get("question") is None else QuestionRecord.from_json(
                       entry["question"], fields, f"{where}.question"))


@dataclass(frozen=True)
class SceneRender:
    """What the renderer records of a scene it drew, beside the entry's files."""

    fps: int | None = None
    #: Seconds the render took: the plan's estimate of the next one.
    render_seconds: float | None = None
    quality: str = ""
    shards: int = 1
    #: Frames each animation drew, in order.
    animation_frames: tuple[int, ...] = ()
    beats: tuple[SceneBeat, ...] = ()
    #: The layout check at the end of each beat, once a beat.
    layout: tuple[BeatLayout, ...] = ()
    smallest_text: SmallestText | None = None
    flashes: tuple[str, ...] = ()
    #: The key of each beat's segment in the beat cache.
    beat_keys: tuple[str, ...] = ()
    #: How many of the scene's segments came from the beat cache.
    beats_cached: int = 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "quality": self.quality, "shards": self.shards,
            "animation_frames": list(self.animation_frames),
            "beats": [b.to_json() for b in self.beats],
            "layout": [entry.to_json() for entry in self.layout],
            "smallest_text": None if self.smallest_text is None else {
                "label": self.smallest_text.label, "size": self.smallest_text.size,
                "beat": self.smallest_text.beat},
            "flashes": list(self.flashes), "beat_keys": list(self.beat_keys),
            "beats_cached": self.beats_cached}
        if self.fps is not None:
            data["fps"] = self.fps
        if self.render_seconds is not None:
            data["render_seconds"] = self.render_seconds
        return data

    @classmethod
    def from_json(cls, record: Mapping[str, Any], fields: Fields) -> SceneRender:
        smallest = record.get("smallest_text")
        found = None
        if smallest is not None:
            fields.object(smallest, "smallest_text")
            if set(smallest) != {"label", "size", "beat"}:
                fields.fail("smallest_text", "has other fields than label, size and beat")
            found = SmallestText(fields.text(smallest, "label", "smallest_text"),
                                 fields.number(smallest, "size", "smallest_text", minimum=0),
                                 fields.text(smallest, "beat", "smallest_text"))
        frames = fields.items(record, "animation_frames", default=[])
        for index, count in enumerate(frames):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                fields.fail(f"animation_frames[{index}]", "is not a frame count")
        return cls(
            fps=fields.integer(record, "fps", minimum=1, default=None),
            render_seconds=fields.number(record, "render_seconds", minimum=0, default=None),
            quality=fields.text(record, "quality", default=""),
            # 0: every beat of the scene came from the beat cache, none was drawn.
            shards=fields.integer(record, "shards", minimum=0, default=1),
            animation_frames=tuple(frames),
            beats=tuple(SceneBeat.from_json(b, fields, f"beats[{index}]")
                        for index, b in enumerate(fields.items(record, "beats", default=[]))),
            layout=tuple(BeatLayout.from_json(entry, fields, f"layout[{index}]")
                         for index, entry in enumerate(fields.items(record, "layout",
                                                                    default=[]))),
            smallest_text=found,
            flashes=tuple(fields.texts(record, "flashes", default=[])),
            beat_keys=tuple(fields.texts(record, "beat_keys", default=[])),
            beats_cached=fields.integer(record, "beats_cached", minimum=0, default=0))


@dataclass(frozen=True)
class SceneRecord:
    """A scene cache entry's ``record.json``: which key it holds, its files' sizes and
    SHA-256, the video's frame count, and what the render recorded of the scene."""

    key: str
    frames: int
    sizes: dict[str, int]
    sha256: dict[str, str]
    render: SceneRender = SceneRender()
    scene: str = ""
    lesson: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "scene": self.scene, "lesson": self.lesson,
                "frames": self.frames, "sizes": self.sizes, "sha256": self.sha256,
                **self.render.to_json()}

    @classmethod
    def read(cls, path: Path) -> SceneRecord:
        """The record in ``path``, checked field by field (a RecordError names the field)."""
        fields, record = read_object(path, SCENE_FIX)
        return cls.from_json(record, fields)

    @classmethod
    def from_json(cls, data: Any, fields: Fields) -> SceneRecord:
        record = fields.object(data)
        return cls(fields.text(record, "key"), fields.integer(record, "frames", minimum=0),
                   fields.size_map(record, "sizes", default={}),
                   fields.text_map(record, "sha256", default={}),
                   SceneRender.from_json(record, fields),
                   fields.text(record, "scene", default=""),
                   fields.text(record, "lesson", default=""))


# --- The lesson's timeline: beats.json beside the video ---------------------------------------

#: Written into beats.json; a reader refuses a version it does not know.
TIMELINE_VERSION = 1


@dataclass(frozen=True)
class TimelineChapter:
    """A chapter (one scene) on the lesson's frames: ``end_frame`` is the frame after its
    last, ``start`` and ``end`` the same bounds in seconds."""

    number: int
    scene: str
    title: str
    first_frame: int
    end_frame: int
    start: float
    end: float
    #: The index of its first beat in the timeline's beats.
    first_beat: int

    def to_json(self) -> dict[str, Any]:
        # Its fields, in beats.json's order.
        return asdict(self)


@dataclass(frozen=True)
class TimelineBeat:
    """A beat on the lesson's frames, with what it says as captioned."""

    index: int
    chapter: int
    scene: str
    name: str
    text: str
    first_frame: int
    end_frame: int
    start: float
    end: float

    def to_json(self) -> dict[str, Any]:
        # Its fields, in beats.json's order.
        return asdict(self)


@dataclass(frozen=True)
class TimelineQuestion:
    """A question on the lesson's frames: asked from ``ask_frame`` (the first frame of the
    beat that asks it), the pause to think from ``think_frame`` (its speech is over), and
    answered from ``answer_frame`` (the first frame of the beat after it). A player that
    asks the learner itself stops at ``think_frame`` and goes on at ``answer_frame``."""

    index: int
    chapter: int
    scene: str
    #: The index of the beat that asks it.
    beat: int
    name: str
    prompt: str
    choices: tuple[str, ...]
    #: For each choice, the mistake it stands for; None for the right one.
    mistakes: tuple[str | None, ...]
    correct: int
    explanation: str
    ask_frame: int
    think_frame: int
    answer_frame: int
    ask: float
    think: float
    answer: float

    def to_json(self) -> dict[str, Any]:
        # Its fields, in beats.json's order.
        data = asdict(self)
        data["choices"], data["mistakes"] = list(self.choices), list(self.mistakes)
        return data


@dataclass(frozen=True)
class Timeline:
    """``beats.json``: every chapter and beat of a lesson on its frames (the beats tile the
    lesson, see :mod:`lessonreel.captions.timeline`)."""

    lesson: str
    fps: int
    frames: int
    duration: float
    chapters: tuple[TimelineChapter, ...]
    beats: tuple[TimelineBeat, ...]
    questions: tuple[TimelineQuestion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"version": TIMELINE_VERSION, "lesson": self.lesson, "fps": self.fps,
                "frames": self.frames, "duration": self.duration,
                "chapters": [c.to_json() for c in self.chapters],
                "beats": [b.to_json() for b in self.beats],
                "questions": [q.to_json() for q in self.questions]}
