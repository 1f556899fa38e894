"""The flash check: what vanishes and is drawn again, or changes its words unseen, is
reported at its beat; what a viewer sees change on purpose is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from manim import (
    DOWN,
    UP,
    FadeIn,
    MathTex,
    ReplacementTransform,
    Scene,
    Square,
    Text,
    Transform,
    ValueTracker,
    VGroup,
    Write,
    tempconfig,
)

from lessonreel.authoring import theme
from lessonreel.authoring.flashes import Flash
from lessonreel.authoring.layout import flashes_in_report
from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.authoring.narration import NarrationMixin
from lessonreel.records import BeatLayout
from lessonreel.render.launch import LAYOUT_FILE_ENV, NARRATION_ENV
from lessonreel.render.preview import Previewer
from scenes.common.layout import readout
from tests.scenes.conftest import ConstructedScene


def flashes_of(scene_class: type, monkeypatch: pytest.MonkeyPatch, *,
               drawn: bool = False) -> list[Flash]:
    """Construct the scene as the construction tests do (animations skipped), or draw it."""
    monkeypatch.setenv(NARRATION_ENV, "none")
    with tempconfig({"dry_run": True, "quality": "low_quality"}):
        scene = scene_class(skip_animations=not drawn)
        scene.render()
    return list(scene.flash_watch.found)


class WriteOfVisibleLabel(NarrationMixin, Scene):
    def construct(self) -> None:
        label = MathTex("f(x) = x^2")
        self.add(label)
        with self.voiceover(beat="shown", text="A label is on screen."):
            self.wait(0.5)
        with self.voiceover(beat="written", text="And is written again."):
            self.play(Write(label))


class FadeInOfVisibleGroup(NarrationMixin, Scene):
    def construct(self) -> None:
        group = VGroup(Text("a caption"), Square()).arrange(DOWN)
        self.add(group)
        with self.voiceover(beat="shown", text="A group is on screen."):
            self.wait(0.5)
        with self.voiceover(beat="faded", text="And fades in again."):
            self.play(FadeIn(group))


class ReadoutSetBetweenPlays(NarrationMixin, Scene):
    def construct(self) -> None:
        shown = readout("x", 0.5, 1, theme.INPUT_COLOR)
        with self.voiceover(beat="shown", text="A readout appears."):
            self.play(FadeIn(shown))
        with self.voiceover(beat="jump", text="Its number jumps."):
            shown[1].set_value(0.6)
            self.wait(0.5)


class ReadoutMovedByAnUnanimatedTracker(NarrationMixin, Scene):
    def construct(self) -> None:
        knob = ValueTracker(0.5)
        shown = readout("w", 0.5, 1, theme.INPUT_COLOR)
        shown[1].add_updater(lambda n: n.set_value(knob.get_value()))
        with self.voiceover(beat="shown", text="A readout follows a knob."):
            self.play(FadeIn(shown))
        with self.voiceover(beat="jump", text="The knob is set, not turned."):
            knob.set_value(0.6)
            # A wait over updaters that do not take dt is one frozen frame: the readout
            # jumps on the first frame of the next play, which moves something else.
            self.play(FadeIn(Square().to_edge(DOWN)))


class EquationBecomesAnother(NarrationMixin, Scene):
    def construct(self) -> None:
        equation = MathTex("0.5 \\cdot 2 = 1")
        with self.voiceover(beat="shown", text="An equation appears."):
            self.play(Write(equation))
        with self.voiceover(beat="swapped", text="It is swapped for another."):
            equation.become(MathTex("0.6 \\cdot 2 = 1.2"))
            self.wait(0.5)


class EquationLeftBehind(NarrationMixin, Scene):
    def construct(self) -> None:
        knob = ValueTracker(0.5)
        equation = MathTex("0.5 \\cdot 2 = 1.0").to_edge(UP, buff=1)
        shown = readout("w", 0.5, 1, theme.INPUT_COLOR)
        shown[1].add_updater(lambda n: n.set_value(knob.get_value()))
        with self.voiceover(beat="shown", text="An equation states the knob's value."):
            self.play(Write(equation), FadeIn(shown))
        with self.voiceover(beat="turn", text="The knob turns and the equation stays."):
            self.play(knob.animate.set_value(0.6))


class EverythingShownOnPurpose(NarrationMixin, Scene):
    def construct(self) -> None:
        first, second = MathTex("y = 2x"), MathTex("y = 3x").shift(DOWN)
        knob = ValueTracker(0.5)
        shown = readout("w", 0.5, 1, theme.INPUT_COLOR).to_edge(UP, buff=1)
        shown[1].add_updater(lambda n: n.set_value(knob.get_value()))
        clock = readout("t", 0.0, 1, theme.OUTPUT_COLOR).to_edge(DOWN, buff=1)
        hidden = Text("faded in").shift(UP * 2)
        statement = MathTex("w = 0.5").to_edge(UP, buff=0.3)
        with self.voiceover(beat="new", text="A new label is written."):
            self.play(Write(first), FadeIn(shown))
        with self.voiceover(beat="morph", text="One formula turns into another."):
            self.play(Transform(first, second))
            self.play(ReplacementTransform(first, MathTex("y = 4x").shift(DOWN)))
        with self.voiceover(beat="turn", text="A knob is turned and its readout follows."):
            self.play(Write(statement))
            # The statement turns into the new value as the readout moves to it.
            self.play(knob.animate.set_value(0.9),
                      Transform(statement, MathTex("w = 0.9").move_to(statement)))
        with self.voiceover(beat="ghost", text="Something at opacity zero fades in."):
            self.add(hidden.set_opacity(0))
            self.play(FadeIn(hidden))
        with self.voiceover(beat="clock", text="A clock runs with time."):
            self.play(FadeIn(clock))
            clock[1].add_updater(lambda n, dt: n.set_value(n.get_value() + dt))
            self.wait(1)
            clock[1].clear_updaters()


def test_a_write_of_a_visible_label_is_reported_at_its_beat(
        monkeypatch: pytest.MonkeyPatch) -> None:
    [flash] = flashes_of(WriteOfVisibleLabel, monkeypatch)
    assert flash.beat == "written"
    assert flash.message.startswith("Write of MathTex('f(x) = x^2'): it is already on screen")


def test_a_fade_in_of_a_visible_group_is_reported_naming_its_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    [flash] = flashes_of(FadeInOfVisibleGroup, monkeypatch)
    assert flash.beat == "faded"
    assert flash.message.startswith("FadeIn of VGroup holding Text('a caption')")


def test_a_readout_set_between_plays_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    [flash] = flashes_of(ReadoutSetBetweenPlays, monkeypatch)
    assert flash.beat == "jump"
    assert flash.message == ("LiveDecimal('0.6') changes from '0.5' to '0.6' between two "
                             "plays, with no animation showing the change")


def test_a_readout_moved_by_a_tracker_set_directly_is_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    [flash] = flashes_of(ReadoutMovedByAnUnanimatedTracker, monkeypatch)
    assert flash.beat == "jump"
    assert "changes from '0.5' to '0.6' during a play, by an updater" in flash.message


def test_an_equation_that_becomes_another_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    [flash] = flashes_of(EquationBecomesAnother, monkeypatch)
    assert flash.beat == "swapped"
    assert "changes its glyphs between two plays" in flash.message


def test_an_equation_left_stating_a_readouts_old_value_is_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    [flash] = flashes_of(EquationLeftBehind, monkeypatch)
    assert flash.beat == "turn"
    assert flash.message.startswith("MathTex('0.5 \\\\cdot 2 = 1.0') still states 0.5 while "
                                    "LiveDecimal moves from 0.5 to 0.6 during a play")


def test_writes_transforms_tracker_animations_and_clocks_are_not_flashes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert flashes_of(EverythingShownOnPurpose, monkeypatch) == []


def test_the_layout_file_and_the_preview_report_each_flash_at_its_beat(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "WriteOfVisibleLabel.layout.json"
    monkeypatch.setenv(LAYOUT_FILE_ENV, str(report))
    flashes_of(WriteOfVisibleLabel, monkeypatch)
    entries = {e["beat"]: e for e in json.loads(report.read_text())}
    assert entries["shown"]["flashes"] == []
    [written] = entries["written"]["flashes"]
    assert written.startswith("at ") and "Write of MathTex('f(x) = x^2')" in written

    scene = SceneRef("demo", "WriteOfVisibleLabel", "A label written twice")
    lesson = Lesson(slug="demo", title="Demo", course="Course", scenes=(scene,), package="")
    previewer = Previewer(lesson, tmp_path, tmp_path)
    previewer.layout_path(scene).parent.mkdir(parents=True)
    previewer.layout_path(scene).write_text(report.read_text())
    assert previewer.layout_report(scene) == (f"in beat 'written': flash {written}",)


@pytest.mark.render
@pytest.mark.parametrize("scene_class", [
    WriteOfVisibleLabel, FadeInOfVisibleGroup, ReadoutSetBetweenPlays,
    ReadoutMovedByAnUnanimatedTracker, EquationBecomesAnother, EquationLeftBehind,
    EverythingShownOnPurpose], ids=lambda c: c.__name__)
def test_drawing_every_frame_finds_what_skipping_finds(
        scene_class: type, monkeypatch: pytest.MonkeyPatch) -> None:
    skipped = flashes_of(scene_class, monkeypatch)
    drawn = flashes_of(scene_class, monkeypatch, drawn=True)
    assert [(f.beat, f.message) for f in drawn] == [(f.beat, f.message) for f in skipped]
    # Drawn, the clock runs on whole frames; skipped, on exact run times.
    assert [f.time for f in drawn] == pytest.approx([f.time for f in skipped], abs=0.2)


def test_a_render_counts_each_beats_flashes_once_however_many_shards_ran_it() -> None:
    first = BeatLayout("one", flashes=("at 1.00 s: x",))
    # Two shards: the second ran beat one again (skipping its plays) before its own.
    entries = [first, first, BeatLayout("two")]
    assert flashes_in_report(entries) == ["in beat 'one': flash at 1.00 s: x"]
    assert flashes_in_report([BeatLayout("old")]) == []


def test_no_scene_of_either_module_flashes(constructed: ConstructedScene) -> None:
    found = [f"beat {f.beat!r} {f}" for f in constructed.scene.flash_watch.found]
    assert not found, f"{type(constructed.scene).__name__}: {found}"
