"""Compare two renders of one lesson: is the new one the same lesson?

    .venv/bin/python scripts/compare_renders.py BEFORE_DIR AFTER_DIR

Prints, per chapter, the frame count and the lowest PSNR between the two videos'
frames (ffmpeg's psnr filter; "identical" when every frame is), and whether the
captions, beats.json, chapters and the manifest (apart from what records the run
itself: versions, keys, sizes) are the same. Exits 1 when anything differs beyond
``--min-psnr`` dB (default 60, the refactors' bar: invisible, though not
bit-identical, when an encoder thread split differs). The frames are compared on
the lessons' timeline, so a dropped or added frame shows as a drop in PSNR from
there on.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

#: Manifest fields that describe the run, not the lesson.
RUN_FIELDS = {"versions", "assembly_key", "sizes", "files"}


def frame_psnr(before: Path, after: Path) -> list[float]:
    """PSNR of each frame pair (inf where identical)."""
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "psnr.log"
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(before), "-i", str(after),
                        "-lavfi", f"[0:v][1:v]psnr=stats_file={stats}", "-f", "null", "-"],
                       check=True)
        values = []
        for line in stats.read_text().splitlines():
            fields = dict(part.split(":", 1) for part in line.split() if ":" in part)
            values.append(math.inf if fields["psnr_avg"] == "inf" else float(fields["psnr_avg"]))
        return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--min-psnr", type=float, default=60.0)
    args = parser.parse_args()
    ok = True
    beats = [json.loads((d / "beats.json").read_text()) for d in (args.before, args.after)]
    psnr = frame_psnr(args.before / "lesson.mp4", args.after / "lesson.mp4")
    frames = beats[0]["frames"], beats[1]["frames"]
    print(f"{'chapter':<28} {'frames':>7} {'lowest PSNR':>12}")
    for chapter in beats[0]["chapters"]:
        own = psnr[chapter["first_frame"]:chapter["end_frame"]]
        low = min(own, default=math.inf)
        shown = "identical" if low == math.inf else f"{low:.1f} dB"
        ok &= low >= args.min_psnr and len(own) == chapter["end_frame"] - chapter["first_frame"]
        print(f"{chapter['scene']:<28} {len(own):>7} {shown:>12}")
    if frames[0] != frames[1] or len(psnr) != frames[0]:
        print(f"frames: {frames[0]} before, {frames[1]} after, {len(psnr)} compared")
        ok = False
    for name in ("lesson.srt", "lesson.vtt", "chapters.txt", "beats.json"):
        same = (args.before / name).read_bytes() == (args.after / name).read_bytes()
        ok &= same
        print(f"{name:<28} {'same' if same else 'DIFFERENT'}")
    manifests = [json.loads((d / "manifest.json").read_text()) for d in (args.before, args.after)]
    differ = sorted(key for key in set(manifests[0]) | set(manifests[1]) - RUN_FIELDS
                    if key not in RUN_FIELDS and manifests[0].get(key) != manifests[1].get(key))
    ok &= not differ
    verdict = ("same but for " + ", ".join(sorted(RUN_FIELDS)) if not differ
               else "DIFFERENT: " + ", ".join(differ))
    print(f"{'manifest.json':<28} {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
