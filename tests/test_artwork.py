"""The contact sheet and the thumbnail, read back as an author and a viewer read them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from lessonreel.assemble.artwork import (
    LIST_SIZE,
    MIN_LIST_CAP_HEIGHT,
    PICTURE_SHARE,
    THUMBNAIL_SIZE,
    SheetEntry,
    crop_frame,
    layout_hook,
    make_contact_sheet,
    make_thumbnail,
)
from lessonreel.authoring.lesson import get_lesson
from lessonreel.authoring.theme import BACKGROUND, FRAME_HEIGHT, FRAME_WIDTH
from lessonreel.errors import AssemblyError, LessonDeclarationError

COLOURS = [(220, 40, 40), (40, 200, 60), (50, 80, 230), (230, 200, 30), (200, 60, 200)]


def tiles(sheet: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom) of the pixels of one tile's colour."""
    pixels = np.asarray(sheet.convert("RGB")).astype(int)
    match = np.abs(pixels - np.array(colour)).sum(axis=2) < 12
    ys, xs = np.nonzero(match)
    assert len(xs), f"no tile of colour {colour}"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_each_chapter_gets_a_whole_16_by_9_tile_in_reading_order_with_its_caption_below(
        tmp_path: Path) -> None:
    entries = [SheetEntry(f"Chapter {i}", 61.0 * i, Image.new("RGB", (1920, 1080), colour))
               for i, colour in enumerate(COLOURS)]
    target = tmp_path / "sheet.png"
    make_contact_sheet(entries, "Course: lesson", target)
    with Image.open(target) as sheet:
        sheet.load()
    boxes = [tiles(sheet, colour) for colour in COLOURS]
    for left, top, right, bottom in boxes:
        width, height = right - left, bottom - top
        assert abs(width / height - 16 / 9) < 0.01
        # The whole frame, at a size a thumbnail strip can be read at.
        assert width >= 320
        inside = np.asarray(sheet.crop((left, top, right, bottom)).convert("RGB"))
        assert (inside == inside[0, 0]).all(), "something is drawn over the tile"
        # A margin on every side, inside the sheet.
        assert left > 0 and top > 0 and right < sheet.width and bottom < sheet.height
        # Its caption: text (pixels that are neither background nor tile) right below it.
        below = np.asarray(sheet.crop((left, bottom, right, bottom + 40)).convert("RGB"))
        background = np.array([int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(below.astype(int) - background).sum(axis=2) > 60).sum() > 50
    for (_, t1, r1, b1), (l2, t2, _, _) in zip(boxes, boxes[1:], strict=False):
        # Left to right along a row, then the next row starts lower down.
        assert (t2 == t1 and l2 >= r1) or t2 >= b1
    rows = sorted({top for _, top, _, _ in boxes})
    assert 1 < len(rows) < len(COLOURS), "five tiles should wrap onto a few rows"
    # No tile overlaps another.
    for i, (l1, t1, r1, b1) in enumerate(boxes):
        for l2, t2, r2, b2 in boxes[i + 1:]:
            assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1


def _text_bands(image: Image.Image, right: int) -> list[int]:
    """Heights in pixels of the runs of rows holding the hook's light text, left of ``right``."""
    pixels = np.asarray(image.convert("L")).astype(int)[:, :right]
    rows = (pixels > 180).sum(axis=1) > 0
    bands, run = [], 0
    for lit in [*rows, False]:
        if lit:
            run += 1
        elif run:
            bands.append(run)
            run = 0
    return bands


def test_the_hook_reads_at_the_size_youtube_lists_thumbnails(tmp_path: Path) -> None:
    # Capitals without descenders: each line's band of lit rows is its cap height.
    hook = "HOW HIGH IS IT"
    frame = Image.new("RGB", (1920, 1080), (60, 60, 70))
    layout = make_thumbnail(frame, hook, tmp_path / "thumbnail.png")
    with Image.open(tmp_path / "thumbnail.png") as thumbnail:
        assert thumbnail.size == THUMBNAIL_SIZE
        small = thumbnail.convert("RGB").resize(LIST_SIZE, Image.Resampling.LANCZOS)
    # Left of the picture, which fills the right of the canvas.
    bands = _text_bands(small, int(LIST_SIZE[0] * (1 - PICTURE_SHARE)))
    assert len(bands) == len(layout.lines) >= 1, (bands, layout)
    assert min(bands) >= MIN_LIST_CAP_HEIGHT, bands
    assert layout.cap_height_at(LIST_SIZE[0]) >= MIN_LIST_CAP_HEIGHT


def test_the_hook_is_the_only_text_so_no_title_or_course_line_is_added(tmp_path: Path) -> None:
    frame = Image.new("RGB", (1920, 1080), (60, 60, 70))
    layout = make_thumbnail(frame, "HOW HIGH", tmp_path / "thumbnail.png")
    with Image.open(tmp_path / "thumbnail.png") as thumbnail:
        bands = _text_bands(thumbnail, int(THUMBNAIL_SIZE[0] * (1 - PICTURE_SHARE)))
    assert " ".join(layout.lines) == "HOW HIGH" and len(bands) == len(layout.lines)


def test_a_hook_too_long_to_read_in_a_list_is_refused_in_one_line(tmp_path: Path) -> None:
    frame = Image.new("RGB", (1920, 1080), (60, 60, 70))
    hook = "a sentence far too long to be read at a glance in a list of videos"
    with pytest.raises(AssemblyError, match="shorten it") as error:
        make_thumbnail(frame, hook, tmp_path / "thumbnail.png")
    assert "\n" not in str(error.value)
    assert not (tmp_path / "thumbnail.png").exists()


def test_the_crop_takes_the_part_of_the_frame_named_in_scene_units() -> None:
    # A frame whose top band (the scene's title) is white and the rest a picture.
    frame = Image.new("RGB", (1920, 1080), (0, 114, 178))
    ImageDraw.Draw(frame).rectangle((0, 0, 1919, 134), fill=(255, 255, 255))
    half_w, half_h = FRAME_WIDTH / 2, FRAME_HEIGHT / 2
    whole = crop_frame(frame, (-half_w, -half_h, half_w, half_h))
    assert whole.size == frame.size
    # Below y = 3 (one unit, 135 px, under the top): the picture without its title.
    clean = crop_frame(frame, (-half_w, -half_h, 0.0, 3.0))
    assert clean.size == (960, 945)
    assert (np.asarray(clean) == (0, 114, 178)).all()


@pytest.mark.parametrize("slug", ["module02-derivatives", "module03-gradient"])
def test_each_lesson_declares_a_clean_frame_and_a_hook_that_is_not_its_title(slug: str) -> None:
    lesson = get_lesson(slug)
    spec = lesson.thumbnail
    assert spec is not None and spec.crop is not None, "a crop leaves the scene title out"
    # Nothing above the title's baseline: scene_title sits at the top of the frame.
    assert spec.crop[3] <= FRAME_HEIGHT / 2 - 0.9
    hook = spec.hook.casefold().split()
    assert hook and spec.hook.casefold() != lesson.title.casefold()
    assert len(hook) == len(set(hook)), "the hook says a word twice"
    layout = layout_hook(spec.hook, 600)
    assert layout.cap_height_at(LIST_SIZE[0]) >= MIN_LIST_CAP_HEIGHT


def test_a_thumbnail_hook_that_repeats_the_title_or_a_crop_outside_the_frame_is_refused() -> None:
    lesson = get_lesson("module03-gradient")
    assert lesson.thumbnail is not None
    with pytest.raises(LessonDeclarationError, match="repeats the title"):
        dataclasses.replace(lesson, thumbnail=dataclasses.replace(
            lesson.thumbnail, hook=lesson.title.upper()))
    with pytest.raises(LessonDeclarationError, match="inside the frame"):
        dataclasses.replace(lesson, thumbnail=dataclasses.replace(
            lesson.thumbnail, crop=(-8.0, -2.0, 0.0, 2.0)))


def test_a_title_standing_in_for_a_hook_is_set_once_across_the_width_and_still_reads(
        tmp_path: Path) -> None:
    # Issue 23: the old thumbnail set this title in two lines, "Derivatives" ending both.
    title = "Derivatives and Partial Derivatives"
    frame = Image.new("RGB", (1920, 1080), (60, 60, 70))
    layout = make_thumbnail(frame, title, tmp_path / "thumbnail.png")
    assert " ".join(layout.lines) == title
    assert layout.cap_height_at(LIST_SIZE[0]) >= MIN_LIST_CAP_HEIGHT
