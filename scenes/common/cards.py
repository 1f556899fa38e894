"""Furniture shared by every lesson: title and end cards, numbered points, a revision table.

Nothing here knows about a particular lesson: scenes pass in their own words.
Long text is wrapped at word boundaries rather than shrunk, so type keeps the
sizes in :mod:`lessonreel.authoring.theme`; only a word too long for any line, or a card
title running to many lines, is scaled down to fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from manim import (
    BOLD,
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    Group,
    Line,
    Mobject,
    VGroup,
    config,
)

from lessonreel import text_block, theme

#: Cards have no meaning to colour by, so their accents borrow the "look here" colour.
ACCENT_COLOR = theme.HIGHLIGHT_COLOR
#: Widest a line of text may run, and tallest a card: the title-safe area.
SAFE_WIDTH = config.frame_width - 2 * theme.SAFE_MARGIN_X
SAFE_HEIGHT = config.frame_height - 2 * theme.SAFE_MARGIN_Y
#: Card titles wrap well inside the safe width, so they read as a block, not a banner.
CARD_TEXT_WIDTH = SAFE_WIDTH - 2.0


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
