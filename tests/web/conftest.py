"""Fixtures of the web tests (their helpers are in webtools.py).

The web extra is optional: without FastAPI every test here is skipped with the reason.
"""

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install "
                    "'brinkmanship[web]')")
pytest.importorskip("httpx", reason="httpx (of the web test extra) is not installed")

from webtools import app_client, server  # noqa: E402, F401  (fixtures)
