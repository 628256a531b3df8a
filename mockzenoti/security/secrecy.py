"""Credentials never leave the process except as signatures.

A target URL may carry a password (``https://user:pass@host/hook``) and a
target may have signing secrets. Both are kept in the outbox (a resumed run
or a restarted server must send exactly as before; see docs/security.md),
but nothing mockzenoti shows or writes elsewhere carries them: API answers,
the live page, reports, progress and log lines show ``redact_url(url)``
(the password as ``****``), a credential header's value as ``****``
(``redact_headers``), and secrets only as a count.
"""

from __future__ import annotations

import re
from typing import Any

from yarl import URL

__all__ = [
    "MASK",
    "public_spec",
    "redact_headers",
    "redact_passwords",
    "redact_text",
    "redact_url",
    "secret_header",
]

MASK = "****"


def redact_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``****``; other text is returned as is."""
    if "@" not in url:
        return url
    try:
        parsed = URL(url)
    except (TypeError, ValueError):
        return url
    if parsed.password is None:
        return url
    return str(parsed.with_password(MASK))


_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:)[^\s/?#@]*@")


def redact_passwords(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` in it as ``****``
    (error messages may quote the URL they failed on)."""
    return _USERINFO.sub(rf"\1{MASK}@", text) if "@" in text else text


_SECRET_HEADER = re.compile(r"auth|token|secret|key|password|passwd|cookie|session", re.I)


def secret_header(name: str) -> bool:
    """True for a header that carries a credential (``Authorization``, ``X-Api-Key`` ...)."""
    return _SECRET_HEADER.search(name) is not None


def redact_headers(headers: Any) -> dict[str, str]:
    """Headers as shown: a credential's value (``secret_header``) as ``****``."""
    return {k: MASK if secret_header(k) else v for k, v in dict(headers).items()}


def redact_text(text: str, urls: Any) -> str:
    """``text`` with each of ``urls`` (an iterable of URLs) replaced by its redacted form."""
    for url in urls:
        safe = redact_url(url)
        if safe != url:
            text = text.replace(url, safe)
    return text


def public_spec(spec: Any) -> Any:
    """A run spec as reports show it: each target's URL (and a name made of it) redacted,
    its secrets only counted (``secrets: 2``); the rest as is."""
    if not isinstance(spec, dict):
        return spec
    out = dict(spec)
    targets = out.get("targets")
    if isinstance(targets, list):
        shown = []
        for target in targets:
            if isinstance(target, dict):
                target = dict(target)
                for key in ("url", "name"):
                    if isinstance(target.get(key), str):
                        target[key] = redact_url(target[key])
                if isinstance(target.get("headers"), dict):
                    target["headers"] = redact_headers(target["headers"])
                if isinstance(target.get("secrets"), list):
                    target["secrets"] = len(target["secrets"])
            shown.append(target)
        out["targets"] = shown
    return out
