"""A real browser: the menu stays on one line at 1366 px, in Thai and in English."""

from __future__ import annotations

from helpers import PASSWORD, USERS, make_user

MENU_LAYOUT = """() => {
  const items = [...document.querySelectorAll('nav.navbar ul.navbar-nav > li')];
  return {
    tops: [...new Set(items.map(li => Math.round(li.getBoundingClientRect().top)))],
    right: Math.max(...items.map(li => li.getBoundingClientRect().right)),
    navRight: document.querySelector('nav.navbar').getBoundingClientRect().right,
    items: items.length,
  };
}"""


def test_menu_stays_on_one_line_at_1366_px_in_thai_and_english(
    app, live_server, browser_page, tmp_path
):
    # An administrator sees every menu category.
    make_user(app, "admin")
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/login")
    page.fill("#email", USERS["admin"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/")
    for language in ("th", "en"):
        page.goto(f"{live_server}/lang/{language}")
        page.goto(f"{live_server}/admin/")
        layout = page.evaluate(MENU_LAYOUT)
        page.screenshot(path=str(tmp_path / f"home-{language}.png"))
        assert layout["items"] >= 12, layout
        assert len(layout["tops"]) == 1, (language, layout)
        assert layout["right"] <= layout["navRight"], (language, layout)
