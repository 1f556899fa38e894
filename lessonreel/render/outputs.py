"""Folders lessonreel writes into: checked before any work starts, and a render's
output folder replaced only as a whole.

``render --out DIR`` may be pointed at any folder, so a folder is written only when
it is new, empty, or holds a render lessonreel wrote (its :data:`MARKER`, written by
assembly; or, from before the marker, a manifest with lessonreel's assembly key).
A render is assembled in a sibling staging folder and renamed into place; the old
folder is renamed aside first and removed after, so a failed or interrupted
assembly, a full disk included, leaves the previous render as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from lessonreel.errors import DiskFullError, FolderError
from lessonreel.files import default_mode, pid_folder, remove_orphans, swap_folder_in

#: Written last into every assembled render: the folder is lessonreel's to replace.
MARKER = ".lessonreel-render.json"
_KEY = re.compile(r"^[0-9a-f]{64}$")


def probe_writable(folder: Path, option: str, named: Path | None = None) -> None:
    """Refuse ``folder`` (given as ``option``) unless lessonreel can create files in it,
    or, if it does not exist yet, in the nearest folder above it that does.

    A file is created and removed to find out: permission bits say nothing for root,
    nor for a read-only mount.
    """
    if "\0" in str(folder):
        raise FolderError(f"{option} {str(named or folder)!r} holds a NUL character, which "
                          "no file name can; give a folder's name")
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise FolderError(f"{option} {named or folder}: {existing} is a file, not a folder; "
                          "give a folder")
    try:
        fd, name = tempfile.mkstemp(prefix=".lessonreel-probe-", dir=existing)
    except OSError as error:
        why = error.strerror or type(error).__name__
        raise FolderError(f"{option} {named or folder} cannot be written ({why} in "
                          f"{existing}); give a folder you can write to") from None
    os.close(fd)
    os.unlink(name)


def is_ours(folder: Path) -> bool:
    """Whether ``folder`` holds a render lessonreel wrote."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if isinstance(marker, dict) and str(marker.get("generator", "")).startswith(
                "lessonreel"):
            return True
    except (OSError, ValueError, RecursionError):
        pass
    # Renders assembled before the marker existed: their manifest has the assembly key
    # and lessonreel's version, which no other program writes.
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return (isinstance(manifest, dict) and isinstance(manifest.get("assembly_key"), str)
            and bool(_KEY.match(manifest["assembly_key"]))
            and isinstance(manifest.get("versions"), dict)
            and "lessonreel" in manifest["versions"])


def check_out(out: Path, option: str = "--out") -> None:
    """Refuse, before anything is rendered, an output folder that cannot be replaced:
    a file, a folder lessonreel cannot write, or a non-empty one it did not write.

    The render is staged beside the folder and the folder renamed, so it is its parent
    that must be writable.
    """
    probe_writable(out.parent, option, named=out)
    if out.exists() and not out.is_dir():
        raise FolderError(f"{option} {out} is a file; give a folder for the render")
    if out.is_dir() and not is_ours(out):
        try:
            empty = not any(out.iterdir())
        except OSError as error:
            raise FolderError(f"{option} {out} cannot be read ({error.strerror}); give a "
                              "folder you can write to") from None
        if not empty:
            raise FolderError(f"{option} {out} is not empty and holds no render written by "
                              f"lessonreel (no {MARKER}); choose a new or empty folder, "
                              "nothing was changed")


@contextlib.contextmanager
def replacing(out: Path, lesson: str, needed: int | None = None) -> Iterator[Path]:
    """A new, empty staging folder beside ``out``; when the block succeeds the marker is
    written into it and it replaces ``out`` whole. On any failure it is removed and
    ``out`` is left as it was; a full disk is a :class:`DiskFullError` naming the folder
    (and, when ``needed`` bytes are given, checked before anything is written)."""
    out = out.absolute()
    check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Staging and retired folders beside ``out`` left by runs that were killed.
    remove_orphans(out.parent, (f".{out.name}.new-", f".{out.name}.old-"))
    if needed is not None:
        free = shutil.disk_usage(out.parent).free
        if free < needed:
            raise DiskFullError(out.parent, needed, free)
    staging = pid_folder(out.parent, f".{out.name}.new-")
    try:
        staging.chmod(default_mode(folder=True))
        yield staging
        marker = {"generator": f"lessonreel {metadata.version('lessonreel')}",
                  "lesson": lesson}
        (staging / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        swap_folder_in(staging, out)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if error.errno == errno.ENOSPC:
            raise DiskFullError(out.parent, needed) from None
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
