"""What the browser tests share: Debian's Chromium under pytest-playwright, axe-core from the web
app's npm packages, screenshots kept as artifacts, and signing in the way a person does."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's own browser download is not reachable here: Debian's Chromium, headless and quiet.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "test" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Real-time hops (broker, relay, Pusher) on a loaded 2-core machine: wait for conditions generously.
expect.set_options(timeout=20_000)


def launch_args() -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `apt-get install -y chromium` (.ci/run does)")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


def new_page(browser: Browser, base_url: str, viewport: dict = DESKTOP, **options) -> Page:
    context: BrowserContext = browser.new_context(base_url=base_url, viewport=viewport, accept_downloads=True,
                                                  **options)
    context.set_default_timeout(15_000)
    return context.new_page()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in web/ (the stack's build does)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`);
    }""")
    return found


def check_page(page: Page, name: str) -> None:
    """Every page the tests visit: a screenshot kept, no serious axe-core finding, and nothing
    wider than the screen (phone-width pages must not scroll sideways)."""
    screenshot(page, name)
    found = serious_accessibility_violations(page)
    assert found == [], f"{name}: {found}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the screen"


def sign_in(page: Page, identifier: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def go_online(page: Page) -> None:
    page.get_by_role("button", name="Go online").click()
    expect(page.get_by_role("button", name="Go offline")).to_be_visible()
