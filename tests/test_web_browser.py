"""One real browser: Debian's Chromium, driven by Playwright, against `scamscope serve`.

Search, click a facet, open an article; screenshots go to test-artifacts/.
`make test` installs /usr/bin/chromium (make browser); Playwright's own browser
download is never used.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_page(problems: list[str]) -> Iterator[Any]:
    """A page in Debian's Chromium; console errors, script errors and dialogs (an alert()
    from injected markup) are appended to problems."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            # CSP violations and script errors show up here
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            yield page
        finally:
            browser.close()


def test_search_click_a_facet_open_an_article_in_chromium(served_web):
    problems: list[str] = []
    with chromium_page(problems) as page:
        page.goto(served_web + "/")
        page.fill("input[name=q]", "scam")
        page.press("input[name=q]", "Enter")
        page.wait_for_url("**/?q=scam")  # empty filter fields are not submitted
        assert page.locator("li.hit").count() > 0
        total = page.locator(".summary strong").inner_text()
        page.screenshot(path=str(ARTIFACTS / "web-search.png"), full_page=True)

        facet = page.locator("[data-facet=country] a").first
        code = facet.get_attribute("data-facet-value")
        facet.click()
        page.wait_for_url(f"**country={code}")
        assert parse_qs(urlsplit(page.url).query) == {"q": ["scam"], "country": [code]}
        assert page.locator("[data-facet=country] li.active").count() == 1
        assert page.locator(".summary strong").inner_text() != "" and total
        assert page.locator("svg.chart-time rect.bar").count() > 0
        page.screenshot(path=str(ARTIFACTS / "web-facet.png"), full_page=True)

        first = page.locator("li.hit h2 a").first
        title = first.inner_text()
        first.click()
        page.wait_for_url("**/articles/*")
        assert page.locator("h1.title").inner_text() == title
        assert page.locator(".text mark.ent").count() > 0
        assert page.locator("dl.prov").is_visible()
        page.screenshot(path=str(ARTIFACTS / "web-article.png"), full_page=True)
    assert problems == []


def test_filter_boxes_suggest_names_and_the_api_page_reads_in_chromium(served_web):
    problems: list[str] = []
    with chromium_page(problems) as page:
        page.goto(served_web + "/")
        page.click("details.filters summary")
        # our own script fills the datalist from /api/suggest as the reader types
        page.fill("input[name=org]", "onud")
        # (a locator, not wait_for_function: the CSP rightly forbids eval)
        page.locator("#suggest-org option").first.wait_for(state="attached")
        values = page.eval_on_selector_all("#suggest-org option", "os => os.map(o => o.value)")
        assert "UNODC" in values
        page.fill("input[name=org]", "UNODC")
        page.press("input[name=org]", "Enter")
        page.wait_for_url("**org=UNODC")
        assert page.locator("li.hit .chip-matched").count() > 0
        page.screenshot(path=str(ARTIFACTS / "web-suggest.png"), full_page=True)
        page.goto(served_web + "/api")
        assert page.locator("#schema-SearchOut").count() == 1
        page.screenshot(path=str(ARTIFACTS / "web-api-page.png"), full_page=True)
    assert problems == []
