"""A real Chromium (Debian's) driven by Playwright, with axe-core and the Nu Html Checker on
every page visited."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import need_service

# Playwright's sync API keeps an event loop in the test thread; Django's ORM refuses to run
# beside one unless told it is safe, which it is here: the test thread owns its connection.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO_ROOT / "test-artifacts"
# Installed by `make install-test` (npm's vnu-jar package, version pinned in the Makefile).
VNU_JAR = Path(os.environ.get("VNU_JAR")
               or REPO_ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
VNU_START_SECONDS = 180


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HtmlChecker:
    """The Nu Html Checker as a local web service: one JVM for the session, since each start
    spends seconds loading the HTML schema."""

    def __init__(self, jar: Path):
        port = free_port()
        self.root = f"http://127.0.0.1:{port}/"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / "vnu.log", "wb")  # closed in close()
        # The schema's deep recursion needs more than Java's default thread stack.
        self.process = subprocess.Popen(
            ["java", "-Xss4m", "-Dnu.validator.servlet.bind-address=127.0.0.1",
             "-cp", str(jar), "nu.validator.servlet.Main", str(port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.ready = False

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + VNU_START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"vnu exited; see {self.log.name}"
            try:
                urllib.request.urlopen(self.root, timeout=2).close()
                self.ready = True
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise AssertionError(f"vnu did not start within {VNU_START_SECONDS}s")

    def errors(self, html: str) -> list[dict]:
        """Every error the checker reports for one HTML document (warnings left out)."""
        if not self.ready:
            self._wait_until_ready()
        request = urllib.request.Request(
            self.root + "?out=json", data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        return [message for message in messages if message["type"] != "info"]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def html_checker():
    need_service(VNU_JAR.exists(), f"vnu.jar not found at {VNU_JAR} (make install-test)")
    need_service(bool(shutil.which("java")),
                 "java not found (apt-get install default-jre-headless)")
    checker = HtmlChecker(VNU_JAR)
    yield checker
    checker.close()


def vnu_report(url: str, errors: list[dict]) -> str:
    """One line per distinct message, with the lines it occurs on and one extract."""
    grouped: dict[str, list[dict]] = {}
    for error in errors:
        grouped.setdefault(error["message"], []).append(error)
    lines = [f"{url}: {len(errors)} HTML error(s)"]
    for message, occurrences in grouped.items():
        where = ", ".join(str(error.get("lastLine", "?")) for error in occurrences[:10])
        lines.append(f"  {len(occurrences)}× {message} (line {where})")
        if occurrences[0].get("extract"):
            lines.append(f"    {occurrences[0]['extract']!r}")
    return "\n".join(lines)


class Visitor:
    """Opens pages, checks each with axe-core and keeps a screenshot of it; every HTML page the
    browser loads, as the server sent it, goes through the Nu Html Checker."""

    def __init__(self, page, base_url, html_checker):
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.base_url = base_url
        self.axe = Axe()
        self.html_checker = html_checker
        self.checked = []
        self.served = []  # (url, source) of documents loaded since the last validation
        self.validated = []
        page.on("response", self._keep_document)

    def _keep_document(self, response) -> None:
        if (response.request.resource_type != "document"
                or response.frame != self.page.main_frame
                or not response.headers.get("content-type", "").startswith("text/html")
                or 300 <= response.status < 400):
            return
        # Read now: the browser drops a document's body once the next page replaces it.
        self.served.append((response.url, response.text()))

    def validate_served(self) -> None:
        served, self.served = self.served, []
        reports = []
        for url, source in served:
            errors = self.html_checker.errors(source)
            self.validated.append(url)
            if errors:
                reports.append(vnu_report(url, errors))
        assert not reports, "\n".join(reports)

    def check(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        results = self.axe.run(self.page)
        self.checked.append(self.page.url)
        assert results.violations_count == 0, results.generate_report()
        self.validate_served()
        # What scripts made of the page is checked too, as the browser serialises it.
        errors = self.html_checker.errors(self.page.content())
        assert not errors, vnu_report(f"{self.page.url} (after scripts)", errors)

    def visit(self, path: str, name: str, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{path}: {response.status}"
        self.check(name)


@pytest.fixture
def visitor(html_checker, page, live_server):
    visitor = Visitor(page, live_server.url, html_checker)
    yield visitor
    # Pages loaded after the test's last check are validated as well.
    visitor.validate_served()
