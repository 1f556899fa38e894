"""``lessonreel render --executor dask``: the same plan and task function on a Dask cluster.

The render tests use real clusters on loopback: a LocalCluster of two worker
processes started by the command itself, or a scheduler and workers started
here with Dask's own command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import numpy as np
import psutil
import pytest
import srt

from lessonreel.authoring.lesson import discover
from lessonreel.errors import SceneRenderError
from lessonreel.media import frame_count
from lessonreel.records import (
    BeatLayout,
    BeatRecord,
    Play,
    SentenceRecord,
    beats_json,
    read_beat_records,
    read_layout_report,
    write_layout_report,
)
from lessonreel.render.distributed import DaskPool, ShardPayload, fingerprint, mismatches
from lessonreel.render.plan import plan
from lessonreel.render.quality import QUALITIES
from tests.conftest import LESSONREEL, ROOT, run_lessonreel
from tests.test_render_cache import DemoLesson

LESSON = "module02-derivatives"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DemoLesson:
    lesson = DemoLesson(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return lesson


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def same_video(a: Path, b: Path) -> bool:
    """Byte for byte, or else frame for frame in the decoded YUV planes.

    Two local renders of the same scene have been seen to differ in one keyframe's
    encoding by 2 bytes while every decoded frame is identical, so bytes alone would
    blame the executor for x264's choice between equivalent encodings.
    """
    if sha256(a) == sha256(b):
        return True
    with av.open(str(a)) as first, av.open(str(b)) as second:
        frames = zip(first.decode(video=0), second.decode(video=0), strict=False)
        if not all(np.array_equal(x.to_ndarray(), y.to_ndarray()) for x, y in frames):
            return False
    return frame_count(a) == frame_count(b)


# ---- the pieces, without rendering -------------------------------------------------


def test_a_rendered_shard_travels_as_bytes_and_lands_in_the_clients_folder(
    demo: DemoLesson, tmp_path: Path,
) -> None:
    lesson = discover(demo.pkg)["demo"]
    on_worker, on_client = (
        plan(lesson, lesson.select(["FirstScene"]), QUALITIES["low"], "none", demo.root,
             tmp_path / side)[0]
        for side in ("worker-cache", "client-cache"))
    assert on_worker.work_dir != on_client.work_dir
    shard = on_worker.shards[0]
    # What render_shard leaves behind on a worker: a video, beats whose speech sits in
    # the worker's audio cache, and the log.
    folder = on_worker.shard_dir(shard)
    folder.mkdir(parents=True)
    speech = tmp_path / "worker-cache" / "audio" / "0123.wav"
    speech.parent.mkdir(parents=True)
    speech.write_bytes(b"RIFF-speech")
    beats = [BeatRecord("one", 0.0, 4.0, 0, 1.0, text="Hi.", spoken="Hi.", audio=speech,
                        sentences=(SentenceRecord("Hi.", 0.0, 1.0),),
                        plays=(Play(4.0, False),)),
             BeatRecord("two", 4.0, 6.0, 1, 0.0, plays=(Play(2.0, True),))]
    on_worker.beats_path(shard).write_bytes(beats_json(beats))
    layout = [BeatLayout("one", smallest=("Text('2')", 30.0))]
    write_layout_report(on_worker.layout_path(shard), layout)
    on_worker.log_path(shard).write_text("Animation 0: Write |####| 15/15\n")
    video = folder / "FirstScene.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypisom-video")

    payload = pickle.loads(pickle.dumps(ShardPayload.pack(on_worker, shard, video)))
    shutil.rmtree(tmp_path / "worker-cache")  # the client cannot see the worker's disk
    landed = payload.unpack(on_client, shard)

    assert landed.is_relative_to(on_client.shard_dir(shard))
    assert landed.read_bytes() == b"\x00\x00\x00\x18ftypisom-video"
    copied = read_beat_records(on_client.beats_path(shard))
    assert copied[0].audio is not None and copied[0].audio.read_bytes() == b"RIFF-speech"
    assert copied[0].audio.is_relative_to(on_client.shard_dir(shard))
    assert copied[1].audio is None
    assert [replace(b, audio=None) for b in copied] == [replace(b, audio=None) for b in beats]
    assert on_client.frames_done() == 15  # read from the log that came home
    # The layout check came home too: the render summary names the smallest text.
    assert read_layout_report(on_client.layout_path(shard)) == layout


def test_the_fingerprint_follows_scene_code_and_not_the_bytecode(demo: DemoLesson) -> None:
    before = fingerprint(demo.pkg)
    pycache = demo.folder / "__pycache__"
    pycache.mkdir(exist_ok=True)
    (pycache / "a.cpython-311.pyc").write_bytes(b"bytecode")
    assert fingerprint(demo.pkg) == before
    demo.write_a("The first number, said by a worker with newer code.")
    after = fingerprint(demo.pkg)
    assert after["scenes"] != before["scenes"]
    assert after["lessonreel"] == before["lessonreel"]
    assert after["versions"] == before["versions"]


def test_a_mismatch_names_each_worker_and_what_differs() -> None:
    mine = {"lessonreel": "l1", "scenes": "s1", "versions": {"manim": "0.22.0", "sympy": "1.14"}}
    found = mismatches(mine, {
        "tcp://10.0.0.1:1": dict(mine),
        "tcp://10.0.0.2:1": {**mine, "scenes": "s2"},
        "tcp://10.0.0.3:1": {**mine, "versions": {"manim": "0.21.0", "sympy": "1.14"}},
        "tcp://10.0.0.4:1": ModuleNotFoundError("No module named 'lessonreel'"),
    })
    assert found == {
        "tcp://10.0.0.2:1": "scenes differ",
        "tcp://10.0.0.3:1": "versions of manim differ",
        "tcp://10.0.0.4:1": "cannot run lessonreel: ModuleNotFoundError: "
                            "No module named 'lessonreel'",
    }


def test_a_task_on_a_worker_whose_code_changed_since_the_check_fails_without_rendering(
    demo: DemoLesson, tmp_path: Path,
) -> None:
    from distributed import Client, LocalCluster

    lesson = discover(demo.pkg)["demo"]
    task = plan(lesson, lesson.select(["FirstScene"]), QUALITIES["low"], "none", demo.root,
                tmp_path / "cache")[0]
    checked = fingerprint(demo.pkg)
    # The scene changes after the check, as on a worker that joins later from another
    # checkout, or on a shared disk edited during the render.
    demo.write_a("The first number, said by a worker with newer code.")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        pool = DaskPool(client, demo.pkg, tmp_path / "cache", checked)
        outcomes = list(pool.run([(task, task.shards[0])], lambda _: None,
                                 lambda *_: None))
        worker = next(iter(client.scheduler_info()["workers"]))
        scratch = Path(client.run(lambda dask_worker: dask_worker.local_directory)[worker])
        rendered = list((scratch / "lessonreel").rglob("*.mp4"))
    [(_, _, error)] = outcomes
    assert isinstance(error, SceneRenderError)
    assert str(error).startswith(
        f"scene FirstScene failed to render (worker {worker} would not render what the "
        "client renders: scenes differ, on 2 tries); see its log: ")
    assert "scenes differ" in error.log.read_text()
    assert rendered == []


def test_render_needs_one_lesson_or_all() -> None:
    neither = run_lessonreel("render")
    assert neither.returncode == 2
    assert neither.stderr.strip().splitlines()[-1].startswith(
        "UsageError: name one LESSON to render, or --all for every lesson")
    assert LESSON in neither.stderr
    both = run_lessonreel("render", LESSON, "--all")
    assert both.returncode == 2


def test_a_scheduler_address_needs_the_dask_executor() -> None:
    result = run_lessonreel("render", LESSON, "--scheduler", "tcp://127.0.0.1:8786")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "UsageError: --scheduler names a Dask cluster: add --executor dask")


# ---- real renders on real clusters ---------------------------------------------------


def render_processes(root: psutil.Process) -> list[psutil.Process]:
    """Manim processes under ``root``: `python -m manim render ...`."""
    found = []
    for child in root.children(recursive=True):
        try:
            command = child.cmdline()
        except psutil.Error:
            continue
        if command[1:4] == ["-m", "manim", "render"]:
            found.append(child)
    return found


DASK_SCENES = ("ComputationIsNotLearning", "SensitivityOfFiveX", "WhyPartialDerivatives",
               "QuickRevision")


@pytest.mark.render
def test_dask_renders_module02_as_the_local_pool_does_though_a_worker_dies(
    module02_low: Path, tmp_path: Path,
) -> None:
    # An empty cache: the workers synthesise every beat again, and a reproducible
    # voice makes each scene as long as in the local render.
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    # Four of the ten scenes, 2D and text-heavy, keep the suite's time in bounds.
    chosen = DASK_SCENES
    command = [*LESSONREEL, "render", LESSON, "-q", "low", "--executor", "dask", "--jobs", "2",
               "--out", str(out), "--cache-dir", str(cache),
               *(arg for name in chosen for arg in ("--scene", name))]
    client = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    killed: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 600
        me = psutil.Process(client.pid)
        while not killed and time.monotonic() < deadline and client.poll() is None:
            for manim in render_processes(me):
                try:
                    if time.time() - manim.create_time() < 3:
                        continue  # well into its render, not starting up
                    worker = manim.parent()
                    assert worker is not None and worker.pid != client.pid
                    command_line = manim.cmdline()
                    # Kill the worker and what it runs, as if its machine went away.
                    worker.send_signal(signal.SIGKILL)
                    manim.send_signal(signal.SIGKILL)
                except psutil.NoSuchProcess:
                    continue
                killed = {"scene": command_line[-1],
                          "media": command_line[command_line.index("--media_dir") + 1]}
                break
            time.sleep(0.2)
        stdout, stderr = client.communicate(timeout=900)
    finally:
        if client.poll() is None:
            client.kill()
            client.communicate()
    assert killed, "no worker was killed mid-render"
    assert client.returncode == 0, stderr[-3000:]
    assert stdout.strip() == str(out / "lesson.mp4")
    assert "Dask LocalCluster of 2 workers" in stderr and "Dask dashboard:" in stderr
    assert f"{len(chosen)} of {len(chosen)} scenes rendered" in stderr
    # The worker rendered in its own scratch folder; the video came home as bytes.
    assert not Path(killed["media"]).is_relative_to(cache)

    local = {s["name"]: s for s in json.loads((module02_low / "manifest.json").read_text())
             ["scenes"]}
    remote = json.loads((out / "manifest.json").read_text())["scenes"]
    assert [s["name"] for s in remote] == list(chosen)
    assert killed["scene"] in chosen
    for scene in remote:
        # Speech synthesised afresh on the workers: the same samples, so the same length.
        assert scene["duration"] == local[scene["name"]]["duration"], scene["name"]
        assert same_video(out / scene["file"], module02_low / local[scene["name"]]["file"]), \
            scene["name"]
    # Every caption, with its length on screen, as in the local render.
    def cues(path: Path) -> set[tuple[str, float]]:
        return {(c.content, round((c.end - c.start).total_seconds(), 3))
                for c in srt.parse(path.read_text())}

    assert cues(out / "lesson.srt") <= cues(module02_low / "lesson.srt")
    assert len(cues(out / "lesson.srt")) > 4 * len(chosen)


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[Path]:
    """A Dask scheduler on loopback, started with Dask's command line; its scheduler file."""
    address_file = tmp_path / "scheduler.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", "0", "--dashboard-address", "127.0.0.1:0",
         "--scheduler-file", str(address_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield address_file
    finally:
        process.terminate()
        process.wait(timeout=30)


def start_worker(address_file: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """A one-thread worker that imports the lessons from ``cwd``."""
    return subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file",
         str(address_file), "--nthreads", "1", "--no-dashboard", "--no-nanny"],
        cwd=cwd, env={**os.environ, "PYTHONPATH": str(cwd)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.render
def test_a_worker_with_other_scene_code_is_refused(scheduler: Path, tmp_path: Path) -> None:
    from distributed import Client

    # A checkout whose Module 2 math differs by one comment, as after a forgotten pull.
    other = tmp_path / "other-checkout"
    shutil.copytree(ROOT / "scenes", other / "scenes",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assets", other / "assets")
    shutil.copy(ROOT / "manim.cfg", other / "manim.cfg")
    with (other / "scenes" / "module02_derivatives" / "math.py").open("a") as math:
        math.write("# edited on this worker only\n")
    deadline = time.monotonic() + 60
    while not scheduler.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = [start_worker(scheduler, ROOT), start_worker(scheduler, other)]
    try:
        with Client(scheduler_file=str(scheduler), timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
            where = client.run(os.getcwd)
            address = json.loads(scheduler.read_text())["address"]
        good = next(a for a, cwd in where.items() if Path(cwd) == ROOT)
        bad = next(a for a, cwd in where.items() if Path(cwd) == other)
        result = run_lessonreel("render", LESSON, "-q", "low", "--executor", "dask",
                                "--scheduler", address, "--out", str(tmp_path / "out"),
                                "--cache-dir", str(tmp_path / "cache"), timeout=120)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    assert result.returncode == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("WorkerMismatchError: 1 of 2 Dask workers would not render "
                              f"what this machine renders: {bad} (scenes differ); install")
    assert good not in message
    assert not (tmp_path / "cache" / "scenes").exists(), "something rendered anyway"


SECOND_LESSON = '''
from lessonreel.authoring.lesson import Lesson, SceneRef
LESSON = Lesson(slug="demo-two", title="Demo lesson two", course="Tests", package=__name__,
                scenes=(SceneRef("a", "FirstSceneAgain", "First again"),
                        SceneRef("a", "SecondSceneAgain", "Second again"),
                        SceneRef("b", "ThirdSceneAgain", "Third again")))
'''


@pytest.mark.render
def test_all_lessons_render_as_one_plan_into_a_folder_each(demo: DemoLesson) -> None:
    # A second lesson: the first one's scenes under names of their own.
    second = demo.root / demo.pkg / "demo_two"
    second.mkdir()
    (second / "__init__.py").write_text(textwrap.dedent(SECOND_LESSON))
    for name in ("a.py", "b.py"):
        source = (demo.folder / name).read_text()
        for scene in ("FirstScene", "SecondScene", "ThirdScene"):
            source = source.replace(f"class {scene}(", f"class {scene}Again(")
        (second / name).write_text(source)
    command = [*LESSONREEL, "render", "--all", "-q", "low", "--narration", "none",
               "--executor", "dask", "--jobs", "2", "--out", str(demo.root / "out"),
               "--cache-dir", str(demo.root / "cache")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                            env={**os.environ, **demo.env()})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [str(demo.root / "out" / slug / "lesson.mp4")
                                     for slug in ("demo", "demo-two")]
    for slug, suffix in (("demo", ""), ("demo-two", "Again")):
        manifest = json.loads((demo.root / "out" / slug / "manifest.json").read_text())
        assert [s["name"] for s in manifest["scenes"]] == [
            f"FirstScene{suffix}", f"SecondScene{suffix}", f"ThirdScene{suffix}"]
        # Progress names the lesson too, once a render holds more than one.
        assert f"{slug}/FirstScene{suffix}: rendered" in result.stderr
    assert re.search(r"Dask dashboard: http://127\.0\.0\.1:\d+/status", result.stderr)


@pytest.mark.render
def test_a_scene_that_fails_twice_fails_with_its_log_and_the_rest_are_cached(
    demo: DemoLesson,
) -> None:
    failed = demo.render("--jobs", "2", "--executor", "dask",
                         extra_env={"DEMO_KILL_THIRD": "1"})
    assert failed.returncode == 1
    message = failed.stderr.strip().splitlines()[-1]
    assert message.startswith("SceneRenderError: scene ThirdScene failed to render "
                              "(killed by signal 9, on 2 tries); see its log: ")
    log = Path(message.rsplit("see its log: ", 1)[1])
    assert log.is_relative_to(demo.root / "cache")  # brought home from the worker
    assert "-m manim render" in log.read_text()
    assert "FirstScene: rendered" in failed.stderr and "SecondScene: rendered" in failed.stderr
    healed = demo.render("--executor", "dask")
    assert healed.returncode == 0, healed.stderr[-2000:]
    assert "ThirdScene: rendered" in healed.stderr
    assert "FirstScene: cached" in healed.stderr and "SecondScene: cached" in healed.stderr


# ---- faults: a task's failure is its scene's, and the scene's own error is not retried ----


@pytest.mark.render
def test_a_worker_raising_an_unexpected_exception_fails_only_that_scene(
    demo: DemoLesson, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from distributed import Client, LocalCluster

    import lessonreel.render.distributed as distributed
    from lessonreel.render.cache import SceneCache
    from lessonreel.render.run import run_plan

    real = distributed.render_shard

    def flaky(task: Any, shard: Any, workers: Any) -> Path:
        if task.scene.name == "ThirdScene":
            raise OSError(28, "No space left on device")
        return real(task, shard, workers)

    monkeypatch.setattr(distributed, "render_shard", flaky)
    monkeypatch.setenv("LESSONREEL_LESSONS", demo.pkg)
    lesson = discover(demo.pkg)["demo"]
    cache = tmp_path / "cache"
    tasks = plan(lesson, lesson.scenes, QUALITIES["low"], "none", demo.root, cache)

    class Quiet:
        def started(self, task: object) -> None: ...
        def frames(self, task: object, shard: object, done: int) -> None: ...
        def finished(self, output: object) -> None: ...
        def failed(self, task: object, error: object) -> None: ...

    # Worker threads in this process, so the patched render_shard is the one they call.
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        with pytest.raises(SceneRenderError) as failed:
            run_plan(tasks, 2, Quiet(), DaskPool(client, demo.pkg, cache / "audio"))
    assert failed.value.scene == "ThirdScene"
    assert "OSError" in str(failed.value) and "No space left" in str(failed.value)
    store = SceneCache(cache)
    for task in tasks[:2]:
        assert store.lookup("demo", task.scene.name, task.variant, task.key) is not None


@pytest.mark.render
def test_a_scene_whose_own_code_raises_is_rendered_once_not_retried(demo: DemoLesson,
                                                                    tmp_path: Path) -> None:
    tries = tmp_path / "tries.txt"
    source = (demo.folder / "b.py").read_text().replace(
        "        if os.environ.get(\"DEMO_KILL_THIRD\"):",
        "        if os.environ.get(\"DEMO_RAISE_THIRD\"):\n"
        "            with open(os.environ[\"DEMO_RAISE_THIRD\"], \"a\") as f:\n"
        "                f.write(\"try\\n\")\n"
        "            raise ValueError(\"the scene's own bug\")\n"
        "        if os.environ.get(\"DEMO_KILL_THIRD\"):")
    (demo.folder / "b.py").write_text(source)
    failed = demo.render("--jobs", "2", "--executor", "dask",
                         extra_env={"DEMO_RAISE_THIRD": str(tries)})
    assert failed.returncode == 1
    message = failed.stderr.strip().splitlines()[-1]
    assert "scene ThirdScene failed to render" in message and "not tried again" in message
    assert tries.read_text().splitlines() == ["try"]
    assert "the scene's own bug" in Path(message.rsplit("see its log: ", 1)[1]).read_text()


def test_a_task_carries_its_scenes_recordings_to_the_worker(demo: DemoLesson,
                                                            tmp_path: Path) -> None:
    from lessonreel.render.distributed import WorkerJob, on_this_worker, recordings_of

    takes = demo.root / "assets" / "narration" / "demo" / "FirstScene"
    takes.mkdir(parents=True)
    (takes / "one.wav").write_bytes(b"RIFF-the-authors-take")
    lesson = discover(demo.pkg)["demo"]
    [task] = plan(lesson, lesson.select(["FirstScene"]), QUALITIES["low"], "none", demo.root,
                  tmp_path / "client-cache")
    shipped = recordings_of(task)
    assert shipped == {"one.wav": b"RIFF-the-authors-take"}
    shutil.rmtree(takes)  # the worker's own checkout has no such take
    job = WorkerJob(task, task.shards[0], demo.pkg, None, "topic", None, shipped)
    here = on_this_worker(job, tmp_path / "worker-scratch")
    folder = here.launch(here.shards[0]).orders.recordings_dir
    assert folder is not None and folder.is_relative_to(tmp_path / "worker-scratch")
    assert (folder / "one.wav").read_bytes() == b"RIFF-the-authors-take"
