"""Time ``lessonreel preview`` the way an author uses it, and print a table.

    scripts/bench-preview [--lesson module02-derivatives] [--scene NAME ...]

For each scene, in a fresh cache folder: the first ``--frame last`` (which
compiles the scene's LaTeX), the same again (the edit-and-look loop),
``--storyboard``, and the whole scene as a 480p15 video. A measurement, not a
test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
RUNS = {
    "first --frame last": ["--frame", "last"],
    "again --frame last": ["--frame", "last"],
    "--storyboard": ["--storyboard"],
    "video": [],
}


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "lessonreel.cli", "preview", *args],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"preview {' '.join(args)} failed: {result.stderr.strip()[-500:]}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="module02-derivatives")
    parser.add_argument("--scene", action="append", dest="scenes",
                        help="Scene to time (repeatable). Default: three of Module 2.")
    options = parser.parse_args()
    scenes = options.scenes or ["SensitivityOfFiveX", "SecantBecomesTangent",
                                "SliceSurfaceAtYEqualsOne"]
    table = Table(title=f"lessonreel preview, {os.cpu_count()} cores, "
                        f"{platform.machine()}, {time.strftime('%Y-%m-%d')}")
    table.add_column("scene")
    for name in RUNS:
        table.add_column(name, justify="right")
    for scene in scenes:
        with tempfile.TemporaryDirectory(prefix="lessonreel-bench-preview-") as cache:
            env = {**os.environ, "LESSONREEL_CACHE_DIR": cache}
            times = [timed([options.lesson, scene, *args], env) for args in RUNS.values()]
        table.add_row(scene, *(f"{t:.1f} s" for t in times))
    Console(width=max(120, Console().width)).print(table)


if __name__ == "__main__":
    main()
