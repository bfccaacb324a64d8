"""Each side sees only its own, on every page and every JSON answer of the web game.

Two players sit in a game; their moves are the default decision-makers' (so letters go
over private channels, responses are held, orders change). At every turn every endpoint
is read with each seat's token, the host's, none and a forged one, and what comes back is
searched for the secrets the log holds at that moment (``secrets_for``, the ground truth of
the terminal's fog-of-war test): another side's private letters, their off-the-record
terms, holds, order changes and decision traces. The seat whose turn it is also has its
JSON view checked field by field (``check_turn``).
"""

from __future__ import annotations

import html
import re

import pytest
from conftest import Host, csrf_of, new_host, turn_of
from fastapi.testclient import TestClient

from brinkmanship.engine.index import Index
from brinkmanship.hindsight import seen_after
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario.timeparse import iso_utc
from brinkmanship.seat import TurnView
from test_fog_of_war import check_turn, secrets_for

FORGED = "Zm9yZ2VkLXRva2VuLXRoYXQtaXMtbm90LW91cnMtYXQtYWxs"


def _text(body: str) -> str:
    """A page as a reader reads it: entities decoded, whitespace folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) + " " + \
        html.unescape(body)


def _read_all(client: TestClient, host: Host, game: str, seats: dict[str, str]) -> dict[
        str, str]:
    """Every endpoint, read by every kind of reader: reader -> all it was shown."""
    shown: dict[str, str] = {}
    for reader, token in [*seats.items(), ("host", host.token), ("none", ""),
                          ("forged", FORGED)]:
        bodies = []
        for path in (f"/seat/{token}", f"/seat/{token}/turn.json", f"/host/{token}",
                     f"/host/{token}/games/{game}", f"/host/{token}/debrief",
                     f"/host/{token}/debrief.csv"):
            r = client.get(path)
            if reader in seats and path.startswith("/host"):
                assert r.status_code == 404, path  # a seat's token opens no host page
            if reader in ("none", "forged"):
                assert 400 <= r.status_code < 500, path
            bodies.append(r.text)
        shown[reader] = _text("\n".join(bodies))
    return shown


def _letter_fields(view: TurnView, players: list[str], n: int) -> dict[str, str] | None:
    """Every third turn, a private letter of the seat's own, to someone who is not the other
    player where it can (so the other player must never read it), with terms, an
    assurance off the record and a text of its own."""
    form = view.letter_form
    if form is None or n % 3 != 1:
        return None
    quiet = [r for r in form.routes if not r.always_public]
    if not quiet:
        return None
    route = next((r for r in quiet if r.recipient.id not in players), quiet[0])
    fields = {"letter.route": f"{route.recipient.id}|{route.channel.id}",
              "letter.text": f"Between us only, word {n} of {view.actor.id}"}
    if form.issues:
        first = form.issues[0]
        fields[f"letter.term.{first.issue.id}"] = first.options[-1].id
    if form.private_terms and len(form.issues) > 1:
        second = form.issues[1]
        fields[f"letter.private.{second.issue.id}"] = second.options[-1].id
    return fields


@pytest.mark.parametrize(("scenario", "players", "seed"), [
    ("cuba-1962", ["kennedy", "khrushchev"], 0),
    ("berlin-1961", ["kennedy", "khrushchev"], 2),
])
def test_no_endpoint_shows_a_reader_another_sides_secrets(app_client: TestClient,
                                                         scenario: str, players: list[str],
                                                         seed: int) -> None:
    host = new_host(app_client)
    seats = host.start(scenario, players, seed=seed)
    rooms = app_client.app.state.rooms  # type: ignore[attr-defined]
    game_id = rooms.store.seat(seats[players[0]])[0]
    room = rooms.open(game_id)
    ix: Index = room.ix
    policies = bind_policies(room.game.scenario, {a: "lenses" for a in players})
    checked = written = 0
    while not room.game.over:
        events = list(room.game.events)
        shown = _read_all(app_client, host, game_id, seats)
        secrets = {a: secrets_for(ix, events, a) for a in players}
        # While the game runs the host reads no player's letters, not even between players.
        letters = {e["text"] for e in events if e["kind"] == "send" and e.get("text")}
        for reader, text in shown.items():
            own = secrets[reader].texts if reader in seats else \
                set().union(letters, *(s.texts for s in secrets.values()))
            leaked = sorted(t for t in own if t in text)
            assert not leaked, (reader, room.game.now, leaked)
        turn = room.game.turn
        assert turn is not None
        token = seats[turn.actor]
        data = app_client.get(f"/seat/{token}/turn.json").json()
        view = TurnView.model_validate(data["turn"])
        check_turn(ix, room.game, turn.actor, view, room.counsel(turn))
        decision = policies[turn.actor].decide(turn.observation,
                                               room.game.policy_stream(turn.actor))
        page = app_client.get(f"/seat/{token}").text
        form: dict[str, object] = {"csrf": csrf_of(page), "turn": str(turn_of(page))}
        letter = _letter_fields(view, players, checked) if view.letter_form else None
        if letter is not None:
            form.update(do="letter", choice=[c.key for c in decision.choices], **letter)
            written += 1
        elif decision.choices:
            form.update(do="act", choice=[c.key for c in decision.choices])
        elif decision.wake_at is not None:
            form.update(do="until", until=iso_utc(decision.wake_at).replace("Z", "+00:00"))
        else:
            form.update(do="wait")
        r = app_client.post(f"/seat/{token}", data=form)
        assert r.status_code == 200, r.text[:400]
        checked += 1
    assert checked > 5 and (written > 0 or scenario != "cuba-1962")
    # After the end each seat sees the deeds, still not the other side's secrets.
    events = room.game.events
    shown = _read_all(app_client, host, game_id, seats)
    for actor in players:
        secret = secrets_for(ix, events, actor)
        leaked = sorted(t for t in secret.texts if t in shown[actor])
        assert not leaked, (actor, leaked)
        seen = seen_after(ix, events, actor)
        assert all(e["kind"] not in ("hold", "release", "order_sent")
                   or ix.side_of[e["actor"]] == ix.side_of[actor] for e in seen)
    assert "The crisis ended in" in shown[players[0]]
