"""MkDocs hook: links between pages work in the lab notebooks too.

A notebook's Markdown cells link other pages by their source files, as in Jupyter
(``[module 1](../day1/m01-concurrency.md)``). MkDocs rewrites such links in Markdown pages only;
mkdocs-jupyter hands over finished HTML, so this hook rewrites a notebook page's ``href`` to a
``.md`` (or ``.ipynb``) file of the site into that page's URL, keeping any ``#anchor``.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

HREF = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]+\.(?:md|ipynb))(#[^"]*)?"')


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html

    def rewrite(match: re.Match[str]) -> str:
        target, anchor = match.group(1), match.group(2) or ""
        src = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), target))
        linked = files.get_file_from_path(src)
        if linked is None:
            return match.group(0)  # left as written; the site's link test reports it
        return f'href="{linked.url_relative_to(page.file)}{anchor}"'

    return HREF.sub(rewrite, html)
