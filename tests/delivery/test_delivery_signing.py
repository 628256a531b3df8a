"""Signatures: Zenoti's observed header and Standard Webhooks (checked with its own library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time

import pytest
from multidict import CIMultiDict
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from mockzenoti.delivery.signing import Signer, standard_key, verify, zenoti_signature
from mockzenoti.errors import ConfigError

BODY = b'{"id":"6239c378a961750e01dda09c","event_type":"Guest.Created","data":{"x":1}}'
ZENOTI_FORMAT = re.compile(r"^sha256 =([0-9A-F]{2}-){31}[0-9A-F]{2}$")
SECRET_A = "whsec_" + base64.b64encode(b"first secret key for tests!!").decode()
SECRET_B = base64.b64encode(b"the rotated-in second secret").decode()


def test_zenoti_signature_is_dotnet_bitconverter_hex_with_space_before_equals() -> None:
    value = zenoti_signature(b"s3cret", BODY)
    assert ZENOTI_FORMAT.match(value)
    digest = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest().upper()
    pairs = "-".join(digest[i : i + 2] for i in range(0, len(digest), 2))
    assert value == "sha256 =" + pairs


def test_zenoti_signer_signs_exact_bytes_with_one_header() -> None:
    headers = Signer("zenoti", ["s3cret"]).headers(BODY, "ignored", 0)
    assert headers == {"zenoti-webhook-signature": zenoti_signature(b"s3cret", BODY)}
    assert verify("zenoti", ["s3cret"], BODY, CIMultiDict(headers), now=0)
    assert not verify("zenoti", ["s3cret"], BODY + b" ", CIMultiDict(headers), now=0)
    assert not verify("zenoti", ["other"], BODY, CIMultiDict(headers), now=0)


def test_standard_signature_verifies_with_the_standardwebhooks_library() -> None:
    now = time.time()
    headers = dict(Signer("standard", [SECRET_A]).headers(BODY, "msg_1", now))
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(int(now))
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(SECRET_A).verify(BODY, headers)["event_type"] == "Guest.Created"


def test_rotation_sends_one_signature_per_secret_and_each_verifies() -> None:
    now = time.time()
    headers = dict(Signer("standard", [SECRET_A, SECRET_B]).headers(BODY, "msg_2", now))
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(SECRET_A).verify(BODY, headers)
    Webhook(SECRET_B).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(base64.b64encode(b"a third, unrelated key").decode()).verify(BODY, headers)


def test_standard_verify_refuses_tampering_and_stale_timestamps() -> None:
    now = time.time()
    headers = CIMultiDict(Signer("standard", [SECRET_A]).headers(BODY, "msg_3", now))
    assert verify("standard", [SECRET_B, SECRET_A], BODY, headers, now=now)
    assert not verify("standard", [SECRET_A], BODY.replace(b"1", b"2"), headers, now=now)
    assert not verify("standard", [SECRET_A], BODY, headers, now=now + 3600)
    headers["webhook-id"] = "msg_other"
    assert not verify("standard", [SECRET_A], BODY, headers, now=now)


def test_none_scheme_adds_no_header() -> None:
    assert Signer("none", []).headers(BODY, "x", 0) == {}


def test_bad_signing_settings_name_the_field() -> None:
    with pytest.raises(ConfigError) as info:
        Signer("zenoti", [])
    assert info.value.field == "secrets"
    with pytest.raises(ConfigError) as info:
        Signer("hmac-md5", ["x"])  # type: ignore[arg-type]
    assert info.value.field == "signature"
    with pytest.raises(ConfigError) as info:
        standard_key("not base64 at all!")
    assert info.value.field == "secrets"
