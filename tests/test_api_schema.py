"""Schemathesis against the live OpenAPI schema, in-process through the WSGI application (the test database):
each operation, a few generated requests, each answered for every role's token. No 5xx; every answer
conforms to the schema (status documented, content type, body). Bounded: 5 examples per operation, one
shared data set (one test, so the world is built once)."""

from __future__ import annotations

from contextlib import contextmanager

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_support import world  # noqa: F401

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)


@contextmanager
def connection_kept():
    """As django.test.Client does: a request must not close the test's database connection (its transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_role_gets_answers_that_conform_to_the_schema(world, settings):
    settings.TEPAT_API_RATE_PER_MINUTE = 100000
    answered = []
    with connection_kept():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 19
        _run(operations, world["tokens"], answered)
    assert len(answered) >= len(operations) * len(world["tokens"]) and 200 in answered and 404 in answered


def _run(operations, tokens: dict, answered: list) -> None:
    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def answers_conform(case):
            for token in tokens.values():
                response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
                answered.append(response.status_code)

        answers_conform()
