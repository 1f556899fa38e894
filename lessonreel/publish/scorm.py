"""``lessonreel publish scorm``: rendered lessons as one SCORM 1.2 package for an LMS.

SCORM 1.2 is the format every major LMS imports (Moodle's SCORM activity, Canvas's
SCORM import and LTI app, Blackboard, ...). The package is one zip::

    imsmanifest.xml          one organization; one item and one SCO per lesson
    imscp_rootv1p1p2.xsd, adlcp_rootv1p2.xsd, imsmd_rootv1p2p1.xsd, ims_xml.xsd
    player/                  an asset resource every SCO depends on:
        scorm.js             finds the LMS's API and reports to it (SCORM 1.2 run-time)
        questions.js         pauses at each question, shows the choices, keeps the answers
        player.js, player.css, questions.css, palette.css
    <slug>/index.html        the lesson's SCO: video, captions, chapters, questions
    <slug>/lesson.mp4, lesson.vtt, chapters.vtt, beats.json, thumbnail.png

Each lesson is its own SCO, so an LMS keeps a status, a score and a resume point per
lesson and lists the lessons in its table of contents (Moodle, Canvas) in course order.
A lesson with questions carries ``adlcp:masteryscore`` (its declaration's
``mastery_score``, a per cent): the SCO reports ``cmi.core.score.raw`` as the per cent of
questions answered right, so the LMS compares like with like. Nothing in the package
reaches the network: every file a page loads is in the zip, linked relatively.

The zip is written beside ``--out`` and renamed onto it, so an interrupted publish
leaves the previous package (or nothing) in place.
"""

from __future__ import annotations

import hashlib
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import srt

from lessonreel.authoring.lesson import Lesson
from lessonreel.captions.timeline import read_timeline
from lessonreel.errors import DamagedManifestError, FolderError, UsageError
from lessonreel.files import staged
from lessonreel.publish.pages import PALETTE, asset_bytes, environment
from lessonreel.publish.site import SiteLesson, chapters_vtt
from lessonreel.publish.source import RenderedLesson, chapter_bounds

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: The content-packaging schemas, shipped at the package's root beside the manifest.
SCHEMAS = {IMSCP: "imscp_rootv1p1p2.xsd", IMSMD: "imsmd_rootv1p2p1.xsd",
           ADLCP: "adlcp_rootv1p2.xsd"}
SCHEMA_FILES = (*SCHEMAS.values(), "ims_xml.xsd")
MANIFEST = "imsmanifest.xml"
PAGE = "index.html"
#: The player every SCO shares: name in the zip's player/ folder -> template asset.
PLAYER_FILES = ("scorm.js", "questions.js", "player.js", "player.css", "questions.css", PALETTE)
PLAYER_FOLDER = "player"
#: Copied from the render when it has them: manifest role -> name in the lesson's folder.
COPIED_FILES = {"video": "lesson.mp4", "vtt": "lesson.vtt", "beats": "beats.json",
                "thumbnail": "thumbnail.png"}
#: Already compressed: stored as they are, not deflated again.
STORED_SUFFIXES = (".mp4", ".png")
#: For a render made before lessons declared one: the declaration's own default.
DEFAULT_MASTERY: int = next(f.default for f in fields(Lesson)  # type: ignore[assignment]
                            if f.name == "mastery_score")


@dataclass(frozen=True)
class PackagedLesson:
    """One lesson's SCO: its folder in the zip, the files in it, what its page shows."""

    slug: str
    title: str
    #: The per cent of right answers that passes; None for a lesson without questions.
    mastery_score: int | None
    #: Name in the lesson's folder -> the file's bytes on disk, or the bytes made here.
    files: dict[str, Path | bytes]


@dataclass
class PackageReport:
    """What a package holds: its path, its lessons, and each file with its size."""

    out: Path
    lessons: list[str] = field(default_factory=list)
    files: list[tuple[str, int]] = field(default_factory=list)


def check_out(out: Path) -> Path:
    """``out`` as a path to write the zip to, or a UsageError saying what to give."""
    out = out.absolute()
    if out.is_dir():
        raise FolderError(f"--out {out} is a folder; give the zip file's name, "
                          f"e.g. --out {out / 'lessons.zip'}")
    if not out.parent.is_dir():
        raise FolderError(f"--out {out}: its folder {out.parent} does not exist; "
                          "create it or give a zip in an existing folder")
    return out


def lesson_data(rendered: RenderedLesson) -> dict[str, Any]:
    """What a lesson's page plays by: its beats (the resume points), its questions, the
    mastery score and its captions (for a page opened from disk, where browsers refuse
    the captions file)."""
    manifest = rendered.manifest
    if "beats" in manifest["files"]:
        timeline = read_timeline(rendered.file("beats"), int(manifest["fps"]),
                                 rendered.duration, rendered.slug)
        beats = [{"index": b.index, "chapter": b.chapter, "start": b.start, "end": b.end}
                 for b in timeline.beats]
        questions = [q.to_json() for q in timeline.questions]
    else:
        # Rendered before beats.json: each chapter is a resume point, and nothing is asked.
        beats = [{"index": i, "chapter": i + 1, "start": start, "end": end}
                 for i, (start, end) in enumerate(chapter_bounds(rendered.scenes))]
        questions = []
    return {
        "lesson": rendered.slug, "title": rendered.title,
        "course": str(manifest.get("course", "")), "duration": rendered.duration,
        "mastery_score": mastery_score(rendered) if questions else None,
        "beats": beats, "questions": questions,
        "captions": [{"start": c.start.total_seconds(), "end": c.end.total_seconds(),
                      "text": c.content}
                     for c in srt.parse(rendered.file("srt").read_text(encoding="utf-8"))],
    }


def mastery_score(rendered: RenderedLesson) -> int:
    """The manifest's ``mastery_score`` (a per cent); lessonreel's default for a render
    made before lessons declared one."""
    score = rendered.manifest.get("mastery_score", DEFAULT_MASTERY)
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise DamagedManifestError(rendered.folder / "manifest.json", "mastery_score",
                                   f"is {score!r}, not a per cent from 0 to 100",
                                   "render the lesson again")
    return score


def package_lesson(rendered: RenderedLesson) -> PackagedLesson:
    """A lesson's SCO: its page, and the render's files the page plays."""
    data = lesson_data(rendered)
    files: dict[str, Path | bytes] = {}
    for role, name in COPIED_FILES.items():
        if role in rendered.manifest["files"]:
            files[name] = rendered.file(role)
    files["chapters.vtt"] = chapters_vtt(rendered.scenes).encode()
    chapters = [{"title": str(scene["title"]), "start": start}
                for scene, (start, _) in zip(rendered.scenes, chapter_bounds(rendered.scenes),
                                             strict=True)]
    page = environment().get_template("scorm.html").render(
        player=f"../{PLAYER_FOLDER}/", title=rendered.title, course=data["course"],
        data=data, chapters=chapters, poster="thumbnail.png" in files,
        width=rendered.manifest.get("width"), height=rendered.manifest.get("height"))
    files[PAGE] = page.encode()
    return PackagedLesson(rendered.slug, rendered.title, data["mastery_score"], files)


def manifest_xml(lessons: Sequence[PackagedLesson], title: str) -> bytes:
    """``imsmanifest.xml``: one organization titled ``title`` with an item per lesson,
    each item's SCO listing every file of the lesson and depending on the player."""
    ElementTree.register_namespace("", IMSCP)
    ElementTree.register_namespace("adlcp", ADLCP)
    ElementTree.register_namespace("xsi", XSI)

    def element(parent: ElementTree.Element | None, tag: str, text: str | None = None,
                namespace: str = IMSCP, **attributes: str) -> ElementTree.Element:
        name = f"{{{namespace}}}{tag}"
        node = (ElementTree.Element(name) if parent is None
                else ElementTree.SubElement(parent, name))
        for key, value in attributes.items():
            node.set(f"{{{ADLCP}}}scormtype" if key == "scormtype" else key, value)
        if text is not None:
            node.text = text
        return node

    # Named by its lessons: an LMS that keeps packages by identifier sees a new version
    # of the same lessons as an update, and other lessons as another package.
    named = "-".join(lesson.slug for lesson in lessons)
    if len(named) > 100:
        named = hashlib.sha256(named.encode()).hexdigest()[:16]
    root = element(None, "manifest", identifier=f"lessonreel-{named}", version="1.0")
    root.set(f"{{{XSI}}}schemaLocation",
             " ".join(f"{namespace} {name}" for namespace, name in SCHEMAS.items()))
    metadata = element(root, "metadata")
    element(metadata, "schema", "ADL SCORM")
    element(metadata, "schemaversion", "1.2")
    organizations = element(root, "organizations", default="lessons")
    organization = element(organizations, "organization", identifier="lessons")
    element(organization, "title", title)
    for lesson in lessons:
        item = element(organization, "item", identifier=f"item-{lesson.slug}",
                       identifierref=f"sco-{lesson.slug}", isvisible="true")
        element(item, "title", lesson.title)
        if lesson.mastery_score is not None:
            element(item, "masteryscore", str(lesson.mastery_score), namespace=ADLCP)
    listing = element(root, "resources")
    for lesson in lessons:
        resource = element(listing, "resource", identifier=f"sco-{lesson.slug}",
                           type="webcontent", scormtype="sco", href=f"{lesson.slug}/{PAGE}")
        for name in sorted(lesson.files, key=lambda n: (n != PAGE, n)):
            element(resource, "file", href=f"{lesson.slug}/{name}")
        element(resource, "dependency", identifierref="player")
    player = element(listing, "resource", identifier="player", type="webcontent",
                     scormtype="asset")
    for name in PLAYER_FILES:
        element(player, "file", href=f"{PLAYER_FOLDER}/{name}")
    ElementTree.indent(root, space=" ")
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + ElementTree.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n")


def package_title(lessons: Sequence[SiteLesson]) -> str:
    """The organization's title: the lessons' course, the lesson's title when one lesson
    has none, else a plain name."""
    courses = {str(lesson.rendered.manifest.get("course", "")) for lesson in lessons}
    if len(courses) == 1 and (course := courses.pop()):
        return course
    return lessons[0].rendered.title if len(lessons) == 1 else "Lessons"


def schema_bytes(name: str) -> bytes:
    return (resources.files("lessonreel.publish") / "scorm12" / name).read_bytes()


def build_package(lessons: Sequence[SiteLesson], out: Path) -> PackageReport:
    """Write the SCORM 1.2 zip of ``lessons`` to ``out`` (staged beside it, then renamed)."""
    if not lessons:
        raise UsageError("no lesson to package; name one, or render one first")
    out = check_out(out)
    packaged = [package_lesson(lesson.rendered) for lesson in lessons]
    entries: list[tuple[str, Path | bytes]] = [
        (MANIFEST, manifest_xml(packaged, package_title(lessons))),
        *((name, schema_bytes(name)) for name in SCHEMA_FILES),
        *((f"{PLAYER_FOLDER}/{name}", asset_bytes(name)) for name in PLAYER_FILES),
    ]
    for lesson in packaged:
        entries += [(f"{lesson.slug}/{name}", content)
                    for name, content in sorted(lesson.files.items())]
    report = PackageReport(out, [lesson.slug for lesson in packaged])
    now = time.localtime()[:6]
    with staged(out) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=now)
            info.external_attr = 0o644 << 16
            info.compress_type = (zipfile.ZIP_STORED if name.endswith(STORED_SUFFIXES)
                                  else zipfile.ZIP_DEFLATED)
            if isinstance(content, Path):
                with content.open("rb") as source, archive.open(info, "w") as target:
                    while block := source.read(1 << 20):
                        target.write(block)
                size = content.stat().st_size
            else:
                archive.writestr(info, content)
                size = len(content)
            report.files.append((name, size))
    return report
