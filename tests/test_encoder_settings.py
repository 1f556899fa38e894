"""The stream encoder_config makes keeps what joining scenes needs, whatever its preset.

The preset is chosen by measurement (scripts/encoder_bench.py) and may change;
what must not change is checked here on a real stream: High profile, yuv420p,
B-frames, and a closed GOP of exactly fps/2 frames with no scene-cut keyframes.
"""

from __future__ import annotations

import configparser
import json
import re
import subprocess
from pathlib import Path

import pytest

from lessonreel.render.quality import QUALITIES, encoder_config


def encode_like_manim(config_text: str, width: int, height: int, fps: int, frames: int,
                      target: Path) -> None:
    """Encode moving frames as Manim's VideoSegmentEncoder does with this config."""
    import av
    import numpy as np

    parser = configparser.ConfigParser()
    parser.read_string(config_text)
    codec = parser["video_encoder"]["codec"]
    options = dict(parser.items("video_encoder.options", raw=True))
    with av.open(str(target), mode="w", format="mp4") as container:
        stream = container.add_stream(codec, rate=fps, options=options)
        assert isinstance(stream, av.VideoStream)
        stream.pix_fmt = parser["video_encoder"]["pixel_format"]
        stream.width, stream.height = width, height
        base = np.zeros((height, width, 4), dtype=np.uint8)
        base[..., 0] = np.arange(width) % 256
        base[..., 1] = (np.arange(height) % 256)[:, None]
        base[..., 3] = 255
        for n in range(frames):
            # A gradient sliding sideways and a square crossing it: motion for B-frames.
            pixels = np.ascontiguousarray(np.roll(base, 4 * n, axis=1))
            left = (8 * n) % (width - 40)
            pixels[60:100, left:left + 40, :3] = 250
            frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
            frame.pts = n
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.mark.parametrize("name", list(QUALITIES))
def test_encoder_config_gives_high_profile_b_frames_and_a_closed_half_second_gop(
    name: str, tmp_path: Path
) -> None:
    quality = QUALITIES[name]
    video = tmp_path / "segment.mp4"
    # Three GOPs and a bit at the quality's frame rate; a small frame keeps it quick,
    # and nothing checked here depends on the frame size.
    frames = 3 * quality.gop + 3
    encode_like_manim(encoder_config(quality), 320, 180, quality.fps, frames, video)

    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=profile,pix_fmt,has_b_frames:frame=pict_type,key_frame", "-of", "json",
         str(video)], capture_output=True, text=True, check=True).stdout)
    stream = probe["streams"][0]
    assert (stream["profile"], stream["pix_fmt"], stream["has_b_frames"]) == ("High", "yuv420p", 2)
    pictures = probe["frames"]
    assert len(pictures) == frames
    keyframes = [i for i, picture in enumerate(pictures) if picture["key_frame"] == 1]
    assert keyframes == list(range(0, frames, quality.gop)), "a keyframe every fps/2 frames"
    assert "B" in {picture["pict_type"] for picture in pictures}

    # x264 writes the options it encoded with into the stream: the GOP is closed.
    options = re.search(rb"x264 - core .*? options: ([^\x00]*)", video.read_bytes())
    assert options is not None
    encoded = dict(item.split("=", 1) for item in options.group(1).decode().split()
                   if "=" in item)
    assert encoded["open_gop"] == "0" and encoded["bframes"] == "2"
    assert encoded["scenecut"] == "0" and encoded["keyint"] == str(quality.gop)


def test_a_scene_draws_on_while_its_animations_are_encoded(tmp_path: Path) -> None:
    """Manim reads the config's pool of in-flight encoders: more than one, so drawing the
    next animation does not wait for the last one's file to be encoded."""
    from manim import config, tempconfig

    settings = tmp_path / "manim.cfg"
    settings.write_text(encoder_config(QUALITIES["medium"]))
    with tempconfig({}):
        config.digest_file(settings)
        assert config.max_inflight_encoders > 1
