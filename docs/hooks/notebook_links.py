"""MkDocs hook: links inside the notebooks point to the site's pages.

A notebook links to its neighbours as files (``../tutorial.md``, ``exploring.ipynb``), so that
the links work in Jupyter and on a code host. MkDocs rewrites such links in Markdown pages
but not in the HTML that mkdocs-jupyter makes of a notebook; this hook does, and a link to a
file that is not a page of the site is a warning, so that the strict build fails on it.
"""

from __future__ import annotations

import posixpath
import re

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

LINK = re.compile(r'href="(?P<path>[^"#:?]+\.(?:md|ipynb))(?P<anchor>#[^"]*)?"')


def on_page_content(html, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return html

    def to_page(match: re.Match) -> str:
        here = posixpath.dirname(page.file.src_uri)
        target = posixpath.normpath(posixpath.join(here, match["path"]))
        found = files.get_file_from_path(target)
        if found is None:
            log.warning(f"{page.file.src_uri} links to {match['path']!r}, not a page of the site")
            return match[0]
        return f'href="{found.url_relative_to(page.file)}{match["anchor"] or ""}"'

    return LINK.sub(to_page, html)
