"""Outbound HTTP that never follows a redirect.

urllib follows a 301/302/303 answer to a POST as a GET to the new address, dropping the
body, and reports what that address answers. For a call that moves money or posts a
message, that is a lost call reported as done (an http -> https hop or a moved endpoint is
enough). Here a 3xx is an answer like any other non-2xx: the caller sees its status and
tries again on its own schedule. Used by the billing webhook and every Slack Web API call.

The Slack client keeps its connections alive: slack_sdk's own transport opens a new (TLS)
connection for every call; this one sends them through a urllib3 pool (redirects off,
retries off), so a delivery worker pays the handshake once per connection, not per call."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.request import HTTPSHandler, OpenerDirector, ProxyHandler, Request

import urllib3
from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError carrying the 3xx status


def opener(ssl_context=None, proxy: str | None = None) -> OpenerDirector:
    handlers: list = [RefuseRedirects, HTTPSHandler(context=ssl_context)]
    if proxy:
        handlers.insert(0, ProxyHandler({"http": proxy, "https": proxy}))
    return urllib.request.build_opener(*handlers)


def is_redirect(status: int) -> bool:
    return 300 <= status < 400


POOL_SIZE = 16  # kept-alive connections per Slack host (one per delivery thread is plenty)


def _pool(ssl_context, proxy: str | None) -> urllib3.PoolManager:
    options = {"maxsize": POOL_SIZE, "block": False, "retries": False, "ssl_context": ssl_context}
    if proxy:
        return urllib3.ProxyManager(proxy, **options)
    return urllib3.PoolManager(**options)


def _headers(resp: urllib3.BaseHTTPResponse) -> dict:
    headers = dict(resp.headers.items())
    lower = {k.lower(): v for k, v in headers.items()}
    if "retry-after" in lower:  # slack_sdk and our pacing read either spelling
        headers.setdefault("Retry-After", lower["retry-after"])
        headers.setdefault("retry-after", lower["retry-after"])
    return headers


class WebClientNoRedirects(WebClient):
    """slack_sdk's ``WebClient`` whose HTTP calls refuse redirects (a 3xx reaches the caller
    as a ``SlackApiError`` with that status, which delivery retries), over kept-alive
    connections. Network failures surface as urllib's (``URLError``, ``TimeoutError``), as
    they did through slack_sdk's transport."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.proxy is not None and not isinstance(self.proxy, str):
            raise SlackRequestError(f"Invalid proxy detected: {self.proxy} must be a str value")
        self._http = _pool(self.ssl, self.proxy)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict:
        if not url.lower().startswith("http"):
            raise SlackRequestError(f"Invalid URL detected: {url}")
        try:
            resp = self._http.request(req.get_method(), url, body=req.data, headers={k: str(v) for k, v in req.header_items()},
                                      redirect=False, retries=False, timeout=self.timeout, preload_content=True)
        except urllib3.exceptions.TimeoutError as exc:
            raise TimeoutError(str(exc)) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise urllib.error.URLError(exc) from exc
        body = resp.data
        content_type = resp.headers.get("Content-Type", "")
        if content_type.split(";", 1)[0].strip().lower() != "application/gzip":
            charset = "utf-8"
            for part in content_type.split(";")[1:]:
                name, _, value = part.strip().partition("=")
                if name.lower() == "charset" and value:
                    charset = value.strip('"')
            body = body.decode(charset)
        return {"status": resp.status, "headers": _headers(resp), "body": body}
