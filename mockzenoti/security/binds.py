"""No open bind by accident: listening beyond this machine needs a token, or a loud opt-out.

``serve`` and ``sink`` listen on 127.0.0.1 by default. On any address that
is not a loopback one (``0.0.0.0``, ``::``, a LAN address, a host name that
resolves elsewhere) anyone who can reach the port could drive the server or
read what the sink received, so ``check_bind`` refuses to start without a
token unless the user says ``--insecure-no-token``; then it returns the
warning to print.
"""

from __future__ import annotations

import ipaddress
import socket

from mockzenoti.errors import ConfigError

__all__ = ["check_bind", "is_loopback"]


def is_loopback(host: str) -> bool:
    """True when every address ``host`` stands for is a loopback address (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]")
    if not name:
        return False  # an empty host listens on every interface
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # cannot tell: treat it as open (binding will fail anyway)
    addresses = {str(info[4][0]) for info in found}
    return bool(addresses) and all(_loopback_address(a) for a in addresses)


def _loopback_address(text: str) -> bool:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None, insecure: bool, *, what: str) -> str | None:
    """Refuse a non-loopback ``host`` without a token (``ConfigError`` naming ``--token``).

    With ``insecure`` it is allowed, and the warning to print is returned;
    None when there is nothing to say.
    """
    if token or is_loopback(host):
        return None
    if not insecure:
        raise ConfigError(
            f"{what} would listen on {host or 'every interface'}, which other machines can "
            "reach, without a token: give --token TOKEN (or $MOCKZENOTI_TOKEN), listen on "
            "127.0.0.1, or add --insecure-no-token if you really mean it",
            field="--token",
        )
    return (
        f"WARNING: {what} listens on {host or 'every interface'} without a token: anyone who "
        "can reach this port can use it (--insecure-no-token)"
    )
