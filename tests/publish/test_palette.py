"""Every page wears the videos' colours, from one place: a palette made from theme.py."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from lessonreel.authoring import theme
from lessonreel.publish.pages import PALETTE, asset_bytes, palette_css

#: Each page's template and its own stylesheet, in the package that serves them.
PAGES = [("lessonreel.publish", "base.html", "site.css"),
         ("lessonreel.publish", "present.html", "present.css"),
         ("lessonreel.studio", "studio.html", "studio.css")]


def variables(css: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*([^;]+);", css))


def test_the_palette_is_the_themes_colours() -> None:
    palette = variables(palette_css())
    assert palette["background"] == theme.BACKGROUND.lower()
    assert palette["text"] == theme.TEXT_COLOR.lower()
    assert palette["link"] == theme.INPUT_COLOR.lower()
    assert palette["current"] == theme.HIGHLIGHT_COLOR.lower()
    # Readable on the background, as every colour of a video is.
    for name in ("text", "muted", "link", "current"):
        assert theme.contrast_ratio(palette[name]) >= 4.5, name


@pytest.mark.parametrize(("package", "template", "stylesheet"), PAGES)
def test_every_page_links_the_palette_first_and_restates_none_of_it(
        package: str, template: str, stylesheet: str) -> None:
    page = (resources.files(package) / "templates" / template).read_text()
    links = re.findall(r'href="[^"]*assets/([a-z]+\.css)', page)
    assert links == [PALETTE, stylesheet]
    own = variables(asset_bytes(stylesheet, package).decode())
    assert not set(own) & set(variables(palette_css())), "a palette colour written twice"
    assert asset_bytes(PALETTE, package).decode() == palette_css()
