"""The live page in headless Chromium (Debian's), during a real run on a server in this process.

It waits for conditions (Playwright's ``expect`` and ``wait_for_function``),
never for fixed times: deliveries arrive in the table, the counters grow,
the run's progress shows, one delivery opens with its attempts and payload,
a dead delivery is redelivered from its panel (and the rest in bulk), the
filters narrow the table, an inactive target is reactivated, and with a
token the page passes it on. No console error or policy violation is
allowed. Screenshots are saved to the test's tmp dir.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from page_support import CHROMIUM, CHROMIUM_ARGS, Client, require_chromium
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
from server_thread import ServerThread

from mockzenoti.testing.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT = 20_000  # ms, for each condition awaited
#: The first 150 events of day-in-the-life (seed 1) span about 6.5 simulated hours: ~4 s.
RUN = {"scenario": "day-in-the-life", "seed": "1", "events": 150, "pace": 6000}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Browser, url: str, problems: list[str], width: int = 1400) -> Page:
    """A new tab on ``url`` that records console errors and uncaught exceptions."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(TIMEOUT)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=TIMEOUT)
    return page


def counter(page: Page, state: str) -> int:
    """The number a state's counter shows."""
    return int(page.locator(f"[data-counter={state}] .value").inner_text().replace(",", ""))


def wait_counter(page: Page, state: str, check: str) -> None:
    """Wait until the state's counter satisfies ``check`` (a JS expression on ``n``)."""
    page.wait_for_function(
        f"""() => {{
            const n = Number(document.querySelector('[data-counter={state}] .value')
                .textContent.replace(/,/g, ''));
            return {check};
        }}""",
        timeout=TIMEOUT,
    )


def settled_dead(api: Client) -> int:
    """The dead deliveries once none is pending, delivering or retrying (asked of the API)."""

    def settled() -> dict[str, int] | None:
        counts: dict[str, int] = api.call("GET", "/stats")["deliveries"]
        busy = any(counts.get(state, 0) for state in ("pending", "delivering", "retrying"))
        return None if busy else counts

    counts = wait_until(settled, timeout=TIMEOUT / 1000, every=0.05, what="settled deliveries")
    return int(counts.get("dead", 0))


def test_the_page_follows_a_run_and_redelivers_the_dead(browser: Browser, tmp_path: Path) -> None:
    problems: list[str] = []
    with ServerThread() as server:
        api = Client(server.base)
        api.call("PUT", "/sinks/ok", {"fail_first": 1, "fail_share": 0.3, "fail_status": 503}, 201)
        api.call("PUT", "/sinks/bad", {"status": 400}, 201)
        ok = {"id": "ok", "url": server.base + "/sink/ok", "retry": "fast"}
        broken = {
            "id": "broken",
            "url": server.base + "/sink/bad",
            "retry": "none",
            "event_types": ["Guest.Created"],
            "deactivate_after": 0,
        }
        api.call("POST", "/targets", ok, 201)
        api.call("POST", "/targets", broken, 201)
        page = open_page(browser, server.base + "/", problems)
        expect(page.locator("#delivery-rows tr.empty")).to_be_visible()
        assert counter(page, "delivered") == 0

        run = api.call("POST", "/runs", RUN, 201)
        rows = page.locator("#delivery-rows tr[data-pk]")
        expect(rows.nth(9)).to_be_visible()  # deliveries arrive in the table
        wait_counter(page, "delivered", "n >= 10")
        runs = page.locator(f"#runs li[data-run='{run['id']}']")
        expect(runs).to_be_visible()
        expect(runs.locator(".run-foot")).to_contain_text("/ 150 events")
        page.screenshot(path=str(tmp_path / "during-run.png"), full_page=True)

        # a delivered one opens with its attempts and its payload
        rows.and_(page.locator("[data-state=delivered]")).first.click()
        panel = page.locator("#panel")
        expect(panel).to_be_visible()
        expect(panel.locator(".panel-head .badge")).to_have_text("delivered")
        expect(panel.locator("table.attempts tbody tr").last).to_contain_text("success")
        expect(panel.locator("pre.json")).to_contain_text('"event_id"')
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()

        # the run ends; the dead are Guest.Created sent to the target answering 400
        expect(runs.locator(".badge")).to_have_text("done", timeout=TIMEOUT)
        dead = settled_dead(api)  # a run is done once generated; deliveries may still be in flight
        assert dead > 1
        wait_counter(page, "dead", f"n === {dead}")
        page.select_option("#filter-state", "dead")
        expect(rows.first).to_have_attribute("data-state", "dead")
        expect(page.locator("#delivery-rows tr[data-pk]:not([data-state=dead])")).to_have_count(0)
        expect(page.locator("#redeliver-dead")).to_have_text(f"Redeliver {dead} dead")

        api.call("PUT", "/sinks/bad", {"status": 200})  # the receiver is fixed
        rows.first.click()
        expect(panel.locator(".panel-head .badge")).to_have_text("dead")
        expect(panel.locator("table.attempts tbody tr")).to_have_count(1)
        panel.locator("[data-action=redeliver]").click()
        expect(panel.locator(".panel-head .badge")).to_have_text("delivered")
        expect(panel.locator("table.attempts tbody tr")).to_have_count(2)
        expect(panel.locator("[data-action=redeliver]")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "redelivered.png"))
        panel.locator("[data-action=close]").click()
        wait_counter(page, "dead", f"n === {dead - 1}")

        page.locator("#redeliver-dead").click()  # the rest, in bulk
        wait_counter(page, "dead", "n === 0")
        expect(page.locator("#delivery-rows tr.empty")).to_be_visible()
        assert counter(page, "delivered") == 150 + dead

        # filters: by event type, then every state again
        page.select_option("#filter-state", "")
        page.select_option("#filter-type", "Guest.Created")
        expect(rows.first).to_be_visible()
        types = page.locator("#delivery-rows td.type")
        expect(types.filter(has_not_text="Guest.Created")).to_have_count(0)
        page.select_option("#filter-type", "")
        expect(types.filter(has_not_text="Guest.Created").first).to_be_visible()

        # an inactive target is shown so, and reactivated from the page
        api.call("PATCH", "/targets/broken", {"active": False})
        target = page.locator("#targets li[data-target=broken]")
        expect(target).to_have_attribute("data-active", "false")
        target.locator("[data-action=reactivate]").click()
        expect(target).to_have_attribute("data-active", "true")
        page.screenshot(path=str(tmp_path / "after-run.png"), full_page=True)
        page.close()
    assert problems == []


def test_narrow_page_and_token(browser: Browser, tmp_path: Path) -> None:
    problems: list[str] = []
    with ServerThread(token="s3cret") as server:
        api = Client(server.base, token="s3cret")
        target = {"id": "t", "url": server.base + "/sink/t", "retry": "fast"}
        api.call("POST", "/targets", target, 201)
        page = open_page(browser, server.base + "/?access_token=s3cret", problems, width=800)
        api.call("POST", "/runs", RUN | {"events": 40}, 201)
        expect(page.locator("#delivery-rows tr[data-pk]").nth(4)).to_be_visible()
        wait_counter(page, "delivered", "n >= 5")
        expect(page.locator("#version")).to_be_hidden()  # narrow: details give way
        page.screenshot(path=str(tmp_path / "narrow.png"), full_page=True)
        page.close()

        bare = browser.new_page()
        bare.set_default_timeout(TIMEOUT)
        bare.goto(server.base + "/")  # the page itself is open; its data is not
        expect(bare.locator("#token-dialog")).to_be_visible()
        bare.fill("#token-input", "s3cret")
        bare.locator("#token-form button").click()
        expect(bare.locator("#conn")).to_have_attribute("data-state", "live")
        assert "access_token=s3cret" in bare.url
        expect(bare.locator("#delivery-rows tr[data-pk]").first).to_be_visible()
        bare.close()
    assert [p for p in problems if "401" not in p] == []


def test_a_page_opened_late_and_reloaded_shows_the_last_minute(
    browser: Browser, tmp_path: Path
) -> None:
    problems: list[str] = []
    with ServerThread() as server:
        api = Client(server.base)
        api.call(
            "PUT", "/sinks/slow", {"fail_first": 1, "fail_share": 0.5, "fail_status": 503}, 201
        )
        target = {"id": "t", "url": server.base + "/sink/slow", "retry": "fast"}
        api.call("POST", "/targets", target, 201)
        run = api.call("POST", "/runs", RUN | {"events": 60, "pace": "asap"}, 201)
        wait_until(  # every delivery settled before the page opens
            lambda: api.call("GET", f"/runs/{run['id']}")["state"] != "running",
            timeout=TIMEOUT / 1000,
            every=0.05,
            what="the run's end",
        )
        assert api.call("GET", f"/runs/{run['id']}")["counts"]["delivered"] == 60

        page = open_page(browser, server.base + "/", problems)
        for moment in ("opened", "reloaded"):
            if moment == "reloaded":
                page.reload()
                expect(page.locator("#conn")).to_have_attribute("data-state", "live")
            # the chart has the run's attempts, read back from the outbox
            page.wait_for_function(
                "() => Number(document.querySelector('#chart').dataset.points) >= 2 "
                "&& Number(document.querySelector('#chart').dataset.peak) > 0"
            )
            # latency percentiles and the rows' latencies are numbers, not dashes
            for point in ("p50", "p90", "p99"):
                expect(page.locator(f"#latency [data-p={point}]")).to_have_text(
                    re.compile(rf"^{point} [0-9.]+ (ms|s)$")
                )
            latencies = page.locator("#delivery-rows td.latency")
            expect(latencies.first).to_have_text(re.compile(r"^[0-9.]+ (ms|s)$"))
            expect(latencies.filter(has_text="\u2013")).to_have_count(0)  # the page's dash
            wait_counter(page, "delivered", "n === 60")
            page.screenshot(path=str(tmp_path / f"{moment}.png"), full_page=True)

        # a delivery's panel shows the request as sent, and copies it as a curl command
        page.locator("#delivery-rows tr[data-pk]").first.click()
        panel = page.locator("#panel")
        expect(panel.locator("pre.request")).to_contain_text("POST " + server.base + "/sink/slow")
        expect(panel.locator("pre.request")).to_contain_text("Content-Type: application/json")
        panel.locator("[data-action=copy-curl]").click()
        curl = panel.locator("pre.curl")
        expect(curl).to_contain_text("--data-binary")
        page.screenshot(path=str(tmp_path / "panel.png"))
        command = curl.inner_text()
        page.close()
        assert command.startswith(f"curl -X POST '{server.base}/sink/slow'")
        # the command sends the same bytes with the same headers
        pk = api.call("GET", "/deliveries?order=desc&limit=1")["items"][0]["id"]  # the top row
        body = requests.get(f"{server.base}/deliveries/{pk}/body", timeout=10).content
        before = api.call("GET", "/sink/slow/received")["total"]
        done = subprocess.run(["sh", "-c", command + " -s -o /dev/null"], timeout=60, check=False)
        assert done.returncode == 0
        after = api.call("GET", "/sink/slow/received?payloads=true")
        assert after["total"] == before + 1
        assert after["items"][-1]["payload"] == json.loads(body)
    assert problems == []
