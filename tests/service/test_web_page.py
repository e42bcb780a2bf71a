"""The web chat page end to end in a real headless Chromium (Debian's `chromium`, driven by
Playwright): load /, ask, see the streamed answer with the right figure and its sources,
approve a paused action."""

from __future__ import annotations

import shutil

import pytest

from .conftest import serve_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install -y chromium)"
    ),
]


@pytest.fixture
def page(demo_dataset, keyed_settings):
    playwright = pytest.importorskip("playwright.sync_api")
    with (
        serve_demo(demo_dataset, keyed_settings) as served,
        playwright.sync_playwright() as driver,
    ):
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page()
        tab.goto(f"{served.url}/#key=key-bo-manager")
        yield served, tab
        browser.close()


def test_ask_and_see_the_figure_and_sources(page):
    served, tab = page
    tab.fill("#question", "how many of item 1002 do we have at S2?")
    tab.click("button[type=submit]")
    answer = tab.locator(".turn .answer").first
    answer.wait_for(state="visible")
    tab.wait_for_function("document.querySelector('.turn .answer').textContent.length > 0")
    assert "6,782.19" in answer.text_content()
    assert "Source: on_hand" in tab.locator(".sources").first.text_content()
    assert "calling on_hand" in tab.locator(".steps").nth(1).text_content()


def test_approve_a_paused_action(page):
    served, tab = page
    tab.fill("#question", "draft purchase requisitions for critical spare parts")
    tab.click("button[type=submit]")
    tab.locator(".pending button.approve").wait_for()
    box = tab.locator(".pending").text_content()
    # Readable, not raw JSON: the action's name and only the filters given.
    assert "draft purchase requisitions" in box and "critical only: yes" in box
    assert "null" not in box and "{" not in box
    tab.click(".pending button.approve")
    tab.wait_for_function(
        "document.querySelectorAll('.turn .answer').length >= 2 && "
        "document.querySelectorAll('.turn .answer')[1].textContent.length > 0"
    )
    thread = tab.locator("#thread").text_content().split()[-1]
    assert served.session.pending(thread) == []
    # The approved action was carried out under the manager's name, and the page says where.
    answer = tab.locator(".turn .answer").nth(1)
    assert "approved by bo and written to" in answer.text_content()
    written = served.session.ctx.settings.data_dir / "requisitions" / "requisitions.csv"
    assert written.exists() and str(written) in answer.locator("code").first.text_content()
    # Markdown is rendered as a list, never shown as raw bullets.
    assert answer.locator("li").count() > 0 and "- PR-" not in answer.text_content()
