"""A render's output folder, as assembly writes it: replaced whole, marked as
lessonreel's, and left as it was when the disk fills up."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessonreel.render.outputs import MARKER
from tests.test_render_cache import DemoLesson, demo  # noqa: F401  (the fixture)

pytestmark = pytest.mark.render


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB disk of its own (tmpfs), so filling it up harms nothing else."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk (tmpfs) needs root; CI runs as root")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_render_folder_is_marked_and_replaced_whole(demo: DemoLesson) -> None:  # noqa: F811
    first = demo.render()
    assert first.returncode == 0, first.stderr[-2000:]
    out = demo.root / "out"
    assert (out / MARKER).is_file() and (out / "manifest.json").is_file()
    (out / "left-over.txt").write_text("from an earlier render")
    demo.write_a("The first number, edited.")
    second = demo.render()
    assert second.returncode == 0, second.stderr[-2000:]
    # Swapped in whole: nothing of the earlier folder survives, no staging is left.
    assert not (out / "left-over.txt").exists() and (out / MARKER).is_file()
    assert sorted(p.name for p in demo.root.iterdir() if p.name.startswith(".out")) == []


def test_a_full_disk_is_one_line_and_keeps_the_previous_render(
        demo: DemoLesson, small_disk: Path) -> None:  # noqa: F811
    first = demo.render(out=str(small_disk / "out"))
    assert first.returncode == 0, first.stderr[-2000:]
    before = snapshot(small_disk / "out")
    # Fill the disk to within 64 kB: too little for a lesson, enough to notice it.
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * max(0, free - 65536))
    demo.write_a("The first number, edited to need a new assembly.")
    full = demo.render(out=str(small_disk / "out"))
    assert full.returncode == 1, full.stderr[-2000:]
    [line] = full.stderr.strip().splitlines()[-1:]
    assert line.startswith(f"DiskFullError: the disk holding {small_disk} is full (about ")
    assert "MB needed" in line and "Traceback" not in full.stderr
    assert snapshot(small_disk / "out") == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "out"]
