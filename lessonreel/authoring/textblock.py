"""Text wrapped at word boundaries with the real font, one Text per line on even baselines.

Long text in a scene, a card or a question is wrapped rather than shrunk, so type keeps
the sizes in :mod:`lessonreel.authoring.theme`; only a word too long for any line is
scaled down to fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from manim import DOWN, LEFT, NORMAL, Text, VGroup, config

from lessonreel.authoring import theme

#: Widest a line of text may run, and tallest a card: the title-safe area.
SAFE_WIDTH = config.frame_width - 2 * theme.SAFE_MARGIN_X
SAFE_HEIGHT = config.frame_height - 2 * theme.SAFE_MARGIN_Y
#: Distance from one baseline to the next, as a multiple of the strut's height.
LINE_PITCH = 1.2
#: A glyph reaching from below the baseline to above the capitals in DejaVu Sans.
_STRUT = "|"


@lru_cache(maxsize=4096)
def _line_width(line: str, size: int, weight: str) -> float:
    """Width of one line as typeset; balancing wraps the same lines many times over."""
    return float(Text(line, font=theme.FONT, font_size=size, weight=weight).width)


def _words_in_lines(
    text: str, size: int, max_width: float, keep_together: Sequence[str], weight: str
) -> list[str]:
    """Greedy word wrap, measured with the real font; phrases in ``keep_together`` never split."""
    words, tokens, i = text.split(), [], 0
    phrases = [p.split() for p in keep_together]
    while i < len(words):
        match = next((p for p in phrases if words[i:i + len(p)] == p), None)
        step = len(match) if match else 1
        tokens.append(" ".join(words[i:i + step]))
        i += step

    def fill(width: float) -> list[str]:
        lines: list[str] = []
        for token in tokens:
            candidate = f"{lines[-1]} {token}" if lines else token
            fits = _line_width(candidate, size, weight) <= width
            if lines and fits:
                lines[-1] = candidate
            else:
                lines.append(token)
        return lines

    # Greedy filling leaves a lone word on the last line; narrow the measure as far as
    # the line count allows so the lines come out about the same length.
    lines = fill(max_width)
    low, high = max_width / 2, max_width
    for _ in range(6):
        middle = (low + high) / 2
        if len(fill(middle)) == len(lines):
            high = middle
        else:
            low = middle
    return fill(high)


def text_block(
    text: str,
    size: int = theme.BODY_SIZE,
    color: str = theme.TEXT_COLOR,
    *,
    max_width: float = SAFE_WIDTH,
    highlights: Mapping[str, str] | None = None,
    align: str = "left",
    weight: str = NORMAL,
) -> VGroup:
    """``text`` wrapped to ``max_width``: one Text per line, baselines evenly spaced.

    ``highlights`` maps phrases to colours; a highlighted phrase is kept on one line.
    ``align`` is "left" or "center". Blocks built at the same size share a baseline
    until moved, so a block can be lined up with another by a horizontal shift alone.
    """
    highlights = dict(highlights or {})
    lines = VGroup()
    for row, line in enumerate(_words_in_lines(text, size, max_width, list(highlights), weight)):
        colours = {phrase: c for phrase, c in highlights.items() if phrase in line}
        # Separate Text mobjects put each line's box at its own glyphs, so lines with
        # and without descenders would sit unevenly. A leading strut glyph of fixed
        # height pins every baseline to the same pitch; it is removed once placed.
        glyphs = Text(_STRUT + line, font=theme.FONT, font_size=size, color=color,
                      weight=weight, t2c=colours)
        strut = glyphs[0]
        glyphs.shift(DOWN * (strut.get_top()[1] + row * LINE_PITCH * strut.height))
        glyphs.remove(strut)
        lines.add(glyphs)
    for placed in lines:
        if align == "left":
            placed.align_to(lines, LEFT)
        else:
            placed.set_x(0)
    # Only a single word longer than the measure can still overrun it: shrink that one.
    if lines.width > max_width:
        lines.scale_to_fit_width(max_width)
    return lines
