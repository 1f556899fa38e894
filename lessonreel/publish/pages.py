"""The Jinja2 environment and the static assets every published page shares."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources

import jinja2

from lessonreel.authoring import theme
from lessonreel.captions.chapters import clock

#: The stylesheet every page links first: the videos' colours as CSS variables, made from
#: theme.py (not a file), so a page and its video never disagree on a colour.
PALETTE = "palette.css"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lessonreel.publish", "templates"),
        # Every template is HTML: titles, summaries and narration are escaped.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clock"] = clock
    env.filters["seconds"] = lambda t: f"{float(t):.3f}".rstrip("0").rstrip(".")
    return env


def palette_css() -> str:
    """The course's colours for a page: its background, text, panels and accents, each
    the one a video draws with."""
    colours = {
        "background": theme.BACKGROUND, "surface": theme.PAGE_SURFACE,
        "surface-hover": theme.PAGE_SURFACE_HOVER, "border": theme.GRID_COLOR,
        "text": theme.TEXT_COLOR, "muted": theme.MUTED_TEXT_COLOR,
        "link": theme.INPUT_COLOR, "current": theme.HIGHLIGHT_COLOR,
        "focus": theme.HIGHLIGHT_COLOR,
        # A question's answer, as right or wrong: two colours of the videos' own set that
        # no common colour blindness confuses.
        "right": theme.TANGENT_COLOR, "wrong": theme.OUTPUT_COLOR,
    }
    lines = "".join(f"  --{name}: {value.lower()};\n" for name, value in colours.items())
    return ("/* lessonreel's colours, made from lessonreel/authoring/theme.py. */\n"
            f":root {{\n  color-scheme: dark;\n{lines}}}\n")


def asset_bytes(name: str, package: str = "lessonreel.publish") -> bytes:
    """A page's asset, from the ``templates`` folder of ``package`` (the site and the
    presenter's, or the studio's); the palette made from the theme."""
    if name == PALETTE:
        return palette_css().encode()
    return (resources.files(package) / "templates" / name).read_bytes()


def asset_stamp(names: Iterable[str], package: str = "lessonreel.publish") -> str:
    """A short digest of the assets: a changed stylesheet or script gets a new address,
    so no host's cache serves the old one."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(asset_bytes(name, package))
    return digest.hexdigest()[:10]
