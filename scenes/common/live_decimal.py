"""A DecimalNumber that changes value by moving glyphs it has already typeset.

Manim's ``DecimalNumber.set_value`` rebuilds the number on every call: one
deep copy of a typeset glyph per character, then arrange, scale and restyle.
In an updater that runs every frame, a cProfile of ``SensitivityOfFiveX``
put a quarter of the render there, most of it in ``copy.deepcopy``.
``LiveDecimal`` typesets each character once (per occurrence: "2.000" keeps
three zeros) and on ``set_value`` only chooses which glyphs to show and where.
Positions follow ``DecimalNumber._set_submobjects_from_number`` and
``DecimalNumber.set_value`` step by step, so the pixels are DecimalNumber's
(tests/render/test_live_decimal_pixels.py compares them frame by frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from manim import DecimalNumber, Mobject, SingleStringMathTex, VMobject

#: A measured scale this close to the last one is float noise from moving the
#: number, not a resize; ignoring it keeps the glyphs from drifting over frames.
_SCALE_TOLERANCE = 1e-9


@dataclass
class _Glyph:
    """One typeset character, with its outline kept relative to its box's low corner."""

    mobject: VMobject
    #: Each family member with points, and those points minus the glyph's low corner.
    parts: list[tuple[Mobject, np.ndarray]]
    #: Width, height and depth of the glyph's box at the number's own font size.
    size: np.ndarray
    #: Where placing it put its first point: if that point is still there, so is the glyph.
    first: tuple[float, ...] | None = None
    #: The number's style (``LiveDecimal._style_key``) when this glyph last took it.
    style: tuple[Any, ...] | None = None

    @classmethod
    def of(cls, mobject: VMobject) -> _Glyph:
        boundary = mobject.get_points_defining_boundary()
        low, high = boundary.min(axis=0), boundary.max(axis=0)
        parts = [(m, m.points - low) for m in mobject.family_members_with_points()]
        return cls(mobject, parts, high - low)

    def place(self, low: np.ndarray, scale: float) -> None:
        """Put the glyph's box's low corner at ``low``, at ``scale`` times its own size."""
        for member, local in self.parts:
            member.points = local * scale + low if scale != 1.0 else local + low
        self.first = tuple(self.parts[0][0].points[0].tolist())

    def in_place(self) -> bool:
        """Still where ``place`` put it: nothing has moved, scaled or emptied it since."""
        points = self.parts[0][0].points
        return len(points) > 0 and tuple(points[0].tolist()) == self.first

    def hide(self) -> None:
        # Cairo draws the family members it listed when a play began, every frame
        # of that play; a glyph taken out mid-play must have nothing left to draw.
        # (DecimalNumber.set_value zeroes its old glyphs' points for the same reason.)
        for member, _ in self.parts:
            member.points = np.zeros((0, 3))


class LiveDecimal(DecimalNumber):
    """A ``DecimalNumber`` whose ``set_value`` reuses typeset glyphs instead of rebuilding.

    It looks the same as ``DecimalNumber`` with the same arguments at every value,
    and keeps the same left edge (``edge_to_fix``) and scale as the value changes.
    Not supported: ``show_ellipsis``, ``include_background_rectangle``, complex values.
    A glyph shown again after being hidden takes the number's own style, as
    ``DecimalNumber.set_value`` restyles every glyph from it.
    """

    def __init__(self, number: float = 0, **kwargs: Any) -> None:
        for option in ("show_ellipsis", "include_background_rectangle"):
            if kwargs.get(option):
                raise ValueError(f"LiveDecimal does not support {option}=True; "
                                 "use DecimalNumber for that number")
        self._pool: dict[str, list[_Glyph]] = {}
        self._unit_glyph: _Glyph | None = None
        self._shown: list[_Glyph] = []
        self._shown_string = ""
        self._scale = 1.0
        #: The shown glyphs' box as last laid out, valid while every glyph is in place.
        self._box = (np.zeros(3), np.zeros(3))
        # DecimalNumber.__init__ lays out the first value through
        # _set_submobjects_from_number (below), then colours the glyphs.
        super().__init__(number, **kwargs)

    def _set_submobjects_from_number(self, number: float) -> None:
        """Lay out ``number`` at the natural size, where DecimalNumber's constructor puts it."""
        if isinstance(number, complex):
            raise TypeError(f"LiveDecimal shows real numbers only, not {number!r}")
        self.number = number
        num_string = self._get_num_string(number)
        glyphs = self._glyphs_for(num_string)
        lows, low, high = self._arrange(glyphs, num_string)
        for glyph, glyph_low in zip(glyphs, lows, strict=True):
            glyph.place(glyph_low, 1.0)
        self._show(glyphs, num_string, restyle=False)
        self.initial_height = float(high[1] - low[1])
        self._scale = 1.0
        self._box = (low, high)

    def set_value(self, number: float) -> Self:
        if isinstance(number, complex):
            raise TypeError(f"LiveDecimal shows real numbers only, not {number!r}")
        num_string = self._get_num_string(number)
        self.number = number
        if num_string == self._shown_string:
            # Same characters: the glyphs already sit where DecimalNumber would put them,
            # having moved and scaled with the number since they were placed.
            return self
        if all(glyph.in_place() for glyph in self._shown):
            old_low, old_high = self._box
        else:
            # Moved or resized since the last layout: measure, as DecimalNumber always does
            # (its box is the glyphs' anchors, which is slow to gather, hence the shortcut).
            boundary = self.get_points_defining_boundary()
            old_low, old_high = boundary.min(axis=0), boundary.max(axis=0)
        anchor = _critical_point(old_low, old_high, self.edge_to_fix)
        # DecimalNumber keeps its font size, measured as height over the natural height.
        measured = float(old_high[1] - old_low[1]) / (self.initial_height * self._scale)
        if abs(measured - 1.0) > _SCALE_TOLERANCE:
            self._scale *= measured
        glyphs = self._glyphs_for(num_string)
        lows, low, high = self._arrange(glyphs, num_string)
        # DecimalNumber scales the new number about its centre, then moves its
        # edge_to_fix point onto the old one's: together, this map.
        offset = anchor - _critical_point(low, high, self.edge_to_fix) * self._scale
        for glyph, glyph_low in zip(glyphs, lows, strict=True):
            glyph.place(glyph_low * self._scale + offset, self._scale)
        self._show(glyphs, num_string, restyle=True)
        self.initial_height = float(high[1] - low[1])
        self._box = (low * self._scale + offset, high * self._scale + offset)
        return self

    def _glyphs_for(self, num_string: str) -> list[_Glyph]:
        """The glyphs spelling ``num_string`` (then the unit), typesetting any not yet made."""
        glyphs: list[_Glyph] = []
        used: dict[str, int] = {}
        for char in num_string:
            nth = used.get(char, 0)
            used[char] = nth + 1
            copies = self._pool.setdefault(char, [])
            if nth == len(copies):
                copies.append(_Glyph.of(self._string_to_mob(char)))
            glyphs.append(copies[nth])
        if self.unit is not None:
            if self._unit_glyph is None:
                self._unit_glyph = _Glyph.of(self._string_to_mob(self.unit, SingleStringMathTex))
            glyphs.append(self._unit_glyph)
        return glyphs

    def _arrange(
        self, glyphs: list[_Glyph], num_string: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each glyph's low corner, and the whole box, as ``_set_submobjects_from_number`` has them.

        The same steps in the same order, on boxes instead of outlines.
        """
        sizes = np.array([g.size for g in glyphs])
        lows = np.zeros_like(sizes)
        # Glyphs share a z centre (next_to aligns centres along unused axes).
        lows[:, 2] = -sizes[:, 2] / 2
        # arrange(buff, aligned_edge=DOWN): each glyph buff right of the last, bottoms level.
        buff = self.digit_buff_per_font_unit * self._font_size
        digits = len(num_string)
        x = 0.0
        for i in range(digits):
            lows[i, 0] = x
            x += sizes[i, 0] + buff
        if self.unit is not None:
            # next_to(self, RIGHT, buff, aligned_edge=DOWN), bottoms still level.
            per_font_unit = self.unit_buff_per_font_unit + self.digit_buff_per_font_unit
            unit_buff = per_font_unit * self._font_size
            lows[digits, 0] = lows[digits - 1, 0] + sizes[digits - 1, 0] + unit_buff
        # move_to(ORIGIN): centre the box, before the sign and unit move.
        lows -= (lows.min(axis=0) + (lows + sizes).max(axis=0)) / 2
        for i, char in enumerate(num_string):
            if char == "-" and i + 1 < digits:
                # Top level with the next glyph's top, then down by half its height.
                top = lows[i + 1, 1] + sizes[i + 1, 1] - sizes[i + 1, 1] / 2
                lows[i, 1] = top - sizes[i, 1]
            elif char == ",":
                lows[i, 1] -= sizes[i, 1] / 2
        if self.unit is not None and self.unit.startswith("^"):
            # align_to(self, UP): the unit's top level with the whole number's top.
            lows[digits, 1] = (lows[:, 1] + sizes[:, 1]).max() - sizes[digits, 1]
        return lows, lows.min(axis=0), (lows + sizes).max(axis=0)

    def _show(self, glyphs: list[_Glyph], num_string: str, *, restyle: bool) -> None:
        showing = {id(g) for g in glyphs}
        for glyph in self._shown:
            if id(glyph) not in showing:
                glyph.hide()
        if restyle:
            shown_before = {id(g) for g in self._shown}
            style = self._style_key()
            for glyph in glyphs:
                # A glyph back from hiding missed whatever restyled the number meanwhile.
                if id(glyph) not in shown_before and glyph.style != style:
                    self._take_style(glyph.mobject)
                    glyph.style = style
        self.submobjects = [g.mobject for g in glyphs]
        if self._unit_glyph is not None:
            self.unit_sign = self._unit_glyph.mobject
        self._shown, self._shown_string = glyphs, num_string

    def _style_key(self) -> tuple[Any, ...]:
        """Everything ``init_colors`` reads from the number, to tell when it has changed."""
        return (self.fill_rgbas.tobytes(), self.fill_opacity, self.stroke_rgbas.tobytes(),
                self.stroke_width, self.stroke_opacity, self.background_stroke_rgbas.tobytes(),
                self.background_stroke_width, self.background_stroke_opacity,
                self.sheen_factor, tuple(np.asarray(self.sheen_direction).tolist()))

    def _take_style(self, glyph: VMobject) -> None:
        """What ``self.init_colors()`` does to a glyph, for one glyph only."""
        glyph.set_fill(color=self.fill_color, opacity=self.fill_opacity, family=True)
        glyph.set_stroke(color=self.stroke_color, width=self.stroke_width,
                         opacity=self.stroke_opacity, family=True)
        glyph.set_background_stroke(color=self.background_stroke_color,
                                    width=self.background_stroke_width,
                                    opacity=self.background_stroke_opacity, family=True)
        glyph.set_sheen(factor=self.sheen_factor, direction=self.sheen_direction, family=True)


def _critical_point(low: np.ndarray, high: np.ndarray, direction: Any) -> np.ndarray:
    """``Mobject.get_critical_point`` of the box from ``low`` to ``high``."""
    direction = np.asarray(direction)
    return np.where(direction < 0, low, np.where(direction > 0, high, (low + high) / 2))
