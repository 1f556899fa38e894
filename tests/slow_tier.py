"""The fast tier's guard: a test with no slow mark may not start Manim or a browser.

``scripts/test --fast`` deselects the tests marked ``render`` (Manim draws frames)
or ``browser`` (Chromium opens). Nobody has to time the fast tier to keep it fast:
:func:`install` wraps :class:`subprocess.Popen` so that starting Manim or a browser
from an unmarked test is written to a log the test's hooks read
(``tests/conftest.py``), and fails at once instead of rendering. The same module is
loaded by every Python child of such a test (through a ``sitecustomize`` on its
``PYTHONPATH``), so a ``lessonreel render`` run as a child, which starts Manim from
its own worker pool, is caught too.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

#: The file unmarked tests' processes write what slow thing they tried to start to.
LOG_ENV = "LESSONREEL_SLOW_TIER_LOG"


def slow_work(argv: Any) -> str | None:
    """What slow thing a command line starts, or None: Manim or a browser."""
    if isinstance(argv, (str, bytes, os.PathLike)):
        argv = [argv]
    words = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in argv]
    names = [Path(w).name for w in words]
    if "manim" in names:
        return "Manim"
    if any("playwright" in w for w in words) or any(n.startswith("chromium") for n in names):
        return "a browser"
    return None


class SlowWorkInFastTier(RuntimeError):
    """Raised where an unmarked test's process starts Manim or a browser."""


def install(log: Path) -> None:
    """Make every ``Popen`` of this process refuse slow work, writing it to ``log``."""
    original = subprocess.Popen.__init__
    if getattr(original, "_slow_tier_guard", False):
        return

    def guarded(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        slow = slow_work(args)
        if slow is not None:
            with open(log, "a", encoding="utf-8") as file:
                file.write(f"{slow}\n")
            raise SlowWorkInFastTier(f"this test starts {slow} but is not marked slow")
        original(self, args, *rest, **kwargs)

    guarded._slow_tier_guard = True  # type: ignore[attr-defined]
    guarded._original = original  # type: ignore[attr-defined]
    subprocess.Popen.__init__ = guarded  # type: ignore[method-assign]


def uninstall() -> None:
    current = subprocess.Popen.__init__
    if getattr(current, "_slow_tier_guard", False):
        subprocess.Popen.__init__ = current._original  # type: ignore[attr-defined]


def sitecustomize_source() -> str:
    """A ``sitecustomize`` that installs the guard in a child when the log is named."""
    return ("import os\n"
            f"if os.environ.get({LOG_ENV!r}):\n"
            "    import pathlib, _lessonreel_slow_tier\n"
            f"    _lessonreel_slow_tier.install(pathlib.Path(os.environ[{LOG_ENV!r}]))\n")
