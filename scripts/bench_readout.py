"""Time readouts that change every frame, Manim's DecimalNumber against LiveDecimal.

    .venv/bin/python scripts/bench_readout.py [--quality low|medium] [--seconds 10] [--runs 3]

The scene holds two readouts and nothing else, like SensitivityOfFiveX's x and
y = 5x, updated every frame while x slides from 2 to 2.5 (three decimal
places, so the last digits change every frame). It is rendered in this
process to an MP4 in a temporary folder, once per number class per run, the
classes taking turns so that load from other work falls on both; the table
shows the median run. A last run of each under cProfile gives the cumulative
time inside ``set_value``; cProfile's cost per Python call inflates
DecimalNumber's (deep copies are many small calls), so the table also shows
the time inside ``set_value`` measured with a clock in the timed runs.
A measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from manim import (  # noqa: E402
    DOWN,
    DecimalNumber,
    Scene,
    ValueTracker,
    VGroup,
    config,
    linear,
    tempconfig,
)

from lessonreel.authoring import theme  # noqa: E402
from scenes.common.layout import readout  # noqa: E402
from scenes.common.live_decimal import LiveDecimal  # noqa: E402

QUALITIES = {"low": "low_quality", "medium": "medium_quality"}


def decimal_number_readout(*args: Any, **kwargs: Any) -> VGroup:
    """``readout()`` on Manim's DecimalNumber, as it was before the live number."""
    return readout(*args, **kwargs, number_type=DecimalNumber)


#: Each readout, and the class whose own ``set_value`` it calls every frame.
READOUTS: dict[str, tuple[Callable[..., VGroup], type[DecimalNumber]]] = {
    "DecimalNumber": (decimal_number_readout, DecimalNumber),
    "LiveDecimal": (readout, LiveDecimal),
}


def sweep_scene(make: Callable[..., VGroup], seconds: float) -> type[Scene]:
    class TwoReadouts(Scene):
        def construct(self) -> None:
            x = ValueTracker(2.0)
            x_read = make("x", 2.0, 3, theme.INPUT_COLOR)
            y_read = make("y", 10.0, 3, theme.OUTPUT_COLOR)
            self.add(VGroup(x_read, y_read).arrange(DOWN, buff=0.4))
            x_read[1].add_updater(lambda n: n.set_value(x.get_value()))
            y_read[1].add_updater(lambda n: n.set_value(5 * x.get_value()))
            self.play(x.animate.set_value(2.5), rate_func=linear, run_time=seconds)

    return TwoReadouts


@contextmanager
def timing_set_value(owner: type[DecimalNumber]) -> Iterator[list[float]]:
    """Wall time spent in ``owner.set_value``, added up in the list yielded."""
    spent = [0.0]
    original = owner.__dict__["set_value"]

    def timed(number: DecimalNumber, value: float) -> DecimalNumber:
        started = time.perf_counter()
        try:
            return original(number, value)  # type: ignore[no-any-return]
        finally:
            spent[0] += time.perf_counter() - started

    owner.set_value = timed  # type: ignore[method-assign, assignment]
    try:
        yield spent
    finally:
        owner.set_value = original  # type: ignore[method-assign, assignment]


def render(make: Callable[..., VGroup], quality: str, seconds: float,
           profile: cProfile.Profile | None = None) -> tuple[float, int]:
    """Wall time of one render of the sweep, and its number of frames."""
    scene_class = sweep_scene(make, seconds)
    with tempfile.TemporaryDirectory(prefix="lessonreel-bench-readout-") as media, \
            tempconfig({"quality": QUALITIES[quality], "media_dir": media,
                        "background_color": theme.BACKGROUND,
                        "disable_caching": True, "progress_bar": "none",
                        "verbosity": "ERROR"}):
        frames = round(seconds * config.frame_rate)
        scene = scene_class()
        started = time.perf_counter()
        if profile is not None:
            profile.enable()
        scene.render()
        if profile is not None:
            profile.disable()
        return time.perf_counter() - started, frames


def cumulative(profile: cProfile.Profile, function: Callable[..., object]) -> tuple[float, int]:
    """Cumulative seconds and calls of ``function`` (by its code object) in ``profile``."""
    code = function.__code__
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    key = (code.co_filename, code.co_firstlineno, code.co_name)
    _, calls, _, total, _ = stats[key]
    return total, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", choices=QUALITIES, default="low")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="Length of the sweep (default 10 s).")
    parser.add_argument("--runs", type=int, default=3, help="Timed runs of each (default 3).")
    options = parser.parse_args()

    # One short render of each first: LaTeX compiled and cached, imports done.
    for make, _ in READOUTS.values():
        render(make, options.quality, 0.5)
    walls: dict[str, list[float]] = {name: [] for name in READOUTS}
    in_set_value: dict[str, list[float]] = {name: [] for name in READOUTS}
    frames = 0
    for _ in range(options.runs):
        for name, (make, owner) in READOUTS.items():
            with timing_set_value(owner) as spent:
                wall, frames = render(make, options.quality, options.seconds)
            walls[name].append(wall)
            in_set_value[name].append(spent[0])

    load = os.getloadavg()[0]
    table = Table(title=f"Two readouts changing every frame, {options.seconds:g} s at "
                        f"{options.quality} quality ({frames} frames); {os.cpu_count()} cores, "
                        f"{platform.machine()}, load {load:.1f}, {time.strftime('%Y-%m-%d')}")
    for column in ("number", "render (median)", "frames per second", "in set_value (median)",
                   "set_value calls", "set_value cumulative, cProfile", "share of profiled"):
        table.add_column(column, justify="left" if column == "number" else "right")
    fps = {}
    for name, (make, owner) in READOUTS.items():
        profile = cProfile.Profile()
        profiled, _ = render(make, options.quality, options.seconds, profile)
        profiled_set_value, calls = cumulative(profile, owner.__dict__["set_value"])
        wall = statistics.median(walls[name])
        fps[name] = frames / wall
        table.add_row(name, f"{wall:.2f} s", f"{fps[name]:.1f}",
                      f"{statistics.median(in_set_value[name]):.2f} s", str(calls),
                      f"{profiled_set_value:.2f} s", f"{profiled_set_value / profiled:.0%}")
    table.caption = (f"LiveDecimal renders {fps['LiveDecimal'] / fps['DecimalNumber']:.2f}x "
                     f"as many frames per second; runs: "
                     + "; ".join(f"{n} " + ", ".join(f"{w:.2f}" for w in ws) + " s"
                                 for n, ws in walls.items()))
    Console(width=max(120, Console().width)).print(table)


if __name__ == "__main__":
    main()
