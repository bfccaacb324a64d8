"""What keeps a request honest: CSRF tokens, the origin check, sizes, clear refusals.

Every state-changing request is a POST that carries a CSRF token derived from the link's
secret token and the server's own secret (so a page of another site, which knows neither,
cannot forge one), and is refused when the browser says it comes from another origin.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

from brinkmanship.scenario.loader import MAX_BYTES
from brinkmanship.web.rooms import Refused

MAX_BODY = MAX_BYTES + 64 * 1024  # an upload of the largest scenario, and its form
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def csrf_token(secret: str, token: str) -> str:
    """The CSRF token of the page opened by link token ``token``."""
    return hmac.new(secret.encode(), f"csrf:{token}".encode(), hashlib.sha256).hexdigest()[:40]


def check_csrf(request: Request, secret: str, token: str, sent: str | None) -> None:
    """``Refused(403)`` unless the request comes from this site's own form."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Refused(403, "This request came from another site and was refused.")
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            raise Refused(403, "This request came from another site and was refused.")
    elif origin == "null":
        raise Refused(403, "This request came from a page without an origin and was refused.")
    if not sent or not hmac.compare_digest(sent, csrf_token(secret, token)):
        raise Refused(403, "This form is out of date or was not made by this site: reload "
                      "the page and try again.")


def well_formed(token: str) -> bool:
    """Whether ``token`` could be one of ours (a cheap first check before the store)."""
    return 16 <= len(token) <= 64 and set(token) <= TOKEN_CHARS
