"""Exact values behind every number Module 3 shows. No manim here: milliseconds."""

from __future__ import annotations

import pytest
import sympy as sp

from scenes.module03_gradient import math as m


def test_gradient_stacks_the_partials_2x_and_2y() -> None:
    assert (m.PARTIAL_X, m.PARTIAL_Y) == (2 * m.x, 2 * m.y)
    assert m.GRADIENT == sp.Matrix([2 * m.x, 2 * m.y])
    assert m.GRADIENT_PARTS_LATEX[-1] == r"\begin{bmatrix} 2 x \\[14pt] 2 y \end{bmatrix}"


def test_each_point_gets_its_own_gradient() -> None:
    assert [m.gradient_at(p) for p in m.EVALUATED_POINTS] == [(2, 0), (-1, 2)]
    assert m.evaluated_latex(m.EVALUATED_POINTS[1]) == (
        r"\nabla f\left(- \frac{1}{2}, 1\right) = (-1, 2)"
    )


def test_points_are_exact_even_when_written_as_strings() -> None:
    assert m.point("4/5", "-1/2") == (sp.Rational(4, 5), sp.Rational(-1, 2))
    assert all(isinstance(v, sp.Rational) for v in m.point("0.1", 3))


def test_the_contour_map_is_of_a_stretched_bowl_x2_plus_3y2() -> None:
    assert m.LONG_SURFACE == m.x**2 + 3 * m.y**2
    assert m.LONG_GRADIENT == sp.Matrix([2 * m.x, 6 * m.y])
    assert m.LONG_GRADIENT_LATEX == r"\nabla f = (2 x, 6 y)"
    assert m.LONG_SURFACE_LATEX == "f(x, y) = x^{2} + 3 y^{2}"
    # "three times as steep across y as along x", at the same distance from the bottom.
    assert m.LONG_STRETCH == 3


def test_contours_are_ellipses_root_three_times_as_wide_as_tall() -> None:
    assert m.CONTOUR_LEVELS == (1, 4, 9)
    for level, (a, b) in zip(m.CONTOUR_LEVELS, m.CONTOUR_AXES, strict=True):
        assert m.long_value_at((a, 0)) == m.long_value_at((0, b)) == level
        assert sp.simplify(a / b) == sp.sqrt(3)


def test_every_arrow_starts_on_a_drawn_contour() -> None:
    # Every contour gets at least one arrow, and no arrow starts off the drawn contours.
    assert {m.long_value_at(p) for p in m.ARROW_POINTS} == set(m.CONTOUR_LEVELS)


def test_gradient_is_perpendicular_to_every_contour_everywhere() -> None:
    # Along the traced ellipse f is constant, so ∇f · velocity vanishes for all c and t.
    assert m.gradient_along_contour() == 0


@pytest.mark.parametrize("p", m.ARROW_POINTS, ids=str)
def test_gradient_meets_its_contour_at_a_right_angle(p: m.Point) -> None:
    tangent = m.contour_tangent(p)
    assert sp.simplify(m.dot(m.long_gradient_at(p), tangent)) == 0
    # A genuine direction, not the zero vector, and the traced contour passes through p.
    assert m.length(tangent) != 0
    at = {m.c: m.long_value_at(p), m.t: m.contour_parameter(p)}
    assert tuple(sp.simplify(v.subs(at)) for v in m.CONTOUR_PATH) == p


def test_right_angle_is_written_out_at_1_1() -> None:
    assert m.perpendicular_latex() == (
        r"\nabla f(1, 1) = (2, 6)",
        r"\mathbf{t} = (-3, 1)",
        r"\nabla f \cdot \mathbf{t} = 2 \cdot (-3) + 6 \cdot 1 = 0",
    )


def test_on_the_stretched_bowl_the_gradient_does_not_point_away_from_the_bottom() -> None:
    # At (1, 1) the gradient (2, 6) and the way out from the minimum (1, 1) are not
    # parallel: their cross product is not zero. Stepping against it misses the minimum.
    g, p = m.RIGHT_ANGLE_GRADIENT, m.RIGHT_ANGLE_POINT
    assert g[0] * p[1] - g[1] * p[0] != 0
    assert (m.GRADIENT_DEGREES_APPROX, m.AWAY_DEGREES_APPROX) == (72, 45)
    assert sp.tan(m.RIGHT_ANGLE_GRADIENT_DEGREES * sp.pi / 180) == 3
    # On the round bowl the two are one direction: why it cannot tell them apart.
    r = m.gradient_at(p)
    assert r[0] * p[1] - r[1] * p[0] == 0


def test_arrows_are_drawn_at_a_sixth_of_the_gradient() -> None:
    assert m.arrow_tip(m.point(1, 1)) == (sp.Rational(4, 3), 2)
    assert m.ARROW_SCALE_NOTE == "arrows drawn at 1/6 scale"
    # Arrows grow further out: the longest starts on the outer contour.
    longest = max(m.ARROW_POINTS, key=lambda p: m.length(m.long_gradient_at(p)))
    assert m.long_value_at(longest) == m.CONTOUR_HIGH


def test_walking_uphill_multiplies_the_point_by_one_and_a_half() -> None:
    points = [s.point for s in m.UPHILL]
    assert points == [m.point("4/5", "2/5"), m.point("6/5", "3/5"), m.point("9/5", "9/10")]
    assert [s.value for s in m.UPHILL] == [sp.Rational(4, 5), sp.Rational(9, 5),
                                           sp.Rational(81, 20)]
    assert m.UPHILL[-1].value_latex() == "f = 4.05"


def test_walking_downhill_halves_the_point_and_quarters_f() -> None:
    values = [s.value for s in m.DOWNHILL]
    assert values == [sp.Rational(4, 5), sp.Rational(1, 5), sp.Rational(1, 20),
                      sp.Rational(1, 80)]
    assert all(b < a for a, b in zip(values, values[1:], strict=False))
    assert m.DOWNHILL[-1].point_latex() == "(x, y) = (0.1, 0.05)"
    assert m.DOWNHILL[-1].gradient_latex() == r"\nabla f = (0.2, 0.1)"


def test_each_walk_step_is_a_quarter_gradient_from_the_last() -> None:
    for walk, sign in ((m.UPHILL, 1), (m.DOWNHILL, -1)):
        for here, there in zip(walk, walk[1:], strict=False):
            g = m.gradient_at(here.point)
            assert there.point == (here.point[0] + sign * m.WALK_STEP * g[0],
                                   here.point[1] + sign * m.WALK_STEP * g[1])
            assert there.gradient == m.gradient_at(there.point)


def test_a_walk_of_no_steps_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one step"):
        m.walk(m.WALK_START, m.WALK_STEP, 0, uphill=True)


def test_gradient_at_1_1_is_2_2_with_length_two_root_two() -> None:
    assert m.STEEP_GRADIENT == (2, 2)
    assert m.STEEP_LENGTH == 2 * sp.sqrt(2)
    assert m.STEEP_DIRECTION == (1 / sp.sqrt(2), 1 / sp.sqrt(2))
    assert m.length(m.STEEP_DIRECTION) == 1
    assert m.STEEP_LENGTH_LATEX.endswith(r"= 2 \sqrt{2} \approx 2.83")


def test_directional_derivative_is_gradient_dot_u() -> None:
    assert m.DIRECTIONAL == 2 * sp.cos(m.theta) + 2 * sp.sin(m.theta)
    assert m.DIRECTIONAL_LATEX.endswith(r"= 2 \cos {\theta} + 2 \sin {\theta}")
    assert sp.simplify(m.DIRECTIONAL - m.DIRECTIONAL_AS_COSINE) == 0


@pytest.mark.parametrize(("angle", "rate"), [
    (0, 2),
    (sp.pi / 6, 1 + sp.sqrt(3)),
    (sp.pi / 4, 2 * sp.sqrt(2)),
    (sp.pi / 2, 2),
    (3 * sp.pi / 4, 0),
    (sp.pi, -2),
    (5 * sp.pi / 4, -2 * sp.sqrt(2)),
])
def test_directional_derivatives_at_several_angles(angle: sp.Expr, rate: sp.Expr) -> None:
    assert sp.simplify(m.directional_at(angle) - rate) == 0


def test_rate_is_largest_at_45_degrees_where_it_equals_the_gradient_length() -> None:
    assert m.DIRECTIONAL_SLOPE == 2 * sp.cos(m.theta) - 2 * sp.sin(m.theta)
    assert m.CRITICAL_ANGLES == (sp.pi / 4, 5 * sp.pi / 4)
    assert m.STEEPEST_ANGLE == sp.pi / 4
    assert m.STEEPEST_RATE == 2 * sp.sqrt(2) == m.STEEP_LENGTH
    # A maximum, not a minimum: the curvature there is negative.
    assert sp.diff(m.DIRECTIONAL, m.theta, 2).subs(m.theta, m.STEEPEST_ANGLE) < 0
    # And no direction does better: the range of 2 cos θ + 2 sin θ tops out at 2√2.
    top = sp.maximum(m.DIRECTIONAL, m.theta, sp.Interval(0, 2 * sp.pi))
    assert top == m.STEEPEST_RATE
    # Its angle is the gradient's own direction.
    assert (sp.cos(m.STEEPEST_ANGLE), sp.sin(m.STEEPEST_ANGLE)) == m.STEEP_DIRECTION


def test_sweep_labels_show_exact_rates_and_decimals_for_surds() -> None:
    labels = [m.sweep_latex(a) for a in m.SWEEP_ANGLES]
    assert labels[0] == r"\theta = 0^\circ:\; D_u f = 2"
    assert labels[1] == r"\theta = 45^\circ:\; D_u f = 2 \sqrt{2} \approx 2.83"
    assert labels[3] == r"\theta = 135^\circ:\; D_u f = 0"


def test_descent_on_the_stretched_bowl_shrinks_y_faster_than_x() -> None:
    assert [s.point for s in m.DESCENT] == [
        (2, 1), m.point("8/5", "2/5"), m.point("32/25", "4/25"), m.point("128/125", "8/125")]
    assert [s.value for s in m.DESCENT] == [7, sp.Rational(76, 25), sp.Rational(1072, 625),
                                            sp.Rational(16576, 15625)]
    assert (m.DESCENT_X_FACTOR, m.DESCENT_Y_FACTOR) == (sp.Rational(4, 5), sp.Rational(2, 5))
    assert m.DESCENT_X_FACTOR == 1 - 2 * m.DESCENT_RATE
    assert m.DESCENT_Y_FACTOR == 1 - 6 * m.DESCENT_RATE
    assert m.descent_row_latex(3) == ("3", "(1.024, 0.064)", "1.060864")
    assert m.DESCENT_LEVELS == (1, 4, 7)


def test_descent_curves_instead_of_running_straight_at_the_minimum() -> None:
    # Each step turns: the direction of travel changes from step to step.
    points = [s.point for s in m.DESCENT_PATH]
    moves = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:], strict=False)]
    for one, two in zip(moves, moves[1:], strict=False):
        assert one[0] * two[1] - one[1] * two[0] != 0
    # The first step does not aim at the minimum: −∇f(2, 1) is not along −(2, 1).
    g = m.DESCENT[0].gradient
    assert g[0] * m.DESCENT_START[1] - g[1] * m.DESCENT_START[0] != 0
    # And f falls at every step.
    values = [s.value for s in m.DESCENT_PATH]
    assert all(b < a for a, b in zip(values, values[1:], strict=False))


def test_descent_stops_at_the_minimum_because_the_gradient_is_zero_there() -> None:
    assert m.MINIMUM_GRADIENT == (0, 0)
    assert m.MINIMUM_GRADIENT_LATEX == r"\nabla f(0, 0) = (0, 0)"
    stay = m.walk(m.MINIMUM, m.DESCENT_RATE, 1, uphill=False, surface=m.LONG_SURFACE)
    assert stay[1].point == m.MINIMUM


def test_narrated_rates_and_angles_come_from_the_directional_derivative() -> None:
    # The gradient's own angle and the angle where the rate peaks agree: 45°.
    assert m.STEEP_DIRECTION_DEGREES == m.STEEPEST_DEGREES == 45
    assert m.STEEPEST_SLOPE == 0
    # The rate first vanishes where u runs along the contour through (1, 1).
    u = (sp.cos(m.FLAT_ANGLE), sp.sin(m.FLAT_ANGLE))
    # On the round bowl's circle, the tangent is the radius turned a quarter turn.
    tangent = (-m.STEEP_POINT[1], m.STEEP_POINT[0])
    assert sp.simplify(u[0] * tangent[1] - u[1] * tangent[0]) == 0
    assert (m.FLAT_RATE, m.FLAT_DEGREES, m.ALONG_X_RATE) == (0, 135, 2)
    # "about 2.83" is 2√2 rounded, and the sweep's axis holds every rate.
    assert abs(m.STEEP_LENGTH_APPROX - m.STEEP_LENGTH) < sp.Rational(1, 2) / 10**m.APPROX_PLACES
    assert m.SWEEP_RATE_LIMIT >= m.STEEPEST_RATE
    assert m.SWEEP_TICK_DEGREES[-1] == m.degrees(m.FULL_TURN) == 360


def test_each_downhill_step_covers_the_same_share_of_the_way() -> None:
    for walk, stride, steps in ((m.DOWNHILL, m.DOWNHILL_STRIDE, m.DOWNHILL_STEPS),):
        assert len(walk) - 1 == steps
        for here, there in zip(walk, walk[1:], strict=False):
            assert m.length(there.point) == (1 - stride) * m.length(here.point)
    assert len(m.UPHILL) - 1 == m.UPHILL_STEPS


def test_scale_notes_and_right_angle_are_computed() -> None:
    assert m.STEEP_ARROW_NOTE == "∇f at 1/2 scale, u at full length"
    assert m.RIGHT_ANGLE_GRADIENT == (2, 6)
    assert m.RIGHT_ANGLE_TANGENT == (-3, 1)
    assert m.RIGHT_ANGLE_DOT == 0
    assert (m.CONTOUR_LOW, m.CONTOUR_HIGH) == (1, 9)


def test_a_rate_of_three_quarters_leaps_past_the_minimum_and_bounces_back() -> None:
    start, first, second = (s.point for s in m.OVERSHOOT)
    # Each leap lands on the far side of the minimum (every coordinate changes sign)...
    assert all(a * b < 0 for a, b in zip(start, first, strict=True))
    assert all(a * b < 0 for a, b in zip(first, second, strict=True))
    # ...yet nearer to it, so at 3/4 the walk still settles.
    assert m.value_at(second) < m.value_at(first) < m.value_at(start)


def test_the_rates_where_a_step_overshoots_and_where_it_diverges() -> None:
    assert (m.OVERSHOOT_FROM, m.DIVERGE_ABOVE) == (sp.Rational(1, 2), 1)
    # Just above the divergence rate, a step lands further out than it started.
    beyond = m.walk(m.WALK_START, m.DIVERGE_ABOVE + sp.Rational(1, 10), 1, uphill=False)
    assert m.length(beyond[1].point) > m.length(beyond[0].point)
    assert m.OVERSHOOT_FROM < m.OVERSHOOT_RATE < m.DIVERGE_ABOVE


def test_a_rate_of_one_twentieth_crawls_a_tenth_of_the_way_each_step() -> None:
    assert m.CRAWL_STRIDE == sp.Rational(1, 10)
    points = [s.point for s in m.CRAWL]
    for before, after in zip(points, points[1:], strict=False):
        assert m.length(after) == sp.Rational(9, 10) * m.length(before)


def test_facing_away_from_the_gradient_is_the_steepest_way_down() -> None:
    assert m.COSINE_MAX == 1
    assert m.STEEPEST_DESCENT_DEGREES == 225
    assert m.STEEPEST_DESCENT_RATE == -m.STEEP_LENGTH == -2 * sp.sqrt(2)


def test_the_rate_along_u_is_the_gradient_dotted_with_u_to_first_order() -> None:
    # f(p + h u) − f(p) is h ∇f·u plus a term in h²: per unit of step, as h → 0, ∇f·u.
    g = m.STEEP_GRADIENT
    change = m.FIRST_ORDER_CHANGE
    assert sp.limit(change / m.h, m.h, 0) == m.dot(g, (m.u_1, m.u_2))
    assert sp.expand(change - m.h * m.dot(g, (m.u_1, m.u_2))).as_poly(m.h).degree() == 2
    assert m.SMALL_STEP_DOT_LATEX == r"= h\; \nabla f \cdot u"


def test_the_cosine_argument_finds_the_largest_and_smallest_rate() -> None:
    # ‖∇f‖ cos α: largest at α = 0 (the gradient's length), smallest at α = π.
    assert m.cosine_rate(sp.Integer(0)) == m.STEEP_LENGTH == m.STEEPEST_RATE
    assert m.cosine_rate(sp.pi) == -m.STEEP_LENGTH == m.STEEPEST_DESCENT_RATE
    assert m.cosine_rate(sp.pi / 2) == m.FLAT_RATE == 0
    assert [m.cosine_case_latex(a) for a in m.COSINE_ANGLES] == [
        r"\alpha = 0:\; D_u f = 2 \sqrt{2}\;\text{(largest)}",
        r"\alpha = \frac{\pi}{2}:\; D_u f = 0\;\text{(along the contour)}",
        r"\alpha = \pi:\; D_u f = - 2 \sqrt{2}\;\text{(smallest)}",
    ]
    assert m.COSINE_GENERAL_LATEX.endswith(r"= \lVert \nabla f \rVert \cos\alpha")


def test_no_false_step_is_left_in_the_math_layer() -> None:
    # "d/dθ D_u f = 0 ⇒ θ = π/4" was false reasoning (the derivative is 0 at 5π/4 too):
    # no formula the lesson can show states it.
    shown = [v for k, v in vars(m).items() if k.endswith("_LATEX") and isinstance(v, str)]
    assert not [v for v in shown if r"\Rightarrow" in v or r"d\theta" in v]
    # Both critical angles are there, which is why a zero derivative proves nothing alone.
    assert len(m.CRITICAL_ANGLES) == 2


# --- the questions: each answer worked out here another way than the math layer's ----

def test_the_gradient_quiz_is_twice_the_point_for_the_round_bowl() -> None:
    # ∇(x² + y²) = (2x, 2y): at (1, 2), (2, 4); swapped (4, 2); f there is 1 + 4 = 5.
    assert m.GRADIENT_QUIZ_ANSWER == (2, 4)
    assert m.GRADIENT_QUIZ_SWAPPED == (4, 2)
    assert m.GRADIENT_QUIZ_HEIGHT == 5
    assert m.GRADIENT_QUIZ_POINT not in m.EVALUATED_POINTS


def test_the_step_quiz_lands_a_tenth_of_the_gradient_downhill() -> None:
    # (1, 2) − 1/10 · (2, 4) = (0.8, 1.6); uphill (1.2, 2.4); without the rate (−1, −2).
    assert m.STEP_QUIZ_ANSWER == (sp.Rational(4, 5), sp.Rational(8, 5))
    assert m.STEP_QUIZ_UPHILL == (sp.Rational(6, 5), sp.Rational(12, 5))
    assert m.STEP_QUIZ_NO_RATE == (-1, -2)
    assert m.STEP_QUIZ_STEP == (sp.Rational(1, 5), sp.Rational(2, 5))
    # Landing lower on the bowl is the point of the step.
    assert m.value_at(m.STEP_QUIZ_ANSWER) < m.value_at(m.GRADIENT_QUIZ_POINT)
