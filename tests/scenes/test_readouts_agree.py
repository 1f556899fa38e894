"""Numbers shown together never contradict each other, at any frame.

A scene that shows live numbers side by side names them in ``self.live_readouts``
(name -> the number on screen). Each scene here is constructed with every play stepped
frame by frame as a render draws it (without drawing), and at every frame where its
numbers are on screen the dependent one must be exactly what the math layer computes
from the others *as shown*: y = 5x from the x a viewer reads, never from the x between
two readings (2.000 beside 10.002), and the weighted sum from the weights shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
import sympy as sp
from manim import tempconfig

from lessonreel.render.launch import NARRATION_ENV
from scenes.module02_derivatives import math as m
from tests.scenes.conftest import SCENES

Shown = dict[str, sp.Rational]

#: Scene -> (the readout that depends on the others, what it must show given the others).
RELATIONS: dict[str, tuple[str, Callable[[Shown], sp.Expr]]] = {
    "SensitivityOfFiveX": ("y", lambda v: m.LINE.subs(m.x, v["x"])),
    "SecantBecomesTangent": ("slope", lambda v: m.SECANT_SLOPE.subs(m.h, v["h"])),
    "ComputationIsNotLearning": ("y", lambda v: m.network_output({m.w1: v["w_1"]})),
    "OneKnobAtATime": ("y", lambda v: m.network_output({m.w1: v["w_1"], m.w2: v["w_2"]})),
}


def shown(number: Any) -> sp.Rational:
    """The value a viewer reads off a number: its digits, not the float behind them."""
    return sp.Rational(number._get_num_string(number.number))


def disagreements(scene_class: type, dependent: str, rule: Callable[[Shown], sp.Expr],
                  ) -> tuple[int, list[str]]:
    """Frames checked, and each frame (time, numbers) where ``dependent`` breaks ``rule``."""
    checked = 0
    found: list[str] = []

    class Stepped(scene_class):  # type: ignore[misc, valid-type]
        def get_time_progression(self, run_time: float, description: str,
                                 n_iterations: int | None = None,
                                 override_skip_animations: bool = False) -> Any:
            # Every frame a render would draw, run but not drawn.
            self.skip_animation_preview = True
            return super().get_time_progression(run_time, description, n_iterations, True)

        def update_to_time(self, t: float) -> None:
            nonlocal checked
            super().update_to_time(t)
            numbers = getattr(self, "live_readouts", None)
            if not numbers:
                return
            on_screen = {id(mob) for mob in self.get_mobject_family_members()}
            if not all(id(n) in on_screen for n in numbers.values()):
                return
            values = {name: shown(n) for name, n in numbers.items()}
            checked += 1
            expected = sp.Rational(rule(values))
            if values[dependent] != expected:
                beat = self.beats[-1].name if self.beats else None
                found.append(f"beat {beat!r} at {self.time:.2f} s: "
                             + ", ".join(f"{k} = {v}" for k, v in values.items())
                             + f"; {dependent} should read {expected}")

    Stepped.__name__ = scene_class.__name__
    with tempconfig({"dry_run": True, "quality": "low_quality"}):
        Stepped(skip_animations=True).render()
    return checked, found


@pytest.mark.parametrize("name", sorted(RELATIONS))
def test_readouts_shown_together_agree_at_every_frame(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NARRATION_ENV, "none")
    ref = next(s for s in SCENES if s.name == name)
    cls = getattr(importlib.import_module(ref.qualified_module), name)
    dependent, rule = RELATIONS[name]
    checked, found = disagreements(cls, dependent, rule)
    # The numbers move over many frames: a check that saw few saw nothing move.
    assert checked > 20, f"{name}: only {checked} frames with its readouts on screen"
    assert not found, f"{name}: readouts that contradict each other:\n" + "\n".join(found[:10])


def test_the_check_sees_a_readout_computed_between_two_readings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """y = 5x from the x behind the readout, not the x shown: 2.000 beside 10.002."""
    from scenes.module02_derivatives import sensitivity

    monkeypatch.setenv(NARRATION_ENV, "none")
    monkeypatch.setattr(sensitivity, "as_shown", lambda value: value)
    dependent, rule = RELATIONS["SensitivityOfFiveX"]
    _, found = disagreements(sensitivity.SensitivityOfFiveX, dependent, rule)
    assert found and "beat 'nudge'" in found[0]
