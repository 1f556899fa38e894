"""Benchmark lessonreel against plain Manim on a whole lesson, and print a table.

    scripts/bench [--quality medium] [--lesson module02-derivatives] [--scene SCENE]
                  [--beat-scene SCENE --beat BEAT] [--cold-only]

Runs:
  (a) plain ``manim render`` of every scene file, one after the other, speech
      synthesised from an empty cache;
  (b) ``lessonreel render`` with empty scene, speech and LaTeX caches (cold);
  (c) ``lessonreel render`` again with nothing changed;
  (d) ``lessonreel render`` after the first sentence of one scene's narration
      was edited (the edit is undone afterwards);
  (f) the same after editing the narration of one beat in the middle of
      another scene (by default the "cut" beat of SliceSurfaceAtYEqualsOne);
  (e) ``lessonreel render --executor dask`` with an empty scene cache (speech
      warm), on a LocalCluster of as many one-thread workers as (b) has jobs;
and prints the times with the ratios b/a, c, d and f against that scene alone
in (a), and e/b. ``--cold-only`` runs (b) and (e) alone. This is a
measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

from lessonreel.authoring.lesson import get_lesson  # noqa: E402
from lessonreel.render.quality import QUALITIES  # noqa: E402

console = Console()


def timed(command: list[str], env: dict[str, str], log: Path) -> float:
    started = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                check=False)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed ({' '.join(command[:6])} …); see {log}")
    return elapsed


def warm_narration(lesson_slug: str, env: dict[str, str]) -> None:
    """Construct every scene once, animations skipped, so all speech is in the audio cache."""
    script = (
        "import importlib, sys\n"
        "from manim import tempconfig\n"
        "from lessonreel.authoring.lesson import get_lesson\n"
        f"for ref in get_lesson({lesson_slug!r}).scenes:\n"
        "    cls = getattr(importlib.import_module(ref.qualified_module), ref.name)\n"
        "    with tempconfig({'dry_run': True, 'quality': 'low_quality'}):\n"
        "        cls(skip_animations=True).render()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def edit_narration(path: Path, beat: str | None = None) -> str:
    """Add a word to the narration of ``beat`` of ``path`` (the first beat when None);
    return the original text."""
    original = path.read_text()
    start = 0 if beat is None else original.find(f'beat="{beat}"')
    # The text's first string, whether given as text=("...") or text=say("...", ...).
    text = original.find("text=", max(start, 0))
    at = original.find('"', text)
    if start < 0 or text < 0 or at < 0:
        raise SystemExit(f"no narration text of beat {beat!r} found to edit in {path}")
    at += 1
    path.write_text(original[:at] + "Now, " + original[at:])
    return original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="medium", choices=list(QUALITIES))
    parser.add_argument("--lesson", default="module02-derivatives")
    parser.add_argument("--scene", default="SensitivityOfFiveX",
                        help="the scene whose narration (d) edits")
    parser.add_argument("--beat-scene", default="SliceSurfaceAtYEqualsOne",
                        help="the scene one of whose middle beats (f) edits")
    parser.add_argument("--beat", default="cut", help="the beat (f) edits")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark folder")
    parser.add_argument("--no-dask", action="store_true", help="leave out (e)")
    parser.add_argument("--cold-only", action="store_true",
                        help="only the cold renders: (b) the local pool and (e) Dask")
    args = parser.parse_args()

    lesson = get_lesson(args.lesson)
    edited, = lesson.select([args.scene])
    beat_edited, = lesson.select([args.beat_scene])
    quality = QUALITIES[args.quality]
    work = Path(tempfile.mkdtemp(prefix="lessonreel-bench-"))
    audio = work / "audio-cache"
    env = {key: value for key, value in os.environ.items() if key != "LESSONREEL_TEX_DIR"}
    env |= {"LESSONREEL_NARRATION": "piper", "LESSONREEL_CACHE_DIR": str(audio)}
    console.print(f"benchmark folder: {work}")

    plain: dict[str, float] = {}
    if not args.cold_only:
        console.print("(a) plain manim, one scene after the other …")
    for ref in [] if args.cold_only else lesson.scenes:
        plain[ref.name] = timed(
            [sys.executable, "-m", "manim", "render", f"-q{quality.flag}",
             "--media_dir", str(work / "plain"), str(ref.file), ref.name],
            {**env, "LESSONREEL_CACHE_DIR": str(work / "plain-audio")},
            work / f"plain-{ref.name}.log")
        console.print(f"    {ref.name}: {plain[ref.name]:.1f} s")
    a = sum(plain.values())

    def render(cache: Path, *options: str, warm: bool = True) -> list[str]:
        if warm and not cache.exists():
            if not (audio / "audio").is_dir():
                console.print("warming the narration cache (not timed) …")
                warm_narration(args.lesson, env)
            shutil.copytree(audio / "audio", cache / "audio")
        return [sys.executable, "-m", "lessonreel.cli", "render", args.lesson,
                "-q", args.quality, "--cache-dir", str(cache), "--out", str(work / "out"),
                *options]

    cache = work / "lessonreel-cache"
    console.print("(b) lessonreel, cold (empty speech and LaTeX caches) …")
    b = timed(render(cache, warm=False), env, work / "cold.log")
    c = d = f = 0.0
    if not args.cold_only:
        console.print("(c) lessonreel, nothing changed …")
        c = timed(render(cache), env, work / "unchanged.log")
        console.print(f"(d) lessonreel, after editing the narration of {args.scene} …")
        original = edit_narration(edited.file)
        try:
            d = timed(render(cache), env, work / "edited.log")
        finally:
            edited.file.write_text(original)
        console.print(f"(f) lessonreel, after editing beat {args.beat!r} of {args.beat_scene} …")
        original = edit_narration(beat_edited.file, args.beat)
        try:
            f = timed(render(cache), env, work / "beat-edited.log")
        finally:
            beat_edited.file.write_text(original)
    e = 0.0
    if not args.no_dask:
        console.print("(e) lessonreel --executor dask (LocalCluster), cold …")
        e = timed(render(work / "dask-cache", "--executor", "dask"), env,
                  work / "dask-cold.log")

    machine = platform.processor() or platform.machine()
    table = Table(title=f"{lesson.slug} at {args.quality} ({quality.width}x{quality.height}, "
                        f"{quality.fps} fps) on {os.cpu_count()} cores, {machine}")
    table.add_column("run")
    table.add_column("wall time", justify="right")
    table.add_column("ratio", justify="right")
    table.add_column("target", justify="right")
    if args.cold_only:
        table.add_row("(b) lessonreel, cold", f"{b:.1f} s", "", "")
    else:
        table.add_row("(a) plain manim, scenes one after the other", f"{a:.1f} s", "1.00", "")
        table.add_row("(b) lessonreel, cold", f"{b:.1f} s", f"b/a = {b / a:.2f}", "≤ 0.50")
        table.add_row("(c) lessonreel, nothing changed", f"{c:.2f} s", f"c/a = {c / a:.4f}",
                      "< 2 s")
        table.add_row(f"(d) lessonreel, {args.scene} narration edited", f"{d:.1f} s",
                      f"d/scene = {d / plain[args.scene]:.2f}", "≤ 1.00")
        table.add_row(f"    {args.scene} alone, plain manim", f"{plain[args.scene]:.1f} s",
                      "", "")
        table.add_row(f"(f) lessonreel, beat {args.beat!r} of {args.beat_scene} edited",
                      f"{f:.1f} s", f"f/scene = {f / plain[args.beat_scene]:.2f}", "≤ 0.35")
        table.add_row(f"    {args.beat_scene} alone, plain manim",
                      f"{plain[args.beat_scene]:.1f} s", "", "")
    if not args.no_dask:
        table.add_row("(e) lessonreel --executor dask (LocalCluster), cold", f"{e:.1f} s",
                      f"e/b = {e / b:.2f}", "≤ 1.10")
    console.print(table)
    results = {"quality": args.quality, "cores": os.cpu_count(), "plain": plain, "a": a,
               "b": b, "c": c, "d": d, "e": e, "f": f, "scene": args.scene,
               "beat_scene": args.beat_scene, "beat": args.beat}
    (work / "results.json").write_text(json.dumps(results, indent=2))
    console.print(f"results: {work / 'results.json'}")
    if not args.keep:
        for sub in ("plain", "plain-audio", "lessonreel-cache", "dask-cache", "out"):
            shutil.rmtree(work / sub, ignore_errors=True)


if __name__ == "__main__":
    main()
