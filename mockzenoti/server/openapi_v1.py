"""The OpenAPI document's ``/v1`` part: Zenoti's REST API over a run's world (docs/rest.md).

Every ``/v1`` operation takes the run's key (``Authorization: apikey <key>``,
or ``bearer <token>`` from ``POST /v1/tokens``): the ``zenoti`` security
scheme. Errors are Zenoti's shapes (``ZenotiError``; ``ZenotiDenied`` for
401). Objects list the fields every answer has; Zenoti's objects carry
more, which the schemas allow.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.server.openapi_ops import json_content, path_param, query_param
from mockzenoti.server.openapi_schemas import BOOL, INT, NSTR, OBJ, STR, Schema, obj, ref

__all__ = ["SCHEME", "v1_paths", "v1_responses", "v1_schemas"]

SCHEME = {
    "zenoti": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "'apikey <the run's api_key>' or 'bearer <access_token>' (POST /v1/tokens).",
    }
}
NULL: Schema = {"type": "null"}
#: A string the server reads as a value (blank ones are refused).
TEXT: Schema = {"type": "string", "minLength": 1, "pattern": "\\S"}
ARR: Schema = {"type": "array"}
NOBJ: Schema = {"type": ["object", "null"]}
NUMBER: Schema = {"type": "number"}
_ERRORS = {
    400: "Malformed: a parameter or body field is wrong (the message and field name it).",
    401: "Authorization has been denied for this request (no key, a wrong key or token).",
    404: "No such center, guest, appointment, invoice or booking in this run's world.",
    409: "Well formed, but the world's state refuses it (a lifecycle rule, a taken slot).",
    422: "You cannot request more than 100 items (size over 100).",
    429: "Over the run's rate limit (when it has one): Retry-After says when to try again.",
}

PAGE = query_param(
    "page", {"type": "integer", "minimum": 1, "maximum": 999_999_999}, "Page, from 1."
)
SIZE = query_param(
    "size",
    {"type": "integer", "minimum": 1, "maximum": 100},
    "Items per page (default 10; over 100 answers 422).",
)


DATE: Schema = {"type": "string", "format": "date"}


def required(param: dict[str, Any]) -> dict[str, Any]:
    """``param``, required."""
    return {**param, "required": True}


def _id(name: str, what: str) -> dict[str, Any]:
    return path_param(name, {"type": "string", "minLength": 1}, f"The {what}'s id (GUID).")


def _op(
    summary: str,
    ok: Schema,
    *,
    params: tuple[dict[str, Any], ...] = (),
    body: str | None = None,
    body_required: bool = True,
    errors: tuple[int, ...] = (400, 401, 404, 409, 429),
    auth: bool = True,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": json_content(ok, summary)}
    for code in errors:
        responses[str(code)] = {"$ref": f"#/components/responses/Z{code}"}
    out: dict[str, Any] = {"summary": summary, "tags": ["zenoti"], "responses": responses}
    if params:
        out["parameters"] = list(params)
    if body is not None:
        out["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": ref(body)}},
        }
    out["security"] = [{"zenoti": []}] if auth else [{}]
    return out


def v1_paths() -> dict[str, Any]:
    """The ``/v1`` paths."""
    paged = (PAGE, SIZE)
    center = _id("center_id", "center")
    listing = (400, 401, 404, 422, 429)
    return {
        "/v1/tokens": {
            "post": _op(
                "A bearer token for the run whose api_key is app_secret (Zenoti's credentials).",
                ref("ZTokenAnswer"),
                body="ZTokenRequest",
                errors=(400, 401, 429),
                auth=False,
            )
        },
        "/v1/centers": {
            "get": _op(
                "The organization's centers.",
                ref("ZCenterList"),
                params=paged,
                errors=(400, 401, 422, 429),
            )
        },
        "/v1/centers/{center_id}": {
            "get": _op("One center.", ref("ZCenter"), params=(center,), errors=(401, 404, 429))
        },
        "/v1/centers/{center_id}/services": {
            "get": _op(
                "A center's services.",
                ref("ZServiceList"),
                params=(center, *paged),
                errors=listing,
            )
        },
        "/v1/centers/{center_id}/therapists": {
            "get": _op(
                "A center's therapists.",
                ref("ZTherapistList"),
                params=(center, *paged),
                errors=listing,
            )
        },
        "/v1/guests/search": {
            "get": _op(
                "Guests by center and fields (names from their start, the rest exactly).",
                ref("ZGuestList"),
                params=(
                    query_param("center_id", STR, "Only this center's guests."),
                    *(
                        query_param(name, STR, f"The guest's {name}.")
                        for name in ("first_name", "last_name", "email", "phone", "zip_code")
                    ),
                    *paged,
                ),
                errors=listing,
            )
        },
        "/v1/guests/{guest_id}": {
            "get": _op(
                "One guest.",
                ref("ZGuest"),
                params=(_id("guest_id", "guest"),),
                errors=(401, 404, 429),
            )
        },
        "/v1/guests/{guest_id}/appointments": {
            "get": _op(
                "A guest's appointments, newest first.",
                ref("ZGuestAppointments"),
                params=(_id("guest_id", "guest"), *paged),
                errors=listing,
            )
        },
        "/v1/appointments": {
            "get": _op(
                "A center's appointments between two local dates: a bare array.",
                {"type": "array", "items": ref("ZAppointment")},
                params=(
                    required(query_param("center_id", TEXT, "The center.")),
                    required(query_param("start_date", DATE, "From (the center's local date).")),
                    required(query_param("end_date", DATE, "To (included).")),
                    query_param("include_no_show_cancel", BOOL, "Cancelled and no-show ones too."),
                ),
                errors=(400, 401, 404, 429),
            )
        },
        "/v1/appointments/{appointment_id}": {
            "get": _op(
                "An array holding the appointment (a group's id: all of the group's).",
                {"type": "array", "items": ref("ZAppointment")},
                params=(_id("appointment_id", "appointment"),),
                errors=(401, 404, 429),
            )
        },
        "/v1/appointments/{appointment_group_id}/no_show": {
            "put": _op(
                "Mark a group a no-show (AppointmentGroup.Status -2).",
                ref("ZStatusAnswer"),
                params=(_id("appointment_group_id", "appointment group"),),
                body="ZComments",
                body_required=False,
            )
        },
        "/v1/invoices/{invoice_id}": {
            "get": _op(
                "One invoice: {invoice, error}.",
                ref("ZInvoiceAnswer"),
                params=(_id("invoice_id", "invoice"),),
                errors=(401, 404, 429),
            )
        },
        "/v1/invoices/{invoice_id}/cancel": {
            "put": _op(
                "Cancel the invoice's booking (AppointmentGroup.Status -1).",
                ref("ZStatusAnswer"),
                params=(_id("invoice_id", "invoice"),),
                body="ZComments",
                body_required=False,
            )
        },
        "/v1/invoices/{invoice_id}/close": {
            "post": _op(
                "Take payment and close (Invoice.Closed, then status Closed).",
                ref("ZClosed"),
                params=(_id("invoice_id", "invoice"),),
                body="ZClose",
                body_required=False,
            )
        },
        "/api/Appointments/Admin/Sessions": {
            "post": _op(
                "Register a guest for a class session (Class.Booking.Created).",
                ref("ZRegistered"),
                body="ZRegistration",
            )
        },
        "/v1/bookings": {
            "post": _op(
                "Step 1 of a service booking: who, where, which day, which services.",
                ref("ZBookingCreated"),
                body="ZBookingRequest",
            )
        },
        "/v1/bookings/{booking_id}/slots": {
            "get": _op(
                "Step 2: the open slots (the center's local time).",
                ref("ZSlots"),
                params=(_id("booking_id", "booking"),),
                errors=(401, 404, 429),
            )
        },
        "/v1/bookings/{booking_id}/slots/reserve": {
            "post": _op(
                "Step 3: hold a slot.",
                ref("ZReserved"),
                params=(_id("booking_id", "booking"),),
                body="ZReserve",
            )
        },
        "/v1/bookings/{booking_id}/slots/confirm": {
            "post": _op(
                "Step 4: confirm: the appointment group and invoice (AppointmentGroup.Created).",
                ref("ZConfirmed"),
                params=(_id("booking_id", "booking"),),
                body="ZConfirm",
                body_required=False,
            )
        },
    }


def _open(required: list[str], props: dict[str, Schema]) -> Schema:
    return obj(required, props)


def v1_schemas() -> dict[str, Schema]:
    """The ``/v1`` component schemas."""
    page_info = obj(None, {"total": INT, "page": INT, "size": INT})
    price = obj(
        None,
        {"currency_id": INT, "sales": NUMBER, "tax": NUMBER, "final": NUMBER, "discount": NUMBER},
    )
    person = {"id": STR, "first_name": STR, "last_name": STR}
    appointment = _open(
        [
            "appointment_id",
            "appointment_group_id",
            "invoice_id",
            "service",
            "start_time",
            "start_time_utc",
            "end_time",
            "end_time_utc",
            "status",
            "guest",
            "therapist",
        ],
        {
            "appointment_id": STR,
            "appointment_group_id": STR,
            "invoice_id": STR,
            "service": obj(["id", "name"], {"id": STR, "name": STR}),
            "start_time": STR,
            "start_time_utc": STR,
            "end_time": STR,
            "end_time_utc": STR,
            "status": INT,
            "progress": INT,
            "guest": obj(["id"], {**person, "email": STR}),
            "therapist": obj(["id"], person),
            "price": {"anyOf": [price, NULL]},
        },
    )
    guest = _open(
        ["id", "code", "center_id", "personal_info"],
        {"id": STR, "code": STR, "center_id": STR, "created_date": STR, "personal_info": OBJ},
    )
    invoice = _open(
        ["id", "invoice_number", "is_closed", "center_id", "total_price", "guest"],
        {
            "id": STR,
            "invoice_number": STR,
            "is_closed": BOOL,
            "center_id": STR,
            "total_price": obj(["sum_total"], {"sum_total": NUMBER}),
            "guest": obj(["id"], {"id": STR}),
            "invoice_items": ARR,
            "transactions": ARR,
        },
    )
    slot = obj(
        None,
        {"Time": STR, "Warnings": NULL, "Priority": INT, "Available": BOOL, "SalePrice": NULL},
    )
    error = obj(
        None,
        {
            "code": INT,
            "message": STR,
            "error": obj(None, {"code": INT, "message": STR, "field": NSTR}),
        },
    )
    return {
        "ZenotiError": error,
        "ZenotiDenied": obj(None, {"Message": STR}),
        "ZTokenRequest": obj(
            ["account_name", "user_name", "password", "grant_type", "app_id", "app_secret"],
            {
                "account_name": TEXT,
                "user_name": TEXT,
                "password": TEXT,
                "grant_type": {"type": "string", "enum": ["password"]},
                "app_id": TEXT,
                "app_secret": TEXT,
                "device_id": STR,
            },
        ),
        "ZTokenAnswer": obj(
            None,
            {
                "credentials": obj(
                    None, {"access_token": STR, "access_token_expiry": STR, "refresh_token": STR}
                ),
                "error": NULL,
            },
        ),
        "ZCenterList": obj(
            None,
            {
                "centers": {"type": "array", "items": _open(["id", "code", "name"], {})},
                "requested_centers": NULL,
                "page_info": page_info,
                "error": NULL,
            },
        ),
        "ZCenter": obj(
            None,
            {
                "id": STR,
                "name": STR,
                "code": STR,
                "phone": STR,
                "time_zone_id": INT,
                "currency_id": INT,
                "email": STR,
                "error": NULL,
            },
        ),
        "ZServiceList": obj(
            None,
            {
                "services": {
                    "type": "array",
                    "items": _open(["id", "name", "duration"], {"duration": INT}),
                },
                "page_info": page_info,
                "error": NULL,
            },
        ),
        "ZTherapistList": obj(
            ["therapists", "page_info"],
            {
                "therapists": {"type": "array", "items": _open(["id", "personal_info"], {})},
                "page_info": page_info,
            },
        ),
        "ZGuest": guest,
        "ZGuestList": obj(
            None,
            {"guests": {"type": "array", "items": guest}, "page_info": page_info, "error": NULL},
        ),
        "ZAppointment": appointment,
        "ZGuestAppointments": obj(
            None,
            {
                "appointments": {"type": "array", "items": appointment},
                "page_info": page_info,
                "error": NULL,
            },
        ),
        "ZInvoiceAnswer": obj(None, {"invoice": invoice, "error": NULL}),
        "ZComments": {"type": "object", "properties": {"comments": STR}},
        "ZClose": {"type": "object", "properties": {"closed_by_id": STR}},
        "ZStatusAnswer": obj(
            None,
            {
                "success": BOOL,
                "appointment_group_id": STR,
                "invoice_id": STR,
                "status": INT,
                "error": NULL,
            },
        ),
        "ZClosed": obj(None, {"is_invoice_closed": BOOL, "error": NULL}),
        "ZBookingRequest": obj(
            ["center_id", "date", "guests"],
            {
                "center_id": TEXT,
                "date": {"type": "string", "format": "date"},
                "is_only_catalog_employees": BOOL,
                "guests": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1,
                    "items": obj(
                        ["id", "items"],
                        {
                            "id": TEXT,
                            "items": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": 10,
                                "items": obj(
                                    ["item"],
                                    {
                                        "item": obj(["id"], {"id": TEXT}),
                                        "therapist": obj(["id"], {"id": STR}),
                                    },
                                ),
                            },
                        },
                    ),
                },
            },
        ),
        "ZRegistration": obj(
            ["SessionId", "GuestId"],
            {
                "SessionId": INT,
                "GuestId": TEXT,
                "BookingSrc": INT,
                "Payment": {"type": "object", "properties": {"PaymentType": INT}},
            },
        ),
        "ZRegistered": obj(
            None, {"RegistrationId": INT, "RegistrationStatusId": INT, "Error": NULL}
        ),
        "ZBookingCreated": obj(None, {"id": STR, "is_reserved": BOOL, "error": NULL}),
        "ZSlots": obj(
            None,
            {
                "slots": {"type": "array", "items": slot},
                "future_days": ARR,
                "next_available_day": NULL,
                "Error": NULL,
            },
        ),
        "ZReserve": obj(["slot_time"], {"slot_time": TEXT}),
        "ZReserved": obj(None, {"is_reserved": BOOL, "reservation_id": STR, "error": NULL}),
        "ZConfirm": {"type": "object", "properties": {"notes": STR}},
        "ZConfirmed": obj(
            None,
            {
                "is_confirmed": BOOL,
                "invoice": _open(
                    ["invoice_id", "appointment_group_id", "appointments"],
                    {"invoice_id": STR, "appointment_group_id": STR, "appointments": ARR},
                ),
                "Error": NULL,
            },
        ),
    }


def v1_responses() -> dict[str, Any]:
    """The ``/v1`` error answers (``Z400`` ...)."""
    out = {}
    for code, text in _ERRORS.items():
        schema = ref("ZenotiDenied") if code == 401 else ref("ZenotiError")
        out[f"Z{code}"] = json_content(schema, text)
    return out
