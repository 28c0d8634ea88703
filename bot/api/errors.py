"""Every API answer that is not a success: ``{"error": {"code", "message"[, "fields"]}}``
with a 4xx status. Raised as ApiError anywhere below a route; the router turns it into JSON."""

from __future__ import annotations

import json

STATUS_TEXT = {
    200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 411: "Length Required", 413: "Content Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Content", 429: "Too Many Requests", 503: "Service Unavailable",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, fields: dict[str, str] | None = None,
                 headers: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields
        self.headers = headers or []

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error}


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "send a valid API key: Authorization: Bearer cb_live_...",
                    headers=[("WWW-Authenticate", 'Bearer realm="credit-bot"')])


def respond(start_response, status: int, body: dict, headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    start_response(f"{status} {STATUS_TEXT.get(status, '')}".strip(),
                   [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                    ("Cache-Control", "no-store"), *(headers or [])])
    return [data]
