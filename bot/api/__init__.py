"""The HTTP API (``/api/v1``): the lead system pushes leads and clients, clients' own systems
file credit requests and read them back. Plain WSGI callables, mounted by the server.

Sits beside the Slack handlers: may import ``bot.usecases``, ``storage`` and ``policy``;
never ``bot.slack``, ``handlers`` or ``bot.entrypoints``. Requests are validated by the
pydantic models in :mod:`bot.api.schemas`, which also make the OpenAPI document."""
