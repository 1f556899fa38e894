"""A held frame converted once: the video is the same, byte for byte and frame for frame."""

from __future__ import annotations

import configparser
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from lessonreel.authoring import repeats
from lessonreel.render.quality import QUALITIES, encoder_config


def encode(target: Path, frames: list[tuple[np.ndarray, int]]) -> None:
    """``frames`` (RGBA, repeat) through Manim's own segment encoder, as a scene writes them,
    with lessonreel's x264 settings."""
    from manim._config.video_encoder import VideoEncoderSpec
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    quality = QUALITIES["low"]
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(encoder_config(quality))
    spec = VideoEncoderSpec(
        container_format="mp4", codec=parser["video_encoder"]["codec"],
        pixel_format=parser["video_encoder"]["pixel_format"],
        width=quality.width, height=quality.height, frame_rate=Fraction(quality.fps),
        options=tuple(parser.items("video_encoder.options")))
    encoder = VideoSegmentEncoder(target=target, spec=spec)
    for pixels, repeat in frames:
        encoder.write_frame(pixels, repeat=repeat)
    encoder.finish()


def decoded(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="yuv420p") for frame in container.decode(video=0)]


@pytest.fixture
def held_frames() -> list[tuple[np.ndarray, int]]:
    """A picture with colour, edges and gradients (what the conversion can get wrong),
    shown once, held for 7 frames, changed, held for 12."""
    quality = QUALITIES["low"]
    y, x = np.mgrid[0:quality.height, 0:quality.width]
    rng = np.random.default_rng(7)
    pictures = []
    for shift in (0, 40, 90):
        rgba = np.zeros((quality.height, quality.width, 4), np.uint8)
        rgba[..., 0] = (x + shift) % 256
        rgba[..., 1] = (y * 2 + shift) % 256
        rgba[..., 2] = rng.integers(0, 256, size=x.shape)
        rgba[..., 3] = 255
        rgba[100:200, 300 + shift:420 + shift] = (240, 228, 66, 255)  # a flat accent block
        pictures.append(np.ascontiguousarray(rgba))
    return [(pictures[0], 1), (pictures[1], 7), (pictures[2], 12)]


def test_a_held_frame_converted_once_makes_the_same_video(
        tmp_path: Path, held_frames: list[tuple[np.ndarray, int]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    with monkeypatch.context() as patch:
        # Manim's own encoder first, then the same frames with the patch installed.
        patch.setattr(VideoSegmentEncoder, "write_frame", VideoSegmentEncoder.write_frame)
        encode(tmp_path / "manim.mp4", held_frames)
        repeats.install()
        assert getattr(VideoSegmentEncoder.write_frame, repeats._MARK)
        encode(tmp_path / "once.mp4", held_frames)
    manim, once = decoded(tmp_path / "manim.mp4"), decoded(tmp_path / "once.mp4")
    assert len(once) == len(manim) == 1 + 7 + 12
    assert all(np.array_equal(a, b) for a, b in zip(manim, once, strict=True))
    # x264 was handed the very same samples: the streams are the same bytes.
    with av.open(str(tmp_path / "manim.mp4")) as a, av.open(str(tmp_path / "once.mp4")) as b:
        assert [bytes(p) for p in a.demux(video=0)] == [bytes(p) for p in b.demux(video=0)]


def test_installing_twice_patches_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    with monkeypatch.context() as patch:
        patch.setattr(VideoSegmentEncoder, "write_frame", VideoSegmentEncoder.write_frame)
        repeats.install()
        once = VideoSegmentEncoder.write_frame
        repeats.install()
        assert VideoSegmentEncoder.write_frame is once
