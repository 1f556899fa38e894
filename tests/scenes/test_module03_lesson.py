"""Module 3 teaches what is true and shows only what belongs: checked on its constructed scenes."""

from __future__ import annotations

import pytest

from scenes.module03_gradient import LESSON
from scenes.module03_gradient import math as m
from scenes.module03_gradient.overview import NEXT_TITLE
from tests.scenes.conftest import SCENES, ConstructedScene, construct


def scene(name: str, monkeypatch: pytest.MonkeyPatch) -> ConstructedScene:
    return construct(next(s for s in SCENES if s.name == name), monkeypatch)


def shown(constructed: ConstructedScene, section: str) -> list[str]:
    return [label for moment, label, _ in constructed.texts
            if moment == f"end of section {section!r}"]


@pytest.mark.xdist_group("SteepestAtOneOne")
def test_steepest_proves_the_peak_by_the_cosine_not_by_a_zero_derivative(
        monkeypatch: pytest.MonkeyPatch) -> None:
    steepest = scene("SteepestAtOneOne", monkeypatch)
    every = [label for _, label, _ in steepest.texts]
    assert not [t for t in every if r"\frac{d}{d\theta}" in t or r"\Rightarrow" in t]
    last = shown(steepest, "cosine")
    assert any(m.COSINE_GENERAL_LATEX.replace("\\", "\\\\") in t for t in last)
    for a in m.COSINE_ANGLES:
        assert any(m.cosine_case_latex(a).replace("\\", "\\\\") in t for t in last)
    # The small step's change has become the rate's formula by the end of its beat.
    assert any(m.DIRECTIONAL_LATEX.replace("\\", "\\\\") in t for t in shown(steepest, "compare"))


@pytest.mark.xdist_group("WalkUphillAndDownhill")
def test_no_readout_of_the_quarter_walk_stays_while_other_rates_walk(
        monkeypatch: pytest.MonkeyPatch) -> None:
    walk = scene("WalkUphillAndDownhill", monkeypatch)
    stale = [m.DOWNHILL[-1].point_latex(), m.DOWNHILL[-1].value_latex(),
             m.DOWNHILL[-1].gradient_latex()]
    during = shown(walk, "rate")
    assert not [t for t in during for s in stale if s.replace("\\", "\\\\") in t]
    # They come back with their own walk.
    after = shown(walk, "learner")
    assert all(any(s.replace("\\", "\\\\") in t for t in after) for s in stale)


@pytest.mark.xdist_group("BridgeToGradientDescent")
def test_the_ending_names_what_comes_next_not_what_was_just_taught(
        monkeypatch: pytest.MonkeyPatch) -> None:
    bridge = scene("BridgeToGradientDescent", monkeypatch)
    card = " ".join(shown(bridge, bridge.sections[-1]))
    assert all(word in card for word in NEXT_TITLE.split())
    assert "Gradient Descent" not in card
    assert "Learning Rate" in NEXT_TITLE
    # And the chapter's title says what it teaches, not "next up".
    assert not [ref.title for ref in LESSON.scenes if "next" in ref.title.lower()]


@pytest.mark.xdist_group("BridgeToGradientDescent")
def test_descent_shows_the_zero_gradient_at_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    bridge = scene("BridgeToGradientDescent", monkeypatch)
    assert any(m.MINIMUM_GRADIENT_LATEX.replace("\\", "\\\\") in t
               for t in shown(bridge, "bottom"))
