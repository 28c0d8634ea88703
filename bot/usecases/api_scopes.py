"""The scopes an HTTP API key may hold (light: the command line's parser reads them)."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    LEADS_WRITE = "leads:write"  # the lead system: leads and clients
    REQUESTS_WRITE = "requests:write"  # a client's CRM: files requests for that client
    REQUESTS_READ = "requests:read"  # a client's CRM: reads that client's requests


CLIENT_SCOPES = frozenset({Scope.REQUESTS_WRITE, Scope.REQUESTS_READ})  # bound to one client
