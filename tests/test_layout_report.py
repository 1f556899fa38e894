"""The layout report a scene writes and the renderer, preview and studio read: typed, checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lessonreel.authoring.layout import flashes_in_report, once_a_beat, smallest_in_report
from lessonreel.errors import RecordError
from lessonreel.records import BeatLayout, read_layout_report, write_layout_report


def test_a_report_reads_back_as_written(tmp_path: Path) -> None:
    entries = [BeatLayout("line", ("Text('a') overlaps Text('b')",), (), ("Text('a')", 30.0)),
               BeatLayout("nudge", (), ("at 2.1 s: Write of MathTex('y') already on screen",),
                          None)]
    write_layout_report(tmp_path / "layout.json", entries)
    assert read_layout_report(tmp_path / "layout.json") == entries
    assert read_layout_report(tmp_path / "none.json") == []


def test_each_beat_counts_once_however_many_shards_checked_it() -> None:
    first = BeatLayout("line", (), ("at 1.0 s: flash",), ("Text('x')", 26.0))
    again = BeatLayout("line", (), ("at 1.0 s: flash",), ("Text('x')", 26.0))
    later = BeatLayout("slope", (), (), ("Text('tiny')", 20.0))
    assert once_a_beat([first, again, later]) == [first, later]
    assert flashes_in_report([first, again, later]) == ["in beat 'line': flash at 1.0 s: flash"]
    smallest = smallest_in_report([first, later])
    assert smallest is not None and (smallest.label, smallest.beat) == ("Text('tiny')", "slope")


@pytest.mark.parametrize(("damage", "field"), [
    ([{"beat": 3}], "[0].beat"),
    ([{"beat": "line", "problems": "overlap"}], "[0].problems"),
    ([{"beat": "line", "smallest": {"label": "x", "size": -1}}], "[0].smallest.size"),
    ({"beat": "line"}, None),
])
def test_a_damaged_report_is_one_error_naming_the_file_and_field(
        tmp_path: Path, damage: object, field: str | None) -> None:
    path = tmp_path / "layout.json"
    path.write_text(json.dumps(damage))
    with pytest.raises(RecordError) as refused:
        read_layout_report(path)
    assert refused.value.field == field and str(path) in str(refused.value)
    assert "run the scene again" in str(refused.value)
