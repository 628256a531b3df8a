"""Measure delivery throughput: the full path against a raw aiohttp client.

    .venv/bin/python tools/measure_delivery.py [--events 20000] [--receiver lean|sink]

A receiver runs in a child process on 127.0.0.1 (``lean``: a bare aiohttp
handler answering 200, like ``make bench``'s; ``sink``: mockzenoti's
recording sink). Then, in this process, on the same pre-built events, in
alternating rounds (the machine's speed drifts; medians are reported):

1. raw: one ClientSession, 64 requests in flight, POSTing pre-serialised
   bodies, on the default asyncio loop (as ``make bench``'s reference);
2. full: ``run_stream`` with a file outbox (WAL), zenoti signatures, 64 in
   flight, on uvloop when installed (as mockzenoti's CLI runs).

Prints events per second for each and the ratio full / raw.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from mockzenoti.delivery import DeliveryOptions, Target, run_stream
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.sink import Sink

IN_FLIGHT = 64


def _serve(port: int, receiver: str) -> None:
    async def main() -> None:
        if receiver == "sink":
            sink = Sink()  # records everything; verifying would refuse the raw client
            app = sink.app()
        else:

            async def ok(request: web.Request) -> web.Response:
                await request.read()
                return web.Response(text="ok")

            app = web.Application()
            app.router.add_post("/{tail:.*}", ok)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    try:
        import uvloop

        uvloop.run(main())
    except ImportError:  # pragma: no cover
        asyncio.run(main())


async def raw(url: str, bodies: list[bytes]) -> float:
    queue = iter(bodies)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=IN_FLIGHT)) as session:

        async def worker() -> None:
            for body in queue:
                async with session.post(
                    url, data=body, headers={"Content-Type": "application/json"}
                ) as resp:
                    await resp.read()
                    assert resp.status == 200

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        return len(bodies) / (time.perf_counter() - start)


async def full(url: str, n: int, events: list, outbox: Path) -> float:  # type: ignore[type-arg]
    start = time.perf_counter()
    report = await run_stream(
        str(outbox),
        {"bench": n},
        lambda: iter(events),
        [Target(url, secrets=("bench-secret",))],
        DeliveryOptions(concurrency=IN_FLIGHT),
    )
    elapsed = time.perf_counter() - start
    assert report.delivered == n, report
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--receiver", choices=("lean", "sink"), default="lean")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = multiprocessing.Process(target=_serve, args=(port, args.receiver), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{port}/hook"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        events = synthetic_events(args.events)
        bodies = [e.body() for e in events]
        try:
            import uvloop

            ours = uvloop.run
        except ImportError:  # pragma: no cover
            ours = asyncio.run
        raws, fulls, raw_cpu, full_cpu = [], [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.rounds):
                cpu = time.process_time()
                raws.append(asyncio.run(raw(url, bodies)))
                raw_cpu.append(args.events / (time.process_time() - cpu))
                cpu = time.process_time()
                fulls.append(ours(full(url, args.events, events, Path(tmp) / f"outbox{i}.sqlite")))
                full_cpu.append(args.events / (time.process_time() - cpu))
        raw_rate, full_rate = statistics.median(raws), statistics.median(fulls)
        ratios = sorted(f / r for f, r in zip(fulls, raws, strict=True))
        cpu_ratio = statistics.median(full_cpu) / statistics.median(raw_cpu)
        print(f"receiver: {args.receiver}, events: {args.events}, in flight: {IN_FLIGHT}")
        print(
            f"raw aiohttp : {raw_rate:8.0f} events/s, "
            f"{statistics.median(raw_cpu):6.0f} per CPU-second (median of {args.rounds})"
        )
        print(
            f"full path   : {full_rate:8.0f} events/s, "
            f"{statistics.median(full_cpu):6.0f} per CPU-second (outbox on, signing on)"
        )
        print(
            f"ratio       : {full_rate / raw_rate:8.2f} wall-clock (per round: "
            f"{', '.join(f'{r:.2f}' for r in ratios)}); {cpu_ratio:.2f} per CPU-second"
        )
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
