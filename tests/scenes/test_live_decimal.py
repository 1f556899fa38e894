"""LiveDecimal behaves as the DecimalNumber it replaces: geometry, style, layout checks, scenes.

The pixels themselves are compared in tests/render/test_live_decimal_pixels.py.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections import Counter
from typing import Any

import numpy as np
import pytest
from manim import (
    LEFT,
    RED,
    RIGHT,
    UP,
    DecimalNumber,
    MathTex,
    config,
)

from lessonreel.authoring import theme
from lessonreel.authoring.layout import layout_problems, text_mobjects
from lessonreel.authoring.lesson import SceneRef, discover
from scenes.common.layout import readout
from scenes.common.live_decimal import LiveDecimal
from tests.conftest import ROOT
from tests.scenes.conftest import construct, on_its_worker

W, H = config.frame_width, config.frame_height

#: Manim classes that show a number which changes; scenes get theirs from readout().
CHANGING_NUMBER_CLASSES = {"DecimalNumber", "Integer", "Variable", "ChangingDecimal",
                           "ChangeDecimalToValue"}


def outline(number: DecimalNumber) -> np.ndarray:
    return np.concatenate([m.points for m in number.family_members_with_points()])


def pair(start: float, places: int, unit: str | None) -> tuple[DecimalNumber, LiveDecimal]:
    kwargs: dict[str, Any] = {"num_decimal_places": places, "font_size": theme.LABEL_SIZE,
                              "color": theme.INPUT_COLOR, "unit": unit}
    return DecimalNumber(start, **kwargs), LiveDecimal(start, **kwargs)


@pytest.mark.parametrize("unit", [None, r"^\circ"])
def test_outlines_match_decimal_number_after_moves_scales_and_recolouring(
    unit: str | None,
) -> None:
    old, new = pair(2.0, 3, unit)
    for number in (old, new):
        number.shift(LEFT * 2 + UP).scale(0.7)
    for value in (2.5, -7.125, 99.999, 100.0, 1234.5, -0.0001, 0.0):
        old.set_value(value)
        new.set_value(value)
        if value == -7.125:
            for number in (old, new):
                number.scale(1.6, about_point=np.array([1.0, -2.0, 0.0])).set_color(RED)
        assert outline(new).shape == outline(old).shape
        np.testing.assert_allclose(outline(new), outline(old), rtol=0, atol=1e-12)
        assert [m.get_fill_rgbas().tolist() for m in new.family_members_with_points()] == \
            [m.get_fill_rgbas().tolist() for m in old.family_members_with_points()]
        assert new.get_value() == old.get_value() == value
        assert new.font_size == pytest.approx(old.font_size, rel=1e-12)


def test_glyphs_are_typeset_once_per_character_and_occurrence() -> None:
    number = LiveDecimal(2.0, num_decimal_places=3)
    for value in np.linspace(2.0, 3.0, 200):
        number.set_value(float(value))
    glyphs = {id(g) for copies in number._pool.values() for g in copies}
    # Digits 0-9 at most three times each (x.yyy), and one decimal point.
    assert len(glyphs) <= 31
    assert all(g.mobject in number.submobjects for g in number._shown)


def test_a_copy_changes_without_its_original() -> None:
    original = LiveDecimal(2.0, num_decimal_places=3)
    before = outline(original).copy()
    copy = original.copy()
    copy.set_value(987.654)
    assert copy.get_value() == 987.654 and original.get_value() == 2.0
    np.testing.assert_array_equal(outline(original), before)


@pytest.mark.parametrize("option", ["show_ellipsis", "include_background_rectangle"])
def test_options_it_does_not_lay_out_are_refused(option: str) -> None:
    with pytest.raises(ValueError, match=option):
        LiveDecimal(1.0, **{option: True})


def test_complex_values_are_refused() -> None:
    with pytest.raises(TypeError, match="real numbers only"):
        LiveDecimal(1.0).set_value(1 + 2j)  # type: ignore[arg-type]


def test_layout_checks_read_the_live_number_as_text() -> None:
    read = readout("x", 2.0, 3, theme.INPUT_COLOR)
    assert text_mobjects([read]) == [read[0], read[1]]
    covering = MathTex("0").move_to(read[1][-1])
    problems = layout_problems([read, covering], W, H)
    assert len(problems) == 1 and "LiveDecimal('2.000')" in problems[0]


def test_layout_checks_see_only_the_glyphs_on_screen() -> None:
    read = readout("x", 123.456, 3, theme.INPUT_COLOR)
    long_right = read[1].get_right()[0]
    read[1].set_value(1.0)
    # Where the longer number's last digits were, and the glyphs hidden since.
    beside = MathTex("y").next_to(read[1], RIGHT, buff=0.1)
    assert beside.get_left()[0] < long_right
    assert layout_problems([read, beside], W, H) == []
    assert read[1].get_right()[0] == pytest.approx(read[1][-1].get_right()[0])


def test_no_scene_builds_a_changing_number_of_its_own() -> None:
    """Changing numbers come from readout(), so every one of them is a LiveDecimal."""
    found = []
    live_decimal = ROOT / "scenes" / "common" / "live_decimal.py"
    for path in sorted(set((ROOT / "scenes").rglob("*.py")) - {live_decimal}):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id in CHANGING_NUMBER_CLASSES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.id}")
    assert found == []


def uses_readouts(ref: SceneRef) -> bool:
    scene = getattr(importlib.import_module(ref.qualified_module), ref.name)
    source = inspect.getsource(scene)
    return "readout(" in source or "LiveDecimal(" in source


READOUT_SCENES = [ref for lesson in discover().values() for ref in lesson.scenes
                  if uses_readouts(ref)]


def test_the_lessons_have_readouts_to_check() -> None:
    assert {ref.name for ref in READOUT_SCENES} >= {
        "SensitivityOfFiveX", "SecantBecomesTangent", "SlopeTellsDirection",
        "ComputationIsNotLearning", "OneKnobAtATime", "SteepestAtOneOne"}


@pytest.mark.parametrize("ref", on_its_worker(READOUT_SCENES))
def test_every_number_a_scene_changes_is_live(
    ref: SceneRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built with animations skipped, the scene's updaters still set values: all on LiveDecimal."""
    calls = construct(ref, monkeypatch).set_values
    assert calls["LiveDecimal"] > 0
    assert calls - Counter(LiveDecimal=calls["LiveDecimal"]) == Counter()
