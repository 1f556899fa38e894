"""Time the author's loop in ``lessonreel studio``: from a save to the updated picture.

    scripts/bench-author-loop [--repeat 3] [--narration piper] [--keep DIR]

On a temporary copy of the project, one studio runs on Module 2 at low quality. For
SensitivityOfFiveX and SliceSurfaceAtYEqualsOne, each of two edits is made ``--repeat``
times, each time a new one (caches warm: the scene and one edit of each kind rendered
first, untimed): (i) one beat's narration (a short sentence put before its text), (ii)
one animation's code (a play's run time). A time runs from the write of the file to the
moment the studio reports the new video ready (``ready_at`` in its ``state.json``), and
is split into what the time went to: the studio noticing the save, the plan (snapshot,
keys and, when the beat cache holds some of the scene, the beats pass: a Manim process
that skips every animation, and speaks the edited text), the Manim processes that draw
(start-up, speech from the cache, drawing, encoding), joining and caching the scene, and
putting its narration beside the picture. Two probes say what a Manim process costs
before it draws (start-up: Python, Manim and the scene's imports, one frame) and what
Piper costs for the edited beat. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
LESSON = "module02-derivatives"
#: scene -> (its file, the beat whose narration is edited, the play whose run time is).
CASES = {
    "SensitivityOfFiveX": ("scenes/module02_derivatives/sensitivity.py", "ratio",
                           "self.play(Indicate(result, color=theme.HIGHLIGHT_COLOR), "
                           "run_time="),
    "SliceSurfaceAtYEqualsOne": ("scenes/module02_derivatives/surface_slice.py", "cut",
                                 "self.play(Write(cut_label), run_time="),
}
#: A new sentence for each narration edit, so no edit is served from the caches.
OPENERS = ["Right.", "Good.", "Look.", "Next.", "Then.", "Now.", "Here.", "Watch.", "See.",
           "Okay."]
TIMES_ENV = "LESSONREEL_BENCH_TIMES"
#: Written as sitecustomize into every Python process the studio starts: when it started
#: and ended, and with which arguments.
SITE = f'''
import atexit, functools, importlib.abc, json, os, sys, time
_start = time.time()
_PATH = os.environ.get({TIMES_ENV!r})


def _write(entry):
    if _PATH:
        with open(_PATH, "a") as out:
            out.write(json.dumps(entry) + "\\n")


def _done():
    if "manim" in sys.argv[0]:
        _write({{"pid": os.getpid(), "argv": sys.argv, "start": _start, "end": time.time()}})


atexit.register(_done)
# In the studio's own process: how long each step of joining and caching a scene takes.
_WRAP = {{"lessonreel.render.run": ["_on_frame_grid", "_join", "video_timing", "_store_segments",
                                "grab_frame", "narration_track", "normalise", "captions_from",
                                "SceneCache.store", "BeatSegments.prune"]}}


def _timed(name, function):
    @functools.wraps(function)
    def run(*args, **kwargs):
        started = time.time()
        try:
            return function(*args, **kwargs)
        finally:
            _write({{"phase": name, "start": started, "end": time.time()}})
    return run


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in _WRAP:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            for dotted in _WRAP[name]:
                owner, _, attribute = dotted.rpartition(".")
                holder = getattr(module, owner) if owner else module
                setattr(holder, attribute, _timed(dotted, getattr(holder, attribute)))
        spec.loader.exec_module = exec_module
        return spec


if "studio" in sys.argv:
    sys.meta_path.insert(0, _Finder())
'''


@dataclass
class Loop:
    """One timed save, and where its time went."""

    total: float
    phases: dict[str, float] = field(default_factory=dict)
    drawn: int | None = None
    #: Seconds in each step of joining and caching the scene (lessonreel.render.run).
    steps: dict[str, float] = field(default_factory=dict)


class Studio:
    def __init__(self, copy: Path, cache: Path, site: Path, times: Path, narration: str,
                 first: str) -> None:
        env = {**os.environ, "LESSONREEL_CACHE_DIR": str(cache), TIMES_ENV: str(times),
               "PYTHONPATH": os.pathsep.join([str(site), str(copy)])}
        env.pop("LESSONREEL_LESSONS", None)
        self.times = times
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lessonreel.cli", "studio", LESSON, "--scene", first,
             "--no-open", "--narration", narration], cwd=copy, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        url = self.process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit("the studio did not start")
        self.base = url.rsplit("/", 1)[0] + "/"

    def get(self, name: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.base + name, timeout=30) as answer:
            found: dict[str, Any] = json.load(answer)
        return found

    def scene(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.get("state.json")["scenes"].get(name, {})
        return found

    def wait(self, name: str, above: int, timeout: float = 900) -> dict[str, Any]:
        """The scene's state once a render newer than ``above`` is published."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.scene(name)
            if state.get("version", 0) > above:
                return state
            error = state.get("error")
            if error and error.get("at", 0) > state.get("ready_at", 0) and above:
                raise SystemExit(f"{name} failed: {error['message']} {error.get('where', '')}")
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: no new render after {timeout} s")
            time.sleep(0.02)

    def close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def narration_edit(path: Path, beat: str, opener: str) -> None:
    source = path.read_text()
    found = re.search(rf'beat="{beat}", text=(?:say\()?\(?\s*"', source)
    if found is None:
        raise SystemExit(f"no narration of beat {beat!r} found in {path}")
    path.write_text(source[:found.end()] + opener + " " + source[found.end():])


def code_edit(path: Path, play: str, step: int) -> None:
    source = path.read_text()
    found = re.search(re.escape(play) + r"(\d+(?:\.\d+)?)\)", source)
    if found is None:
        raise SystemExit(f"no {play!r} found in {path}")
    value = float(found.group(1)) + 0.05 * step
    path.write_text(source[:found.start(1)] + f"{value:.2f}" + source[found.end(1):])


def processes(times: Path, since: float) -> list[dict[str, Any]]:
    if not times.exists():
        return []
    found = [json.loads(line) for line in times.read_text().splitlines() if line.strip()]
    return [p for p in found if p["start"] >= since]


def timed_save(studio: Studio, scene: str, edit: Any) -> Loop:
    before = studio.scene(scene)
    saved = time.time()
    edit()
    state = studio.wait(scene, before.get("version", 0))
    total = state["ready_at"] - saved
    found = processes(studio.times, saved)
    ran = [p for p in found if "argv" in p]
    beats_pass = [p for p in ran if "-s" in p["argv"]]
    drawing = [p for p in ran if "-s" not in p["argv"]]
    steps: dict[str, float] = {}
    for step in (p for p in found if "phase" in p):
        steps[step["phase"]] = steps.get(step["phase"], 0.0) + step["end"] - step["start"]
    phases = dict(state["phases"])
    split: dict[str, float] = {
        "noticed": (state["saved_at"] or saved) - saved,
        "beats pass": sum(p["end"] - p["start"] for p in beats_pass),
    }
    split["plan, besides"] = phases["plan"] - split["beats pass"] - 0.0
    shards = (max(p["end"] for p in drawing) - min(p["start"] for p in drawing)) if drawing \
        else 0.0
    split["Manim drawing"] = shards
    split["join, cache"] = phases["render"] - shards
    split["narration beside"] = phases["publish"]
    split["shards"] = len(drawing)
    return Loop(total, split, state.get("drawn"), steps)


def startup_probe(copy: Path, cache: Path, module: str, runs: int = 3) -> float:
    """Seconds a Manim process takes to draw nothing: Python, Manim, the scene's imports,
    the render's set-up, one frame."""
    probe = copy / "bench_startup_probe.py"
    probe.write_text(f"from manim import *\nimport {module}\n\n\n"
                     "class Empty(Scene):\n    def construct(self) -> None:\n"
                     "        self.add(Dot())\n")
    env = {**os.environ, "PYTHONPATH": str(copy), "LESSONREEL_CACHE_DIR": str(cache)}
    took = []
    with tempfile.TemporaryDirectory() as media:
        for _ in range(runs):
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "-s",
                            "--disable_caching", "--media_dir", media, "--progress_bar",
                            "none", str(probe), "Empty"], cwd=copy, env=env,
                           capture_output=True, check=True)
            took.append(time.monotonic() - started)
    probe.unlink()
    return statistics.median(took)


def speech_probe(cache: Path, text: str) -> tuple[float, float]:
    """Piper in a fresh process for ``text`` (as the beats pass meets it): seconds to
    load the voice and say it, and to say it again with a word changed, loaded."""
    script = (
        "import sys, time\nfrom pathlib import Path\n"
        "started = time.monotonic()\n"
        "from lessonreel.voice.services import PiperSpeech\n"
        "voice = PiperSpeech(Path(sys.argv[1]))\n"
        "voice.speak('Indeed. ' + sys.argv[2])\nfirst = time.monotonic() - started\n"
        "started = time.monotonic()\nvoice.speak('Surely. ' + sys.argv[2])\n"
        "print(first, time.monotonic() - started)\n")
    done = subprocess.run([sys.executable, "-c", script, str(cache), text], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    first, again = (float(v) for v in done.stdout.split())
    return first, again


def copy_project(into: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                             "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file() and not name.startswith(("tests/", "assets/readme/")):
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed saves of each kind")
    parser.add_argument("--narration", default="piper", choices=["piper", "none"])
    parser.add_argument("--scene", action="append", dest="scenes", choices=list(CASES),
                        help="scene to time (repeatable); default: both")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp)")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="lessonreel-bench-loop-"))
    work.mkdir(parents=True, exist_ok=True)
    copy = copy_project(work / "project")
    cache = work / "cache"
    site = work / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITE)
    times = work / "processes.jsonl"
    scenes = options.scenes or list(CASES)
    console = Console(width=max(140, Console().width))
    studio = Studio(copy, cache, site, times, options.narration, scenes[0])
    results: dict[tuple[str, str], list[Loop]] = {}
    spoken: dict[str, str] = {}
    try:
        for scene in scenes:
            file, beat, play = CASES[scene]
            path = copy / file
            console.print(f"{scene}: first render (cold, untimed) …")
            studio.get(f"scenes/{scene}.json")
            studio.wait(scene, 0, timeout=1800)
            openers = iter(OPENERS)
            steps = iter(range(1, 100))
            kinds = {
                "(i) one beat's narration": functools.partial(
                    lambda p, b, o: narration_edit(p, b, next(o)), path, beat, openers),
                "(ii) one animation's code": functools.partial(
                    lambda p, c, s: code_edit(p, c, next(s)), path, play, steps),
            }
            for kind, edit in kinds.items():
                console.print(f"{scene} {kind}: warm-up …")
                timed_save(studio, scene, edit)
                loops = []
                for rep in range(options.repeat):
                    loop = timed_save(studio, scene, edit)
                    console.print(f"  {rep + 1}: {loop.total:.2f} s {loop.phases} "
                                  f"drawn={loop.drawn}", highlight=False)
                    loops.append(loop)
                results[(scene, kind)] = loops
            view = studio.scene(scene)["view"]
            spoken[scene] = " ".join(w["word"] for w in view["words"] if w["beat"] == beat)
    finally:
        studio.close()
    startup = {scene: startup_probe(copy, cache, "scenes.module02_derivatives." + Path(
        CASES[scene][0]).stem) for scene in scenes}
    speech = {scene: speech_probe(cache, spoken[scene]) for scene in scenes}
    if options.keep is None:
        shutil.rmtree(work, ignore_errors=True)

    title = (f"save → new picture in lessonreel studio, low (854x480, 15 fps), narration "
             f"{options.narration}, {os.cpu_count()} cores {platform.machine()}, "
             f"{time.strftime('%Y-%m-%d')}, {options.repeat} saves each, warm caches")
    table = Table(title=title)
    for column in ("scene", "edit", "median", "min", "target", "beats drawn", "noticed",
                   "plan (beats pass)", "Manim drawing", "join, cache", "narration beside"):
        table.add_column(column, justify="left" if column in ("scene", "edit") else "right")
    for (scene, kind), loops in results.items():
        totals = [loop.total for loop in loops]
        target = 4.0 if kind.startswith("(i)") else 8.0

        def median(key: str, runs: list[Loop] = loops) -> float:
            return statistics.median(loop.phases[key] for loop in runs)

        met = "met" if statistics.median(totals) <= target else "missed"
        drawn = sorted({loop.drawn for loop in loops}, key=lambda d: -1 if d is None else d)
        table.add_row(scene, kind, f"{statistics.median(totals):.1f} s",
                      f"{min(totals):.1f} s", f"≤ {target:.0f} s ({met})",
                      ", ".join(str(d) for d in drawn),
                      f"{median('noticed'):.2f} s",
                      f"{median('plan, besides') + median('beats pass'):.1f} s "
                      f"({median('beats pass'):.1f} s)",
                      f"{median('Manim drawing'):.1f} s ({median('shards'):.0f} proc.)",
                      f"{median('join, cache'):.1f} s", f"{median('narration beside'):.2f} s")
    console.print(table)
    probes = Table(title="what a Manim process and the voice cost on their own (medians)")
    for column in ("scene", "Manim start-up (nothing drawn)",
                   "Piper: load the voice and say the edited beat", "say it again, loaded"):
        probes.add_column(column, justify="left" if column == "scene" else "right")
    for scene in scenes:
        probes.add_row(scene, f"{startup[scene]:.1f} s", f"{speech[scene][0]:.1f} s",
                       f"{speech[scene][1]:.1f} s")
    console.print(probes)
    names = sorted({name for loops in results.values() for loop in loops for name in loop.steps})
    joins = Table(title="'join, cache' step by step (medians; lessonreel.render.run)")
    joins.add_column("scene")
    joins.add_column("edit")
    for name in names:
        joins.add_column(name, justify="right")
    for (scene, kind), loops in results.items():
        cells = [statistics.median(loop.steps.get(name, 0.0) for loop in loops)
                 for name in names]
        joins.add_row(scene, kind, *(f"{cell:.2f} s" for cell in cells))
    console.print(joins)


if __name__ == "__main__":
    main()
