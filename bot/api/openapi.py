"""The OpenAPI 3.1 document of ``/api/v1``: the schemas are pydantic's, from the very models
that validate the bodies (:mod:`bot.api.schemas`); this module only says which path takes
and answers which."""

from __future__ import annotations

from functools import lru_cache

from pydantic.json_schema import models_json_schema

from bot.api import schemas
from bot.usecases.api_scopes import Scope
from policy.lifecycle import Status

REF = "#/components/schemas/{model}"
MODELS = (schemas.LeadsIn, schemas.ClientsIn, schemas.CreditRequestIn, schemas.LeadsAnswer, schemas.ClientsAnswer,
          schemas.CreditRequestOut, schemas.CreditRequestList, schemas.ErrorOut)
ERRORS = {
    "400": "broken JSON, wrong types, a missing Idempotency-Key or a bad query",
    "401": "missing, unknown or revoked key",
    "403": "the key lacks the scope",
    "413": "body over 5 MB, or over 1,000 rows",
    "429": "rate limited: see Retry-After",
}


def _ref(model) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _operation(summary: str, scope: Scope, answers: dict, *, body=None, params=(), extra_errors=()) -> dict:
    responses = dict(answers)
    for code, why in {**ERRORS, **dict(extra_errors)}.items():
        responses[code] = _json(schemas.ErrorOut, why)
    op = {"summary": summary, "security": [{"bearer": [str(scope)]}], "responses": responses,
          "description": f"Scope: `{scope}`."}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    if params:
        op["parameters"] = list(params)
    return op


def _param(name: str, where: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


@lru_cache(maxsize=1)
def document() -> dict:
    _, defs = models_json_schema([(m, "validation" if m.__name__.endswith("In") else "serialization")
                                  for m in MODELS], ref_template=REF)
    filing = _operation(
        "File a credit request, exactly as the Slack form does", Scope.REQUESTS_WRITE,
        {"201": _json(schemas.CreditRequestOut, "filed (or, for a key used before, the first answer)")},
        body=schemas.CreditRequestIn,
        params=[_param("Idempotency-Key", "header", "required: the same key answers the same and files once",
                       {"type": "string", "maxLength": 255}, required=True)],
        extra_errors=(("422", "field errors, as the form shows them (another client's lead: as unknown)"),))
    listing = _operation(
        "The key's client's credit requests, oldest first", Scope.REQUESTS_READ,
        {"200": _json(schemas.CreditRequestList, "a page; follow next_cursor")},
        params=[_param("status", "query", "only requests in this status", {"enum": [s.value for s in Status]}),
                _param("since", "query", "only requests filed or changed at or after this time (ISO 8601)",
                       {"type": "string", "format": "date-time"}),
                _param("cursor", "query", "next_cursor of the previous page", {"type": "string"}),
                _param("limit", "query", "requests per page (default 50)",
                       {"type": "integer", "minimum": 1, "maximum": 100})])
    one = _operation("One credit request of the key's client", Scope.REQUESTS_READ,
                     {"200": _json(schemas.CreditRequestOut, "the request")},
                     params=[_param("id", "path", "CR-12 or 12", {"type": "string"}, required=True)],
                     extra_errors=(("404", "no such request for this client"),))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lead credit bot API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": defs.get("$defs", {}),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "a key from credit-bot api-keys create"}}},
        "paths": {
            "/leads": {"post": _operation("Upsert delivered leads (up to 1,000)", Scope.LEADS_WRITE,
                                          {"200": _json(schemas.LeadsAnswer, "good rows loaded, bad ones listed")},
                                          body=schemas.LeadsIn)},
            "/clients": {"post": _operation("Upsert clients (up to 1,000)", Scope.LEADS_WRITE,
                                            {"200": _json(schemas.ClientsAnswer, "good rows loaded, bad ones listed")},
                                            body=schemas.ClientsIn)},
            "/credit-requests": {"post": filing, "get": listing},
            "/credit-requests/{id}": {"get": one},
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
    }
