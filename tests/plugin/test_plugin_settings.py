"""The ``zenoti`` marker and the settings fixtures take effect, and the sink is reset per test.

Each test runs a generated test file in a subprocess with the plugin as installed.
"""

from __future__ import annotations

import pytest
from plugin_support import ini, run

MARKER_TESTS = """
import base64
from collections import defaultdict

import pytest
from mockzenoti.scenarios import load_scenario


def ids(seed, n):
    return [e.event_id for e in load_scenario("class-lifecycle").simulate(seed=seed, events=n)]


@pytest.mark.zenoti(seed=7)
def test_seed_sets_the_stream(zenoti_emitter, zenoti_world):
    run = zenoti_emitter.run_sync("class-lifecycle", events=20)
    assert [e.event_id for e in run.events] == ids(7, 20)
    assert zenoti_world.seed == "7"


def test_the_default_seed_is_the_tests_own(request, zenoti_config, zenoti_emitter):
    from mockzenoti.scenarios.seeds import test_seed

    own = test_seed(request.node.nodeid)
    assert zenoti_config.seed == own == test_seed("test_markers.py::"
                                                  "test_the_default_seed_is_the_tests_own")
    run = zenoti_emitter.run_sync("class-lifecycle", events=20)
    assert [e.event_id for e in run.events] == ids(own, 20) != ids(7, 20) != ids(0, 20)


def test_another_test_has_another_seed(request, zenoti_config):
    from mockzenoti.scenarios.seeds import test_seed

    assert zenoti_config.seed == test_seed(request.node.nodeid) != test_seed(
        "test_markers.py::test_the_default_seed_is_the_tests_own"
    )


@pytest.mark.zenoti(signing="zenoti", secret="s3cret")
def test_zenoti_signatures_verified_by_the_sink(zenoti_emitter, zenoti_sink):
    zenoti_emitter.run_sync("class-lifecycle", events=10)
    calls = zenoti_sink.calls
    assert len(calls) == 10
    assert all(c.signature_ok is True for c in calls)
    assert all(c.headers["zenoti-webhook-signature"].startswith("sha256 =") for c in calls)


SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


@pytest.mark.zenoti(signing="standard", secret=SECRET)
def test_standard_webhooks_signatures(zenoti_emitter, zenoti_sink):
    zenoti_emitter.emit_sync("Guest.Created")
    [call] = zenoti_sink.calls
    assert call.signature_ok is True and call.headers["webhook-signature"].startswith("v1,")


@pytest.mark.zenoti(secret="s3cret")
def test_a_sink_with_a_secret_refuses_other_signatures(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(secrets=("another",))
    run = zenoti_emitter.emit_sync("Guest.Created", check=False)
    assert [(d.state, d.last_status) for d in run.deliveries] == [("dead", 401)]
    assert zenoti_sink.calls[0].signature_ok is False and zenoti_sink.events == []


@pytest.mark.zenoti(retry="none")
def test_retry_none(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_first=1)
    run = zenoti_emitter.emit_sync("Guest.Created", check=False)
    assert run.policy.spec == "none"
    assert [(d.state, d.attempts) for d in run.deliveries] == [("dead", 1)]


@pytest.mark.zenoti(retry="1s,5s,30s", retry_scale=0)
def test_retry_schedule_and_scale(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_first=3)
    run = zenoti_emitter.emit_sync("Guest.Created")
    assert run.policy.schedule == (1.0, 5.0, 30.0) and zenoti_emitter.options.retry_scale == 0
    assert [d.attempts for d in run.deliveries] == [4]


@pytest.mark.zenoti(ordering="per-entity", retry="0s,0s,0s,0s,0s,0s,0s,0s,0s,0s")
def test_per_entity_ordering(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_probability=0.4, seed=3)
    run = zenoti_emitter.run_sync("class-lifecycle", seed=2, check=False)
    assert zenoti_emitter.options.ordering == "per-entity"
    seq = {e.event_id: e.seq for e in run.events}
    keys = {e.event_id: e.keys for e in run.events}
    assert sum(c.status == 500 for c in zenoti_sink.calls) > 20
    last = defaultdict(lambda: -1)
    for event in zenoti_sink.events:
        n = seq[event["event_id"]]
        for key in keys[event["event_id"]]:
            assert n > last[key], f"{key}: event {n} arrived after event {last[key]}"
            last[key] = n
"""

RESET_TESTS = """
def test_first_leaves_a_mess(zenoti_emitter, zenoti_sink):
    zenoti_emitter.run_sync("class-lifecycle", events=5)
    zenoti_sink.configure(fail_first=5, status=202)
    assert zenoti_sink.call_count == 5


def test_second_starts_clean(zenoti_emitter, zenoti_sink):
    assert zenoti_sink.call_count == 0 and zenoti_sink.events == [] and zenoti_sink.last is None
    assert zenoti_sink.settings.fail_first == 0 and zenoti_sink.settings.status == 200
    assert zenoti_emitter.runs == []
    run = zenoti_emitter.emit_sync("Guest.Created")
    assert run.run_id == 1 and run.deliveries[0].attempts == 1


def test_the_server_is_shared(zenoti_sink, zenoti_sink_server):
    assert zenoti_sink.url == zenoti_sink_server.url
"""

OVERRIDE_CONFTEST = """
import pytest
from mockzenoti.testing import ZenotiSettings


@pytest.fixture
def zenoti_settings():
    return ZenotiSettings(secret="suite-secret", ordering="per-entity", seed="suite")
"""

OVERRIDE_TESTS = """
import pytest


def test_the_suite_defaults(zenoti_config, zenoti_emitter, zenoti_sink):
    assert (zenoti_config.secret, zenoti_config.ordering) == ("suite-secret", "per-entity")
    assert zenoti_emitter.target.scheme == "zenoti"
    assert zenoti_sink.settings.secrets == ("suite-secret",)


@pytest.mark.zenoti(seed=5)
class TestMarkersOnTop:
    @pytest.mark.zenoti(ordering="none")
    def test_closest_marker_wins(self, zenoti_config):
        assert zenoti_config.seed == 5 and zenoti_config.ordering == "none"
        assert zenoti_config.secret == "suite-secret"
"""

ERROR_TESTS = """
import pytest


@pytest.mark.zenoti(retyr="zenoti")
def test_misspelt(zenoti_emitter):
    pass


@pytest.mark.zenoti(retry="sometimes")
def test_bad_policy(zenoti_emitter):
    pass


@pytest.mark.zenoti(signing="standard")
def test_signing_without_secret(zenoti_sink):
    pass
"""


def test_marker_settings_take_effect(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(test_markers=MARKER_TESTS)
    run(pytester).assert_outcomes(passed=9)


def test_the_sink_is_reset_between_tests(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(test_reset=RESET_TESTS)
    run(pytester, "-p", "no:randomly").assert_outcomes(passed=3)


def test_suite_settings_and_markers_on_top(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makeconftest(OVERRIDE_CONFTEST)
    pytester.makepyfile(test_override=OVERRIDE_TESTS)
    run(pytester).assert_outcomes(passed=2)


def test_bad_settings_are_named_without_a_traceback(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(test_errors=ERROR_TESTS)
    result = run(pytester)
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "*mockzenoti: @pytest.mark.zenoti: unknown setting 'retyr'; did you mean 'retry'?*",
            "*mockzenoti: retry: unknown retry policy 'sometimes'; use one of zenoti, fast*",
            "*mockzenoti: signing='standard' needs a secret*",
        ],
        consecutive=False,
    )
    result.stdout.no_fnmatch_line("*Traceback*")
