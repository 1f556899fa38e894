"""Construct every registered scene once (animations skipped, narration off) and record it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import pytest

from lessonreel.layout import label as text_label
from lessonreel.layout import layout_problems, text_mobjects
from lessonreel.lesson import SceneRef, discover

SCENES: list[SceneRef] = [scene for lesson in discover().values() for scene in lesson.scenes]


@dataclass
class ConstructedScene:
    """A constructed scene: its beats, the sections Manim opened, captions, layout."""

    scene: Any
    sections: list[str] = field(default_factory=list)
    layout: dict[str, list[str]] = field(default_factory=dict)
    #: Every text on screen at the end of a section: (moment, label, colour as #RRGGBB).
    texts: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def subcaptions(self) -> list[Any]:
        return list(self.scene._get_manager().file_writer.subcaptions)


_constructed: dict[str, ConstructedScene] = {}


def construct(ref: SceneRef, monkeypatch: pytest.MonkeyPatch) -> ConstructedScene:
    if ref.name in _constructed:
        return _constructed[ref.name]
    from manim import config, tempconfig
    from manim.manager import Manager

    monkeypatch.setenv("LESSONREEL_NARRATION", "none")
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

    with monkeypatch.context() as patch, tempconfig({"dry_run": True, "quality": "low_quality"}):
        patch.setattr(Manager, "next_section", spy)
        # Skipped animations still advance the clock and open sections: the frames are
        # all this run would throw away.
        scene = cls(skip_animations=True)
        scene.render()
        record.scene = scene
        check_layout(f"end of section {record.sections[-1]!r}", scene)
    _constructed[ref.name] = record
    return record


@pytest.fixture(params=SCENES, ids=[s.name for s in SCENES])
def constructed(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> ConstructedScene:
    return construct(request.param, monkeypatch)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``pytest -n`` (scripts/test --fast), every test of one scene runs on the
    worker that constructed it: a scene is constructed once per worker, and a
    construction is most of what these tests cost."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        ref = callspec.params.get("constructed") if callspec is not None else None
        if isinstance(ref, SceneRef):
            item.add_marker(pytest.mark.xdist_group(ref.name))
