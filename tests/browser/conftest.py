"""A real Chromium (Debian's) driven by Playwright, with axe-core on every page visited."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import need_service

# Playwright's sync API keeps an event loop in the test thread; Django's ORM refuses to run
# beside one unless told it is safe, which it is here: the test thread owns its connection.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    need_service(Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM)),
                 f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)  # a stuck step fails the test instead of hanging it
    page = context.new_page()
    yield page
    context.close()


class Visitor:
    """Opens pages, checks each with axe-core and keeps a screenshot of it."""

    def __init__(self, page, base_url):
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.base_url = base_url
        self.axe = Axe()
        self.checked = []

    def check(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        results = self.axe.run(self.page)
        self.checked.append(self.page.url)
        assert results.violations_count == 0, results.generate_report()

    def visit(self, path: str, name: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, f"{path}: {response.status}"
        self.check(name)


@pytest.fixture
def visitor(page, live_server):
    return Visitor(page, live_server.url)
