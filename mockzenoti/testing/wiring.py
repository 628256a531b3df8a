"""From a test's settings to the delivery layer: the target and the engine's options.

``build_target`` gives the test's one ``Target`` (URL, signing, retry policy,
extra ``target`` settings) and reports problems under the setting's name;
``build_options`` the ``DeliveryOptions``, with the retry scale chosen so a
test never waits for real backoff (``auto_retry_scale``).
"""

from __future__ import annotations

from mockzenoti.delivery.chaos import Chaos
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.policy import RetryPolicy
from mockzenoti.delivery.targets import Target
from mockzenoti.errors import ConfigError
from mockzenoti.testing.settings import AUTO_SCALE_LONGEST, ZenotiSettings

__all__ = ["auto_retry_scale", "build_options", "build_target"]


def auto_retry_scale(policy: RetryPolicy) -> float:
    """1.0 for ``fast`` and ``none``; else the scale that makes the longest wait 50 ms."""
    longest = max(policy.schedule, default=0.0) if policy.schedule is not None else policy.wait_max
    if longest <= AUTO_SCALE_LONGEST:
        return 1.0
    return AUTO_SCALE_LONGEST / longest


def build_target(settings: ZenotiSettings, url: str) -> Target:
    """The target a test's events go to: its URL, signing, retry policy and extra settings.

    A problem is reported under the setting's name (``retry``, ``secret``, ``target.*``).
    """
    signed = settings.scheme != "none" and settings.secret is not None
    try:
        return Target(
            url,
            name="zenoti-test",
            secrets=(settings.secret,) if signed and settings.secret else (),
            signature=settings.scheme if signed else None,  # type: ignore[arg-type]
            timeout=settings.timeout,
            policy=settings.retry,  # type: ignore[arg-type]
            ca_cert=settings.ca_cert,
            insecure=settings.insecure,
            **dict(settings.target),
        )
    except TypeError as exc:  # an unknown target setting
        raise ConfigError(f"target: {exc}", field="target") from None
    except ConfigError as exc:
        name = {
            "policy": "retry",
            "secrets": "secret",
            "signature": "signing",
            "ca_cert": "ca_cert",
            "insecure": "insecure",
        }.get(exc.field or "", f"target.{exc.field}")
        raise ConfigError(f"{name}: {exc.message}", field=name) from None


def build_options(settings: ZenotiSettings, policy: RetryPolicy) -> DeliveryOptions:
    """The engine options of a test: concurrency, retry scale, ordering, chaos, seed."""
    chaos = Chaos(**settings.chaos) if settings.chaos else Chaos()  # type: ignore[arg-type]
    scale = auto_retry_scale(policy) if settings.retry_scale is None else settings.retry_scale
    return DeliveryOptions(
        concurrency=settings.concurrency,
        retry_scale=scale,
        scale_retry_after=settings.scale_retry_after,
        ordering=settings.ordering,  # type: ignore[arg-type]
        chaos=chaos,
        seed=settings.seed_number,
        shutdown_grace=0.5,
    )
