"""Browser tests: Playwright for Python driving Debian's Chromium against Django's live server.

Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls made
from the test body; the test itself only talks to the browser and reads the database afterwards,
so allowing them is safe here.
"""
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SEBAR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# Reports each Content-Security-Policy violation to Python through a binding, installed before any page script,
# so nothing is lost when the page navigates.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspReport(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} `
                     + `(${e.sourceFile || "page"}:${e.lineNumber}) ${e.sample || ""}`);
});
"""


@pytest.fixture
def watched(browser):
    """A page whose CSP violations, CSP console errors and uncaught errors land in `problems`
    (tests/browser/test_csp.py for the site, test_admin_csp.py for the admin and the browsable API)."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    context.set_default_timeout(15_000)
    problems = []
    context.expose_binding("__cspReport", lambda source, text: problems.append(f"{source['page'].url}: {text}"))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
            and problems.append(f"{page.url}: console: {m.text}"))
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: uncaught: {exc}"))
    yield page, problems
    context.close()


def open_watched(browser, width, height=900, problems=None, **options):
    """A new context and page at this size whose CSP violations, CSP console errors and uncaught errors land in
    `problems` (a new list, or the one given, so several people's pages can share it): (context, page, problems).
    `options` go to the context (accept_downloads=True, …). The caller closes the context."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US", **options)
    context.set_default_timeout(15_000)
    problems = [] if problems is None else problems
    context.expose_binding("__cspReport", lambda source, text: problems.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
            and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    return context, page, problems


def sign_in(page, base, email, password):
    """Sign in through the login page and wait for the dashboard."""
    page.goto(f"{base}/login/")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.click("[type=submit]")
    page.wait_for_url(f"{base}/")
