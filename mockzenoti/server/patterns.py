"""The patterns the API's values follow: written once, used by the OpenAPI document and the checks.

Each is a regular expression in the subset that both JSON Schema (ECMA 262)
and Python's ``re`` read alike, anchored with ``^`` and ``END`` (``$`` not
before a newline: Python's ``$`` also matches before a final one). The
OpenAPI document puts them in its schemas, and the server checks every
request body against those schemas after its own field checks
(``body_schemas.py``), so the document and the server agree on what is valid.
"""

from __future__ import annotations

from mockzenoti.security.limits import MAX_RETRY_WAITS

__all__ = [
    "DURATION_PATTERN",
    "END",
    "NOT_BLANK_PATTERN",
    "RESERVED_HEADER_PATTERN",
    "RETRY_PATTERN",
    "SCENARIO_FILE_PATTERN",
    "SEED_TEXT_PATTERN",
    "STANDARD_SECRET_PATTERN",
    "URL_PATTERN",
    "comma_list",
    "either_case",
]


#: The end of the text (Python's ``$`` alone would also match before a final newline).
END = "(?!\\n)$"


def either_case(word: str) -> str:
    """``word`` as a pattern matching it in any letter case (``[Hh][Oo][Ss][Tt]``)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else _escape(c) for c in word)


def _escape(char: str) -> str:
    return "\\" + char if char in "\\^$.|?*+()[]{}" else char


def comma_list(words: list[str] | tuple[str, ...]) -> str:
    """A pattern for a comma-separated list of ``words`` (at least one)."""
    one = "(" + "|".join(_escape_word(w) for w in words) + ")"
    return f"^{one}(,{one})*{END}"


def _escape_word(word: str) -> str:
    return "".join(_escape(c) for c in word)


_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_H = "[0-9A-Fa-f]{1,4}"
_IPV6 = (
    f"(({_H}:){{7}}{_H}|({_H}:){{1,7}}:|({_H}:){{1,6}}:{_H}|({_H}:){{1,5}}(:{_H}){{1,2}}"
    f"|({_H}:){{1,4}}(:{_H}){{1,3}}|({_H}:){{1,3}}(:{_H}){{1,4}}|({_H}:){{1,2}}(:{_H}){{1,5}}"
    f"|{_H}:(:{_H}){{1,6}}|:((:{_H}){{1,7}}|:))"
)
_PORT = "(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
#: An http(s) URL: optional user info, a host name, IPv4 or [IPv6] address, a port, then any
#: visible ASCII (no spaces: encode them).
URL_PATTERN = (
    "^[Hh][Tt][Tt][Pp][Ss]?://"
    "([A-Za-z0-9._~!$&'()*+,;=%-]*(:[A-Za-z0-9._~!$&'()*+,;=%-]*)?@)?"
    f"({_LABEL}(\\.{_LABEL})*|\\[{_IPV6}\\])"
    f"{_PORT}"
    f"([/?#][\\x21-\\x7e]*)?{END}"
)
_WAIT = "([0-9]{1,6}(\\.[0-9]{1,3})?|\\.[0-9]{1,3})(ms|s|m|h)?"
#: A retry policy: a preset, or 1 to ``MAX_RETRY_WAITS`` waits such as ``1s,5s,30s``.
RETRY_PATTERN = f"^(zenoti|fast|standard|none|{_WAIT}(,{_WAIT}){{0,{MAX_RETRY_WAITS - 1}}}){END}"
#: A simulated duration such as ``8h``, ``1h30m``, ``2d`` (not zero).
DURATION_PATTERN = "^(?=[^1-9]*[1-9])([0-9]{1,6}(\\.[0-9]{1,3})?[dhms]){1,4}" + END
#: A scenario file's name: a path (with a ``/``) or a ``.yaml``/``.yml`` name, on one line.
SCENARIO_FILE_PATTERN = "^[^\\n\\r]*([/\\\\][^\\n\\r]*|\\.[Yy]([Aa][Mm]|[Mm])[Ll])" + END
#: Text with something besides spaces, on one line.
NOT_BLANK_PATTERN = "^[^\\n\\r]*[^\\s][^\\n\\r]*" + END
#: A Standard Webhooks secret: base64, optionally after ``whsec_``.
STANDARD_SECRET_PATTERN = (
    "^(whsec_)?(?=[A-Za-z0-9+/])([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}(==)?|[A-Za-z0-9+/]{3}=?)?"
    + END
)
#: A text seed: one line of up to 256 characters.
SEED_TEXT_PATTERN = "^[^\\n\\r]{1,256}" + END
#: Headers the sender sets itself (a target may not set them).
RESERVED_HEADER_PATTERN = (
    "^("
    + "|".join(
        either_case(h) for h in ("content-type", "content-length", "host", "transfer-encoding")
    )
    + ")"
    + END
)
