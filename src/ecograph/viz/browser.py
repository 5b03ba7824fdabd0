"""Open a page in headless Chromium with no network and no profile, for screenshots and tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ecograph.errors import EcographError
from ecograph.utils import atomic_write

__all__ = ["CHROMIUM_FLAGS", "WINDOW", "chromium", "screenshot_page", "wait_ready"]

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    # WebGL without a GPU: SwiftShader, which Chromium only uses when asked to.
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
)
WINDOW = (960, 640)
"""Window size of screenshots: small enough for a PNG of well under 150 KB."""


def _find(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


@contextmanager
def chromium(window: tuple[int, int] = WINDOW) -> Iterator[Any]:
    """Start headless Chromium through chromedriver with a fresh profile.

    The browser console and the DevTools performance log (network events) are
    recorded, so callers can check for errors and requests.

    Parameters
    ----------
    window : tuple of int
        Width and height of the window.

    Yields
    ------
    selenium.webdriver.Chrome
        The driver; the browser and its profile are gone after the block.

    Raises
    ------
    EcographError
        When selenium, chromium or chromedriver is missing.
    """
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        raise EcographError("screenshots need selenium (pip install 'ecograph[test]')") from e
    browser = _find("chromium", "chromium-browser", "google-chrome")
    driver_exe = _find("chromedriver")
    if browser is None or driver_exe is None:
        raise EcographError("screenshots need chromium and chromedriver (apt install chromium chromium-driver)")
    profile = tempfile.mkdtemp(prefix="ecograph-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={window[0]},{window[1]}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = None
    try:
        driver = webdriver.Chrome(options=opts, service=Service(executable_path=driver_exe))
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_ready(driver: Any, timeout: float = 60.0) -> float:
    """Wait until the page has drawn once and return its time to first drawing in ms.

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        A driver with an ecograph page loaded.
    timeout : float
        Seconds to wait.

    Returns
    -------
    float
        Milliseconds from navigation start to the first drawn frame (``stats().firstFrameMs``).
    """
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return !!(window.ecographPage && window.ecographPage.ready)")
    )
    return float(driver.execute_script("return window.ecographPage.stats().firstFrameMs"))


def screenshot_page(page: Path, png: Path, window: tuple[int, int] = WINDOW) -> Path:
    """Open a page in headless Chromium and save a PNG of it.

    Parameters
    ----------
    page : Path
        The HTML file.
    png : Path
        Where to write the PNG (replaced atomically).
    window : tuple of int
        Width and height of the window.

    Returns
    -------
    Path
        The PNG file.
    """
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    with chromium(window) as driver:
        driver.get(Path(page).resolve().as_uri())
        wait_ready(driver)
        data = driver.get_screenshot_as_png()
    atomic_write(png, data)
    return png
