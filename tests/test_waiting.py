"""``mockzenoti.testing.waiting``: the one wait-for-condition helper, blocking and async."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from mockzenoti.testing import WaitTimeout
from mockzenoti.testing.waiting import eventually, wait_until


def test_wait_until_returns_the_first_true_value() -> None:
    calls = itertools.count()
    assert wait_until(lambda: next(calls) >= 3 and "ready", every=0) == "ready"


def test_wait_until_gives_up_naming_what_and_the_last_value() -> None:
    with pytest.raises(WaitTimeout, match=r"after 0.05s waiting for the sink \(last seen: 0\)"):
        wait_until(lambda: 0, timeout=0.05, what="the sink")


@pytest.mark.asyncio
async def test_eventually_lets_the_loop_run_and_takes_coroutine_conditions() -> None:
    flag = asyncio.Event()
    asyncio.get_running_loop().call_later(0.01, flag.set)

    async def is_set() -> bool:
        return flag.is_set()

    assert await eventually(is_set, timeout=5) is True
    with pytest.raises(WaitTimeout, match="a thing that never comes"):
        await eventually(lambda: None, timeout=0.02, what="a thing that never comes")
