"""The contact sheet, read back as an author reads it: one tile per chapter, in order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from lessonreel.artwork import SheetEntry, make_contact_sheet
from lessonreel.theme import BACKGROUND

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
