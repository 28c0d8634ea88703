"""Who someone is to the desk: their staff roles, and whether they speak for a client.

A contractor speaks for a client when their Slack user is mapped to it
(``slack_user_ids``), or — for a client mapped by its channel alone (no user list) — when
they are mapped to no client at all, hold no staff role, and act in that client's own
channel (``slack_channel_id``). Staff never count as a client's contractor through the
channel rule."""

from __future__ import annotations

from sqlalchemy.orm import Session

from policy.lifecycle import Role, Viewer
from storage.models import Client, ClientUser
from storage.queries import clients_for_channel, clients_for_user, has_users, is_staff, speaks_for_a_client
from storage.queries import roles_of as stored_roles

_ROLES = {r.value: r for r in Role}


def roles_of(session: Session, user_id: str) -> frozenset[Role]:
    return frozenset(_ROLES[r] for r in stored_roles(session, user_id) if r in _ROLES)


def clients_spoken_for(session: Session, user_id: str, channel_id: str | None) -> list[Client]:
    """The clients this user speaks for, acting from ``channel_id``."""
    clients = clients_for_user(session, user_id)
    if clients or not channel_id or is_staff(session, user_id):
        return clients
    return [c for c in clients_for_channel(session, channel_id) if not has_users(session, c.client_id)]


def can_file_from(session: Session, user_id: str, channel_id: str | None) -> bool:
    """Does this user speak for some client, acting from ``channel_id``? (The same answer as
    ``clients_spoken_for`` being non-empty, without loading clients in the usual case.)"""
    if speaks_for_a_client(session, user_id):
        return True
    return bool(clients_spoken_for(session, user_id, channel_id))


def speaks_for(session: Session, user_id: str, channel_id: str | None, client_id: str) -> bool:
    """Does this user, acting from ``channel_id``, speak for ``client_id``?"""
    if session.get(ClientUser, (client_id, user_id)) is not None:
        return True
    return any(c.client_id == client_id for c in clients_spoken_for(session, user_id, channel_id))


def viewer(session: Session, user_id: str, channel_id: str | None, client_id: str | None) -> Viewer:
    """The person as the lifecycle's rules see them, for a request of ``client_id``."""
    return Viewer(
        user_id=user_id,
        roles=roles_of(session, user_id),
        speaks_for_client=bool(client_id) and speaks_for(session, user_id, channel_id, client_id),
    )
