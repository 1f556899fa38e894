"""Every value Module 2 puts on screen, computed exactly with SymPy.

This module imports no manim: scenes convert what it returns (``float(v)``,
``lambdify``) but never compute a number of their own. Values are exact
(``Rational``), and the strings shown on screen are formatted from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy as sp

from lessonreel import decimal_places, decimal_string

x, y, h = sp.symbols("x y h", real=True)

#: Derivatives whose magnitude is at most this are "nearly flat": nudging the
#: input barely moves the output.
FLAT_TOLERANCE = sp.Rational(1, 5)

SlopeSign = Literal["increasing", "decreasing", "nearly flat"]


def latex(expr: sp.Basic) -> str:
    """The LaTeX that MathTex renders for ``expr`` (SymPy's own printer)."""
    return sp.latex(expr)


# --- y = 5x: sensitivity of a line ------------------------------------------

LINE = 5 * x
LINE_SLOPE = sp.diff(LINE, x)


@dataclass(frozen=True)
class LineNudge:
    """A nudge of the input of ``y = 5x`` and what it does to the output."""

    x0: sp.Rational
    dx: sp.Rational
    y0: sp.Rational
    y1: sp.Rational

    @property
    def x1(self) -> sp.Rational:
        return self.x0 + self.dx

    @property
    def dy(self) -> sp.Rational:
        return self.y1 - self.y0

    @property
    def ratio(self) -> sp.Rational:
        return self.dy / self.dx

    @property
    def x_places(self) -> int:
        """Decimal places that show both ends of the nudge in x (3 for 2 and 2.001)."""
        return decimal_places(self.x0, self.x1)

    @property
    def y_places(self) -> int:
        return decimal_places(self.y0, self.y1)

    def ratio_latex(self) -> str:
        """Δy/Δx built up from the on-screen decimals, ending in the exact ratio.

        Both ends of a difference carry the same places, as the live readouts beside
        it do: 2.001 - 2.000, not 2.001 - 2.
        """
        d = decimal_string
        y1, y0 = (d(v, min_places=self.y_places) for v in (self.y1, self.y0))
        x1, x0 = (d(v, min_places=self.x_places) for v in (self.x1, self.x0))
        return (
            r"\frac{\Delta y}{\Delta x}"
            rf" = \frac{{{y1} - {y0}}}{{{x1} - {x0}}}"
            rf" = \frac{{{d(self.dy)}}}{{{d(self.dx)}}}"
            rf" = {latex(self.ratio)}"
        )


#: The nudge of the lecture notes: x from 2 to 2.001.
NUDGE_X0 = sp.Integer(2)
NUDGE_DX = sp.Rational(1, 1000)


def nudge_line(x0: sp.Expr | int = NUDGE_X0, dx: sp.Expr | int = NUDGE_DX) -> LineNudge:
    """Move x from ``x0`` to ``x0 + dx`` on ``y = 5x``."""
    x0 = sp.Rational(x0)
    dx = sp.Rational(dx)
    if dx == 0:
        raise ValueError("dx must be non-zero: a ratio over no change is undefined")
    return LineNudge(
        x0=x0,
        dx=dx,
        y0=sp.Rational(LINE.subs(x, x0)),
        y1=sp.Rational(LINE.subs(x, x0 + dx)),
    )


SENSITIVITY = nudge_line()
LINE_EQUATION = sp.Eq(sp.Symbol("y"), LINE)
LINE_LATEX = latex(LINE_EQUATION)
#: How much the inset around the nudge magnifies the main axes, the same on both
#: axes so that a slope looks in the inset as it does outside it: one over the
#: nudge, so the nudge is as long in the inset as a whole unit is outside it.
ZOOM = abs(1 / SENSITIVITY.dx)
#: The main axes of the scene: x from 0 to 3, y from 0 to 15, the line drawn over all of x.
LINE_X_RANGE = (sp.Integer(0), sp.Integer(3))
LINE_Y_RANGE = (sp.Integer(0), LINE.subs(x, LINE_X_RANGE[1]))


# --- secant to tangent on f(x) = x^2 at x0 = 1 ------------------------------

CURVE = x**2
CURVE_X0 = sp.Integer(1)
#: h values the secant visits on its way to the tangent, largest first.
SECANT_STEPS: tuple[sp.Rational, ...] = tuple(
    sp.Rational(v) for v in ("1", "1/2", "1/4", "1/10", "1/100", "1/1000")
)


def secant_slope_expr(curve: sp.Expr = CURVE, x0: sp.Expr = CURVE_X0) -> sp.Expr:
    """Slope of the secant through x0 and x0 + h, simplified (``h + 2`` for x²)."""
    return sp.simplify((curve.subs(x, x0 + h) - curve.subs(x, x0)) / h)


SECANT_SLOPE = secant_slope_expr()


def secant_slope(step: sp.Expr) -> sp.Rational:
    """Exact secant slope for one non-zero step ``h``."""
    if step == 0:
        raise ValueError("h must be non-zero: at h = 0 there is no secant, only the limit")
    return sp.Rational(SECANT_SLOPE.subs(h, step))


def secant_table() -> list[tuple[sp.Rational, sp.Rational]]:
    """(h, secant slope) for every step in :data:`SECANT_STEPS`."""
    return [(step, secant_slope(step)) for step in SECANT_STEPS]


#: Places that show every step h and every secant slope it gives.
SECANT_PLACES = decimal_places(*(v for row in secant_table() for v in row))


#: Where h goes in the limit.
H_LIMIT = sp.Integer(0)
TANGENT_SLOPE = sp.limit(SECANT_SLOPE, h, H_LIMIT)
DERIVATIVE_AT_X0 = sp.diff(CURVE, x).subs(x, CURVE_X0)
TANGENT_LINE = sp.expand(CURVE.subs(x, CURVE_X0) + TANGENT_SLOPE * (x - CURVE_X0))

CURVE_LATEX = latex(sp.Eq(sp.Symbol("y"), CURVE))
#: The secant's slope as the change in y over the change in x, the step in x being h.
SECANT_SLOPE_PARTS = (
    r"\frac{\Delta y}{\Delta x}",
    rf"= \frac{{f({latex(CURVE_X0)} + h) - f({latex(CURVE_X0)})}}{{h}} = " + latex(SECANT_SLOPE),
)
SECANT_SLOPE_LATEX = " ".join(SECANT_SLOPE_PARTS)
LIMIT_LATEX = (
    rf"\lim_{{h \to {latex(H_LIMIT)}}} \left(" + latex(SECANT_SLOPE) + r"\right) = "
    + latex(TANGENT_SLOPE)
)
CURVE_EQUATION = sp.Eq(sp.Symbol("y"), CURVE)
#: "x = 1", the point the secant is pinned to.
CURVE_POINT = sp.Eq(x, CURVE_X0)
TANGENT_LATEX = latex(sp.Eq(sp.Symbol("y"), TANGENT_LINE))
#: The derivative as a function of x (2x for x²), and its value at the pinned point.
DERIVATIVE = sp.diff(CURVE, x)
DERIVATIVE_LATEX = rf"f'({latex(CURVE_X0)}) = " + latex(DERIVATIVE_AT_X0)
#: Leibniz's notation: the Δ of a step of real size becomes d once the step has shrunk
#: to nothing. dy/dx at x = 1, which is f'(1), which is 2.
#: In parts, so each is written as it is said: dy/dx at x = 1, f'(1), and its value.
LEIBNIZ_PARTS = (
    r"\frac{dy}{dx} \bigg|_{" + latex(CURVE_POINT) + "}",
    rf"= f'({latex(CURVE_X0)})",
    "= " + latex(DERIVATIVE_AT_X0),
)
LEIBNIZ_LATEX = " ".join(LEIBNIZ_PARTS)


# --- what the sign of the slope says ----------------------------------------

SIGN_CURVE = x**3 / 3 - x
SIGN_DERIVATIVE = sp.diff(SIGN_CURVE, x)
#: One point where the curve rises, one where it falls, one where it is nearly flat.
SIGN_POINTS: tuple[sp.Rational, ...] = (sp.Integer(-2), sp.Integer(0), sp.Rational(21, 20))
#: The stretch of the curve that is drawn; the sliding tangent starts at its left end.
SIGN_DOMAIN: tuple[sp.Rational, sp.Rational] = (sp.Rational(-47, 20), sp.Rational(47, 20))


def classify_slope(slope: sp.Expr, tolerance: sp.Expr = FLAT_TOLERANCE) -> SlopeSign:
    """What increasing the input does to the output, judged by the slope."""
    if abs(slope) <= tolerance:
        return "nearly flat"
    return "increasing" if slope > 0 else "decreasing"


def slope_signs() -> list[tuple[sp.Rational, sp.Rational, SlopeSign]]:
    """(x, exact slope, meaning) at each of :data:`SIGN_POINTS`."""
    rows = []
    for point in SIGN_POINTS:
        slope = sp.Rational(SIGN_DERIVATIVE.subs(x, point))
        rows.append((point, slope, classify_slope(slope)))
    return rows


# --- partial derivatives of f(x, y) = x^2 + y^2 -----------------------------

SURFACE = x**2 + y**2
PARTIAL_X = sp.diff(SURFACE, x)
PARTIAL_Y = sp.diff(SURFACE, y)
SLICE_Y = sp.Integer(1)
SLICE_CURVE = SURFACE.subs(y, SLICE_Y)
SLICE_X0 = sp.Integer(1)
SLICE_SLOPE = sp.diff(SLICE_CURVE, x).subs(x, SLICE_X0)

f = sp.Function("f")
SURFACE_EQUATION = sp.Eq(f(x, y), SURFACE)
SLICE_EQUATION = sp.Eq(f(x, SLICE_Y), SLICE_CURVE)
SURFACE_LATEX = "f(x, y) = " + latex(SURFACE)
PARTIAL_X_LATEX = r"\frac{\partial f}{\partial x} = " + latex(PARTIAL_X)
PARTIAL_Y_LATEX = r"\frac{\partial f}{\partial y} = " + latex(PARTIAL_Y)
SLICE_LATEX = f"f(x, {latex(SLICE_Y)}) = " + latex(SLICE_CURVE)


def surface_value(x_value: sp.Expr, y_value: sp.Expr) -> sp.Rational:
    return sp.Rational(SURFACE.subs({x: x_value, y: y_value}))


# --- a tiny network: y = w1*x1 + w2*x2 ---------------------------------------

w1, w2, x1, x2 = sp.symbols("w_1 w_2 x_1 x_2", real=True)
NETWORK = w1 * x1 + w2 * x2
#: The example's inputs and starting weights, and the nudge given to w1.
NETWORK_INPUTS = {x1: sp.Integer(2), x2: sp.Integer(1)}
NETWORK_WEIGHTS = {w1: sp.Rational(1, 2), w2: sp.Rational(3, 2)}
WEIGHT_NUDGE = sp.Rational(1, 10)
#: How the output changes per change of w1: the input it multiplies, x1.
NETWORK_SENSITIVITY_W1 = sp.diff(NETWORK, w1)


def network_output(weights: dict[sp.Symbol, sp.Expr] | None = None) -> sp.Rational:
    """The output for the example inputs and the given (default: starting) weights."""
    values = {**NETWORK_INPUTS, **NETWORK_WEIGHTS, **(weights or {})}
    return sp.Rational(NETWORK.subs(values))


NETWORK_OUTPUT = network_output()
NUDGED_W1 = NETWORK_WEIGHTS[w1] + WEIGHT_NUDGE
NUDGED_OUTPUT = network_output({w1: NUDGED_W1})
NETWORK_OUTPUT_CHANGE = NUDGED_OUTPUT - NETWORK_OUTPUT
#: How many times as far the output moved as the weight: x1, the input w1 multiplies.
OUTPUT_MOVE_PER_WEIGHT_MOVE = NETWORK_OUTPUT_CHANGE / WEIGHT_NUDGE
#: Places that show the weight and the output before and after the nudge.
NETWORK_PLACES = decimal_places(NETWORK_WEIGHTS[w1], NUDGED_W1, NETWORK_OUTPUT, NUDGED_OUTPUT)
NETWORK_LATEX = "y = " + latex(NETWORK)
#: The nudge's effect in the words a learner has before any derivative is named: the
#: change in y over the change in w1, built from the on-screen decimals, is x1.
#: In two parts: the ratio with its value, then what that value is.
NETWORK_RATIO_PARTS = (
    r"\frac{\text{change in } y}{\text{change in } " + latex(w1) + "}"
    rf" = \frac{{{decimal_string(NETWORK_OUTPUT_CHANGE)}}}{{{decimal_string(WEIGHT_NUDGE)}}}"
    rf" = {latex(OUTPUT_MOVE_PER_WEIGHT_MOVE)}",
    f"= {latex(x1)}",
)
NETWORK_RATIO_LATEX = " ".join(NETWORK_RATIO_PARTS)


def network_sum_latex(weights: dict[sp.Symbol, sp.Expr] | None = None) -> str:
    """The weighted sum written out with numbers, e.g. ``0.5 \\cdot 2 + 1.5 \\cdot 1 = 2.5``."""
    values = {**NETWORK_WEIGHTS, **(weights or {})}
    d = decimal_string
    terms = [f"{d(values[w])} \\cdot {d(NETWORK_INPUTS[i])}" for w, i in ((w1, x1), (w2, x2))]
    return " + ".join(terms) + f" = {d(network_output(values))}"


# --- many weights: y = w1 x1 + ... + wn xn ---------------------------------

w_i, w_n, x_n = sp.symbols("w_i w_n x_n", real=True)
MANY_WEIGHTS_LATEX = (
    rf"y = {latex(w1)} {latex(x1)} + {latex(w2)} {latex(x2)} + \cdots + "
    rf"{latex(w_n)} {latex(x_n)}"
)


def partial_latex(variable: sp.Symbol, of: str = "y") -> str:
    """The partial derivative of ``of`` with respect to ``variable``: ∂y/∂w₁."""
    return rf"\frac{{\partial {of}}}{{\partial {latex(variable)}}}"


PARTIAL_I_LATEX = partial_latex(w_i)
#: One sensitivity per weight.
PARTIALS_LIST_LATEX = ", ".join(partial_latex(v) for v in (w1, w2)) + r", \ldots, " + (
    partial_latex(w_n)
)
#: Ordinary and partial derivative side by side: what each is a function of, and its symbol.
ORDINARY_FUNCTION_LATEX = "y = f(x)"
ORDINARY_SYMBOL_LATEX = r"\frac{dy}{dx}"
PARTIAL_FUNCTION_LATEX = rf"y = f({latex(w1)}, {latex(w2)}, \ldots, {latex(w_n)})"
PARTIAL_SYMBOL_LATEX = PARTIAL_I_LATEX


# --- one weight at a time on the two-weight neuron --------------------------

#: Each weight is turned by one whole unit while the other is frozen: w1 first, then w2.
KNOB_TURN = sp.Integer(1)
KNOB_START = dict(NETWORK_WEIGHTS)
KNOB_AFTER_W1 = {**KNOB_START, w1: KNOB_START[w1] + KNOB_TURN}
KNOB_AFTER_W2 = {**KNOB_AFTER_W1, w2: KNOB_AFTER_W1[w2] + KNOB_TURN}
#: Each weight's dial runs over this range.
KNOB_RANGE = (sp.Integer(0), sp.Integer(3))
#: y at the start, after turning w1, and after turning w2 as well.
KNOB_VALUES = tuple(network_output(weights)
                    for weights in (KNOB_START, KNOB_AFTER_W1, KNOB_AFTER_W2))
#: Places every weight and output on the knobs' readouts is shown with.
KNOB_PLACES = decimal_places(*KNOB_START.values(), *KNOB_AFTER_W2.values(), *KNOB_VALUES)
#: The partial derivative of y with respect to each weight: the input it multiplies.
NETWORK_PARTIALS = {w: sp.diff(NETWORK, w) for w in (w1, w2)}
NETWORK_PARTIAL_VALUES = {w: NETWORK_PARTIALS[w].subs(NETWORK_INPUTS) for w in (w1, w2)}


def network_partial_latex(weight: sp.Symbol) -> str:
    """``∂y/∂w₁ = x₁ = 2``: the partial, what it is, and its value at the example's inputs."""
    return (partial_latex(weight) + " = " + latex(NETWORK_PARTIALS[weight]) + " = "
            + latex(NETWORK_PARTIAL_VALUES[weight]))


def network_live_sum_parts(weights: dict[sp.Symbol, sp.Expr] | None = None) -> list[str]:
    """The weighted sum in five parts, numbers apart: ``0.5``, ``\\cdot 2 +``, ``1.5``,
    ``\\cdot 1 =``, ``2.5``. A scene typesets it whole (so TeX spaces it as the full sum)
    and puts live numbers where the weights and the output are."""
    values = {**NETWORK_WEIGHTS, **(weights or {})}
    d = decimal_string
    return [d(values[w1]), rf"\cdot {d(NETWORK_INPUTS[x1])} +", d(values[w2]),
            rf"\cdot {d(NETWORK_INPUTS[x2])} =", d(network_output(values))]


# --- what comes next: the gradient ------------------------------------------

GRADIENT = sp.Matrix([PARTIAL_X, PARTIAL_Y])
GRADIENT_POINT = {x: sp.Integer(1), y: sp.Integer(1)}
GRADIENT_AT_POINT = GRADIENT.subs(GRADIENT_POINT)
GRADIENT_LATEX = r"\nabla f = " + latex(GRADIENT)
GRADIENT_AT_POINT_LATEX = r"\nabla f(1, 1) = " + latex(GRADIENT_AT_POINT)


# --- 3D slice view ------------------------------------------------------------

#: The tangent to the slice curve f(x, 1) at x = SLICE_X0, as a function of x.
SLICE_TANGENT = sp.expand(SLICE_CURVE.subs(x, SLICE_X0) + SLICE_SLOPE * (x - SLICE_X0))
#: The bowl is drawn out to this radius; its rim is at the height f takes there.
BOWL_RIM = sp.Integer(2)
RIM_HEIGHT = BOWL_RIM**2
#: Where the cut y = SLICE_Y crosses the rim: x² + SLICE_Y² = BOWL_RIM², right-hand root.
SLICE_RIM_X = max(sp.solve(sp.Eq(SURFACE.subs(y, SLICE_Y), RIM_HEIGHT), x))
#: The step in x the flat panel draws its run-and-rise triangle with, and its rise.
SLICE_RUN = sp.Integer(1)
SLICE_RISE = SLICE_SLOPE * SLICE_RUN
SLICE_HEIGHT = SLICE_CURVE.subs(x, SLICE_X0)
SLICE_POINT = (sp.Eq(x, SLICE_X0), sp.Eq(y, SLICE_Y))
SLICE_SLOPE_LATEX = (
    rf"\text{{slope}} = {latex(SLICE_SLOPE)} = \frac{{\partial f}}{{\partial x}}"
    rf"({latex(SLICE_X0)}, {latex(SLICE_Y)})"
)


# --- overview scenes

#: Levels of f(x, y) = x^2 + y^2 drawn as contour circles behind the gradient arrow,
#: evenly spaced so the rings crowd together where f climbs faster. The first is
#: the level through GRADIENT_POINT.
GRADIENT_CONTOUR_LEVELS: tuple[sp.Integer, ...] = tuple(
    surface_value(GRADIENT_POINT[x], GRADIENT_POINT[y]) * k for k in (1, 2, 3, 4)
)
#: Radius of each contour circle: on x^2 + y^2 = c the distance from the origin is sqrt(c).
GRADIENT_CONTOUR_RADII: tuple[sp.Expr, ...] = tuple(
    sp.sqrt(level) for level in GRADIENT_CONTOUR_LEVELS
)


# --- questions: each asked after the section it tests, its every value computed here ----
#
# A wrong choice is the value a particular mistake gives, computed by making that mistake,
# so the mistake named beside it in the scene is the one that really leads there.

#: After the nudge of y = 5x: a step of x three times as long as the nudge's.
NUDGE_QUIZ = nudge_line(dx=3 * NUDGE_DX)
#: How far y moves for that step: the slope times the step.
NUDGE_QUIZ_ANSWER = NUDGE_QUIZ.dy
#: The mistakes: y's new value for its change, x's change for y's, dividing by the slope.
NUDGE_QUIZ_NEW_VALUE = NUDGE_QUIZ.y1
NUDGE_QUIZ_X_CHANGE = NUDGE_QUIZ.dx
NUDGE_QUIZ_DIVIDED = NUDGE_QUIZ.dx / LINE_SLOPE

#: After the slope's sign: a point of the curve the scene never stopped at.
SIGN_QUIZ_X = sp.Rational(-1, 2)
SIGN_QUIZ_SLOPE = sp.Rational(SIGN_DERIVATIVE.subs(x, SIGN_QUIZ_X))
#: What raising the input does to the output, for each verdict on a slope.
SIGN_EFFECT: dict[SlopeSign, str] = {
    "increasing": "y rises", "decreasing": "y falls", "nearly flat": "y barely moves"}
SIGN_QUIZ_ANSWER = SIGN_EFFECT[classify_slope(SIGN_QUIZ_SLOPE)]

#: After the slice: another point on the cut y = 1, where the slope is asked for.
SLICE_QUIZ_X = sp.Integer(2)
SLICE_QUIZ_ANSWER = PARTIAL_X.subs({x: SLICE_QUIZ_X, y: SLICE_Y})
#: The mistakes: the surface's height there, the slope along y, both slopes added.
SLICE_QUIZ_HEIGHT = surface_value(SLICE_QUIZ_X, SLICE_Y)
SLICE_QUIZ_ALONG_Y = PARTIAL_Y.subs({x: SLICE_QUIZ_X, y: SLICE_Y})
SLICE_QUIZ_BOTH = SLICE_QUIZ_ANSWER + SLICE_QUIZ_ALONG_Y
