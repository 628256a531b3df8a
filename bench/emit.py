"""Reference senders, each run in a fresh process: ``python -m bench.emit ...``.

- ``--client aiohttp``: one ``ClientSession``, ``--concurrency`` workers (64)
  each awaiting its POST, on the default asyncio loop or on uvloop
  (``--loop``); bodies pre-serialised (``--serialise pre``) or serialised at
  send time (``--serialise each``, with ``--json stdlib|orjson``);
- ``--client requests``: the loop people write by hand, ``requests.post`` per
  event, no session; ``--client session``: the same through one
  ``requests.Session``.

Bodies are Zenoti-shaped events from ``bench.builder.Builder`` (``--event-bytes``
on average), built before timing starts. The sender stops after ``--count``
events or ``--seconds``, whichever comes first, after ``--warmup`` untimed
requests, and prints one JSON line: ``sent``, ``ok``, ``errors``, ``warmup``,
``elapsed_s``, ``cpu_s`` (this process's CPU time while timed), ``events_per_s``,
``avg_bytes``, ``loop``, ``json``, ``client``, ``serialise``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.builder import DEFAULT_EVENT_BYTES, Builder, stdlib_dumps

__all__ = ["HEADERS", "main"]

HEADERS = {
    "Content-Type": "application/json",
    # Shape of Zenoti's signature header (a fixed value: the references do not sign).
    "zenoti-webhook-signature": "sha256 =" + "-".join(["5A"] * 32),
}

_Tally = dict[str, int]


def _dumps(name: str) -> Callable[[Any], bytes]:
    if name == "orjson":
        import orjson

        dumps: Callable[[Any], bytes] = orjson.dumps
        return dumps
    return stdlib_dumps


async def _drive_aiohttp(
    session: Any,
    url: str,
    bodies: list[Any],
    encode: Callable[[Any], bytes] | None,
    count: int,
    deadline: float,
    workers: int,
) -> _Tally:
    tally = {"sent": 0, "ok": 0, "errors": 0}
    loop = asyncio.get_running_loop()
    n_bodies = len(bodies)

    async def worker() -> None:
        while tally["sent"] < count and loop.time() < deadline:
            item = bodies[tally["sent"] % n_bodies]
            tally["sent"] += 1
            body = encode(item) if encode is not None else item
            try:
                async with session.post(url, data=body, headers=HEADERS) as resp:
                    await resp.read()
                    if 200 <= resp.status < 300:
                        tally["ok"] += 1
                    else:
                        tally["errors"] += 1
            except Exception:
                tally["errors"] += 1

    await asyncio.gather(*(worker() for _ in range(workers)))
    return tally


async def _run_aiohttp(args: argparse.Namespace, bodies: list[Any]) -> dict[str, Any]:
    import aiohttp

    encode = _dumps(args.json) if args.serialise == "each" else None
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    timeout = aiohttp.ClientTimeout(total=10)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        warm = await _drive_aiohttp(
            session, args.url, bodies, encode, args.warmup, loop.time() + 10, args.concurrency
        )
        start, cpu = time.perf_counter(), time.process_time()
        tally = await _drive_aiohttp(
            session,
            args.url,
            bodies,
            encode,
            args.count,
            loop.time() + args.seconds,
            args.concurrency,
        )
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {**tally, "warmup": warm["sent"], "elapsed_s": elapsed, "cpu_s": cpu}


def _run_requests(args: argparse.Namespace, bodies: list[Any]) -> dict[str, Any]:
    import requests

    post: Callable[..., requests.Response]
    post = requests.Session().post if args.client == "session" else requests.post
    encode = _dumps(args.json) if args.serialise == "each" else None
    url, n_bodies = args.url, len(bodies)

    def drive(count: int, deadline: float) -> _Tally:
        tally = {"sent": 0, "ok": 0, "errors": 0}
        while tally["sent"] < count and time.perf_counter() < deadline:
            item = bodies[tally["sent"] % n_bodies]
            tally["sent"] += 1
            try:
                resp = post(url, data=encode(item) if encode else item, headers=HEADERS)
                tally["ok" if 200 <= resp.status_code < 300 else "errors"] += 1
            except requests.RequestException:
                tally["errors"] += 1
        return tally

    warm = drive(args.warmup, time.perf_counter() + 10)
    start, cpu = time.perf_counter(), time.process_time()
    tally = drive(args.count, start + args.seconds)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {**tally, "warmup": warm["sent"], "elapsed_s": elapsed, "cpu_s": cpu}


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m bench.emit``."""
    p = argparse.ArgumentParser(prog="python -m bench.emit", description=__doc__)
    p.add_argument("--client", choices=("aiohttp", "requests", "session"), default="aiohttp")
    p.add_argument("--url", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    p.add_argument("--json", choices=("stdlib", "orjson"), default="stdlib")
    p.add_argument("--serialise", choices=("pre", "each"), default="pre")
    p.add_argument("--event-bytes", type=int, default=DEFAULT_EVENT_BYTES)
    p.add_argument("--corpus", type=int, default=2000, help="distinct events, cycled")
    args = p.parse_args(argv)

    builder = Builder(seed=11, event_bytes=args.event_bytes, dumps=_dumps(args.json))
    payloads = [builder.payload() for _ in range(args.corpus)]
    sizes = [len(stdlib_dumps(x)) for x in payloads]
    bodies: list[Any] = payloads
    if args.serialise == "pre":
        # orjson's result buffers are over-allocated (about 7 KB held for a
        # 1.2 KB body); bytes(memoryview(b)) copies, bytes(b) and b[:] do not.
        bodies = [bytes(memoryview(builder.dumps(x))) for x in payloads]
    if args.client == "aiohttp":
        if args.loop == "uvloop":
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        result = asyncio.run(_run_aiohttp(args, bodies))
    else:
        result = _run_requests(args, bodies)
    result.update(
        events_per_s=result["ok"] / result["elapsed_s"],
        avg_bytes=sum(sizes) / len(sizes),
        loop=args.loop if args.client == "aiohttp" else "none",
        json=args.json,
        client=args.client,
        serialise=args.serialise,
    )
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
