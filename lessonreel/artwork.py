"""Still images made from a rendered lesson: the thumbnail and the contact sheet."""

from __future__ import annotations

import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from lessonreel import theme
from lessonreel.chapters import clock
from lessonreel.errors import AssemblyError
from lessonreel.files import staged

THUMBNAIL_SIZE = (1280, 720)
#: YouTube refuses custom thumbnails of 2 MB or more.
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
SHEET_COLUMNS = 3
SHEET_TILE = (480, 270)


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    """The theme's font, found through fontconfig as Pango finds it."""
    pattern = f"{theme.FONT}:bold" if bold else theme.FONT
    result = subprocess.run(["fc-match", "-f", "%{file}", pattern],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0 or not Path(result.stdout).is_file():
        raise AssemblyError(f"font {pattern!r} not found; install fonts-dejavu-core")
    return ImageFont.truetype(result.stdout, size)


def last_frame_time(end: float, fps: int) -> float:
    """A time that seeks to the last frame shown before ``end``.

    ffmpeg's accurate seek returns the first frame at or after the time asked
    for, and that frame starts at ``end - 1/fps``: ask a little before it.
    """
    return max(0.0, end - 1.5 / fps)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def make_thumbnail(frame: Image.Image, title: str, course: str, target: Path) -> None:
    """1280x720: the lesson title, large, on a darkened band over a frame of the lesson."""
    width, height = THUMBNAIL_SIZE
    scale = max(width / frame.width, height / frame.height)
    image = frame.resize((math.ceil(frame.width * scale), math.ceil(frame.height * scale)),
                         Image.Resampling.LANCZOS).crop((0, 0, width, height))
    # A band that darkens toward the bottom keeps the title readable over any frame.
    shade = Image.new("L", (1, height))
    for row in range(height):
        ramp = min(1.0, max(0.0, (row - height * 0.3) / (height * 0.25)))
        shade.putpixel((0, row), int(232 * ramp))
    overlay = Image.new("RGB", (width, height), _hex(theme.BACKGROUND))
    image = Image.composite(overlay, image, shade.resize((width, height)))

    draw = ImageDraw.Draw(image)
    margin = 64
    size = 84
    title_font, course_font = _font(True, size), _font(False, 40)
    lines = _wrap(draw, title, title_font, width - 2 * margin)
    while len(lines) > 3 and size > 48:
        size -= 8
        title_font = _font(True, size)
        lines = _wrap(draw, title, title_font, width - 2 * margin)
    line_height = int(size * 1.15)
    y = height - margin - line_height * len(lines)
    draw.text((margin, y - 62), course, font=course_font, fill=_hex(theme.HIGHLIGHT_COLOR))
    for line in lines:
        draw.text((margin, y), line, font=title_font, fill=_hex(theme.TEXT_COLOR))
        y += line_height
    _save_png(image, target, THUMBNAIL_MAX_BYTES)


def _save_png(image: Image.Image, target: Path, max_bytes: int | None = None) -> None:
    with staged(target) as tmp:
        image.save(tmp, format="PNG", optimize=True)
        if max_bytes is not None and tmp.stat().st_size >= max_bytes:
            # A palette of 256 colours keeps a flat-shaded frame under the limit.
            image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
                tmp, format="PNG", optimize=True)
        if max_bytes is not None and tmp.stat().st_size >= max_bytes:
            raise AssemblyError(f"{target.name} is {tmp.stat().st_size} bytes, over {max_bytes}")


@dataclass(frozen=True)
class SheetEntry:
    title: str
    start: float
    frame: Image.Image


def make_contact_sheet(entries: Sequence[SheetEntry], title: str, target: Path) -> None:
    """Every chapter's last frame in a grid, captioned with its start time and title."""
    tile_w, tile_h = SHEET_TILE
    gap, caption_h, header_h = 24, 44, 80
    columns = min(SHEET_COLUMNS, len(entries))
    rows = math.ceil(len(entries) / columns)
    width = columns * tile_w + (columns + 1) * gap
    height = header_h + rows * (tile_h + caption_h + gap) + gap
    sheet = Image.new("RGB", (width, height), _hex(theme.BACKGROUND))
    draw = ImageDraw.Draw(sheet)
    draw.text((gap, 22), title, font=_font(True, 36), fill=_hex(theme.TEXT_COLOR))
    caption_font = _font(False, 22)
    for index, entry in enumerate(entries):
        row, column = divmod(index, columns)
        x = gap + column * (tile_w + gap)
        y = header_h + row * (tile_h + caption_h + gap)
        sheet.paste(entry.frame.resize(SHEET_TILE, Image.Resampling.LANCZOS), (x, y))
        caption = f"{clock(entry.start)}  {entry.title}"
        while draw.textlength(caption, font=caption_font) > tile_w and len(caption) > 4:
            caption = caption[:-2] + "…"
        draw.text((x, y + tile_h + 10), caption, font=caption_font,
                  fill=_hex(theme.MUTED_TEXT_COLOR))
    _save_png(sheet, target)
