"""``GET /`` and ``/static/``: the live page's files, open even with a token, all local."""

from __future__ import annotations

import re

import pytest
from server_support import Api, running, settings

from mockzenoti import __version__
from mockzenoti.server.auth import is_open
from mockzenoti.server.routes_page import STATIC

JS_TYPES = ("application/javascript", "text/javascript")


def _assets() -> list[str]:
    """Every file the page loads: what index.html names and what each module imports."""
    html = (STATIC / "index.html").read_text()
    found = [m.split("?")[0] for m in re.findall(r'(?:href|src)="(/static/[^"]+)"', html)]
    for module in (STATIC / "js").glob("*.js"):
        found += [f"/static/js/{m}" for m in re.findall(r'from "\./([\w.]+)"', module.read_text())]
    return sorted(set(found))


@pytest.mark.asyncio
async def test_the_page_and_every_file_it_loads_are_served(api: Api) -> None:
    page = await api.request("GET", "/")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-cache"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    text = page.body.decode()
    assert f'src="/static/js/main.js?v={__version__}"' in text and "__VERSION__" not in text
    assets = _assets()
    assert "/static/app.css" in assets and "/static/js/panel.js" in assets
    for path in assets:
        answer = await api.request("GET", path)
        assert answer.status == 200, path
        assert answer.headers["Cache-Control"] == "no-cache", path
        if path.endswith(".js"):
            assert answer.headers["Content-Type"].startswith(JS_TYPES), path
    missing = await api.request("GET", "/static/js/nothing.js")
    assert missing.status == 404


def test_the_page_needs_nothing_from_outside() -> None:
    for path in STATIC.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not re.search(r"https?://", text), f"{path.name} names an outside address"
            assert "@import" not in text and "url(http" not in text


@pytest.mark.asyncio
async def test_with_a_token_the_page_is_open_and_its_data_is_not() -> None:
    async with running(settings(token="t0k")) as api:
        api.token = None
        assert (await api.request("GET", "/")).status == 200
        assert (await api.request("GET", "/static/js/api.js")).status == 200
        assert (await api.request("GET", "/stats")).status == 401
        assert (await api.request("GET", "/stats?access_token=t0k")).status == 200
        assert (await api.request("GET", "/stream?access_token=nope")).status == 401


def test_only_reading_the_page_is_open() -> None:
    assert is_open("GET", "/") and is_open("HEAD", "/static/app.css")
    assert not is_open("POST", "/") and not is_open("GET", "/stats")
    assert not is_open("GET", "/staticx") and not is_open("DELETE", "/static/app.css")
