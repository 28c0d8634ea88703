"""Outbound HTTP that never follows a redirect.

urllib follows a 301/302/303 answer to a POST as a GET to the new address, dropping the
body, and reports what that address answers. For a call that moves money or posts a
message, that is a lost call reported as done (an http -> https hop or a moved endpoint is
enough). Here a 3xx is an answer like any other non-2xx: the caller sees its status and
tries again on its own schedule. Used by the billing webhook and every Slack Web API call."""

from __future__ import annotations

import urllib.request
from urllib.request import HTTPSHandler, OpenerDirector, ProxyHandler, Request

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


class WebClientNoRedirects(WebClient):
    """slack_sdk's ``WebClient`` whose HTTP calls refuse redirects (a 3xx reaches the caller
    as a ``SlackApiError`` with that status, which delivery retries)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.proxy is not None and not isinstance(self.proxy, str):
            raise SlackRequestError(f"Invalid proxy detected: {self.proxy} must be a str value")
        self._opener = opener(self.ssl, self.proxy)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict:
        if not url.lower().startswith("http"):
            raise SlackRequestError(f"Invalid URL detected: {url}")
        with self._opener.open(req, timeout=self.timeout) as resp:
            if resp.headers.get_content_type() == "application/gzip":
                return {"status": resp.code, "headers": resp.headers, "body": resp.read()}
            charset = resp.headers.get_content_charset() or "utf-8"
            return {"status": resp.code, "headers": resp.headers, "body": resp.read().decode(charset)}
