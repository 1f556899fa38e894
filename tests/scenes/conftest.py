"""Construct every registered scene once (animations skipped, narration off) and record it."""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from lessonreel.authoring import texcache
from lessonreel.authoring.layout import label as text_label
from lessonreel.authoring.layout import layout_problems, text_mobjects
from lessonreel.authoring.lesson import SceneRef, discover
from tests.conftest import LATEX

SCENES: list[SceneRef] = [scene for lesson in discover().values() for scene in lesson.scenes]


@dataclass
class ConstructedScene:
    """A constructed scene: its beats, the sections Manim opened, captions, layout."""

    scene: Any
    sections: list[str] = field(default_factory=list)
    layout: dict[str, list[str]] = field(default_factory=dict)
    #: Every text on screen at the end of a section: (moment, label, colour as #RRGGBB).
    texts: list[tuple[str, str, str]] = field(default_factory=list)
    #: How many times a number on screen was set, by its class (DecimalNumber, LiveDecimal).
    set_values: Counter[str] = field(default_factory=Counter)
    #: What was on screen as the scene's first question began (its card clears the
    #: screen); None if it asks none.
    before_questions: list[Any] | None = None

    @property
    def taught(self) -> list[Any]:
        """What the scene shows when its teaching is done: before its first question,
        or at its end if it asks none."""
        if self.before_questions is not None:
            return self.before_questions
        return list(self.scene.mobjects)

    @property
    def subcaptions(self) -> list[Any]:
        return list(self.scene._get_manager().file_writer.subcaptions)


_constructed: dict[str, ConstructedScene] = {}


def construct(ref: SceneRef, monkeypatch: pytest.MonkeyPatch) -> ConstructedScene:
    if ref.name in _constructed:
        return _constructed[ref.name]
    from manim import DecimalNumber, config, tempconfig
    from manim.manager import Manager

    from lessonreel.authoring.asking import QuestionMixin
    from scenes.common.live_decimal import LiveDecimal

    monkeypatch.setenv("LESSONREEL_NARRATION", "none")
    # Formulas from the suite's one LaTeX folder, as a render's are: compiled once for
    # every worker and run, where each worker's own media folder compiled them all again.
    texcache.install(LATEX)
    cls = getattr(importlib.import_module(ref.qualified_module), ref.name)
    record = ConstructedScene(scene=None)
    original = Manager.next_section

    def check_layout(label: str, scene: Any) -> None:
        record.layout[label] = layout_problems(
            scene.mobjects, config.frame_width, config.frame_height, camera=scene.camera
        )
        record.texts.extend((label, text_label(m), m.get_color().to_hex().upper())
                            for m in text_mobjects(scene.mobjects))

    def spy(manager: Any, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        if record.sections:
            check_layout(f"end of section {record.sections[-1]!r}", manager.scene)
        record.sections.append(name)
        original(manager, name, *args, **kwargs)

    def counted(cls: type) -> Any:
        own = cls.set_value

        def set_value(number: Any, value: float) -> Any:
            record.set_values[type(number).__name__] += 1
            return own(number, value)
        return set_value

    own_ask = QuestionMixin.ask

    def ask(scene: Any, **kwargs: Any) -> None:
        if record.before_questions is None:
            record.before_questions = list(scene.mobjects)
        own_ask(scene, **kwargs)

    with monkeypatch.context() as patch, tempconfig({"dry_run": True, "quality": "low_quality"}):
        patch.setattr(Manager, "next_section", spy)
        patch.setattr(QuestionMixin, "ask", ask)
        # Every number a scene changes, counted by class (tests/scenes/test_live_decimal.py).
        patch.setattr(DecimalNumber, "set_value", counted(DecimalNumber))
        patch.setattr(LiveDecimal, "set_value", counted(LiveDecimal))
        # Skipped animations still advance the clock and open sections: the frames are
        # all this run would throw away.
        scene = cls(skip_animations=True)
        scene.render()
        record.scene = scene
        check_layout(f"end of section {record.sections[-1]!r}", scene)
    _constructed[ref.name] = record
    return record


#: Under ``pytest -n`` (scripts/test --fast), every test of one scene runs on one worker,
#: which constructs it once: a construction is most of what these tests cost. The group is
#: a mark of the parameter itself, there when xdist reads it (a mark added later by a
#: collection hook was missed, and each scene was constructed on every worker).
def on_its_worker(refs: list[SceneRef]) -> list[Any]:
    """``refs`` as parameters that run on the worker that constructs each scene."""
    return [pytest.param(ref, marks=pytest.mark.xdist_group(ref.name), id=ref.name)
            for ref in refs]


@pytest.fixture(params=on_its_worker(SCENES))
def constructed(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> ConstructedScene:
    return construct(request.param, monkeypatch)
