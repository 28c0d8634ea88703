"""Read queries shared by the application (no Slack, no policy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, exists, literal, select
from sqlalchemy.orm import Session

from storage.models import Client, ClientUser, Lead, Staff


def prior_deliveries(
    session: Session, *, client_id: str, category_key: str, phone_e164: str | None,
    email_key: str | None, since: datetime, before: datetime, exclude_lead_id: str,
) -> list[Lead]:
    """Leads delivered to the client in the same category with the same contact,
    received in ``[since, before)``. Each contact uses its own covering index."""
    found: dict[str, Lead] = {}
    base = (
        Lead.client_id == client_id,
        Lead.category_key == category_key,
        Lead.received_at >= since,
        Lead.received_at < before,
        Lead.lead_id != exclude_lead_id,
    )
    if phone_e164:
        for lead in session.scalars(select(Lead).where(*base, Lead.phone_e164 == phone_e164)):
            found[lead.lead_id] = lead
    if email_key:
        for lead in session.scalars(select(Lead).where(*base, Lead.email_key == email_key)):
            found[lead.lead_id] = lead
    return list(found.values())


def clients_for_user(session: Session, slack_user_id: str) -> list[Client]:
    return list(
        session.scalars(
            select(Client).join(ClientUser, ClientUser.client_id == Client.client_id)
            .where(ClientUser.slack_user_id == slack_user_id)
            .order_by(Client.client_id)
        )
    )


_SPEAKS_FOR_A_CLIENT = (select(literal(1)).select_from(ClientUser)
                        .join(Client, ClientUser.client_id == Client.client_id)
                        .where(ClientUser.slack_user_id == bindparam("user")).limit(1))


def speaks_for_a_client(session: Session, slack_user_id: str) -> bool:
    """Is this user linked to at least one client? (``clients_for_user`` is not empty; one
    cached statement, no rows loaded.)"""
    return session.execute(_SPEAKS_FOR_A_CLIENT, {"user": slack_user_id}).first() is not None


def clients_for_channel(session: Session, channel_id: str) -> list[Client]:
    return list(session.scalars(select(Client).where(Client.slack_channel_id == channel_id)))


def has_users(session: Session, client_id: str) -> bool:
    """Does the client list its Slack users (``slack_user_ids``)?"""
    return bool(session.scalar(select(exists().where(ClientUser.client_id == client_id))))


def is_staff(session: Session, slack_user_id: str) -> bool:
    return bool(session.scalar(select(exists().where(Staff.slack_user_id == slack_user_id))))


def roles_of(session: Session, slack_user_id: str) -> set[str]:
    return set(session.scalars(select(Staff.role).where(Staff.slack_user_id == slack_user_id)))
