"""``lessonreel publish scorm``: the SCORM 1.2 package, its manifest, and its player in an LMS.

The fast tests package small renders made here with ffmpeg: the manifest is validated
against the SCORM 1.2 content-packaging schemas, the zip against its manifest, and the
adapter (scorm.js) against a stand-in LMS in Node. The browser test runs the package
inside a real LMS-side SCORM 1.2 run-time, scorm-again (installed by scripts/setup from
package-lock.json), in Debian's Chromium: two sessions, the second resumed from the first.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import srt
from lxml import etree
from PIL import Image

from lessonreel.captions.timeline import AskedQuestion, SceneBeats, beat_timeline
from lessonreel.publish import scorm
from lessonreel.publish.site import SiteLesson
from lessonreel.publish.source import load
from lessonreel.records import QuestionRecord
from tests.conftest import ROOT, run_lessonreel
from tests.publish.test_site import (  # noqa: F401  (lessons_package is a fixture)
    Elements,
    RangeServer,
    lessons_package,
    write_manifest,
)

FPS = 15
NS = {"cp": scorm.IMSCP, "adlcp": scorm.ADLCP}
#: Two chapters of three seconds; each asks one question (frames, then beats as
#: (name, end in s on the scene's clock, text)).
QUIZ_SCENES = [
    ("Nudge", "Nudge the input", 45,
     [("setup", 1.0, "Here is y equals five x."), ("quiz-nudge", 2.0, "How much does y move?"),
      ("answer-nudge", 3.0, "It moves by five times the nudge.")]),
    ("Slope", "The slope", 45,
     [("quiz-slope", 1.6, "What is the slope?"), ("outro", 3.0, "Five, everywhere.")]),
]
QUESTIONS = {
    # Asked by the chapter's second beat (1 s to 2 s): the pause to think at 1.6 s.
    "Nudge": AskedQuestion(1, 1.6, QuestionRecord(
        "x goes from 2 to 2.003. How much does y = 5x change?", ("0.015", "10.015", "0.003"),
        (None, "the new value of y, not its change", "the change in x, not in y"), 0,
        "Five times the nudge: 5 × 0.003 = 0.015.", 0.6)),
    "Slope": AskedQuestion(0, 0.9, QuestionRecord(
        "What is the slope of y = 5x?", ("1", "5", "x"),
        ("the slope of y = x", None, "a variable, not a number"), 1,
        "The factor in front of x: 5.", 0.9)),
}
QUIZ_SLUG = "quiz-lesson"
#: Not lessonreel's default (80): the manifest must carry the render's own.
MASTERY = 50


def make_quiz_render(folder: Path, slug: str = QUIZ_SLUG, questions: bool = True,
                     beats: bool = True, mastery: int = MASTERY) -> Path:
    """A rendered lesson of two chapters with a question in each (or none), its beats.json
    made as assembly makes it, and a real six-second video."""
    frames = sum(count for _, _, count, _ in QUIZ_SCENES)
    (folder / "scenes").mkdir(parents=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc=s=160x90:r={FPS}:d={frames / FPS}", "-frames:v", str(frames),
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", str(FPS),
                    "-movflags", "+faststart", str(folder / "lesson.mp4")], check=True)
    cues = [srt.Subtitle(i, timedelta(seconds=i), timedelta(seconds=i + 0.8), f"Sentence {i}.")
            for i in range(1, 6)]
    (folder / "lesson.srt").write_text(srt.compose(cues), encoding="utf-8")
    (folder / "lesson.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:01.800\nSentence 1.\n")
    Image.new("RGB", (1280, 720), "#14161C").save(folder / "thumbnail.png")
    timeline = beat_timeline(slug, FPS, [
        SceneBeats(name, title, count, beat_list,
                   [QUESTIONS[name]] if questions else [])
        for name, title, count, beat_list in QUIZ_SCENES])
    (folder / "beats.json").write_text(json.dumps(timeline.to_json()), encoding="utf-8")
    for name, *_ in QUIZ_SCENES:
        (folder / "scenes" / f"{name}.mp4").write_bytes(b"")
    files = {"video": "lesson.mp4", "srt": "lesson.srt", "vtt": "lesson.vtt",
             "thumbnail": "thumbnail.png", **({"beats": "beats.json"} if beats else {})}
    write_manifest(folder, {
        "lesson": slug, "title": "Sensitivity <of> 5x", "course": "Derivatives",
        "quality": "low", "width": 160, "height": 90, "fps": FPS, "duration": frames / FPS,
        "complete": True, "files": files,
        "scenes": [{"name": c.scene, "title": c.title, "file": f"scenes/{c.scene}.mp4",
                    "start": c.start, "duration": c.end - c.start}
                   for c in timeline.chapters],
        "questions": [q.to_json() for q in timeline.questions] if beats else [],
        "mastery_score": mastery,
    })
    return folder


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scorm-renders")
    return {"quiz": make_quiz_render(root / "quiz"),
            "plain": make_quiz_render(root / "plain", slug="plain-lesson", questions=False),
            "no-beats": make_quiz_render(root / "old", slug="old-lesson", beats=False)}


@pytest.fixture(scope="module")
def package(renders: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scorm-package") / "lessons.zip"
    scorm.build_package([SiteLesson(load(renders[name])) for name in ("quiz", "plain")], out)
    return out


def manifest_of(package: Path) -> etree._Element:
    with zipfile.ZipFile(package) as archive:
        return etree.fromstring(archive.read("imsmanifest.xml"))


def schema_validator(package: Path, folder: Path) -> etree.XMLSchema:
    """The SCORM 1.2 schemas the package ships, as one validator: a driver schema
    imports the namespaces a manifest uses (each file imports what it needs)."""
    with zipfile.ZipFile(package) as archive:
        for name in ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd",
                     "ims_xml.xsd"):
            schema = archive.read(name)
            if name == "ims_xml.xsd":
                # IMS's file binds the default namespace to the xml namespace, which
                # Namespaces in XML forbids and libxml2 refuses; unbound, it declares the
                # same attributes (xml:lang, xml:base) in the same namespace.
                schema, bound = re.subn(rb'\sxmlns="http://www.w3.org/XML/1998/namespace"',
                                        b"", schema)
                assert bound == 1
            (folder / name).write_bytes(schema)
    # Not imsmd_rootv1p2p1.xsd: libxml2 refuses its annotationType (a content model that
    # is not deterministic), and a manifest without meta-data (as ours) uses none of it.
    imports = "".join(f'<xsd:import namespace="{ns}" schemaLocation="{name}"/>'
                      for ns, name in ((scorm.IMSCP, "imscp_rootv1p1p2.xsd"),
                                       (scorm.ADLCP, "adlcp_rootv1p2.xsd")))
    driver = folder / "driver.xsd"
    driver.write_text('<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
                      f"{imports}</xsd:schema>")
    return etree.XMLSchema(etree.parse(str(driver)))


# --- the manifest -------------------------------------------------------------------------

def test_the_manifest_is_valid_against_the_scorm_1_2_schemas(package: Path,
                                                               tmp_path: Path) -> None:
    validator = schema_validator(package, tmp_path)
    manifest = manifest_of(package)
    assert validator.validate(manifest), validator.error_log
    # The validator is no rubber stamp: an item without its identifier is refused.
    manifest.find(".//cp:item", NS).attrib.pop("identifier")
    assert not validator.validate(manifest)
    assert "identifier" in str(validator.error_log)


def test_the_schemas_shipped_are_the_scorm_1_2_ones(package: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        for name, namespace in (("imscp_rootv1p1p2.xsd", scorm.IMSCP),
                                ("adlcp_rootv1p2.xsd", scorm.ADLCP),
                                ("imsmd_rootv1p2p1.xsd", scorm.IMSMD)):
            schema = etree.fromstring(archive.read(name))
            assert schema.get("targetNamespace") == namespace
    manifest = manifest_of(package)
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=NS) == "ADL SCORM"
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.2"
    locations = manifest.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()
    named = dict(zip(locations[::2], locations[1::2], strict=True))
    assert named[scorm.IMSCP] == "imscp_rootv1p1p2.xsd"
    assert named[scorm.ADLCP] == "adlcp_rootv1p2.xsd"


def test_one_organization_with_an_item_and_a_sco_per_lesson_and_the_mastery_score(
        package: Path) -> None:
    manifest = manifest_of(package)
    [organization] = manifest.findall("cp:organizations/cp:organization", NS)
    assert manifest.find("cp:organizations", NS).get("default") == organization.get("identifier")
    assert organization.findtext("cp:title", namespaces=NS) == "Derivatives"
    items = organization.findall("cp:item", NS)
    assert [i.findtext("cp:title", namespaces=NS) for i in items] == [
        "Sensitivity <of> 5x", "Sensitivity <of> 5x"]
    # The lesson with questions passes at its own mastery score; the other has none.
    assert [i.findtext("adlcp:masteryscore", namespaces=NS) for i in items] == [str(MASTERY),
                                                                                None]
    resources = {r.get("identifier"): r for r in manifest.findall("cp:resources/cp:resource", NS)}
    for item, slug in zip(items, ("quiz-lesson", "plain-lesson"), strict=True):
        sco = resources[item.get("identifierref")]
        assert sco.get(f"{{{scorm.ADLCP}}}scormtype") == "sco"
        assert sco.get("href") == f"{slug}/index.html"
        [dependency] = sco.findall("cp:dependency", NS)
        shared = resources[dependency.get("identifierref")]
        assert shared.get(f"{{{scorm.ADLCP}}}scormtype") == "asset"


def test_every_file_listed_is_in_the_zip_and_every_file_is_listed(package: Path) -> None:
    manifest = manifest_of(package)
    listed = [f.get("href") for f in manifest.iterfind(".//cp:file", NS)]
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert len(names) == len(set(names))
    for name in names:
        assert not name.startswith("/") and not re.match(r"^[A-Za-z]:", name), name
        assert ".." not in name.split("/") and "\\" not in name, name
    assert sorted(listed) == sorted(set(listed))
    assert set(listed) <= set(names)
    # Besides the content, only the manifest and the schemas it is written against.
    assert set(names) - set(listed) == {"imsmanifest.xml", "imscp_rootv1p1p2.xsd",
                                        "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd",
                                        "ims_xml.xsd"}
    for slug in ("quiz-lesson", "plain-lesson"):
        for name in ("index.html", "lesson.mp4", "lesson.vtt", "chapters.vtt", "beats.json"):
            assert f"{slug}/{name}" in listed


def test_the_video_and_beats_are_the_renders_own(package: Path, renders: dict[str, Path]) -> None:
    with zipfile.ZipFile(package) as archive:
        assert archive.read("quiz-lesson/lesson.mp4") == (renders["quiz"] / "lesson.mp4"
                                                          ).read_bytes()
        assert archive.read("quiz-lesson/beats.json") == (renders["quiz"] / "beats.json"
                                                          ).read_bytes()
        chapters = archive.read("quiz-lesson/chapters.vtt").decode()
    assert "00:00:00.000 --> 00:00:03.000\nNudge the input" in chapters
    assert "00:00:03.000 --> 00:00:06.000\nThe slope" in chapters


def page_data(package: Path, slug: str) -> tuple[Elements, dict[str, Any]]:
    with zipfile.ZipFile(package) as archive:
        page = archive.read(f"{slug}/index.html").decode()
    match = re.search(r'<script type="application/json" id="lesson-data">(.*?)</script>',
                      page, re.S)
    assert match
    return Elements(page), json.loads(match.group(1))


def test_the_page_loads_only_files_in_the_package(package: Path) -> None:
    parsed, data = page_data(package, "quiz-lesson")
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        for name in names:
            if name.endswith((".js", ".css", ".html")):
                text = archive.read(name).decode()
                assert not re.search(r"https?://|url\(|@import|fetch\(|XMLHttpRequest", text), (
                    f"{name} reaches for the network")
    linked = [attrs[key] for _, attrs in parsed.tags for key in ("src", "href", "poster")
              if attrs.get(key) and not str(attrs[key]).startswith("data:")]
    assert {"../player/scorm.js", "../player/questions.js", "../player/player.js",
            "lesson.mp4", "lesson.vtt", "chapters.vtt"} <= set(linked)
    for link in linked:
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//|/)", str(link)), link
        target = str(Path("quiz-lesson", str(link)).as_posix())
        target = re.sub(r"[^/]+/\.\./", "", target)
        assert target in names, f"index.html links to {link}, which is not in the zip"
    # The title is text, never markup.
    assert "Sensitivity <of> 5x" in "".join(parsed.text)
    assert [q["prompt"] for q in data["questions"]] == [
        QUESTIONS["Nudge"].record.prompt, QUESTIONS["Slope"].record.prompt]
    assert data["mastery_score"] == MASTERY
    assert [b["start"] for b in data["beats"]] == [0, 1, 2, 3, 4.6]


def test_a_render_without_questions_or_beats_still_packages(renders: dict[str, Path],
                                                            tmp_path: Path) -> None:
    out = tmp_path / "old.zip"
    scorm.build_package([SiteLesson(load(renders["no-beats"]))], out)
    [item] = manifest_of(out).findall(".//cp:item", NS)
    assert item.find("adlcp:masteryscore", NS) is None
    assert schema_validator(out, tmp_path).validate(manifest_of(out))
    _, data = page_data(out, "old-lesson")
    assert data["questions"] == [] and data["mastery_score"] is None
    # Each chapter is a place to resume from.
    assert [(b["start"], b["end"]) for b in data["beats"]] == [(0, 3), (3, 6)]
    with zipfile.ZipFile(out) as archive:
        assert "old-lesson/beats.json" not in archive.namelist()
        assert "old-lesson/lesson.mp4" in archive.namelist()


# --- the command --------------------------------------------------------------------------

def invoke(*args: str) -> subprocess.CompletedProcess[str]:
    return run_lessonreel("publish", "scorm", *args)


def test_the_command_writes_the_zip_and_prints_its_path(renders: dict[str, Path],
                                                        tmp_path: Path) -> None:
    out = tmp_path / "course.zip"
    out.write_bytes(b"an older package")
    result = invoke("--from", str(renders["quiz"]), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert "packaged 1 lesson (quiz-lesson) as SCORM 1.2" in result.stderr
    with zipfile.ZipFile(out) as archive:
        assert "quiz-lesson/index.html" in archive.namelist()
    # Written beside --out and renamed: nothing else is left in the folder.
    assert [p.name for p in tmp_path.iterdir()] == ["course.zip"]


@pytest.mark.usefixtures("lessons_package")
def test_an_unknown_lesson_lists_the_known_ones_and_writes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lessonreel.cli.app import cli

    out = tmp_path / "out.zip"
    result = CliRunner().invoke(cli, ["publish", "scorm", "gamma-lesson", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("UnknownLessonError: unknown lesson 'gamma-lesson'; "
                                     "known lessons: alpha-lesson, beta-lesson")
    assert not out.exists()


@pytest.mark.parametrize("where", ["a folder", "in a missing folder"])
def test_an_out_that_is_a_folder_or_in_a_missing_one_is_refused_in_one_line(
        renders: dict[str, Path], tmp_path: Path, where: str) -> None:
    out = tmp_path / "taken" if where == "a folder" else tmp_path / "missing" / "x.zip"
    if where == "a folder":
        out.mkdir()
    result = invoke("--from", str(renders["quiz"]), "--out", str(out))
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("FolderError: --out ")
    assert ("is a folder; give the zip file's name" if where == "a folder"
            else "does not exist") in line
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == (["taken"] if where == "a folder"
                                                          else [])
    if where == "a folder":
        assert not any(out.iterdir())


# --- the adapter, against a stand-in LMS ----------------------------------------------------

ADAPTER_HARNESS = r"""
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
function lms(initial) {
  const values = Object.assign({}, initial), calls = [];
  return {values, calls,
    LMSInitialize: () => { calls.push("LMSInitialize"); return "true"; },
    LMSGetValue: (n) => values[n] || "",
    LMSSetValue: (n, v) => { values[n] = v; calls.push("set " + n); return "true"; },
    LMSCommit: () => { calls.push("LMSCommit"); return "true"; },
    LMSFinish: () => { calls.push("LMSFinish"); return "true"; }};
}
function frame(parent, api) {  // a window, `depth` frames below the LMS's
  const win = {parent: null, opener: null};
  win.parent = parent || win;
  if (api) win.API = api;
  return win;
}
function adapter(win) { new Function("window", source)(win); return win.LessonScorm; }
const out = {};
// A fresh learner, the SCO three frames below the LMS's window.
let api = lms({"cmi.core.lesson_status": "not attempted"});
let top = frame(null, api), win = frame(frame(frame(top)));
let s = adapter(win).open({lesson: "quiz", mastery_score: 50});
out.fresh = {status: api.values["cmi.core.lesson_status"], resume: s.resume, lms: s.lms};
s.store.save({answers: {"0": 0}, furthest: 2.3456});
s.location(1); s.location(1); s.location(3);
s.commit();
s.end({right: 1, answered: 2, total: 2});
s.close(); s.close();
out.first = {values: api.values, calls: api.calls};
// Reopened: the LMS hands back what it kept, and its own mastery score wins.
api = lms({"cmi.core.lesson_status": "incomplete", "cmi.core.entry": "resume",
           "cmi.core.lesson_location": "3", "cmi.student_data.mastery_score": "60",
           "cmi.suspend_data": '{"answers":{"0":0},"furthest":2.3}'});
s = adapter(frame(frame(null, api))).open({lesson: "quiz", mastery_score: 50});
out.resumed = {resume: s.resume, loaded: s.store.load()};
s.store.save({answers: Object.fromEntries([...Array(600).keys()].map(i => [i, 1])), furthest: 1});
s.end({right: 1, answered: 2, total: 2});
s.close();
out.second = api.values;
// Left half-way, and a lesson without questions.
api = lms({});
s = adapter(frame(null, api)).open({lesson: "plain", mastery_score: null});
s.close();
out.left = api.values;
api = lms({});
s = adapter(frame(null, api)).open({lesson: "plain", mastery_score: null});
s.end({right: 0, answered: 0, total: 0});
out.plain = api.values;
// Opened from disk: no API anywhere; localStorage keeps the place and the answers.
const stored = {};
const storage = {getItem: (k) => stored[k] || null, setItem: (k, v) => { stored[k] = v; }};
win = frame(null); win.localStorage = storage;
s = adapter(win).open({lesson: "quiz", mastery_score: 50});
s.store.save({answers: {"1": 2}, furthest: 4}); s.location(2);
win = frame(null); win.localStorage = storage;
s = adapter(win).open({lesson: "quiz", mastery_score: 50});
out.local = {lms: s.lms, resume: s.resume};
const times = adapter(frame(null)).sessionTime;
out.times = [times(0), times(3723456), times(59999), times(36000000000)];
console.log(JSON.stringify(out));
"""


def test_the_adapter_reports_to_the_lms_as_scorm_1_2_asks(tmp_path: Path) -> None:
    harness = tmp_path / "harness.js"
    harness.write_text(ADAPTER_HARNESS)
    script = ROOT / "lessonreel" / "publish" / "templates" / "scorm.js"
    result = subprocess.run(["node", str(harness), str(script)], capture_output=True,
                            text=True, check=True, timeout=60)
    out = json.loads(result.stdout)
    assert out["fresh"] == {"status": "incomplete", "lms": True,
                            "resume": {"beat": None, "state": None}}
    first = out["first"]["values"]
    assert first["cmi.core.lesson_status"] == "passed"  # 1 of 2 right: 50 %, mastery 50
    assert (first["cmi.core.score.raw"], first["cmi.core.score.min"],
            first["cmi.core.score.max"]) == ("50", "0", "100")
    assert first["cmi.core.lesson_location"] == "3"
    assert json.loads(first["cmi.suspend_data"]) == {"answers": {"0": 0}, "furthest": 2.3}
    assert first["cmi.core.exit"] == ""
    assert re.fullmatch(r"\d{4}:\d{2}:\d{2}\.\d{2}", first["cmi.core.session_time"])
    calls = out["first"]["calls"]
    assert calls[0] == "LMSInitialize" and calls[-1] == "LMSFinish"
    assert calls.count("LMSFinish") == 1 and calls.count("set cmi.core.lesson_location") == 2
    assert calls.count("LMSCommit") == 3  # the explicit one, the end's, and the close's
    assert out["resumed"] == {"resume": {"beat": 3, "state": {"answers": {"0": 0},
                                                              "furthest": 2.3}},
                              "loaded": {"answers": {"0": 0}, "furthest": 2.3}}
    second = out["second"]
    assert second["cmi.core.lesson_status"] == "failed"  # 50 % against the LMS's 60
    # Over SCORM 1.2's 4096 characters, the suspend data is not replaced by a cut one.
    assert second["cmi.suspend_data"] == '{"answers":{"0":0},"furthest":2.3}'
    assert out["left"]["cmi.core.lesson_status"] == "incomplete"
    assert out["left"]["cmi.core.exit"] == "suspend"
    assert out["plain"]["cmi.core.lesson_status"] == "completed"
    assert "cmi.core.score.raw" not in out["plain"]
    assert out["local"] == {"lms": False, "resume": {"beat": 2, "state": {
        "answers": {"1": 2}, "furthest": 4}}}
    assert out["times"] == ["0000:00:00.00", "0001:02:03.46", "0000:01:00.00",
                            "9999:00:00.00"]


# --- in a real LMS-side run-time -------------------------------------------------------------

SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm12.js"
HOST_PAGE = """<!doctype html>
<meta charset="utf-8">
<title>LMS</title>
<script src="scorm12.js"></script>
<script>
  // The LMS's side: a SCORM 1.2 API on this window, the SCO in a frame below it.
  window.finished = 0;
  window.startSession = function (initial) {
    window.API = new Scorm12API({autocommit: false, logLevel: 4});
    if (initial) window.API.loadFromJSON(initial);
    window.API.on("LMSFinish", function () { window.finished += 1; });
    // Every value the SCO sets, as it sent it.
    window.sent = [];
    window.API.on("LMSSetValue.cmi.*", function (name, value) { window.sent.push([name, value]); });
    var frame = document.createElement("iframe");
    frame.width = 1000; frame.height = 700;
    frame.src = "package/quiz-lesson/index.html";
    document.body.appendChild(frame);
  };
  window.endSession = function () {
    var frame = document.querySelector("iframe");
    frame.parentNode.removeChild(frame);
  };
  window.lmsValues = function () {
    // As the LMS stores them: its JSON of the data model holds the write-only ones too.
    var cmi = JSON.parse(JSON.stringify(window.API.cmi)), core = cmi.core;
    return {lesson_status: core.lesson_status, score_raw: core.score.raw,
            score_min: core.score.min, score_max: core.score.max,
            lesson_location: core.lesson_location, exit: core.exit,
            session_time: core.session_time,
            suspend_data: cmi.suspend_data};
  };
</script>
<body></body>
"""


def poll(target: Any, expression: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = target.evaluate(expression)
        if value:
            return value
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def lms_site(renders: dict[str, Path],
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not SCORM_AGAIN.is_file():
        pytest.fail(f"{SCORM_AGAIN} is missing: run scripts/setup (npm ci)")
    root = tmp_path_factory.mktemp("lms")
    zipped = root / "quiz.zip"
    result = run_lessonreel("publish", "scorm", "--from", str(renders["quiz"]),
                            "--out", str(zipped))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(root / "package")
    shutil.copyfile(SCORM_AGAIN, root / "scorm12.js")
    (root / "host.html").write_text(HOST_PAGE)
    server = RangeServer(root)
    yield server.url, root
    server.close()


def sco_frame(page: Any) -> Any:
    deadline = time.monotonic() + 15
    while True:
        # Read from the frame itself: Playwright may still list a frame made by script
        # under its first address.
        frames = [f for f in page.main_frame.child_frames if f.evaluate(
            "location.pathname").endswith("quiz-lesson/index.html")]
        if frames:
            frame = frames[0]
            poll(frame, "window.lessonreelPlayer && document.getElementById('player')"
                        ".readyState >= 2")
            return frame
        assert time.monotonic() < deadline, "the SCO's frame never loaded"
        time.sleep(0.05)


def play_from(frame: Any, seconds: float) -> None:
    frame.evaluate("""(t) => { const v = document.getElementById('player');
        v.currentTime = t; v.play(); }""", seconds)


def answer_the_question_asked(frame: Any, choice: int, shot: Path) -> str:
    """Wait for the panel to ask, choose ``choice``, continue; the prompt it asked."""
    poll(frame, "document.querySelector('.lq-panel[data-state=asking]:not([hidden])')")
    prompt = frame.evaluate("document.querySelector('.lq-prompt').textContent")
    assert frame.evaluate("document.getElementById('player').paused")
    frame.click(f".lq-choice[data-choice='{choice}']")
    frame.page.screenshot(path=str(shot))
    frame.click(".lq-continue")
    return str(prompt)


@pytest.mark.browser
def test_the_package_runs_in_a_scorm_1_2_lms_and_resumes_from_its_data(
        lms_site: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, root = lms_site
    manifest = etree.parse(str(root / "package" / "imsmanifest.xml"))
    mastery = manifest.findtext(".//adlcp:masteryscore", namespaces=NS)
    _, data = page_data(root / "quiz.zip", "quiz-lesson")
    first_q, second_q = data["questions"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--autoplay-policy=no-user-gesture-required"])
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url + "host.html")
        # As an LMS does: the item's mastery score from the manifest, for the SCO to read.
        page.evaluate("(m) => startSession({student_data: {mastery_score: m}})", mastery)
        frame = sco_frame(page)

        # Session 1: one right, one wrong, to the end.
        play_from(frame, first_q["ask"])
        assert answer_the_question_asked(
            frame, first_q["correct"], tmp_path / "question1-answered.png") == first_q["prompt"]
        play_from(frame, second_q["ask"])
        wrong = next(i for i in range(len(second_q["choices"])) if i != second_q["correct"])
        assert answer_the_question_asked(
            frame, wrong, tmp_path / "question2-answered.png") == second_q["prompt"]
        poll(frame, "document.getElementById('player').currentTime > "
                    f"{second_q['answer']}")
        play_from(frame, data["duration"] - 0.4)
        poll(page, "['passed', 'failed'].includes(API.cmi.core.lesson_status)")
        page.screenshot(path=str(tmp_path / "session1-end.png"))
        ended = page.evaluate("lmsValues()")
        page.evaluate("endSession()")
        poll(page, "window.finished === 1")
        first = page.evaluate("lmsValues()")
        print("session 1, at the end:", json.dumps(ended))
        print("session 1, after LMSFinish:", json.dumps(first))
        print("session 1, sent by the SCO:", json.dumps(page.evaluate("window.sent")))
        assert first["lesson_status"] == "passed"  # 1 of 2: 50 %, mastery 50
        assert (first["score_raw"], first["score_min"], first["score_max"]) == ("50", "0",
                                                                                "100")
        last_beat = len(data["beats"]) - 1
        assert first["lesson_location"] == str(last_beat)
        suspended = json.loads(first["suspend_data"])
        assert suspended["answers"] == {str(first_q["index"]): first_q["correct"],
                                        str(second_q["index"]): wrong}
        assert suspended["furthest"] == pytest.approx(data["duration"], abs=0.1)
        # Sent as SCORM 1.2's CMITimespan, HHHH:MM:SS.SS; the run-time keeps it its way.
        sent = dict(page.evaluate("window.sent"))
        assert re.fullmatch(r"\d{4}:\d{2}:\d{2}\.\d{2}", sent["cmi.core.session_time"])
        assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?", first["session_time"])
        assert first["exit"] == ""

        # Session 2: a new run-time, loaded with what the LMS kept of the first.
        page.goto(url + "host.html")
        page.evaluate("""(kept) => startSession({
            core: {lesson_location: kept.lesson_location, lesson_status: kept.lesson_status,
                   entry: "resume", score: {raw: kept.score_raw, min: kept.score_min,
                                            max: kept.score_max}},
            suspend_data: kept.suspend_data, student_data: {mastery_score: kept.mastery}})""",
                      {**first, "mastery": mastery})
        frame = sco_frame(page)
        # It resumed at the saved beat.
        poll(frame, f"Math.abs(document.getElementById('player').currentTime - "
                    f"{data['beats'][last_beat]['start']}) < 0.1")
        assert "resuming" in frame.evaluate("document.getElementById('status').textContent")
        # Played through both questions' think times: neither is asked again.
        play_from(frame, first_q["ask"])
        poll(frame, f"document.getElementById('player').currentTime > {second_q['answer']}",
             timeout=20)
        assert frame.evaluate("document.querySelector('.lq-panel').hidden")
        assert not frame.evaluate("document.querySelector('.lq-panel[data-state=asking]')")
        poll(frame, "document.getElementById('player').ended", timeout=20)
        page.screenshot(path=str(tmp_path / "session2-end.png"))
        page.evaluate("endSession()")
        poll(page, "window.finished === 1")
        second = page.evaluate("lmsValues()")
        print("session 2, after LMSFinish:", json.dumps(second))
        assert second["lesson_status"] == "passed" and second["score_raw"] == "50"
        assert second["lesson_location"] == str(last_beat)
        assert json.loads(second["suspend_data"])["answers"] == suspended["answers"]
        browser.close()
    assert all(r.startswith(url) for r in requested), requested


@pytest.mark.browser
def test_opened_from_disk_without_an_lms_it_plays_and_keeps_its_place_in_the_browser(
        lms_site: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    _, root = lms_site
    page_url = (root / "package" / "quiz-lesson" / "index.html").as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--autoplay-policy=no-user-gesture-required"])
        context = browser.new_context()
        page = context.new_page()
        page.goto(page_url)
        frame = page.main_frame
        poll(frame, "window.lessonreelPlayer && document.getElementById('player')"
                    ".readyState >= 2")
        assert page.evaluate("window.lessonreelPlayer.session.lms") is False
        # The captions file is refused on file://: the page builds them from its own copy.
        assert page.evaluate("""() => Array.from(document.getElementById('player').textTracks)
            .some(t => t.mode === 'showing' && t.cues && t.cues.length === 5)""")
        # Into the second beat (from 1 s), short of the first question (asked at 1.6 s).
        play_from(frame, 0.5)
        poll(frame, "document.getElementById('player').currentTime > 1.2")
        page.evaluate("document.getElementById('player').pause()")
        page.reload()
        poll(frame, "window.lessonreelPlayer && document.getElementById('player')"
                    ".readyState >= 1")
        assert page.evaluate("window.lessonreelPlayer.session.resume.beat") == 1
        poll(frame, "Math.abs(document.getElementById('player').currentTime - 1) < 0.1")
        browser.close()
