"""Scenes rendered with each pool size, Manim in-flight encoder count and x264 thread
count, with held frames converted once or per frame; print a table.

    .venv/bin/python scripts/bench_encoding.py [--scene S ...] [--quality medium]
                                               [--jobs 1,2] [--inflight 1,2,4]
                                               [--threads auto,1] [--repeats once,each]
                                               [--encoder now,before] [--malloc tuned,glibc]
                                               [--repeat 1] [--work DIR]

Each configuration renders the same scenes from the same warm LaTeX folder with plain
``manim render`` (narration off, lessonreel's encoder settings from
:func:`lessonreel.render.quality.encoder_config`), ``--jobs`` of them at a time the way
the local pool runs them (the longest first, the next as one ends), and times the
whole: wall time and the CPU time of every process (user + system). ``--repeats each``
undoes :mod:`lessonreel.authoring.repeats` in the scene processes, to measure what
converting a held frame once saves; ``--encoder before`` gives x264 the settings it had
before they were compared at equal quality (medium at crf 20); ``--malloc glibc`` runs
Manim without lessonreel's malloc settings. Also counts each scene's frames and how many
of them Manim drew as a held (frozen) frame, from its beats file.

A measurement, not a test: nothing here passes or fails. Keep the machine quiet.
"""

from __future__ import annotations

import argparse
import configparser
import io
import itertools
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lessonreel.authoring.lesson import get_lesson  # noqa: E402
from lessonreel.records import read_beat_records  # noqa: E402
from lessonreel.render.beatcache import beat_frames  # noqa: E402
from lessonreel.render.launch import BEATS_FILE_ENV, MALLOC_SETTINGS  # noqa: E402
from lessonreel.render.quality import QUALITIES, Quality, encoder_config  # noqa: E402

console = Console(width=max(Console().width, 150))
DEFAULT_SCENES = ("SensitivityOfFiveX", "SecantBecomesTangent")

# Run in each scene process with --repeats each: Manim's own encoder, every frame converted.
EACH = """\
import sys, runpy
import lessonreel.authoring.repeats as repeats
repeats.install = lambda: None
sys.argv = ["manim", *sys.argv[1:]]
runpy.run_module("manim", run_name="__main__")
"""


#: The settings before issue 25's measurements, as (in-flight encoders, x264 threads, held
#: frames converted, x264 settings, malloc): the baseline of the table, and profile_scene's
#: "old encoder".
BEFORE = (1, "auto", "each", "before", "glibc")


def config_text(quality: Quality, inflight: int, threads: str, encoder: str = "now") -> str:
    """lessonreel's encoder config with ``inflight`` encoders and ``threads`` x264 threads;
    with ``encoder="before"``, x264's settings as they were before they were measured
    at equal quality (medium at crf 20, no tune)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(encoder_config(quality))
    options = parser["video_encoder.options"]
    if encoder == "before":
        options["preset"], options["crf"] = "medium", "20"
        options.pop("tune", None)
    # 0 is x264's own choice (1.5 threads a core); lessonreel's config sets 1.
    options["threads"] = "0" if threads == "auto" else threads
    if not parser.has_section("CLI"):
        parser.add_section("CLI")
    parser["CLI"]["max_inflight_encoders"] = str(inflight)
    text = io.StringIO()
    parser.write(text)
    return text.getvalue()


def scene_env(tree: Path, work: Path, tex: Path, malloc: str) -> dict[str, str]:
    """The environment of a measured Manim process: narration off, its own caches, the
    code of ``tree``, and lessonreel's malloc settings (``tuned``) or glibc's own."""
    env = {key: value for key, value in os.environ.items() if key not in MALLOC_SETTINGS}
    if malloc == "tuned":
        env |= MALLOC_SETTINGS
    return env | {"LESSONREEL_NARRATION": "none",
                  "LESSONREEL_CACHE_DIR": str(work / "cache"),
                  "LESSONREEL_TEX_DIR": str(tex),
                  "PYTHONPATH": os.pathsep.join(
                      p for p in (str(tree), os.environ.get("PYTHONPATH")) if p)}


def render(scene: str, scene_file: Path, quality: Quality, config: Path, repeats: str,
           work: Path, beats: Path | None = None, malloc: str = "tuned") -> None:
    env = scene_env(ROOT, work, work / "tex", malloc)
    if beats is not None:
        env[BEATS_FILE_ENV] = str(beats)
    launcher = ["-c", EACH] if repeats == "each" else ["-m", "manim"]
    media = work / "media" / scene
    shutil.rmtree(media, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, *launcher, "render", f"-q{quality.flag}", "--config_file",
         str(config), "--media_dir", str(media), "--disable_caching", "--progress_bar",
         "none", str(scene_file), scene],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{scene} failed:\n{result.stderr[-2000:]}")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="module02-derivatives")
    parser.add_argument("--scene", action="append")
    parser.add_argument("--quality", default="medium", choices=list(QUALITIES))
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--inflight", default="1,2,4")
    parser.add_argument("--threads", default="auto,1")
    parser.add_argument("--repeats", default="once,each")
    parser.add_argument("--malloc", default="tuned",
                        help="tuned (lessonreel's glibc settings for Manim), glibc (its "
                             "defaults), or both: tuned,glibc")
    parser.add_argument("--encoder", default="now",
                        help="now (lessonreel's x264 settings), before (medium at crf 20), "
                             "or both: now,before")
    parser.add_argument("--repeat", type=int, default=1,
                        help="render each configuration this many times, keep the least")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()

    lesson = get_lesson(args.lesson)
    refs = lesson.select(args.scene or list(DEFAULT_SCENES))
    quality = QUALITIES[args.quality]
    work = args.work or Path(tempfile.mkdtemp(prefix="lessonreel-bench-encoding-"))
    work.mkdir(parents=True, exist_ok=True)
    console.print(f"work folder: {work}; load before: {os.getloadavg()[0]:.2f}")

    # Warm the LaTeX folder and count each scene's frames and held frames.
    counts: dict[str, tuple[int, int]] = {}
    warm = work / "warm.cfg"
    warm.write_text(config_text(quality, 1, "auto"))
    for ref in refs:
        beats = work / f"{ref.name}.beats.json"
        render(ref.name, ref.file, quality, warm, "once", work, beats)
        plays = [p for b in read_beat_records(beats) for p in (b.plays or ())]
        held = beat_frames([p for p in plays if p.frozen], quality.fps)
        counts[ref.name] = (beat_frames(plays, quality.fps), held)
    # The longest scene first, as the local pool orders them.
    order = sorted(refs, key=lambda r: -counts[r.name][0])

    results = []
    grid = itertools.product(
        [int(j) for j in args.jobs.split(",")], [int(i) for i in args.inflight.split(",")],
        args.threads.split(","), args.repeats.split(","), args.encoder.split(","),
        args.malloc.split(","))
    for jobs, inflight, threads, repeats, encoder, malloc in grid:
        config = work / f"i{inflight}-t{threads}-{encoder}.cfg"
        config.write_text(config_text(quality, inflight, threads, encoder))
        best: tuple[float, float] | None = None
        for _ in range(args.repeat):
            cpu_before, started = children_cpu(), time.monotonic()
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                list(pool.map(lambda r, c=config, e=repeats, m=malloc: render(
                    r.name, r.file, quality, c, e, work, malloc=m), order))
            measured = (time.monotonic() - started, children_cpu() - cpu_before)
            best = measured if best is None or measured[0] < best[0] else best
        assert best is not None
        results.append((jobs, inflight, threads, repeats, encoder, malloc, *best))
        console.print(f"jobs {jobs}, in-flight {inflight}, x264 threads {threads}, held frames "
                      f"converted {repeats}, x264 {encoder}, malloc {malloc}: "
                      f"{best[0]:.1f} s wall, {best[1]:.1f} s CPU")
        (work / "results.json").write_text(json.dumps(results, indent=1))

    frames = sum(f for f, _ in counts.values())
    held = sum(h for _, h in counts.values())
    console.print(f"frames: {frames} at {quality.fps} fps, of which held (frozen) {held} "
                  f"({held / frames:.0%}): " + ", ".join(
                      f"{n} {h}/{f}" for n, (f, h) in counts.items()))
    # The baseline: what each pool size did before these measurements, where it was run.
    base = next((r for r in results if r[1:6] == BEFORE),
                next((r for r in results if r[1:4] == BEFORE[:3]), results[0]))
    table = Table(title=(f"{', '.join(r.name for r in refs)} at {quality.name}, narration off, "
                         f"LaTeX warm; {os.cpu_count()} cores {platform.machine()}, "
                         f"load {os.getloadavg()[0]:.1f} after"))
    for column in ("jobs", "in-flight encoders", "x264 threads", "held frames converted",
                   "x264", "malloc", "wall", "CPU", "wall / baseline"):
        table.add_column(column, justify="right")
    for jobs, inflight, threads, repeats, encoder, malloc, wall, cpu in results:
        same_jobs = next((r for r in results if r[0] == jobs and r[1:6] == base[1:6]), base)
        table.add_row(str(jobs), str(inflight), threads, repeats, encoder, malloc,
                      f"{wall:.1f} s", f"{cpu:.1f} s", f"×{wall / same_jobs[6]:.2f}")
    console.print(table)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
