"""The flash check: frames where something on screen vanishes and comes back, where a
text's words change with nothing on screen showing the change, or where a statement is
left behind by the readouts it states.

The narration mixin runs it at every ``play`` (a ``wait`` is a play), drawn or skipped, so
construction tests and ``-s`` runs see the same findings as a full render. Three faults:

**An introducer of something already visible.** An animation Manim marks as an
introducer (``Animation.introducer``: ``Write``, ``Create``, ``DrawBorderThenFill``,
``FadeIn``, ``GrowFromCenter``, ``SpinInFromNothing``...) starts from nothing, so a
mobject it plays on vanishes for its first frame and is drawn again. It is reported
when, as the play starts, a member of the animated mobject's family is on screen (in the
scene's mobjects or a submobject of one) and visible (fill opacity > 0, or stroke
opacity and width > 0). Not checked: ``Wait`` (an introducer with nothing to show),
introducers that are also removers (``ShowPassingFlash``: a passing effect that draws a
stroke on purpose), and the members of a ``Succession`` after its first, which start
once the scene has changed.

**A text that changes with no animation showing it.** A text is what
``layout.text_mobjects`` finds on screen: ``Text``, ``MathTex``/``Tex``,
``DecimalNumber`` and its subclasses (the live readouts), axis numbers. Its reading is
the string a viewer reads (``Text``'s text, the TeX, the digits shown) together with the
shape of its glyphs, taken apart from where and how large it is drawn (so ``become`` is
seen, while moving or scaling is not a change). A text visible both times is reported

- *between two plays*, when its reading at the start of a play differs from its
  reading when the previous play ended: it was changed by a direct call (``set_value``,
  ``become``) in between, so it jumps on the next frame, whatever the next play does;
- *during a play*, when its reading at the end differs from the start and no animation
  of the play acts on it (plays on it, on a group holding it or on a part of it, a
  ``Transform`` included), unless an updater changed it (an updater on it or on a group
  holding it) and that updater is driven: it takes ``dt`` (it moves with time), or the
  play animates something other than a ``Wait`` and that is, or may be, what the
  updater reads. The mobjects an updater reads are those in its closure (a
  ``ValueTracker``, a dot): the play must animate one of them, or one of them must
  itself change by an updater; an updater whose closure holds no mobject (it reads
  ``self.tracker``) is taken as driven by any animation. So a readout moved by a
  ``ValueTracker`` animation passes, and one whose tracker was set directly is reported
  at the next play that runs its updater (a ``wait`` over updaters that do not take
  ``dt`` is one frozen frame: Manim runs no updater in it).

**A statement left behind by its readout.** During a play, a readout (a
``DecimalNumber``-like text) changes from the digits it showed, and another text on
screen (a ``Text`` or ``MathTex``, not animated in the play and unchanged by it) states
those digits as a number with a decimal point, before and after: "0.5 · 2 + 1.5 · 1 =
2.5" beside readouts moving from 0.5 to 0.6 and from 2.5 to 2.7. Only numbers with
a decimal point are matched, so a whole number (a tick, an index, "x = 2") never is.

Conservative on purpose: a readout whose tracker is set directly just before a play that
animates something unrelated (and whose updater reads the tracker through ``self``) jumps
on that play's first frame unreported, since a skipped play has no first frame to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lessonreel.authoring.layout import label, text_mobjects

if TYPE_CHECKING:
    import numpy as np

#: Glyph outlines compared after scaling the text's box to 1 x 1: differences under
#: this are float noise from moving and scaling, not a different glyph.
SHAPE_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Flash:
    """One flash: where in the scene, and what a viewer would see."""

    #: The beat playing (None: before the scene's first beat).
    beat: str | None
    #: Seconds on the scene's clock, at the start of the play that shows it.
    time: float
    message: str

    def __str__(self) -> str:
        return f"at {self.time:.2f} s: {self.message}"


# -- introducers --------------------------------------------------------------------------


def _starting_animations(animations: Iterable[Any]) -> Iterator[Any]:
    """Every animation that starts as the play starts, groups opened."""
    from manim import AnimationGroup, Succession

    for animation in animations:
        if isinstance(animation, Succession):
            yield from _starting_animations(animation.animations[:1])
        elif isinstance(animation, AnimationGroup):
            yield from _starting_animations(animation.animations)
        else:
            yield animation


def _opaque(mobject: Any) -> bool:
    import numpy as np

    if not mobject.has_points():
        return False
    fill = float(np.max(mobject.get_fill_opacities(), initial=0.0)) if hasattr(
        mobject, "get_fill_opacities") else float(getattr(mobject, "fill_opacity", 0) or 0)
    stroke = float(np.max(mobject.get_stroke_opacities(), initial=0.0)) if hasattr(
        mobject, "get_stroke_opacities") else 0.0
    width = float(mobject.get_stroke_width()) if hasattr(mobject, "get_stroke_width") else 0.0
    return fill > 0 or (stroke > 0 and width > 0)


def describe(mobject: Any) -> str:
    """A mobject as the layout report names it: a text by its words, a group by its texts."""
    texts = text_mobjects([mobject])
    if texts and texts[0] is mobject:
        return label(mobject)
    name = type(mobject).__name__
    if not texts:
        return name
    shown = ", ".join(label(t) for t in texts[:3])
    more = f" and {len(texts) - 3} more" if len(texts) > 3 else ""
    return f"{name} holding {shown}{more}"


def introduced_while_visible(animations: Iterable[Any], on_screen: set[int]) -> list[str]:
    """Each introducer among ``animations`` whose mobject is partly on screen and visible.

    ``on_screen``: the ids of the scene's family members as the play starts, taken before
    Manim adds the play's mobjects to the scene.
    """
    from manim import Wait

    found = []
    for animation in _starting_animations(animations):
        mobject = animation.mobject
        if (mobject is None or isinstance(animation, Wait) or not animation.is_introducer()
                or animation.is_remover()):
            continue
        shown = [m for m in mobject.family_members_with_points()
                 if id(m) in on_screen and _opaque(m)]
        if shown:
            whole = all(id(m) in on_screen for m in mobject.family_members_with_points())
            found.append(
                f"{type(animation).__name__} of {describe(mobject)}: "
                + ("it is" if whole else f"{len(shown)} of its parts are")
                + " already on screen and visible, so it vanishes and is drawn again")
    return found


# -- texts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What a viewer reads in one text: its words and its glyphs' shape."""

    mobject: Any
    words: str
    counts: tuple[int, ...]
    shape: np.ndarray

    def same_as(self, other: Reading) -> bool:
        import numpy as np

        return (self.words == other.words and self.counts == other.counts
                and np.allclose(self.shape, other.shape, atol=SHAPE_TOLERANCE))


def _words(mobject: Any) -> str:
    # label() is "Type('words')": the words alone read better in "from ... to ...".
    text = label(mobject)
    return text[text.index("(") + 1:-1]


def reading(mobject: Any) -> Reading:
    """What ``mobject`` reads now (see the module's rule)."""
    import numpy as np

    members = mobject.family_members_with_points()
    counts = tuple(len(m.points) for m in members)
    if not members:
        return Reading(mobject, _words(mobject), counts, np.zeros((0, 2)))
    points = np.concatenate([m.points[:, :2] for m in members])
    low, high = points.min(axis=0), points.max(axis=0)
    # Each axis by its own extent: a moved, scaled or stretched text reads the same.
    span = np.where(high - low > 1e-9, high - low, 1.0)
    return Reading(mobject, _words(mobject), counts, (points - low) / span)


def readings(mobjects: Iterable[Any]) -> dict[int, Reading]:
    """Every visible text on screen, by id."""
    return {id(m): reading(m) for m in text_mobjects(mobjects)}


def _change(before: Reading, after: Reading) -> str:
    if before.words != after.words:
        return f"changes from {before.words} to {after.words}"
    return "changes its glyphs"


def changed_between_plays(ended: dict[int, Reading], starting: dict[int, Reading]) -> list[str]:
    """Texts whose reading when a play starts differs from when the previous one ended."""
    return [f"{label(now.mobject)} {_change(ended[key], now)} between two plays, with no "
            "animation showing the change"
            for key, now in starting.items()
            if key in ended and ended[key].mobject is now.mobject
            and not ended[key].same_as(now)]


def _parents(mobjects: Iterable[Any]) -> dict[int, list[Any]]:
    """Each on-screen mobject's chain of groups holding it, innermost first."""
    chains: dict[int, list[Any]] = {}

    def visit(mobject: Any, above: list[Any]) -> None:
        if id(mobject) in chains:
            return
        chains[id(mobject)] = above
        for child in mobject.submobjects:
            visit(child, [mobject, *above])

    for mobject in mobjects:
        visit(mobject, [])
    return chains


def _read_by(updater: Any) -> list[Any]:
    """The mobjects an updater's closure holds (what it reads its value from)."""
    from manim import Mobject

    function = getattr(updater, "__func__", updater)
    cells = getattr(function, "__closure__", None) or ()
    found = []
    for cell in cells:
        try:
            value = cell.cell_contents
        except ValueError:  # a cell not yet filled
            continue
        if isinstance(value, Mobject):
            found.append(value)
    owner = getattr(updater, "__self__", None)
    if isinstance(owner, Mobject):
        found.append(owner)
    for default in getattr(function, "__defaults__", None) or ():
        if isinstance(default, Mobject):
            found.append(default)
    return found


def _driven(updaters: list[Any], text: Any, animated: set[int], animates: bool) -> bool:
    """Whether ``updaters`` (on the text or a group holding it) may have been moved by
    this play: see the module's rule."""
    import inspect

    for updater in updaters:
        try:
            timed = "dt" in inspect.signature(updater).parameters
        except (TypeError, ValueError):  # no signature to read (a builtin): assume driven
            return True
        if timed:
            return True
        if not animates:
            continue
        sources = [m for m in _read_by(updater) if m is not text]
        if not sources:
            return True
        for source in sources:
            family = source.get_family()
            if any(id(m) in animated for m in family) or any(m.updaters for m in family):
                return True
    return False


def changed_during_play(started: dict[int, Reading], ended: dict[int, Reading],
                        animations: Iterable[Any], scene_mobjects: Iterable[Any],
                        scene_updaters: bool) -> list[str]:
    """Texts whose reading changed during the play with nothing in it showing the change."""
    from manim import Wait

    animations = list(animations)
    animated: set[int] = set()
    for animation in _all_animations(animations):
        for mobject in (animation.mobject, getattr(animation, "target_mobject", None)):
            if mobject is not None:
                animated.update(id(m) for m in mobject.get_family())
    animates = any(not isinstance(a, Wait) for a in _all_animations(animations))
    parents = _parents(scene_mobjects)
    found = _left_behind(started, ended, animated)
    for key, after in ended.items():
        before = started.get(key)
        if before is None or before.mobject is not after.mobject or before.same_as(after):
            continue
        text = after.mobject
        if any(id(m) in animated for m in text.get_family()):
            continue
        holders = [*text.get_family(), *parents.get(key, [])]
        updaters = [u for m in holders for u in m.updaters]
        if scene_updaters or (updaters and _driven(updaters, text, animated, animates)):
            continue
        why = ("by an updater while nothing it reads is animated" if updaters
               else "with no animation acting on it")
        found.append(f"{label(text)} {_change(before, after)} during a play, {why}")
    return found


#: A number with a decimal point, not inside a longer number.
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")


def _left_behind(started: dict[int, Reading], ended: dict[int, Reading],
                 animated: set[int]) -> list[str]:
    """Statements (a ``Text`` or ``MathTex``) still showing a number a readout moved off."""
    from manim import DecimalNumber

    moved = {before.words.strip("'\"").lstrip("-"): ended[key]
             for key, before in started.items()
             if isinstance(before.mobject, DecimalNumber) and key in ended
             and ended[key].words != before.words}
    found = []
    for key, after in ended.items():
        before = started.get(key)
        if (before is None or isinstance(after.mobject, DecimalNumber)
                or not before.same_as(after)
                or any(id(m) in animated for m in after.mobject.get_family())):
            continue
        for number in sorted(set(_DECIMAL.findall(after.words)) & set(moved)):
            readout = moved[number]
            found.append(f"{label(after.mobject)} still states {number} while "
                         f"{type(readout.mobject).__name__} moves from {number} to "
                         f"{readout.words.strip(chr(39))} during a play: update it with the "
                         "numbers, or remove it while they move")
    return found


def _all_animations(animations: Iterable[Any]) -> Iterator[Any]:
    from manim import AnimationGroup

    for animation in animations:
        yield animation
        if isinstance(animation, AnimationGroup):
            yield from _all_animations(animation.animations)


class FlashWatch:
    """The check's state across one scene's plays: the narration mixin calls ``starting``
    before each play, ``compiled`` once Manim has built its animations, ``ended`` after."""

    def __init__(self) -> None:
        self.found: list[Flash] = []
        self._on_screen: set[int] = set()
        self._started: dict[int, Reading] = {}
        self._ended: dict[int, Reading] = {}
        self._time = 0.0
        self._beat: str | None = None

    def _report(self, messages: Iterable[str]) -> None:
        self.found.extend(Flash(self._beat, self._time, m) for m in messages)

    def starting(self, scene: Any, beat: str | None) -> None:
        self._beat, self._time = beat, float(scene.time)
        # Before Manim adds the play's mobjects to the scene: what a viewer saw.
        self._on_screen = {id(m) for m in scene.get_mobject_family_members()}
        self._started = readings(scene.mobjects)
        self._report(changed_between_plays(self._ended, self._started))

    def compiled(self, scene: Any) -> None:
        self._report(introduced_while_visible(scene.animations or [], self._on_screen))

    def ended(self, scene: Any) -> None:
        self._ended = readings(scene.mobjects)
        self._report(changed_during_play(self._started, self._ended, scene.animations or [],
                                         scene.mobjects, bool(scene.updaters)))

    def in_beat(self, beat: str, first: bool) -> list[Flash]:
        """The flashes of ``beat`` (the first beat also takes those played before it)."""
        return [f for f in self.found if f.beat == beat or (first and f.beat is None)]
