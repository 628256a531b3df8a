"""``RestError``: a refusal that ``/v1`` answers the way Zenoti does."""

from __future__ import annotations

from mockzenoti.errors import MockZenotiError

__all__ = ["DENIED", "TOO_MANY_ITEMS", "RestError", "error_body"]

#: Zenoti's answer to a missing or wrong key or token (HTTP 401).
DENIED = "Authorization has been denied for this request."
#: Zenoti's answer to ``size`` over 100 (HTTP 422).
TOO_MANY_ITEMS = "You cannot request more than 100 items."


class RestError(MockZenotiError):
    """``/v1`` refuses: HTTP ``status``, Zenoti's numeric ``error_code`` (the status unless
    Zenoti documents another, such as 1113), a ``message`` and the ``field`` at fault."""

    code = "rest"

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        *,
        error_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.status = status
        self.error_code = status if error_code is None else error_code
        self.headers = dict(headers or {})

    @classmethod
    def not_found(cls, what: str, value: str, field: str) -> RestError:
        """A 404: no ``what`` with this id (Zenoti's words: ``Invalid center_id.``)."""
        return cls(404, f"Invalid {field}. No {what} {value!r} in this organization.", field)

    @classmethod
    def bad(cls, message: str, field: str) -> RestError:
        """A 400 naming the field: the request is malformed."""
        return cls(400, message, field)

    @classmethod
    def conflict(cls, message: str, field: str) -> RestError:
        """A 409: well formed, but the world's state refuses it."""
        return cls(409, message, field)


def error_body(status: int, message: str, field: str | None = None) -> dict[str, object]:
    """A refusal's JSON in Zenoti's shape (``status`` is Zenoti's code, an HTTP status or
    one of its own such as 1113): ``{"Message"}`` for a 401, else the code and message at
    the top (as Zenoti's paging error is documented) and under ``error`` (as its response
    guide says), with the ``field`` at fault."""
    if status == 401:
        return {"Message": DENIED}
    return {
        "code": status,
        "message": message,
        "error": {"code": status, "message": message, "field": field},
    }
