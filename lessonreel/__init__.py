"""lessonreel: narrated, captioned math lessons from Manim scenes.

Everything a lesson's author writes with comes from here::

    from lessonreel import LessonScene, ThreeDLessonScene, say, theme
    from lessonreel import BeatTracker                         # a beat's tracker, in type hints
    from lessonreel import decimal_string, decimal_places     # numbers as a viewer reads them
    from lessonreel import Lesson, SceneRef, Thumbnail         # a lesson's declaration
    from lessonreel import Choice                              # a question's choice (self.ask)
    from lessonreel import text_block                          # prose wrapped to a width

The rest of the package is the engine, and its modules may move. Names load on first use,
so ``import lessonreel`` loads neither Manim nor SymPy until a scene asks for one of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what each name is, for type checkers; at run time, see __getattr__
    from lessonreel.authoring import theme
    from lessonreel.authoring.lesson import Lesson, SceneRef, Thumbnail
    from lessonreel.authoring.narration import BeatTracker, NarrationMixin
    from lessonreel.authoring.numbers import decimal_places, decimal_string
    from lessonreel.authoring.questions import Choice
    from lessonreel.authoring.scenes import LessonScene, ThreeDLessonScene
    from lessonreel.authoring.spoken import Narration, say
    from lessonreel.authoring.textblock import text_block

#: Each public name and the module that defines it.
_PUBLIC = {
    "LessonScene": "lessonreel.authoring.scenes",
    "ThreeDLessonScene": "lessonreel.authoring.scenes",
    "NarrationMixin": "lessonreel.authoring.narration",
    "BeatTracker": "lessonreel.authoring.narration",
    "say": "lessonreel.authoring.spoken",
    "Narration": "lessonreel.authoring.spoken",
    "decimal_string": "lessonreel.authoring.numbers",
    "decimal_places": "lessonreel.authoring.numbers",
    "Lesson": "lessonreel.authoring.lesson",
    "SceneRef": "lessonreel.authoring.lesson",
    "Thumbnail": "lessonreel.authoring.lesson",
    "Choice": "lessonreel.authoring.questions",
    "text_block": "lessonreel.authoring.textblock",
}

__all__ = [
    "BeatTracker",
    "Choice",
    "Lesson",
    "LessonScene",
    "Narration",
    "NarrationMixin",
    "SceneRef",
    "ThreeDLessonScene",
    "Thumbnail",
    "decimal_places",
    "decimal_string",
    "say",
    "text_block",
    "theme",
]


def __getattr__(name: str) -> Any:
    if name == "theme":
        return importlib.import_module("lessonreel.authoring.theme")
    if name not in _PUBLIC:
        raise AttributeError(f"module 'lessonreel' has no attribute {name!r}; "
                             f"it offers: {', '.join(__all__)}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
