"""The studio's parts that need no browser and no Manim: the timeline built from a scene's
records, the queue of renders, where a scene raised, and the command's one-line errors."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from lessonreel.authoring.lesson import SceneRef
from lessonreel.records import Fields, SceneRecord
from lessonreel.render.launch import print_raised
from lessonreel.studio.renders import RenderQueue
from lessonreel.studio.views import beat_names, findings, raised_from_log, scene_view
from tests.conftest import run_lessonreel

FPS = 15


def scene_ref(tmp_path: Path, source: str = "") -> SceneRef:
    path = tmp_path / "lesson_scene.py"
    path.write_text(source or "class Demo:\n    pass\n")
    ref = SceneRef(module="lesson_scene", name="Demo", title="A demo")
    ref.__dict__["file"] = path  # found where it is, not imported
    return ref


def record_of(data: dict[str, Any]) -> SceneRecord:
    """A scene's record.json as the studio reads it."""
    return SceneRecord.from_json({"key": "k", **data}, Fields(Path("record.json"), "-"))


#: A scene's record as the render stores it (SceneRecord): two beats, the second with a
#: mark, and the layout check's findings.
RECORD = record_of({
    "frames": 120,
    "beats": [
        {"name": "intro", "start": 0.0, "end": 3.0, "text": "Hello there. Look.",
         "marks": [],
         "sentences": [
             {"text": "Hello there.", "spoken": "Hello there.", "start": 0.0, "end": 1.0,
              "words": [[0.1, 0.5], [0.55, 1.0]]},
             {"text": "Look.", "spoken": "Look.", "start": 1.5, "end": 2.0,
              "words": [[1.5, 2.0]]}]},
        {"name": "slide", "start": 3.0, "end": 8.0, "text": "Watch x go from 2 to 3.",
         "marks": [{"name": "go", "at": 0.9}],
         "sentences": [
             {"text": "Watch x go from 2 to 3.", "spoken": "Watch x go from two to three.",
              "start": 0.2, "end": 2.6,
              "words": [[0.2, 0.5], [0.5, 0.7], [0.9, 1.1], [1.1, 1.4], [1.4, 1.8],
                        [1.8, 2.0], [2.0, 2.6]]}]},
    ],
    "layout": [
        {"beat": "intro", "problems": [], "flashes": ["at 1.27 s: FadeIn of Text('a') "
                                                      "while it is on screen"]},
        {"beat": "slide", "problems": [
            "Text('x') overlaps MathTex('y') by 0.30 x 0.20",
            "Text('long') leaves the safe area (x -7.50..1.00, y 0.00..1.00; allowed ±6.62, "
            "±3.62)",
            "Text('tiny') is drawn at font size 12.0, under the legibility floor of 20"],
         "flashes": []},
    ],
})


def test_beats_are_blocks_on_the_frames_words_are_ticks_and_marks_are_flags(
        tmp_path: Path) -> None:
    view = scene_view(RECORD, scene_ref(tmp_path), FPS)
    assert view["frames"] == 120 and view["duration"] == 8.0
    # The beats tile the video: the last runs to its end.
    assert [(b["name"], b["first_frame"], b["end_frame"]) for b in view["beats"]] == [
        ("intro", 0, 45), ("slide", 45, 120)]
    words = view["words"]
    assert [w["word"] for w in words] == ["Hello", "there.", "Look.", "Watch", "x", "go",
                                          "from", "two", "to", "three."]
    # Each word on the scene's clock: its beat's start plus its time in the beat.
    assert [w["start"] for w in words] == [0.1, 0.55, 1.5, 3.2, 3.5, 3.9, 4.1, 4.4, 4.8, 5.0]
    assert words[5]["frame"] == 58  # 3.9 s at 15 fps
    assert view["marks"] == [{"beat": "slide", "name": "go", "at": 3.9, "frame": 58}]


def test_layout_findings_land_at_the_end_of_their_beat_and_flashes_at_their_play() -> None:
    found = findings(RECORD, FPS)
    assert [(f["kind"], f["beat"], f["frame"]) for f in found] == [
        ("flash", "intro", 19), ("overlap", "slide", 119), ("margin", "slide", 119),
        ("small", "slide", 119)]
    assert found[1]["message"].startswith("end of beat 'slide': Text('x') overlaps")


def test_words_without_their_spoken_text_are_ticks_without_labels(tmp_path: Path) -> None:
    record = record_of({"frames": 30, "beats": [
        {"name": "b", "start": 0.0, "end": 2.0, "text": "Hi.",
         "sentences": [{"text": "Hi.", "start": 0, "end": 1,
                        "words": [[0.0, 0.4], [0.5, 1.0]]}]}]})
    view = scene_view(record, scene_ref(tmp_path), FPS)
    assert [w["word"] for w in view["words"]] == ["", ""]
    assert view["findings"] == [] and view["marks"] == []


def test_the_outline_reads_beats_from_the_source_in_order(tmp_path: Path) -> None:
    ref = scene_ref(tmp_path, '''
class Other:
    def construct(self):
        with self.voiceover(beat="not-mine", text="x"):
            pass

class Demo:
    def construct(self):
        with self.voiceover(beat="first", text="One."):
            pass
        for name in ("a", "b"):
            with self.voiceover(beat=name, text="Computed."):
                pass
        with self.voiceover(text="Two.", beat="second") as tracker:
            pass
''')
    assert beat_names(ref) == ["first", "second"]
    ref.file.write_text("class Demo(:\n")
    assert beat_names(ref) is None


def raise_here() -> None:
    raise ValueError("boom\nsecond line")


def test_where_a_scene_raised_is_read_from_its_log_as_a_project_file(tmp_path: Path) -> None:
    root = tmp_path / "project"
    snapshot = tmp_path / "run" / "source" / "lesson"
    (root / "scenes").mkdir(parents=True)
    (root / "scenes" / "demo.py").write_text("a = 1\nb = 1 / 0\n")
    log = "\n".join([
        "Animation 0: ...",
        "lessonreel: raised at /usr/lib/python3/dist-packages/manim/scene.py:10 in render",
        f"lessonreel: raised at {snapshot / 'scenes' / 'demo.py'}:2 in construct",
        # Deeper, but not the project's: the engine, a library.
        "lessonreel: raised at /opt/engine/lessonreel/narration.py:5 in play",
        "lessonreel: raised ZeroDivisionError: division by zero",
        "╰──── a box Manim draws ────╯",
    ])
    shown = raised_from_log(log, snapshot, root, "fallback")
    assert shown == {"message": "ZeroDivisionError: division by zero",
                     "file": "scenes/demo.py", "line": 2, "where": "scenes/demo.py:2",
                     "code": "b = 1 / 0"}
    assert raised_from_log("no marker here", snapshot, root, "last line") == {
        "message": "last line"}


def test_print_raised_writes_each_frame_and_the_message_on_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    try:
        raise_here()
    except ValueError as error:
        print_raised(error)
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "lessonreel: raised ValueError: boom second line"
    assert lines[-2].startswith("lessonreel: raised at ")
    assert lines[-2].endswith(f"{Path(__file__)}:{raise_here.__code__.co_firstlineno + 1} "
                              "in raise_here")


def test_a_save_during_a_render_queues_one_more_render_not_many() -> None:
    started = threading.Event()
    release = threading.Event()
    done: list[str] = []

    def render(scene: str) -> None:
        started.set()
        release.wait(5)
        done.append(scene)

    queue = RenderQueue(render)
    queue.ask("A")
    assert started.wait(5)
    for _ in range(5):  # five saves while A renders
        queue.ask("A")
    assert queue.running == "A" and queue.waiting == ["A"]
    release.set()
    assert queue.wait_idle(5)
    assert done == ["A", "A"]
    assert queue.renders == 2
    queue.stop()
    queue.join(5)


def test_renders_run_one_at_a_time_in_the_order_asked_and_survive_a_bug() -> None:
    running = []
    order = []
    lock = threading.Lock()

    def render(scene: str) -> None:
        with lock:
            running.append(scene)
            assert len(running) == 1
        time.sleep(0.05)
        with lock:
            running.remove(scene)
        order.append(scene)
        if scene == "B":
            raise RuntimeError("a bug in one render")

    queue = RenderQueue(render)
    for scene in ("A", "B", "C", "B"):
        queue.ask(scene)
    assert queue.wait_idle(5)
    # B asked twice while it waited: rendered once, where it was first asked.
    assert order[:3] == ["A", "B", "C"] and order.count("B") <= 2
    queue.ask("D")
    assert queue.wait_idle(5)
    assert order[-1] == "D"
    queue.stop()
    queue.join(5)


def test_an_unknown_lesson_is_one_line() -> None:
    result = run_lessonreel("studio", "no-such-lesson", "--no-open")
    assert result.returncode == 2
    assert result.stderr.startswith("UnknownLessonError: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_lessonreel("studio", "module02-derivatives", "--no-open", "--port",
                                str(port), env={"LESSONREEL_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == (f"UsageError: cannot serve the studio on 127.0.0.1:{port} "
                             "(Address already in use); choose another --port, or 0 for any "
                             "free one\n")


@pytest.mark.parametrize(("damage", "field"), [
    ({"words": [[0.5, 0.1]]}, "beats[0].sentences[0].words[0]"),
    ({"words": [["x", 1]]}, "beats[0].sentences[0].words[0]"),
    ({"start": -1}, "beats[0].sentences[0].start"),
])
def test_a_scene_record_with_damaged_word_times_is_refused_naming_the_field(
        tmp_path: Path, damage: dict[str, Any], field: str) -> None:
    import json

    from lessonreel.errors import RecordError

    sentence = {"text": "Hi.", "spoken": "Hi.", "start": 0.0, "end": 1.0,
                "words": [[0.1, 0.5]], **damage}
    path = tmp_path / "record.json"
    path.write_text(json.dumps({"key": "k", "frames": 3, "beats": [
        {"name": "a", "start": 0.0, "end": 1.0, "text": "Hi.", "marks": [],
         "sentences": [sentence]}], "layout": []}))
    with pytest.raises(RecordError) as raised:
        SceneRecord.read(path)
    assert raised.value.field == field
    path.write_text(json.dumps({"key": "k", "frames": 3, "beats": [], "layout": [
        {"beat": "a", "problems": [3]}]}))
    with pytest.raises(RecordError) as raised:
        SceneRecord.read(path)
    assert raised.value.field == "layout[0].problems[0]"


def test_the_studio_publishes_each_render_withdraws_the_one_before_and_shows_a_bug(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The studio's own logic, with a stand-in for the render pipeline: no Manim."""
    import http.client

    from lessonreel.authoring.lesson import get_lesson, project_root
    from lessonreel.studio import app
    from lessonreel.studio.renders import Rendered

    lesson = get_lesson("module02-derivatives")
    first = lesson.scenes[2]
    outcomes: list[Any] = []

    def render(self: Any, scene: SceneRef, version: int) -> Rendered:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        self.folder.mkdir(parents=True, exist_ok=True)
        video = self.folder / f"{scene.name}-{version}.mp4"
        video.write_bytes(b"video %d" % version)
        view = {"version": version, "video": f"media/{video.name}", "captions": None,
                "beats": [], "words": [], "marks": [], "findings": []}
        return Rendered(scene.name, video, None, view, {"plan": 0.0}, 1, False)

    monkeypatch.setattr(app.Renderer, "render", render)
    outcomes.append("ok")  # the first render: a video
    studio = app.Studio(lesson, project_root(), tmp_path, "none", first=first)
    try:
        assert studio.queue.wait_idle(10)
        state = studio.state()["scenes"][first.name]
        assert state["version"] == 1 and state["error"] is None
        port = studio.server.server_address[1]

        def status(path: str) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            answer = connection.getresponse()
            answer.read()
            connection.close()
            return answer.status

        assert status(f"/media/{first.name}-1.mp4") == 200
        outcomes.extend(["ok", OSError(28, "No space left on device")])
        studio.saved({first.file.resolve()})
        assert studio.queue.wait_idle(10)
        assert studio.state()["scenes"][first.name]["version"] == 2
        assert status(f"/media/{first.name}-1.mp4") == 404  # withdrawn, and deleted
        assert not (studio.folder / f"{first.name}-1.mp4").exists()
        assert status(f"/media/{first.name}-2.mp4") == 200
        studio.saved({first.file.resolve()})
        assert studio.queue.wait_idle(10)
        state = studio.state()["scenes"][first.name]
        # A bug or a full disk is said on the page; the last good render stays.
        assert state["error"]["message"] == "OSError: [Errno 28] No space left on device"
        assert state["version"] == 2 and status(f"/media/{first.name}-2.mp4") == 200
        # A save of a file the scene does not import renders nothing.
        assert not studio.saved({(tmp_path / "elsewhere.py").resolve()})
    finally:
        studio.close()
    assert not studio.folder.exists()
