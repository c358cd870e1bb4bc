"""The built site in a real headless Chromium: offline, diagrams, tabs, copy, palette, search.

The site is built once per module with ``mkdocs build --strict`` into ``<tmp>/0.1/`` next to a
``versions.json``, which is how mike lays out a deployed version, and served from 127.0.0.1.
Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright (``playwright install`` is never
needed). Without either, every test here is skipped with the reason.

``COURSECODE_REQUIRE_BROWSER=1`` (set in CI) turns those skips into failures, and
``COURSECODE_SCREENSHOTS=DIR`` also saves a screenshot of every page into DIR.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("COURSECODE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VERSION = "0.1"
LOCAL_HOST = "127.0.0.1"
# Material renders a diagram into a closed shadow root; opening it lets the test see the <svg>.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, Object.assign({}, init, { mode: "open" }));
};
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Site:
    root: Path  # the built site (<tmp>/0.1)
    url: str  # its address, ending in /

    def pages(self) -> list[str]:
        """Every page's path relative to the site, e.g. ``day1/``. 404.html is left out: a
        mike deployment never serves a version's own 404 page."""
        found = []
        for html in sorted(self.root.rglob("index.html")):
            rel = html.parent.relative_to(self.root).as_posix()
            found.append("" if rel == "." else f"{rel}/")
        return found

    def resolves(self, href: str) -> bool:
        """False for a link into this site that names no file of it (other hosts are left to
        the reader's browser)."""
        parts = urlsplit(href)
        if not href.startswith(self.url):
            return True
        target = self.root / parts.path[len(urlsplit(self.url).path) :]
        return target.is_file() or (target / "index.html").is_file()


@dataclass
class Traffic:
    """Every request a browser context made, and what went wrong with any of them."""

    urls: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.outside, f"requests left {LOCAL_HOST}: {self.outside}"
        assert not self.bad_status, f"sub-requests without HTTP 200: {self.bad_status}"
        assert not self.failed, f"requests that failed: {self.failed}"
        assert not self.page_errors, f"JavaScript errors: {self.page_errors}"


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or (
        parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST
    )


def _unavailable(reason: str) -> None:
    if os.environ.get("COURSECODE_REQUIRE_BROWSER"):
        pytest.fail(f"COURSECODE_REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(
            f"no Chromium at {CHROMIUM}: install it (Debian/Ubuntu: apt-get install chromium) "
            "or point COURSECODE_CHROMIUM at one"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install playwright")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    served = tmp_path_factory.mktemp("site")
    built = served / VERSION
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(built)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"
    # What mike writes at the root of gh-pages: the version selector reads it.
    versions = [{"version": VERSION, "title": VERSION, "aliases": ["latest"]}]
    (served / "versions.json").write_text(json.dumps(versions))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), partial(_QuietHandler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(root=built, url=f"http://{LOCAL_HOST}:{server.server_port}/{VERSION}/")
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(served, ignore_errors=True)


@pytest.fixture
def context(browser: Any, site: Site) -> Iterator[tuple[Any, Traffic]]:
    """A fresh light-mode browser context that may use the clipboard and records traffic.

    A request for another host is recorded and aborted, so an offline machine fails fast.
    """
    context = browser.new_context(
        color_scheme="light",
        permissions=["clipboard-read", "clipboard-write"],
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    context.add_init_script(OPEN_SHADOW_ROOTS)
    traffic = Traffic()

    def route(route: Any) -> None:
        url = route.request.url
        traffic.urls.append(url)
        if _is_local(url):
            route.continue_()
        else:
            traffic.outside.append(url)
            route.abort()

    def response(resp: Any) -> None:
        # 304: the browser revalidated a file it already had, which is fine.
        if resp.status not in (200, 304):
            traffic.bad_status.append(f"{resp.status} {resp.url}")

    def failed(request: Any) -> None:
        if _is_local(request.url):
            traffic.failed.append(f"{request.url}: {request.failure}")

    context.route("**/*", route)
    context.on("response", response)
    context.on("requestfailed", failed)
    context.on("weberror", lambda error: traffic.page_errors.append(str(error.error)))
    yield context, traffic
    context.close()


def _open(context: Any, site: Site, path: str) -> Any:
    page = context.new_page()
    page.goto(site.url + path, wait_until="networkidle")
    return page


def test_every_page_loads_with_every_request_local_and_ok(
    context: tuple[Any, Traffic], site: Site
) -> None:
    ctx, traffic = context
    pages = site.pages()
    assert "" in pages and "setup/" in pages, pages
    shots = os.environ.get("COURSECODE_SCREENSHOTS")
    page = ctx.new_page()
    broken: list[str] = []
    for path in pages:
        response = page.goto(site.url + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
        assert page.locator("article h1").count() >= 1, f"{path} has no heading"
        hrefs = page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
        broken.extend(f"{path} -> {href}" for href in hrefs if not site.resolves(href))
        if shots:
            name = path.strip("/").replace("/", "__") or "home"
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
    assert any(url.endswith(".js") for url in traffic.urls)
    assert not broken, "links to no page or file of the site:\n" + "\n".join(broken)
    traffic.assert_clean()


def test_mermaid_diagram_renders_to_svg_from_the_vendored_copy(
    context: tuple[Any, Traffic], site: Site
) -> None:
    ctx, traffic = context
    page = _open(ctx, site, "")
    svg = page.locator("div.mermaid svg").first
    svg.wait_for(state="visible", timeout=15_000)
    assert "Concurrency and parallelism" in svg.text_content()
    assert page.locator("pre.mermaid").count() == 0, "a diagram was left as source text"
    assert any(url.endswith("assets/vendor/mermaid/mermaid.min.js") for url in traffic.urls)
    traffic.assert_clean()


def test_content_tabs_switch(context: tuple[Any, Traffic], site: Site) -> None:
    ctx, traffic = context
    page = _open(ctx, site, "setup/")
    tabs = page.locator(".tabbed-set").first
    linux = tabs.locator(".tabbed-block").nth(0)
    windows = tabs.locator(".tabbed-block").nth(1)
    assert linux.is_visible() and not windows.is_visible()
    tabs.get_by_text("Windows (PowerShell)").click()
    assert windows.is_visible() and not linux.is_visible()
    assert "Activate.ps1" in windows.inner_text()
    traffic.assert_clean()


def _copy(page: Any, block: Any) -> str:
    page.evaluate("navigator.clipboard.writeText('')")
    block.hover()
    block.locator("button.md-code__button[data-md-type=copy]").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    return page.evaluate("navigator.clipboard.readText()")


def test_copy_button_copies_commands_without_prompts_or_output(
    context: tuple[Any, Traffic], site: Site
) -> None:
    ctx, traffic = context
    page = _open(ctx, site, "setup/")
    # The first block on the page: three commands, one line of output.
    block = page.locator("article .highlight").first
    shown = block.locator("code").inner_text()
    assert shown.startswith("$ python3 --version") and "Python 3.12.3" in shown
    expected = "\n".join(
        [
            "python3 --version",
            "git clone https://github.com/coursecode/coursecode.git",
            "cd coursecode",
        ]
    )
    assert _copy(page, block) == expected
    # Without the script's data-copy, the stylesheet alone still keeps prompts and output out.
    block.locator("code").evaluate("code => code.removeAttribute('data-copy')")
    fallback = _copy(page, block)
    assert "$" not in fallback and "Python 3.12.3" not in fallback
    assert [line for line in fallback.splitlines() if line] == expected.splitlines()
    traffic.assert_clean()


def test_palette_toggle_switches_dark_and_light(context: tuple[Any, Traffic], site: Site) -> None:
    ctx, traffic = context
    page = _open(ctx, site, "")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(f"{scheme} === 'slate'")
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(f"{scheme} === 'default'")
    traffic.assert_clean()


def test_search_finds_a_word_from_the_home_page(context: tuple[Any, Traffic], site: Site) -> None:
    ctx, traffic = context
    page = _open(ctx, site, "")
    query = page.locator("input[data-md-component=search-query]")
    query.click()
    query.press_sequentially("pymalloc")  # Material searches on key events; fill() sends none
    result = page.locator(".md-search-result__item a").first
    result.wait_for(state="visible", timeout=10_000)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("as => as.map(a => a.href)")
    home = urlsplit(site.url).path
    assert any(urlsplit(href).path == home for href in hrefs), hrefs
    traffic.assert_clean()


def test_header_has_version_selector_edit_link_and_no_github_api(
    context: tuple[Any, Traffic], site: Site
) -> None:
    ctx, traffic = context
    page = _open(ctx, site, "setup/")
    version = page.locator(".md-version__current")
    version.wait_for(state="visible", timeout=10_000)
    # extra.version.alias shows the alias next to the version.
    assert version.evaluate("e => e.firstChild.textContent").strip() == VERSION
    assert version.locator(".md-version__alias").inner_text() == "latest"
    edit = page.locator("a.md-content__button[rel=edit]")
    assert edit.get_attribute("href") == (
        "https://github.com/coursecode/coursecode/edit/main/docs/setup.md"
    )
    # The repository link is there, but no facts (stars, forks) were fetched for it.
    assert page.locator("a.md-source").count() >= 1
    assert page.locator(".md-source__facts").count() == 0
    assert not [url for url in traffic.urls if "api.github.com" in url]
    traffic.assert_clean()
