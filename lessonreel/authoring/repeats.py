"""A frame Manim holds (a wait, a frozen animation) converted to the video's pixel format
once, not once for every frame it is shown.

Manim draws a frozen frame once and hands it to its encoder with a repeat count, but the
encoder (``VideoSegmentEncoder.write_frame``) wraps the RGBA pixels in a new ``av``
frame and converts it to yuv420p again for every repeat: at 1080p that is an 8 MB copy
and a colour conversion per frame of every hold, wait and beat gap. Here the frame is
converted once, by the same reformatter with the same arguments as PyAV's encoder uses
(so the encoder receives the very same samples, and the video is byte for byte the
same), and the converted frame is encoded ``repeat`` times with consecutive timestamps.
x264 copies each picture it is given, so handing it the same one again is safe.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

#: Set on the patched method, so installing twice patches once.
_MARK = "_lessonreel_converts_once"


def install() -> None:
    """Patch Manim's segment encoder in this process (a scene's Manim process)."""
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    if getattr(VideoSegmentEncoder.write_frame, _MARK, False):
        return
    original = VideoSegmentEncoder.write_frame

    def write_frame(self: Any, pixels: Any, *, repeat: int = 1) -> None:
        if repeat == 1:
            original(self, pixels, repeat=1)
            return
        self._validate_frame(pixels, repeat)
        try:
            converted = _converted(self._stream, pixels)
            time_base = Fraction(self.spec.frame_rate.denominator,
                                 self.spec.frame_rate.numerator)
            for _ in range(repeat):
                converted.pts = self._next_pts
                converted.time_base = time_base
                self._next_pts += 1
                for packet in self._stream.encode(converted):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error

    setattr(write_frame, _MARK, True)
    write_frame.__doc__ = original.__doc__
    VideoSegmentEncoder.write_frame = write_frame  # type: ignore[method-assign]


def _converted(stream: Any, pixels: Any) -> Any:
    """``pixels`` (RGBA) as the encoder would convert them: PyAV's own reformatter, with
    the arguments its codec context passes (``VideoCodecContext._prepare_frames_for_encode``)."""
    import av
    from av.video.reformatter import VideoReformatter

    context = stream.codec_context
    frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
    return VideoReformatter().reformat(frame, context.width, context.height, context.format,
                                       threads=context.thread_count)
