"""Atomic file writes (a reader sees the old file or the new one, never half of one),
and paths read from files checked before use."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO


def default_mode(folder: bool = False) -> int:
    """The permissions a new file (or folder) gets under this process's umask: mkstemp and
    mkdtemp make private ones, and what lessonreel publishes is shared as usual."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if folder else 0o666) & ~umask


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that is renamed onto it only if the block succeeds.

    Readers never see a half-written file, and an interrupted write leaves the
    previous version (or nothing) in place.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                               dir=path.parent)
    os.close(fd)
    try:
        # mkstemp creates 0600 files; published files get the usual permissions.
        os.chmod(tmp, default_mode())
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def stream_digest(stream: BinaryIO) -> str:
    """The SHA-256 of what is left to read in ``stream``, a block at a time (a video may be
    large). For a file already open: the site digests the very file it checked."""
    h = hashlib.sha256()
    while block := stream.read(1 << 20):
        h.update(block)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of ``path``'s bytes."""
    with path.open("rb") as data:
        return stream_digest(data)


def swap_folder_in(staging: Path, out: Path) -> None:
    """Replace the folder ``out`` with ``staging`` whole: ``out`` is renamed aside, ``staging``
    renamed onto it, then the old one removed. If the second rename fails, the old folder
    is put back, so ``out`` is always a complete old or new folder (or, between the two
    renames, briefly absent)."""
    retired = None
    if out.exists():
        retired = out.parent / f".{out.name}.old-{os.getpid()}-{os.urandom(4).hex()}"
        os.rename(out, retired)
    try:
        os.rename(staging, out)
    except BaseException:
        if retired is not None:
            os.rename(retired, out)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`staged`."""
    with staged(path) as tmp:
        tmp.write_bytes(data)


def inside(folder: Path, name: object) -> Path | None:
    """``folder / name`` when ``name`` is a relative path that stays inside ``folder``
    (no absolute path, no ``..``, no link out of it), else None.

    For names read from manifests and records, which anyone can edit: joined
    unchecked, ``/etc/passwd`` or ``../../x`` would lead anywhere.
    """
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return None
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        return None
    path = folder / relative
    try:
        if not path.resolve().is_relative_to(folder.resolve()):
            return None
    except (OSError, RuntimeError):
        return None
    return path


def regular_file_inside(folder: Path, name: object) -> Path | None:
    """The resolved path of ``folder / name`` when :func:`inside` allows it and it is a
    regular file (a link to one inside ``folder`` counts), else None.

    A folder passes :func:`inside` but is no file: named as a manifest's video and
    served, ``lesson.mp4/etclink/passwd`` reached through a link inside it anywhere.
    """
    path = inside(folder, name)
    if path is None:
        return None
    try:
        resolved = path.resolve(strict=True)
        return resolved if stat.S_ISREG(resolved.stat().st_mode) else None
    except (OSError, RuntimeError):
        return None


# -- Folders a process owns ---------------------------------------------------------------
# A process killed outright (SIGKILL, a crash, a closed laptop) runs no cleanup, so every
# folder lessonreel writes while it works carries its owner's pid in its name; whoever
# comes next removes those whose owner is gone. One naming and one cleaner serve the
# render folder's staging, the run folders, the LaTeX compile folders and the private
# temporary folders.


def pid_folder(parent: Path, prefix: str, note: str = "") -> Path:
    """A new folder in ``parent`` named ``<prefix><pid>-<note><random>``, which
    :func:`remove_orphans` removes once this process is gone."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-{note}", dir=parent))


def folder_owner(name: str, prefix: str) -> int | None:
    """The pid in a :func:`pid_folder`'s name, or None when ``name`` is not one of those."""
    if not name.startswith(prefix):
        return None
    pid = name[len(prefix):].split("-")[0]
    return int(pid) if pid.isascii() and pid.isdigit() else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    return True


def remove_orphans(parent: Path, prefixes: Iterable[str], *, own_only: bool = False,
                   keep: Path | None = None) -> list[Path]:
    """Remove the folders of ``parent`` named by :func:`pid_folder` with one of
    ``prefixes`` whose process is gone; the folders removed. A folder whose process lives
    may be in use, one without a pid cannot be told apart, and a link is never followed:
    those stay. ``own_only``: only this user's (in a folder others share, as /tmp)."""
    removed: list[Path] = []
    prefixes = tuple(prefixes)
    with contextlib.suppress(OSError):
        for path in parent.iterdir():
            pid = next((p for p in (folder_owner(path.name, prefix) for prefix in prefixes)
                        if p is not None), None)
            if pid is None or path == keep or pid_alive(pid):
                continue
            with contextlib.suppress(OSError):
                info = path.lstat()
                if own_only and info.st_uid != os.getuid():
                    continue
                if stat.S_ISDIR(info.st_mode):
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
    return removed
