"""Hooks of the Locust swarm that need no swarm (each in a process of its own: gevent)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

MASTER_READS_A_REPORT_SENT_MID_INIT = textwrap.dedent(
    """
    from locust.env import Environment
    from locust.event import Events

    from mockzenoti.locust.hooks import _complete_worker_reports

    env = Environment(events=Events())
    seen = []
    # Locust's master listener, registered when its runner is made: it reads the key
    env.events.worker_report.add_listener(
        lambda client_id, data: seen.append(data["user_classes_count"])
    )
    _complete_worker_reports(env)
    env.events.worker_report.fire(client_id="w1", data={})  # a worker quit mid-init
    env.events.worker_report.fire(client_id="w2", data={"user_classes_count": {"U": 2}})
    print(seen)
    """
)


def test_a_report_sent_before_the_worker_runner_was_complete_reads_as_no_users() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MASTER_READS_A_REPORT_SENT_MID_INIT],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Uncaught exception" not in done.stderr
    assert done.stdout.strip() == "[{}, {'U': 2}]"
