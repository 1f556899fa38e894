"""One look for every lesson: colours named by meaning, type sizes, safe margins.

The palette is Okabe and Ito's, chosen to stay distinguishable for the common
forms of colour blindness; red is never set against green alone. Every text
colour has at least 4.5:1 contrast on :data:`BACKGROUND` (checked in the tests).
Scenes import names from here and pass them explicitly; nothing calls
``Mobject.set_default``.
"""

from __future__ import annotations

BACKGROUND = "#14161C"
TEXT_COLOR = "#F2F2F2"
MUTED_TEXT_COLOR = "#B8BCC6"
AXIS_COLOR = "#9AA0AC"
GRID_COLOR = "#3A3F4B"
#: The course's web pages (site, presenter, studio) wear these colours too
#: (lessonreel.publish.pages.palette_css); a panel on the page sits on this surface.
PAGE_SURFACE = "#1D2029"
PAGE_SURFACE_HOVER = "#262A35"

# Colours named by what they stand for, used the same way in every scene.
INPUT_COLOR = "#56B4E9"     # sky blue: inputs, x, the knob being turned
OUTPUT_COLOR = "#E69F00"    # orange: outputs, y, f
CURVE_COLOR = "#F2F2F2"     # the function being studied
SECANT_COLOR = "#CC79A7"    # reddish purple: secant lines, finite differences
TANGENT_COLOR = "#2BBF8E"   # bluish green, lightened for contrast: tangents, derivatives
SURFACE_COLOR = "#0072B2"   # blue: surfaces in 3D
SLICE_COLOR = "#F0E442"     # yellow: the slice through a surface
HIGHLIGHT_COLOR = "#F0E442" # yellow: the one thing to look at now
FROZEN_COLOR = "#8C93A1"    # grey: variables held fixed

# Concepts, each drawn in one colour in every scene of every lesson (a text that states
# one is checked: tests/scenes/test_concept_colours.py).
#: The function studied and its formula, f(x, y) = ...: an output.
FUNCTION_COLOR = OUTPUT_COLOR
#: A slope: a derivative's value and its sign ("slope < 0"), the tangent's own colour,
#: never the secant's.
SLOPE_COLOR = TANGENT_COLOR
#: A network's weights, w1, w2, ...: the knobs learning turns.
WEIGHT_COLOR = HIGHLIGHT_COLOR
#: The gradient ∇f, its value and its arrows: the partial derivatives (slopes) stacked.
GRADIENT_COLOR = SLOPE_COLOR
#: A position or a direction chosen in the input plane: (x, y), a walker, a unit vector u.
POSITION_COLOR = INPUT_COLOR
#: A finite step and its size: a secant's Δx, a learning rate tried and the leaps it makes.
STEP_COLOR = SECANT_COLOR

TEXT_COLORS = {
    "text": TEXT_COLOR,
    "muted": MUTED_TEXT_COLOR,
    "input": INPUT_COLOR,
    "output": OUTPUT_COLOR,
    "secant": SECANT_COLOR,
    "tangent": TANGENT_COLOR,
    "highlight": HIGHLIGHT_COLOR,
}

# Font sizes in Manim units; the smallest still reads at 854x480.
TITLE_SIZE = 56
HEADING_SIZE = 44
BODY_SIZE = 36
LABEL_SIZE = 30
SMALL_SIZE = 26

#: The title-safe area: text keeps inside this share of the frame's width and height,
#: a 5 % margin on each side (EBU R 95 and SMPTE RP 2046-2), because a television or a
#: player's controls may crop or cover the frame's edge.
TITLE_SAFE = 0.9
#: Manim's frame in scene units (8 high, 16:9), the frame every lesson is drawn in.
FRAME_HEIGHT = 8.0
FRAME_WIDTH = FRAME_HEIGHT * 16 / 9
#: Distance kept between any text and the frame's left or right edge, in scene units.
SAFE_MARGIN_X = FRAME_WIDTH * (1 - TITLE_SAFE) / 2
#: Distance kept between any text and the frame's top or bottom edge, in scene units.
SAFE_MARGIN_Y = FRAME_HEIGHT * (1 - TITLE_SAFE) / 2
#: The margin scenes pin headings and captions-side text to the top or bottom edge with.
SAFE_MARGIN = SAFE_MARGIN_Y
#: Gap between neighbouring blocks of text.
BLOCK_GAP = 0.35


def relative_luminance(hex_color: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour given as ``#RRGGBB``."""
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str = BACKGROUND) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)

#: Sans-serif face for prose (Debian package fonts-dejavu-core); formulas use LaTeX.
FONT = "DejaVu Sans"
