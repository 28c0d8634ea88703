"""Events: App Home opened, and contractor replies (and files they share) in their receipt
threads. Both are acknowledged at once and handled after the ack."""

from __future__ import annotations

from bot.usecases.conversation import contractor_replied
from bot.usecases.evidence import files_of
from bot.usecases.homes import home_opened
from handlers.payload import clean_text

PEOPLE_SUBTYPES = {None, "file_share", "thread_broadcast"}  # what a person's message may be


def just_ack(ack):
    ack()


def on_home_opened(event, context):
    if event.get("tab", "home") == "home":
        home_opened(context["desk"], event.get("user", ""))


def on_message(body, event, context):
    if event.get("bot_id") or event.get("subtype") not in PEOPLE_SUBTYPES or not event.get("thread_ts"):
        return  # only people's replies in threads matter
    if event.get("thread_ts") == event.get("ts"):
        return
    contractor_replied(
        context["desk"], event_id=body.get("event_id"), channel=event.get("channel", ""),
        thread_ts=event["thread_ts"], user=event.get("user", ""), text=clean_text(event.get("text")),
        ts=event.get("ts", ""), files=files_of(event.get("files")),
    )


def register(app) -> None:
    app.event("app_home_opened")(ack=just_ack, lazy=[on_home_opened])
    app.event("message")(ack=just_ack, lazy=[on_message])
