"""Exact values behind every number Module 3 shows. No manim here: milliseconds."""

from __future__ import annotations

import pytest
import sympy as sp

from scenes.module03_gradient import math as m


def test_gradient_stacks_the_partials_2x_and_2y() -> None:
    assert (m.PARTIAL_X, m.PARTIAL_Y) == (2 * m.x, 2 * m.y)
    assert m.GRADIENT == sp.Matrix([2 * m.x, 2 * m.y])
    assert m.GRADIENT_PARTS_LATEX[-1] == r"\begin{bmatrix} 2 x \\[6pt] 2 y \end{bmatrix}"


def test_each_point_gets_its_own_gradient() -> None:
    assert [m.gradient_at(p) for p in m.EVALUATED_POINTS] == [(2, 0), (-1, 2)]
    assert m.evaluated_latex(m.EVALUATED_POINTS[1]) == (
        r"\nabla f\left(- \frac{1}{2}, 1\right) = (-1, 2)"
    )


def test_points_are_exact_even_when_written_as_strings() -> None:
    assert m.point("4/5", "-1/2") == (sp.Rational(4, 5), sp.Rational(-1, 2))
    assert all(isinstance(v, sp.Rational) for v in m.point("0.1", 3))


def test_contour_radii_are_square_roots_of_the_levels() -> None:
    assert m.CONTOUR_RADII == (1, sp.sqrt(2), sp.sqrt(3), 2)
    for level, radius in zip(m.CONTOUR_LEVELS, m.CONTOUR_RADII, strict=True):
        assert m.value_at((radius, 0)) == level


def test_every_arrow_starts_on_a_drawn_contour() -> None:
    assert {m.value_at(p) for p in m.ARROW_POINTS} <= set(m.CONTOUR_LEVELS)
    # Every ring gets at least one arrow.
    assert {m.value_at(p) for p in m.ARROW_POINTS} == set(m.CONTOUR_LEVELS)


def test_gradient_is_perpendicular_to_every_contour_everywhere() -> None:
    # Along the traced circle f is constant, so ∇f · velocity vanishes for all r and t.
    assert m.gradient_along_contour() == 0


@pytest.mark.parametrize("p", m.ARROW_POINTS, ids=str)
def test_gradient_meets_its_contour_at_a_right_angle(p: m.Point) -> None:
    tangent = m.contour_tangent(p)
    assert tangent == (-p[1], p[0])
    assert sp.simplify(m.dot(m.gradient_at(p), tangent)) == 0
    # A genuine direction, not the zero vector.
    assert m.length(tangent) == m.length(p) != 0


def test_right_angle_is_written_out_at_1_1() -> None:
    assert m.perpendicular_latex() == (
        r"\nabla f(1, 1) = (2, 2)",
        r"\mathbf{t} = (-1, 1)",
        r"\nabla f \cdot \mathbf{t} = 2 \cdot (-1) + 2 \cdot 1 = 0",
    )


def test_arrows_are_drawn_at_a_quarter_of_the_gradient() -> None:
    assert m.arrow_tip(m.point(1, 1)) == (sp.Rational(3, 2), sp.Rational(3, 2))
    # The longest drawn arrow (radius 2, gradient length 4) is one unit long.
    longest = max(m.length(m.gradient_at(p)) for p in m.ARROW_POINTS) * m.ARROW_SCALE
    assert longest == 1


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


def test_descent_with_a_quarter_step_quarters_f_each_time() -> None:
    assert [s.value for s in m.DESCENT] == [5, sp.Rational(5, 4), sp.Rational(5, 16),
                                            sp.Rational(5, 64)]
    assert m.DESCENT_SHRINK == (1 - 2 * m.DESCENT_RATE) ** 2 == sp.Rational(1, 4)
    assert m.descent_row_latex(3) == ("3", "(0.25, 0.125)", "0.078125")


def test_narrated_rates_and_angles_come_from_the_directional_derivative() -> None:
    # The gradient's own angle and the angle where the rate peaks agree: 45°.
    assert m.STEEP_DIRECTION_DEGREES == m.STEEPEST_DEGREES == 45
    assert m.STEEPEST_SLOPE == 0
    # The rate first vanishes where u runs along the contour through (1, 1).
    u = (sp.cos(m.FLAT_ANGLE), sp.sin(m.FLAT_ANGLE))
    tangent = m.contour_tangent(m.STEEP_POINT)
    assert sp.simplify(u[0] * tangent[1] - u[1] * tangent[0]) == 0
    assert (m.FLAT_RATE, m.FLAT_DEGREES, m.ALONG_X_RATE) == (0, 135, 2)
    # "about 2.83" is 2√2 rounded, and the sweep's axis holds every rate.
    assert abs(m.STEEP_LENGTH_APPROX - m.STEEP_LENGTH) < sp.Rational(1, 2) / 10**m.APPROX_PLACES
    assert m.SWEEP_RATE_LIMIT >= m.STEEPEST_RATE
    assert m.SWEEP_TICK_DEGREES[-1] == m.degrees(m.FULL_TURN) == 360


def test_each_downhill_step_covers_the_same_share_of_the_way() -> None:
    for walk, stride, steps in ((m.DOWNHILL, m.DOWNHILL_STRIDE, m.DOWNHILL_STEPS),
                                (m.DESCENT, m.DESCENT_STRIDE, m.DESCENT_STEPS)):
        assert len(walk) - 1 == steps
        for here, there in zip(walk, walk[1:], strict=False):
            assert m.length(there.point) == (1 - stride) * m.length(here.point)
    assert m.DESCENT_STRIDE == 2 * m.DESCENT_RATE == sp.Rational(1, 2)
    assert len(m.UPHILL) - 1 == m.UPHILL_STEPS


def test_scale_notes_and_right_angle_are_computed() -> None:
    assert m.ARROW_SCALE_NOTE == "arrows drawn at 1/4 scale"
    assert m.STEEP_ARROW_NOTE == "∇f drawn at 1/2 scale"
    assert m.RIGHT_ANGLE_GRADIENT == (2, 2)
    assert m.RIGHT_ANGLE_TANGENT == (-1, 1)
    assert m.RIGHT_ANGLE_DOT == 0
    assert (m.CONTOUR_LOW, m.CONTOUR_HIGH) == (1, 4)


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
