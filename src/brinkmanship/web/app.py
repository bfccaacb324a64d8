"""The web app: a host starts games and hands out one secret link per human seat; each seat
plays its turns in the browser; the host reads the class's debrief.

Routes only read the request, ask :class:`~brinkmanship.web.rooms.Rooms` and render a
template; nothing here simulates. Every page is rendered on the server and works without
JavaScript; the one small script (served by the app) only saves keystrokes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from brinkmanship.engine.game import SeatError
from brinkmanship.engine.index import Index
from brinkmanship.policies.registry import DEFAULT, REGISTRY
from brinkmanship.scenario import ScenarioError, builtin_names, load_scenario, parse_scenario
from brinkmanship.scenario.loader import MAX_BYTES
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import iso_utc, zone
from brinkmanship.seat import read_decision, turn_view
from brinkmanship.web.guard import MAX_BODY, check_csrf, csrf_token, well_formed
from brinkmanship.web.pages import end_page, model_distribution, terms_text, turn_page
from brinkmanship.web.rooms import Refused, Room, Rooms, others_of
from brinkmanship.web.store import GameRow, Store

HERE = Path(__file__).resolve().parent
PLAYER = "player"
# The decision-makers a host may seat; the scripted one plays the record, which a game
# against history does not want hidden behind a model's name.
CHOOSABLE = tuple(n for n in sorted(REGISTRY) if n != "scripted")
REFRESH_SECONDS = 3


def create_app(db: Path | str, model_runs: int = 30, model_seconds: float = 60.0) -> FastAPI:
    """The app over the SQLite file ``db`` (created if missing)."""
    store = Store(db)
    rooms = Rooms(store, model_runs, model_seconds)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        rooms.close()

    app = FastAPI(title="brinkmanship", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.rooms = rooms
    cards: list[dict[str, Any]] = []
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["iso_utc"] = iso_utc
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, name: str, code: int = 200, **data: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, data, status_code=code)

    def refuse(request: Request, status: int, message: str) -> Response:
        if request.url.path.endswith((".json", ".csv")):
            return JSONResponse({"error": message}, status_code=status)
        return page(request, "error.html", status, message=message, status=status)

    @app.middleware("http")
    async def limits(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return refuse(request, 413, f"The request is too large (at most {MAX_BODY} bytes).")
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; style-src 'self'; img-src 'self' data:; "
                                    "frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return refuse(request, exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "There is no such page.", 405: "That kind of request is not "
                    "accepted here."}
        return refuse(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return refuse(request, 400, f"Malformed request: {where or 'the form'}: "
                      f"{first.get('msg', 'not understood')}.")

    # -- reading the link tokens ---------------------------------------------------------
    def host_of(token: str) -> str:
        if not well_formed(token) or not store.host_exists(token):
            raise Refused(404, "This host link is not known here. Start a new class from the "
                          "front page.")
        return token

    def seat_of(token: str) -> tuple[Room, str]:
        found = store.seat(token) if well_formed(token) else None
        if found is None:
            raise Refused(404, "This seat link is not known here. Ask your host for your "
                          "link.")
        return rooms.open(found[0]), found[1]

    async def form_of(request: Request) -> FormData:
        try:
            return await request.form(max_files=1, max_fields=200, max_part_size=MAX_BODY)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the client's
            raise Refused(400, f"Malformed form: {exc}") from None

    def one(form: FormData, name: str) -> str | None:
        value = form.get(name)
        if value is None or isinstance(value, str):
            return value
        raise Refused(400, f"Malformed form: {name} must be text.")

    # -- the front page and the host's pages -------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        return page(request, "index.html", csrf=csrf_token(store.secret, "front"))

    @app.post("/host")
    async def new_host(request: Request) -> Response:
        form = await form_of(request)
        check_csrf(request, store.secret, "front", one(form, "csrf"))
        return RedirectResponse(f"/host/{store.new_host()}", status_code=303)

    @app.get("/host/{token}", response_class=HTMLResponse)
    def host_page(request: Request, token: str) -> Response:
        host = host_of(token)
        if not cards:  # the built-in scenarios do not change while the server runs
            cards.extend(_scenario_card(builtin(n), n) for n in builtin_names())
        games = [_game_line(rooms, g, str(request.base_url)) for g in store.games_of(host)]
        return page(request, "host.html", token=host, csrf=csrf_token(store.secret, host),
                    scenarios=cards, games=games, choosable=CHOOSABLE, default=DEFAULT,
                    base=str(request.base_url).rstrip("/"), max_kb=MAX_BYTES // 1000)

    @app.post("/host/{token}/upload")
    async def upload(request: Request, token: str) -> Response:
        host = host_of(token)
        form = await form_of(request)
        check_csrf(request, store.secret, host, one(form, "csrf"))
        file = form.get("scenario")
        if not isinstance(file, UploadFile):
            raise Refused(400, "Choose a scenario file (YAML) to upload.")
        data = await file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise Refused(413, f"The scenario file is too large (at most {MAX_BYTES} bytes).")
        name = Path(file.filename or "upload.yaml").name[:80]
        try:
            sc = parse_scenario(data, name)
        except ScenarioError as exc:
            return page(request, "error.html", 422, status=422,
                        message=f"The scenario {name} is not valid; nothing was stored.",
                        details=str(exc).splitlines(), back=f"/host/{host}")
        draft = store.add_draft(host, sc.model_dump(mode="json"))
        return RedirectResponse(f"/host/{host}/draft/{draft}", status_code=303)

    @app.get("/host/{token}/draft/{draft}", response_class=HTMLResponse)
    def draft_page(request: Request, token: str, draft: str) -> Response:
        host = host_of(token)
        sc = _draft(store, host, draft)
        return page(request, "draft.html", token=host, csrf=csrf_token(store.secret, host),
                    card=_scenario_card(sc, f"draft:{draft}"), choosable=CHOOSABLE,
                    default=DEFAULT)

    @app.post("/host/{token}/games")
    async def start(request: Request, token: str) -> Response:
        host = host_of(token)
        form = await form_of(request)
        check_csrf(request, store.secret, host, one(form, "csrf"))
        name = one(form, "scenario") or ""
        draft = None
        if name.startswith("draft:"):
            draft = name.removeprefix("draft:")
            sc = _draft(store, host, draft)
        elif name in builtin_names():
            sc = builtin(name)
        else:
            raise Refused(400, f"There is no built-in scenario {name[:60]!r}.")
        seed_text = (one(form, "seed") or "0").strip()
        if not seed_text.isdigit() or len(seed_text) > 12:
            raise Refused(400, f"The seed must be a whole number from 0, not {seed_text[:20]!r}.")
        seats, policies = [], {}
        ix = Index(sc)
        for actor in ix.deciders:
            choice = one(form, f"who.{actor}") or DEFAULT
            if choice == PLAYER:
                seats.append(actor)
            elif choice in CHOOSABLE:
                policies[actor] = choice
            else:
                raise Refused(400, f"Unknown decision-maker {choice[:40]!r} for {actor}.")
        if not seats:
            raise Refused(400, "Choose at least one seat for a player.")
        rooms.create(host, sc, seats, policies, int(seed_text), draft)
        return RedirectResponse(f"/host/{host}#games", status_code=303)

    @app.get("/host/{token}/games/{game}", response_class=HTMLResponse)
    def host_game(request: Request, token: str, game: str) -> Response:
        host = host_of(token)
        row = store.game(game) if well_formed(game) else None
        if row is None or row.host != host:
            raise Refused(404, "There is no such game among yours.")
        room = rooms.open(game)
        if not room.game.over:
            return page(request, "host_game.html", token=host, refresh=5,
                        line=_game_line(rooms, row, str(request.base_url)))
        data = end_page(room, None, rooms.history(room.game.scenario),
                        rooms.model_rows(room.game.scenario, others_of(room.game)))
        return page(request, "end.html", token=None, host=host, title=row.title, seat=None,
                    refresh=REFRESH_SECONDS if data["models"] is None else None, **data)

    @app.get("/host/{token}/debrief", response_class=HTMLResponse)
    def debrief(request: Request, token: str) -> Response:
        host = host_of(token)
        return page(request, "debrief.html", token=host, **_debrief(rooms, store, host))

    @app.get("/host/{token}/debrief.csv")
    def debrief_csv(token: str) -> Response:
        host = host_of(token)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["game", "scenario", "seed", "players", "outcome", "at", "hours",
                         "highest_rung", "level", "public_terms", "private_terms", "payoffs",
                         "turns"])
        for g in store.games_of(host):
            if g.result is None:
                continue
            r = g.result
            writer.writerow([g.id, g.state["scenario"]["scenario"]["id"], g.state["seed"],
                             " ".join(g.seats), r["kind"], r["at"], r["hours"], r["rung"],
                             r["level"], json.dumps(r["public_terms"]),
                             json.dumps(r["private_terms"]), json.dumps(r["payoffs"]),
                             r.get("turns", "")])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="debrief.csv"'})

    # -- a seat's pages ------------------------------------------------------------------
    @app.get("/seat/{token}", response_class=HTMLResponse)
    def seat_page(request: Request, token: str) -> Response:
        room, actor = seat_of(token)
        ix = room.ix
        csrf = csrf_token(store.secret, token)
        with room.lock:
            game = room.game
            if game.over:
                data = end_page(room, actor, rooms.history(game.scenario),
                                rooms.model_rows(game.scenario, others_of(game)))
                return page(request, "end.html", token=token, host=None, seat=actor,
                            title=ix.sc.scenario.title,
                            refresh=REFRESH_SECONDS if data["models"] is None else None,
                            **data)
            turn = room.turn_for(actor)
            if turn is None:
                # Who is deciding is not said: that would tell of news the seat has not had.
                return page(request, "waiting.html", token=token, refresh=REFRESH_SECONDS,
                            me=ix.actors[actor].name, title=ix.sc.scenario.title)
            view = turn_view(ix, turn)
            data = turn_page(room, view, room.counsel(turn))
        return page(request, "turn.html", token=token, csrf=csrf, title=ix.sc.scenario.title,
                    **data)

    @app.get("/seat/{token}/turn.json")
    def seat_json(token: str) -> Response:
        room, actor = seat_of(token)
        with room.lock:
            game = room.game
            if game.over:
                return JSONResponse({"state": "over", "outcome": game.outcome.kind})
            turn = room.turn_for(actor)
            if turn is None:
                return JSONResponse({"state": "waiting"})
            return JSONResponse({"state": "turn",
                                 "turn": turn_view(room.ix, turn).model_dump(mode="json")})

    @app.post("/seat/{token}")
    async def decide(request: Request, token: str) -> Response:
        form = await form_of(request)
        room, actor = seat_of(token)
        check_csrf(request, store.secret, token, one(form, "csrf"))
        number = one(form, "turn") or ""
        if not number.isdigit() or len(number) > 9:
            raise Refused(400, "Malformed form: the turn number is missing.")
        with room.lock:
            turn = room.turn_for(actor)
            decision_form = _decision_form(form, room, actor, turn)
            try:
                decision = read_decision(decision_form, turn) if turn else None
            except SeatError as exc:
                raise Refused(400, str(exc)) from None
        if decision is None:
            raise Refused(409, "It is not your turn now.")
        rooms.decide(room, actor, int(number), decision)
        return RedirectResponse(f"/seat/{token}", status_code=303)

    return app


def _decision_form(form: FormData, room: Room, actor: str, turn: Any) -> dict[str, Any]:
    """The form's answer as a :class:`~brinkmanship.seat.DecisionForm`'s data."""
    do = form.get("do")
    choices = [c for c in form.getlist("choice") if isinstance(c, str)]
    if do == "act":
        if not choices:
            raise Refused(400, "Tick at least one option before pressing “Do this”, or "
                          "choose one of the ways to wait.")
        return {"choices": choices}
    if do == "wait":
        return {"choices": []}
    if do == "letter":
        return {"choices": choices, "letters": [_letter_of(form, room, turn)]}
    if do == "until":
        text = form.get("until")
        if not isinstance(text, str) or not text:
            raise Refused(400, "Give the time to wait until.")
        try:
            local = datetime.fromisoformat(text)
        except ValueError:
            raise Refused(400, f"Not a time: {text[:30]!r} (e.g. 1962-10-27T18:00).") from None
        if local.tzinfo is None:
            local = local.replace(tzinfo=zone(room.ix.actors[actor].zone))
        if turn is not None and local <= turn.now:
            raise Refused(400, "Choose a time after now to wait until.")
        return {"choices": [], "wait_until": local.isoformat()}
    raise Refused(400, "Malformed form: say what to do (act, wait, or wait until a time).")


@lru_cache(maxsize=16)
def builtin(name: str) -> Scenario:
    """A built-in scenario, read once (``Scenario`` values are frozen)."""
    return load_scenario(name)


def _letter_of(form: FormData, room: Room, turn: Any) -> dict[str, Any]:
    """The letter the form writes, as a :class:`~brinkmanship.seat.LetterInput`'s data
    (checked against the turn's letter form by ``read_decision``)."""
    route = form.get("letter.route")
    if not isinstance(route, str) or route.count("|") != 1:
        raise Refused(400, "Choose whom the letter goes to, and over which channel.")
    to, channel = route.split("|")
    letter_form = turn.observation.letter_form if turn is not None else None
    always = letter_form is not None and any(
        r.to == to and r.channel == channel and r.always_public for r in letter_form.routes)
    terms, private = {}, {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or not value:
            continue
        if key.startswith("letter.term."):
            terms[key.removeprefix("letter.term.")] = value
        elif key.startswith("letter.private."):
            private[key.removeprefix("letter.private.")] = value
    text = form.get("letter.text")
    return {"to": to, "channel": channel, "public": always or form.get("letter.public") == "1",
            "terms": terms, "private_terms": private,
            "text": text.strip() if isinstance(text, str) else ""}


def _draft(store: Store, host: str, draft: str) -> Scenario:
    data = store.draft(host, draft) if well_formed(draft) else None
    if data is None:
        raise Refused(404, "There is no such uploaded scenario.")
    return parse_scenario(json.dumps(data), "<uploaded scenario>")


def _scenario_card(sc: Scenario, name: str) -> dict[str, Any]:
    ix = Index(sc)
    leaders = {s.leader for s in sc.sides if s.principal}
    deciders = sorted(ix.deciders, key=lambda a: (a not in leaders, ix.deciders.index(a)))
    first = deciders[0] if deciders else None
    return {"name": name, "title": sc.scenario.title, "id": sc.scenario.id,
            "start": sc.scenario.start, "deciders": [
                (a, ix.actors[a].name, a in leaders, a == first) for a in deciders]}


def _game_line(rooms: Rooms, g: GameRow, base: str) -> dict[str, Any]:
    sc = g.state["scenario"]
    names = {a["id"]: a["name"] for a in sc["actors"]}
    state = "over" if g.over else "in play"
    actor = None if g.over else rooms.waiting_for(g.id)
    waiting = names.get(actor) if actor else None
    return {"id": g.id, "title": g.title, "seed": g.state["seed"], "created": g.created,
            "state": state, "waiting": waiting, "turns": g.version,
            "result": g.result, "seats": [(a, names.get(a, a), f"{base.rstrip('/')}/seat/{t}")
                                          for a, t in g.seats.items()]}


def _debrief(rooms: Rooms, store: Store, host: str) -> dict[str, Any]:
    """Every finished game of the host, beside history and the models' runs (read from the
    stored results: no game is replayed for it)."""
    from brinkmanship.hindsight import summary

    games = [g for g in store.games_of(host) if g.result is not None]
    by_scenario: dict[str, dict[str, Any]] = {}
    for g in games:
        sc = rooms.scenario_of(g.state)
        ix = Index(sc)
        block = by_scenario.setdefault(sc.scenario.id, {
            "title": sc.scenario.title, "rows": [], "history": None, "models": None})
        r = g.result
        assert r is not None
        block["rows"].append({
            "id": g.id, "seed": g.state["seed"],
            "players": ", ".join(ix.actors[a].name for a in g.seats),
            "kind": r["kind"], "hours": r["hours"], "rung": ix.rungs[r["rung"]].name,
            "level": r["level"], "public": terms_text(ix, r["public_terms"]),
            "private": terms_text(ix, r["private_terms"]),
            "payoffs": ", ".join(f"{ix.actors[a].name.split(',')[0]} {v:+g}"
                                 for a, v in r["payoffs"].items())})
        if block["history"] is None and sc.history is not None:
            hist = rooms.history(sc)
            if hist is not None:
                h = summary(sc, hist)
                block["history"] = {"kind": h["kind"], "hours": h["hours"],
                                    "rung": ix.rungs[str(h["rung"])].name, "level": h["level"],
                                    "public": terms_text(ix, h["public_terms"]),  # type: ignore[arg-type]
                                    "private": terms_text(ix, h["private_terms"])}  # type: ignore[arg-type]
        if block["models"] is None:
            others = {str(a): str(p) for a, p in g.state.get("policies", {}).items()}
            block["models"] = model_distribution(ix, rooms.model_rows(sc, others), None, None)
    return {"blocks": list(by_scenario.values()), "count": len(games)}
