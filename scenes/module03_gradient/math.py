"""Every value Module 3 puts on screen, computed exactly with SymPy.

This module imports no manim. Values are exact: Rationals where the numbers
are rational, surds such as ``2*sqrt(2)`` where they are not. Scenes turn
them into floats only to place things (``float(v)``, ``lambdify``), and show
the strings made here, so a number on screen is never a float's rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from lessonreel import decimal_places, decimal_string

x, y = sp.symbols("x y", real=True)
#: Angle of a unit direction u, and the parameter that runs around a contour.
theta, t = sp.symbols("theta t", real=True)

Point = tuple[sp.Expr, sp.Expr]


def latex(expr: sp.Basic, **options: str) -> str:
    """The LaTeX that MathTex renders for ``expr`` (SymPy's own printer).

    ``cos θ`` rather than ``cos(θ)``: brackets are dropped around a single symbol.
    """
    return sp.latex(expr, fold_func_brackets=True, **options)


def point(px: sp.Expr | int | str, py: sp.Expr | int | str) -> Point:
    """An exact point; strings such as ``"4/5"`` are read exactly, never through a float."""
    return (sp.Rational(px) if isinstance(px, str) else sp.sympify(px),
            sp.Rational(py) if isinstance(py, str) else sp.sympify(py))


def pair_latex(a: sp.Expr, b: sp.Expr) -> str:
    """``(a, b)`` with both entries printed exactly by SymPy.

    Brackets grow only around fractions: ``\\left(`` would put a gap after ``f``.
    """
    inside = f"{latex(a)}, {latex(b)}"
    return rf"\left({inside}\right)" if r"\frac" in inside else f"({inside})"


def pair_decimal(a: sp.Expr, b: sp.Expr, places: int = 6) -> str:
    """``(a, b)`` with both entries as decimals, for readouts."""
    return f"({decimal_string(a, places)}, {decimal_string(b, places)})"


def fraction_text(q: sp.Rational) -> str:
    """A rational as plain text, for a note on screen: "1/4", "3"."""
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def column_latex(entries: Sequence[sp.Expr | str]) -> str:
    """A column vector; string entries are taken as LaTeX already."""
    # Extra room between rows, so stacked fractions do not touch (6pt left ∂x on ∂f).
    body = r" \\[14pt] ".join(e if isinstance(e, str) else latex(e) for e in entries)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


# --- the function and its gradient -------------------------------------------

SURFACE = x**2 + y**2
PARTIAL_X = sp.diff(SURFACE, x)
PARTIAL_Y = sp.diff(SURFACE, y)
GRADIENT = sp.Matrix([PARTIAL_X, PARTIAL_Y])
f = sp.Function("f")
#: "f(x, y) = x² + y²", for the narration.
SURFACE_EQUATION = sp.Eq(f(x, y), SURFACE)
#: The name ∇f: the operator ∇ applied to f. Non-commuting symbols keep ∇ in front.
_nabla, _f = sp.symbols("nabla f", commutative=False)
GRADIENT_NAME = _nabla * _f


def value_at(p: Point, surface: sp.Expr = SURFACE) -> sp.Expr:
    """f at ``p``, exactly (the round bowl unless ``surface`` says otherwise)."""
    return sp.simplify(surface.subs({x: p[0], y: p[1]}))


def gradient_at(p: Point, surface: sp.Expr = SURFACE) -> Point:
    """∇f at ``p`` as an exact pair."""
    gx, gy = (sp.simplify(sp.diff(surface, v).subs({x: p[0], y: p[1]})) for v in (x, y))
    return gx, gy


def dot(u: Point, v: Point) -> sp.Expr:
    """u · v as the sum of products, left unsimplified so it reads as written."""
    return u[0] * v[0] + u[1] * v[1]


def length(v: Point) -> sp.Expr:
    return sp.sqrt(sp.simplify(dot(v, v)))


SURFACE_LATEX = "f(x, y) = " + latex(SURFACE)
PARTIAL_X_LATEX = r"\frac{\partial f}{\partial x} = " + latex(PARTIAL_X)
PARTIAL_Y_LATEX = r"\frac{\partial f}{\partial y} = " + latex(PARTIAL_Y)
#: ∇f written three ways, as separate parts so the scene can build it up: the name,
#: the column of partials, the column of their formulas.
GRADIENT_PARTS_LATEX: tuple[str, ...] = (
    r"\nabla f", "=",
    column_latex([r"\dfrac{\partial f}{\partial x}", r"\dfrac{\partial f}{\partial y}"]),
    "=", column_latex(list(GRADIENT)),
)

#: Points where the gradient is evaluated, to show that each point has its own vector.
EVALUATED_POINTS: tuple[Point, ...] = (point(1, 0), point("-1/2", 1))


def evaluated_latex(p: Point) -> str:
    """``∇f(p) = (gx, gy)`` for one point."""
    return rf"\nabla f{pair_latex(*p)} = {pair_latex(*gradient_at(p))}"


# --- a network's loss has one partial per weight ----------------------------

w_1, w_2, w_n = sp.symbols("w_1 w_2 w_n", real=True)
LOSS_GRADIENT_LATEX = (
    r"\nabla L = \left("
    + ", ".join(rf"\frac{{\partial L}}{{\partial {latex(w)}}}" for w in (w_1, w_2))
    + rf", \ldots, \frac{{\partial L}}{{\partial {latex(w_n)}}}\right)"
)


#: Levels of the round bowl drawn where its contours are shown (walking, steepest).
ROUND_LEVELS: tuple[sp.Integer, ...] = tuple(sp.Integer(c) for c in (1, 2, 3, 4))


# --- contours and the gradient across them, on a bowl that is not round ------

#: A bowl three times as steep across y as along x. On the round bowl the gradient, the
#: normal to a contour and "straight away from the bottom" are one direction; here they
#: part, so the map can show which of them the gradient really is.
LONG_SURFACE = x**2 + 3 * y**2
LONG_GRADIENT = sp.Matrix([sp.diff(LONG_SURFACE, x), sp.diff(LONG_SURFACE, y)])
LONG_SURFACE_LATEX = "f(x, y) = " + latex(LONG_SURFACE)
LONG_GRADIENT_LATEX = r"\nabla f = " + pair_latex(*LONG_GRADIENT)
#: "f(x, y) = x² + 3y²", for the narration.
LONG_SURFACE_EQUATION = sp.Eq(f(x, y), LONG_SURFACE)
#: How many times steeper the bowl is across y than along x at the same distance out:
#: ∂f/∂y at (0, d) over ∂f/∂x at (d, 0).
d = sp.Symbol("d", positive=True)
LONG_STRETCH = sp.simplify(
    LONG_GRADIENT[1].subs({x: 0, y: d}) / LONG_GRADIENT[0].subs({x: d, y: 0}))

#: Levels of f drawn as contours: ellipses √3 times as wide as they are tall.
CONTOUR_LEVELS: tuple[sp.Integer, ...] = tuple(sp.Integer(c) for c in (1, 4, 9))
#: On x² + 3y² = c the ellipse reaches sqrt(c) along x and sqrt(c/3) along y.
CONTOUR_AXES: tuple[Point, ...] = tuple(
    (sp.sqrt(level), sp.sqrt(level / 3)) for level in CONTOUR_LEVELS
)
#: Points on the contours where an arrow of ∇f is drawn, spread around the ellipses;
#: the quarter below the origin on the right is left free for the contours' labels.
ARROW_POINTS: tuple[Point, ...] = (
    point("1/2", "1/2"), point(1, 1), point(-2, 0),
    point("3/2", "3/2"), point("-3/2", "3/2"), point(-1, -1),
)
#: Arrows are drawn at this fraction of their length so the longest fit on the map.
ARROW_SCALE = sp.Rational(1, 6)
#: The point where the right angle between gradient and contour is marked.
RIGHT_ANGLE_POINT = point(1, 1)
#: Lowest and highest contour drawn, the inner and the outer ellipse.
CONTOUR_LOW, CONTOUR_HIGH = min(CONTOUR_LEVELS), max(CONTOUR_LEVELS)
#: The note under the contour map, computed from the scale the arrows are drawn at.
ARROW_SCALE_NOTE = f"arrows drawn at {fraction_text(ARROW_SCALE)} scale"
#: The claim the contour scene ends on.
PERPENDICULAR_VERDICT_LATEX = r"\nabla f \perp \text{its contour, everywhere}"

#: A contour of level c traced once around: (sqrt(c) cos t, sqrt(c/3) sin t).
c = sp.symbols("c", positive=True)
CONTOUR_PATH = sp.Matrix([sp.sqrt(c) * sp.cos(t), sp.sqrt(c / 3) * sp.sin(t)])
CONTOUR_VELOCITY = CONTOUR_PATH.diff(t)


def long_value_at(p: Point) -> sp.Expr:
    """f = x² + 3y² at ``p``."""
    return value_at(p, LONG_SURFACE)


def long_gradient_at(p: Point) -> Point:
    """∇f = (2x, 6y) at ``p``."""
    return gradient_at(p, LONG_SURFACE)


def contour_parameter(p: Point) -> sp.Expr:
    """The t at which the traced contour through ``p`` passes through it."""
    level = long_value_at(p)
    return sp.atan2(p[1] / sp.sqrt(level / 3), p[0] / sp.sqrt(level))


def contour_tangent(p: Point) -> Point:
    """Direction of the contour through ``p``: the traced ellipse's velocity there,
    rescaled so its y entry is 1 (or its x entry, where y's is 0): whole numbers to read."""
    at = {c: long_value_at(p), t: contour_parameter(p)}
    vx, vy = (sp.simplify(v.subs(at)) for v in CONTOUR_VELOCITY)
    unit = abs(vy) if vy != 0 else abs(vx)
    return sp.simplify(vx / unit), sp.simplify(vy / unit)


def gradient_along_contour() -> sp.Expr:
    """∇f · (contour velocity) for every point of every contour, simplified (it is 0)."""
    on_path = {x: CONTOUR_PATH[0], y: CONTOUR_PATH[1]}
    grad = tuple(g.subs(on_path) for g in LONG_GRADIENT)
    return sp.simplify(dot(grad, (CONTOUR_VELOCITY[0], CONTOUR_VELOCITY[1])))


def arrow_tip(p: Point) -> Point:
    """Where the drawn (scaled) gradient arrow from ``p`` ends."""
    gx, gy = long_gradient_at(p)
    return p[0] + ARROW_SCALE * gx, p[1] + ARROW_SCALE * gy


def level_latex(level: sp.Expr) -> str:
    return f"f = {latex(level)}"


#: The gradient at RIGHT_ANGLE_POINT, the contour's direction there, and their dot product (0).
RIGHT_ANGLE_GRADIENT = long_gradient_at(RIGHT_ANGLE_POINT)
RIGHT_ANGLE_TANGENT = contour_tangent(RIGHT_ANGLE_POINT)
RIGHT_ANGLE_DOT = sp.simplify(dot(RIGHT_ANGLE_GRADIENT, RIGHT_ANGLE_TANGENT))
#: Degrees round from the x axis: where the gradient at RIGHT_ANGLE_POINT points, and where
#: "straight away from the bottom" points from there. They differ: the gradient is not aimed
#: away from the minimum, so stepping against it does not head straight for the minimum.
RIGHT_ANGLE_GRADIENT_DEGREES = (
    sp.atan2(RIGHT_ANGLE_GRADIENT[1], RIGHT_ANGLE_GRADIENT[0]) * 180 / sp.pi)
RIGHT_ANGLE_AWAY_DEGREES = sp.atan2(RIGHT_ANGLE_POINT[1], RIGHT_ANGLE_POINT[0]) * 180 / sp.pi
#: Both rounded to whole degrees for the narration and the screen (72 and 45).
GRADIENT_DEGREES_APPROX = sp.Integer(round(float(RIGHT_ANGLE_GRADIENT_DEGREES)))
AWAY_DEGREES_APPROX = sp.Integer(round(float(RIGHT_ANGLE_AWAY_DEGREES)))


def perpendicular_latex(p: Point = RIGHT_ANGLE_POINT) -> tuple[str, str, str]:
    """The gradient at ``p``, the contour's direction t there, and ∇f · t worked out to 0."""
    g, tangent = long_gradient_at(p), contour_tangent(p)
    terms = " + ".join(
        rf"{latex(a)} \cdot {latex(b) if b >= 0 else rf'({latex(b)})'}"
        for a, b in zip(g, tangent, strict=True)
    )
    return (
        rf"\nabla f{pair_latex(*p)} = {pair_latex(*g)}",
        rf"\mathbf{{t}} = {pair_latex(*tangent)}",
        rf"\nabla f \cdot \mathbf{{t}} = {terms} = {latex(sp.simplify(dot(g, tangent)))}",
    )


#: The gradient's angle at RIGHT_ANGLE_POINT, rounded, said as "about".
GRADIENT_ANGLE_LATEX = rf"\nabla f\text{{: about }}{latex(GRADIENT_DEGREES_APPROX)}^\circ"


def angle_latex(name: str, degrees_: sp.Expr) -> str:
    """``out from the bottom: 45°``, in LaTeX: a name and a whole number of degrees."""
    return rf"\text{{{name}}}\; {latex(degrees_)}^\circ"


# --- walking with and against the gradient ----------------------------------

@dataclass(frozen=True)
class WalkStep:
    """Where a walker stands after some steps, and what it reads there."""

    point: Point
    value: sp.Expr
    gradient: Point

    def point_latex(self) -> str:
        return "(x, y) = " + pair_decimal(*self.point)

    def value_latex(self) -> str:
        return f"f = {decimal_string(self.value)}"

    def gradient_latex(self) -> str:
        return r"\nabla f = " + pair_decimal(*self.gradient)


def walk(start: Point, step: sp.Expr, steps: int, uphill: bool,
         surface: sp.Expr = SURFACE) -> tuple[WalkStep, ...]:
    """The start and each point after it: p ← p ± step·∇f(p), with f and ∇f there."""
    if steps < 1:
        raise ValueError("a walk takes at least one step")
    sign = 1 if uphill else -1
    here, visited = start, []
    for _ in range(steps + 1):
        g = gradient_at(here, surface)
        visited.append(WalkStep(here, value_at(here, surface), g))
        here = (sp.simplify(here[0] + sign * step * g[0]),
                sp.simplify(here[1] + sign * step * g[1]))
    return tuple(visited)


def stride(steps: tuple[WalkStep, ...]) -> sp.Expr:
    """The fraction of the way to the origin a walk's first step covers (1/2 for halving)."""
    return sp.simplify(1 - length(steps[1].point) / length(steps[0].point))


#: The learning rate η, the symbol the update rules scale the gradient by.
eta = sp.Symbol("eta", positive=True)
WALK_START = point("4/5", "2/5")
#: How far each step goes, as a fraction of the gradient.
WALK_STEP = sp.Rational(1, 4)
#: How many steps each walk takes.
UPHILL_STEPS, DOWNHILL_STEPS = 2, 3
UPHILL = walk(WALK_START, WALK_STEP, UPHILL_STEPS, uphill=True)
DOWNHILL = walk(WALK_START, WALK_STEP, DOWNHILL_STEPS, uphill=False)
#: Each downhill step covers this fraction of the way to the centre (it halves the distance).
DOWNHILL_STRIDE = stride(DOWNHILL)
UPHILL_RULE_LATEX = r"(x, y) \leftarrow (x, y) + \eta\, \nabla f(x, y)"
#: The downhill step is the gradient-descent update.
DOWNHILL_RULE_LATEX = r"(x, y) \leftarrow (x, y) - \eta\, \nabla f(x, y)"
WALK_STEP_LATEX = latex(sp.Eq(eta, WALK_STEP))


# --- steepest ascent at (1, 1) ----------------------------------------------

STEEP_POINT = point(1, 1)
STEEP_GRADIENT = gradient_at(STEEP_POINT)
STEEP_LENGTH = length(STEEP_GRADIENT)
STEEP_DIRECTION: Point = (sp.simplify(STEEP_GRADIENT[0] / STEEP_LENGTH),
                          sp.simplify(STEEP_GRADIENT[1] / STEEP_LENGTH))
#: The gradient is drawn at this fraction of its length beside the unit directions.
STEEP_ARROW_SCALE = sp.Rational(1, 2)
#: Two arrows at different scales in one plot: the note says both.
STEEP_ARROW_NOTE = f"∇f at {fraction_text(STEEP_ARROW_SCALE)} scale, u at full length"
#: The angle the gradient at STEEP_POINT points at, in degrees (45).
STEEP_DIRECTION_DEGREES = sp.simplify(sp.atan2(STEEP_GRADIENT[1], STEEP_GRADIENT[0]) * 180 / sp.pi)
#: Places an irrational value is rounded to after "≈", and its live readout shows.
APPROX_PLACES = 2
#: The gradient's length 2√2 as the screen rounds it: 2.83.
STEEP_LENGTH_APPROX = sp.Rational(decimal_string(STEEP_LENGTH, APPROX_PLACES))

#: A unit direction at angle theta, and how fast f changes along it at STEEP_POINT.
UNIT_DIRECTION = (sp.cos(theta), sp.sin(theta))
DIRECTIONAL = dot(STEEP_GRADIENT, UNIT_DIRECTION)
DIRECTIONAL_SLOPE = sp.diff(DIRECTIONAL, theta)
#: Where the rate stops changing as u turns, over one full turn.
CRITICAL_ANGLES = tuple(sorted(
    sp.solveset(DIRECTIONAL_SLOPE, theta, sp.Interval.Ropen(0, 2 * sp.pi)),
    key=lambda a: float(a),
))


def directional_at(angle: sp.Expr) -> sp.Expr:
    """D_u f(1, 1) for the unit direction at ``angle``, exactly."""
    return sp.simplify(DIRECTIONAL.subs(theta, angle))


def steepest_angle() -> sp.Expr:
    """The critical angle where the rate is largest."""
    return max(CRITICAL_ANGLES, key=lambda a: float(directional_at(a)))


STEEPEST_ANGLE = steepest_angle()
STEEPEST_RATE = directional_at(STEEPEST_ANGLE)
#: The rate's derivative where it peaks (0).
STEEPEST_SLOPE = sp.simplify(DIRECTIONAL_SLOPE.subs(theta, STEEPEST_ANGLE))
#: The first angle of the turn where the rate is 0: u then runs along the contour.
FLAT_ANGLE = min(sp.solveset(DIRECTIONAL, theta, sp.Interval.Ropen(0, 2 * sp.pi)),
                 key=lambda a: float(a))
FLAT_RATE = directional_at(FLAT_ANGLE)
#: The rate along the x axis (angle 0), where the sweep starts.
ALONG_X_RATE = directional_at(sp.Integer(0))
#: The same rate written as |∇f| cos(angle between u and ∇f): largest when they line up.
# Unevaluated: SymPy would otherwise rewrite it as a sine.
DIRECTIONAL_AS_COSINE = STEEP_LENGTH * sp.cos(theta - STEEPEST_ANGLE, evaluate=False)
#: Where u first stands, off the x axis, so the angle θ it makes can be drawn.
COMPARE_ANGLE = sp.pi / 6
#: How far u is turned off the gradient to open the angle α when α is named.
ALPHA_SHOWN = sp.pi / 3
#: Angles at which the sweep pauses, with the exact rate there.
SWEEP_ANGLES: tuple[sp.Expr, ...] = (
    sp.Integer(0), STEEPEST_ANGLE, sp.pi / 2, 3 * sp.pi / 4, sp.pi, 5 * sp.pi / 4,
)


def degrees(angle: sp.Expr) -> sp.Expr:
    return sp.simplify(angle * 180 / sp.pi)


STEEPEST_DEGREES = degrees(STEEPEST_ANGLE)
FLAT_DEGREES = degrees(FLAT_ANGLE)
#: The sweep's graph: one full turn of u, ticked at each quarter turn, and a rate axis
#: reaching the whole number above the largest rate.
FULL_TURN = 2 * sp.pi
SWEEP_TICK_DEGREES: tuple[sp.Expr, ...] = tuple(degrees(k * FULL_TURN / 4) for k in range(1, 5))
SWEEP_RATE_LIMIT = sp.ceiling(STEEPEST_RATE)
#: Places of the live angle readout: as many as the angles the sweep pauses at need (0).
ANGLE_PLACES = decimal_places(*(degrees(a) for a in SWEEP_ANGLES))


STEEP_GRADIENT_LATEX = rf"\nabla f{pair_latex(*STEEP_POINT)} = {pair_latex(*STEEP_GRADIENT)}"
STEEP_LENGTH_LATEX = (
    rf"\lVert \nabla f \rVert = \sqrt{{{latex(STEEP_GRADIENT[0])}^2 + "
    rf"{latex(STEEP_GRADIENT[1])}^2}} = {latex(STEEP_LENGTH)}"
    rf" \approx {decimal_string(STEEP_LENGTH_APPROX)}"
)
STEEP_DIRECTION_LATEX = (
    rf"\frac{{\nabla f}}{{\lVert \nabla f \rVert}} = {pair_latex(*STEEP_DIRECTION)}"
)
UNIT_DIRECTION_LATEX = rf"u = {pair_latex(*UNIT_DIRECTION)}"
# In the order the dot product is written: the cosine (x) term first.
DIRECTIONAL_LATEX = rf"D_u f = \nabla f \cdot u = {latex(DIRECTIONAL, order='none')}"
#: Why the rate along u is ∇f · u: a small step h·u moves x by h·u₁ and y by h·u₂, so to
#: first order f changes by h times (∂f/∂x·u₁ + ∂f/∂y·u₂); per unit of step, that sum.
h, u_1, u_2 = sp.symbols("h u_1 u_2", real=True)
SMALL_STEP_LATEX = (
    r"f(\mathbf{p} + h\,u) - f(\mathbf{p}) \approx "
    r"h\left(\frac{\partial f}{\partial x} u_1 + \frac{\partial f}{\partial y} u_2\right)"
)
SMALL_STEP_DOT_LATEX = r"= h\; \nabla f \cdot u"
#: The first-order change along u at STEEP_POINT, checked against the true change: they
#: differ by a term in h², so divided by h and with h → 0 the rate is ∇f · u exactly.
FIRST_ORDER_CHANGE = sp.expand(
    SURFACE.subs({x: STEEP_POINT[0] + h * u_1, y: STEEP_POINT[1] + h * u_2})
    - value_at(STEEP_POINT)
)
STEEPEST_LATEX = (
    rf"\max D_u f = {latex(STEEPEST_RATE)} = \lVert \nabla f \rVert"
)
#: The cosine argument, in general: u has length 1, so ∇f · u = ‖∇f‖ cos α, where α is the
#: angle between u and ∇f; then its largest and smallest, where the cosine is 1 and -1.
alpha = sp.Symbol("alpha", real=True)
COSINE_GENERAL_LATEX = (
    r"D_u f = \lVert \nabla f \rVert \, \lVert u \rVert \cos\alpha"
    r" = \lVert \nabla f \rVert \cos\alpha"
)
#: The angles α the argument names: lined up, square across (along the contour), facing
#: against; and the rate at each at (1, 1): ‖∇f‖ cos α.
COSINE_ANGLES: tuple[sp.Expr, ...] = (sp.Integer(0), sp.pi / 2, sp.pi)


def cosine_rate(a: sp.Expr) -> sp.Expr:
    """‖∇f(1, 1)‖ cos α: the rate along the direction at angle α from the gradient."""
    return sp.simplify(STEEP_LENGTH * sp.cos(a))


def cosine_case_latex(a: sp.Expr) -> str:
    """``α = 0: D_u f = 2√2 (largest)`` for one angle the argument names."""
    word = {1: "largest", 0: "along the contour", -1: "smallest"}[int(sp.cos(a))]
    return rf"\alpha = {latex(a)}:\; D_u f = {latex(cosine_rate(a))}\;\text{{({word})}}"


COSINE_LATEX = rf"D_u f = {latex(DIRECTIONAL_AS_COSINE)}"


def sweep_latex(angle: sp.Expr) -> str:
    """``θ = 45°: D_u f = 2√2 ≈ 2.83`` for one pause of the sweep."""
    rate = directional_at(angle)
    shown = latex(rate)
    if not rate.is_Rational:
        shown += rf" \approx {decimal_string(rate, APPROX_PLACES)}"
    return rf"\theta = {latex(degrees(angle))}^\circ:\; D_u f = {shown}"


# --- gradient descent, on the bowl that is not round -------------------------

#: The learning rate and start of the closing example, on x² + 3y².
DESCENT_RATE = sp.Rational(1, 10)
DESCENT_START = point(2, 1)
#: Steps in the table, and steps drawn on the map (the rest of the way, faint).
DESCENT_STEPS, DESCENT_PATH_STEPS = 3, 12
DESCENT = walk(DESCENT_START, DESCENT_RATE, DESCENT_STEPS, uphill=False, surface=LONG_SURFACE)
DESCENT_PATH = walk(DESCENT_START, DESCENT_RATE, DESCENT_PATH_STEPS, uphill=False,
                    surface=LONG_SURFACE)
DESCENT_RATE_LATEX = latex(sp.Eq(eta, DESCENT_RATE))
#: One step of x ← x − η·2x, y ← y − η·6y multiplies x and y by these: y shrinks faster,
#: so the path bends towards the bowl's long axis instead of running straight in.
DESCENT_X_FACTOR = sp.simplify(DESCENT[1].point[0] / DESCENT[0].point[0])
DESCENT_Y_FACTOR = sp.simplify(DESCENT[1].point[1] / DESCENT[0].point[1])
#: Contours drawn under the descent: two of the map's, and the one the walk starts on.
DESCENT_LEVELS: tuple[sp.Expr, ...] = tuple(sorted({*CONTOUR_LEVELS[:2], DESCENT[0].value}))
#: The bottom of the bowl, and the gradient there: zero, so a step from it goes nowhere.
MINIMUM = point(0, 0)
MINIMUM_GRADIENT = long_gradient_at(MINIMUM)
MINIMUM_GRADIENT_LATEX = rf"\nabla f{pair_latex(*MINIMUM)} = {pair_latex(*MINIMUM_GRADIENT)}"
NETWORK_RULE_LATEX = r"w \leftarrow w - \eta\, \frac{\partial L}{\partial w}"
#: What the three parts of the picture become in a network: the point, its height, the arrow.
NETWORK_POINT_LATEX = r"(x, y) \;\to\; (w_1, w_2, \ldots, w_n)"
NETWORK_HEIGHT_LATEX = r"f \;\to\; L"


def descent_row_latex(k: int) -> tuple[str, str, str]:
    """Cells of the iterate table: k, the point, f there."""
    step = DESCENT[k]
    return str(k), pair_decimal(*step.point), decimal_string(step.value)


# --- the learning rate: too large overshoots, too small crawls ----------------

#: A rate large enough that the first step from WALK_START leaps past the minimum.
OVERSHOOT_RATE = sp.Rational(3, 4)
#: A rate so small that each step covers a sliver of the way.
CRAWL_RATE = sp.Rational(1, 20)
#: Steps shown of each walk.
OVERSHOOT_STEPS, CRAWL_STEPS = 2, 3
OVERSHOOT = walk(WALK_START, OVERSHOOT_RATE, OVERSHOOT_STEPS, uphill=False)
CRAWL = walk(WALK_START, CRAWL_RATE, CRAWL_STEPS, uphill=False)
#: On f = x² + y² a step maps p to (1 − 2η) p: past the minimum once 1 − 2η < 0, and
#: further out than it started once 1 − 2η < −1, that is for η above this rate.
OVERSHOOT_FROM = sp.solve(sp.Eq(1 - 2 * eta, 0), eta)[0]
DIVERGE_ABOVE = sp.solve(sp.Eq(1 - 2 * eta, -1), eta)[0]
#: The fraction of the way to the minimum one crawling step covers (1/10).
CRAWL_STRIDE = stride(CRAWL)
OVERSHOOT_RATE_LATEX = latex(sp.Eq(eta, OVERSHOOT_RATE))
CRAWL_RATE_LATEX = latex(sp.Eq(eta, CRAWL_RATE))


# --- the rate along u as a cosine -------------------------------------------

#: The largest a cosine gets, where u lines up with ∇f, and its value facing away.
COSINE_MAX = sp.cos(sp.Integer(0))
#: Straight against the gradient (225°), where the rate is −‖∇f‖: the steepest way down.
STEEPEST_DESCENT_ANGLE = STEEPEST_ANGLE + sp.pi
STEEPEST_DESCENT_DEGREES = degrees(STEEPEST_DESCENT_ANGLE)
STEEPEST_DESCENT_RATE = directional_at(STEEPEST_DESCENT_ANGLE)


# --- questions: each asked after the section it tests, its every value computed here ----
#
# A wrong choice is the value a particular mistake gives, computed by making that mistake.

#: After the gradient is evaluated: a point the scene did not evaluate.
GRADIENT_QUIZ_POINT = point(1, 2)
GRADIENT_QUIZ_ANSWER = gradient_at(GRADIENT_QUIZ_POINT)
#: The mistakes: the partials in the wrong order, the point itself, the height f there.
GRADIENT_QUIZ_SWAPPED = (GRADIENT_QUIZ_ANSWER[1], GRADIENT_QUIZ_ANSWER[0])
GRADIENT_QUIZ_HEIGHT = value_at(GRADIENT_QUIZ_POINT)

#: After the walk: one step of gradient descent from that point, at a smaller rate.
STEP_QUIZ_RATE = sp.Rational(1, 10)
STEP_QUIZ_STEP = tuple(STEP_QUIZ_RATE * g for g in GRADIENT_QUIZ_ANSWER)
STEP_QUIZ_ANSWER = walk(GRADIENT_QUIZ_POINT, STEP_QUIZ_RATE, 1, uphill=False)[1].point
#: The mistakes: a step uphill, a step without the rate, the step for where it lands.
STEP_QUIZ_UPHILL = walk(GRADIENT_QUIZ_POINT, STEP_QUIZ_RATE, 1, uphill=True)[1].point
STEP_QUIZ_NO_RATE = walk(GRADIENT_QUIZ_POINT, sp.Integer(1), 1, uphill=False)[1].point
