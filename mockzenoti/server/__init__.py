"""The control server: an aiohttp HTTP API over the delivery engine (``mockzenoti serve``).

``create_app(ServerSettings(...))`` builds the application; ``serve(settings)``
runs it until SIGINT/SIGTERM. Routes, the stream's events and restart
behaviour are described in ``docs/api.md``; the OpenAPI 3.1 document is
``GET /openapi.json`` (``openapi.py``).

Modules: ``app`` (factory, resources), ``settings``, ``errors`` and
``auth`` (middlewares), ``bodies`` (reading requests), one ``routes_*``
module per route group, ``runs``/``runspec``/``runstate``/``runclock``
(runs), ``engine`` (the long-lived engine), ``feed`` (the stream's fan-out),
``metrics``, ``sinks``, ``openapi``, ``serve`` (running it), ``routes_page``
and ``static/`` (the live page at ``GET /``).

The names below are imported on first use: a command that only reads a
setting (``run`` reads the token's variable) does not load the whole server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockzenoti.server.app import create_app
    from mockzenoti.server.settings import DEFAULT_HOST, DEFAULT_PORT, ServerSettings

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from mockzenoti.server.app import create_app

        return create_app
    if name in ("DEFAULT_HOST", "DEFAULT_PORT", "ServerSettings"):
        from mockzenoti.server import settings

        return getattr(settings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
