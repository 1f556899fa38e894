"""Measure x264 presets on Module 2's frames and choose the scene encoder; print a table.

    .venv/bin/python scripts/encoder_bench.py [--scene SCENE ...] [--seconds N]
                                              [--quality high] [--preset P ...]
                                              [--repeat 2] [--work DIR]

1. Renders each scene with Manim, narration off, at ``--quality`` (1080p60 by
   default) into a lossless reference: libx264 at qp 0 in yuv420p, so the
   reference holds exactly the frames Manim's encoder is given in a real render,
   after Manim's own RGBA to yuv420p conversion. ``--seconds N`` stops each
   scene at the first animation that starts after N seconds and keeps the first
   N seconds of frames, so a run can be bounded.
2. Encodes the reference with ffmpeg's libx264 at every preset, with and without
   ``tune=animation``, with everything else as :func:`lessonreel.render.quality.encoder_config`
   has it (crf, yuv420p, High profile, the same x264-params: closed GOP, two
   B-frames, no scene-cut keyframes). Each setting is encoded twice:
   - with the threads Manim's encoder gets: PyAV opens libx264 with
     ``thread_type=SLICE`` and ``thread_count=0``, so x264 runs sliced threads, one
     slice per core. Size and quality are measured on this encode, the bytes a
     render writes;
   - with ``-threads 1``: two Manim workers share two cores, so an encoder
     cannot count on a second core; this is its cost on a busy machine.
   A second ffmpeg decodes the reference and pipes its frames to the encoder, so
   ffmpeg's ``-benchmark`` user+system time of the encoder process is x264's
   CPU time (plus reading a pipe, the same for every setting); rtime is its wall
   time, with the decoder (several times faster than any encoder here) beside it.
3. Compares each encode with the reference, both yuv420p, so the comparison
   measures x264 alone: PSNR over every sample of every plane (``psnr``
   filter, from the mean squared error of the whole clip) and SSIM (``ssim``
   filter, the mean over frames).
   Every encode is timed ``--repeat`` times, in rounds over all settings, and
   the least time is kept: other work on a shared machine only ever adds time.
4. Compares the settings at equal quality, not at equal CRF (a faster preset at the
   same CRF is also a worse picture): for each preset and tune it finds, by bisection
   over CRF in steps of ``--crf-step``, the highest CRF whose pooled PSNR and SSIM over
   the scenes are at least the reference's (medium, no tune, crf 20). Each setting is
   timed at
   that CRF.
5. Chooses the fastest setting (x264 CPU time, threads as Manim) at its matched CRF
   whose PSNR is within 0.5 dB and SSIM within 0.002 of today's in every scene, at no
   more than 15% more bytes in all; it keeps closed GOP, High profile and B-frames,
   since only preset, tune and CRF change. ``--same-crf`` compares at crf 20 instead,
   as this script did before.

Measurements are written to ``measurements.json`` in the work folder as they
are made; with ``--work DIR`` a run that stopped carries on where it was.
This is a measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lessonreel.authoring.lesson import get_lesson  # noqa: E402
from lessonreel.render.quality import QUALITIES, Quality  # noqa: E402

# Wide enough for the table when the output is a file or a pipe.
console = Console(width=max(Console().width, 170))

#: Three scenes that differ in what an encoder sees: 2D text and live readouts,
#: lines moving across a graph, and a shaded 3D surface turning.
DEFAULT_SCENES = ("SensitivityOfFiveX", "SecantBecomesTangent", "SliceSurfaceAtYEqualsOne")
PRESETS = ("medium", "fast", "faster", "veryfast", "superfast", "ultrafast")
#: Today's CRF (lessonreel.render.quality.encoder_config), and the range the equal-quality
#: search looks in: a faster preset needs a lower CRF (more bits) to keep the picture.
BASELINE_CRF = 20.0
CRF_RANGE = (8.0, 36.0)
#: The picture every setting must keep: medium at crf 20, lessonreel's encoder until the
#: equal-quality measurement of 2026-12-08 chose veryfast + tune=animation.
BASELINE = ("medium", "")
MAX_PSNR_LOSS = 0.5  # dB
MAX_SSIM_LOSS = 0.002
MAX_SIZE_GROWTH = 0.15

# Run inside a Manim process: ends construction at the first play() that starts at
# or after the cap, the way Manim's own -n boundary does, then hands over to the CLI.
_CAPPED_MANIM = """\
import sys
from manim.scene.scene import Scene
from manim.utils.exceptions import EndSceneEarlyException
cap = float(sys.argv.pop(1))
original_play = Scene.play
def play(self, *args, **kwargs):
    if cap > 0 and self.time >= cap:
        raise EndSceneEarlyException()
    return original_play(self, *args, **kwargs)
Scene.play = play
from manim.__main__ import main
sys.argv[0] = "manim"
main()
"""

_BENCH = re.compile(r"bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s")
_SSIM = re.compile(r"SSIM .*All:([\d.]+)")
_X264_OPTIONS = re.compile(rb"x264 - core [^\x00]*? options: ([^\x00]*)")


@dataclass(frozen=True)
class Setting:
    preset: str
    tune: str = ""
    crf: float = BASELINE_CRF

    @property
    def label(self) -> str:
        return (self.preset + (f" + tune={self.tune}" if self.tune else "")
                + (f", crf {self.crf:g}" if self.crf != BASELINE_CRF else ""))

    def at(self, crf: float) -> Setting:
        return Setting(self.preset, self.tune, crf)


@dataclass
class Encode:
    """One setting on one scene."""

    cpu: float = 0.0  # encoder process utime+stime, threads as Manim
    wall: float = 0.0
    cpu_1: float = 0.0  # the same with -threads 1
    wall_1: float = 0.0
    cpu_spread: float = 1.0  # the most CPU time of the rounds over the least
    size: int = 0
    mse_sum: float = 0.0  # frames' mean squared errors, summed: PSNR pools them
    ssim: float = 0.0  # mean over frames
    frames: int = 0
    stream: dict[str, str] = field(default_factory=dict)

    @property
    def psnr(self) -> float:
        mse = self.mse_sum / max(1, self.frames)
        return 99.0 if mse == 0 else 10 * math.log10(255**2 / mse)


def run(command: list[str], log: Path, env: dict[str, str] | None = None,
        stdin: int | None = None) -> str:
    """Run ``command``, keep its output in ``log``; its stderr, or exit naming the log."""
    result = subprocess.run(command, cwd=ROOT, env=env, stdin=stdin, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, check=False)
    log.write_text("$ " + " ".join(command) + "\n" + result.stderr)
    if result.returncode != 0:
        raise SystemExit(f"step failed ({' '.join(command[:4])} …); see {log}")
    return result.stderr


def reference_path(work: Path, scene: str, quality: Quality, seconds: float) -> Path:
    clip = "whole" if seconds <= 0 else f"{seconds:g}s"
    return work / f"{scene}.{quality.name}.{clip}.reference.mp4"


def render_reference(scene: str, scene_file: Path, quality: Quality, seconds: float,
                     work: Path) -> Path:
    """Manim's frames of ``scene`` as its encoder receives them, losslessly."""
    config = work / "reference.cfg"
    # qp=0 through x264's own keys: they are parsed last, so they override the
    # crf Manim adds for libx264. ultrafast: the reference is only read back, so
    # its size does not matter and its encoder should cost the render little.
    config.write_text("[video_encoder]\ncodec = libx264\npixel_format = yuv420p\n"
                      "[video_encoder.options]\npreset = ultrafast\nx264-params = qp=0\n")
    media = work / "reference-media"
    env = {**os.environ, "LESSONREEL_NARRATION": "none",
           "LESSONREEL_CACHE_DIR": str(work / "cache"),
           "LESSONREEL_TEX_DIR": str(work / "cache" / "tex"),
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", ""))
                                         if p)}
    run([sys.executable, "-c", _CAPPED_MANIM, str(seconds), "render", f"-q{quality.flag}",
         "--config_file", str(config), "--media_dir", str(media), "--disable_caching",
         "--progress_bar", "none", "-o", scene, str(scene_file), scene],
        work / f"render-{scene}.log", env=env)
    videos = sorted(media.glob(f"videos/**/{scene}.mp4"))
    if len(videos) != 1:
        raise SystemExit(f"expected one video of {scene} under {media}, found {len(videos)}")
    reference = reference_path(work, scene, quality, seconds)
    shutil.move(videos[0], reference)
    shutil.rmtree(media, ignore_errors=True)
    # x264 signals lossless coding (qp 0) with this profile, even for 4:2:0.
    profile = stream_info(reference).get("profile", "")
    if "Predictive" not in profile:
        raise SystemExit(f"the reference of {scene} is not lossless (profile {profile!r})")
    return reference


def count_frames(video: Path) -> int:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(video)],
        capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def stream_info(video: Path) -> dict[str, str]:
    """Profile and level as ffprobe reads them, and the options x264 wrote into the stream."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=profile,level,pix_fmt,has_b_frames", "-of", "json", str(video)],
        capture_output=True, text=True, check=True).stdout
    info = {k: str(v) for k, v in json.loads(out)["streams"][0].items()}
    # x264 records every option it encoded with in an SEI message of the first frame.
    sei = _X264_OPTIONS.search(video.read_bytes()[:1_000_000])
    if sei:
        for item in sei.group(1).decode(errors="replace").split():
            key, _, value = item.partition("=")
            info[key] = value
    return info


def decoder(reference: Path, frames: int) -> list[str]:
    """ffmpeg that decodes the reference and writes its first ``frames`` frames to stdout."""
    return ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(reference),
            "-frames:v", str(frames), "-f", "yuv4mpegpipe", "-"]


def run_on_reference(command: list[str], reference: Path, frames: int, log: Path) -> str:
    """Run ``command`` with the reference's first ``frames`` frames on its stdin."""
    source = subprocess.Popen(decoder(reference, frames), stdout=subprocess.PIPE)
    try:
        return run(command, log, stdin=source.stdout.fileno() if source.stdout else None)
    finally:
        if source.stdout:
            source.stdout.close()
        source.wait()


def x264_params(quality: Quality) -> str:
    # As lessonreel.render.quality.encoder_config writes them: the settings that keep
    # scenes joinable are not what is being chosen here.
    gop = quality.gop
    return f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=2:open-gop=0"


def encode(reference: Path, frames: int, setting: Setting, quality: Quality, threads: str,
           out: Path, log: Path) -> tuple[float, float]:
    """Encode; (CPU seconds, wall seconds) of the encoder process, from ``-benchmark``."""
    thread_options = (["-threads", "1"] if threads == "1" else
                      # What PyAV asks of libx264 inside Manim: auto count, sliced threads.
                      ["-threads", "0", "-thread_type", "slice"])
    tune = ["-tune", setting.tune] if setting.tune else []
    command = ["ffmpeg", "-nostdin", "-nostats", "-hide_banner", "-y", "-benchmark",
               "-f", "yuv4mpegpipe", "-i", "-", "-an",
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-profile:v", "high",
               "-preset", setting.preset, *tune, "-crf", f"{setting.crf:g}",
               "-x264-params", x264_params(quality), *thread_options, str(out)]
    stderr = run_on_reference(command, reference, frames, log)
    match = _BENCH.search(stderr)
    if match is None:
        raise SystemExit(f"no -benchmark line in {log}")
    utime, stime, rtime = (float(g) for g in match.groups())
    return utime + stime, rtime


def compare(encoded: Path, reference: Path, frames: int, work: Path, log: Path,
            result: Encode) -> None:
    """PSNR and SSIM of ``encoded`` against the reference, both in yuv420p."""
    stats = work / "psnr.log"
    # Both filters need both inputs: split each so psnr and ssim see the same frames.
    graph = ("[0:v]split[a0][a1];[1:v]split[b0][b1];"
             f"[a0][b0]psnr=stats_file={stats};[a1][b1]ssim")
    command = ["ffmpeg", "-nostdin", "-nostats", "-hide_banner", "-i", str(encoded),
               "-f", "yuv4mpegpipe", "-i", "-", "-lavfi", graph, "-f", "null", "-"]
    stderr = run_on_reference(command, reference, frames, log)
    match = _SSIM.search(stderr)
    if match is None:
        raise SystemExit(f"no SSIM line in {log}")
    result.ssim = float(match.group(1))
    # A frame's mse_avg is over all its samples (every plane), and every frame has
    # as many, so their mean is the squared error of the whole clip.
    mse = [float(fields["mse_avg"]) for fields in
           (dict(item.split(":", 1) for item in line.split() if ":" in item)
            for line in stats.read_text().splitlines())
           if "mse_avg" in fields]
    if len(mse) != frames:
        raise SystemExit(f"psnr compared {len(mse)} frames of {encoded}, expected {frames}")
    result.mse_sum = sum(mse)
    stats.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="module02-derivatives")
    parser.add_argument("--scene", action="append",
                        help="a scene to measure (repeatable; default "
                             f"{', '.join(DEFAULT_SCENES)})")
    parser.add_argument("--seconds", type=float, default=0.0,
                        help="keep only the first N seconds of each scene (default: whole)")
    parser.add_argument("--quality", default="high", choices=list(QUALITIES))
    parser.add_argument("--preset", action="append",
                        help=f"an x264 preset to try (repeatable; default {', '.join(PRESETS)})")
    parser.add_argument("--repeat", type=int, default=2,
                        help="time every encode this many times and keep the least (default 2)")
    parser.add_argument("--same-crf", action="store_true",
                        help=f"compare every setting at crf {BASELINE_CRF:g}, not at the CRF "
                             "that gives today's quality")
    parser.add_argument("--crf-step", type=float, default=0.5,
                        help="the equal-quality search's step in CRF (default 0.5)")
    parser.add_argument("--work", type=Path,
                        help="keep references, logs and measurements in this folder, and "
                             "reuse what an earlier run with the same options left there")
    args = parser.parse_args()

    lesson = get_lesson(args.lesson)
    refs = lesson.select(args.scene or list(DEFAULT_SCENES))
    quality = QUALITIES[args.quality]
    presets = args.preset or list(PRESETS)
    if BASELINE[0] not in presets:
        presets.insert(0, BASELINE[0])
    families = [Setting(p, t) for p in presets for t in ("", "animation")]
    baseline = Setting(*BASELINE)
    work = args.work or Path(tempfile.mkdtemp(prefix="lessonreel-encoder-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    store = Store(work / "measurements.json", {"quality": quality.name, "seconds": args.seconds,
                                                "params": x264_params(quality)})
    load_before = os.getloadavg()
    console.print(f"benchmark folder: {work}")
    console.print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}")

    references: dict[str, tuple[Path, int]] = {}
    for ref in refs:
        reference = reference_path(work, ref.name, quality, args.seconds)
        if not reference.exists():
            console.print(f"{ref.name}: rendering the lossless reference …")
            started = time.monotonic()
            render_reference(ref.name, ref.file, quality, args.seconds, work)
            console.print(f"    rendered in {time.monotonic() - started:.0f} s")
        frames = count_frames(reference)
        if args.seconds > 0:
            frames = min(frames, round(args.seconds * quality.fps))
        references[ref.name] = (reference, frames)
        console.print(f"{ref.name}: {frames} frames ({frames / quality.fps:.1f} s)")

    def measured(setting: Setting) -> dict[str, Encode]:
        """``setting``'s size, PSNR and SSIM on every scene, encoded once each."""
        found = {}
        for name, (reference, frames) in references.items():
            key = f"{name}/{frames}/{setting.label}"
            data = store.get(key, "quality")
            if data is None:
                stem = f"{name}.{setting.preset}.{setting.tune or 'none'}.{setting.crf:g}"
                out = work / f"{stem}.mp4"
                cpu, wall = encode(reference, frames, setting, quality, "auto", out,
                                   work / f"{stem}.encode.log")
                if not store.get(key, "threads=auto"):
                    store.put(key, "threads=auto", [[cpu, wall]])
                one = Encode(frames=frames, size=out.stat().st_size, stream=stream_info(out))
                compare(out, reference, frames, work, work / f"{stem}.compare.log", one)
                out.unlink()
                data = {"size": one.size, "stream": one.stream, "mse_sum": one.mse_sum,
                        "ssim": one.ssim}
                store.put(key, "quality", data)
            found[name] = Encode(frames=frames, **data)
        return found

    today = measured(baseline)
    target = pooled({n: {baseline: e} for n, e in today.items()}, baseline)
    settings = [baseline]
    for family in families:
        if family == baseline:
            continue
        if args.same_crf:
            settings.append(family)
            continue
        setting = equal_quality(family, measured, target, args.crf_step)
        if setting is None:
            console.print(f"{family.label}: no CRF from {CRF_RANGE[0]:g} to {CRF_RANGE[1]:g} "
                          "gives today's quality")
            continue
        console.print(f"{family.label}: today's quality at crf {setting.crf:g}")
        settings.append(setting)

    results: dict[str, dict[Setting, Encode]] = {
        name: {setting: measured(setting)[name] for setting in settings}
        for name in references}
    # Whole rounds over every setting, the order reversed every other round, so a
    # change in the machine's load falls on all of them alike; each time kept is
    # the least of its rounds, the one least disturbed by other work.
    for name, (reference, frames) in references.items():
        for round_ in range(args.repeat):
            for setting in settings if round_ % 2 == 0 else settings[::-1]:
                stem = f"{name}.{setting.preset}.{setting.tune or 'none'}.{setting.crf:g}"
                key = f"{name}/{frames}/{setting.label}"
                for threads in ("auto", "1"):
                    if len(store.get(key, f"threads={threads}") or []) > round_:
                        continue
                    out = work / f"{stem}.timing.mp4"
                    cpu, wall = encode(reference, frames, setting, quality, threads, out,
                                       work / f"{stem}.threads={threads}.{round_}.log")
                    out.unlink()
                    store.put(key, f"threads={threads}",
                              [*(store.get(key, f"threads={threads}") or []), [cpu, wall]])
                    console.print(f"    {name}, round {round_ + 1}, {setting.label}, threads "
                                  f"{threads}: {cpu:.1f} s CPU, {wall:.1f} s wall")
        for setting in settings:
            key = f"{name}/{frames}/{setting.label}"
            result = results[name][setting]
            auto = store.get(key, "threads=auto")[: args.repeat]
            single = store.get(key, "threads=1")[: args.repeat]
            result.cpu, result.wall = min(c for c, _ in auto), min(w for _, w in auto)
            result.cpu_1, result.wall_1 = min(c for c, _ in single), min(w for _, w in single)
            result.cpu_spread = max(c for c, _ in auto) / result.cpu
    load_after = os.getloadavg()

    frames_of = {name: frames for name, (_, frames) in references.items()}
    report(results, frames_of, settings, baseline, quality, load_before, load_after,
           same_crf=args.same_crf)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


def equal_quality(family: Setting, measured: Any, target: Encode,
                  step: float) -> Setting | None:
    """``family`` at the highest CRF (on a grid of ``step``) whose pooled PSNR and SSIM are
    at least ``target``'s, found by bisection: a higher CRF is never a better picture.
    None if even the lowest CRF of :data:`CRF_RANGE` falls short."""

    def good(crf: float) -> bool:
        setting = family.at(crf)
        total = pooled({n: {setting: e} for n, e in measured(setting).items()}, setting)
        return total.psnr >= target.psnr and total.ssim >= target.ssim

    grid = [CRF_RANGE[0] + i * step
            for i in range(int(round((CRF_RANGE[1] - CRF_RANGE[0]) / step)) + 1)]
    if not good(grid[0]):
        return None
    low, high = 0, len(grid) - 1  # good(grid[low]) holds; find the last index that does
    if good(grid[high]):
        return family.at(grid[high])
    while high - low > 1:
        middle = (low + high) // 2
        if good(grid[middle]):
            low = middle
        else:
            high = middle
    return family.at(grid[low])


class Store:
    """Measurements kept in a JSON file as they are made, so a run can be resumed."""

    def __init__(self, path: Path, options: dict[str, object]) -> None:
        self.path = path
        self.options = options
        self.data: dict[str, dict[str, Any]] = {}
        if path.exists():
            saved = json.loads(path.read_text())
            # Measurements of other options (quality, clip length, GOP) do not apply.
            if saved.get("options") == options:
                self.data = saved["measurements"]

    def get(self, key: str, what: str) -> Any:
        return self.data.get(key, {}).get(what)

    def put(self, key: str, what: str, value: object) -> None:
        self.data.setdefault(key, {})[what] = value
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"options": self.options, "measurements": self.data},
                                        indent=1))
        temporary.replace(self.path)


def pooled(results: dict[str, dict[Setting, Encode]], setting: Setting) -> Encode:
    total = Encode()
    weighted_ssim = 0.0
    for scene in results.values():
        one = scene[setting]
        total.cpu += one.cpu
        total.wall += one.wall
        total.cpu_1 += one.cpu_1
        total.wall_1 += one.wall_1
        total.size += one.size
        total.mse_sum += one.mse_sum
        total.frames += one.frames
        weighted_ssim += one.ssim * one.frames
    total.ssim = weighted_ssim / max(1, total.frames)
    return total


def qualifies(results: dict[str, dict[Setting, Encode]], setting: Setting,
              baseline: Setting) -> list[str]:
    """Why ``setting`` may not replace the baseline (empty: it may)."""
    reasons = []
    for name, scene in results.items():
        if scene[setting].psnr < scene[baseline].psnr - MAX_PSNR_LOSS:
            reasons.append(f"PSNR in {name}")
        if scene[setting].ssim < scene[baseline].ssim - MAX_SSIM_LOSS:
            reasons.append(f"SSIM in {name}")
    if pooled(results, setting).size > pooled(results, baseline).size * (1 + MAX_SIZE_GROWTH):
        reasons.append("size")
    # The scenes are joined without re-encoding into one High-profile stream: a preset
    # that drops High's tools (ultrafast: no CABAC, no 8x8 transform) comes out Main.
    profiles = {scene[setting].stream.get("profile", "?") for scene in results.values()}
    if profiles != {"High"}:
        reasons.append(f"profile {', '.join(sorted(profiles))}, not High")
    return reasons


def report(results: dict[str, dict[Setting, Encode]], frames_of: dict[str, int],
           settings: list[Setting], baseline: Setting, quality: Quality,
           load_before: tuple[float, float, float], load_after: tuple[float, float, float],
           same_crf: bool = False) -> None:
    base = pooled(results, baseline)
    frames = sum(frames_of.values())
    machine = platform.processor() or platform.machine()
    table = Table(title=(
        f"x264 at {quality.width}x{quality.height} {quality.fps} fps, "
        f"{'crf 20 for all' if same_crf else 'each at the CRF of today’s quality'}, on "
        f"{', '.join(f'{n} ({f} frames)' for n, f in frames_of.items())}; "
        f"{os.cpu_count()} cores {machine}, {date.today().isoformat()}"))
    columns = ("setting", "x264 CPU", "frames/CPU s", "wall", "CPU, 1 thread", "wall, 1 thread",
               "size", "PSNR", "SSIM", "stream", "qualifies")
    for column in columns:
        table.add_column(column, justify="left" if column in ("setting", "stream", "qualifies")
                         else "right")
    eligible = []
    for setting in settings:
        total = pooled(results, setting)
        reasons = qualifies(results, setting, baseline)
        if not reasons:
            eligible.append((total.cpu, setting))
        table.add_row(
            setting.label,
            f"{total.cpu:.1f} s ×{total.cpu / base.cpu:.2f}",
            f"{frames / total.cpu:.0f}",
            f"{total.wall:.1f} s",
            f"{total.cpu_1:.1f} s ×{total.cpu_1 / base.cpu_1:.2f}",
            f"{total.wall_1:.1f} s",
            f"{total.size / 1e6:.1f} MB {total.size / base.size - 1:+.1%}",
            f"{total.psnr:.2f} dB {total.psnr - base.psnr:+.2f}",
            f"{total.ssim:.5f} {total.ssim - base.ssim:+.5f}",
            describe(results, setting),
            "yes" if not reasons else "no: " + ", ".join(reasons),
        )
    console.print(table)

    scenes = Table(title="each scene against medium: PSNR, SSIM, size, x264 CPU")
    scenes.add_column("setting")
    for name in results:
        scenes.add_column(name, justify="right")
    for setting in settings:
        row = [setting.label]
        for scene in results.values():
            one, ref = scene[setting], scene[baseline]
            row.append(f"{one.psnr - ref.psnr:+.2f} dB, {one.ssim - ref.ssim:+.5f}, "
                       f"{one.size / ref.size - 1:+.1%}, ×{one.cpu / ref.cpu:.2f}")
        scenes.add_row(*row)
    console.print(scenes)
    spreads = sorted(one.cpu_spread for scene in results.values() for one in scene.values())
    console.print("CPU time, most over least of the rounds: "
                  f"median ×{spreads[len(spreads) // 2]:.2f}, worst ×{spreads[-1]:.2f}")
    console.print("load average (1, 5, 15 min) before: "
                  + " ".join(f"{x:.2f}" for x in load_before)
                  + "; after: " + " ".join(f"{x:.2f}" for x in load_after))

    cpu, chosen = min(eligible, key=lambda pair: pair[0])
    total = pooled(results, chosen)
    console.print(
        f"choice: {chosen.label}, the fastest setting within {MAX_PSNR_LOSS} dB PSNR and "
        f"{MAX_SSIM_LOSS} SSIM of {baseline.label} in every scene at no more than "
        f"{MAX_SIZE_GROWTH:.0%} more bytes: x264 CPU ×{cpu / base.cpu:.2f} "
        f"({cpu:.1f} s against {base.cpu:.1f} s; one thread ×{total.cpu_1 / base.cpu_1:.2f}), "
        f"PSNR {total.psnr - base.psnr:+.2f} dB, SSIM {total.ssim - base.ssim:+.5f}, "
        f"size {total.size / base.size - 1:+.1%}; {describe(results, chosen)}")


def describe(results: dict[str, dict[Setting, Encode]], setting: Setting) -> str:
    """What the joined stream keeps: profile, level, references, B-frames, GOP."""
    info = next(iter(results.values()))[setting].stream
    closed = "closed" if info.get("open_gop") == "0" else f"open_gop={info.get('open_gop')}"
    level = info.get("level", "?")
    level = f"{int(level) / 10:.1f}" if level.isdigit() else level
    return (f"{info.get('profile', '?')} {level}, ref {info.get('ref', '?')}, "
            f"B {info.get('bframes', '?')}, {closed} GOP {info.get('keyint', '?')}")


if __name__ == "__main__":
    main()
