"""A certificate authority made by the test (trustme) and an https receiver's TLS context.

``make_ca(directory)`` writes the CA's certificate to ``directory/ca.pem``
(what ``--ca-cert``, a target's ``ca_cert`` or ``SSL_CERT_FILE`` take) and
returns a ``TestCA`` whose ``server_context`` serves ``127.0.0.1`` and
``localhost`` with a certificate that CA issued. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TestCA:
    """The CA's PEM file and a server context for 127.0.0.1 signed by it."""

    __test__ = False  # not a test class, whatever its name

    pem: Path
    server_context: ssl.SSLContext


def make_ca(directory: Path) -> TestCA:
    """A new CA (its certificate in ``directory/ca.pem``) and a server context it signed."""
    ca = trustme.CA()
    pem = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    return TestCA(pem, server)
