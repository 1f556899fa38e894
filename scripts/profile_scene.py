"""Where one scene's render time goes, by cProfile, and a table of it.

    scripts/profile_scene.py [--scene SensitivityOfFiveX] [--quality medium]
                             [--before COMMIT] [--keep]

Renders the scene with ``manim render`` under cProfile, in the way a lessonreel
worker does (lessonreel's encoder config; narration off, so speech synthesis is no part
of it; a LaTeX folder
of its own, empty at the start, so its compiles are counted; then once more with
that folder warm, as every later render finds it), and splits the main thread's
time into:
  readouts       ``set_value`` of the changing numbers (DecimalNumber or LiveDecimal)
  encoder wait   the main thread blocked on Manim's encoder thread (a full frame
                 queue, and the join at the end of each animation)
  drawing        Cairo drawing of each frame (``Camera.capture_mobjects``)
  LaTeX          turning formulas into SVGs (compiles included)
With ``--before COMMIT``, the same scene is profiled from that commit too (a git
worktree, the same virtualenv), so the table shows both. With ``--old-encoder``, the
same scene, today's code, is also profiled with the encoder as it was before
scripts/bench_encoding.py and the equal-quality comparison chose today's: medium at
crf 20 with x264's own threads, one encoder in flight, every held frame converted
again, glibc's own malloc settings (LaTeX warm, to compare with "now, LaTeX warm").
A measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()

from bench_encoding import BEFORE, EACH, config_text, scene_env  # noqa: E402

from lessonreel.render.quality import QUALITIES, encoder_config  # noqa: E402

#: (file name ending, function name) of the frames whose cumulative time makes a part.
PARTS: dict[str, list[tuple[str, str]]] = {
    "readouts": [("text/numbers.py", "set_value"), ("live_decimal.py", "set_value")],
    "encoder wait": [("scene_file_writer.py", "put"), ("scene_file_writer.py", "join")],
    "drawing": [("camera/camera.py", "capture_mobjects")],
    "LaTeX": [("tex_file_writing.py", "tex_to_svg_file"), ("texcache.py", "shared_svg")],
}
FLAGS = {"low": "l", "medium": "m", "high": "h"}


def profile(tree: Path, scene: str, quality: str, work: Path,
            tex: Path | None = None, old_encoder: bool = False) -> tuple[float, dict[str, float]]:
    """Wall time of the profiled render, and each part's cumulative seconds (LaTeX
    from ``tex``, an empty folder when None)."""
    scene_file = next(p for p in (tree / "scenes").rglob("*.py")
                      if f"class {scene}(" in p.read_text())
    work.mkdir(parents=True, exist_ok=True)
    stats_file = work / "profile.pstats"
    config = work / "encoder.cfg"
    launcher = ["-m", "manim"]
    malloc = "tuned"
    if old_encoder:
        inflight, threads, _, encoder, malloc = BEFORE
        config.write_text(config_text(QUALITIES[quality], inflight, threads, encoder))
        # Held frames converted at every frame, as before (BEFORE's "each").
        each = work / "each.py"
        each.write_text(EACH)
        launcher = [str(each)]
    else:
        config.write_text(encoder_config(QUALITIES[quality]))
    env = scene_env(tree, work, tex or work / "tex", malloc)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats_file), *launcher, "render",
         f"-q{FLAGS[quality]}", "--config_file", str(config),
         "--media_dir", str(work / "media"), "--disable_caching",
         "--progress_bar", "none", str(scene_file), scene],
        cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    stats = pstats.Stats(str(stats_file))
    parts = dict.fromkeys(PARTS, 0.0)
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        for part, frames in PARTS.items():
            if any(filename.endswith(end) and function == name for end, name in frames):
                parts[part] += row[3]
    parts["total (profiled)"] = stats.total_tt  # type: ignore[attr-defined]
    return wall, parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default="SensitivityOfFiveX")
    parser.add_argument("--quality", default="medium", choices=list(FLAGS))
    parser.add_argument("--before", metavar="COMMIT",
                        help="also profile the scene as it rendered at this commit")
    parser.add_argument("--old-encoder", action="store_true",
                        help="also profile today's scene with the encoder settings of before "
                             "the encoder measurements")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lessonreel-profile-"))
    runs: dict[str, tuple[float, dict[str, float]]] = {}
    try:
        if args.before:
            tree = work / "before"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.before],
                           cwd=ROOT, check=True, capture_output=True)
            try:
                console.print(f"profiling {args.scene} at {args.before} …")
                runs[f"at {args.before}"] = profile(tree, args.scene, args.quality,
                                                    work / "run-before")
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                               check=False, capture_output=True)
        console.print(f"profiling {args.scene} now …")
        runs["now"] = profile(ROOT, args.scene, args.quality, work / "run-now")
        console.print(f"profiling {args.scene} now, its formulas in the LaTeX folder …")
        runs["now, LaTeX warm"] = profile(ROOT, args.scene, args.quality, work / "run-warm",
                                          tex=work / "run-now" / "tex")
        if args.old_encoder:
            console.print(f"profiling {args.scene} now with the old encoder settings …")
            runs["old encoder, LaTeX warm"] = profile(
                ROOT, args.scene, args.quality, work / "run-old", tex=work / "run-now" / "tex",
                old_encoder=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    table = Table(title=f"{args.scene} at {args.quality}, narration off, "
                        f"cProfile; {os.cpu_count()} cores, {platform.machine()}, "
                        f"load {load[0]:.1f} after")
    table.add_column("part")
    for name in runs:
        table.add_column(name, justify="right")
    names = [*PARTS, "total (profiled)"]
    for part in names:
        cells = []
        for _, parts in runs.values():
            share = parts[part] / parts["total (profiled)"]
            cells.append(f"{parts[part]:.1f} s ({share:.0%})")
        table.add_row(part, *cells)
    table.add_row("wall time under cProfile", *(f"{wall:.1f} s" for wall, _ in runs.values()))
    console.print(table)


if __name__ == "__main__":
    main()
