"""The OpenAPI 3.1 document of the control API, written by hand as data.

``openapi_document(catalog)`` is served at ``GET /openapi.json``; a test
checks that its paths and methods are exactly the application's routes, and
runs schemathesis over every operation. Paths are in ``openapi_paths.py``
(built with ``openapi_ops.py``),
component schemas in ``openapi_schemas.py`` (requests) and
``openapi_responses.py`` (answers); ``/v1`` (Zenoti's REST API) in
``openapi_v1.py``.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from mockzenoti import __version__
from mockzenoti.catalog import Catalog
from mockzenoti.server.openapi_ops import ERRORS, json_content
from mockzenoti.server.openapi_paths import paths
from mockzenoti.server.openapi_responses import responses
from mockzenoti.server.openapi_schemas import ref, requests
from mockzenoti.server.openapi_v1 import SCHEME, v1_paths, v1_responses, v1_schemas

__all__ = ["openapi_document"]


@functools.lru_cache(maxsize=8)
def _document(event_types: tuple[str, ...]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mockzenoti control API",
            "version": __version__,
            "description": "Drive mockzenoti: targets, events, scenario runs, deliveries, sinks. "
            "Errors are JSON {error: {code, message, field}}. See docs/api.md. Under /v1, "
            "Zenoti's REST API over each run's world, with the run's api_key (docs/rest.md).",
        },
        "paths": {**paths(), **v1_paths()},
        "components": {
            "schemas": {**requests(list(event_types)), **responses(), **v1_schemas()},
            "responses": {
                **{f"E{code}": json_content(ref("Error"), text) for code, text in ERRORS.items()},
                **v1_responses(),
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, **SCHEME},
        },
        "security": [{}, {"bearer": []}],
    }


def openapi_document(catalog: Catalog) -> dict[str, Any]:
    """The document for a server using ``catalog`` (its names go into ``POST /events``)."""
    names = sorted({e.name for e in catalog} | {e.event_type for e in catalog})
    return copy.deepcopy(_document(tuple(names)))
