"""The render plan on a Dask cluster: ``lessonreel render --executor dask``.

The plan, the cache keys and the unit of work are the local pool's: each shard
is rendered by :func:`lessonreel.render.pool.render_shard`, here inside
:func:`render_on_worker` on a Dask worker. A worker need not share a filesystem
with the client: it renders into its own scratch folder and sends back the
video, the beats Manim recorded with their speech, and the log, as bytes
(:class:`ShardPayload`). The client writes them under its own run folder, and
:func:`lessonreel.render.run.run_plan` joins, caches and assembles exactly as it does
for the local pool.

Before anything runs, every worker reports a fingerprint of its lessonreel,
lesson sources and package versions (:func:`fingerprint`); a worker that
differs from the client is refused by address. Each task checks again on the
worker that runs it, so a worker that joins later, or a checkout edited during
the render, fails its task with the reason instead of rendering other frames.

Fault tolerance is Dask's where trying again can help: a task whose worker
dies is rescheduled by the scheduler, and a render that stopped without the
scene's own error (a signal, a missing file) is retried once (``retries=1``).
A scene whose code raised is not rendered again: the worker returns the
failure with its log instead of raising it. Whatever else a task raises fails
that task's scene only; the rest of the run goes on.

The scene's recorded beats travel with its job (:func:`recordings_of`), so a
remote worker plays the author's recordings as the client keyed them, never
whatever its own checkout holds.

Over 400 lines because the fingerprint, the payload and the cluster's lifetime
are one contract with the workers; the plan and the shard's render are shared with the pool.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import os
import platform
import shutil
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from lessonreel import settings
from lessonreel.authoring.lesson import SceneRef, project_root
from lessonreel.authoring.texcache import repeat_warnings
from lessonreel.errors import ClusterError, SceneRenderError, ShardFailed, WorkerMismatchError
from lessonreel.files import write_atomically
from lessonreel.records import (
    BeatLayout,
    BeatRecord,
    beats_json,
    read_beat_records,
    read_layout_report,
    write_layout_report,
)
from lessonreel.render.cache import versions
from lessonreel.render.plan import SceneTask, Shard
from lessonreel.render.pool import Job, Outcome, Workers, render_shard
from lessonreel.stopping import clean_private_temp

#: How often a worker looks in on a running shard: reports its frames, or stops it.
WATCH_SECONDS = 0.5
#: How long to wait for the first worker of a cluster given by address.
WORKER_WAIT_SECONDS = 60.0
#: A task that raises is tried this many more times, on any worker, before its scene fails.
RETRIES = 1
#: The parts of a fingerprint, in the order a mismatch names them.
PARTS = ("lessonreel", "scenes", "versions")


def _source_digest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """Every file under ``folder`` but Python's bytecode, by relative path and content."""
    h = hashlib.sha256()
    if not folder.is_dir():
        return "absent"
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if "__pycache__" in path.parts or path.suffix == ".pyc" or relative.startswith(skip):
            continue
        h.update(relative.encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def fingerprint(package: str) -> dict[str, Any]:
    """What a worker must share with the client to render the same frames.

    ``lessonreel``: the engine's source; ``scenes``: the lessons package, the
    assets folder and ``manim.cfg`` of the project that holds it; ``versions``:
    Python, lessonreel and every package the scene cache keys on (manim, sympy,
    numpy, PyAV, Piper and its voice). Runs on each worker through ``client.run``.
    """
    import lessonreel

    root = project_root(package)
    lessons = importlib.import_module(package)
    scenes = hashlib.sha256()
    for folder in (Path(p) for p in lessons.__path__):
        scenes.update(_source_digest(folder).encode())
    # The README's pictures are not read by any scene.
    scenes.update(_source_digest(root / "assets", skip=("readme/",)).encode())
    config = root / "manim.cfg"
    scenes.update(hashlib.sha256(config.read_bytes()).digest() if config.exists() else b"-")
    return {
        "lessonreel": _source_digest(Path(lessonreel.__file__).parent),
        "scenes": scenes.hexdigest(),
        "versions": {"python": ".".join(platform.python_version_tuple()[:2]),
                     "lessonreel": metadata.version("lessonreel"), **versions()},
    }


def mismatches(mine: dict[str, Any], theirs: dict[str, Any | BaseException]) -> dict[str, str]:
    """Each worker whose fingerprint differs from ``mine``, with what differs."""
    found = {}
    for address, report in sorted(theirs.items()):
        if isinstance(report, BaseException):
            # One line, whatever the worker's exception says.
            found[address] = (f"cannot run lessonreel: {type(report).__name__}: "
                              + " ".join(str(report).split()))
            continue
        parts = [part for part in PARTS if report.get(part) != mine[part]]
        if "versions" in parts:
            theirs_versions = report.get("versions") or {}
            names = sorted(k for k in mine["versions"]
                           if theirs_versions.get(k) != mine["versions"][k])
            parts[parts.index("versions")] = "versions of " + ", ".join(names)
        if parts:
            found[address] = " and ".join(parts) + " differ"
    return found


def check_workers(client: Any, package: str) -> tuple[dict[str, Any], int]:
    """Refuse a cluster whose workers run other code than this machine.

    Returns this machine's fingerprint, which every task checks again, and the
    cluster's thread count.
    """
    mine = fingerprint(package)
    theirs = client.run(fingerprint, package, on_error="return")
    wrong = mismatches(mine, theirs)
    if wrong:
        raise WorkerMismatchError(
            f"{len(wrong)} of {len(theirs)} Dask workers would not render what this machine "
            f"renders: " + "; ".join(f"{address} ({why})" for address, why in wrong.items())
            + "; install the same lessonreel, lessons and packages on every worker "
              "(scripts/setup from the same commit) and restart them")
    return mine, sum(client.nthreads().values())



@dataclass(frozen=True)
class ShardPayload:
    """A rendered shard as bytes: what :func:`render_shard` left in its folder."""

    video: bytes
    #: The beats Manim recorded (beats.json), or None for a scene without beats.
    beats: list[BeatRecord] | None
    #: Each beat's speech, by the beat's index.
    audio: dict[int, bytes] = field(default_factory=dict)
    log: str = ""
    #: Why the shard failed, when trying again could not help (the scene's own error):
    #: returned, not raised, so Dask does not retry it.
    failure: str | None = None
    #: The layout check at the end of each beat (layout.json), or None without beats.
    layout: list[BeatLayout] | None = None

    @classmethod
    def pack(cls, task: SceneTask, shard: Shard, video: Path) -> ShardPayload:
        path = task.beats_path(shard)
        beats = read_beat_records(path) if path.exists() else None
        audio = {i: beat.audio.read_bytes()
                 for i, beat in enumerate(beats or []) if beat.audio is not None}
        layout_file = task.layout_path(shard)
        layout = read_layout_report(layout_file) if layout_file.exists() else None
        return cls(video.read_bytes(), beats, audio,
                   task.log_path(shard).read_text(errors="replace"), layout=layout)

    def unpack(self, task: SceneTask, shard: Shard) -> Path:
        """Write the shard into ``task``'s folder on this machine, as if rendered here."""
        folder = task.shard_dir(shard)
        (folder / "audio").mkdir(parents=True, exist_ok=True)
        task.log_path(shard).write_text(self.log)
        if self.beats is not None:
            beats = list(self.beats)
            for i, data in self.audio.items():
                beats[i] = replace(beats[i], audio=folder / "audio" / f"{i}.wav")
                (folder / "audio" / f"{i}.wav").write_bytes(data)
            write_atomically(task.beats_path(shard), beats_json(beats))
        if self.layout is not None:
            write_layout_report(task.layout_path(shard), self.layout)
        video = folder / f"{task.scene.name}.mp4"
        video.write_bytes(self.video)
        return video


@dataclass(frozen=True)
class WorkerJob:
    """One shard for a worker, and where that worker keeps narration audio."""

    task: SceneTask
    shard: Shard
    #: The package that holds the lessons (LESSONREEL_LESSONS), imported by the worker.
    package: str
    #: The narration audio cache; None: the worker's own LESSONREEL_CACHE_DIR, or scratch.
    audio_cache: str | None
    #: Pub-sub topic for this run's progress events.
    topic: str
    #: The client's fingerprint, which the worker's must equal; None: not checked.
    expected: dict[str, Any] | None = None
    #: The scene's recorded beats as the client keyed them, by file name: the worker
    #: plays these, not whatever its own checkout holds.
    recordings: dict[str, bytes] = field(default_factory=dict)


def recordings_of(task: SceneTask) -> dict[str, bytes]:
    """The files of a task's recordings folder (the client's snapshot), by name."""
    folder = task.recordings_dir
    if not folder.is_dir():
        return {}
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def on_this_worker(job: WorkerJob, scratch: Path) -> SceneTask:
    """The task with this worker's paths: its checkout of the lessons, its scratch folder."""
    scene = job.task.scene
    # A fresh SceneRef: the client's cached file path means nothing here.
    here = SceneRef(scene.module, scene.name, scene.title, scene.package)
    cache = job.audio_cache or os.environ.get(settings.CACHE_ENV) or str(scratch / "cache")
    run_dir = scratch / "runs" / uuid.uuid4().hex
    recordings = run_dir / "recordings"
    recordings.mkdir(parents=True)
    for name, data in job.recordings.items():
        if Path(name).name != name:
            raise ShardFailed(scene.name, f"recording name {name!r} is not a file name", "")
        (recordings / name).write_bytes(data)
    return replace(job.task, scene=here, project_root=project_root(job.package),
                   run_dir=run_dir, cache_dir=Path(cache), recordings=recordings)


def render_on_worker(job: WorkerJob) -> ShardPayload:
    """The Dask task: :func:`render_shard` in this worker's scratch folder, as bytes."""
    from distributed import get_worker
    from distributed.core import Status

    worker = get_worker()
    if job.expected is not None:
        wrong = mismatches(job.expected, {worker.address: fingerprint(job.package)})
        if wrong:
            # Checked per task, not only when the render starts: workers may join a
            # cluster at any time, and a checkout may change under a running worker.
            why = (f"worker {worker.address} would not render what the client renders: "
                   f"{wrong[worker.address]}")
            raise ShardFailed(job.task.scene.name, why, why + "\n")
    key = worker.get_current_task()
    scratch = Path(worker.local_directory) / "lessonreel"
    task = on_this_worker(job, scratch)
    processes = Workers()
    done = threading.Event()
    message = {"task": job.task.id, "shard": job.shard.index}
    worker.log_event(job.topic, {**message, "frames": 0})

    def watch() -> None:
        reported = 0
        while not done.wait(WATCH_SECONDS):
            state = worker.state.tasks.get(key)
            if (state is None or state.state == "cancelled"
                    or worker.status in (Status.closing, Status.closed, Status.failed)):
                # The client gave up on the task (Ctrl-C) or the worker is shutting
                # down: Dask cannot stop a running thread, so stop its Manim process.
                processes.stop_all()
                return
            frames = task.frames_done()
            if frames != reported:
                worker.log_event(job.topic, {**message, "frames": frames})
                reported = frames

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        video = render_shard(task, job.shard, processes)
        return ShardPayload.pack(task, job.shard, video)
    except SceneRenderError as error:
        log = task.log_path(job.shard)
        text = log.read_text(errors="replace") if log.exists() else ""
        if own_error(text):
            # Manim ran and the scene's code raised: every try would raise the same.
            return ShardPayload(b"", None, log=text, failure=error.detail or "failed")
        raise ShardFailed(task.scene.name, error.detail or "failed", text) from None
    finally:
        done.set()
        watcher.join()
        shutil.rmtree(task.run_dir, ignore_errors=True)


def own_error(log: str) -> bool:
    """Whether a failed Manim run ended on a Python traceback (the scene's own error,
    which a retry repeats), not a signal, a stop or a missing file."""
    return "Traceback (most recent call last)" in log or "──── Traceback" in log


class DaskPool:
    """The :class:`lessonreel.render.pool.Executor` that sends each shard to a Dask cluster."""

    def __init__(self, client: Any, package: str, audio_cache: Path | None,
                 expected: dict[str, Any] | None = None) -> None:
        self.client = client
        self.package = package
        self.expected = expected
        self.audio_cache = str(audio_cache) if audio_cache is not None else None
        self.run_id = uuid.uuid4().hex
        self.futures: dict[Any, Job] = {}
        self._lock = threading.Lock()

    def run(self, jobs: Sequence[Job], started: Callable[[SceneTask], None],
            frames: Callable[[SceneTask, Shard, int], None]) -> Iterator[Outcome]:
        from distributed import as_completed

        topic = f"lessonreel-{self.run_id}"
        by_id = {(task.id, shard.index): (task, shard) for task, shard in jobs}

        def heard(event: tuple[float, dict[str, Any]]) -> None:
            message = event[1]
            found = by_id.get((str(message.get("task")), int(message.get("shard", -1))))
            if found is not None:
                started(found[0])
                frames(found[0], found[1], int(message.get("frames", 0)))

        # Read once per scene, however many shards it is split into.
        recordings = {task.id: recordings_of(task) for task, _ in jobs}
        self.client.subscribe_topic(topic, heard)
        try:
            for rank, (task, shard) in enumerate(jobs):
                future = self.client.submit(
                    render_on_worker,
                    WorkerJob(task, shard, self.package, self.audio_cache, topic,
                              self.expected, recordings[task.id]),
                    # One task group, so Dask queues the tasks on the scheduler and
                    # hands them out in priority order (longest first) as workers free up.
                    key=(f"lessonreel-render-{self.run_id}", task.id, shard.index),
                    priority=len(jobs) - rank, retries=RETRIES, pure=False)
                with self._lock:
                    self.futures[future] = (task, shard)
            for future in as_completed(list(self.futures)):
                task, shard = self.futures[future]
                if future.cancelled():
                    continue
                outcome = self._outcome(future, task, shard)
                repeat_warnings(task.log_path(shard))
                yield task, shard, outcome
        finally:
            self.client.unsubscribe_topic(topic)

    def _outcome(self, future: Any, task: SceneTask, shard: Shard) -> Path | SceneRenderError:
        """The shard's video in the client's folder, or the error that fails its scene
        (and only its scene: whatever a task raised is that scene's failure)."""
        from distributed import KilledWorker

        log = task.log_path(shard)
        log.parent.mkdir(parents=True, exist_ok=True)
        try:
            payload: ShardPayload = future.result()
        except ShardFailed as error:
            log.write_text(error.log)
            return SceneRenderError(task.scene.name, log,
                                    f"{error.detail}, on {RETRIES + 1} tries")
        except KilledWorker as error:
            log.write_text(f"{error}\n")
            return SceneRenderError(task.scene.name, log, "every worker that took it died")
        except Exception as error:  # noqa: BLE001 - a worker's failure is its scene's
            import traceback

            log.write_text("".join(traceback.format_exception(error)))
            return SceneRenderError(task.scene.name, log,
                                    f"the worker raised {type(error).__name__}: {error}")
        if payload.failure is not None:
            log.write_text(payload.log)
            return SceneRenderError(task.scene.name, log,
                                    f"{payload.failure}; not tried again, the scene's "
                                    "own code raised")
        try:
            return payload.unpack(task, shard)
        except OSError as error:
            return SceneRenderError(task.scene.name, log,
                                    f"cannot write the shard into {task.shard_dir(shard)}: "
                                    f"{error}")

    def skip(self, task: SceneTask) -> None:
        with self._lock:
            doomed = [f for f, (t, _) in self.futures.items() if t.id == task.id and not f.done()]
        if doomed:
            self.client.cancel(doomed)

    def stop(self) -> None:
        with self._lock:
            running = [f for f in self.futures if not f.done()]
        if running:
            self.client.cancel(running, force=True)


def dask_setup(worker: Any) -> None:
    """Preload of the LocalCluster's workers. Ctrl-C in a terminal reaches every
    process in its group; the client stops its workers itself, so they ignore it
    rather than each print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def dashboard(client: Any) -> str | None:
    """The scheduler's dashboard address, if it serves one: that takes bokeh there."""
    scheduler = client.get_versions(packages=["bokeh"])["scheduler"]["packages"]
    if scheduler.get("bokeh") is None:
        return None
    link: str | None = client.dashboard_link
    return link


@contextlib.contextmanager
def dask_pool(scheduler: str | None, jobs: int, package: str, cache_dir: Path,
              say: Callable[[str], None]) -> Iterator[tuple[DaskPool, int]]:
    """A checked :class:`DaskPool` and its worker thread count, for the length of a render.

    With no scheduler address, a LocalCluster of ``jobs`` one-thread worker
    processes on 127.0.0.1; its workers run on this machine, so they share its
    narration audio cache. A cluster given by address keeps its own.
    """
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler is None:
            # Run last, once the cluster is closed: its workers ran here, and a stop ends
            # their Manim processes only as it closes. What those left goes now, not at
            # the next plan.
            stack.callback(clean_private_temp)
            cluster = stack.enter_context(LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                # The scheduler's web server starts anyway (the dashboard, with bokeh):
                # a free port on loopback, never a fixed one another run may hold.
                dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
                preload=[__name__]))
            client = stack.enter_context(Client(cluster))
            audio: Path | None = cache_dir
            say(f"Dask LocalCluster of {jobs} workers at {cluster.scheduler_address}")
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout="20s"))
            except (OSError, TimeoutError) as error:
                raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} ({error}); "
                                   "check the address (tcp://HOST:PORT) and that it is running"
                                   ) from error
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            except TimeoutError as error:
                raise ClusterError(f"no worker joined the Dask scheduler at {scheduler} within "
                                   f"{WORKER_WAIT_SECONDS:.0f} s; start some with "
                                   f"`dask worker {scheduler}`") from error
            audio = None
            say(f"Dask scheduler at {scheduler}")
        mine, threads = check_workers(client, package)
        link = dashboard(client)
        say(f"Dask dashboard: {link}" if link else
            "Dask dashboard: none (install bokeh where the scheduler runs to get one)")
        yield DaskPool(client, package, audio, mine), threads
