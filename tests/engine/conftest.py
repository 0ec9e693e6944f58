"""Engine tests need no Django: they run with `-p no:django` too.

`_home` below replaces the autouse fixture of tests/conftest.py (which needs pytest-django's
`settings`) for the tests of this folder only.
"""

from __future__ import annotations

import pytest

from tests.engine.data import Backends


@pytest.fixture(autouse=True)
def _home():
    yield


@pytest.fixture(scope="session")
def backends(tmp_path_factory) -> Backends:
    return Backends(tmp_path_factory.mktemp("backends"))
