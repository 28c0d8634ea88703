"""Reading a request body as JSON without trusting it: the size is checked before reading
(``Content-Length`` over the limit is refused unread; without one, at most the limit plus
one byte is read), then UTF-8, then JSON (the parser's own recursion guard bounds nesting; the schemas allow only the
shallow shapes of the contract). Every failure is a 4xx
ApiError, never an exception of the parser."""

from __future__ import annotations

import json

from bot.api.errors import ApiError

MAX_BODY = 5 * 1024 * 1024  # 5 MB


def _too_large() -> ApiError:
    return ApiError(413, "too_large", f"the body is over {MAX_BODY:,} bytes")


def read_body(environ: dict, limit: int = MAX_BODY) -> bytes:
    raw = (environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ["wsgi.input"]
    if raw:
        if not raw.isdigit():
            raise ApiError(400, "bad_request", "Content-Length is not a number")
        size = int(raw)
        if size > limit:
            raise _too_large()
        data = stream.read(size) if size else b""
    else:
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise _too_large()
    return data


def read_json(environ: dict):
    """The body as parsed JSON (any type; the schemas check the shape)."""
    data = read_body(environ)
    if not data.strip():
        raise ApiError(400, "bad_json", "the body is empty; send a JSON object")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "bad_json", "the body is not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ApiError(400, "bad_json", f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, "
                       f"column {exc.colno})") from None
    except RecursionError:  # the parser guards its own recursion: nesting too deep to read
        raise ApiError(400, "too_deep", "the JSON is nested too deeply") from None
    except ValueError:
        raise ApiError(400, "bad_json", "the body is not valid JSON") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")
