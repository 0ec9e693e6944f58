"""The `/api/v1/` application: token authentication, problem-details errors, the OpenAPI document.

Every endpoint requires a personal token (`Authorization: Bearer tpt_...`) except the schema, the docs and
the public region list. The token's user is the request's user: role, scope and masking are theirs.
"""

from __future__ import annotations

import orjson
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer

from tepat.api import coordination, measures, programs, registry, visits
from tepat.api.problems import PROBLEM_TYPE, PROBLEMS, Problem, problem_response
from tepat.api.tokens import RateLimited, count_request, find
from tepat.engine.bilingual import Message


def _plain(value):
    """What orjson does not write itself: Decimal (money, as a string, exact, as Django's encoder does)
    and lazy translations."""
    return str(value)


class FastJson(BaseRenderer):
    """orjson instead of the standard library's encoder: a 1,000-family page is written 5x faster."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=_plain, option=orjson.OPT_NON_STR_KEYS)  # TextChoices keys


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; sets request.user to the token's user. Rate-limited per token."""

    def authenticate(self, request, token: str):
        found = find(token)
        if found is None:
            return None
        count_request(found)
        request.user, request.api_token = found.user, found
        return found.user


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code", "message_id", "message_en"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "enum": sorted(PROBLEMS)},
        "message_id": {"type": "string"},
        "message_en": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message_id", "message_en"],
                "properties": {
                    "row": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message_id": {"type": "string"},
                    "message_en": {"type": "string"},
                },
            },
        },
    },
}
# status -> a code answered with it (its description); every operation documents all of them.
ERROR_STATUSES = {
    "400": "bad_cursor",
    "401": "unauthorized",
    "404": "not_found",
    "409": "disclosure_refused",
    "413": "too_many_rows",
    "422": "invalid_request",
    "429": "rate_limited",
}


class TepatApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Ninja's document, plus the problem answers every operation may give (application/problem+json)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, code in ERROR_STATUSES.items():
                    responses[status] = {"description": PROBLEMS[code][1].en, "content": problem}
        return schema


api = TepatApi(
    title="Tepat API",
    version="1",
    description="Registri keluarga, sasaran program, realisasi, verivali dan rakor TKPKD. See docs/api.md.",
    auth=TokenAuth(),
    docs_url=None,  # served by tepat.api.views.docs: our page under the strict CSP
    urls_namespace="api-v1",
    renderer=FastJson(),
)
api.add_router("", registry.router)
api.add_router("", programs.router)
api.add_router("", coordination.router)
api.add_router("", measures.router)
api.add_router("", visits.router)


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem_response(exc)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return problem_response(Problem("unauthorized", headers={"WWW-Authenticate": 'Bearer realm="tepat"'}))


@api.exception_handler(RateLimited)
def _limited(request, exc: RateLimited):
    return problem_response(
        Problem("rate_limited", seconds=exc.retry_after, headers={"Retry-After": str(exc.retry_after)})
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(Problem("not_found"))


INVALID = Message("Nilai tidak valid: {detail}", "Invalid value: {detail}")


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        where = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "body", "payload")]
        rows = [p for p in error.get("loc", ()) if isinstance(p, int)]
        message = INVALID.format(detail=error.get("msg", ""))
        errors.append(
            {
                "row": rows[0] if rows else None,
                "field": ".".join(where),
                "code": error.get("type", "invalid"),
                "message_id": message.id,
                "message_en": message.en,
            }
        )
    return problem_response(Problem("invalid_request", errors=errors))
