"""Furniture shared by every lesson: title and end cards, numbered points, a revision table.

Nothing here knows about a particular lesson: scenes pass in their own words.
Long text is wrapped at word boundaries rather than shrunk, so type keeps the
sizes in :mod:`lessonreel.authoring.theme`; only a word too long for any line, or a card
title running to many lines, is scaled down to fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from manim import (
    BOLD,
    DOWN,
    LEFT,
    NORMAL,
    ORIGIN,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    Group,
    Line,
    Mobject,
    Text,
    VGroup,
    config,
)

from lessonreel import theme

#: Cards have no meaning to colour by, so their accents borrow the "look here" colour.
ACCENT_COLOR = theme.HIGHLIGHT_COLOR
#: Widest a line of text may run, and tallest a card: the title-safe area.
SAFE_WIDTH = config.frame_width - 2 * theme.SAFE_MARGIN_X
SAFE_HEIGHT = config.frame_height - 2 * theme.SAFE_MARGIN_Y
#: Card titles wrap well inside the safe width, so they read as a block, not a banner.
CARD_TEXT_WIDTH = SAFE_WIDTH - 2.0
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


def _card(top: str, label: str, headline: str) -> VGroup:
    """Muted line, accent label, big headline, accent rule: the shape of every card."""
    top_line = text_block(top, theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR,
                          max_width=CARD_TEXT_WIDTH, align="center")
    label_line = text_block(label, theme.LABEL_SIZE, ACCENT_COLOR,
                            max_width=CARD_TEXT_WIDTH, align="center", weight=BOLD)
    title = text_block(headline, theme.TITLE_SIZE, theme.TEXT_COLOR,
                       max_width=CARD_TEXT_WIDTH, align="center", weight=BOLD)
    rule = Line(LEFT, RIGHT, color=ACCENT_COLOR, stroke_width=3)
    rule.width = min(title.width, CARD_TEXT_WIDTH / 2)
    card = VGroup(top_line, label_line, title, rule)
    top_line.next_to(label_line, UP, buff=0.45)
    title.next_to(label_line, DOWN, buff=0.4)
    rule.next_to(title, DOWN, buff=0.45)
    # A title long enough to need many lines shrinks as a whole rather than leave the frame.
    if card.height > SAFE_HEIGHT:
        card.scale_to_fit_height(SAFE_HEIGHT)
    return card.move_to(ORIGIN)


def title_card(course: str, module: str, title: str) -> VGroup:
    """Opening card, centred: course (muted), module label, lesson title, accent rule.

    Parts in order: ``[course, module, title, rule]``; each text part is a VGroup of lines.
    """
    return _card(course, module, title)


def end_card(course: str, next_title: str) -> VGroup:
    """Closing card, centred: course (muted), "Next:", the next lesson's title, accent rule.

    Parts in order: ``[course, "Next:", next_title, rule]``, as in :func:`title_card`.
    """
    return _card(course, "Next:", next_title)


#: Seconds the closing beat takes to clear the screen, and then to bring in the end card.
CLEAR_TIME, END_CARD_TIME = 0.8, 1.2


def close_with_end_card(scene: Any, course: str, next_title: str, speech: str) -> None:
    """The last beat of a lesson, "next": clear the screen, then the end card.

    If ``speech`` marks ``{@next}`` (say, on "next time"), the screen stays as it is until
    that word and clears on it; otherwise it clears as the beat opens.
    """
    card = end_card(course, next_title)
    with scene.voiceover(beat="next", text=speech) as tracker:
        if "next" in tracker.marks:
            tracker.wait_until("next")
        scene.play(FadeOut(Group(*scene.mobjects)), run_time=CLEAR_TIME)
        scene.play(FadeIn(card, shift=UP * 0.2), run_time=END_CARD_TIME)


def numbered_list(
    items: Sequence[str],
    highlights: Sequence[Mapping[str, str]] = (),
    *,
    size: int = theme.BODY_SIZE,
    max_width: float = SAFE_WIDTH - 1.5,
    buff: float = 0.55,
) -> VGroup:
    """Numbered points, one under another, text wrapped and aligned on one left edge.

    ``highlights`` holds one phrase-to-colour map per item (or none at all).
    Returns one ``[number, text lines]`` group per item, centred as a block.
    """
    points = VGroup()
    maps = list(highlights) or [{} for _ in items]
    for number, (text, marks) in enumerate(zip(items, maps, strict=True), start=1):
        label = text_block(f"{number}", size, ACCENT_COLOR, weight=BOLD)
        body = text_block(text, size, max_width=max_width, highlights=marks)
        # Both blocks start on the same baseline, so the number only moves sideways.
        label.shift(RIGHT * (body.get_left()[0] - 0.4 - label.get_right()[0]))
        points.add(VGroup(label, body))
    points.arrange(DOWN, buff=buff)
    # Arranging centres each point; the texts, not the numbers, share the left edge.
    left = min(point[1].get_left()[0] for point in points)
    for point in points:
        point.shift(RIGHT * (left - point[1].get_left()[0]))
    return points.move_to(ORIGIN)


def revision_table(
    headers: tuple[str, str],
    rows: Sequence[tuple[str, str]],
    highlights: Mapping[str, str] | None = None,
    *,
    width: float = SAFE_WIDTH - 0.4,
    split: float = 0.36,
) -> VGroup:
    """A two-column table drawn with rules only, so each cell can appear on its own.

    Returns ``[header, row 1, row 2, ...]``; the header is ``[left, right, rule]`` and
    each row ``[left, right, rule]``, every cell a VGroup of wrapped lines. ``split`` is
    the share of ``width`` given to the left column.
    """
    gutter = 0.5
    left_width = width * split - gutter / 2
    right_width = width * (1 - split) - gutter / 2
    left_x = -width / 2
    right_x = left_x + left_width + gutter
    padding = 0.28

    def row(left: VGroup, right: VGroup, top: float, rule_color: str) -> VGroup:
        left.align_to((left_x, top - padding, 0.0), UP + LEFT)
        right.align_to((right_x, top - padding, 0.0), UP + LEFT)
        bottom = min(left.get_bottom()[1], right.get_bottom()[1]) - padding
        rule = Line((left_x, bottom, 0.0), (left_x + width, bottom, 0.0),
                    color=rule_color, stroke_width=2)
        return VGroup(left, right, rule)

    header = row(
        text_block(headers[0], theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR, weight=BOLD),
        text_block(headers[1], theme.LABEL_SIZE, theme.MUTED_TEXT_COLOR, weight=BOLD),
        0.0, theme.AXIS_COLOR,
    )
    table = VGroup(header)
    for concept, meaning in rows:
        top = table[-1][2].get_y()
        table.add(row(
            text_block(concept, theme.LABEL_SIZE, max_width=left_width, weight=BOLD),
            text_block(meaning, theme.LABEL_SIZE, max_width=right_width, highlights=highlights),
            top, theme.GRID_COLOR,
        ))
    return table.move_to(ORIGIN)


def centre_below(content: Mobject, heading: Mobject, gap: float = 0.5) -> Mobject:
    """Centre ``content`` in the space between ``heading`` and the bottom safe margin."""
    top = heading.get_bottom()[1] - gap
    bottom = -config.frame_height / 2 + theme.SAFE_MARGIN
    return content.move_to((0.0, (top + bottom) / 2, 0.0))
