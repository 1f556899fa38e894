"""What ffprobe says about a media file."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image

from lessonreel.errors import AssemblyError

#: How far two times may differ and still be one: the rounding of a timestamp between
#: clocks (an MP4 keeps its duration in milliseconds, a stream's clock ticks at
#: 1/15360 s), far below a frame (1/60 s at most).
TICK = 0.001


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's description of ``path``: format, streams and chapters."""
    try:
        result = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
             "-show_streams", "-show_chapters", str(path)],
            capture_output=True, text=True, check=False,
        )
    except FileNotFoundError as error:
        raise AssemblyError("ffprobe is not installed; run scripts/setup") from error
    if result.returncode != 0:
        raise AssemblyError(f"ffprobe cannot read {path}: {result.stderr.strip()}")
    info: dict[str, Any] = json.loads(result.stdout)
    return info


def _video_stream(path: Path) -> dict[str, Any]:
    for stream in probe(path)["streams"]:
        if stream["codec_type"] == "video":
            return dict(stream)
    raise AssemblyError(f"{path} has no video stream")


def frame_count(path: Path) -> int:
    stream = _video_stream(path)
    if "nb_frames" in stream:
        return int(stream["nb_frames"])
    return round(float(stream["duration"]) * Fraction(stream["r_frame_rate"]))


@dataclass(frozen=True)
class VideoTiming:
    """A video stream's clock, from one probe."""

    #: Its frames divided by its frame rate: how long it lasts on the lesson's clock.
    seconds: float
    #: When its picture starts and ends by its timestamps (an edit list applied): these
    #: see a picture shifted late, or a gap between joined pieces, which leave the
    #: frame count, and so ``seconds``, as they were.
    start: float
    end: float


def video_timing(path: Path) -> VideoTiming:
    stream = _video_stream(path)
    try:
        start = float(stream["start_time"])
        end = start + float(stream["duration"])
    except (KeyError, ValueError) as error:
        raise AssemblyError(f"{path}: its video stream has no start time or duration") from error
    if "nb_frames" in stream:
        seconds = float(int(stream["nb_frames"]) / Fraction(stream["r_frame_rate"]))
    else:
        seconds = float(stream["duration"])
    return VideoTiming(seconds, start, end)


def video_duration(path: Path) -> float:
    """Exact duration of the video stream: frames divided by frame rate."""
    return video_timing(path).seconds


def frames_off_grid(path: Path, fps: int) -> int:
    """How many frames of ``path``, in display order, are not shown at n / ``fps``
    (within :data:`TICK`); read from the packets, nothing decoded."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        base = stream.time_base
        assert base is not None
        times = sorted(float(packet.pts * base) for packet in container.demux(stream)
                       if packet.pts is not None)
    return sum(1 for n, t in enumerate(times) if abs(t - n / fps) > TICK)


def audio_duration(path: Path) -> float:
    """Seconds of sound in ``path``'s first audio stream."""
    for stream in probe(path)["streams"]:
        if stream["codec_type"] == "audio":
            try:
                return float(stream["duration"])
            except (KeyError, ValueError) as error:
                raise AssemblyError(f"{path}: its audio stream has no duration") from error
    raise AssemblyError(f"{path} has no audio stream")


def run_ffmpeg(args: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-y", *args]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise AssemblyError("ffmpeg is not installed; run scripts/setup") from error
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-3:]
        raise AssemblyError(f"ffmpeg failed while {what}: {' | '.join(tail)}")
    return result


def concat_listing(videos: Sequence[Path], durations: Sequence[float]) -> str:
    """An ffmpeg concat-demuxer list of ``videos``, each path quoted for the demuxer and
    given its exact duration (frames over frame rate).

    Without a ``duration`` the demuxer starts each file where the one before ends by
    its container's duration, which MP4 keeps in whole milliseconds: every seam moved
    the rest of the video up to a millisecond late. Inside single quotes the demuxer
    ends the string at any ``'``, so a quote in a path (``/home/o'neil``) is written as
    ``'\\''``: close, escaped quote, reopen.
    """
    return "".join("file '" + str(v.resolve()).replace("'", "'\\''") + "'\n"
                   f"duration {d:.6f}\n" for v, d in zip(videos, durations, strict=True))


def grab_frame(video: Path, at: float | None, target: Path) -> Image.Image:
    """One frame of ``video`` as an image: at ``at`` seconds, or the last frame if None."""
    seek = ["-sseof", "-0.5"] if at is None else ["-ss", f"{at:.3f}"]
    # -update 1 keeps overwriting one file, so what remains is the final decoded frame.
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *seek,
               "-i", str(video), "-frames:v", "1" if at is not None else "1000", "-update", "1",
               str(target)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not target.exists():
        raise AssemblyError(f"cannot read a frame from {video}: {result.stderr.strip()}")
    with Image.open(target) as image:
        return image.convert("RGB")
