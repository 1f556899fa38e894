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
    # The secant's slope is written as a change in y over a change in x, as on the line.
    assert m.SECANT_SLOPE_PARTS[0] == r"\frac{\Delta y}{\Delta x}"
    assert m.SECANT_SLOPE_LATEX == (
        r"\frac{\Delta y}{\Delta x} = \frac{f(1 + h) - f(1)}{h} = h + 2")


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


def test_dy_dx_at_1_is_f_prime_of_1_which_is_2() -> None:
    assert m.DERIVATIVE == 2 * m.x
    assert m.DERIVATIVE.subs(m.x, m.CURVE_X0) == m.DERIVATIVE_AT_X0 == 2
    assert m.LEIBNIZ_LATEX == r"\frac{dy}{dx} \bigg|_{x = 1} = f'(1) = 2"
    # dy/dx stands where the secant's Δy/Δx stood: the same ratio with the step gone to 0.
    assert m.LEIBNIZ_PARTS[0].startswith(r"\frac{dy}{dx}")


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



def test_the_nudge_is_told_as_a_ratio_of_changes_before_any_derivative_is_named() -> None:
    # Chapter 2 comes before d and ∂: its sensitivity is a change over a change, in words.
    assert m.NETWORK_RATIO_LATEX == (
        r"\frac{\text{change in } y}{\text{change in } w_{1}} = \frac{0.2}{0.1} = 2 = x_{1}")
    assert r"\partial" not in m.NETWORK_RATIO_LATEX and "dy" not in m.NETWORK_RATIO_LATEX
    assert m.OUTPUT_MOVE_PER_WEIGHT_MOVE == m.NETWORK_INPUTS[m.x1] == 2


def test_many_weights_get_one_partial_each() -> None:
    assert m.MANY_WEIGHTS_LATEX == r"y = w_{1} x_{1} + w_{2} x_{2} + \cdots + w_{n} x_{n}"
    assert m.PARTIAL_I_LATEX == r"\frac{\partial y}{\partial w_{i}}"
    assert m.PARTIALS_LIST_LATEX.count(r"\partial y") == 3
    assert all(f"\\partial w_{{{k}}}" in m.PARTIALS_LIST_LATEX for k in ("1", "2", "n"))


def test_ordinary_and_partial_derivative_side_by_side() -> None:
    # One input and d; many weights and ∂ with respect to one of them.
    assert (m.ORDINARY_FUNCTION_LATEX, m.ORDINARY_SYMBOL_LATEX) == ("y = f(x)", r"\frac{dy}{dx}")
    assert m.PARTIAL_FUNCTION_LATEX == r"y = f(w_{1}, w_{2}, \ldots, w_{n})"
    assert m.PARTIAL_SYMBOL_LATEX == r"\frac{\partial y}{\partial w_{i}}"


def test_each_weights_partial_is_the_input_it_multiplies() -> None:
    assert m.NETWORK_PARTIALS == {m.w1: m.x1, m.w2: m.x2}
    assert m.NETWORK_PARTIAL_VALUES == {m.w1: 2, m.w2: 1}
    assert m.network_partial_latex(m.w1) == r"\frac{\partial y}{\partial w_{1}} = x_{1} = 2"
    assert m.network_partial_latex(m.w2) == r"\frac{\partial y}{\partial w_{2}} = x_{2} = 1"


def test_turning_one_weight_by_one_moves_y_by_its_partial() -> None:
    assert m.KNOB_START == {m.w1: sp.Rational(1, 2), m.w2: sp.Rational(3, 2)}
    assert m.KNOB_AFTER_W1 == {m.w1: sp.Rational(3, 2), m.w2: sp.Rational(3, 2)}
    assert m.KNOB_AFTER_W2 == {m.w1: sp.Rational(3, 2), m.w2: sp.Rational(5, 2)}
    assert m.KNOB_VALUES == (sp.Rational(5, 2), sp.Rational(9, 2), sp.Rational(11, 2))
    start, after_w1, after_w2 = m.KNOB_VALUES
    # w2 frozen, w1 turned by one: y moves by the partial in w1; then the other way round.
    assert after_w1 - start == m.NETWORK_PARTIAL_VALUES[m.w1] * m.KNOB_TURN
    assert after_w2 - after_w1 == m.NETWORK_PARTIAL_VALUES[m.w2] * m.KNOB_TURN
    assert m.KNOB_PLACES == 1
    # Every weight turned stays on its knob's dial.
    low, high = m.KNOB_RANGE
    assert all(low <= v <= high for v in (*m.KNOB_START.values(), *m.KNOB_AFTER_W2.values()))


def test_the_live_sum_states_the_weights_and_the_output_they_give() -> None:
    assert m.network_live_sum_parts() == ["0.5", r"\cdot 2 +", "1.5", r"\cdot 1 =", "2.5"]
    assert m.network_live_sum_parts(m.KNOB_AFTER_W2) == [
        "1.5", r"\cdot 2 +", "2.5", r"\cdot 1 =", "5.5"]
    # Joined, it is the written-out sum.
    assert " ".join(m.network_live_sum_parts()) == m.network_sum_latex()


def test_gradient_collects_the_partials_and_is_2_2_at_1_1() -> None:
    assert m.GRADIENT == sp.Matrix([2 * m.x, 2 * m.y])
    assert m.GRADIENT_AT_POINT == sp.Matrix([2, 2])
    assert m.GRADIENT_AT_POINT_LATEX.endswith(r"\left[\begin{matrix}2\\2\end{matrix}\right]")


# --- the questions: each answer worked out here another way than the math layer's ----

def test_the_nudge_quiz_answer_is_how_far_y_moves_for_three_nudges() -> None:
    # y = 5x moves 5 for each 1 of x: three thousandths of x move y fifteen thousandths,
    # and y lands at 5 * 2.003.
    step = 3 * sp.Rational(1, 1000)
    assert m.NUDGE_QUIZ.x1 == sp.Rational(2003, 1000)
    assert m.NUDGE_QUIZ_ANSWER == sp.Rational(15, 1000) == 5 * step
    assert m.NUDGE_QUIZ_NEW_VALUE == 5 * sp.Rational(2003, 1000)
    assert m.NUDGE_QUIZ_X_CHANGE == step
    assert m.NUDGE_QUIZ_DIVIDED == step / 5
    wrong = {m.NUDGE_QUIZ_NEW_VALUE, m.NUDGE_QUIZ_X_CHANGE, m.NUDGE_QUIZ_DIVIDED}
    assert len(wrong) == 3 and m.NUDGE_QUIZ_ANSWER not in wrong


def test_the_sign_quiz_point_falls_and_was_not_shown_in_the_scene() -> None:
    # y = x³/3 − x has slope x² − 1: at −1/2 that is 1/4 − 1 = −3/4, well past flat.
    assert m.SIGN_QUIZ_SLOPE == sp.Rational(1, 4) - 1
    assert abs(m.SIGN_QUIZ_SLOPE) > m.FLAT_TOLERANCE
    assert m.SIGN_QUIZ_ANSWER == "y falls"
    assert m.SIGN_QUIZ_X not in m.SIGN_POINTS
    assert len(set(m.SIGN_EFFECT.values())) == 3


def test_the_slice_quiz_asks_the_slope_in_x_at_two_on_the_cut() -> None:
    # On y = 1 the surface is x² + 1, whose slope 2x at x = 2 is 4; the surface is 5 high
    # there, its slope along y is 2y = 2, and the two slopes add to 6.
    u = sp.Symbol("u")
    assert m.SLICE_QUIZ_ANSWER == sp.diff(u**2 + 1, u).subs(u, 2) == 4
    assert m.SLICE_QUIZ_HEIGHT == 2**2 + 1**2
    assert m.SLICE_QUIZ_ALONG_Y == 2
    assert m.SLICE_QUIZ_BOTH == 6
    assert m.SLICE_QUIZ_X != m.SLICE_X0  # not the point the scene worked through
