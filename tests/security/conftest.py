"""Shared by the security tests: each test logs in from an address of its own, so throttle counters
(kept in the cache, which with Redis is shared by every test process) never leak between tests."""
import itertools
import os

import pytest
from rest_framework.test import APIClient

PASSWORD = "pw-12345678"  # tests.factories.UserFactory
_addresses = (f"10.{os.getpid() % 250}.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture
def address():
    return next(_addresses)


@pytest.fixture
def api():
    return APIClient()
