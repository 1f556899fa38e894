"""How a run stops when asked to: SIGTERM and SIGHUP as Ctrl-C, and the private
temporary folders a killed process leaves, removed once their owner is gone.

A service manager sends SIGTERM, a closed terminal SIGHUP. Their default action
ends lessonreel at once, with no ``finally`` run: the Manim workers went on as
orphans and the run's folders stayed. :func:`stop_on_signals` turns them into
:class:`Stopped`, raised in the main thread as Ctrl-C raises ``KeyboardInterrupt``,
so every path that already stops cleanly on Ctrl-C (workers stopped, nothing
half-written) does the same for them.

A process killed outright (SIGKILL, or stopped by its parent) runs no ``atexit``;
its folders in the system's temporary folder are named with its pid
(:func:`private_temp_dir`), and :func:`clean_private_temp` removes those whose pid
is no longer alive.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from lessonreel.files import pid_folder, remove_orphans

#: The signals that stop a run as Ctrl-C does.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
#: Prefixes of the folders lessonreel's processes make in the system's temporary
#: folder, each followed by the owner's pid and a dash.
PRIVATE_PREFIXES = ("lessonreel-tex-", "lessonreel-media-")


class Stopped(BaseException):
    """A stop signal arrived. A BaseException, as KeyboardInterrupt is: no ``except
    Exception`` meant for a scene's failure may swallow it and carry on."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, the first SIGTERM or SIGHUP raises :class:`Stopped` in the main
    thread; later ones are ignored, so they cannot cut short the stopping itself. The
    handlers before it are put back after it.

    A signal the process was started with ignored stays ignored (``nohup`` ignores
    SIGHUP on purpose). Outside the main thread (a command run by a test's thread)
    nothing changes: only the main thread may set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if raised:
            return
        raised.append(signum)
        raise Stopped(signum)

    before = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    for number, previous in before.items():
        if previous is not signal.SIG_IGN:
            signal.signal(number, handler)
    try:
        yield
    finally:
        for number, previous in before.items():
            signal.signal(number, previous)


def private_temp_dir(prefix: str) -> Path:
    """A new folder in the system's temporary folder, named ``<prefix><pid>-...``."""
    return pid_folder(Path(tempfile.gettempdir()), prefix)


def clean_private_temp(folder: Path | None = None) -> list[Path]:
    """Remove this user's private folders whose owning process is gone; those removed."""
    return remove_orphans(folder or Path(tempfile.gettempdir()), PRIVATE_PREFIXES,
                          own_only=True)


def serve_until_stopped() -> None:
    """Block until Ctrl-C or a plain kill, for a command that serves until then (the
    presenter, the studio); even where it was started with SIGINT ignored, as a shell's
    background job is, so its ``finally`` blocks always run."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    stop.wait()
