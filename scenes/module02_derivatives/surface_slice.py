"""A partial derivative in 3D: slice the bowl x² + y² at y = 1 and measure the cut's slope."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp
from manim import *

from lessonreel import Choice, ThreeDLessonScene, say, theme
from scenes.common.layout import formula, prose, scene_title, themed_axes
from scenes.module02_derivatives import math as m

X0 = float(m.SLICE_X0)
Y0 = float(m.SLICE_Y)
height_at = sp.lambdify((m.x, m.y), m.SURFACE)
slice_at = sp.lambdify(m.x, m.SLICE_CURVE)
tangent_at = sp.lambdify(m.x, m.SLICE_TANGENT)

#: The bowl is drawn out to this radius; its circular rim keeps it compact on screen.
RIM = float(m.BOWL_RIM)
#: Where the bowl's vertical axis (at mid-height) sits on screen, left of the text column.
VIEW_CENTER = np.array([-3.4, 0.1, 0.0])
BOWL_MID = float(m.RIM_HEIGHT) / 2
#: Heights are drawn squashed so the bowl leaves room for a line of text below it.
HEIGHT_SCALE = 0.8
COLUMN_X = 3.85


def bowl_axes() -> ThreeDAxes:
    # No numbers: they would turn with the camera instead of staying readable.
    axes = ThreeDAxes(
        x_range=[-2.6, 2.6, 1], y_range=[-2.6, 2.6, 1], z_range=[0, 4.8, 1],
        x_length=5.2, y_length=5.2, z_length=4.8 * HEIGHT_SCALE, num_axis_pieces=8,
        axis_config={"color": theme.AXIS_COLOR, "include_ticks": False},
    )
    # Manim's sheen makes every axis piece recompute a gradient from the whole axis on
    # every frame, about a third of this scene's render time; flat grey looks the same.
    for piece in axes.family_members_with_points():
        piece.set_sheen(0, family=False)
    return axes


def bowl(axes: ThreeDAxes) -> Surface:
    def point(r: float, angle: float) -> np.ndarray:
        u, v = r * np.cos(angle), r * np.sin(angle)
        return axes.c2p(u, v, height_at(u, v))

    shade = ManimColor(theme.SURFACE_COLOR)
    return Surface(
        point, u_range=(0, RIM), v_range=(0, TAU), resolution=(8, 24),
        checkerboard_colors=[shade, shade.darker(0.35)], fill_opacity=0.8,
        stroke_color=shade.lighter(0.3), stroke_width=0.4,
    )


def slice_plane(axes: ThreeDAxes) -> VGroup:
    # A little wider and taller than the bowl, and below the z letter.
    wide, tall = RIM + 0.4, float(m.RIM_HEIGHT) + 0.4
    corners = [(-wide, 0), (wide, 0), (wide, tall), (-wide, tall)]
    # Split into patches so depth sorting can put parts of it in front of the bowl and
    # parts behind; a single big face would sit wholly in front or wholly behind.
    sheet = Surface(
        lambda u, w: axes.c2p(u, Y0, w), u_range=(-wide, wide), v_range=(0, tall),
        resolution=(6, 4), checkerboard_colors=False, fill_color=theme.SLICE_COLOR,
        fill_opacity=0.18, stroke_width=0,
    )
    edge = Polygon(*(axes.c2p(u, Y0, w) for u, w in corners),
                   color=theme.SLICE_COLOR, stroke_width=2, stroke_opacity=0.7)
    return VGroup(sheet, edge)


def eye_in_axes(axes: ThreeDAxes, camera: ThreeDCamera) -> np.ndarray:
    """Where the camera's eye is, in the bowl's own coordinates (x, y and height)."""
    camera.reset_rotation_matrix()
    # Manim projects from (0, 0, focal distance) in the camera's turned frame.
    eye = camera.frame_center + camera.get_rotation_matrix().T @ np.array(
        [0.0, 0.0, camera.get_focal_distance()])
    origin = axes.c2p(0, 0, 0)
    basis = np.column_stack([axes.c2p(*unit) - origin for unit in np.eye(3)])
    return np.linalg.solve(basis, eye - origin)


def hidden_by_bowl(point: np.ndarray, eye: np.ndarray) -> bool:
    """Whether the bowl's surface (height x² + y², out to its rim) lies between ``point``
    and the eye, both in the bowl's coordinates.

    Along the sight line point + s (eye - point), height minus x² + y² is a quadratic
    in s; the line passes through the surface where it is 0, for s between 0 and 1.
    """
    toward = eye - point
    a = -(toward[0] ** 2 + toward[1] ** 2)
    b = toward[2] - 2 * (point[0] * toward[0] + point[1] * toward[1])
    c = point[2] - point[0] ** 2 - point[1] ** 2
    # Past the point itself (a point on the surface is a root at s = 0).
    nearest = 1e-4 / float(np.linalg.norm(toward))
    for s in np.roots([a, b, c]):
        if abs(s.imag) > 1e-12 or not nearest < s.real <= 1:
            continue
        crossing = point + s.real * toward
        if crossing[0] ** 2 + crossing[1] ** 2 <= RIM**2:
            return True
    return False


#: A hidden part of a path is drawn dashed and dim: seen through the near wall.
HIDDEN_OPACITY = 0.7
DASH_LENGTH = 0.16


class BowlPath(VGroup):
    """A path in the bowl's coordinates (on the bowl or beside it), drawn solid where the
    camera sees it and dashed and dim where the bowl's near wall is in front of it.

    Manim draws a flat curve after every surface patch, on top of the bowl whatever lies
    in front of it; this one asks the bowl, for every camera, which of its parts are
    hidden. ``redraw`` draws it again for the camera as it is now, up to ``drawn``.
    """

    def __init__(self, path: Callable[[float], tuple[float, float, float]],
                 t_range: tuple[float, float], color: ParsableManimColor, width: float,
                 samples: int = 120) -> None:
        super().__init__()
        self.path, self.t_range, self.samples = path, t_range, samples
        self.path_color, self.width = color, width
        self.drawn = 0.0

    def runs(self, eye: np.ndarray, end: float) -> list[tuple[float, float, bool]]:
        """The path from its start to ``end``, in runs of (from, to, hidden)."""
        start = self.t_range[0]
        hidden = lambda t: hidden_by_bowl(np.array(self.path(t), dtype=float), eye)  # noqa: E731
        ts = np.linspace(start, end, self.samples)
        flags = [hidden(t) for t in ts]
        runs, run_start = [], start
        for i in range(1, len(ts)):
            if flags[i] == flags[i - 1]:
                continue
            # The sight line leaves the wall between two samples: find where, closely.
            low, high = ts[i - 1], ts[i]
            for _ in range(24):
                mid = (low + high) / 2
                low, high = (mid, high) if hidden(mid) == flags[i - 1] else (low, mid)
            runs.append((run_start, low, flags[i - 1]))
            run_start = low
        runs.append((run_start, end, flags[-1]))
        return runs

    def redraw(self, axes: ThreeDAxes, camera: ThreeDCamera, drawn: float | None = None) -> None:
        if drawn is not None:
            self.drawn = drawn
        start, stop = self.t_range
        pieces: list[VMobject] = []
        if self.drawn > 0:
            eye = eye_in_axes(axes, camera)
            for low, high, hidden in self.runs(eye, start + self.drawn * (stop - start)):
                ts = np.linspace(low, high, max(2, int(60 * (high - low) / (stop - start)) + 2))
                piece = VMobject(stroke_color=self.path_color, stroke_width=self.width)
                piece.set_points_as_corners([axes.c2p(*self.path(t)) for t in ts])
                if hidden:
                    dashes = max(1, round(piece.get_arc_length() / DASH_LENGTH))
                    piece = DashedVMobject(piece, num_dashes=dashes, dashed_ratio=0.55)
                    piece.set_stroke(self.path_color, self.width * 0.8, HIDDEN_OPACITY)
                pieces.append(piece)
        self.submobjects = pieces


def slice_cut() -> BowlPath:
    """The curve where the plane y = 1 meets the bowl, from rim to rim."""
    half = float(m.SLICE_RIM_X)
    return BowlPath(lambda t: (t, Y0, slice_at(t)), (-half, half), theme.SLICE_COLOR, 7)


def slice_tangent(axes: ThreeDAxes) -> tuple[Dot, BowlPath]:
    """The point at x = 1 on the cut, and the tangent to the cut there, in the plane y = 1."""
    dot = Dot(axes.c2p(X0, Y0, slice_at(X0)), color=theme.TANGENT_COLOR, radius=0.1)
    line = BowlPath(lambda t: (t, Y0, tangent_at(t)), (X0 - 0.9, X0 + 0.9),
                    theme.TANGENT_COLOR, 6)
    return dot, line


def screen_point(camera: ThreeDCamera, point: np.ndarray) -> np.ndarray:
    # The camera caches its rotation when it captures a frame; mid-animation that is stale.
    camera.reset_rotation_matrix()
    projected = camera.project_point(np.asarray(point, dtype=float))
    return np.array([projected[0], projected[1], 0.0])


def keep_in_view(world: Mobject, axes: ThreeDAxes, camera: ThreeDCamera,
                 letters: VGroup) -> None:
    """Shift the 3D picture so it turns in place at VIEW_CENTER; carry the axis letters along.

    Manim turns the camera about the world origin, which would swing a picture drawn
    off-centre across the text column.
    """
    camera.reset_rotation_matrix()
    world.shift(camera.get_rotation_matrix().T @ VIEW_CENTER - axes.c2p(0, 0, BOWL_MID))
    tips = [axes.c2p(3.0, 0, 0), axes.c2p(0, 3.0, 0), axes.c2p(0, 0, 5.2)]
    for letter, tip in zip(letters, tips, strict=True):
        letter.move_to(screen_point(camera, tip))


def slice_panel() -> VGroup:
    """The slice drawn flat: x² + 1 with its tangent at x = 1 and a run-and-rise step."""
    axes = themed_axes(x_range=[-2, 2.4, 1], y_range=[0, 5, 2], x_length=4.4, y_length=3.3)
    curve = axes.plot(slice_at, x_range=[-2, 2], color=theme.SLICE_COLOR, stroke_width=5)
    tangent = axes.plot(tangent_at, x_range=[X0 - 0.9, X0 + 1.1], color=theme.TANGENT_COLOR)
    step = X0 + float(m.SLICE_RUN)
    run_end = axes.c2p(step, slice_at(X0))
    run = Line(axes.c2p(X0, slice_at(X0)), run_end, color=theme.INPUT_COLOR)
    rise = Line(run_end, axes.c2p(step, tangent_at(step)), color=theme.OUTPUT_COLOR)
    dot = Dot(axes.c2p(X0, slice_at(X0)), color=theme.TANGENT_COLOR)
    return VGroup(axes, curve, tangent, run, rise, dot)


class SliceSurfaceAtYEqualsOne(ThreeDLessonScene):
    """The bowl x² + y² is cut by the plane y = 1; the cut x² + 1 has slope 2 at x = 1."""

    def turn_camera(self, run_time: float, *alongside: Animation, **angles: float) -> None:
        # Following the camera as an animation, not an updater, leaves nothing running
        # afterwards: a wait over a still picture then renders a single frame.
        follow = UpdateFromFunc(Mobject(), lambda _: self.follow_camera())
        self.move_camera(**angles, run_time=run_time, added_anims=[follow, *alongside])

    def follow_camera(self) -> None:
        keep_in_view(self.world, self.axes, self.camera, self.letters)
        for path in self.seen_paths:
            path.redraw(self.axes, self.camera)
        for dot, point in self.seen_dots:
            hidden = hidden_by_bowl(point, eye_in_axes(self.axes, self.camera))
            dot.set_opacity(HIDDEN_OPACITY if hidden else 1)

    def draw_path(self, path: BowlPath, run_time: float) -> None:
        """Draw ``path`` from its start, as Create would, solid and dashed as seen."""
        self.seen_paths.append(path)
        self.add(path)
        self.play(UpdateFromAlphaFunc(path, lambda p, a: p.redraw(self.axes, self.camera, a)),
                  run_time=run_time)

    def construct(self) -> None:
        self.set_camera_orientation(phi=70 * DEGREES, theta=-15 * DEGREES)
        self.axes = bowl_axes()
        self.world = VGroup(self.axes)
        # What the bowl may hide, drawn again as the camera turns.
        self.seen_paths: list[BowlPath] = []
        self.seen_dots: list[tuple[Dot, np.ndarray]] = []
        self.letters = VGroup(*(formula(n, theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR)
                                for n in "xyz"))
        keep_in_view(self.world, self.axes, self.camera, self.letters)
        title = scene_title("Slicing a surface")
        surface_label = formula(m.SURFACE_LATEX, color=theme.FUNCTION_COLOR).move_to(
            [COLUMN_X, 2.3, 0])
        self.pin(title, self.letters, surface_label)
        surface = bowl(self.axes)
        self.world.add(surface)

        with self.voiceover(beat="surface", text=say(
            "Here is a function of both x and y: {@f}{f}. {@drawn}Drawn as heights above the "
            "floor, it makes a {@bowl}round bowl whose lowest point sits at the origin.",
            f=m.SURFACE_EQUATION,
        )) as tracker:
            self.play(Write(title), Create(self.axes), FadeIn(self.letters),
                      run_time=tracker.until("f"))
            self.play(Write(surface_label), run_time=1.5)
            tracker.wait_until("drawn")
            self.play(Create(surface), run_time=tracker.until("bowl"))
            # The bowl turns to show its roundness while the sentence finishes.
            self.turn_camera(max(1.5, tracker.remaining()), theta=-50 * DEGREES)

        plane = slice_plane(self.axes)
        self.world.add(plane)
        held = formula(rf"y = {m.latex(m.SLICE_Y)} \text{{ (held fixed)}}",
                       theme.BODY_SIZE, theme.HIGHLIGHT_COLOR)
        held.next_to(surface_label, DOWN, buff=0.5)
        self.pin(held)

        with self.voiceover(beat="plane", text=say(
            "To watch x on its own, we {@hold}hold y still. Fixing y at {y0} picks out an "
            "upright {@plane}plane that cuts straight through the bowl.",
            y0=m.SLICE_Y,
        )) as tracker:
            tracker.wait_until("hold")
            self.play(Write(held), run_time=tracker.until("plane"))
            self.play(FadeIn(plane), run_time=max(1.0, tracker.remaining()))

        cut = slice_cut()
        cut_label = formula(m.SLICE_LATEX, theme.BODY_SIZE, theme.SLICE_COLOR)
        cut_label.next_to(held, DOWN, buff=0.5)
        self.pin(cut_label)

        with self.voiceover(beat="cut", text=say(
            "Plane and bowl {@meet}meet along a curve. With y frozen at {y0}, its height is "
            "{@curve}{curve}, a parabola in x alone.",
            y0=m.SLICE_Y, curve=m.SLICE_CURVE,
        ), hold=1.0) as tracker:
            tracker.wait_until("meet")
            self.draw_path(cut, run_time=tracker.until("curve"))
            self.play(Write(cut_label), run_time=1.5)

        dot, tangent = slice_tangent(self.axes)
        # A flat dot would squash to an ellipse as the camera tilts; keep it facing us.
        self.add_fixed_orientation_mobjects(dot)
        self.remove(dot)
        self.world.add(dot)
        self.seen_dots.append((dot, np.array([X0, Y0, slice_at(X0)])))
        self.follow_camera()
        slope_label = formula(m.SLICE_SLOPE_LATEX, theme.BODY_SIZE, theme.TANGENT_COLOR)
        slope_label.next_to(cut_label, DOWN, buff=0.5)
        self.pin(slope_label)

        with self.voiceover(beat="tangent", text=say(
            "At {@at}{at} the curve sits {height} units high. The {@tangent}tangent there "
            "climbs {rise} for every step of {run} in x, so its slope is {@slope}{slope}.",
            at=m.SLICE_POINT[0], height=m.SLICE_HEIGHT, rise=m.SLICE_RISE, run=m.SLICE_RUN,
            slope=m.SLICE_SLOPE,
        ), hold=1.0) as tracker:
            tracker.wait_until("at")
            self.play(FadeIn(dot, scale=2), run_time=1.0)
            tracker.wait_until("tangent")
            self.draw_path(tangent, run_time=1.5)
            tracker.wait_until("slope")
            self.play(Write(slope_label), run_time=1.5)

        panel = slice_panel().move_to([COLUMN_X, 0.05, 0])
        self.pin(panel)

        with self.voiceover(beat="flat", text=say(
            "Turn to look along the y axis and the slice {@flat}lies flat: {@curve}{curve}, "
            "with {@slope}slope {slope} at {at}. That slope is the partial derivative "
            "{partial}, taken where {at} and {held}.",
            curve=m.SLICE_CURVE, slope=m.SLICE_SLOPE, at=m.SLICE_POINT[0],
            partial=m.PARTIAL_X, held=m.SLICE_POINT[1],
        ), hold=1.0) as tracker:
            # The camera turns from "Turn" and the slice lies flat as "lies flat" is said.
            # Seen along y, the y axis shrinks to a stub inside the bowl: its letter fades
            # (its opacity only: the turn itself moves it).
            letter_y = self.letters[1]
            self.turn_camera(
                tracker.until("flat"),
                FadeOut(plane), FadeOut(surface_label), FadeOut(held),
                UpdateFromAlphaFunc(letter_y, lambda mob, a: mob.set_opacity(1 - a)),
                phi=84 * DEGREES, theta=-90 * DEGREES)
            self.world.remove(plane)
            # Labels first, so they never slide across the panel as it appears.
            self.play(cut_label.animate.move_to([COLUMN_X, 2.3, 0]),
                      slope_label.animate.move_to([COLUMN_X, -2.45, 0]),
                      run_time=tracker.until("curve"))
            # The flat slice, its tangent and its run and rise, as the curve is named and
            # up to its slope.
            self.play(FadeIn(panel), run_time=tracker.until("slope"))

        takeaway = prose("A partial derivative is the slope along a slice.", theme.BODY_SIZE,
                         theme.HIGHLIGHT_COLOR).to_edge(DOWN, buff=theme.SAFE_MARGIN + 0.05)
        self.pin(takeaway)
        # Circumscribe's own ring is not fixed in the frame: the 3D camera would draw it
        # in space, sweeping across the panel. This one rings the label where it is.
        ring = SurroundingRectangle(slope_label, color=theme.TANGENT_COLOR, buff=SMALL_BUFF)
        self.pin(ring)

        with self.voiceover(beat="meaning", text=(
            "So a partial derivative is the {@slope}slope along a slice, with the other input "
            "held fixed. Slice the other way, freezing x, and you get the partial derivative "
            "in y. In a network, each weight's partial derivative is the slope of a slice like "
            "this one, cut with every other weight frozen."
        )) as tracker:
            self.play(FadeIn(takeaway, shift=UP * 0.2), run_time=tracker.until("slope"))
            # The slope's label is ringed as "slope" is said.
            self.play(ShowPassingFlash(ring, time_width=0.3), run_time=1.5)

        self.ask(
            beat="quiz-slice",
            prompt=say("Your turn. Stay on the slice y = {y0}, and move to x = {x0}. What is "
                       "the partial derivative in x there?", y0=m.SLICE_Y, x0=m.SLICE_QUIZ_X),
            choices=[
                Choice(m.SLICE_QUIZ_HEIGHT, mistake="the height of the surface, not its slope"),
                Choice(m.SLICE_QUIZ_ALONG_Y, mistake="the slope along y, not along x"),
                Choice(m.SLICE_QUIZ_ANSWER),
                Choice(m.SLICE_QUIZ_BOTH, mistake="both slopes added, though y is held fixed"),
            ],
            answer=m.SLICE_QUIZ_ANSWER,
            explain=say("With y frozen, only x changes: the slope in x is {slope}, which at "
                        "x = {x0} is {answer}.",
                        slope=m.PARTIAL_X, x0=m.SLICE_QUIZ_X, answer=m.SLICE_QUIZ_ANSWER),
        )
