"""The lean HTTP/1.1 client: framing, keep-alive, limits, failures, against a scripted server.

The server is a raw asyncio server on 127.0.0.1 that reads one request at a
time (head and ``Content-Length`` body) and answers with whatever bytes the
test scripted for it, so each test controls the exact wire format.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
from yarl import URL

from mockzenoti.delivery.client import client_session
from mockzenoti.delivery.http1 import HttpPool, ProtocolError, ServerDisconnected
from mockzenoti.delivery.send import USER_AGENT, Sender, SessionSlot, _request_head
from mockzenoti.delivery.targets import Target
from mockzenoti.delivery.watchdog import Watchdog
from mockzenoti.testing.waiting import eventually

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

# What the server does for one request: bytes to send (in pieces, to test split
# reads), then whether to close the connection.
Script = Callable[[bytes], tuple[list[bytes], bool]]


@dataclass
class ScriptedServer:
    """Answers each request with ``script(request)``; records connections and requests."""

    script: Script
    port: int = 0
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    hold: asyncio.Event | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                if self.hold is not None:
                    await self.hold.wait()
                pieces, close = self.script(request)
                for piece in pieces:
                    writer.write(piece)
                    await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest_asyncio.fixture
async def serve() -> AsyncIterator[Callable[[Script], asyncio.Future[ScriptedServer]]]:
    servers: list[asyncio.Server] = []

    async def start(script: Script) -> ScriptedServer:
        scripted = ScriptedServer(script)
        server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0)
        scripted.port = server.sockets[0].getsockname()[1]
        servers.append(server)
        return scripted

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()


async def _until(check: Callable[[], bool], what: str) -> None:
    """Let the loop run until ``check()`` holds (bounded: fails after 5 s)."""
    await eventually(check, timeout=5.0, every=0.001, what=what)


async def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a server's, just closed)."""
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port: int = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    return port


def _request(body: bytes = b"{}") -> bytes:
    return b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


def always(*pieces: bytes, close: bool = False) -> Script:
    return lambda _request: (list(pieces), close)


@pytest.mark.asyncio
async def test_keep_alive_reuses_one_connection(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(OK))
    pool = HttpPool(4)
    answers = [await pool.request("127.0.0.1", server.port, _request()) for _ in range(5)]
    assert [a.status for a in answers] == [200] * 5
    assert answers[0].body == b"ok"
    assert answers[0].headers == {"content-length": "2"}
    assert server.connections == 1
    assert len(server.requests) == 5
    await pool.close()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("pieces", "body"),
    [
        ([b"HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\nhello"], b"hello"),
        ([OK[:7], OK[7:20], OK[20:]], b"ok"),
        ([bytes([b]) for b in OK], b"ok"),
        (
            [CHUNKED + b"3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"],
            b"abcde",
        ),
        (
            [
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                b"2\r\nab",
                b"\r\n0\r\nX-T: 1\r\n\r\n",
            ],
            b"ab",
        ),
        ([b"HTTP/1.1 100 Continue\r\n\r\n", OK], b"ok"),
        ([b"HTTP/1.1 204 No Content\r\n\r\n"], b""),
    ],
    ids=["length", "split", "byte-by-byte", "chunked", "chunked-split-trailer", "interim", "204"],
)
async def test_answers_are_framed_and_the_connection_kept(  # type: ignore[no-untyped-def]
    serve, pieces: list[bytes], body: bytes
) -> None:
    server = await serve(always(*pieces))
    pool = HttpPool(4)
    first = await pool.request("127.0.0.1", server.port, _request())
    second = await pool.request("127.0.0.1", server.port, _request())
    assert first.body == second.body == body
    assert server.connections == 1  # the framing left the connection clean for the next one
    await pool.close()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
    ],
    ids=["connection-close", "http-1.0", "bytes-after-the-answer"],
)
async def test_a_connection_is_not_reused_when_the_answer_says_so(  # type: ignore[no-untyped-def]
    serve, answer: bytes
) -> None:
    server = await serve(always(answer))
    pool = HttpPool(4)
    for _ in range(2):
        assert (await pool.request("127.0.0.1", server.port, _request())).body == b"ok"
    assert server.connections == 2
    await pool.close()


@pytest.mark.asyncio
async def test_a_body_ended_by_the_connection_is_read_to_its_end(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(b"HTTP/1.1 500 Oops\r\n\r\nno ", b"length", close=True))
    pool = HttpPool(4)
    answer = await pool.request("127.0.0.1", server.port, _request())
    assert (answer.status, answer.body) == (500, b"no length")
    await pool.request("127.0.0.1", server.port, _request())
    assert server.connections == 2
    assert pool.open_connections == 0  # both closed; none kept idle
    await pool.close()


@pytest.mark.asyncio
async def test_only_the_first_bytes_of_a_long_body_are_kept(serve) -> None:  # type: ignore[no-untyped-def]
    long_body = b"x" * 100_000
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(long_body)
    server = await serve(always(head, long_body))
    pool = HttpPool(4, keep=10)
    answer = await pool.request("127.0.0.1", server.port, _request())
    assert answer.body == b"x" * 10
    await pool.request("127.0.0.1", server.port, _request())
    assert server.connections == 1  # the rest was read and dropped, the connection kept
    await pool.close()


#: Malformed answers, each with (part of) the reason given. Each fails its attempt at once.
MALFORMED = [
    (b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok", "Invalid response status"),
    (b"HTTP/1.1 600 OK\r\nContent-Length: 2\r\n\r\nok", "status 600 is not 100 to 599"),
    (b"HTTP/1.1 099 OK\r\nContent-Length: 2\r\n\r\nok", "status 99 is not 100 to 599"),
    (b"HTTP/1.9 200 OK\r\nContent-Length: 2\r\n\r\nok", "Invalid HTTP version"),
    (b"HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/2.0 is not HTTP/1.0 or 1.1"),
    (b"HTTP/0.9 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/0.9 is not HTTP/1.0 or 1.1"),
    ("HTTP/1.1 200 OK\r\nContent-Length: \u00b2\r\n\r\nok".encode(), "Content-Length"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length"),
    (CHUNKED + b"-1\r\nab\r\n0\r\n\r\n", "chunk size"),
    (CHUNKED + b"0x3\r\nabc\r\n0\r\n\r\n", "chunk size"),
    (CHUNKED + b"zz\r\n", "chunk size"),
    (b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", "CR"),
    (b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\nok", "header value"),
    (b"HTTP/1.1 200 OK\r\nX-" + b"a" * 70_000 + b": b\r\n\r\n", "over 64 KiB"),
    (b"HTTP/1.1 200 OK\r\nX-A: " + b"a" * 70_000, "over 64 KiB"),  # a head that never ends
    (b"SPDY/3 200 OK\r\n\r\n", "Expected HTTP/"),
    (b"HTTP/1.1 2x0 OK\r\n\r\n", "Invalid status code"),
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "Invalid header token"),
    (b"HTTP/1.1 101 Switching Protocols\r\n\r\n", "switched protocols"),
]
MALFORMED_IDS = [
    "status-2000",
    "status-600",
    "status-099",
    "http-1.9",
    "http-2.0",
    "http-0.9",
    "length-superscript",
    "length-negative",
    "chunk-negative",
    "chunk-0x3",
    "chunk-zz",
    "bare-lf",
    "nul-in-header",
    "long-head",
    "endless-head",
    "spdy",
    "status-2x0",
    "no-colon",
    "switching",
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("answer", "message"), MALFORMED, ids=MALFORMED_IDS)
async def test_a_malformed_answer_raises_protocol_error(  # type: ignore[no-untyped-def]
    serve, answer: bytes, message: str
) -> None:
    server = await serve(always(answer))  # and keeps the connection open
    pool = HttpPool(4)
    with pytest.raises(ProtocolError, match=message) as raised:
        await pool.request("127.0.0.1", server.port, _request())
    assert str(raised.value).startswith("malformed answer: ")
    assert pool.open_connections == 0  # the bad connection was closed
    await pool.close()


@pytest.mark.asyncio
@pytest.mark.parametrize(("answer", "message"), MALFORMED, ids=MALFORMED_IDS)
@pytest.mark.parametrize("client", ["lean", "aiohttp"])
async def test_a_malformed_answer_fails_its_attempt_at_once_as_protocol(  # type: ignore[no-untyped-def]
    serve, answer: bytes, message: str, client: str
) -> None:
    """Timed against the attempt's timeout: 120 s allowed, the attempt ends in a few ms."""
    if client == "aiohttp" and answer.startswith(b"HTTP/1.1 200 OK\nContent"):
        pytest.skip("aiohttp's parser accepts bare LF line ends (a well-formed answer otherwise)")
    server = await serve(always(answer))
    sender = Sender(Target(f"http://127.0.0.1:{server.port}/hook", timeout=120))
    pool, watchdog, session = HttpPool(2), Watchdog(), SessionSlot(limit=2)
    result = await sender.send(
        session, pool if client == "lean" else None, b"{}", "d", 0.0, watchdog
    )
    assert result.outcome == "protocol", result
    assert result.status is None and result.error is not None
    assert result.error.startswith("malformed answer: ")
    if client == "lean":
        assert message in result.error
    assert result.latency < 10  # nowhere near the 120 s timeout
    await pool.close()
    await session.close()
    watchdog.close()


@pytest.mark.asyncio
async def test_a_connection_closed_before_its_answer_raises_server_disconnected(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(b"HTTP/1.1 200 OK\r\nContent-Le", close=True))
    pool = HttpPool(4)
    with pytest.raises(ServerDisconnected):
        await pool.request("127.0.0.1", server.port, _request())
    assert pool.open_connections == 0
    await pool.close()


@pytest.mark.asyncio
async def test_an_idle_connection_the_server_closed_is_not_reused(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(OK, close=True))  # closes without saying so
    pool = HttpPool(4)
    await pool.request("127.0.0.1", server.port, _request())
    await _until(lambda: pool.open_connections == 0, "the close to reach the pool")
    assert (await pool.request("127.0.0.1", server.port, _request())).status == 200
    assert server.connections == 2
    await pool.close()


@pytest.mark.asyncio
async def test_an_idle_connection_past_its_idle_timeout_is_replaced(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(OK))
    pool = HttpPool(4, idle_timeout=0.0)
    await pool.request("127.0.0.1", server.port, _request())
    await pool.request("127.0.0.1", server.port, _request())
    assert server.connections == 2
    assert pool.open_connections == 1
    await pool.close()


@pytest.mark.asyncio
async def test_refused_connections_raise_oserror_and_free_their_place() -> None:
    port = await _closed_port()
    pool = HttpPool(1)
    for _ in range(3):  # a leaked place would make the second request wait forever
        with pytest.raises(OSError):
            await pool.request("127.0.0.1", port, _request())
    assert pool.open_connections == 0
    await pool.close()


@pytest.mark.asyncio
async def test_at_the_limit_a_request_waits_for_a_connection(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(OK))
    server.hold = asyncio.Event()
    pool = HttpPool(1)
    first = asyncio.create_task(pool.request("127.0.0.1", server.port, _request()))
    second = asyncio.create_task(pool.request("127.0.0.1", server.port, _request()))
    await _until(lambda: len(server.requests) == 1, "the first request")
    assert not second.done() and pool.open_connections == 1
    server.hold.set()
    assert [(await first).status, (await second).status] == [200, 200]
    assert server.connections == 1  # the second waited and reused the first's connection
    await pool.close()


@pytest.mark.asyncio
async def test_at_the_limit_an_idle_connection_to_another_host_makes_room(serve) -> None:  # type: ignore[no-untyped-def]
    one, two = await serve(always(OK)), await serve(always(OK))
    pool = HttpPool(1)
    await pool.request("127.0.0.1", one.port, _request())
    await pool.request("127.0.0.1", two.port, _request())
    await pool.request("127.0.0.1", one.port, _request())
    assert (one.connections, two.connections) == (2, 1)
    assert pool.open_connections == 1
    await pool.close()


@pytest.mark.asyncio
async def test_cancelling_a_request_closes_its_connection(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(OK))
    server.hold = asyncio.Event()
    pool = HttpPool(1)
    task = asyncio.create_task(pool.request("127.0.0.1", server.port, _request()))
    await _until(lambda: len(server.requests) == 1, "the request")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pool.open_connections == 0  # a half-read answer can never be reused
    server.hold.set()
    assert (await pool.request("127.0.0.1", server.port, _request())).status == 200
    assert server.connections == 2
    await pool.close()


@pytest.mark.asyncio
async def test_after_close_no_new_connection_is_opened(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(always(OK))
    pool = HttpPool(8)
    await asyncio.gather(*(pool.request("127.0.0.1", server.port, _request()) for _ in range(5)))
    assert 1 <= pool.open_connections <= 5
    await pool.close()
    assert pool.open_connections == 0
    with pytest.raises(RuntimeError, match="closed"):
        await pool.request("127.0.0.1", server.port, _request())


def test_a_pool_needs_room_for_one_connection() -> None:
    with pytest.raises(ValueError, match="limit"):
        HttpPool(0)


# -- the Sender's use of the pool -------------------------------------------------------------


def test_the_request_head_is_built_once_per_target() -> None:
    target = Target(
        "http://127.0.0.1:8080/a%20b?x=1", headers={"user-agent": "theirs/1", "X-Env": "ci"}
    )
    head = _request_head(
        URL(target.url), "PUT", {"Content-Type": "application/json", **target.headers}
    )
    assert head.decode().split("\r\n") == [
        "PUT /a%20b?x=1 HTTP/1.1",
        "Host: 127.0.0.1:8080",
        "user-agent: theirs/1",  # the target's own User-Agent replaces ours, no duplicate
        "Accept: */*",
        "Content-Type: application/json",
        "X-Env: ci",
        "",
    ]
    default_port = _request_head(URL("http://example.test/hook"), "POST", {})
    assert b"\r\nHost: example.test\r\n" in default_port
    assert f"User-Agent: {USER_AGENT}".encode() in default_port
    assert b"\r\nHost: [::1]:9\r\n" in _request_head(URL("http://[::1]:9/"), "POST", {})


@pytest.mark.parametrize(
    ("url", "lean"),
    [
        ("http://127.0.0.1:9/hook", True),
        ("http://example.test/hook", True),
        ("https://example.test/hook", False),  # TLS goes through aiohttp
        ("http://user:pw@example.test/hook", False),  # credentials too
    ],
)
def test_plain_http_urls_use_the_pool(url: str, lean: bool) -> None:
    assert Sender(Target(url)).lean is lean


@pytest.mark.asyncio
async def test_a_signed_request_goes_out_whole_and_its_answer_is_classified(serve) -> None:  # type: ignore[no-untyped-def]
    answer = b"HTTP/1.1 429 Slow Down\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy"
    server = await serve(always(answer))
    sender = Sender(Target(f"http://127.0.0.1:{server.port}/in?k=v", secrets="s3cret"))
    pool, watchdog = HttpPool(2), Watchdog()
    session = SessionSlot(limit=2)
    body = b'{"event_type": "Guest.Created"}'
    result = await sender.send(session, pool, body, "d-1", 1_700_000_000.0, watchdog)
    assert (result.outcome, result.status, result.response, result.retry_after) == (
        "client_error",
        429,
        "busy",
        7.0,
    )
    head, _, sent_body = server.requests[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /in?k=v HTTP/1.1"
    assert f"Content-Length: {len(body)}" in lines
    signature = sender.signer.headers(body, "d-1", 1_700_000_000.0)
    assert signature and all(f"{k}: {v}" in lines for k, v in signature.items())
    assert sent_body == body
    await pool.close()
    await session.close()
    watchdog.close()


@pytest.mark.asyncio
async def test_a_refused_connection_is_a_connection_outcome() -> None:
    port = await _closed_port()
    sender = Sender(Target(f"http://127.0.0.1:{port}/"))
    pool, watchdog, session = HttpPool(2), Watchdog(), SessionSlot(limit=2)
    result = await sender.send(session, pool, b"{}", "d-1", 0.0, watchdog)
    assert result.outcome == "connection" and result.status is None
    assert result.error is not None and "Connect" in result.error
    await pool.close()
    await session.close()
    watchdog.close()


ANSWERS = [
    OK,
    b"HTTP/1.1 503 Busy\r\nRetry-After: 3\r\nContent-Length: 4\r\n\r\nbusy",
    b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 429 Slow\r\nRetry-After: Wed, 21 Oct 2099 07:28:00 GMT\r\nContent-Length: 0\r\n\r\n",
    CHUNKED + b"5\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 400 Bad\r\nContent-Length: 300\r\n\r\n" + b"e" * 300,
]


@pytest.mark.asyncio
async def test_both_clients_see_the_same_answers_alike(serve) -> None:  # type: ignore[no-untyped-def]
    """The lean pool and aiohttp classify the same wire answers the same way."""
    turn = iter(ANSWERS * 2)
    server = await serve(lambda _request: ([next(turn)], False))
    sender = Sender(Target(f"http://127.0.0.1:{server.port}/hook", secrets="s"))
    pool, watchdog, session = HttpPool(2), Watchdog(), SessionSlot(limit=2)
    seen: dict[str, list[tuple[object, ...]]] = {"lean": [], "aiohttp": []}
    for name, use in (("lean", pool), ("aiohttp", None)):
        for _ in ANSWERS:
            r = await sender.send(session, use, b"{}", "d-1", 1_700_000_000.0, watchdog)
            seen[name].append((r.outcome, r.status, r.error, r.response, r.retry_after))
    assert seen["lean"] == seen["aiohttp"]
    assert [s[1] for s in seen["lean"]] == [200, 503, 302, 429, 200, 201, 400]
    assert seen["lean"][1][4] == 3.0 and seen["lean"][4][3] == "hello"
    await pool.close()
    await session.close()
    watchdog.close()


def _in_turn(*turns: tuple[list[bytes], bool]) -> Script:
    """A script answering the n-th request with the n-th turn."""
    left = iter(turns)
    return lambda _request: next(left)


@pytest.mark.asyncio
async def test_a_reused_connection_closed_without_an_answer_is_not_sent_again(  # type: ignore[no-untyped-def]
    serve,
) -> None:
    # The second request meets the keep-alive race: the server reads it and closes.
    server = await serve(_in_turn(([OK], False), ([], True), ([OK], False)))
    pool = HttpPool(2)
    await pool.request("127.0.0.1", server.port, _request())
    with pytest.raises(ServerDisconnected) as raised:
        await pool.request("127.0.0.1", server.port, _request(b"[2]"))
    assert raised.value.written  # the server has it: a possible duplicate if sent again
    assert "before answering" in str(raised.value)
    assert len(server.requests) == 2  # nothing sent behind the caller's back
    assert (await pool.request("127.0.0.1", server.port, _request())).status == 200
    assert server.connections == 2
    await pool.close()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "second",
    [([b"HTTP/1.1 200 OK\r\nContent-Le"], True), ([], True)],
    ids=["part-of-an-answer", "on-a-new-connection"],
)
async def test_no_second_try_after_part_of_an_answer_or_on_a_new_connection(  # type: ignore[no-untyped-def]
    serve, second: tuple[list[bytes], bool]
) -> None:
    first = ([OK], second[0] == [])  # closing after the first answer: the second opens anew
    server = await serve(_in_turn(first, second, ([OK], False)))
    pool = HttpPool(2)
    await pool.request("127.0.0.1", server.port, _request())
    await _until(lambda: pool.open_connections == (0 if first[1] else 1), "the first answer")
    with pytest.raises(ServerDisconnected):
        await pool.request("127.0.0.1", server.port, _request())
    assert len(server.requests) == 2
    await pool.close()


def test_an_answers_headers_are_read_by_lower_case_name_repeated_ones_joined() -> None:
    from mockzenoti.delivery.http1_conn import Answer

    raw = [(b"Retry-After", b"60"), (b"X-Seen", b"a"), (b"x-seen", b"b")]
    answer = Answer(429, raw, b"")
    assert answer.header("retry-after") == "60" and answer.header("x-seen") == "a, b"
    assert answer.header("content-length") is None
    assert answer.headers == {"retry-after": "60", "x-seen": "a, b"}
    assert answer.header("x-seen") == "a, b"  # the same once the mapping is built


@pytest.mark.asyncio
async def test_a_session_slot_makes_its_session_on_first_use_and_keeps_a_given_one() -> None:
    made = SessionSlot(limit=2)
    first = made()
    assert made() is first and not first.closed
    await made.close()
    assert first.closed
    again = made()  # a slot closed and asked again makes a new one
    assert again is not first and not again.closed
    await made.close()
    async with client_session(limit=2) as session:
        given = SessionSlot(session)
        assert given() is session
        await given.close()
        assert not session.closed  # the giver closes it
