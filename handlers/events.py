"""Events: App Home opened, and contractor replies in their receipt threads. Both are
acknowledged at once and handled after the ack."""

from __future__ import annotations

from bot.usecases.conversation import contractor_replied
from bot.usecases.homes import home_opened
from handlers.payload import event_text


def just_ack(ack):
    ack()


def on_home_opened(event, context):
    if event.get("tab", "home") == "home":
        home_opened(context["desk"], event.get("user", ""))


def on_message(body, event, context):
    if event.get("bot_id") or event.get("subtype") or not event.get("thread_ts"):
        return  # only people's replies in threads matter
    if event.get("thread_ts") == event.get("ts"):
        return
    contractor_replied(
        context["desk"], event_id=body.get("event_id"), channel=event.get("channel", ""),
        thread_ts=event["thread_ts"], user=event.get("user", ""), text=event_text(event),
        ts=event.get("ts", ""),
    )


def register(app) -> None:
    app.event("app_home_opened")(ack=just_ack, lazy=[on_home_opened])
    app.event("message")(ack=just_ack, lazy=[on_message])
