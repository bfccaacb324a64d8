"""A real browser (Debian's Chromium under Playwright) through whole games to their end.

One player against the models, two players in two browser contexts (each sees the other's
moves only as the engine delivers them, and the waiting page refreshes itself into the
turn), and a game played with the keyboard alone. Screenshots of every kind of page, at a
laptop's and a phone's width, go to ``$WEB_SHOTS`` (default ``/tmp/web-shots``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Server, start_server

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not "
                               "installed (pip install 'brinkmanship[browser]')")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (make test installs it "
                "with apt-get where it can)", allow_module_level=True)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WEB_SHOTS", "/tmp/web-shots"))
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("web") / "games.sqlite", runs=3)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        except Exception as exc:  # noqa: BLE001 - a browser that cannot start is a skip
            pytest.skip(f"Chromium did not start: {exc}")
        yield chromium
        chromium.close()


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def host_game(page: object, url: str, card: str, players: dict[str, str],
              width: str) -> tuple[str, dict[str, str]]:
    """Start hosting and a game from the host page; (host url, seat links by actor)."""
    page.goto(url + "/")  # type: ignore[attr-defined]
    shot(page, f"{width}-front")
    page.get_by_role("button", name="Start hosting").click()  # type: ignore[attr-defined]
    host = page.url  # type: ignore[attr-defined]
    form = page.locator("form.start", has_text=card)  # type: ignore[attr-defined]
    for actor, choice in players.items():
        form.locator(f"select[name='who.{actor}']").select_option(choice)
    shot(page, f"{width}-host")
    form.get_by_role("button", name="Start this game").click()
    links = {}
    article = page.locator("article.game").last  # type: ignore[attr-defined]
    for actor in players:
        if players[actor] == "player":
            links[actor] = article.locator(f"li[data-actor='{actor}'] a").get_attribute("href")
    shot(page, f"{width}-host-with-game")
    return host, links


def play_turns(page: object, link: str, width: str, limit: int = 200) -> str:
    """Play a seat with clicks to the end (an option every fourth turn); the end page text."""
    page.goto(link)  # type: ignore[attr-defined]
    for n in range(limit):
        if page.locator("h1", has_text="The crisis ended in").count():  # type: ignore[attr-defined]
            return page.inner_text("main")  # type: ignore[attr-defined]
        if n == 0:
            shot(page, f"{width}-turn-first")
        if n == 8:
            shot(page, f"{width}-turn-later")
        assert page.locator("#move").count(), page.inner_text("main")  # type: ignore[attr-defined]
        boxes = page.locator("input[name=choice]")  # type: ignore[attr-defined]
        with page.expect_navigation():  # type: ignore[attr-defined]
            if n % 4 == 2 and boxes.count():
                boxes.first.check()
                page.get_by_role("button", name="Do this").click()  # type: ignore[attr-defined]
            else:
                page.get_by_role("button", name="Wait for news").click()  # type: ignore[attr-defined]
    raise AssertionError("the game did not end")


@pytest.mark.parametrize(("width", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_one_player_against_the_models_to_the_end(live: Server, browser: object, width: str,
                                                  viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
    page = context.new_page()
    host, links = host_game(page, live.url, "Cuba 1962", {"kennedy": "player"}, width)
    end = play_turns(page, links["kennedy"], width)
    assert "your payoff" in end and "How the decision-makers fared" in end
    page.wait_for_selector("text=Over 3 seeds", timeout=60_000)  # refreshes until computed
    shot(page, f"{width}-end")
    page.goto(host)
    page.get_by_role("link", name="Open the class debrief").click()
    assert page.locator("table.debrief tr.history").count() == 1
    shot(page, f"{width}-debrief")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.path().read_text().startswith("game,scenario,seed")
    context.close()


def test_two_players_in_two_browsers(live: Server, browser: object) -> None:
    host_ctx = browser.new_context(viewport=LAPTOP)  # type: ignore[attr-defined]
    _, links = host_game(host_ctx.new_page(), live.url, "Berlin 1961",
                         {"kennedy": "player", "khrushchev": "player"}, "laptop-two")
    pages = {}
    for actor in links:
        ctx = browser.new_context(viewport=LAPTOP)  # type: ignore[attr-defined]
        pages[actor] = ctx.new_page()
        pages[actor].goto(links[actor])
    waited = False
    for _ in range(300):
        ended = 0
        for actor, page in pages.items():
            page.goto(links[actor])  # what the seat sees now
            if page.locator("h1", has_text="The crisis ended in").count():
                ended += 1
                continue
            if page.locator("text=the clock is running").count():
                if not waited:
                    shot(page, "laptop-waiting")
                    other_actor = next(a for a in pages if a != actor)
                    other = pages[other_actor]
                    other.goto(links[other_actor])
                    other.get_by_role("button", name="Wait for news").click()
                    # The waiting page reloads itself, and shows the turn once it comes.
                    for _ in range(20):
                        with page.expect_navigation(timeout=15_000):
                            pass
                        if not page.locator("text=the clock is running").count():
                            break
                        other.goto(links[other_actor])
                        if other.get_by_role("button", name="Wait for news").count():
                            other.get_by_role("button", name="Wait for news").click()
                    assert page.locator("h2:has-text('Your move'), h1:has-text('ended')"
                                        ).count()
                    waited = True
                continue
            page.get_by_role("button", name="Wait for news").click()
        if ended == len(pages):
            break
    else:
        raise AssertionError("the two-player game did not end")
    assert waited
    for actor, page in pages.items():
        assert "your payoff" in page.inner_text("main"), actor
    shot(pages["khrushchev"], "laptop-two-end")


def test_a_whole_game_with_the_keyboard_alone(live: Server, browser: object) -> None:
    context = browser.new_context(viewport=LAPTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    _, links = host_game(page, live.url, "Panmunjom 1976", {"ford": "player"}, "laptop-keys")
    page.goto(links["ford"])

    def press_until(check: str, limit: int = 150) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(check):
                return
        raise AssertionError(f"Tab never reached {check}")

    acted = False
    for _ in range(200):
        if page.locator("h1", has_text="The crisis ended in").count():
            break
        if not acted and page.locator("input[name=choice]").count():
            # Tick the first option with the space bar, then press "Do this" with Enter.
            press_until("(document.activeElement || {}).name === 'choice'")
            page.keyboard.press("Space")
            assert page.locator("input[name=choice]").first.is_checked()
            press_until("(document.activeElement || {}).value === 'act'")
            shot(page, "laptop-keys-focus")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            acted = True
            continue
        press_until("(document.activeElement || {}).value === 'wait'")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        raise AssertionError("the keyboard game did not end")
    assert acted
    assert "your payoff" in page.inner_text("main")
    context.close()


def test_the_pages_need_nothing_from_the_internet(live: Server, browser: object) -> None:
    context = browser.new_context(viewport=LAPTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live.url)
            else None)
    host_game(page, live.url, "Cuba 1962", {"kennedy": "player"}, "laptop-offline")
    assert outside == []
    context.close()


def test_chromium_is_where_the_tests_expect_it() -> None:
    assert shutil.which(str(CHROMIUM))


def test_a_whole_game_without_javascript(live: Server, browser: object) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    _, links = host_game(page, live.url, "Panmunjom 1976", {"ford": "player"}, "phone-nojs")
    end = play_turns(page, links["ford"], "phone-nojs")
    assert "your payoff" in end
    context.close()
