"""Events: App Home opened, and contractor replies (and files they share) in their receipt
threads. Both store their intent, are acknowledged at once and handled after the ack."""

from __future__ import annotations

from bot.slack import durable_listeners
from bot.slack.intent_names import IntentName
from bot.slack.payloads import clean_text
from bot.usecases.conversation import contractor_replied, receipt_thread
from bot.usecases.evidence import files_of
from bot.usecases.homes import home_opened

PEOPLE_SUBTYPES = {None, "file_share", "thread_broadcast"}  # what a person's message may be


def _home_tab(body: dict) -> bool:
    return (body.get("event") or {}).get("tab", "home") == "home"


def _person_reply(body: dict) -> bool:
    """A person's reply in a thread (only those matter), with or without files."""
    event = body.get("event") or {}
    if event.get("bot_id") or event.get("subtype") not in PEOPLE_SUBTYPES or not event.get("thread_ts"):
        return False
    return event.get("thread_ts") != event.get("ts")


def _in_receipt_thread(session, body: dict) -> bool:
    """Checked before anything of the message is stored: only a receipt thread's replies are
    kept (the text of any other thread never reaches the database)."""
    event = body.get("event") or {}
    return receipt_thread(session, event.get("channel") or "", event.get("thread_ts") or "") is not None


def on_home_opened(body, event, context):
    if _home_tab(body):
        home_opened(context["desk"], event.get("user", ""))


def on_message(body, event, context):
    if not _person_reply(body):
        return
    contractor_replied(
        context["desk"], event_id=body.get("event_id"), channel=event.get("channel", ""),
        thread_ts=event["thread_ts"], user=event.get("user", ""), text=clean_text(event.get("text")),
        ts=event.get("ts", ""), files=files_of(event.get("files")),
    )


def register(app) -> None:
    ack, work = durable_listeners.deferred("event", IntentName.HOME_OPENED, on_home_opened, wanted=_home_tab)
    app.event("app_home_opened")(ack=ack, lazy=[work])
    ack, work = durable_listeners.deferred("event", IntentName.THREAD_MESSAGE, on_message, wanted=_person_reply, keep=_in_receipt_thread)
    app.event("message")(ack=ack, lazy=[work])
