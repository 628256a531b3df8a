"""Webhook URLs: ``check_url(text)`` takes ``http(s)://host[:port]/path`` or says what is wrong.

A refusal names the mistake and, where it can, the URL that was probably
meant: ``'localhost:8000/hook' is not a webhook URL: it has no http:// or
https:// in front (did you mean http://localhost:8000/hook?)``.
"""

from __future__ import annotations

import re

from yarl import URL

from mockzenoti.errors import ConfigError

__all__ = ["check_url"]

SCHEMES = ("http", "https")
_HOST_PORT = re.compile(r"^\[?[A-Za-z0-9.:-]+\]?(:[0-9]+)?(/.*)?$")
_ONE_SLASH = re.compile(r"^(https?):/?([^/].*)$", re.IGNORECASE)
_NO_COLON = re.compile(r"^(https?)//(.+)$", re.IGNORECASE)


def _why(text: str) -> str | None:
    """What is wrong with ``text`` as a webhook URL, or None."""
    if not text:
        return "it is empty"
    if text != text.strip():
        return "it starts or ends with a space"
    if any(c.isspace() for c in text):
        return f"it has a space at position {next(i for i, c in enumerate(text) if c.isspace())}"
    if "://" not in text:
        for pattern in (_ONE_SLASH, _NO_COLON):
            match = pattern.match(text)
            if match:
                return f"the scheme needs '://' (did you mean {match[1].lower()}://{match[2]}?)"
        if _HOST_PORT.match(text):
            return f"it has no http:// or https:// in front (did you mean http://{text}?)"
        return "it has no http:// or https:// in front"
    scheme = text.split("://", 1)[0]
    if scheme.lower() not in SCHEMES:
        return f"its scheme {scheme!r} is not http or https"
    rest = text.split("://", 1)[1]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    if not authority:
        return f"it has no host after {scheme}://"
    port: str | None = None
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            return "its IPv6 address has no closing ']'"
        host, after = authority[: end + 1], authority[end + 1 :]
        if after and not after.startswith(":"):
            return f"{after!r} after the IPv6 address is not :PORT"
        port = after[1:] if after else None
    elif authority.count(":") > 1:
        return "an IPv6 address goes in brackets, as in http://[::1]:8000/"
    else:
        host, colon, rest_port = authority.partition(":")
        port = rest_port if colon else None
    if not host:
        return f"it has no host after {scheme}://"
    if port is not None:
        if not port:
            return "it has a ':' after the host but no port"
        if not port.isdigit():
            return f"its port {port!r} is not a number"
        if not 1 <= int(port) <= 65535:
            return f"its port {port} is not between 1 and 65535"
    return None


def check_url(text: object) -> URL:
    """``text`` as a ``yarl.URL`` with an http(s) scheme and a host; else ``ConfigError``."""
    if not isinstance(text, str):
        raise ConfigError(f"a URL is text, not {type(text).__name__}", field="url")
    reason = _why(text)
    url: URL | None = None
    if reason is None:
        try:
            url = URL(text)
        except (TypeError, ValueError) as exc:
            reason = str(exc).removeprefix("Invalid URL: ")
        else:
            if not url.host:
                reason = "it has no host"
    if reason is not None or url is None:
        raise ConfigError(f"{text!r} is not a webhook URL: {reason}", field="url")
    return url
