"""Still images made from a rendered lesson: the thumbnail and the contact sheet."""

from __future__ import annotations

import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from lessonreel.authoring import theme
from lessonreel.captions.chapters import clock
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


#: YouTube shows a thumbnail this size in its lists (search, suggestions, a channel's videos).
LIST_SIZE = (320, 180)
#: The hook's capitals are at least this many pixels tall at ``LIST_SIZE``: a glance
#: reads them there (18 px is about the cap height of YouTube's own title text beside it).
MIN_LIST_CAP_HEIGHT = 18
#: At most this many lines: more is a sentence, not a hook.
HOOK_MAX_LINES = 3
#: The largest type a hook is set in, in pixels at ``THUMBNAIL_SIZE``.
HOOK_MAX_SIZE = 150
THUMBNAIL_MARGIN = 64
#: The share of the canvas's width the picture takes when the hook sits beside it.
PICTURE_SHARE = 0.58


@dataclass(frozen=True)
class HookLayout:
    """The hook as set on the 1280x720 thumbnail: its lines, font size and cap height."""

    lines: tuple[str, ...]
    #: Font size in pixels at ``THUMBNAIL_SIZE``.
    size: int
    #: Height of a capital (DejaVu Sans Bold's "H") in pixels at ``THUMBNAIL_SIZE``.
    cap_height: int
    line_height: int

    def cap_height_at(self, width: int) -> float:
        """The capitals' height, in pixels, when the thumbnail is shown ``width`` wide."""
        return self.cap_height * width / THUMBNAIL_SIZE[0]


def _cap_height(font: ImageFont.FreeTypeFont) -> int:
    _, top, _, bottom = font.getbbox("H", anchor="ls")
    return round(bottom - top)


def layout_hook(hook: str, width: int) -> HookLayout:
    """The largest setting of ``hook`` that fits ``width`` pixels in a few lines.

    A hook that only fits in type too small to read in YouTube's lists is an error
    naming the fix, not a thumbnail nobody can read.
    """
    floor = math.ceil(MIN_LIST_CAP_HEIGHT * THUMBNAIL_SIZE[0] / LIST_SIZE[0])
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for size in range(HOOK_MAX_SIZE, 0, -4):
        font = _font(True, size)
        cap = _cap_height(font)
        if cap < floor:
            break
        lines = _wrap(draw, hook, font, width)
        if (len(lines) <= HOOK_MAX_LINES
                and all(draw.textlength(line, font=font) <= width for line in lines)):
            return HookLayout(tuple(lines), size, cap, int(size * 1.12))
    raise AssemblyError(
        f"thumbnail hook {hook!r} does not fit in {HOOK_MAX_LINES} lines large enough to "
        f"read at {LIST_SIZE[0]}x{LIST_SIZE[1]}; shorten it in the lesson's Thumbnail(hook=...)")


def crop_frame(frame: Image.Image,
               crop: tuple[float, float, float, float] | None) -> Image.Image:
    """The part of a frame named in scene units (left, bottom, right, top), or all of it."""
    if crop is None:
        return frame
    left, bottom, right, top = crop
    per_x, per_y = frame.width / theme.FRAME_WIDTH, frame.height / theme.FRAME_HEIGHT
    box = (round((left + theme.FRAME_WIDTH / 2) * per_x),
           round((theme.FRAME_HEIGHT / 2 - top) * per_y),
           round((right + theme.FRAME_WIDTH / 2) * per_x),
           round((theme.FRAME_HEIGHT / 2 - bottom) * per_y))
    return frame.crop(box)


def make_thumbnail(frame: Image.Image, hook: str, target: Path,
                   crop: tuple[float, float, float, float] | None = None) -> HookLayout:
    """1280x720: the picture on the right, the hook beside it in type that reads at 320x180.

    ``crop`` (scene units) keeps the picture and leaves out the scene's title and any
    faded text; the hook is the only text, so nothing on the thumbnail is too small to
    read in a list or says the title YouTube prints beside it. A hook with a word too
    long for the column beside the picture (a lesson's title standing in for a hook it
    does not declare) is set across the whole width over the picture, dimmed. Returns
    the hook's layout.
    """
    hook = " ".join(hook.split())
    width, height = THUMBNAIL_SIZE
    picture = crop_frame(frame, crop)
    box_w, box_h = int(width * PICTURE_SHARE), height
    scale = min(box_w / picture.width, box_h / picture.height)
    beside = picture.resize((max(1, round(picture.width * scale)),
                             max(1, round(picture.height * scale))),
                            Image.Resampling.LANCZOS)
    left = width - beside.width
    ramp = max(1, beside.width // 4)
    # From the margin to halfway into the picture's faded edge, less half a margin of air.
    column = left + ramp // 2 - THUMBNAIL_MARGIN - THUMBNAIL_MARGIN // 2
    image = Image.new("RGB", (width, height), _hex(theme.BACKGROUND))
    try:
        layout = layout_hook(hook, column)
    except AssemblyError:
        layout = layout_hook(hook, width - 2 * THUMBNAIL_MARGIN)
        scale = max(width / picture.width, height / picture.height)
        cover = picture.resize((math.ceil(picture.width * scale),
                                math.ceil(picture.height * scale)), Image.Resampling.LANCZOS)
        cover = cover.crop(((cover.width - width) // 2, (cover.height - height) // 2,
                            (cover.width + width) // 2, (cover.height + height) // 2))
        image = Image.blend(cover.resize((width, height)), image, 0.7)
    else:
        # The picture's left edge fades into the background, so the hook may run over
        # it and the crop's edge draws no hard line.
        fade = Image.new("L", (beside.width, 1), 255)
        for x in range(ramp):
            fade.putpixel((x, 0), int(255 * x / ramp))
        image.paste(beside, (left, (height - beside.height) // 2), fade.resize(beside.size))

    draw = ImageDraw.Draw(image)
    font = _font(True, layout.size)
    y = (height - layout.line_height * len(layout.lines)) // 2
    for line in layout.lines:
        # An outline in the background colour keeps a line legible where it crosses
        # the picture.
        draw.text((THUMBNAIL_MARGIN, y), line, font=font, fill=_hex(theme.TEXT_COLOR),
                  stroke_width=max(2, layout.size // 24), stroke_fill=_hex(theme.BACKGROUND))
        y += layout.line_height
    _save_png(image, target, THUMBNAIL_MAX_BYTES)
    return layout


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
