"""The web game through its pages, in process: hosting, whole games, bad requests.

Every refusal is checked twice: its status and message, and that nothing changed (the
game's saved state in the store is the same before and after).
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from webtools import Host, csrf_of, new_host, turn_of

from brinkmanship.scenario.loader import MAX_BYTES


def play_to_end(client: TestClient, token: str, every: int = 4, limit: int = 400) -> str:
    """Play a seat: its first option every ``every`` turns, else wait; the end page."""
    for _ in range(limit):
        page = client.get(f"/seat/{token}")
        assert page.status_code == 200, page.text[:500]
        if "The crisis ended in" in page.text:
            return page.text
        number = turn_of(page.text)
        assert number is not None, "a one-player game never waits for anyone else"
        first = re.search(r'name="choice" value="([^"]+)"', page.text)
        data = {"csrf": csrf_of(page.text), "turn": str(number), "do": "wait"}
        if first and number % every == 0:
            data.update({"do": "act", "choice": first.group(1)})
        r = client.post(f"/seat/{token}", data=data)
        assert r.status_code == 200, r.text[:500]
    raise AssertionError("the game did not end")


def state(client: TestClient, token: str) -> str:
    """The game's saved state in the store (what must not change on a refusal)."""
    store = client.app.state.rooms.store  # type: ignore[attr-defined]
    found = store.seat(token)
    assert found is not None
    row = store.game(found[0])
    return json.dumps(row.state, sort_keys=True)


def test_one_player_against_the_models_to_the_end(app_client: TestClient) -> None:
    host = new_host(app_client)
    seats = host.start("cuba-1962", ["kennedy"], seed=3)
    turn = app_client.get(f"/seat/{seats['kennedy']}").text
    for shown in ("You are President John F. Kennedy", "Washington", "Moscow", "Havana",
                  "Your move", "Wait for news", "Wait until then", "Inbox",
                  "Your advisers recommend", "<svg", "Escalation now"):
        assert shown in turn, shown
    end = play_to_end(app_client, seats["kennedy"])
    assert "your payoff" in end and "beside the historical record" in end
    host_page = app_client.get(f"/host/{host.token}").text
    assert "Over:" in host_page
    debrief = app_client.get(f"/host/{host.token}/debrief")
    assert debrief.status_code == 200 and "History" in debrief.text
    csv = app_client.get(f"/host/{host.token}/debrief.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert len(lines) == 2 and lines[1].split(",")[1] == "cuba-1962"


def test_two_players_alternate_and_each_waits_for_the_other(app_client: TestClient) -> None:
    host = new_host(app_client)
    seats = host.start("berlin-1961", ["kennedy", "khrushchev"], seed=1)
    waited = {"kennedy": 0, "khrushchev": 0}
    ended = set()
    for _ in range(400):
        for actor, token in seats.items():
            page = app_client.get(f"/seat/{token}").text
            if "The crisis ended in" in page:
                ended.add(actor)
                continue
            number = turn_of(page)
            if number is None:
                assert "the clock is running" in page and 'http-equiv="refresh"' in page
                waited[actor] += 1
                continue
            r = app_client.post(f"/seat/{token}", data={"csrf": csrf_of(page), "turn":
                                                        str(number), "do": "wait"})
            assert r.status_code == 200
        if len(ended) == 2:
            break
    assert ended == {"kennedy", "khrushchev"}
    assert all(waited.values()), waited


def test_a_seat_acts_once_per_turn(app_client: TestClient) -> None:
    seats = new_host(app_client).start("cuba-1962", ["kennedy"], seed=0)
    token = seats["kennedy"]
    page = app_client.get(f"/seat/{token}").text
    form = {"csrf": csrf_of(page), "turn": str(turn_of(page)), "do": "wait"}
    assert app_client.post(f"/seat/{token}", data=form).status_code == 200
    before = state(app_client, token)
    again = app_client.post(f"/seat/{token}", data=form)
    assert again.status_code == 409 and "already decided" in again.text
    assert state(app_client, token) == before


@pytest.mark.parametrize(("form", "status", "message"), [
    ({"do": "wait"}, 403, "out of date"),                              # no CSRF token
    ({"do": "wait", "csrf": "0" * 40}, 403, "out of date"),            # a forged one
    ({"do": "act"}, 400, "Tick at least one option"),
    ({"do": "act", "choice": "act:no_such_thing"}, 400, "not among the options"),
    ({"do": "until", "until": "yesterday"}, 400, "Not a time"),
    ({"do": "until", "until": "1900-01-01T00:00"}, 400, "after now"),
    ({"do": "fly"}, 400, "say what to do"),
    ({"do": "wait", "turn": "x"}, 400, "turn number"),
    ({"do": "wait", "turn": "7"}, 409, "already decided"),
])
def test_a_bad_decision_is_refused_and_changes_nothing(app_client: TestClient, form: dict,
                                                       status: int, message: str) -> None:
    token = new_host(app_client).start("cuba-1962", ["kennedy"])["kennedy"]
    page = app_client.get(f"/seat/{token}").text
    data = {"csrf": csrf_of(page), "turn": str(turn_of(page)), **form}
    if "csrf" in form:
        data["csrf"] = form["csrf"]
    elif status == 403:
        data.pop("csrf")
    before = state(app_client, token)
    r = app_client.post(f"/seat/{token}", data=data)
    assert r.status_code == status, r.text[:400]
    assert message in r.text
    assert "Traceback" not in r.text
    assert state(app_client, token) == before


def test_another_site_cannot_post(app_client: TestClient) -> None:
    token = new_host(app_client).start("cuba-1962", ["kennedy"])["kennedy"]
    page = app_client.get(f"/seat/{token}").text
    data = {"csrf": csrf_of(page), "turn": str(turn_of(page)), "do": "wait"}
    before = state(app_client, token)
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null"}):
        r = app_client.post(f"/seat/{token}", data=data, headers=headers)
        assert r.status_code == 403 and "refused" in r.text, headers
    assert state(app_client, token) == before
    r = app_client.post("/host", data={"csrf": "x"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    ok = app_client.post(f"/seat/{token}", data=data, headers={"Origin": "http://testserver",
                                                               "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 200


@pytest.mark.parametrize("path", ["/seat/{fake}", "/seat/{fake}/turn.json", "/host/{fake}",
                                  "/host/{fake}/debrief", "/host/{fake}/debrief.csv",
                                  "/host/{host}/games/{fake}", "/host/{host}/draft/{fake}",
                                  "/seat/..%2F..%2Fetc", "/nowhere"])
def test_unknown_and_forged_links_get_a_clear_404(app_client: TestClient, path: str) -> None:
    host = new_host(app_client)
    fake = "A" * 43
    r = app_client.get(path.format(fake=fake, host=host.token))
    assert r.status_code == 404
    assert "not known" in r.text or "no such" in r.text.lower()


def test_a_seat_token_does_not_open_the_host_pages(app_client: TestClient) -> None:
    host = new_host(app_client)
    token = host.start("cuba-1962", ["kennedy"])["kennedy"]
    assert app_client.get(f"/host/{token}").status_code == 404
    assert app_client.get(f"/host/{token}/debrief.csv").status_code == 404
    assert app_client.get(f"/seat/{host.token}").status_code == 404
    other = new_host(app_client)
    game = re.search(r"/host/[^/]+/games/([A-Za-z0-9_-]+)",
                     app_client.get(f"/host/{host.token}").text).group(1)
    assert app_client.get(f"/host/{other.token}/games/{game}").status_code == 404


def test_starting_a_game_checks_its_form(app_client: TestClient) -> None:
    host = new_host(app_client)
    csrf = csrf_of(app_client.get(f"/host/{host.token}").text)
    cases = [({"scenario": "atlantis"}, "no built-in scenario"),
             ({"scenario": "cuba-1962", "seed": "-1", "who.kennedy": "player"}, "seed"),
             ({"scenario": "cuba-1962", "who.kennedy": "oracle"}, "Unknown decision-maker"),
             ({"scenario": "cuba-1962"}, "at least one seat")]
    for form, message in cases:
        r = app_client.post(f"/host/{host.token}/games", data={"csrf": csrf, **form})
        assert r.status_code == 400 and message in r.text, (form, r.text[:300])
    assert app_client.app.state.rooms.store.games_of(host.token) == []  # type: ignore[attr-defined]


def _upload(client: TestClient, host: Host, body: bytes, name: str = "mine.yaml"):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get(f"/host/{host.token}").text)
    return client.post(f"/host/{host.token}/upload", data={"csrf": csrf},
                       files={"scenario": (name, body, "application/yaml")})


def test_an_uploaded_scenario_is_checked_then_played(app_client: TestClient) -> None:
    from brinkmanship.scenario.loader import builtin_path

    host = new_host(app_client)
    text = builtin_path("panmunjom-1976").read_bytes()
    r = _upload(app_client, host, text)
    assert r.status_code == 200 and "Your scenario is valid" in r.text
    draft = re.search(r'name="scenario" value="(draft:[^"]+)"', r.text).group(1)
    r = app_client.post(f"/host/{host.token}/games", data={
        "csrf": csrf_of(r.text), "scenario": draft, "who.ford": "player"},
        follow_redirects=True)
    token = re.search(r'/seat/([A-Za-z0-9_-]+)"', r.text).group(1)
    assert "The crisis ended in" in play_to_end(app_client, token)


@pytest.mark.parametrize(("body", "status", "message"), [
    (b"scenario: [unclosed", 422, "not valid"),
    (b"!!python/object/apply:os.system ['echo pwned']", 422, "not valid"),
    (b"a: &a [*a, *a]\n" + b"b: [*a]\n", 422, "not valid"),
    (b"\xff\xfe not utf-8", 422, "not valid"),
    (b"x" * (MAX_BYTES + 10), 413, "too large"),
])
def test_a_bad_upload_is_refused_and_nothing_is_stored(app_client: TestClient, body: bytes,
                                                        status: int, message: str) -> None:
    host = new_host(app_client)
    r = _upload(app_client, host, body)
    assert r.status_code == status, r.text[:300]
    assert message in r.text and "Traceback" not in r.text
    store = app_client.app.state.rooms.store  # type: ignore[attr-defined]
    rows = store._db().execute("SELECT count(*) FROM drafts").fetchone()[0]  # noqa: SLF001
    assert rows == 0


def test_malformed_requests_get_a_4xx(app_client: TestClient) -> None:
    host = new_host(app_client)
    token = host.start("cuba-1962", ["kennedy"])["kennedy"]
    assert app_client.post(f"/seat/{token}", content=b"\x00\x01garbage",
                           headers={"Content-Type": "multipart/form-data; boundary=x"}
                           ).status_code in (400, 403)
    assert app_client.post(f"/seat/{token}", content=b"x",
                           headers={"Content-Length": "99999999999"}).status_code == 413
    assert app_client.put(f"/seat/{token}").status_code == 405
    assert app_client.post(f"/host/{host.token}/upload", data={"csrf": "x"}).status_code == 403
    csrf = csrf_of(app_client.get(f"/host/{host.token}").text)
    r = app_client.post(f"/host/{host.token}/upload", data={"csrf": csrf})
    assert r.status_code == 400 and "Choose a scenario file" in r.text


def test_turn_json_is_the_seats_turn_view(app_client: TestClient) -> None:
    from brinkmanship.seat import TurnView

    token = new_host(app_client).start("cuba-1962", ["kennedy"])["kennedy"]
    data = app_client.get(f"/seat/{token}/turn.json").json()
    assert data["state"] == "turn"
    view = TurnView.model_validate(data["turn"])
    assert view.actor.id == "kennedy"


def test_a_seat_page_shows_its_own_type_and_only_the_priors_of_others(
        app_client: TestClient) -> None:
    """Berlin's United States has a hidden type: Kennedy's page names his (the log's draw),
    Khrushchev's gives the common prior over both and never says which it is."""
    from brinkmanship import load_scenario, simulate

    sc = load_scenario("berlin-1961")
    names = {k.id: str(escape(k.name)) for k in next(x for x in sc.sides if x.id == "usa").types}
    for seed in (0, 1, 2, 3):
        drawn = next(e["type"] for e in simulate(sc, None, seed).events if e["kind"] == "type")
        seats = new_host(app_client).start("berlin-1961", ["kennedy", "khrushchev"], seed=seed)
        kennedy = app_client.get(f"/seat/{seats['kennedy']}").text
        khrushchev = app_client.get(f"/seat/{seats['khrushchev']}").text
        if "Hidden types" not in khrushchev:  # Kennedy decides first: Khrushchev waits
            page = kennedy
            app_client.post(f"/seat/{seats['kennedy']}", data={
                "csrf": csrf_of(page), "turn": str(turn_of(page)), "do": "wait"})
            khrushchev = app_client.get(f"/seat/{seats['khrushchev']}").text
        assert f"Your side is <strong>{names[drawn]}</strong>" in kennedy
        assert "Your side is" not in khrushchev
        assert "United States may be: " in khrushchev
        assert all(f"{name} (" in khrushchev for name in names.values())


def _letter_page(client: TestClient, token: str) -> str:
    """The seat's first turn page that offers a letter of its own (waiting until then)."""
    for _ in range(60):
        page = client.get(f"/seat/{token}").text
        if 'name="letter.route"' in page:
            return page
        client.post(f"/seat/{token}", data={"csrf": csrf_of(page), "turn":
                                            str(turn_of(page)), "do": "wait"})
    raise AssertionError("no turn offered a letter")


def test_a_seat_writes_its_own_letter(app_client: TestClient) -> None:
    token = new_host(app_client).start("cuba-1962", ["khrushchev"], seed=2)["khrushchev"]
    page = _letter_page(app_client, token)
    route = re.search(r'name="letter.route">\s*<option value="([^"]+)"', page).group(1)
    issue, option = re.search(r'name="letter.term.([a-z_]+)">\s*<option value="">[^<]*</option>'
                              r'\s*<option value="([^"]+)"', page).groups()
    form = {"csrf": csrf_of(page), "turn": str(turn_of(page)), "do": "letter",
            "letter.route": route, f"letter.term.{issue}": option,
            "letter.text": "We can end this today."}
    private = re.search(r'name="letter.private.([a-z_]+)">\s*<option value="">[^<]*</option>'
                        r'\s*<option value="([^"]+)"', page)
    if private and private.group(1) != issue:
        form[f"letter.private.{private.group(1)}"] = private.group(2)
    r = app_client.post(f"/seat/{token}", data=form)
    assert r.status_code == 200, r.text[:600]
    rooms = app_client.app.state.rooms  # type: ignore[attr-defined]
    game = rooms.open(rooms.store.seat(token)[0]).game
    sent = [e for e in game.events if e["kind"] == "send" and e["id"].startswith("letter:")]
    assert sent and sent[0]["terms"] == {issue: option}
    assert sent[0]["actor"] == "khrushchev"
    later = app_client.get(f"/seat/{token}").text
    if turn_of(later) is not None:
        assert "We can end this today." in later  # in "What you have sent"


@pytest.mark.parametrize(("change", "message"), [
    ({"letter.route": "nobody|nowhere"}, "letters[0]"),
    ({"letter.route": "no-bar"}, "whom the letter goes to"),
    ({"letter.term.missiles": "on_the_moon"}, "letters[0]"),
    ({"letter.text": "x" * 5000}, "letters"),
])
def test_a_bad_letter_is_refused_and_changes_nothing(app_client: TestClient, change: dict,
                                                     message: str) -> None:
    token = new_host(app_client).start("cuba-1962", ["khrushchev"], seed=2)["khrushchev"]
    page = _letter_page(app_client, token)
    route = re.search(r'name="letter.route">\s*<option value="([^"]+)"', page).group(1)
    form = {"csrf": csrf_of(page), "turn": str(turn_of(page)), "do": "letter",
            "letter.route": route, **change}
    before = state(app_client, token)
    r = app_client.post(f"/seat/{token}", data=form)
    assert r.status_code == 400 and message in r.text, r.text[:500]
    assert state(app_client, token) == before
