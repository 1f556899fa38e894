"""The layout check itself catches overlapping and clipped text."""

from __future__ import annotations

from manim import DOWN, RIGHT, UP, Axes, MathTex, Square, Text, VGroup, config

from lessonreel.layout import layout_problems, text_mobjects

W, H = config.frame_width, config.frame_height


def test_separate_texts_pass() -> None:
    group = VGroup(Text("first"), Text("second")).arrange(DOWN, buff=0.5)
    assert layout_problems([group], W, H, 0.3) == []


def test_overlapping_texts_are_reported_by_name() -> None:
    first = Text("overlap")
    second = MathTex("x^2").move_to(first.get_right())
    problems = layout_problems([first, second], W, H, 0.3)
    assert len(problems) == 1
    assert "overlap" in problems[0] and "x^2" in problems[0]


def test_text_outside_the_margin_is_reported() -> None:
    title = Text("a heading").to_edge(UP, buff=0.1)
    problems = layout_problems([title], W, H, 0.3)
    assert len(problems) == 1 and "leaves the safe area" in problems[0]


def test_shapes_do_not_count_and_formulas_count_once() -> None:
    square = Square().shift(RIGHT)
    formula = MathTex(r"\frac{\Delta y}{\Delta x}", "=", "5")
    assert text_mobjects([square, formula]) == [formula]
    assert layout_problems([square, formula], W, H, 0.3) == []


def test_axis_numbers_are_checked_too() -> None:
    axes = Axes(x_range=[0, 3, 1], y_range=[0, 3, 1], axis_config={"include_numbers": True})
    assert len(text_mobjects([axes])) >= 4
