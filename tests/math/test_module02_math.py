"""Exact values behind every number Module 2 shows. No manim here: milliseconds."""

from __future__ import annotations

import pytest
import sympy as sp

from scenes.module02_derivatives import math as m


def test_nudging_x_from_2_to_2_001_moves_y_from_10_to_10_005() -> None:
    nudge = m.SENSITIVITY
    assert (nudge.x0, nudge.x1) == (2, sp.Rational(2001, 1000))
    assert (nudge.y0, nudge.y1) == (10, sp.Rational(10005, 1000))
    assert nudge.dx == sp.Rational(1, 1000)
    assert nudge.dy == sp.Rational(1, 200)
    assert nudge.ratio == 5
    assert all(isinstance(v, sp.Rational) for v in (nudge.x0, nudge.dx, nudge.y0, nudge.y1))


@pytest.mark.parametrize("dx", [sp.Rational(1, 10), sp.Rational(-3, 7), sp.Integer(4),
                                sp.Rational(1, 10**9)])
def test_a_line_has_the_same_ratio_for_every_nudge(dx: sp.Rational) -> None:
    assert m.nudge_line(2, dx).ratio == m.LINE_SLOPE == 5


def test_a_zero_nudge_is_refused() -> None:
    with pytest.raises(ValueError, match="dx must be non-zero"):
        m.nudge_line(2, 0)


def test_on_screen_ratio_is_built_from_exact_decimals() -> None:
    assert m.SENSITIVITY.ratio_latex() == (
        r"\frac{\Delta y}{\Delta x} = \frac{10.005 - 10.000}{2.001 - 2.000}"
        r" = \frac{0.005}{0.001} = 5"
    )
    assert m.LINE_LATEX == "y = 5 x"


@pytest.mark.parametrize(("value", "text"), [
    (sp.Rational(2001, 200), "10.005"),
    (sp.Rational(1, 200), "0.005"),
    (sp.Integer(10), "10"),
    (sp.Rational(1, 3), "0.333333"),
    (sp.Rational(-5, 2), "-2.5"),
    (sp.Rational(-1, 10**9), "0"),
])
def test_decimal_strings_come_from_exact_values(value: sp.Rational, text: str) -> None:
    assert m.decimal_string(value) == text


def test_secant_slope_of_x_squared_at_1_is_h_plus_2() -> None:
    assert sp.simplify(m.SECANT_SLOPE - (m.h + 2)) == 0
    assert m.SECANT_SLOPE_LATEX.endswith("= h + 2")


def test_secant_slopes_shrink_toward_two() -> None:
    table = m.secant_table()
    steps = [step for step, _ in table]
    slopes = [slope for _, slope in table]
    assert steps == sorted(steps, reverse=True) and steps[0] == 1
    assert slopes == [step + 2 for step in steps]
    assert all(a > b > 2 for a, b in zip(slopes, slopes[1:], strict=False))
    assert slopes[-1] == sp.Rational(2001, 1000)


def test_secant_slope_at_h_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="h must be non-zero"):
        m.secant_slope(0)


def test_limit_of_secant_slopes_equals_the_derivative() -> None:
    assert m.TANGENT_SLOPE == sp.limit(m.SECANT_SLOPE, m.h, 0) == 2
    assert m.DERIVATIVE_AT_X0 == sp.diff(m.x**2, m.x).subs(m.x, 1) == 2
    assert m.TANGENT_SLOPE == m.DERIVATIVE_AT_X0


def test_tangent_line_touches_the_curve_at_x0() -> None:
    assert m.TANGENT_LINE == 2 * m.x - 1
    assert m.TANGENT_LINE.subs(m.x, 1) == m.CURVE.subs(m.x, 1)
    # Touching, not crossing: x^2 - (2x - 1) = (x - 1)^2 has a double root at 1.
    assert sp.factor(m.CURVE - m.TANGENT_LINE) == (m.x - 1) ** 2
    assert m.TANGENT_LATEX == "y = 2 x - 1"
    assert m.LIMIT_LATEX == r"\lim_{h \to 0} \left(h + 2\right) = 2"


def test_slope_sign_says_increasing_decreasing_or_nearly_flat() -> None:
    rows = m.slope_signs()
    assert [meaning for _, _, meaning in rows] == ["increasing", "decreasing", "nearly flat"]
    for point, slope, _ in rows:
        assert slope == sp.diff(m.SIGN_CURVE, m.x).subs(m.x, point)
    assert rows[0][1] == 3 and rows[1][1] == -1 and rows[2][1] == sp.Rational(41, 400)


@pytest.mark.parametrize(("slope", "meaning"), [
    (sp.Rational(1, 5), "nearly flat"), (sp.Rational(-1, 5), "nearly flat"),
    (sp.Rational(21, 100), "increasing"), (sp.Rational(-21, 100), "decreasing"),
])
def test_flat_tolerance_boundary(slope: sp.Rational, meaning: str) -> None:
    assert m.classify_slope(slope) == meaning


def test_partials_of_x_squared_plus_y_squared() -> None:
    assert m.PARTIAL_X == 2 * m.x
    assert m.PARTIAL_Y == 2 * m.y
    assert m.PARTIAL_X_LATEX == r"\frac{\partial f}{\partial x} = 2 x"
    assert m.PARTIAL_Y_LATEX == r"\frac{\partial f}{\partial y} = 2 y"


def test_slice_at_y_equals_1_is_x_squared_plus_1_with_slope_2_at_x_1() -> None:
    assert m.SLICE_CURVE == m.x**2 + 1
    assert m.SLICE_SLOPE == 2
    # The slice's slope is the partial derivative evaluated on the slice.
    assert m.SLICE_SLOPE == m.PARTIAL_X.subs({m.x: 1, m.y: 1})
    assert m.SLICE_LATEX == "f(x, 1) = x^{2} + 1"
    assert m.SURFACE_LATEX == "f(x, y) = x^{2} + y^{2}"


def test_nudging_w1_moves_the_output_by_x1_times_the_nudge() -> None:
    assert m.NETWORK_OUTPUT == sp.Rational(5, 2)
    assert m.NUDGED_OUTPUT == sp.Rational(27, 10)
    assert m.NETWORK_SENSITIVITY_W1 == m.x1
    assert m.NETWORK_OUTPUT_CHANGE == m.NETWORK_INPUTS[m.x1] * m.WEIGHT_NUDGE
    assert m.network_sum_latex() == r"0.5 \cdot 2 + 1.5 \cdot 1 = 2.5"
    assert m.network_sum_latex({m.w1: sp.Rational(3, 5)}) == r"0.6 \cdot 2 + 1.5 \cdot 1 = 2.7"
    assert m.NETWORK_SENSITIVITY_LATEX == r"\frac{\partial y}{\partial w_1} = x_{1} = 2"


def test_many_inputs_get_one_partial_each() -> None:
    assert m.MANY_INPUTS_LATEX == r"y = f(x_{1}, x_{2}, \ldots, x_{n})"
    assert m.PARTIAL_I_LATEX == r"\frac{\partial y}{\partial x_{i}}"
    assert m.PARTIALS_LIST_LATEX.count(r"\partial y") == 3


def test_turning_the_knobs_takes_f_from_2_to_5_to_8() -> None:
    start = m.surface_value(m.KNOB_START[m.x], m.KNOB_START[m.y])
    after_x = m.surface_value(m.KNOB_X_END, m.KNOB_START[m.y])
    after_y = m.surface_value(m.KNOB_X_END, m.KNOB_Y_END)
    assert (start, after_x, after_y) == (2, 5, 8)
    # The change while turning x is the integral of the partial along the turn.
    turned = sp.integrate(m.PARTIAL_X.subs(m.y, 1), (m.x, 1, 2))
    assert after_x - start == turned == 3


def test_gradient_collects_the_partials_and_is_2_2_at_1_1() -> None:
    assert m.GRADIENT == sp.Matrix([2 * m.x, 2 * m.y])
    assert m.GRADIENT_AT_POINT == sp.Matrix([2, 2])
    assert m.GRADIENT_AT_POINT_LATEX.endswith(r"\left[\begin{matrix}2\\2\end{matrix}\right]")
