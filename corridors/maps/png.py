"""A map as a PNG picture: the page rendered by headless Chromium through Playwright."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import UsageError

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1600, "height": 1000}
INSTALL = "pip install playwright and Debian's chromium (apt install chromium)"
TIMEOUT_MS = 30_000


def check_renderer() -> None:
    """Check that Playwright and Chromium are installed, before any work.

    Raises
    ------
    UsageError
        Naming what to install.
    """
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise UsageError(f"writing a PNG needs Playwright and Chromium: {INSTALL}") from None
    if not CHROMIUM.exists():
        raise UsageError(f"writing a PNG needs Chromium at {CHROMIUM}: {INSTALL}")


def render_png(page_html: str, viewport: dict[str, int] | None = None) -> bytes:
    """The page drawn by headless Chromium once our script has drawn the map, as PNG bytes.

    The page is opened from a temporary file with every request refused: give it an offline map.

    Parameters
    ----------
    page_html
        The page to draw (an offline map).
    viewport
        Width and height of the window in pixels (default: :data:`VIEWPORT`).

    Returns
    -------
    bytes
        The PNG image.

    Raises
    ------
    UsageError
        If Playwright or Chromium (``/usr/bin/chromium``) is not installed, naming what to install.
    """
    check_renderer()
    # Playwright's synchronous API refuses to run in a thread with an asyncio loop (a notebook, another
    # Playwright session): a thread of its own has none.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_render, page_html, viewport or VIEWPORT).result()


def _render(page_html: str, viewport: dict[str, int]) -> bytes:
    from playwright.sync_api import Error, sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "map.html"
        source.write_text(page_html, encoding="utf-8")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
                try:
                    page = browser.new_page(viewport=viewport)
                    url = source.as_uri()
                    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
                    page.goto(url)
                    page.wait_for_function("() => window.corridorsReady === true", timeout=TIMEOUT_MS)
                    page.wait_for_timeout(300)  # let the last tiles and labels paint
                    return page.screenshot(type="png")
                finally:
                    browser.close()
        except Error as exc:
            raise UsageError(f"Chromium could not render the map ({str(exc).splitlines()[0]})") from None
