"""``GET /``: the live page, and ``/static/``: its files (shipped in the package, no build step).

The page is plain HTML, CSS and JavaScript modules under ``static/``; it reads
the API with ``fetch`` and follows ``GET /stream`` (``docs/live-page.md``).
Both routes are open even when the server has a token: they hold no data, and
the page passes the ``access_token`` of its own URL to every API call.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from aiohttp import web

from mockzenoti import __version__

__all__ = ["STATIC", "setup"]

STATIC = Path(__file__).with_name("static")
#: Everything the page loads comes from this server; nothing runs inline.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@cache
def _index() -> str:
    """The page, with the version stamped into its asset URLs (a new version is fetched anew)."""
    return (STATIC / "index.html").read_text(encoding="utf-8").replace("__VERSION__", __version__)


async def page(request: web.Request) -> web.Response:
    """The live page."""
    return web.Response(
        text=_index(),
        content_type="text/html",
        charset="utf-8",
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _revalidate(request: web.Request, response: web.StreamResponse) -> None:
    """Static files are revalidated on each load, so an upgrade is seen at once."""
    if request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-cache")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")


def setup(app: web.Application) -> None:
    """Add ``GET /`` and ``/static/`` to ``app``."""
    app.router.add_get("/", page)
    app.router.add_static("/static/", STATIC)
    app.on_response_prepare.append(_revalidate)
