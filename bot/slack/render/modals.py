"""Modals: filing requests, denying, reversing, asking for an exception, granting or
upholding it, and asking the contractor a question. Input limits are the policy's
(``policy.terms``), enforced again on the server."""

from __future__ import annotations

import copy
import json
from functools import lru_cache

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from bot.slack.ids import MODAL, Callback, Field
from bot.slack.render.action_words import WORDS
from bot.slack.render.text import clip, lead_ref, request_ref
from policy.lifecycle import Action as Step
from policy.reasons import CATALOG, CREDITABLE, NON_CREDITABLE
from policy.terms import MAX_EVIDENCE_FILES, MAX_LEAD_ID, MAX_LEADS_PER_FILING, MAX_TEXT, window_words


def _options(codes) -> list[Option]:
    return [Option(value=str(code), label=clip(CATALOG[code].label, 75)) for code in codes]


def _text_input(field: str, label: str, *, multiline: bool, initial: str | None = None,
                placeholder: str | None = None, optional: bool = False, max_length: int = MAX_TEXT) -> InputBlock:
    return InputBlock(
        block_id=field, label=label, optional=optional,
        element=PlainTextInputElement(action_id=field, multiline=multiline, initial_value=initial or None,
                                      placeholder=placeholder, max_length=max_length),
    )


def credit_request_modal(channel_id: str, lead_id: str = "") -> dict:
    """The filing modal: the static part is built (and checked against Slack's limits) once."""
    view = copy.deepcopy(_credit_request_template())
    view["private_metadata"] = channel_id[:3000]
    lead_id = clip(lead_id.strip(), LEAD_INPUT_LENGTH)
    if lead_id:
        view["blocks"][0]["element"]["initial_value"] = lead_id
    return view


LEAD_INPUT_LENGTH = MAX_LEADS_PER_FILING * (MAX_LEAD_ID + 2)


@lru_cache(maxsize=1)
def _credit_request_template() -> dict:
    rules = "\n".join(f"• *{CATALOG[c].label}*: {CATALOG[c].rule}" for c in CREDITABLE)
    view = View(
        type="modal", callback_id=Callback.CREDIT_REQUEST, title="Lead credit request",
        submit="Submit", close="Cancel",
        blocks=[
            _text_input(Field.LEAD_ID, "Lead ID", multiline=True,
                        placeholder=f"e.g. L-10042 — several leads with the same problem? Up to "
                                    f"{MAX_LEADS_PER_FILING} ids, separated by commas or new lines",
                        max_length=LEAD_INPUT_LENGTH),
            InputBlock(block_id=Field.REASON, label="Reason",
                       element=StaticSelectElement(action_id=Field.REASON, placeholder="Choose a reason",
                                                   options=_options(CREDITABLE))),
            _text_input(Field.DETAILS, "Details", multiline=True,
                        placeholder="What happened? e.g. the number is disconnected, we called twice."),
            InputBlock(block_id=Field.EVIDENCE, label="Evidence", optional=True,
                       hint=PlainTextObject(text=f"Up to {MAX_EVIDENCE_FILES} files: a screenshot of the carrier "
                                                 "message, a call log…"),
                       element=FileInputElement(action_id=Field.EVIDENCE, max_files=MAX_EVIDENCE_FILES)),
            SectionBlock(text=MarkdownTextObject(text=clip(
                "*Creditable reasons*\n" + rules + f"\nReport within {window_words()}, counted from the day "
                "you received the lead.", 3000))),
        ],
    )
    return view.to_dict()


def _note_modal(step: Step, request_id: int, intro: str, *,
                label: str = "Note", field: str = Field.NOTE, optional: bool = False,
                extra: list | None = None, channel_id: str | None = None, hint: str | None = None) -> dict:
    blocks = [SectionBlock(text=MarkdownTextObject(text=clip(intro, 3000)))]
    blocks += extra or []
    note = _text_input(field, label, multiline=True, optional=optional)
    if hint:
        note.hint = PlainTextObject(text=hint)
    blocks.append(note)
    title, submit = WORDS[step].modal
    view = View(type="modal", callback_id=MODAL[step], title=title, submit=submit, close="Cancel",
                private_metadata=metadata(request_id, channel_id), blocks=blocks)
    return view.to_dict()


def metadata(request_id: int, channel_id: str | None = None) -> str:
    """A decision modal's ``private_metadata``: the request id, and the channel the button
    was clicked in when it matters (a contractor known by their channel)."""
    if not channel_id:
        return str(request_id)
    return json.dumps({"request_id": request_id, "channel_id": channel_id})


def deny_modal(request_id: int, lead_id: str, suggested: str | None = None) -> dict:
    options = _options(NON_CREDITABLE)
    initial = next((o for o in options if o.value == suggested), None)
    select = InputBlock(block_id=Field.DENY_REASON, label="Deny reason",
                        element=StaticSelectElement(action_id=Field.DENY_REASON, options=options,
                                                    initial_option=initial, placeholder="Choose a reason"))
    return _note_modal(Step.DENY, request_id,
                       f"Deny *{request_ref(request_id)}* for lead *{lead_ref(lead_id)}*.",
                       label="Note to the contractor", optional=True, extra=[select],
                       hint="Optional; the contractor sees it with the policy rule.")


def reverse_modal(request_id: int, lead_id: str) -> dict:
    return _note_modal(Step.REVERSE, request_id,
                       f"Reverse the credit on *{request_ref(request_id)}* (lead *{lead_ref(lead_id)}*). "
                       "Say what contradicts the approved credit; the contractor sees it.",
                       label="Why is it reversed?")


def exception_modal(request_id: int, lead_id: str, channel_id: str | None = None) -> dict:
    return _note_modal(Step.REQUEST_EXCEPTION, request_id,
                       f"Ask your account manager to review the denial of lead *{lead_ref(lead_id)}* "
                       f"({request_ref(request_id)}).", label="What makes this exceptional?",
                       channel_id=channel_id)


def grant_modal(request_id: int, lead_id: str) -> dict:
    return _note_modal(Step.GRANT_EXCEPTION, request_id,
                       f"Grant the exception on *{request_ref(request_id)}* (lead *{lead_ref(lead_id)}*): "
                       "the lead will be credited.", label="Note to the contractor", optional=True,
                       hint="Optional; the contractor sees it.")


def uphold_modal(request_id: int, lead_id: str) -> dict:
    return _note_modal(Step.UPHOLD_DENIAL, request_id,
                       f"Uphold the denial of *{request_ref(request_id)}* (lead *{lead_ref(lead_id)}*).",
                       label="Why does the denial stand?", hint="Required; the contractor sees it.")


def info_modal(request_id: int, lead_id: str) -> dict:
    return _note_modal(Step.REQUEST_INFO, request_id,
                       f"Your question is posted in the contractor's thread for lead *{lead_ref(lead_id)}*; "
                       "their replies come back to this request's thread.", label="Question",
                       field=Field.QUESTION)


def notice_modal(title: str, text: str) -> dict:
    """A modal that only says something (e.g. why a shortcut cannot file for this person)."""
    view = View(type="modal", title=clip(title, 24), close="Close",
                blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))])
    return view.to_dict()
