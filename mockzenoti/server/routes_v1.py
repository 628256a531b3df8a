"""``/v1`` reads: Zenoti's REST API over a run's world (docs/rest.md), and ``POST /v1/tokens``.

Each read answers from the run's REST view, which follows the events its
engine has accepted (``mockzenoti.rest``). The writes are in
``routes_v1_writes.py``; authentication, the rate limit and the error shapes
in ``v1.py``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockzenoti.rest import reads
from mockzenoti.rest.errors import RestError
from mockzenoti.rest.reads import Page
from mockzenoti.server.bodies import read_object
from mockzenoti.server.errors import ApiError
from mockzenoti.server.sandboxes import RunApi
from mockzenoti.server.v1 import (
    SANDBOXES,
    count_call,
    json_answer,
    rest_error,
    v1_route,
)

__all__ = ["TOKEN_FIELDS", "routes"]

routes = web.RouteTableDef()

#: The body of ``POST /v1/tokens`` (Zenoti's password grant); ``app_secret`` is the run's key.
TOKEN_FIELDS = ("account_name", "user_name", "password", "grant_type", "app_id", "app_secret")


def one(request: web.Request, name: str) -> str | None:
    """The query parameter ``name`` (None when absent; given twice is a 400)."""
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise RestError.bad(f"{name} is given {len(values)} times; give it once.", name)
    return values[0] if values else None


def _page(request: web.Request) -> Page:
    return Page.read(one(request, "page"), one(request, "size"))


@routes.post("/v1/tokens")
async def create_token(request: web.Request) -> web.StreamResponse:
    """A bearer token for the run whose key is ``app_secret`` (Zenoti's ``credentials``)."""
    sandboxes = request.app[SANDBOXES]
    headers: dict[str, str] = {}
    try:
        body = await read_object(request)
        values = {}
        for name in TOKEN_FIELDS:
            values[name] = body.string(name)
        device = body.raw("device_id")
        if device is not None and not isinstance(device, str):
            raise RestError.bad("device_id must be a string.", "device_id")
        if values["grant_type"] != "password":
            raise RestError.bad(
                "grant_type must be 'password' (refresh tokens are not taken here).", "grant_type"
            )
        api = await sandboxes.find(values["app_secret"])
        if api is None:
            return rest_error(RestError(401, "", "app_secret"))
        headers = count_call(sandboxes, api)
    except RestError as exc:
        return rest_error(exc, headers)
    except ApiError as exc:
        return rest_error(RestError(400, exc.message, exc.field))
    credentials = sandboxes.tokens.issue(api.key)
    return json_answer({"credentials": credentials, "error": None}, headers=headers)


@routes.get("/v1/centers")
@v1_route
async def list_centers(request: web.Request, api: RunApi) -> Any:
    """``{centers, requested_centers, page_info, error}``."""
    return reads.centers(api.sandbox.view, _page(request))


@routes.get("/v1/centers/{center_id}")
@v1_route
async def get_center(request: web.Request, api: RunApi) -> Any:
    """One center."""
    return reads.center(api.sandbox.view, request.match_info["center_id"])


@routes.get("/v1/centers/{center_id}/services")
@v1_route
async def list_services(request: web.Request, api: RunApi) -> Any:
    """A center's services."""
    return reads.services(api.sandbox.view, request.match_info["center_id"], _page(request))


@routes.get("/v1/centers/{center_id}/therapists")
@v1_route
async def list_therapists(request: web.Request, api: RunApi) -> Any:
    """A center's therapists (staff who perform services)."""
    return reads.therapists(api.sandbox.view, request.match_info["center_id"], _page(request))


@routes.get("/v1/guests/search")
@v1_route
async def search_guests(request: web.Request, api: RunApi) -> Any:
    """Guests by ``center_id`` and fields (names from their start, the rest exactly)."""
    center_id = one(request, "center_id") or None
    filters = {k: v for k, v in request.query.items() if k not in ("center_id", "page", "size")}
    return reads.search_guests(api.sandbox.view, center_id, filters, _page(request))


@routes.get("/v1/guests/{guest_id}")
@v1_route
async def get_guest(request: web.Request, api: RunApi) -> Any:
    """One guest."""
    return reads.guest(api.sandbox.view, request.match_info["guest_id"])


@routes.get("/v1/guests/{guest_id}/appointments")
@v1_route
async def guest_appointments(request: web.Request, api: RunApi) -> Any:
    """A guest's appointments, newest first."""
    return reads.guest_appointments(
        api.sandbox.view, request.match_info["guest_id"], _page(request)
    )


@routes.get("/v1/appointments")
@v1_route
async def list_appointments(request: web.Request, api: RunApi) -> Any:
    """A bare array: a center's appointments between two local dates."""
    flag = (one(request, "include_no_show_cancel") or "false").lower()
    if flag not in ("true", "false"):
        raise RestError.bad(
            "include_no_show_cancel must be true or false.", "include_no_show_cancel"
        )
    return reads.appointments(
        api.sandbox.view,
        one(request, "center_id"),
        one(request, "start_date"),
        one(request, "end_date"),
        include_no_show_cancel=flag == "true",
    )


@routes.get("/v1/appointments/{appointment_id}")
@v1_route
async def get_appointment(request: web.Request, api: RunApi) -> Any:
    """An array holding the appointment (a group's id: all its appointments)."""
    return reads.appointment(api.sandbox.view, request.match_info["appointment_id"])


@routes.get("/v1/invoices/{invoice_id}")
@v1_route
async def get_invoice(request: web.Request, api: RunApi) -> Any:
    """``{invoice, error}``."""
    return reads.invoice(api.sandbox.view, request.match_info["invoice_id"])
