"""Render qualities and the encoder settings every scene shares.

Every scene of a lesson is encoded alike (profile, pixel format, frame rate, a
closed GOP), so the scenes' H.264 streams can be joined without re-encoding.
"""

from __future__ import annotations

from dataclasses import dataclass

from lessonreel.errors import UsageError


@dataclass(frozen=True)
class Quality:
    """A render quality: Manim's flag, frame size, frame rate and x264's CRF."""

    name: str
    flag: str
    width: int
    height: int
    fps: int
    #: x264's CRF with :data:`PRESET` and :data:`TUNE`: the highest that keeps the picture
    #: of medium at crf 20, the encoder before them (scripts/encoder_bench.py, README).
    crf: float

    @property
    def gop(self) -> int:
        """Keyframe interval: half a second, so any cut point is near a keyframe."""
        return max(1, self.fps // 2)


#: x264's preset and tune: at equal quality the cheapest within 15 % more bytes of
#: medium at crf 20 (x264 CPU ×0.76 at 720p30, ×0.81 at 1080p60; README, "The encoder at
#: equal quality").
PRESET = "veryfast"
TUNE = "animation"

QUALITIES: dict[str, Quality] = {
    # Measured at medium (crf 20) and high (crf 18); low and 4k take the lower of the two,
    # never a worse picture than the measured ones.
    "low": Quality("low", "l", 854, 480, 15, crf=18.0),
    "medium": Quality("medium", "m", 1280, 720, 30, crf=20.0),
    "high": Quality("high", "h", 1920, 1080, 60, crf=18.0),
    "4k": Quality("4k", "k", 3840, 2160, 60, crf=18.0),
}


#: How many of a scene's animation files Manim encodes at once while drawing goes on
#: (``max_inflight_encoders``): the fastest of 1, 2 and 4 measured by
#: scripts/bench_encoding.py.
IN_FLIGHT_ENCODERS = 4


def get_quality(name: str) -> Quality:
    if name not in QUALITIES:
        raise UsageError(f"unknown quality {name!r}; choose one of: {', '.join(QUALITIES)}")
    return QUALITIES[name]


def encoder_config(quality: Quality) -> str:
    """Manim config that makes every scene's H.264 stream joinable without re-encoding,
    and lets a scene's drawing run on while its animations are encoded.

    All scenes share profile, pixel format, frame rate and a closed GOP, so the
    concat demuxer can copy their packets into one file and players can seek
    to any chapter start.
    """
    gop = quality.gop
    return "\n".join([
        "[video_encoder]",
        "codec = libx264",
        "pixel_format = yuv420p",
        "[video_encoder.options]",
        "profile = high",
        f"preset = {PRESET}",
        f"tune = {TUNE}",
        f"crf = {quality.crf:g}",
        # One x264 thread per encoder: with x264's own thread count a Dask worker and
        # the local pool encoded the same frames differently (README, "The encoder at
        # equal quality"); the in-flight encoders keep the cores busy instead.
        "threads = 1",
        # x264's own keys: a closed GOP of fps/2 frames, no scene-cut keyframes,
        # and exactly two B-frames, as YouTube's upload recommendations ask.
        f"x264-params = keyint={gop}:min-keyint={gop}:scenecut=0:bframes=2:open-gop=0",
        "[CLI]",
        # Each animation's file is encoded while the next is drawn, instead of the drawing
        # waiting for it at every animation's end (measured in the README: a scene alone
        # ×0.83 wall time at medium, no loss with two scenes on two cores).
        f"max_inflight_encoders = {IN_FLIGHT_ENCODERS}",
        "",
    ])

