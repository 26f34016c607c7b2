"""Audit rows record the client's address: REMOTE_ADDR, or what our own proxies forwarded."""

import pytest

from bigpicture.http import client_address


@pytest.mark.parametrize(("proxies", "meta", "expected"), [
    (0, {"REMOTE_ADDR": "192.0.2.7"}, "192.0.2.7"),
    (0, {"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}, "192.0.2.7"),  # not trusted
    (1, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.1, 198.51.100.23"}, "198.51.100.23"),
    (2, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "spoofed, 198.51.100.23, 10.0.0.2"},
     "198.51.100.23"),
    (1, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "not an address"}, None),
    (1, {"REMOTE_ADDR": "2001:db8::1"}, "2001:db8::1"),  # no header: the proxy was bypassed
])
def test_client_address(rf, settings, proxies, meta, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_address(rf.get("/", **meta)) == expected
