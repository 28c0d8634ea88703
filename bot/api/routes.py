"""The ``/api/v1`` routes, each a plain function of (api, environ) returning (status, body[,
headers]); :func:`make_api` is the WSGI app the server mounts. Every error is JSON: an
ApiError from below, a body the schemas refuse (400), and, as a last resort, a 500 that
names nothing of the inside (logged without the request's headers: they hold the key)."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from urllib.parse import parse_qs

from pydantic import BaseModel, ValidationError

from bot.api import schemas
from bot.api.auth import caller
from bot.api.body import read_json
from bot.api.errors import ApiError, respond
from bot.api.field_errors import field_messages
from bot.api.openapi import document
from bot.api.ratelimit import RateLimiter
from bot.usecases import api_requests
from bot.usecases.api_requests import RequestView
from bot.usecases.api_scopes import Scope
from bot.usecases.desk import Desk
from bot.usecases.filing import VIA_API, Filing, FilingErrors, file_requests
from bot.usecases.importing import load_client_rows, load_lead_rows, parse_instant
from policy.lifecycle import API_ACTOR, Status

log = logging.getLogger("credit_bot.api")

PREFIX = "/api/v1"
MAX_IDEMPOTENCY_KEY = 255
_REQUEST_PATH = re.compile(r"/credit-requests/(?:CR-)?(\d{1,12})", re.I)


class Api:
    def __init__(self, desk: Desk):
        self.desk = desk
        s = desk.settings
        self.limiter = RateLimiter(s.api_rate_per_second, s.api_rate_burst)
        self._openapi: bytes | None = None


def _model(model: type[BaseModel], data):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:5]]
        more = exc.error_count() - len(problems)
        raise ApiError(400, "bad_body", "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")) from None


def _rows(environ: dict, key: str, model: type[BaseModel]):
    data = read_json(environ)
    if isinstance(data, dict) and isinstance(data.get(key), list) and len(data[key]) > schemas.MAX_ROWS:
        raise ApiError(413, "too_many_rows", f"{len(data[key]):,} {key} in one call; send at most "
                       f"{schemas.MAX_ROWS:,} a call")
    return getattr(_model(model, data), key)


# --- leads and clients ------------------------------------------------------------------------


def post_leads(api: Api, environ: dict):
    caller(api.desk, api.limiter, environ, Scope.LEADS_WRITE)
    rows = _rows(environ, "leads", schemas.LeadsIn)
    report = load_lead_rows(api.desk.db, schemas.text_rows(rows), calendar=api.desk.calendar)
    return 200, {"accepted": report.loaded,
                 "rejected": [{"index": i, "lead_id": lead_id, "error": why} for i, lead_id, why in report.rejects],
                 "warnings": report.all_warnings()}


def post_clients(api: Api, environ: dict):
    caller(api.desk, api.limiter, environ, Scope.LEADS_WRITE)
    rows = _rows(environ, "clients", schemas.ClientsIn)
    report = load_client_rows(api.desk.db, schemas.text_rows(rows), now=api.desk.now())
    return 200, {"accepted": report.loaded,
                 "rejected": [{"index": i, "client_id": cid, "error": why} for i, cid, why in report.rejects],
                 "warnings": report.all_warnings()}


# --- credit requests --------------------------------------------------------------------------


def post_credit_request(api: Api, environ: dict):
    who = caller(api.desk, api.limiter, environ, Scope.REQUESTS_WRITE)
    key = (environ.get("HTTP_IDEMPOTENCY_KEY") or "").strip()
    if not key:
        raise ApiError(400, "idempotency_key_required", "send an Idempotency-Key header (any unique text, "
                       "e.g. your ticket id): the same key files once and answers the same")
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise ApiError(400, "bad_idempotency_key", f"Idempotency-Key is printable text of at most "
                       f"{MAX_IDEMPOTENCY_KEY} characters")
    kept = api_requests.first_answer(api.desk, who.client_id, key)
    if kept is not None:
        return kept[0], kept[1], [("Idempotent-Replayed", "true")]
    body = _model(schemas.CreditRequestIn, read_json(environ))
    filing = Filing(user_id=API_ACTOR, channel_id="", lead_ids=body.lead_id or "", reason=body.reason or "",
                    details=body.details or "", view_id=api_requests.view_key(who.client_id, key), via=VIA_API,
                    client_id=who.client_id, filed_by=body.filed_by, api_key=who.name)
    try:
        filed = file_requests(api.desk, filing)
    except FilingErrors as exc:
        status, answer = 422, ApiError(422, "invalid", "the request cannot be filed as sent",
                                       fields=field_messages(exc.problems)).body()
    else:
        view = api_requests.one(api.desk, who.client_id, filed.requests[0].id)
        status, answer = 201, _request_json(view)
    return api_requests.keep_answer(api.desk, who.client_id, key, status, answer)


def get_credit_request(api: Api, environ: dict, request_id: int):
    who = caller(api.desk, api.limiter, environ, Scope.REQUESTS_READ)
    view = api_requests.one(api.desk, who.client_id, request_id)
    if view is None:
        raise _no_request()
    return 200, _request_json(view)


def list_credit_requests(api: Api, environ: dict):
    who = caller(api.desk, api.limiter, environ, Scope.REQUESTS_READ)
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING") or "", keep_blank_values=True).items()}
    status = None
    if query.get("status"):
        try:
            status = Status(query["status"].strip())
        except ValueError:
            raise ApiError(400, "bad_query", f"status must be one of {', '.join(s.value for s in Status)}") from None
    since = None
    if query.get("since"):
        try:
            since = parse_instant(query["since"].strip(), api.desk.calendar)
        except ValueError:
            raise ApiError(400, "bad_query", "since is not a time; use ISO 8601 like 2026-12-07T09:00:00Z") from None
    limit = api_requests.PAGE
    if query.get("limit"):
        raw = query["limit"].strip()
        if not raw.isdigit() or not 1 <= int(raw) <= api_requests.MAX_PAGE:
            raise ApiError(400, "bad_query", f"limit is a number from 1 to {api_requests.MAX_PAGE}")
        limit = int(raw)
    after = _cursor(query.get("cursor", "").strip())
    views, last = api_requests.page(api.desk, who.client_id, status=status, since=since, after=after, limit=limit)
    return 200, {"data": [_request_json(v) for v in views],
                 "next_cursor": _make_cursor(last) if last is not None else None}


def _cursor(raw: str) -> int:
    if not raw:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        after = data["after"]
        if isinstance(after, int) and not isinstance(after, bool) and after >= 0:
            return after
    except (binascii.Error, ValueError, TypeError, KeyError, RecursionError):
        pass
    raise ApiError(400, "bad_cursor", "cursor is not one this API gave out; start again without it")


def _make_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def _no_request() -> ApiError:
    return ApiError(404, "not_found", "no such credit request")


def _request_json(view: RequestView) -> dict:
    out = schemas.CreditRequestOut(
        id=f"CR-{view.id}", lead_id=view.lead_id, reason=view.reason, status=view.status,
        status_label=view.status_label, verdict=view.verdict, findings=view.findings, filed_at=view.filed_at,
        decided_at=view.decided_at, timeline=[schemas.Step(at=s.at, action=s.action, by=s.by) for s in view.timeline],
        credit=schemas.Credit(amount=view.credit[0], entry_id=view.credit[1]) if view.credit else None)
    return out.model_dump(mode="json")


def openapi(api: Api, environ: dict):
    return 200, document()


# --- the WSGI app -----------------------------------------------------------------------------

ROUTES = {
    ("POST", "/leads"): post_leads,
    ("POST", "/clients"): post_clients,
    ("POST", "/credit-requests"): post_credit_request,
    ("GET", "/credit-requests"): list_credit_requests,
    ("GET", "/openapi.json"): openapi,
}


def _dispatch(api: Api, environ: dict):
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = (environ.get("PATH_INFO") or "")[len(PREFIX):].rstrip("/") or "/"
    route = ROUTES.get((method, path))
    if route is not None:
        return route(api, environ)
    match = _REQUEST_PATH.fullmatch(path)
    if match and method == "GET":
        return get_credit_request(api, environ, int(match.group(1)))
    allowed = sorted({m for m, p in ROUTES if p == path} | ({"GET"} if match else set()))
    if allowed:
        raise ApiError(405, "method_not_allowed", f"use {' or '.join(allowed)}",
                       headers=[("Allow", ", ".join(allowed))])
    raise ApiError(404, "not_found", f"no such endpoint: {method} {PREFIX}{path}")


def make_api(desk: Desk):
    """The WSGI app for every path under PREFIX."""
    api = Api(desk)

    def app(environ, start_response):
        try:
            answer = _dispatch(api, environ)
        except ApiError as exc:
            return respond(start_response, exc.status, exc.body(), exc.headers)
        except Exception:  # noqa: BLE001 - a bug must not answer with a traceback
            log.exception("api: %s %s failed", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            return respond(start_response, 500, {"error": {"code": "internal", "message": "something went wrong "
                                                           "on our side; try again"}})
        status, body, *headers = answer
        return respond(start_response, status, body, headers[0] if headers else None)

    return app

