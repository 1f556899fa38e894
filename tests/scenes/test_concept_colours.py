"""One colour per concept across every scene: the concept's colour is named in theme.py."""

from __future__ import annotations

import re

import pytest

from lessonreel.authoring import theme
from tests.scenes.conftest import SCENES, ConstructedScene, construct

#: A text that states a concept, by what it reads, and the theme's colours for it.
CONCEPTS = {
    # The function studied, written out: f(x, y) = x^2 + y^2.
    re.compile(r"^MathTex\('f\(x, y\) ="): (theme.FUNCTION_COLOR,),
    # A slope's sign or size stated: "slope > 0: increasing", "slope < 0: ...".
    re.compile(r"^Text\('slope [<>≈]"): (theme.SLOPE_COLOR,),
    # A weight's name on its edge or knob: w_{1}, w_{2}, ..., w_{n}; grey while frozen.
    re.compile(r"^MathTex\('w_\{?[0-9n]\}?'\)$"): (theme.WEIGHT_COLOR, theme.FROZEN_COLOR),
    # The gradient's value stated: ∇f = (2x, 2y), ∇f(1, 1) = (2, 2), ∇f = (0.2, 0.1).
    re.compile(r"^MathTex\('\\\\nabla f(\\\\left)?(\(.*\))? = [(\\]"): (theme.GRADIENT_COLOR,),
    # The rate along a direction u, D_u f, stated (a slope): its formula, value, readout.
    re.compile(r"^MathTex\('(\\\\theta = .*)?D_u f ?="): (theme.SLOPE_COLOR,),
    # A position read out: (x, y) = (0.8, 0.4).
    re.compile(r"^MathTex\('\(x, y\) = "): (theme.POSITION_COLOR,),
}

#: A scene that states each concept, so the check above is known to find what it checks.
SHOWN_IN = {"FUNCTION": "SliceSurfaceAtYEqualsOne", "SLOPE": "SlopeTellsDirection",
            "WEIGHT": "WhyPartialDerivatives", "GRADIENT": "GradientArrowsOverContours",
            "RATE": "SteepestAtOneOne", "POSITION": "WalkUphillAndDownhill"}


def stated(constructed: ConstructedScene) -> list[tuple[str, str, str, str]]:
    """(pattern, moment, label, colour) of every text in the scene that states a concept."""
    return [(pattern.pattern, moment, label, colour)
            for moment, label, colour in constructed.texts
            for pattern in CONCEPTS if pattern.search(label)]


def test_every_text_that_states_a_concept_has_the_concept_colour(
        constructed: ConstructedScene) -> None:
    colours = {p.pattern: {c.upper() for c in allowed} for p, allowed in CONCEPTS.items()}
    wrong = {f"{moment}: {label} in {colour}, not {' or '.join(sorted(colours[pattern]))}"
             for pattern, moment, label, colour in stated(constructed)
             if colour not in colours[pattern]}
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize(("concept", "pattern"), list(zip(SHOWN_IN, CONCEPTS, strict=True)))
def test_the_check_finds_each_concept_where_the_lesson_states_it(
        concept: str, pattern: re.Pattern[str], monkeypatch: pytest.MonkeyPatch) -> None:
    ref = next(s for s in SCENES if s.name == SHOWN_IN[concept])
    assert any(p == pattern.pattern for p, *_ in stated(construct(ref, monkeypatch)))
