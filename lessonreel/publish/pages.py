"""The Jinja2 environment and the static assets every published page shares."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources

import jinja2

from lessonreel.captions.chapters import clock


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


def asset_bytes(name: str, package: str = "lessonreel.publish") -> bytes:
    """A page's asset, from the ``templates`` folder of ``package`` (the site and the
    presenter's, or the studio's)."""
    return (resources.files(package) / "templates" / name).read_bytes()


def asset_stamp(names: Iterable[str], package: str = "lessonreel.publish") -> str:
    """A short digest of the assets: a changed stylesheet or script gets a new address,
    so no host's cache serves the old one."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(asset_bytes(name, package))
    return digest.hexdigest()[:10]
