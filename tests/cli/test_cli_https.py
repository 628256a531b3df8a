"""https receivers with a certificate from a CA the test made; ``Content-Type`` per target; URLs.

``--ca-cert FILE`` trusts the CA, ``--insecure`` checks nothing, ``SSL_CERT_FILE``
replaces the system's CAs; without any, the attempt fails with the certificate
error named. ``--content-type`` sends another value, or none.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import ThreadSink, command, invoke, subprocess_env
from tls_support import TestCA, make_ca


@pytest.fixture
def ca(tmp_path: Path) -> TestCA:
    """A CA made for this test, its PEM file in the test's directory."""
    return make_ca(tmp_path)


@pytest.fixture
def https_sink(ca: TestCA) -> Iterator[ThreadSink]:
    """A sink on https://127.0.0.1 with a certificate from ``ca``."""
    sink = ThreadSink(ssl_context=ca.server_context)
    yield sink
    sink.close()


def test_an_untrusted_certificate_fails_and_says_so(https_sink: ThreadSink) -> None:
    assert https_sink.url.startswith("https://127.0.0.1:")
    result = invoke("emit", "Guest.Created", "--url", https_sink.url, "--retry", "none")
    assert result.exit_code == 1
    assert "certificate" in result.output.lower() and https_sink.calls == []


def test_ca_cert_trusts_the_receiver(https_sink: ThreadSink, ca: TestCA) -> None:
    result = invoke(
        "emit",
        "Guest.Created",
        "--url",
        https_sink.url,
        "--ca-cert",
        str(ca.pem),
        "--retry",
        "none",
    )
    assert result.exit_code == 0, result.output
    assert [c.status for c in https_sink.calls] == [200]


def test_insecure_checks_nothing(https_sink: ThreadSink) -> None:
    result = invoke(
        "run",
        "class-lifecycle",
        "--events",
        "5",
        "--url",
        https_sink.url,
        "--insecure",
        "--retry",
        "none",
    )
    assert result.exit_code == 0, result.output
    assert len(https_sink.calls) == 5


def test_ssl_cert_file_replaces_the_system_cas(
    https_sink: ThreadSink, ca: TestCA, tmp_path: Path
) -> None:
    env = subprocess_env() | {"SSL_CERT_FILE": str(ca.pem)}
    done = subprocess.run(
        command(
            "emit",
            "Guest.Created",
            "--url",
            https_sink.url,
            "--retry",
            "none",
            "--outbox",
            ":memory:",
        ),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [c.status for c in https_sink.calls] == [200]


def test_redeliver_with_the_ca_delivers_what_died_without_it(
    https_sink: ThreadSink, ca: TestCA
) -> None:
    first = invoke(
        "emit", "Guest.Created", "--url", https_sink.url, "--retry", "none", "--outbox", "o.sqlite"
    )
    assert first.exit_code == 1
    again = invoke("redeliver", "--state", "dead", "--outbox", "o.sqlite", "--ca-cert", str(ca.pem))
    assert again.exit_code == 0, again.output
    assert [c.status for c in https_sink.calls] == [200]
    both = invoke(
        "redeliver", "--all", "--outbox", "o.sqlite", "--ca-cert", str(ca.pem), "--insecure"
    )
    assert both.exit_code == 2 and "exclude each other" in both.output


def test_ca_cert_must_be_a_readable_pem_file(sink: ThreadSink, tmp_path: Path) -> None:
    missing = invoke("emit", "Guest.Created", "--url", sink.url, "--ca-cert", "nope.pem")
    assert missing.exit_code == 2 and "--ca-cert" in missing.output
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    junk = invoke("emit", "Guest.Created", "--url", sink.url, "--ca-cert", "junk.pem")
    assert junk.exit_code == 2
    assert "as the CA certificates" in junk.output and "[--ca-cert]" in junk.output


@pytest.mark.parametrize("client", ["auto", "aiohttp"])
def test_content_type_is_sent_as_asked_or_not_at_all(sink: ThreadSink, client: str) -> None:
    for content_type in ("application/json", "application/json; charset=utf-8", ""):
        result = invoke(
            "run",
            "class-lifecycle",
            "--events",
            "1",
            "--url",
            sink.url,
            "--http-client",
            client,
            "--content-type",
            content_type,
            "--outbox",
            ":memory:",
        )
        assert result.exit_code == 0, result.output
    sent = [c.headers.get("Content-Type") for c in sink.calls]
    assert sent == ["application/json", "application/json; charset=utf-8", None]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "localhost:8000/hook",
            "it has no http:// or https:// in front (did you mean http://localhost:8000/hook?)",
        ),
        ("http//127.0.0.1:8000/", "the scheme needs '://' (did you mean http://127.0.0.1:8000/?)"),
        ("ftp://example.com/", "its scheme 'ftp' is not http or https"),
        ("http://127.0.0.1:99999/", "its port 99999 is not between 1 and 65535"),
        ("http://example .com/", "it has a space at position 14"),
    ],
)
def test_a_bad_url_says_what_is_wrong_with_it(url: str, said: str) -> None:
    result = invoke("emit", "Guest.Created", "--url", url)
    assert result.exit_code == 2
    assert f"{url!r} is not a webhook URL: {said}" in result.output
    assert "[--url]" in result.output and "Traceback" not in result.output
