"""Measure where the presenter pauses: every beat of a rendered lesson, in Chromium.

    .venv/bin/python scripts/present_accuracy.py [LESSON] [-q low | --from DIR] [--rate 1]

Serves the render as ``lessonreel present`` does, presses → once per beat in Debian's
Chromium (muted) and reads, for each beat, the highest frame the compositor presented
while it played (requestVideoFrameCallback) and the frame on screen once it paused.
A pause is right when that frame is the beat's last; a frame past it means a frame of
the next beat was shown. ``--rate`` plays faster than real time (fewer frames are
presented then, so the figure is a harder test, not an easier one). This is a
measurement, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait(page: object, expression: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lesson", nargs="?", default="module02-derivatives")
    parser.add_argument("-q", "--quality", default=None)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--from", dest="from_dir", type=Path, help="a render folder instead")
    parser.add_argument("--rate", type=float, default=1.0, help="playback rate")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from lessonreel.publish import source
    from lessonreel.publish.present import presentation, serving

    rendered = (source.load(args.from_dir) if args.from_dir
                else source.find(args.lesson, args.build_dir, args.quality))
    data = presentation(rendered)
    fps = data["fps"]
    rows = []
    with serving(rendered) as presenter, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(presenter.url)
        wait(page, "window.lessonreelPresenter && "
                   "document.getElementById('player').readyState >= 2", 30)
        page.evaluate(f"(() => {{ const v = document.getElementById('player'); "
                      f"v.muted = true; v.playbackRate = {args.rate}; }})()")
        started = time.monotonic()
        for index, beat in enumerate(data["beats"]):
            page.keyboard.press("ArrowRight")
            wait(page, f"window.lessonreelPresenterLog.length > {index} && "
                       f"window.lessonreelPresenterLog[{index}].shown !== null", 120)
            entry = page.evaluate(f"window.lessonreelPresenterLog[{index}]")
            at = page.evaluate("document.getElementById('player').currentTime")
            rows.append((index, beat["name"], entry["last"], entry["highest"], entry["shown"],
                         int(at * fps)))
        elapsed = time.monotonic() - started
        browser.close()

    console = Console()
    off = Counter(shown - last for _, _, last, _, shown, _ in rows)
    clock_off = Counter(frame - last for _, _, last, _, _, frame in rows)
    early = Counter(last - highest for _, _, last, highest, _, _ in rows)
    table = Table(title=f"{rendered.title} ({rendered.quality}, {fps} fps, rate {args.rate}): "
                        f"{len(rows)} beats in {elapsed:.0f} s")
    table.add_column("measure")
    table.add_column("frames: beats", justify="right")
    table.add_row("frame on screen after the pause - beat's last frame",
                  ", ".join(f"{k:+d}: {v}" for k, v in sorted(off.items())))
    table.add_row("currentTime's frame - beat's last frame",
                  ", ".join(f"{k:+d}: {v}" for k, v in sorted(clock_off.items())))
    table.add_row("beat's last frame - highest frame presented while playing",
                  ", ".join(f"{k:+d}: {v}" for k, v in sorted(early.items())))
    table.add_row("beats that showed a frame of the next beat",
                  str(sum(1 for _, _, last, highest, _, _ in rows if highest > last)))
    console.print(table)


if __name__ == "__main__":
    main()
