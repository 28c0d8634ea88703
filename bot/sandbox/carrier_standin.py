"""A local stand-in for Twilio Lookup v2, for tests and the sandbox.

``GET /v2/PhoneNumbers/{E164}?Fields=...`` answers in v2's shape from a table of numbers
(``numbers``: E.164 -> line status, caller type, identity), with basic auth checked against
the configured SID and token. It fails on demand (``fail``): ``garbage`` (not JSON),
``401``, ``429`` (with ``Retry-After``), ``500``, ``hang`` (never answers in time) and
``redirect`` (a 302 elsewhere). Every call is kept in ``calls`` for the tests."""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

SID, TOKEN = "ACstandin0000000000000000000000000", "standin-token"

# The sandbox's table: a dead number, a live one, a business, someone else's number.
DEFAULT_NUMBERS = {
    "+12015550188": {"line_status": "inactive", "type": "mobile"},
    "+12125550123": {"line_status": "active", "type": "mobile", "caller_name": "PAT LEE", "caller_type": "CONSUMER",
                     "first_name_match": "exact_match", "last_name_match": "exact_match"},
    "+13125550147": {"line_status": "active", "type": "landline", "caller_name": "ACME LEADS LLC",
                     "caller_type": "BUSINESS"},
    "+13475550166": {"line_status": "active", "type": "nonFixedVoip", "caller_name": "SEO LEADS INC",
                     "caller_type": "BUSINESS"},
    "+17185550111": {"line_status": "active", "type": "mobile", "caller_name": "SAM ORTIZ", "caller_type": "CONSUMER",
                     "first_name_match": "no_match", "last_name_match": "no_match"},
}


def document(e164: str, fields: list[str], entry: dict | None) -> dict:
    """A Lookup v2 answer for one number and the fields asked."""
    doc: dict = {"calling_country_code": "1", "country_code": "US", "phone_number": e164,
                 "national_format": e164, "valid": entry is not None or e164.startswith("+1"),
                 "validation_errors": [], "url": f"https://lookups.twilio.com/v2/PhoneNumbers/{e164}"}
    entry = entry or {}
    for name in ("caller_name", "sim_swap", "call_forwarding", "line_status", "line_type_intelligence",
                 "identity_match", "reassigned_number", "sms_pumping_risk", "phone_number_quality_score",
                 "pre_fill"):
        doc[name] = None
    if "line_status" in fields:
        doc["line_status"] = {"status": entry.get("line_status", "unknown"), "error_code": None}
    if "line_type_intelligence" in fields:
        doc["line_type_intelligence"] = {"type": entry.get("type"), "carrier_name": "Stand-in Wireless",
                                         "mobile_country_code": "310", "mobile_network_code": "150",
                                         "error_code": None}
    if "caller_name" in fields:
        doc["caller_name"] = {"caller_name": entry.get("caller_name"), "caller_type": entry.get("caller_type"),
                              "error_code": None}
    if "identity_match" in fields:
        doc["identity_match"] = {"first_name_match": entry.get("first_name_match"),
                                 "last_name_match": entry.get("last_name_match"),
                                 "address_lines_match": None, "city_match": None, "state_match": None,
                                 "postal_code_match": None, "summary_score": 0, "error_code": None}
    return doc


class CarrierStandin:
    """Run it with ``start()``; ``url`` is what PHONE_LOOKUP_URL should be."""

    def __init__(self, numbers: dict | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 sid: str = SID, token: str = TOKEN, hang_seconds: float = 30.0):
        self.numbers = dict(DEFAULT_NUMBERS if numbers is None else numbers)
        self.fail: str | None = None  # garbage | 401 | 429 | 500 | hang | redirect
        self.calls: list[dict] = []
        self.hang_seconds = hang_seconds
        self._auth = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="carrier-standin", daemon=True)  # stop() returns at once

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> CarrierStandin:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: bytes, ctype="application/json", headers=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - the http.server name
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                fields = [f for f in ",".join(query.get("Fields", [])).split(",") if f]
                prefix = "/v2/PhoneNumbers/"
                e164 = unquote(parts.path[len(prefix):]) if parts.path.startswith(prefix) else ""
                with standin._lock:
                    standin.calls.append({"e164": e164, "fields": fields, "query": query,
                                          "auth_ok": self.headers.get("Authorization") == standin._auth})
                    fail = standin.fail
                if fail == "hang":
                    time.sleep(standin.hang_seconds)
                    return
                if fail == "garbage":
                    return self._send(200, b"<html>not json", "text/html")
                if fail == "redirect":
                    return self._send(302, b"", headers={"Location": "http://127.0.0.1:9/elsewhere"})
                if fail in ("429", "500"):
                    return self._send(int(fail), json.dumps({"code": 20429 if fail == "429" else 20500,
                                                             "message": "stand-in failure"}).encode(),
                                      headers={"Retry-After": "0"} if fail == "429" else None)
                if fail == "401" or self.headers.get("Authorization") != standin._auth:
                    return self._send(401, json.dumps({"code": 20003, "message": "Authenticate",
                                                       "status": 401}).encode())
                if not e164:
                    return self._send(404, json.dumps({"code": 20404, "status": 404}).encode())
                self._send(200, json.dumps(document(e164, fields, standin.numbers.get(e164))).encode())

        return Handler


def main() -> None:  # python -m bot.sandbox.carrier_standin [PORT]
    import sys

    standin = CarrierStandin(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8788).start()
    print(f"carrier stand-in on {standin.url} (SID {SID})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
