"""Reading a request body into a schema without trusting it: the size is checked before
reading (``Content-Length`` over the limit is refused unread; without one, at most the limit
plus one byte is read), then pydantic parses the JSON and validates it in one pass (its
parser bounds nesting). Every failure is a 4xx ApiError naming where, never an exception."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from bot.api.errors import ApiError

MAX_BODY = 5 * 1024 * 1024  # 5 MB
_BOM = b"\xef\xbb\xbf"


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


def read_model(environ: dict, model: type[BaseModel], *, rows: str | None = None, max_rows: int = 0):
    """The body validated as ``model``. With ``rows``: that list field holds at most
    ``max_rows`` items, else 413."""
    data = read_body(environ).removeprefix(_BOM)
    if not data.strip():
        raise ApiError(400, "bad_json", "the body is empty; send a JSON object")
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        raise _refusal(exc, rows, max_rows) from None


def _refusal(exc: ValidationError, rows: str | None, max_rows: int) -> ApiError:
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        why = str((first.get("ctx") or {}).get("error") or first["msg"])
        code = "too_deep" if "recursion" in why.lower() else "bad_json"
        return ApiError(400, code, f"the body is not valid JSON: {why}")
    for e in errors:
        if rows and e["type"] == "too_long" and tuple(e["loc"]) == (rows,):
            count = (e.get("ctx") or {}).get("actual_length")
            return ApiError(413, "too_many_rows", f"{count or 'too many'} {rows} in one call; send at most "
                            f"{max_rows:,} a call")
    problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in errors[:5]]
    more = len(errors) - len(problems)
    return ApiError(400, "bad_body", "; ".join(problems) + (f" (and {more} more)" if more > 0 else ""))
