"""``credit-bot api-keys``: make, list and revoke keys of the HTTP API. A new key is printed
once, on stdout; nothing else ever prints or logs one. Bad input: one line on stderr, exit 2."""

from __future__ import annotations

import sys

from bot.entrypoints.cli_common import now, open_database, printable
from bot.usecases.api_scopes import Scope

USAGE_ERROR = 2


def cmd_api_keys(args, settings) -> int:
    from bot.usecases import api_keys

    db = open_database(settings)
    try:
        if args.api_keys_command == "create":
            key = api_keys.create(db, name=args.name, scope=args.scope, client_id=args.client, now=now())
            print(key)
            print(f"key {args.name.strip()} ({args.scope}{', client ' + args.client.strip() if args.client else ''}) "
                  "made; it is shown only this once: store it now", file=sys.stderr)
        elif args.api_keys_command == "revoke":
            api_keys.revoke(db, args.name, now=now())
            print(f"key {printable(args.name.strip())} revoked")
        else:
            rows = api_keys.listing(db)
            if not rows:
                print("No API keys yet. Make one with: credit-bot api-keys create --name NAME --scope leads:write")
            for k in rows:
                print("\t".join([k.name, k.scope, k.client_id or "-", _at(k.created_at),
                                 "last used " + (_at(k.last_used_at) if k.last_used_at else "never"),
                                 "revoked " + _at(k.revoked_at) if k.revoked_at else "active"]))
    except api_keys.ApiKeyError as exc:
        print(f"credit-bot: {printable(exc)}", file=sys.stderr)
        return USAGE_ERROR
    finally:
        db.dispose()
    return 0


def _at(moment) -> str:
    return moment.isoformat(timespec="seconds")


def add_parser(sub) -> None:
    scopes = [str(s) for s in Scope]
    keys = sub.add_parser("api-keys", help="make, list and revoke keys of the HTTP API (/api/v1)")
    ksub = keys.add_subparsers(dest="api_keys_command", required=True, metavar="ACTION")
    create = ksub.add_parser("create", help="make a key and print it (once: only its hash is kept)")
    create.add_argument("--name", required=True, help="a name for the key, e.g. lead-router or acme-crm")
    create.add_argument("--scope", required=True, choices=scopes,
                        help="leads:write (the lead system), requests:write or requests:read (a client's CRM)")
    create.add_argument("--client", metavar="ID", help="the client a requests:* key files and reads for (required)")
    ksub.add_parser("list", help="every key: name, scope, client, created, last used (never the key)")
    revoke = ksub.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("name", help="the key's name")
