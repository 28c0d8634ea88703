"""Acknowledged work that survives the process: listeners wrapped so that the intent is stored
before Slack hears "OK", finished by the work itself, and replayed by another process (or
this one after a restart) when its worker died first. See ``bot.usecases.intent_store``.

- Buttons and events: :func:`deferred` gives the ack function (store, then ack) and the
  lazy function (the work, finishing the intent). Work that opens a modal cannot be
  replayed — the trigger is valid for 3 seconds — so its replay tells the person their
  click was interrupted and to click again.
- Modal submissions: :func:`submit_within` runs the use case inside the acknowledgement budget as
  before; only when it overruns (the late path) is the intent stored before the ack. A
  replay runs the listener again with the stored payload, its outcome told by DM like any
  late one.
- :func:`replay_pending` finds unfinished intents nobody owns and runs them.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.slack.acks import ACK_BUDGET
from bot.slack.acks import within as run_within
from bot.slack.intent_names import IntentName
from bot.slack.render.text import escape, request_ref
from bot.usecases import intent_store
from bot.usecases.desk import Desk

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger("credit_bot.intents")

RECORD_BUDGET = 0.4  # seconds of the ack budget kept for storing the intent
REPLAY_BACKOFF = 2.0


@dataclass(frozen=True)
class Listener:
    fn: Callable
    kind: str  # action | view | event
    opens_modal: bool = False  # replay = "interrupted, click again"


LISTENERS: dict[IntentName, Listener] = {}  # by the name stored with each intent
_replaying: ContextVar[str | None] = ContextVar("replaying_intent", default=None)


def _noop(*_args, **_kwargs) -> None:
    return None


# -- what an intent keeps of the payload -----------------------------------------------------

def trim(body: dict) -> dict:
    """The payload's ids and submitted values (not the message or view it was rendered in)."""
    out = {k: body[k] for k in ("type", "trigger_id", "event_id", "api_app_id") if k in body}
    user = body.get("user")
    if isinstance(user, dict):
        out["user"] = {"id": user.get("id")}
    elif "user_id" in body:
        out["user_id"] = body["user_id"]
    if isinstance(body.get("team"), dict):
        out["team"] = {"id": body["team"].get("id")}
    if isinstance(body.get("channel"), dict):
        out["channel"] = {"id": body["channel"].get("id")}
    if isinstance(body.get("container"), dict):
        out["container"] = body["container"]
    if isinstance(body.get("message"), dict):
        out["message"] = {"ts": body["message"].get("ts")}
    if isinstance(body.get("actions"), list):
        out["actions"] = body["actions"][:1]
    view = body.get("view")
    if isinstance(view, dict):
        out["view"] = {k: view[k] for k in ("id", "type", "callback_id", "private_metadata", "state", "hash",
                                            "root_view_id") if k in view}
    if isinstance(body.get("event"), dict):
        event = body["event"]
        out["event"] = {k: event[k] for k in ("type", "subtype", "user", "bot_id", "channel", "channel_type", "ts",
                                              "thread_ts", "text", "tab", "event_ts", "files") if k in event}
    return out


def _user(body: dict) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    if isinstance(user, str):
        return user
    event = body.get("event") or {}
    return body.get("user_id") or event.get("user")


def _request_id(body: dict) -> int | None:
    raw = ((body.get("actions") or [{}])[0] or {}).get("value")
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def _store(context, key: str, kind: str, name: str, body: dict, budget: float,
           keep: Callable[[Session, dict], bool] | None = None) -> bool:
    """Store the intent, waiting at most ``budget`` seconds (a stuck database must not hold the
    ack: the insert then finishes in the background). With ``keep``, nothing is stored unless
    ``keep(session, body)`` holds; False when it was known in time that nothing was stored."""
    desk: Desk = context["desk"]
    args = dict(key=key, kind=kind, name=name, user_id=_user(body), request_id=_request_id(body), body=trim(body),
                owner=desk.worker_id, now=desk.now())
    if keep is not None:
        args["only_if"] = lambda session: keep(session, body)
    done, stored = run_within(context["acks"], intent_store.record, desk, budget=budget, **args)
    if not done:
        log.warning("storing intent %s took longer than %.1fs; acknowledged anyway", key, budget)
        return True
    return stored is not False


# -- buttons and events ------------------------------------------------------------------------

def _call(fn: Callable, available: dict):
    """Call a Bolt listener function with the arguments it names (as Bolt would)."""
    names = inspect.signature(fn).parameters
    return fn(**{name: available.get(name) for name in names})


def _register(name: IntentName, listener: Listener) -> None:
    LISTENERS[IntentName(name)] = listener  # one of the fixed names, never a function's (a new app replaces)


def deferred(kind: str, name: IntentName, work: Callable, *, opens_modal: bool = False,
             wanted: Callable[[dict], bool] | None = None,
             keep: Callable[[Session, dict], bool] | None = None) -> tuple[Callable, Callable]:
    """(ack, lazy) for a listener whose work runs after the ack: the ack stores the intent
    under ``name`` (when ``wanted(body)``, and ``keep(session, body)`` in the storing
    transaction), the lazy function runs ``work`` and finishes it (or just runs it, when
    nothing was stored)."""
    _register(name, Listener(work, kind, opens_modal))
    name = str(name)

    def ack_and_store(ack, body, context):
        if wanted is None or wanted(body):
            event_id = body.get("event_id")
            key = f"e-{event_id}" if kind == "event" and event_id else intent_store.new_key(kind)
            context["intent_key"] = key
            if not _store(context, key, kind, name, body, ACK_BUDGET - RECORD_BUDGET, keep):
                context["intent_key"] = None
        ack()

    def lazy(args):
        available = {"body": args.body, "client": args.client, "context": args.context, "event": args.event,
                     "view": args.view, "action": args.action, "payload": args.payload, "logger": args.logger,
                     "ack": _noop}
        key = args.context.get("intent_key")
        if key is None:
            _call(work, available)
            return
        run(args.context["desk"], key, LISTENERS[name], available)

    ack_and_store.__name__ = f"ack_{name}"
    lazy.__name__ = name.replace(".", "_")  # Bolt tells lazy functions apart by name
    return ack_and_store, lazy


def run(desk: Desk, key: str, listener: Listener, available: dict) -> None:
    """Run a listener's work for the intent ``key`` and finish it (a failure leaves it to a replay)."""
    try:
        if listener.opens_modal:
            _call(listener.fn, available)
            intent_store.finish(desk, key, "modal opened")
            return
        with intent_store.finishing(key) as state:
            _call(listener.fn, available)
        if not state.done:  # the work wrote nothing: its outcome is that nothing was to be done
            intent_store.finish(desk, key)
    except intent_store.AlreadyDone:
        log.info("intent %s was finished elsewhere", key)
    except Exception as exc:  # noqa: BLE001 - left for a replay
        log.exception("intent %s failed; it will be tried again", key)
        try:
            intent_store.release(desk, key, f"{exc.__class__.__name__}: {exc}", after=REPLAY_BACKOFF)
        except Exception:  # noqa: BLE001 - the database is away: the dead-worker sweep frees it
            log.warning("could not release intent %s", key, exc_info=True)


# -- modal submissions --------------------------------------------------------------------------

def replayable(kind: str, name: IntentName, listener: Callable) -> Callable:
    """Register a listener that stores its own intent under ``name`` (through
    :func:`submit_within`) for replays."""
    _register(name, Listener(listener, kind))
    return listener


def submit_within(context, body: dict, name: IntentName, fn: Callable, *args, on_late: Callable[[Future], None] | None = None,
           **kwargs):
    """``acks.within`` for a modal submission, with its intent: ``(True, result)`` when ``fn``
    finished inside the budget (the modal shows the outcome; nothing to keep), else the intent
    is stored before the ack and ``on_late(future)`` tells the person the outcome later.
    In a replay, ``fn`` runs to the end and ``on_late`` always tells the outcome."""
    if _replaying.get() is not None:  # inside run(): the intent is being finished already
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except intent_store.AlreadyDone:
            raise
        except Exception as exc:  # noqa: BLE001 - told to the person by on_late
            future.set_exception(exc)
        if on_late is not None:
            on_late(future)
        return False, None
    state = intent_store.Finishing(intent_store.new_key("view"))

    def work():
        with intent_store.finishing(state):
            return fn(*args, **kwargs)

    def late(future: Future) -> None:
        if on_late is None:
            return
        try:
            with intent_store.finishing(state):
                on_late(future)
        except intent_store.AlreadyDone:
            pass

    started = time.monotonic()
    done, result = run_within(context["acks"], work, budget=ACK_BUDGET - RECORD_BUDGET, on_late=late)
    if done:
        return True, result
    _store(context, state.key, "view", str(name), body, max(0.05, ACK_BUDGET - (time.monotonic() - started)))
    return False, None


# -- replays ------------------------------------------------------------------------------------

def _where(intent) -> tuple[str, str]:
    body = intent.body or {}
    action = (body.get("actions") or [{}])[0] or {}
    label = escape(((action.get("text") or {}).get("text")) or "")
    ref = f" on {request_ref(intent.request_id)}" if intent.request_id else ""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    return (f"your click on “{label}”{ref}" if label else f"your click{ref}"), channel


def _interrupted(intent) -> dict | None:
    what, channel = _where(intent)
    if not intent.user_id:
        return None
    return {"user": intent.user_id, "channel": channel,
            "text": f":warning: {what[0].upper() + what[1:]} was interrupted before its form could open "
                    "(the credit bot restarted). Please click it again."}


def _gave_up(intent) -> dict | None:
    if not intent.user_id or intent.kind == "event":
        return None  # nobody is waiting on an event (a reply stays where it was written)
    if intent.kind == "view":
        return {"user": intent.user_id, "channel": "",
                "text": ":warning: A form you submitted to the credit bot did not go through. Please try again."}
    what, channel = _where(intent)
    return {"user": intent.user_id, "channel": channel,
            "text": f":warning: {what[0].upper() + what[1:]} did not go through. Please try again."}


def replay_pending(desk: Desk, *, owner: str, acks, client=None, limit: int = 20) -> int:
    """Finish intents nobody owns any more (their worker died, or a try failed). Returns how
    many were taken."""
    taken = intent_store.claim_replayable(desk, owner=owner, limit=limit)
    for intent in taken:
        listener = LISTENERS.get(intent.name)
        try:
            if listener is None or intent.attempts > intent_store.REPLAY_TRIES:
                log.warning("giving up intent %s (%s) after %d tries", intent.key, intent.name, intent.attempts)
                intent_store.finish(desk, intent.key, f"gave up: {intent.outcome or 'no listener'}", tell=_gave_up(intent))
            elif listener.opens_modal:
                intent_store.finish(desk, intent.key, "interrupted", tell=_interrupted(intent))
            else:
                body = dict(intent.body or {})
                context = {"desk": desk, "acks": acks, "intent_key": intent.key}
                available = {"body": body, "client": client, "context": context, "event": body.get("event"),
                             "view": body.get("view"), "action": (body.get("actions") or [None])[0],
                             "payload": body.get("event") or body.get("view") or body, "logger": log, "ack": _noop}
                token = _replaying.set(intent.key)
                try:
                    run(desk, intent.key, listener, available)
                finally:
                    _replaying.reset(token)
            log.info("replayed intent %s (%s)", intent.key, intent.name)
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("replaying intent %s failed", intent.key)
            intent_store.release(desk, intent.key, "replay failed", after=REPLAY_BACKOFF)
    return len(taken)
