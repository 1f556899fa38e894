"""The layout check itself catches overlapping, clipped and too small text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    ORIGIN,
    OUT,
    PI,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Create,
    GrowArrow,
    Line,
    MathTex,
    Scene,
    Square,
    Text,
    ThreeDScene,
    ValueTracker,
    VGroup,
    config,
    tempconfig,
)

from lessonreel.authoring import theme
from lessonreel.authoring.layout import (
    SIZE_TOLERANCE,
    drawn_size,
    layout_problems,
    smallest_text,
    text_mobjects,
    text_sizes,
)
from lessonreel.authoring.lesson import Lesson, SceneRef
from lessonreel.authoring.narration import NarrationMixin
from lessonreel.render.launch import LAYOUT_FILE_ENV, NARRATION_ENV
from lessonreel.render.preview import Previewer
from scenes.common.cards import text_block
from scenes.common.layout import readout, themed_axes

W, H = config.frame_width, config.frame_height
FLOOR = theme.SMALL_SIZE


def test_separate_texts_pass() -> None:
    group = VGroup(Text("first"), Text("second")).arrange(DOWN, buff=0.5)
    assert layout_problems([group], W, H) == []


def test_overlapping_texts_are_reported_by_name() -> None:
    first = Text("overlap")
    second = MathTex("x^2").move_to(first.get_right())
    problems = layout_problems([first, second], W, H)
    assert len(problems) == 1
    assert "overlap" in problems[0] and "x^2" in problems[0]


def test_text_outside_the_margin_is_reported() -> None:
    title = Text("a heading").to_edge(UP, buff=0.1)
    problems = layout_problems([title], W, H)
    assert len(problems) == 1 and "leaves the title-safe area" in problems[0]


@pytest.mark.parametrize(("edge", "buff"), [(LEFT, 0.5), (RIGHT, 0.5), (UP, 0.37), (DOWN, 0.37)])
def test_text_outside_the_title_safe_area_is_reported(edge: object, buff: float) -> None:
    # All four passed the old rule (0.35 from every edge, 47 px at 1080p); title-safe is
    # 5 % of each dimension: 0.71 from the sides, 0.4 from the top and bottom.
    title = Text("a heading").to_edge(edge, buff=buff)
    problems = layout_problems([title], W, H)
    assert len(problems) == 1 and "leaves the title-safe area" in problems[0]


def test_text_just_inside_the_title_safe_area_passes() -> None:
    margin_x, margin_y = W * 0.05, H * 0.05
    corner = Text("corner").to_corner(UP + LEFT, buff=0)
    corner.shift(RIGHT * (margin_x + 0.001) + DOWN * (margin_y + 0.001))
    assert layout_problems([corner], W, H) == []
    assert (theme.SAFE_MARGIN_X, theme.SAFE_MARGIN_Y) == pytest.approx((margin_x, margin_y))


def test_shapes_do_not_count_and_formulas_count_once() -> None:
    square = Square().shift(RIGHT)
    formula = MathTex(r"\frac{\Delta y}{\Delta x}", "=", "5")
    assert text_mobjects([square, formula]) == [formula]
    assert layout_problems([square, formula], W, H) == []


def test_axis_numbers_are_checked_too() -> None:
    axes = Axes(x_range=[0, 3, 1], y_range=[0, 3, 1], axis_config={"include_numbers": True})
    assert len(text_mobjects([axes])) >= 4


def _floor_problems(mobjects: list[object]) -> list[str]:
    return [p for p in layout_problems(mobjects, W, H, min_size=FLOOR)
            if "legibility floor" in p]


def test_text_formulas_and_axis_numbers_under_the_floor_are_each_reported() -> None:
    small_text = Text("footnote", font_size=20).to_edge(UP, buff=0.5)
    # Typeset at the floor, then halved by the group holding it.
    halved = VGroup(MathTex("x^2", font_size=FLOOR)).scale(0.5).to_edge(LEFT, buff=0.5)
    axes = Axes(x_range=[0, 3, 1], y_range=[0, 3, 1], x_length=4, y_length=3,
                axis_config={"include_numbers": True, "font_size": 18}).to_edge(DOWN)
    assert 18 < FLOOR - SIZE_TOLERANCE and 20 < FLOOR - SIZE_TOLERANCE
    numbers = [*axes.x_axis.numbers, *axes.y_axis.numbers]
    problems = _floor_problems([small_text, halved, axes])
    assert len(problems) == 2 + len(numbers)
    assert any(p.startswith("Text('footnote') is drawn at font size 20.0") for p in problems)
    assert any(p.startswith(f"MathTex('x^2') is drawn at font size {FLOOR / 2:.1f}")
               for p in problems)
    assert sum(p.startswith("DecimalNumber(") and "font size 18.0" in p
               for p in problems) == len(numbers)
    assert all(p.endswith(f"under the legibility floor of {FLOOR:g}") for p in problems)


def test_text_at_the_floor_passes_however_it_got_there() -> None:
    at_floor = [
        Text("small print", font_size=FLOOR),
        MathTex(r"\frac{a}{b}", font_size=FLOOR),
        # Typeset twice as large and scaled down: what counts is the size drawn.
        VGroup(MathTex("y", font_size=2 * FLOOR)).scale(0.5),
        themed_axes(x_range=[0, 3, 1], y_range=[0, 3, 1], x_length=4, y_length=3),
        # A wrapped line drops the strut glyph it was typeset with: still FLOOR.
        text_block("a wrapped line of small print", FLOOR),
    ]
    VGroup(*at_floor).arrange(DOWN, buff=0.3)
    for mobject in at_floor:
        for text in text_sizes([mobject]):
            assert text.size == pytest.approx(FLOOR, abs=1e-6), text
    assert _floor_problems(at_floor) == []


def test_a_readout_is_measured_after_its_value_changes_and_it_is_scaled() -> None:
    shown = readout("x", 2.0, 3, theme.INPUT_COLOR)
    shown[1].set_value(2.001)
    shown.scale(FLOOR / theme.LABEL_SIZE * 0.8)
    sizes = {text.label: text.size for text in text_sizes([shown])}
    assert sizes == pytest.approx({"MathTex('x=')": FLOOR * 0.8,
                                   "LiveDecimal('2.001')": FLOOR * 0.8})
    assert len(_floor_problems([shown])) == 2


def test_turned_text_keeps_its_size() -> None:
    label = Text("turned", font_size=FLOOR).rotate(PI / 2)
    assert drawn_size(label) == pytest.approx(FLOOR)


def test_smallest_text_names_the_text_drawn_smallest() -> None:
    big, small = MathTex("a", font_size=theme.BODY_SIZE), Text("b", font_size=FLOOR + 2)
    found = smallest_text([VGroup(big, small)])
    assert found is not None
    assert found.label == "Text('b')" and found.size == pytest.approx(FLOOR + 2)
    assert smallest_text([Square()]) is None


class FixedLabelIn3D(NarrationMixin, ThreeDScene):
    def construct(self) -> None:
        self.add_fixed_in_frame_mobjects(
            Text("tiny", font_size=FLOOR - 6).to_edge(UP, buff=0.5),
            MathTex("z", font_size=FLOOR).to_edge(DOWN, buff=0.5))
        with self.voiceover(beat="only", text="A label over a 3D view."):
            self.wait(0.1)


def test_the_layout_file_records_each_beats_problems_and_smallest_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "FixedLabelIn3D.layout.json"
    monkeypatch.setenv(NARRATION_ENV, "none")
    monkeypatch.setenv(LAYOUT_FILE_ENV, str(report))
    with tempconfig({"dry_run": True, "quality": "low_quality"}):
        FixedLabelIn3D(skip_animations=True).render()
    [entry] = json.loads(report.read_text())
    assert entry["beat"] == "only"
    assert entry["problems"] == [f"Text('tiny') is drawn at font size {FLOOR - 6:.1f}, "
                                 f"under the legibility floor of {FLOOR:g}"]
    assert entry["smallest"] == {"label": "Text('tiny')", "size": pytest.approx(FLOOR - 6)}

    scene = SceneRef("demo", "FixedLabelIn3D", "A label")
    lesson = Lesson(slug="demo", title="Demo", course="Course", scenes=(scene,), package="")
    previewer = Previewer(lesson, tmp_path, tmp_path)
    previewer.layout_path(scene).parent.mkdir(parents=True)
    previewer.layout_path(scene).write_text(json.dumps([
        {"beat": "first", "problems": [], "smallest": {"label": "MathTex('a')", "size": 30}},
        entry,
        {"beat": "last", "problems": [], "smallest": None},
    ]))
    smallest = previewer.smallest_text(scene)
    assert smallest is not None
    assert (smallest.label, smallest.beat) == ("Text('tiny')", "only")
    assert str(smallest) == f"Text('tiny') at font size {FLOOR - 6:.1f} (end of beat 'only')"


# Title-safe covers every visible mobject, not only text (issue 23 item 5).

def test_axes_and_a_plot_leaving_the_title_safe_area_are_reported() -> None:
    axes = Axes(x_range=[0, 3, 1], y_range=[0, 3, 1], x_length=6, y_length=4)
    plot = axes.plot(lambda x: x**2, x_range=[0, 3])
    shown = VGroup(axes, plot).to_edge(LEFT, buff=0.2)
    problems = layout_problems([shown], W, H)
    assert any(p.startswith("ParametricFunction") and "leaves the title-safe area" in p
               for p in problems), problems
    assert any("of Axes" in p and "leaves the title-safe area" in p for p in problems)


def test_an_arrow_past_the_safe_edge_is_reported_and_one_inside_is_not() -> None:
    inside = Arrow(LEFT * 2, RIGHT * 2)
    outside = Arrow(ORIGIN, DOWN * 3.9)
    assert layout_problems([inside], W, H) == []
    [problem] = layout_problems([outside], W, H)
    assert problem.startswith("Arrow") and "leaves the title-safe area" in problem
    assert f"allowed ±{W * 0.45:.2f}, ±{H * 0.45:.2f}" in problem


def test_what_is_not_drawn_does_not_count() -> None:
    hidden = Square(side_length=20).set_opacity(0)
    no_stroke = Line(LEFT * 9, RIGHT * 9, stroke_width=0)
    tracker = ValueTracker(100.0)
    assert layout_problems([hidden, no_stroke, tracker], W, H) == []


class ArrowLeavesInSecondBeat(NarrationMixin, Scene):
    def construct(self) -> None:
        with self.voiceover(beat="inside", text="An arrow well inside."):
            self.play(GrowArrow(Arrow(LEFT, RIGHT)))
        with self.voiceover(beat="outside", text="And one to the frame's edge."):
            self.play(GrowArrow(Arrow(ORIGIN, RIGHT * 7.0)))


class PoleLeavesThroughTheCamera(NarrationMixin, ThreeDScene):
    """A pole at the origin: its points' x and y are 0, its picture runs up the frame."""

    def construct(self) -> None:
        self.set_camera_orientation(phi=75 * DEGREES, theta=-90 * DEGREES)
        # Fixed in the frame and inside the safe area: checked as it is, not projected.
        self.add_fixed_in_frame_mobjects(Square(side_length=1).to_corner(UP + LEFT, buff=0.8))
        with self.voiceover(beat="pole", text="A pole stands up."):
            self.play(Create(Line(ORIGIN, OUT * 4.5)))


def _report_of(scene_class: type, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    report = tmp_path / f"{scene_class.__name__}.layout.json"
    monkeypatch.setenv(NARRATION_ENV, "none")
    monkeypatch.setenv(LAYOUT_FILE_ENV, str(report))
    with tempconfig({"dry_run": True, "quality": "low_quality"}):
        scene_class(skip_animations=True).render()
    return {entry["beat"]: entry["problems"] for entry in json.loads(report.read_text())}


def test_a_shape_leaving_the_safe_area_is_reported_at_its_beat(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _report_of(ArrowLeavesInSecondBeat, tmp_path, monkeypatch)
    assert problems["inside"] == []
    assert len(problems["outside"]) == 1
    assert problems["outside"][0].startswith("Arrow")
    assert "leaves the title-safe area" in problems["outside"][0]


def test_a_3d_mobject_is_checked_where_the_camera_draws_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _report_of(PoleLeavesThroughTheCamera, tmp_path, monkeypatch)
    [problem] = problems["pole"]
    assert problem.startswith("Line") and "leaves the title-safe area" in problem
