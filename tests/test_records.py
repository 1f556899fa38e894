"""A scene's beats file crosses the process boundary as typed records: what the scene
writes is what the renderer reads, and a damaged file is one error naming its field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lessonreel.errors import RecordError
from lessonreel.records import (
    BeatRecord,
    Mark,
    Play,
    SceneBeat,
    SceneRecord,
    SceneRender,
    SentenceRecord,
    beats_json,
    read_beat_records,
    spoken_beats,
)

BEAT = BeatRecord(
    name="nudge", start=1.25, end=4.5, first_animation=3, duration=2.75,
    text="x moves to 2.001.", spoken="x moves to two point zero zero one.", hold=0.5,
    time_based=True, audio=Path("/cache/audio/a.wav"), marks=(Mark("to", 0.8),),
    sentences=(SentenceRecord("x moves to 2.001.", 0.0, 2.75, ((0.0, 0.3), (0.35, 0.6)),
                              (("x", "x"), ("moves", "moves"))),),
    plays=(Play(1.0, False, False), Play(0.5, True, True)), timed_plays=True)
SOUND = BeatRecord(name="sound 1 (click.wav)", kind="sound", start=2.0, end=2.2,
                   first_animation=4, duration=0.2, audio=Path("/cache/audio/c.wav"))


def test_what_a_scene_writes_is_what_the_renderer_reads(tmp_path: Path) -> None:
    path = tmp_path / "beats.json"
    path.write_bytes(beats_json([BEAT, SOUND]))
    assert read_beat_records(path) == [BEAT, SOUND]
    assert spoken_beats(read_beat_records(path)) == [BEAT]


def test_a_beat_moves_onto_another_clock_and_an_open_one_stays_open() -> None:
    moved = BEAT.moved(10.0, less=1.25)
    assert (moved.start, moved.end) == (10.0, 13.25)
    assert BeatRecord("b", 1.0, None, 0, 1.0).moved(2.0).end is None
    # Sentences, marks and words stay on the beat's own clock.
    assert moved.sentences == BEAT.sentences and moved.marks == BEAT.marks


@pytest.mark.parametrize(("damage", "field", "problem"), [
    (lambda beats: beats[0].pop("first_animation"), "[0].first_animation", "is missing"),
    (lambda beats: beats[0].update(start="soon"), "[0].start", "not a number"),
    (lambda beats: beats[0]["plays"].__setitem__(1, [0.5, "frozen"]), "[0].plays[1]",
     "is not a play"),
    (lambda beats: beats[0]["sentences"][0]["words"].append([1.0]),
     "[0].sentences[0].words[2]", "is not a word's"),
    (lambda beats: beats[1].update(kind="music"), "[1].kind", "not 'beat' or 'sound'"),
    (lambda beats: beats[0]["marks"][0].pop("at"), "[0].marks[0].at", "is missing"),
])
def test_a_damaged_beats_file_is_one_error_naming_the_file_and_field(
        tmp_path: Path, damage: object, field: str, problem: str) -> None:
    beats = json.loads(beats_json([BEAT, SOUND]))
    damage(beats)  # type: ignore[operator]
    path = tmp_path / "beats.json"
    path.write_text(json.dumps(beats))
    with pytest.raises(RecordError) as raised:
        read_beat_records(path)
    assert raised.value.field == field
    assert problem in raised.value.problem
    assert str(path) in str(raised.value) and "render the scene again" in str(raised.value)


def test_a_scene_drawn_wholly_from_the_beat_cache_reads_back(tmp_path: Path) -> None:
    # Every beat's segment came from the beat cache: the render drew no shard. Refusing
    # that record made the cache throw away the entry it had just written.
    record = SceneRecord("k", 30, {"video.mp4": 1}, {"video.mp4": "0" * 64},
                         SceneRender(fps=15, shards=0, beats_cached=2,
                                     beats=(SceneBeat("a", 0.0, 2.0, "Hi."),)))
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record.to_json()))
    assert SceneRecord.read(path) == record
