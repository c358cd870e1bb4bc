"""MkDocs hook: notebook pages load nothing from another host.

mkdocs-jupyter 0.27 (Python 3.12+) adds a MathJax loader to every page that fetches MathJax from
a CDN; earlier releases honour ``custom_mathjax_url: ""``. The labs contain no maths, so this
hook removes the loader whichever release is installed. Hooks run after plugins, so the loader
is already in the page here.
"""

from __future__ import annotations

import re
from typing import Any

MATHJAX_LOADER = re.compile(r"<script data-mkdocs-jupyter-mathjax=.*?</script>\s*", re.DOTALL)


def on_post_page(output: str, page: Any, config: Any) -> str:
    return MATHJAX_LOADER.sub("", output)
